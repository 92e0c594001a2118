#!/usr/bin/env python3
"""Compares a run's Track A categories with the planted truth of its synthetic corpus.

usage: planted_truth_check.py <synth_manifest.json> <run_out_dir>

Track A's rule (SPEC §7, stats::track_a_agreement) is applied here to pearson_mean of
results/track_a/track_a_results.json; the expected category of each dimension comes from the
manifest's planted_truth (written by the generator from the planted strengths, not from any
run). Exit 1 on any mismatch. When results/controls/null_baseline.json exists, every
dimension's cross-song (null) mean Pearson must also be within NULL_TOLERANCE of 0; when it
does not, that part is skipped and the reason printed.
"""
import json
import os
import sys

# Cross-song pairs share nothing by construction; the mean of the ~150 null pairs of the test's
# corpora has a standard error of about 0.01, so 0.05 is several of them.
NULL_TOLERANCE = 0.05


def category(r):
    if r > 0.3:
        return "PERCEPTUAL"
    if r < 0.1:
        return "STYLISTIC"
    return "MIXED"


def check_categories(truth, track_a):
    ok = True
    summary = track_a["summary"]
    if set(summary) != set(truth):
        print(f"FAIL: dimensions differ: run {sorted(summary)}, planted {sorted(truth)}")
        return False
    for dim, planted in truth.items():
        r = summary[dim]["pearson_mean"]
        got = category(r)
        good = got == planted["expected"]
        ok &= good
        print(f"  {dim:8s} planted {planted['driver']:6s} w={planted['strength']:.2f} "
              f"w2={planted['shared_share']:.3f} -> {planted['expected']:10s} | "
              f"r={r:+.3f} (sd {summary[dim]['pearson_std']:.3f}, {summary[dim]['n_pairs']} pairs) "
              f"{got:10s} {'ok' if good else 'MISMATCH'}")
    return ok


def check_null(path):
    if not os.path.exists(path):
        print(f"  null baseline: SKIPPED ({path} is absent: this build writes no null baseline)")
        return True
    with open(path) as f:
        null = json.load(f)
    ok = True
    for row in null["track_a"]["dims"]:
        est = row["pearson"]["null"]["estimate"] if row["pearson"]["null"] else None
        good = est is not None and abs(est) < NULL_TOLERANCE
        ok &= good
        print(f"  null {row['name']:8s} mean r={est if est is None else f'{est:+.3f}'} "
              f"{'ok' if good else 'NOT AT CHANCE'} (|r| < {NULL_TOLERANCE})")
    return ok


def main():
    manifest_path, out = sys.argv[1], sys.argv[2]
    with open(manifest_path) as f:
        truth = json.load(f)["planted_truth"]["dims"]
    with open(os.path.join(out, "results", "track_a", "track_a_results.json")) as f:
        track_a = json.load(f)
    ok = check_categories(truth, track_a)
    ok &= check_null(os.path.join(out, "results", "controls", "null_baseline.json"))
    print("  recovered every planted category" if ok else "  FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
