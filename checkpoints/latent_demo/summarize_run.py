#!/usr/bin/env python3
"""The numbers checkpoints/README.md states about the demo model's training, read from its files:
validations (val/l2_rec by step: first, best, last), the last step, and the training's wall time
(first to last time stamp of the fit-latent log).

usage: summarize_run.py <metrics.csv> <fit_latent.log>   (any python3, stdlib only)
"""
import csv
import re
import sys
from datetime import datetime, timedelta


def validations(metrics_path):
    with open(metrics_path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit(f"{metrics_path}: no rows")
    vals = [(int(r["step"]), float(r["val/l2_rec"])) for r in rows if r.get("val/l2_rec")]
    return vals, int(rows[-1]["step"]), int(rows[-1]["epoch"])


def wall_time(log_path):
    stamps = []
    with open(log_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = re.match(r"\[(\d\d):(\d\d):(\d\d)\]", line)
            if m:
                stamps.append(timedelta(hours=int(m[1]), minutes=int(m[2]), seconds=int(m[3])))
    if len(stamps) < 2:
        return None
    # The log holds clock times only: a run past midnight wraps once per day.
    total, prev = timedelta(), stamps[0]
    for t in stamps[1:]:
        total += (t - prev) % timedelta(days=1)
        prev = t
    return total


def main(metrics_path, log_path):
    vals, last_step, last_epoch = validations(metrics_path)
    print(f"last logged step: {last_step} (epoch {last_epoch})")
    wall = wall_time(log_path)
    print(f"wall time (log's first to last line): {wall}" if wall else "wall time: fewer than 2 time stamps")
    if not vals:
        print("no validation in metrics.csv")
        return
    best = min(vals, key=lambda v: v[1])
    print(f"validations: {len(vals)}")
    print(f"val/l2_rec first (step {vals[0][0]}): {vals[0][1]:.6f}")
    print(f"val/l2_rec best  (step {best[0]}): {best[1]:.6f}")
    print(f"val/l2_rec last  (step {vals[-1][0]}): {vals[-1][1]:.6f}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
