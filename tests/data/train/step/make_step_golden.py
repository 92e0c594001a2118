"""Goldens for the latent model's training passes, made by the reference's own code.

Run (from the repository root):
    PYTHONPATH=/work/trainref/src /work/trainref/venv/bin/python tests/data/train/step/make_step_golden.py
(torch 2.7.1, pytorch-lightning 2.5.2; the reference package osu_dreamer importable.)

Model: the `model:` section of latent_tiny.yml, built like LightningCLI builds it, then the
weights of tests/data/train/tiny_lightning252.ckpt loaded (load_state_dict). The C++ side loads
the same checkpoint, so no initial weights are stored here. Note the reference's in-place
renormalisation: a loaded MP conv weight is at tensor version 2 (never renormalised), but a
Sum's logits are at version 1 and get renormalised once by the first training forward; the
goldens include that (the C++ load does the same once).

Outputs (float32 .npy, parameters named by state_dict key):
  step/ batch1_{audio,chart}.npy        B=2, L=576: audio U(-2,0) [2,72,576], chart U(-1,1) [2,9,576]
        noise1_{critic,gen}.npy         the bottleneck's randn_like draw of each pass [2,16,32]
        critic_grad/<key>.npy           critic grads of _train_critic_step (batch_idx 0)
        gen_grad/<key>.npy              encoder/decoder/align_audio grads of _train_gen_step
        gen_critic_grad/<key>.npy       the critic grads the generator pass leaves behind
        manifest.json                   logged losses, key lists, shapes
        losses.npy                      float64 [critic adversarial, gradient_penalty, gen kl,
                                        adversarial, reconstruction (feature matching), l2]
  full_step/ batch2_*.npy, noise2_*.npy the second batch and its noise
        delta1/<key>.npy                weights after one real training_step (Muon + LambdaLR
                                        from configure_optimizers) minus the loaded weights
        delta2/<key>.npy                weights after a second training_step (batch 2) minus after the first
        update_sensitivity.npy          float64 [2 steps, keys in state_dict order]: lr·max|Δu| of the
                                        reference's Muon update under 1e-5 relative gradient noise
        manifest.json
"""
import copy
import json
import os
import sys

import numpy as np
import torch as th
import yaml

from osu_dreamer.latent_model.model import Model
from osu_dreamer.latent_model.modules.ae import AutoEncoderArgs
from osu_dreamer.latent_model.modules.wavenet import WaveNetArgs
from osu_dreamer.latent_model.modules.critic import MultiScaleCriticArgs
from osu_dreamer.modules.lr_schedule import LRScheduleArgs
from osu_dreamer.modules.muon import muon_update

HERE = os.path.dirname(os.path.abspath(__file__))
TRAIN = os.path.dirname(HERE)
CKPT = os.path.join(TRAIN, "tiny_lightning252.ckpt")
CONFIG = os.environ.get("LATENT_TINY_YML", "/work/shared/tools/trainref/configs/latent_tiny.yml")
B, L = 2, 576


def build_model() -> Model:
    with open(CONFIG) as f:
        m = yaml.safe_load(f.read().replace("@WORK@", "/tmp"))["model"]
    th.manual_seed(1234)
    model = Model(
        opt_args=m["opt_args"],
        lr_schedule_args=LRScheduleArgs(**m["lr_schedule_args"]),
        grad_accum_steps=m["grad_accum_steps"],
        critic_steps_per_gen=m["critic_steps_per_gen"],
        # LightningCLI converts by the type hints; YAML 1.1 reads 5e-3 as a string
        **{k: float(m[k]) for k in ("gp_factor", "gan_factor", "fm_factor", "pixel_factor", "kl_factor")},
        emb_dim=m["emb_dim"], h_dim=m["h_dim"], audio_h_dim=m["audio_h_dim"],
        ae_args=AutoEncoderArgs(
            strides=m["ae_args"]["strides"],
            layer_args=WaveNetArgs(**m["ae_args"]["layer_args"]),
        ),
        critic_args=MultiScaleCriticArgs(
            spec_features=m["critic_args"]["spec_features"],
            scales=m["critic_args"]["scales"],
            convs=[tuple(c) for c in m["critic_args"]["convs"]],
        ),
    )
    sd = th.load(CKPT, map_location="cpu", weights_only=False)["state_dict"]
    model.load_state_dict(sd, strict=True)
    model.train()
    logged = {}
    model.log_dict = lambda d, **kw: logged.update({k: float(v) for k, v in d.items()})
    model.manual_backward = lambda loss, *a, **kw: loss.backward()
    model.logged = logged
    return model


