#!/usr/bin/env python3
"""Checks two `cartography run` outputs against tests/data/bad_corpus/EXPECTED.json.

check_badinput.py --expected EXPECTED.json --dataset <bad corpus dir> --bad <out of the bad run>
                  --good <out of the good-only run>

 - every output JSON of both runs is strict JSON without NaN/Infinity;
 - run_summary.json: archives.seen equals the number of .osz files in the folder;
 - every case: its skip is listed (stage, subject, reason), it is encoded exactly when EXPECTED
   says `used`, and its repair warning is listed when EXPECTED names one;
 - the bad archives leave the good ones alone: the skips about good archives, the encoding
   manifest rows of the used archives (target_L included), track_a_results.json and (with a
   checkpoint) Track B and synthesis results are the same as in the run without them;
 - cartography.h5 of both runs is complete.
Prints one line per failure and exits 1 if there is any.
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


def fail(msg):
    failures.append(msg)


def load_run(out, label):
    docs = {}
    for dirpath, _, files in os.walk(out):
        for f in files:
            if not f.endswith(".json"):
                continue
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, out)
            if "/progress/" in "/" + rel:  # resume checkpoints, not outputs
                continue
            try:
                docs[rel] = load_strict(path)
            except (ValueError, UnicodeDecodeError) as e:
                fail(f"{label}: {rel} is not strict JSON: {e}")
                continue
            if not all_finite(docs[rel]):
                fail(f"{label}: {rel} holds a non-finite number")
    for rel in ["run_summary.json", "data/multi_mapper_index.json", "data/encoding_manifest.json",
                "results/track_a/track_a_results.json"]:
        if rel not in docs:
            fail(f"{label}: missing {rel}")
    return docs


def h5_complete(path):
    try:
        import h5py  # noqa: PLC0415

        with h5py.File(path, "r") as f:
            v = f.attrs["complete"]
            return int(v.flat[0]) if hasattr(v, "flat") else int(v)
    except ImportError:
        pass
    out = subprocess.run([shutil.which("h5dump") or "h5dump", "-a", "/complete", path],
                         capture_output=True, text=True, timeout=60)
    m = re.search(r"\(0\):\s*(-?\d+)", out.stdout)
    return int(m.group(1)) if m else None


def check_h5_finite(path, label):
    """Every float array of the run store is finite (needs h5py and numpy; noted when absent)."""
    try:
        import h5py  # noqa: PLC0415
        import numpy as np  # noqa: PLC0415
    except ImportError:
        print(f"note: h5py/numpy missing, {label}: cartography.h5 arrays not scanned for NaN/inf")
        return
    bad = []

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset) and obj.dtype.kind == "f" and obj.size:
            if not np.isfinite(obj[()]).all():
                bad.append(name)

    with h5py.File(path, "r") as f:
        f.visititems(visit)
    if bad:
        fail(f"{label}: cartography.h5 datasets with NaN/inf: {bad}")


def close(a, b, path="", tol=1e-12):
    """Deep equality, floats to a relative tolerance (summation order may differ)."""
    if isinstance(a, bool) or isinstance(b, bool) or isinstance(a, str) or a is None:
        return [] if a == b else [f"{path}: {a!r} != {b!r}"]
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, int) and isinstance(b, int):
            return [] if a == b else [f"{path}: {a} != {b}"]
        return [] if abs(a - b) <= tol * max(1.0, abs(a), abs(b)) else [f"{path}: {a!r} != {b!r}"]
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            return [f"{path}: keys {list(a)} != {list(b)}"]
        return [d for k in a for d in close(a[k], b[k], f"{path}/{k}", tol)]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items != {len(b)}"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in close(x, y, f"{path}[{i}]", tol)]
    return [f"{path}: {type(a).__name__} != {type(b).__name__}"]


def set_ids(index_doc):
    """file name -> beatmapset_id, from multi_mapper_index.json."""
    out = {}
    for g in index_doc:
        for s in g["beatmapsets"]:
            out[s["filename"]] = s["beatmapset_id"]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--expected", required=True)
    ap.add_argument("--dataset", required=True)
    ap.add_argument("--bad", required=True)
    ap.add_argument("--good", required=True)
    a = ap.parse_args()

    expected = load_strict(a.expected)
    cases = expected["cases"]
    bad = load_run(a.bad, "bad run")
    good = load_run(a.good, "good-only run")
    if failures:
        return report()

    summary = bad["run_summary.json"]
    n_osz = sum(1 for f in os.listdir(a.dataset) if f.endswith(".osz"))
    if summary["archives"]["seen"] != n_osz:
        fail(f"bad run saw {summary['archives']['seen']} archives, the folder holds {n_osz}")
    skips = summary.get("skips", [])
    warnings = summary.get("warnings", [])
    for s in skips:
        if not all(isinstance(s.get(k), str) and s.get(k) for k in ("stage", "subject", "reason")):
            fail(f"incomplete skip record {s}")

    # An archive's id comes from the index (it has one only if it was indexed); `encoded` means
    # one of its charts is in the encoding manifest.
    ids = set_ids(bad["data/multi_mapper_index.json"])
    encoded_ids = {row["beatmapset_id"] for row in bad["data/encoding_manifest.json"]}

    def set_id(archive):
        if archive in ids:
            return ids[archive]
        stem = archive[:-4]
        return int(stem) if re.fullmatch(r"[0-9]+", stem) else None

    n_repairs = 0
    for c in cases:
        name, what = c["archive"], f"{c['case']} ({c['archive']})"
        sid = set_id(name)
        if c["skip"]:
            k = c["skip"]
            hit = [s for s in skips if s["stage"] == k["stage"] and k["subject"] in s["subject"]
                   and k["reason"].lower() in s["reason"].lower()]
            if not hit:
                near = [s for s in skips if name in s["subject"] or (sid is not None and f"{sid}/" in s["subject"])]
                fail(f"{what}: no skip with stage {k['stage']!r}, subject ~ {k['subject']!r}, reason ~ {k['reason']!r}"
                     f"; skips naming it: {near or 'none'}")
        is_encoded = name in ids and ids[name] in encoded_ids
        if c["used"] and not is_encoded:
            near = [s for s in skips if name in s["subject"] or (sid is not None and f"{sid}/" in s["subject"])]
            fail(f"{what}: expected to be encoded, it is not (skips naming it: {near or 'none'})")
        if not c["used"] and is_encoded:
            fail(f"{what}: expected to be skipped, yet it was encoded")
        if c["warning"] is not None:
            n_repairs += 1
            if sid is None or not any(f"{sid}/" in w and c["warning"].lower() in w.lower() for w in warnings):
                fail(f"{what}: no warning naming {sid}/ with {c['warning']!r}")
        if not c["used"] and not c["skip"]:
            fail(f"{what}: EXPECTED.json gives neither a skip nor a use (every bad case must be accounted for)")
    if summary.get("repairs", 0) < n_repairs:
        fail(f"run_summary repairs = {summary.get('repairs')}, expected at least {n_repairs}")

    # The good archives and the used cases are unaffected by the skipped ones.
    kept = set(expected["good"]) | {c["archive"] for c in cases if c["used"]}
    kept_ids = {set_id(f) for f in kept}

    def about_kept(s):
        return any(s["subject"].startswith(f"{i}/") for i in kept_ids if i is not None) or \
            any(s["subject"] == f or s["subject"].startswith(f + ": ") for f in kept)

    def skip_key(s):
        # Reasons may name the archive by its path, which differs between the two folders.
        return (s["stage"], s["subject"], re.sub(r"/\S*/(?=[^/\s]+\.osz)", "", s["reason"]))

    bad_kept = sorted(skip_key(s) for s in skips if about_kept(s))
    good_kept = sorted(skip_key(s) for s in good["run_summary.json"]["skips"])
    if bad_kept != good_kept:
        fail(f"skips about the kept archives differ: only with bad archives {sorted(set(bad_kept) - set(good_kept))}, "
             f"only without {sorted(set(good_kept) - set(bad_kept))}")

    def rows(doc):
        out = {}
        for r in doc:
            r = dict(r)
            r.pop("song_group_idx", None)  # groups are renumbered when bad mappers join
            out[r["osu_path"]] = r
        return out

    bad_rows = {p: r for p, r in rows(bad["data/encoding_manifest.json"]).items() if r["beatmapset_id"] in kept_ids}
    good_rows = rows(good["data/encoding_manifest.json"])
    if sorted(bad_rows) != sorted(good_rows):
        fail(f"encoded maps differ: only with bad archives {sorted(set(bad_rows) - set(good_rows))[:10]}, "
             f"only without {sorted(set(good_rows) - set(bad_rows))[:10]}")
    else:
        for p in bad_rows:
            for d in close(bad_rows[p], good_rows[p], p):
                fail(f"encoding manifest: {d}")

    ta_bad = bad["results/track_a/track_a_results.json"]
    ta_good = good["results/track_a/track_a_results.json"]
    if ta_good.get("pairs_compared", 0) < 1:
        fail("the good-only run compared no pairs: the Track A comparison would be empty")
    for d in close(ta_bad, ta_good, "track_a_results"):
        fail(f"Track A differs with the bad archives: {d}")

    # With a checkpoint: Track B and the synthesis are unaffected as well. Their summaries average
    # per-song float32 values in song_group_idx order (numpy float32 semantics), and the bad
    # archives' creators reorder the songs (groups sort by mapper count): equal to float32
    # rounding (a few ulp, 1e-6 relative), not to double rounding.
    for rel in ["results/track_b/track_b_results.json", "results/synthesis/synthesis_results.json",
                "results/synthesis/synthesis_v2.json"]:
        if (rel in bad) != (rel in good):
            fail(f"{rel} written by only one of the runs")
        elif rel in bad:
            for d in close(bad[rel], good[rel], rel, tol=1e-6):
                fail(f"{rel} differs with the bad archives: {d}")

    for out, label in [(a.bad, "bad run"), (a.good, "good-only run")]:
        h5 = os.path.join(out, "cartography.h5")
        if not os.path.isfile(h5):
            fail(f"{label}: no cartography.h5")
            continue
        if h5_complete(h5) != 1:
            fail(f"{label}: cartography.h5 attribute complete != 1")
        check_h5_finite(h5, label)

    return report(len(cases), len(kept))


def report(n_cases=0, n_kept=0):
    if failures:
        for f in failures:
            print("FAIL:", f)
        print(f"{len(failures)} failure(s)")
        return 1
    print(f"ok: {n_cases} bad-input cases accounted for; {n_kept} kept archives give the same results")
    return 0


if __name__ == "__main__":
    sys.exit(main())
