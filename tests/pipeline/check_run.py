#!/usr/bin/env python3
"""Compares a `cartography run` output folder with the reference pipeline's outputs.

usage: check_run.py OUT_DIR REFERENCE_DIR [--latent] [--no-registry]

Index, registry and manifest must be equal value for value (the registry and manifest also
byte for byte); Track A statistics to 1e-9; with --latent, Track B and synthesis v1 to 1e-6.
Key names and nesting must be identical everywhere. Exits 1 with every difference listed.
"""
import json
import math
import sys
from pathlib import Path


def compare(a, b, tol, path, errors):
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a.keys()) != list(b.keys()):
            errors.append(f"{path}: keys differ: {list(a.keys())} vs {list(b.keys())}")
            return
        for k in a:
            compare(a[k], b[k], tol, f"{path}.{k}", errors)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            errors.append(f"{path}: length {len(a)} vs {len(b)}")
            return
        for i, (x, y) in enumerate(zip(a, b)):
            compare(x, y, tol, f"{path}[{i}]", errors)
    elif isinstance(a, bool) or isinstance(b, bool) or a is None or b is None or isinstance(a, str):
        if a != b:
            errors.append(f"{path}: {a!r} vs {b!r}")
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if not (math.isfinite(a) and math.isfinite(b)):
            errors.append(f"{path}: non-finite {a!r} vs {b!r}")
        elif abs(a - b) > tol:
            errors.append(f"{path}: {a!r} vs {b!r} (|d| = {abs(a - b):.3g} > {tol})")
    else:
        errors.append(f"{path}: type {type(a).__name__} vs {type(b).__name__}")


def main():
    out, ref = Path(sys.argv[1]), Path(sys.argv[2])
    latent = "--latent" in sys.argv[3:]
    # The reference harness's Track-A-only output has no registry.
    registry = "--no-registry" not in sys.argv[3:]
    checks = [
        ("data/multi_mapper_index.json", "multi_mapper_index.json", 0.0, False),
        ("data/encoding_manifest.json", "encoding_manifest.json", 0.0, True),
        ("results/track_a/track_a_results.json", "track_a_results.json", 1e-9, False),
    ]
    if registry:
        checks.append(("data/beatmap_registry.json", "beatmap_registry.json", 0.0, True))
    if latent:
        checks += [
            ("results/track_b/track_b_results.json", "track_b_results.json", 1e-6, False),
            ("results/synthesis/synthesis_results.json", "synthesis_results.json", 1e-6, False),
        ]
    errors = []
    for ours, theirs, tol, bytewise in checks:
        a_path, b_path = out / ours, ref / theirs
        if not a_path.exists():
            errors.append(f"{ours}: missing")
            continue
        a, b = json.loads(a_path.read_text()), json.loads(b_path.read_text())
        before = len(errors)
        compare(a, b, tol, ours, errors)
        if bytewise and len(errors) == before and a_path.read_bytes() != b_path.read_bytes():
            errors.append(f"{ours}: equal values but not byte-identical to {theirs}")
        print(f"{ours}: {'ok' if len(errors) == before else f'{len(errors) - before} differences'}")
    for e in errors[:50]:
        print("  " + e)
    if len(errors) > 50:
        print(f"  ... and {len(errors) - 50} more")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