class NoiseTape:
    """Replaces torch.randn_like: replays queued draws, else draws from its own generator and records."""

    def __init__(self, seed):
        self.gen = th.Generator().manual_seed(seed)
        self.queue, self.drawn = [], []
        self.orig = th.randn_like

    def __call__(self, t, *a, **kw):
        n = self.queue.pop(0) if self.queue else th.randn(t.shape, generator=self.gen, dtype=t.dtype)
        self.drawn.append(n.clone())
        return n.clone()


class GradRecorder:
    """Optimizer stand-in: step() records every parameter's .grad, zero_grad() sets them to None."""

    def __init__(self, named):
        self.named = list(named)
        self.grads = None

    def step(self):
        # The last WaveNet layer's `res` output is unused: its grad stays None (Muon skips it);
        # stored as zeros and listed in the manifest.
        self.no_grad = [k for k, p in self.named if p.grad is None]
        self.grads = {k: th.zeros_like(p) if p.grad is None else p.grad.detach().clone() for k, p in self.named}

    def zero_grad(self):
        for _, p in self.named:
            p.grad = None


def measure_sensitivity(opt, keys, out):
    """Wraps opt.step: before each step, for every Muon parameter (ndim >= 2), how far the
    reference's own update moves the weight (lr·max|Δu|) when the gradient and the momentum
    buffer carry relative noise of 1e-5 of their largest |value| (the agreement of our gradients):
    Newton-Schulz in bfloat16 amplifies small singular values, so some updates (the bottleneck's)
    move by 10 % of their size under such noise. Worst of 4 seeded draws; 0 for Adam parameters."""
    step = opt.step

    def wrapped(*a, **kw):
        g = th.Generator().manual_seed(5)
        row = {}
        for group in opt.param_groups:
            for k, p in zip(keys, group["params"]):
                if p.grad is None or p.ndim < 2:
                    row[k] = 0.0
                    continue
                buf = opt.state[p].get("momentum_buffer", th.zeros_like(p))
                base = muon_update(p.grad.clone(), buf.clone(), group["momentum"]).float()
                worst = 0.0
                for _ in range(4):
                    def noisy(t):
                        return t + th.randn(t.shape, generator=g) * 1e-5 * t.abs().max()
                    u = muon_update(noisy(p.grad), noisy(buf), group["momentum"]).float()
                    worst = max(worst, (u - base).abs().max().item())
                row[k] = worst * group["lr"]
        out.append(row)
        return step(*a, **kw)

    opt.step = wrapped


class NoSched:
    def step(self):
        pass


def save(folder, name, t):
    os.makedirs(folder, exist_ok=True)
    np.save(os.path.join(folder, name + ".npy"), np.ascontiguousarray(t.detach().cpu().numpy().astype(np.float32)))


def batch(seed):
    g = th.Generator().manual_seed(seed)
    audio = th.rand(B, 72, L, generator=g) * 2 - 2
    chart = th.rand(B, 9, L, generator=g) * 2 - 1
    return audio, chart


