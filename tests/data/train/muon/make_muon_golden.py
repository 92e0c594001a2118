"""Goldens for the libtorch Muon optimizer and LR schedule (tests/latent/test_muon.cpp).

Runs the reference itself (osu_dreamer.modules.muon.Muon, osu_dreamer.modules.lr_schedule,
torch.optim.lr_scheduler.LambdaLR), stepped as latent_model/model.py steps them:
opt.step(); opt.zero_grad(); sch.step().

    PYTHONPATH=/work/trainref/src /work/trainref/venv/bin/python make_muon_golden.py

Writes, beside this script:
  schedule/args.npy             [n, 3] rows (warmup_steps, warmup_init, decay_start; -1 = inf)
  schedule/values.npy           [n, K] schedule(k) for k = 0..K-1, float64
  <case>/lr.npy                 [steps] the group's lr during each optimizer step, float64
  <case>/hyper.npy              (lr, adam_lr_factor, weight_decay, momentum, beta1, beta2, eps,
                                 warmup_steps, warmup_init, decay_start; -1 = inf)
  <case>/p<i>_init.npy          parameter i before the first step
  <case>/p<i>_grad<s>.npy       its gradient at step s (before the step; Muon overwrites p.grad)
  <case>/p<i>_after<s>.npy      the parameter after step s
  <case>/p<i>_momentum_buffer.npy, p<i>_moment1.npy, p<i>_moment2.npy, p<i>_step.npy
                                optimizer state after the last step
  <case>/sched.npy              (last_epoch, _step_count, base_lr, _last_lr, group lr, initial_lr)
                                after the last sch.step()
  <case>/state_dict.txt         repr of the optimizer's and scheduler's state_dict without
                                tensors (the field names a Lightning checkpoint stores)
  ns/<name>_in.npy, ns/<name>_out.npy   zeropower_via_newtonschulz5(G, steps=5) alone (the
                                bfloat16 output converted exactly to float32)
"""
import math
import pathlib

import numpy as np
import torch

from osu_dreamer.modules.lr_schedule import LRScheduleArgs, make_lr_schedule
from osu_dreamer.modules.muon import Muon, zeropower_via_newtonschulz5

OUT = pathlib.Path(__file__).resolve().parent
SHAPES = [(16, 8, 3), (8, 16, 1), (4, 1, 5, 5), (64, 9, 1), (9, 64), (12,), ()]
STEPS = 3


def save(path: pathlib.Path, a) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    a = a.detach().float().numpy() if isinstance(a, torch.Tensor) else np.asarray(a)
    np.save(path, a)


def inf_as_neg(x: float) -> float:
    return -1.0 if math.isinf(x) else float(x)


def schedule_table() -> None:
    rows = [(0, 1.0, math.inf), (5, 0.01, math.inf), (100, 0.01, 300.0), (1, 0.01, 1.5),
            (7, 0.3, 7.0), (1000, 1e-3, 2500.5)]
    K = 3000
    values = np.array([[make_lr_schedule(LRScheduleArgs(warmup_steps=w, warmup_init=i, decay_start=d))(k)
                        for k in range(K)] for w, i, d in rows], dtype=np.float64)
    save(OUT / "schedule/args.npy", np.array([(w, i, inf_as_neg(d)) for w, i, d in rows], dtype=np.float64))
    save(OUT / "schedule/values.npy", values)


def run_case(name: str, seed: int, opt_args: dict, sched: LRScheduleArgs) -> None:
    d = OUT / name
    g = torch.Generator().manual_seed(seed)
    params = [torch.nn.Parameter(torch.randn(s, generator=g)) for s in SHAPES]
    grads = [[torch.randn(s, generator=g) * (0.1 + i) for i, s in enumerate(SHAPES)] for _ in range(STEPS)]
    opt = Muon(params, **opt_args)
    sch = torch.optim.lr_scheduler.LambdaLR(opt, make_lr_schedule(sched))
    for i, p in enumerate(params):
        save(d / f"p{i}_init.npy", p)
    lrs = []
    for s in range(STEPS):
        for i, p in enumerate(params):
            save(d / f"p{i}_grad{s}.npy", grads[s][i])
            p.grad = grads[s][i].clone()
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        opt.zero_grad()
        sch.step()
        for i, p in enumerate(params):
            save(d / f"p{i}_after{s}.npy", p)
    save(d / "lr.npy", np.array(lrs, dtype=np.float64))
    o = opt.defaults
    save(d / "hyper.npy", np.array([o["lr"], o["adam_lr_factor"], o["weight_decay"], o["momentum"],
                                    *o["adamw_betas"], o["adamw_eps"], sched.warmup_steps,
                                    sched.warmup_init, inf_as_neg(sched.decay_start)], dtype=np.float64))
    for i, p in enumerate(params):
        for key, value in opt.state[p].items():
            save(d / f"p{i}_{key}.npy", np.array(value, dtype=np.float64) if key == "step" else value)
    ss = sch.state_dict()
    grp = opt.param_groups[0]
    save(d / "sched.npy", np.array([ss["last_epoch"], ss["_step_count"], ss["base_lrs"][0], ss["_last_lr"][0],
                                    grp["lr"], grp["initial_lr"]], dtype=np.float64))
    osd = opt.state_dict()
    text = "optimizer.param_groups = " + repr(osd["param_groups"]) + "\n"
    text += "optimizer.state = " + repr({k: {kk: (tuple(vv.shape) if isinstance(vv, torch.Tensor) else vv)
                                             for kk, vv in v.items()} for k, v in osd["state"].items()}) + "\n"
    text += "scheduler = " + repr(ss) + "\n"
    (d / "state_dict.txt").write_text(text)


def newton_schulz() -> None:
    g = torch.Generator().manual_seed(7)
    # Small products (libtorch 1.13 rounds their partial sums differently), exactly 16x16x16, and
    # large ones (oneDNN there), plain and transposed.
    for name, shape in [("square", (24, 24)), ("wide", (9, 64)), ("tall", (64, 9)), ("conv", (16, 24)),
                        ("s16", (16, 16)), ("h200", (200, 200)), ("big", (128, 512)), ("bigtall", (300, 90))]:
        G = torch.randn(shape, generator=g) * 3
        save(OUT / f"ns/{name}_in.npy", G)
        save(OUT / f"ns/{name}_out.npy", zeropower_via_newtonschulz5(G.clone(), steps=5))


if __name__ == "__main__":
    torch.set_num_threads(1)
    schedule_table()
    common = dict(lr=0.002, adam_lr_factor=0.01, momentum=0.95, adamw_betas=(0.9, 0.95), adamw_eps=1e-10)
    run_case("warmup", 1, dict(common, weight_decay=0.0),
             LRScheduleArgs(warmup_steps=5, warmup_init=0.01))
    # All three branches of the schedule in three steps: warmup, 1, isqrt decay.
    run_case("decay_wd", 2, dict(common, weight_decay=0.1),
             LRScheduleArgs(warmup_steps=1, warmup_init=0.01, decay_start=1.5))
    newton_schulz()
    print("torch", torch.__version__)
