"""The reference's audio features through nnAudio itself (osu_dreamer.data.load_audio's CQT
module, power, log scaling) on the same kind of signal as bench_cqt: seconds per minute of
audio on this CPU, with 1 and 2 torch threads.

    PYTHONPATH=/work/trainref/src /work/trainref/venv/bin/python bench/latent/cqt_nnaudio.py [minutes...]
"""
import sys
import time

import numpy as np
import torch as th

import osu_dreamer.data.load_audio as la


def signal(minutes):
    t = np.arange(minutes * 60 * la.SR) / la.SR
    rng = np.random.default_rng(1)
    beat = np.exp(-8 * np.fmod(t, 0.5))
    v = (0.3 * np.sin(2 * np.pi * 110 * t) + 0.2 * np.sin(2 * np.pi * 440 * t) +
         0.1 * np.sin(2 * np.pi * 1760 * t) + 0.2 * beat * (rng.random(len(t)) - 0.5))
    return np.round(v * 32767).astype(np.int16)


def features(pcm):
    wave = th.from_numpy(pcm.astype(np.float32) / 2 ** 15)
    spec = la.constant_q_transform(wave)
    log_spec = th.clamp(spec, min=1e-10).log10()
    return th.maximum(log_spec, log_spec.max() - 6.) / 3


def main():
    minutes = [int(a) for a in sys.argv[1:]] or [1]
    with th.inference_mode():
        for m in minutes:
            pcm = signal(m)
            for threads in (1, 2):
                th.set_num_threads(threads)
                features(pcm[: la.SR])  # warm-up
                best = float("inf")
                for _ in range(3):
                    start = time.perf_counter()
                    features(pcm)
                    best = min(best, time.perf_counter() - start)
                print(f"nnAudio CQT, {m} min, {threads} thread(s): {best / m:.3f} s per minute of audio (best of 3)")


if __name__ == "__main__":
    main()