def main():
    tape = NoiseTape(99)
    th.randn_like = tape
    step_dir, full_dir = os.path.join(HERE), os.path.join(TRAIN, "full_step")
    audio1, chart1 = batch(11)
    audio2, chart2 = batch(22)

    # ---- part A: gradients of one critic pass and one generator pass ----
    model = build_model()
    critic_named = [(k, p) for k, p in model.named_parameters() if k.startswith("critic.")]
    gen_named = [(k, p) for k, p in model.named_parameters() if not k.startswith("critic.")]
    c_rec, g_rec = GradRecorder(critic_named), GradRecorder(gen_named)
    model._train_critic_step(audio1, chart1, c_rec, NoSched(), 0, 0)
    critic_logged = dict(model.logged)
    model._train_gen_step(audio1, chart1, g_rec, NoSched(), 0)
    gen_logged = {k: v for k, v in model.logged.items() if k.startswith("train/gen/")}
    noise_critic1, noise_gen1 = tape.drawn
    for k, g in c_rec.grads.items():
        save(os.path.join(step_dir, "critic_grad"), k, g)
    for k, g in g_rec.grads.items():
        save(os.path.join(step_dir, "gen_grad"), k, g)
    for k, p in critic_named:
        save(os.path.join(step_dir, "gen_critic_grad"), k, th.zeros_like(p) if p.grad is None else p.grad)
    save(step_dir, "batch1_audio", audio1)
    save(step_dir, "batch1_chart", chart1)
    save(step_dir, "noise1_critic", noise_critic1)
    save(step_dir, "noise1_gen", noise_gen1)
    # The same six losses for readers without JSON, in this order.
    np.save(os.path.join(step_dir, "losses.npy"), np.array([critic_logged["train/critic/adversarial"],
            critic_logged["train/critic/gradient_penalty"], gen_logged["train/gen/kl"],
            gen_logged["train/gen/adversarial"], gen_logged["train/gen/reconstruction"],
            gen_logged["train/gen/l2"]], dtype=np.float64))
    with open(os.path.join(step_dir, "manifest.json"), "w") as f:
        json.dump({
            "torch": th.__version__,
            "checkpoint": "tests/data/train/tiny_lightning252.ckpt",
            "losses": {**critic_logged, **gen_logged},
            "no_grad_keys": g_rec.no_grad + c_rec.no_grad,
            "critic_keys": [k for k, _ in critic_named],
            "generator_keys": [k for k, _ in gen_named],
            "shapes": {k: list(p.shape) for k, p in model.named_parameters()},
        }, f, indent=1)

    # ---- part B: two real training steps (Muon + LambdaLR from configure_optimizers) ----
    model = build_model()
    (c_opt, g_opt), scheds = model.configure_optimizers()
    c_sch, g_sch = (s["scheduler"] for s in scheds)
    c_rows, g_rows = [], []
    measure_sensitivity(c_opt, [k for k, _ in model.named_parameters() if k.startswith("critic.")], c_rows)
    measure_sensitivity(g_opt, [k for k, _ in model.named_parameters() if not k.startswith("critic.")], g_rows)
    model.optimizers = lambda *a, **kw: [c_opt, g_opt]
    model.lr_schedulers = lambda *a, **kw: [c_sch, g_sch]
    before = {k: p.detach().clone() for k, p in model.named_parameters()}
    tape.drawn = []
    tape.queue = [noise_critic1, noise_gen1]
    model.training_step((audio1, chart1), 0)
    after1 = {k: p.detach().clone() for k, p in model.named_parameters()}
    model.training_step((audio2, chart2), 1)
    after2 = {k: p.detach().clone() for k, p in model.named_parameters()}
    _, _, noise_critic2, noise_gen2 = tape.drawn
    for k in before:
        save(os.path.join(full_dir, "delta1"), k, after1[k] - before[k])
        save(os.path.join(full_dir, "delta2"), k, after2[k] - after1[k])
    np.save(os.path.join(full_dir, "update_sensitivity.npy"),
            np.array([[{**c_rows[s], **g_rows[s]}[k] for k in before] for s in range(2)], dtype=np.float64))
    save(full_dir, "batch2_audio", audio2)
    save(full_dir, "batch2_chart", chart2)
    save(full_dir, "noise2_critic", noise_critic2)
    save(full_dir, "noise2_gen", noise_gen2)
    with open(os.path.join(full_dir, "manifest.json"), "w") as f:
        json.dump({
            "torch": th.__version__,
            "what": "step 1 = training_step(batch1 of ../step with noise1_*), step 2 = training_step(batch2, noise2_*)",
            "lr_after": [c_sch.get_last_lr()[0], g_sch.get_last_lr()[0]],
            "keys": list(before),
        }, f, indent=1)
    print("ok", critic_logged, gen_logged)


if __name__ == "__main__":
    sys.exit(main())
