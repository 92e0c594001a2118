#!/usr/bin/env python3
"""The group-phase controls' arrays in cartography.h5 (/controls/{onset,lag,reliability,random})
against the summaries of results/controls/*.json: every estimate there recomputed with numpy from
the file's per-pair and per-song rows, the rows' pairs equal to /track_a/pairs, no NaN.
usage: check_control_tables.py RUN_DIR [RUN_DIR ...]"""
import json
import sys

import h5py
import numpy as np

TOL = 1e-12


def close(got, want, what):
    if abs(got - want) > TOL * max(1.0, abs(want)):
        sys.exit(f"{what}: {got!r} from the arrays, {want!r} in the JSON")


def check(run):
    with h5py.File(f"{run}/cartography.h5", "r") as f:
        c = f["controls"]
        for name, ds in _datasets(c):
            if ds.dtype.kind == "f" and not np.all(np.isfinite(ds[()])):
                sys.exit(f"{run}: /controls/{name} holds a value that is not finite")
        pairs = f["track_a/pairs"][()]
        agreement = json.load(open(f"{run}/results/controls/agreement.json"))
        lag = json.load(open(f"{run}/results/controls/lag.json"))
        random = json.load(open(f"{run}/results/controls/random_encoder.json"))

        # Onset F: one row per real pair, the estimate is the mean over pairs.
        if not np.array_equal(c["onset/pairs"][()], pairs):
            sys.exit(f"{run}: /controls/onset/pairs differ from /track_a/pairs")
        onset = agreement["onset_f_measure"]
        if onset["pairs"] != len(pairs):
            sys.exit(f"{run}: agreement.json counts {onset['pairs']} onset pairs, the file {len(pairs)}")
        for key, ds in (("f", "f_measure"), ("precision", "precision"), ("recall", "recall")):
            close(float(np.mean(c[f"onset/{ds}"][()])), onset[key]["estimate"], f"{run}: onset {key}")

        # Lag: per-dim r at lag 0 and at the best lag, the count of pairs best at lag 0.
        if not np.array_equal(c["lag/pairs"][()], pairs):
            sys.exit(f"{run}: /controls/lag/pairs differ from /track_a/pairs")
        best = c["lag/best_lag_frames"][()]
        if int(np.sum(best == 0)) != lag["pairs_best_at_zero_lag"]:
            sys.exit(f"{run}: lag.json pairs_best_at_zero_lag does not match the file")
        for d, dim in enumerate(lag["dims"]):
            close(float(np.mean(c["lag/r_zero"][:, d])), dim["r_zero_lag"]["estimate"], f"{run}: lag r0 {dim['name']}")
            close(float(np.mean(c["lag/r_best"][:, d])), dim["r_best_lag"]["estimate"], f"{run}: lag r* {dim['name']}")

        # Reliability: per dim, the mean over the songs where the measure is defined.
        defined = c["reliability/defined_icc_alpha"][()]
        for d, dim in enumerate(agreement["reliability"]["dims"]):
            for j, (ds, key) in enumerate((("icc", "icc_2_1"), ("alpha", "krippendorff_alpha"))):
                rows = defined[:, d, j] == 1
                if int(np.sum(rows)) != dim[key]["songs"]:
                    sys.exit(f"{run}: {key} {dim['name']}: {np.sum(rows)} defined songs, JSON {dim[key]['songs']}")
                if np.any(rows):
                    close(float(np.mean(c[f"reliability/{ds}"][rows, d])), dim[key]["mean_over_songs"]["estimate"],
                          f"{run}: {key} {dim['name']}")

        # Random encoders: each encoder's mean Track B full cosine, as per_encoder reports it.
        keys = c["random/track_b_pairs"][()]
        full = c["random/track_b_full_cosine"][()]
        for e in random.get("per_encoder", []):
            rows = keys[:, 3] == e["encoder"] if len(keys) else np.zeros(0, bool)
            if int(np.sum(rows)) != e["pairs"]:
                sys.exit(f"{run}: encoder {e['encoder']}: {np.sum(rows)} rows, JSON {e['pairs']} pairs")
            if e["pairs"]:
                close(float(np.mean(full[rows])), e["random_full_cosine"], f"{run}: encoder {e['encoder']}")
    print(f"{run}: /controls arrays match results/controls ({len(pairs)} pairs)")


def _datasets(group, prefix=""):
    for name, item in group.items():
        if isinstance(item, h5py.Dataset):
            yield prefix + name, item
        else:
            yield from _datasets(item, prefix + name + "/")


if __name__ == "__main__":
    for run_dir in sys.argv[1:]:
        check(run_dir)
