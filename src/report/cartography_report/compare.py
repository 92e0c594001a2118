"""`cartography compare`: every statistic of two runs side by side, differences beyond a tolerance flagged."""
import json
import os

import numpy as np

from .atomic_json import write_json
from .run_files import read_json

# Statistics are the JSON under data/ and results/, the run summary's counts, and the per-pair
# arrays of cartography.h5. Not statistics: how long it took, where it ran, the report itself.
SUMMARY_SKIPPED = {"timing", "warnings"}
REPORT_FILES = {"comparison_with_published.json"}
H5_GROUPS = ("track_a", "track_b")
# Two unrelated runs differ in thousands of statistics; the terminal gets the first ones.
DIFFERENCES_LISTED = 200


def _flatten(value, prefix, out):
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(v, f"{prefix}.{k}", out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _flatten(v, f"{prefix}[{i}]", out)
    else:
        out[prefix] = value


def json_statistics(run):
    out = {}
    for top in ("data", "results"):
        for dirpath, dirs, files in os.walk(run.path(top)):
            dirs.sort()
            for name in sorted(files):
                if name.endswith(".json") and name not in REPORT_FILES:
                    path = os.path.join(dirpath, name)
                    _flatten(read_json(path), os.path.relpath(path, run.dir), out)
    summary = {k: v for k, v in run.summary.items() if k not in SUMMARY_SKIPPED}
    _flatten(summary, "run_summary.json", out)
    return out


def h5_arrays(run):
    arrays = {}
    with run.open_h5() as f:
        for group in H5_GROUPS:
            if group in f:
                for name, ds in f[group].items():
                    arrays[f"cartography.h5:{group}/{name}"] = ds[()]
    return arrays


def _numeric(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def differs(a, b, tol):
    """Numbers differ when |a − b| > tol · max(1, |a|, |b|): absolute near 0, relative for large values."""
    if _numeric(a) and _numeric(b):
        return abs(a - b) > tol * max(1.0, abs(a), abs(b))
    return a != b


def _array_row(key, x, y, tol):
    if x is None or y is None or x.shape != y.shape:
        shape = lambda v: None if v is None else list(v.shape)
        return {"statistic": key, "a": shape(x), "b": shape(y), "differs": True, "note": "shape"}
    if x.dtype.kind in "iu":
        bad = int(np.count_nonzero(x != y))
        return {"statistic": key, "a": f"{x.size} values", "b": f"{y.size} values", "differs": bad > 0,
                "note": f"{bad} values differ"}
    scale = np.maximum(1.0, np.maximum(np.abs(x), np.abs(y)))
    gap = np.abs(x.astype(float) - y.astype(float)) / scale
    bad = int(np.count_nonzero(gap > tol))
    return {"statistic": key, "a": f"{x.size} values", "b": f"{y.size} values", "differs": bad > 0,
            "max_relative_difference": float(gap.max()) if gap.size else 0.0, "note": f"{bad} values beyond tolerance"}


def compare_rows(run_a, run_b, tol):
    sa, sb = json_statistics(run_a), json_statistics(run_b)
    rows = []
    for key in sorted(set(sa) | set(sb)):
        a, b = sa.get(key), sb.get(key)
        row = {"statistic": key, "a": a, "b": b, "differs": key not in sa or key not in sb or differs(a, b, tol)}
        if _numeric(a) and _numeric(b):
            row["difference"] = b - a
        rows.append(row)
    ha, hb = h5_arrays(run_a), h5_arrays(run_b)
    rows += [_array_row(k, ha.get(k), hb.get(k), tol) for k in sorted(set(ha) | set(hb))]
    return rows


def _show(v):
    return "(absent)" if v is None else json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v


def compare_runs(run_a, run_b, tol, out_path=None, show_all=False):
    rows = compare_rows(run_a, run_b, tol)
    bad = [r for r in rows if r["differs"]]
    listed = rows if show_all else bad[:DIFFERENCES_LISTED]
    for r in listed:
        mark = "DIFFERS" if r["differs"] else "same"
        extra = f"  ({r['note']})" if "note" in r else ""
        print(f"{mark:8} {r['statistic']}: {_show(r['a'])} | {_show(r['b'])}{extra}")
    if len(listed) < len(rows if show_all else bad):
        print(f"... {len(bad) - len(listed)} more differences (--all or --out lists every statistic)")
    if out_path:
        write_json(out_path, {"run_a": run_a.dir, "run_b": run_b.dir, "tolerance": tol, "rows": rows}, indent=1)
    print(f"{len(rows)} statistics compared (tolerance {tol:g}): {len(bad)} differ")
    return 1 if bad else 0
