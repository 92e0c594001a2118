#!/usr/bin/env python3
"""Writes expected.json: what checkpoint_provenance_test expects `run` to record about each checkpoint,
read here with Python's own pickle (no torch, no osu_dreamer: unknown classes become stubs that keep
their fields), independently of the C++ reader.

usage: /usr/bin/python3 make_expected.py   (from anywhere; paths are relative to the repository)
"""
import json
import os
import pickle
import zipfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
CHECKPOINTS = ["checkpoints/vae_small_UNTRAINED_random_weights.ckpt", "tests/data/train/tiny_lightning252.ckpt",
               "checkpoints/latent_demo.ckpt"]
# The bundled random-weight fixture's weights are random (checkpoints/README.md) although its counters copy
# the published model's; tiny_lightning252.ckpt is a real Lightning 2.5.2 run of the reference's training;
# latent_demo.ckpt is the default of `cartography run`, trained by `cartography fit-latent`.
RANDOM_WEIGHTS = {"checkpoints/vae_small_UNTRAINED_random_weights.ckpt"}


class Stub:
    def __init__(self, *args, **kwargs):
        self.fields = kwargs

    def __setstate__(self, state):
        self.fields = state

    def __getitem__(self, k):
        return self.fields[k]


class Loader(pickle.Unpickler):
    def find_class(self, module, name):
        # Python's own containers are real; tensors, storages and osu_dreamer's dataclasses are stubs.
        if module in ("builtins", "collections", "_codecs"):
            return super().find_class(module, name)
        return Stub

    def persistent_load(self, pid):
        return None


def load(path):
    with zipfile.ZipFile(path) as z:
        name = next(n for n in z.namelist() if n.endswith("/data.pkl"))
        return Loader(z.open(name)).load()


def architecture(hp):
    ae = hp["ae_args"]
    layer = ae["layer_args"]
    strides = ",".join(str(s) for s in ae["strides"])
    return (f"H={hp['h_dim']} D={hp['emb_dim']} strides=[{strides}] stacks={layer['num_stacks']} "
            f"depth={layer['stack_depth']} expand={ae['expand']}/{layer['expand']}")


def main():
    out = {}
    for rel in CHECKPOINTS:
        root = load(os.path.join(ROOT, rel))
        out[rel] = {"file": os.path.basename(rel), "bytes": os.path.getsize(os.path.join(ROOT, rel)),
                    "global_step": root.get("global_step"), "epoch": root.get("epoch"),
                    "lightning_version": root.get("pytorch-lightning_version"),
                    "training_state": len(root.get("optimizer_states") or []) > 0,
                    "architecture": architecture(root["hyper_parameters"]),
                    "trained": "no" if rel in RANDOM_WEIGHTS else "yes" if root.get("global_step", 0) > 0 else "no"}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "expected.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
