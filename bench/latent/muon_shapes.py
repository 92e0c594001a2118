"""Writes muon_shapes.txt: the parameter shapes of the full-size latent model (config/latent_model.yml)
per optimizer, in the order configure_optimizers hands them to Muon, for bench_muon and
muon_reference_step.py. One line per group: name, then shapes as AxBxC ('s' = 0-dim).

    PYTHONPATH=/work/trainref/src /work/trainref/venv/bin/python muon_shapes.py
"""
import pathlib

import yaml
from jsonargparse import ArgumentParser
from osu_dreamer.latent_model.model import Model

here = pathlib.Path(__file__).resolve().parent
cfg = yaml.safe_load(open(here.parents[1] / "config/latent_model.yml"))["model"]
parser = ArgumentParser()
parser.add_class_arguments(Model, "model")
model = parser.instantiate(parser.parse_object({"model": cfg})).model
groups = {
    "critic": list(model.critic.parameters()),
    "generator": [*model.encoder.parameters(), *model.decoder.parameters(), *model.align_audio.parameters()],
}
lines = [" ".join([name] + ["x".join(map(str, p.shape)) or "s" for p in params]) for name, params in groups.items()]
(here / "muon_shapes.txt").write_text("\n".join(lines) + "\n")
