"""A checkpoint trained by `cartography fit-latent` is the reference's model (issue 9):
 1. fit-latent trains the tiny config a few steps on four corpus_small archives;
 2. osu_dreamer's Model.load_from_checkpoint(last.ckpt, map_location='cpu') loads it, and the
    encoder's posterior mean (encoder[0] -> encoder[1] -> encoder[2].mu, eval mode) of a chart
    signal made by `cartography encode-osu` (L not a multiple of 18, zero-padded to one as
    Model.encode does) equals `cartography encode-latent --latent mean` within 1e-5 absolute;
 3. `cartography run` on those archives with that checkpoint (--no-controls) produces Track B.
Run with the reference's training venv (torch 2.7, PyTorch Lightning 2.5.2) and osu_dreamer on
PYTHONPATH. Exit 0 when all holds, 1 with the first difference otherwise.
usage: reference_load_check.py CARTOGRAPHY CORPUS_SMALL CONFIG WORK_DIR"""
import json, os, shutil, subprocess, sys, time, zipfile
import numpy as np
import torch
import torch.nn.functional as F
from osu_dreamer.latent_model.model import Model

TOLERANCE = 1e-5
ARCHIVES = ["100020", "100036", "100082", "100123"]
FRAMES = 5003  # 5003 = 277 x 18 + 17: Model.encode pads 1 frame


def fail(message):
    print(f"FAILED: {message}")
    sys.exit(1)


def cartography(*args):
    t0 = time.monotonic()
    done = subprocess.run([CARTOGRAPHY, *map(str, args)], capture_output=True, text=True)
    print(f"timing: {time.monotonic() - t0:.1f} s: cartography {args[0]}")
    if done.returncode != 0:
        fail(f"cartography {' '.join(map(str, args))}: rc {done.returncode}\n{done.stdout}{done.stderr}")
    return done.stdout


def reference_mean(model, x):
    """The reference's encoder up to the posterior mean, on x (9, L) padded as Model.encode does."""
    chart = torch.from_numpy(x).float()[None]
    pad = model.padding(chart.size(-1))
    chart = F.pad(chart, (0, pad)) if pad > 0 else chart
    with torch.no_grad():
        h = model.encoder[1](model.encoder[0](chart))
        return model.encoder[2].mu(h)[0].numpy()


CARTOGRAPHY, corpus, config, work = sys.argv[1:5]
shutil.rmtree(work, ignore_errors=True)
data = os.path.join(work, "data")
os.makedirs(data)
for a in ARCHIVES:
    os.symlink(os.path.join(corpus, f"{a}.osz"), os.path.join(data, f"{a}.osz"))

cartography("fit-latent", data, "--config", config, "--out", f"{work}/fit", "--max-steps", 4,
            "--threads", 1, "--progress-seconds", 60)
ckpt = f"{work}/fit/checkpoints/last.ckpt"

with zipfile.ZipFile(os.path.join(corpus, f"{ARCHIVES[0]}.osz")) as osz:
    chart_name = next(n for n in osz.namelist() if n.endswith(".osu"))
    with open(f"{work}/chart.osu", "wb") as f:
        f.write(osz.read(chart_name))
cartography("encode-osu", f"{work}/chart.osu", "--frames", FRAMES, "--out", f"{work}/x.npy")
cartography("encode-latent", f"{work}/x.npy", "--checkpoint", ckpt, "--latent", "mean",
            "--out", f"{work}/z.npy", "--threads", 1)

step = torch.load(ckpt, map_location="cpu", weights_only=False)["global_step"]
if step != 4:
    fail(f"{ckpt}: global_step {step}, 4 steps were trained")
model = Model.load_from_checkpoint(ckpt, map_location="cpu").eval()
if not isinstance(model, Model):
    fail("the loaded object is not the latent model")
x = np.load(f"{work}/x.npy")
want = reference_mean(model, x)
got = np.load(f"{work}/z.npy")
if got.shape != want.shape:
    fail(f"encode-latent gives shape {got.shape}, the reference {want.shape}")
diff = float(np.abs(got.astype(np.float64) - want).max())
print(f"posterior mean of '{chart_name}' ({x.shape[1]} frames -> {want.shape}): "
      f"max |diff| {diff:.3g} (max |mu| {float(np.abs(want).max()):.3g})")
if not diff <= TOLERANCE:
    fail(f"encode-latent differs from the reference's encoder by {diff:.3g} > {TOLERANCE}")

cartography("run", data, "--checkpoint", ckpt, "--no-controls", "--no-report", "--out", f"{work}/run")
results = f"{work}/run/results/track_b/track_b_results.json"
if not os.path.exists(results):
    fail(f"cartography run wrote no {results}")
with open(results) as f:
    track_b = json.load(f)
pairs = track_b.get("pairs_compared", 0)
if not pairs or not all(np.isfinite(d["cosine_mean"]) for d in track_b["dim_summary"].values()):
    fail(f"{results}: no pairs compared or a non-finite cosine")
print(f"cartography run with the trained checkpoint: Track B over {track_b['songs_analyzed']} songs, {pairs} pairs")
print("reference load check: OK")
