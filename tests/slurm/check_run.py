#!/usr/bin/env python3
"""Checks the outputs of one `cartography run` (used by the Slurm tests).

check_run.py <out_dir> --ranks N --archives N [--track-b] [--reference-index FILE]

Exit 0 when every check passes; otherwise prints each failed check and exits 1.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from strict_json import all_finite, load_strict  # noqa: E402

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def h5_root_attribute(path, name):
    """The value of a scalar (or 1-element) integer attribute of '/', via h5py or h5dump."""
    try:
        import h5py  # noqa: PLC0415

        with h5py.File(path, "r") as f:
            v = f.attrs[name]
            return int(v.flat[0]) if hasattr(v, "flat") else int(v)
    except ImportError:
        pass
    h5dump = shutil.which("h5dump")
    if not h5dump:
        raise RuntimeError("neither h5py nor h5dump is available")
    out = subprocess.run([h5dump, "-a", "/" + name, path], capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise RuntimeError(f"h5dump -a /{name}: {out.stderr.strip() or out.stdout.strip()}")
    m = re.search(r"\(0\):\s*(-?\d+)", out.stdout)
    if not m:
        raise RuntimeError(f"h5dump -a /{name}: no value in {out.stdout!r}")
    return int(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--ranks", type=int, required=True)
    ap.add_argument("--archives", type=int, required=True)
    ap.add_argument("--track-b", action="store_true", help="a checkpoint was used: Track B and synthesis too")
    ap.add_argument("--reference-index", help="multi_mapper_index.json the run must reproduce")
    a = ap.parse_args()

    expected = [
        "data/multi_mapper_index.json",
        "data/beatmap_registry.json",
        "data/encoding_manifest.json",
        "results/track_a/track_a_results.json",
        "run_summary.json",
    ]
    if a.track_b:
        expected += [
            "data/latent_manifest.json",
            "results/track_b/track_b_results.json",
            "results/synthesis/synthesis_results.json",
            "results/synthesis/synthesis_v2.json",
        ]
    docs = {}
    for rel in expected:
        path = os.path.join(a.out, rel)
        if not check(os.path.isfile(path), f"missing output {rel}"):
            continue
        try:
            docs[rel] = load_strict(path)
        except (ValueError, UnicodeDecodeError) as e:
            check(False, f"{rel}: not strict JSON: {e}")
            continue
        check(all_finite(docs[rel]), f"{rel}: holds a non-finite number")

    s = docs.get("run_summary.json")
    if s is not None:
        arch = s.get("archives", {})
        check(arch.get("seen") == a.archives, f"run_summary archives.seen = {arch.get('seen')}, expected {a.archives}")
        groups = s.get("groups", {})
        check(groups.get("multi_mapper", 0) >= 1, f"run_summary: no multi-mapper group ({groups})")
        check(groups.get("analysed") == groups.get("multi_mapper"),
              f"run_summary: analysed {groups.get('analysed')} of {groups.get('multi_mapper')} groups")
        check(s.get("encoded", 0) >= 2, f"run_summary: encoded = {s.get('encoded')}")
        check(s.get("pairs", 0) >= 1, f"run_summary: pairs = {s.get('pairs')}")
        timing = s.get("timing", {})
        check(timing.get("ranks") == a.ranks, f"run_summary timing.ranks = {timing.get('ranks')}, expected {a.ranks}")
        check(len(timing.get("per_rank", [])) == a.ranks,
              f"run_summary: {len(timing.get('per_rank', []))} per-rank records, expected {a.ranks}")
        check(isinstance(s.get("skips"), list), "run_summary: no skips list")
        for k in s.get("skips", []):
            check(all(k.get(f) for f in ("stage", "subject", "reason")), f"run_summary: incomplete skip {k}")

    ta = docs.get("results/track_a/track_a_results.json")
    if ta is not None:
        check(bool(ta), "track_a_results.json is empty")
    manifest = docs.get("data/encoding_manifest.json")
    if manifest is not None and s is not None:
        check(len(manifest) == s.get("encoded"), f"encoding_manifest has {len(manifest)} rows, summary says {s.get('encoded')}")

    if a.reference_index and "data/multi_mapper_index.json" in docs:
        ref = load_strict(a.reference_index)
        check(docs["data/multi_mapper_index.json"] == ref, "multi_mapper_index.json differs from the reference")

    h5 = os.path.join(a.out, "cartography.h5")
    check(not os.path.exists(h5 + ".partial"), "cartography.h5.partial left behind")
    if check(os.path.isfile(h5), "missing cartography.h5"):
        try:
            check(h5_root_attribute(h5, "complete") == 1, "cartography.h5: attribute complete != 1")
            check(h5_root_attribute(h5, "ranks") == a.ranks, f"cartography.h5: attribute ranks != {a.ranks}")
        except (RuntimeError, KeyError, OSError, subprocess.TimeoutExpired) as e:
            check(False, f"cartography.h5: {e}")

    if failures:
        for f in failures:
            print("FAIL:", f)
        return 1
    print(f"ok: {a.out} ({len(docs)} JSON files, cartography.h5 complete)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
