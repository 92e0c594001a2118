#!/usr/bin/env python3
"""Goldens of fit-latent's config reader and training schedule, from the reference's behaviour.

config_*.json: the seed's YAML files as PyYAML reads them (LightningCLI's parser) with the
reference's defaults applied (Muon's keyword defaults, LRScheduleArgs, max(1, ...) clamps).

schedule.json: what osu-dreamer's Model.training_step does under Lightning's fit loop, step by
step: per batch, critic_steps_per_gen critic passes, each stepping when
(batch_idx*C + i + 1) % A == 0, then a generator pass stepping when (batch_idx + 1) % A == 0;
batch_idx restarts at 0 every epoch; global_step counts every optimizer step; the loop stops
after the batch in which global_step reaches max_steps; with check_val_every_n_epoch: null,
validation runs after every val_check_interval-th batch counted across epochs.
Run: /usr/bin/python3 make_goldens.py (from anywhere); writes beside itself.
"""
import json
import math
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[3]


def config_golden(path):
    y = yaml.safe_load(path.read_text())
    t, d, m = y["trainer"], y["data"], y["model"]
    opt = {"lr": .02, "adam_lr_factor": .01, "weight_decay": .1, "momentum": .95,
           "adamw_betas": [.9, .95], "adamw_eps": 1e-10}
    opt.update(m.get("opt_args", {}))
    lrs = {"warmup_steps": 0, "warmup_init": 1.0, "decay_start": math.inf}
    lrs.update(m.get("lr_schedule_args") or {})
    seed = y.get("seed_everything")
    return {
        "seed": seed if isinstance(seed, int) and not isinstance(seed, bool) else None,
        "max_steps": t.get("max_steps", -1),
        "max_epochs": t.get("max_epochs", 1000 if t.get("max_steps", -1) == -1 else -1),
        "val_check_interval": t["val_check_interval"],
        "check_val_every_n_epoch": t.get("check_val_every_n_epoch", 1),
        "limit_val_batches": t.get("limit_val_batches", 1.0),
        "log_every_n_steps": t.get("log_every_n_steps", 50),
        "seq_len": d["seq_len"], "batch_size": d["batch_size"], "val_size": d["val_size"],
        "lr": opt["lr"], "adam_lr_factor": opt["adam_lr_factor"], "weight_decay": opt["weight_decay"],
        "momentum": opt["momentum"], "adamw_beta1": opt["adamw_betas"][0], "adamw_beta2": opt["adamw_betas"][1],
        "adamw_eps": opt["adamw_eps"],
        "warmup_steps": lrs["warmup_steps"], "warmup_init": lrs["warmup_init"],
        "decay_start": -1 if math.isinf(lrs["decay_start"]) else lrs["decay_start"],
        "grad_accum_steps": max(1, m["grad_accum_steps"]), "critic_steps_per_gen": max(1, m["critic_steps_per_gen"]),
        "gp_factor": m["gp_factor"], "gan_factor": float(m["gan_factor"]), "fm_factor": m["fm_factor"],
        "pixel_factor": m["pixel_factor"], "kl_factor": m["kl_factor"],
        "emb_dim": m["emb_dim"], "h_dim": m["h_dim"], "audio_h_dim": m["audio_h_dim"],
        "strides": m["ae_args"]["strides"], "ae_expand": m["ae_args"].get("expand", 1),
        "num_stacks": m["ae_args"]["layer_args"]["num_stacks"],
        "stack_depth": m["ae_args"]["layer_args"]["stack_depth"],
        "wavenet_expand": m["ae_args"]["layer_args"].get("expand", 1),
        "critic_spec_features": m["critic_args"]["spec_features"], "critic_scales": m["critic_args"]["scales"],
        "critic_convs": m["critic_args"]["convs"], "critic_dropout": m["critic_args"].get("dropout", 0.0),
    }


def schedule(A, C, batches_per_epoch, max_steps, val_every):
    events, val_after, global_step, total = [], [], 0, 0
    epoch = 0
    while True:
        for batch_idx in range(batches_per_epoch):
            for i in range(C):
                events.append("c")
                if (batch_idx * C + i + 1) % A == 0:
                    events.append("C")
                    global_step += 1
            events.append("g")
            if (batch_idx + 1) % A == 0:
                events.append("G")
                global_step += 1
            total += 1
            if total % val_every == 0:
                val_after.append(total - 1)
            if global_step >= max_steps:
                return {"A": A, "C": C, "batches_per_epoch": batches_per_epoch, "max_steps": max_steps,
                        "val_every": val_every, "events": "".join(events), "global_step": global_step,
                        "batches": total, "epoch": epoch, "val_after": val_after}
        epoch += 1


def main():
    for name in ["latent_model", "latent_tiny"]:
        (HERE / f"config_{name}.json").write_text(
            json.dumps(config_golden(ROOT / "config" / f"{name}.yml"), indent=1) + "\n")
    cases = [schedule(1, 1, 5, 8, 2), schedule(2, 1, 5, 12, 3), schedule(2, 2, 3, 20, 4),
             schedule(3, 2, 4, 17, 5), schedule(1, 3, 2, 13, 1), schedule(4, 1, 5, 9, 7)]
    (HERE / "schedule.json").write_text(json.dumps(cases, indent=1) + "\n")


if __name__ == "__main__":
    main()
