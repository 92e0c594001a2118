"""Time of one step of the reference's Muon (osu_dreamer.modules.muon) over the full-size model's
parameters (muon_shapes.txt), random weights and gradients, CPU, 2 threads: the counterpart of
bench_muon. Median of 5 steps after one warm-up step, per group.

    PYTHONPATH=/work/trainref/src /work/trainref/venv/bin/python muon_reference_step.py
"""
import pathlib
import statistics
import time

import torch

from osu_dreamer.modules.muon import Muon

torch.set_num_threads(2)
here = pathlib.Path(__file__).resolve().parent
for line in (here / "muon_shapes.txt").read_text().splitlines():
    name, *shapes = line.split()
    g = torch.Generator().manual_seed(0)
    params = [torch.nn.Parameter(torch.randn(tuple(int(d) for d in s.split("x")) if s != "s" else (), generator=g))
              for s in shapes]
    opt = Muon(params, lr=0.002, weight_decay=0.0)
    times = []
    for _ in range(6):
        for p in params:
            p.grad = torch.randn(p.shape, generator=g)
        t0 = time.perf_counter()
        opt.step()
        times.append(time.perf_counter() - t0)
    print(f"{name}: {len(params)} tensors, {sum(p.numel() for p in params):,} floats, "
          f"median step {statistics.median(times[1:]) * 1e3:.0f} ms")
