#!/usr/bin/python3
"""PyTorch eager baseline for bench_latent: the reference's own encoder modules (osu_dreamer,
/work/ref) at full size (H=360, D=32, strides [2,3,3], 1 stack of depth 4), random weights,
eval mode, inference mode, timed as the reference runs them (mu and logvar of one map).

usage: /usr/bin/python3 bench/latent/eager_reference.py [--frames 30000] [--threads 2]
          [--repeat 3] [--ref /work/ref] [--save DIR]
--save DIR writes DIR/full_random.ckpt (Lightning layout: state_dict + hyper_parameters with the
reference's dataclasses, saved by torch.save), DIR/x.npy (float64 input) and DIR/mu_eager.npy,
so that `cartography encode-latent DIR/x.npy --checkpoint DIR/full_random.ckpt` can be checked
against eager on the same weights. Needs python3-torch (Debian) and numpy.
"""
import argparse
import collections
import resource
import sys
import time
from pathlib import Path

import numpy as np

STUBS = '/work/shared/tools/refharness/stubs'  # jaxtyping: shape annotations only


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--frames', type=int, default=30000)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--repeat', type=int, default=3)
    ap.add_argument('--ref', default='/work/ref')
    ap.add_argument('--save')
    a = ap.parse_args()
    sys.path[:0] = [STUBS, a.ref]
    import torch as th
    import torch.nn.functional as F
    from torch import nn
    import osu_dreamer.modules.mp as MP
    from osu_dreamer.latent_model.modules.ae import AutoEncoderArgs, Encoder
    from osu_dreamer.latent_model.modules.gaussian import GaussianVariationalBottleneck
    from osu_dreamer.latent_model.modules.wavenet import WaveNetArgs

    th.set_num_threads(a.threads)
    th.manual_seed(0)
    H, D = 360, 32
    args = AutoEncoderArgs(strides=[2, 3, 3], layer_args=WaveNetArgs(num_stacks=1, stack_depth=4))
    encoder = nn.Sequential(MP.Conv1d(9, H, 1), Encoder(H, args), GaussianVariationalBottleneck(H, D)).eval()

    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, size=(9, a.frames)).astype(np.float32)
    chart = th.from_numpy(x)[None]

    def mu_logvar(chart):
        pad = (18 - chart.size(-1) % 18) % 18
        if pad:
            chart = F.pad(chart, (0, pad))
        h = encoder[1](encoder[0](chart))
        return encoder[2].mu(h), encoder[2].logvar(h)

    with th.inference_mode():
        mu, _ = mu_logvar(chart)  # warm-up
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        times = []
        cpu0 = time.process_time()  # all threads of the process: the work, whatever the load
        for _ in range(a.repeat):
            t0 = time.perf_counter()
            mu, logvar = mu_logvar(chart)
            times.append(time.perf_counter() - t0)
        cpu = (time.process_time() - cpu0) / a.repeat
    best, mean = min(times), sum(times) / len(times)
    print(f'eager frames={a.frames} threads={a.threads}: wall mean {mean * 1e3:.0f} ms, best {best * 1e3:.0f} ms, '
          f'{a.frames / mean:.0f} frames/s; cpu {cpu:.2f} s per map; process peak RSS '
          f'{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB (before the timed runs {rss_before / 1024:.0f} MiB)')
    if a.save:
        out = Path(a.save)
        out.mkdir(parents=True, exist_ok=True)
        state = collections.OrderedDict(('encoder.' + k, v) for k, v in encoder.state_dict().items())
        th.save({'state_dict': state,
                 'hyper_parameters': {'h_dim': H, 'emb_dim': D, 'audio_h_dim': 32, 'ae_args': args}},
                out / 'full_random.ckpt')
        np.save(out / 'x.npy', x.astype(np.float64))
        np.save(out / 'mu_eager.npy', mu[0].numpy())
        print(f'saved {out}/full_random.ckpt, x.npy, mu_eager.npy')


if __name__ == '__main__':
    main()
