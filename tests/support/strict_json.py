"""Strict reading of our JSON outputs for the test checkers: Python's json accepts NaN and
Infinity, which no output of ours may contain."""
import json
import math


def _reject_constant(name):
    raise ValueError(f"non-finite number {name} in JSON")


def load_strict(path):
    with open(path, "rb") as f:
        return json.loads(f.read().decode("utf-8"), parse_constant=_reject_constant)


def all_finite(value):
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(all_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(all_finite(v) for v in value)
    return True
