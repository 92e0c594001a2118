"""Goldens for the reference's audio features (src/latent/cqt.*, src/audio decode_pcm).

Runs the reference itself: osu_dreamer.data.load_audio.load_audio (the ffmpeg CLI pipe, then
nnAudio's CQT, power, log10, floor at max - 6, / 3).

    PYTHONPATH=/work/trainref/src /work/trainref/venv/bin/python make_cqt_golden.py [--clips]

--clips first (re)makes the audio clips from tests/data/corpus_small's archives with the ffmpeg
CLI (committed; only needed if they are lost):
  clip_mp3.mp3         8 s of 100020.osz's audio.mp3 (MP3, mono 22050 Hz), stream copy
  clip_ogg.ogg         8 s of 100036.osz's audio.ogg (Vorbis, mono 22050 Hz), stream copy
  clip_stereo44k.mp3   6 s of 100123.osz's audio.mp3 re-encoded as stereo 44100 Hz MP3 with
                       different channels (downmix and a 44100 -> 16384 resampling ratio)

Writes, beside this script, for each case <name>:
  <name>_pcm.npy    int16 [n]: the samples the reference's ffmpeg pipe produced (captured from
                    load_audio's own subprocess call)
  <name>_spec.npy   float32 [72, n // 98 + 1]: load_audio's result
Cases: the three clips, and synthetic PCM fed to load_audio in place of ffmpeg's output:
  chirp             6 s: exponential sweep 32 Hz -> 8 kHz plus a 440 Hz tone, then 1 s of
                    silence (the max - 6 floor), 16-bit rounded
  short             4097 samples of noise (the least reflect padding of 4096 accepts)
"""
import pathlib
import subprocess
import sys
import zipfile

import numpy as np

import osu_dreamer.data.load_audio as la

OUT = pathlib.Path(__file__).resolve().parent
CORPUS = OUT.parents[1] / "corpus_small"

CLIPS = {
    "clip_mp3.mp3": ("100020.osz", "audio.mp3", ["-ss", "5", "-t", "8", "-c", "copy"]),
    "clip_ogg.ogg": ("100036.osz", "audio.ogg", ["-ss", "5", "-t", "8", "-c", "copy"]),
    "clip_stereo44k.mp3": ("100123.osz", "audio.mp3",
                           ["-ss", "3", "-t", "6", "-af", "pan=stereo|c0=c0|c1=0.5*c0,aecho=0.8:0.7:60:0.5",
                            "-ar", "44100", "-c:a", "libmp3lame", "-b:a", "96k"]),
}


def make_clips():
    for clip, (osz, member, args) in CLIPS.items():
        source = OUT / ("src_" + member)
        with zipfile.ZipFile(CORPUS / osz) as z:
            source.write_bytes(z.read(member))
        subprocess.run(["ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-i", str(source),
                        "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact",
                        *args, str(OUT / clip)], check=True)
        source.unlink()


# load_audio's `run`, wrapped: records what the ffmpeg pipe returned, or returns given bytes
# instead of running ffmpeg (the synthetic cases).
captured = {}
real_run = la.run


def recording_run(cmd, **kw):
    if "fake" in captured:
        return subprocess.CompletedProcess(cmd, 0, stdout=captured.pop("fake"), stderr=b"")
    result = real_run(cmd, **kw)
    captured["pcm"] = result.stdout
    return result


la.run = recording_run


def save(name, pcm_bytes, spec):
    pcm = np.frombuffer(pcm_bytes, dtype=np.int16)
    assert spec.dtype == np.float32 and spec.shape == (la.A_DIM, len(pcm) // la.HOP_LEN + 1), spec.shape
    np.save(OUT / f"{name}_pcm.npy", pcm)
    np.save(OUT / f"{name}_spec.npy", spec)
    print(f"{name}: {len(pcm)} samples, spec {spec.shape}, range [{spec.min():.4f}, {spec.max():.4f}]")


def synthetic(name, pcm):
    data = pcm.astype("<i2").tobytes()
    captured["fake"] = data
    save(name, data, la.load_audio("synthetic"))


def main():
    if "--clips" in sys.argv:
        make_clips()
    for clip in CLIPS:
        spec = la.load_audio(str(OUT / clip))
        save(pathlib.Path(clip).stem, captured.pop("pcm"), spec)

    sr = la.SR
    t = np.arange(6 * sr) / sr
    f0, f1 = 32.0, 8000.0
    k = np.log(f1 / f0) / t[-1]
    sweep = 0.4 * np.sin(2 * np.pi * f0 * (np.exp(k * t) - 1) / k) + 0.2 * np.sin(2 * np.pi * 440 * t)
    chirp = np.concatenate([sweep, np.zeros(sr)])
    synthetic("chirp", np.round(chirp * 32767).astype(np.int16))

    rng = np.random.default_rng(7)
    synthetic("short", rng.integers(-3000, 3000, size=4097).astype(np.int16))


if __name__ == "__main__":
    main()
