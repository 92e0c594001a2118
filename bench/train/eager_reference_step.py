#!/usr/bin/env python3
"""Times the reference's own training step (osu_dreamer.latent_model.model.Model, PyTorch eager, CPU):
one batch = critic step + generator step with its Muon optimizers and LambdaLR schedules, as
Lightning's manual optimization runs them (manual_backward = backward, logging off).

  PYTHONPATH=/work/trainref/src /work/trainref/venv/bin/python bench/train/eager_reference_step.py \
      --config config/latent_tiny.yml --batch 2 --frames 576 --steps 5 --threads 2

Prints one JSON line: config, batch, frames, threads, seconds per batch (median and mean of --steps after
one warm-up), the losses of the last batch, peak RSS (MiB). With grad_accum_steps A > 1 the optimizers step
on every A-th batch only, so the mean over a multiple of A batches (s_per_batch_mean) is the cost per batch.
--batch-file and --init: the batch and the initial state that bench_trainer_step wrote (--save-batch,
--save-state), so that both train the same weights on the same windows."""
import argparse, json, resource, statistics, time

import numpy as np
import torch as th
import yaml

from osu_dreamer.latent_model.model import Model
from osu_dreamer.latent_model.modules.ae import AutoEncoderArgs
from osu_dreamer.latent_model.modules.critic import MultiScaleCriticArgs
from osu_dreamer.latent_model.modules.wavenet import WaveNetArgs
from osu_dreamer.modules.lr_schedule import LRScheduleArgs


def as_numbers(v):
    """PyYAML reads '5e-3' (no dot) as a string; LightningCLI casts it by the annotation (float)."""
    if isinstance(v, dict):
        return {k: as_numbers(x) for k, x in v.items()}
    if isinstance(v, list):
        return [as_numbers(x) for x in v]
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            return v
    return v


def build_model(model_cfg):
    m = as_numbers(dict(model_cfg))
    m["ae_args"] = AutoEncoderArgs(strides=m["ae_args"]["strides"], layer_args=WaveNetArgs(**m["ae_args"]["layer_args"]),
                                   **{k: v for k, v in m["ae_args"].items() if k not in ("strides", "layer_args")})
    m["critic_args"] = MultiScaleCriticArgs(**m["critic_args"])
    m["lr_schedule_args"] = LRScheduleArgs(**m.get("lr_schedule_args", {}))
    return Model(**m)


class Schedulers:
    def __init__(self, model):
        (c_opt, g_opt), schs = model.configure_optimizers()
        self.opts = [c_opt, g_opt]
        self.schs = [s["scheduler"] for s in schs]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    ap.add_argument("--batch", type=int, default=2)
    ap.add_argument("--frames", type=int, default=1024)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--batch-file", help="the batch bench_trainer_step --save-batch wrote (float32 audio then chart)")
    ap.add_argument("--init", help="start from this checkpoint (bench_trainer_step --save-state): weights, optimizers, schedules")
    a = ap.parse_args()
    th.set_num_threads(a.threads)
    th.manual_seed(a.seed)
    cfg = yaml.safe_load(open(a.config))
    model = build_model(cfg["model"])
    model.train()
    logged = {}
    model.log_dict = lambda d, **k: logged.update({n: float(v) for n, v in d.items()})
    model.manual_backward = lambda loss, *x, **k: loss.backward()
    s = Schedulers(model)
    audio = th.rand(a.batch, 72, a.frames) * -2
    chart = th.rand(a.batch, 9, a.frames) * 2 - 1
    if a.batch_file:
        values = np.fromfile(a.batch_file, dtype="<f4")
        if values.size != a.batch * (72 + 9) * a.frames:
            raise SystemExit(f"{a.batch_file}: {values.size} float32 values, not batch x (72 + 9) x frames")
        audio = th.from_numpy(values[:a.batch * 72 * a.frames].reshape(a.batch, 72, a.frames).copy())
        chart = th.from_numpy(values[a.batch * 72 * a.frames:].reshape(a.batch, 9, a.frames).copy())
    if a.init:
        ckpt = th.load(a.init, map_location="cpu", weights_only=False)
        model.load_state_dict(ckpt["state_dict"])
        for opt, state in zip(s.opts, ckpt["optimizer_states"]):
            opt.load_state_dict(state)
        for sch, state in zip(s.schs, ckpt["lr_schedulers"]):
            sch.load_state_dict(state)
    times, cpu_times = [], []  # wall; process CPU time (all threads), less sensitive to a loaded machine
    for i in range(a.steps + 1):
        t0, cpu0 = time.perf_counter(), time.process_time()
        for c in range(model.critic_steps_per_gen):
            model._train_critic_step(audio, chart, s.opts[0], s.schs[0], i, c)
        model._train_gen_step(audio, chart, s.opts[1], s.schs[1], i)
        if i:
            times.append(time.perf_counter() - t0)
            cpu_times.append(time.process_time() - cpu0)
    print(json.dumps({"config": a.config, "batch": a.batch, "frames": a.frames, "threads": a.threads,
                      "s_per_batch": statistics.median(times), "s_per_batch_mean": statistics.mean(times),
                      "cpu_s_per_batch_mean": statistics.mean(cpu_times),
                      "batches_per_s": 1 / statistics.median(times),
                      "losses": logged,
                      "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == "__main__":
    main()
