#!/usr/bin/python3
"""Expected values for the statistics tests, computed with numpy/scipy (never with our C++).

Run with Debian's numpy 1.24 (the reference's numpy) and scipy:
    /usr/bin/python3 tests/stats/make_expected.py
Writes tests/data/stats/*.json. Inputs are not stored: each signal is described by a small spec
({dims, length, dtype, base_seed, own_seed, mix, constant_rows}) that the C++ tests expand with
the same SplitMix64 generator (tests/stats/signal_spec.cpp), so both sides see identical arrays.

The formulas follow the reference scripts (recxa/osu-dreamer-cartography @6f5060d,
scripts/05, 07, 08) as written in numpy; synthesis v2 follows the published synthesis.json
schema as documented in src/stats/synthesis_v2.hpp.
"""

import itertools
import json
import math
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy.stats import binom

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"
OUT = DATA / "stats"
DIM_NAMES = ["ONSET", "COMBO", "SLIDE", "SUSTAIN", "WHISTLE", "FINISH", "CLAP", "X", "Y"]
MASK = (1 << 64) - 1


# ---------------------------------------------------------------------------- inputs

def splitmix_uniforms(seed, count):
    """count uniforms in [0, 1) from SplitMix64(seed): (next >> 11) * 2^-53."""
    state = seed & MASK
    out = np.empty(count, dtype=np.float64)
    for i in range(count):
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        z ^= z >> 31
        out[i] = (z >> 11) * 2.0 ** -53
    return out


def spec(dims, length, dtype="float64", base_seed=1, own_seed=2, mix=0.5, constant_rows=None):
    return {"dims": dims, "length": length, "dtype": dtype, "base_seed": base_seed,
            "own_seed": own_seed, "mix": mix, "constant_rows": constant_rows or {}}


def expand(s):
    """value = mix * (2 u_base - 1) + (1 - mix) * (2 u_own - 1), row-major; then the dtype cast;
    then constant rows (value given in the spec, cast to the dtype)."""
    n = s["dims"] * s["length"]
    base = 2.0 * splitmix_uniforms(s["base_seed"], n) - 1.0
    own = 2.0 * splitmix_uniforms(s["own_seed"], n) - 1.0
    mix = s["mix"]
    values = mix * base + (1.0 - mix) * own
    dtype = np.float32 if s["dtype"] == "float32" else np.float64
    arr = values.reshape(s["dims"], s["length"]).astype(dtype)
    for row, value in s["constant_rows"].items():
        arr[int(row), :] = dtype(value)
    return arr


# ---------------------------------------------------------------------------- reference formulas

def pearson_corr(a, b):
    if len(a) < 2 or np.std(a) == 0 or np.std(b) == 0:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def cosine_sim(a, b):
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 or nb == 0:
        return 0.0
    return float(np.dot(a, b) / (na * nb))


def mean_abs_diff(a, b):
    return float(np.mean(np.abs(a - b)))


def pairs_of(creators):
    return [(i, j) for i in range(len(creators)) for j in range(i + 1, len(creators))
            if creators[i] != creators[j]]


def track_a(groups):
    """groups: [(song_idx, [(creator, array)])] in song order. Returns (json, per-pair list)."""
    per_dim = {d: [] for d in DIM_NAMES}
    full, pairs_out, songs = [], [], 0
    for song, members in groups:
        creators = [c for c, _ in members]
        if len(set(creators)) < 2:
            continue
        songs += 1
        min_l = min(a.shape[1] for _, a in members)
        for i, j in pairs_of(creators):
            a, b = members[i][1][:, :min_l], members[j][1][:, :min_l]
            dims = []
            for d, name in enumerate(DIM_NAMES):
                rec = {"pearson": pearson_corr(a[d], b[d]), "mad": mean_abs_diff(a[d], b[d]),
                       "cosine": cosine_sim(a[d], b[d])}
                per_dim[name].append(rec)
                dims.append(rec)
            fc = float(np.mean([cosine_sim(a[:, t], b[:, t]) for t in range(0, min_l, 10)]))
            full.append(fc)
            pairs_out.append({"song_group_idx": song, "member_a": i, "member_b": j,
                              "n_frames": min_l, "dims": dims, "full_cosine": fc})
    summary = {}
    for name in DIM_NAMES:
        rs = per_dim[name]
        if not rs:
            continue
        col = lambda k: [r[k] for r in rs]
        summary[name] = {"pearson_mean": float(np.mean(col("pearson"))),
                         "pearson_std": float(np.std(col("pearson"))),
                         "mad_mean": float(np.mean(col("mad"))), "mad_std": float(np.std(col("mad"))),
                         "cosine_mean": float(np.mean(col("cosine"))),
                         "cosine_std": float(np.std(col("cosine"))), "n_pairs": len(rs)}
    out = {"summary": summary,
           "cross_mapper_cosine_mean": float(np.mean(full)) if full else None,
           "cross_mapper_cosine_std": float(np.std(full)) if full else None,
           "songs_analyzed": songs, "pairs_compared": len(pairs_out)}
    return out, pairs_out


def track_b(groups, n_latent):
    per_p = {d: [] for d in range(n_latent)}
    per_c = {d: [] for d in range(n_latent)}
    bvar = {d: [] for d in range(n_latent)}
    full, pairs_out, song_vars, songs = [], [], [], 0
    for song, members in groups:
        creators = [c for c, _ in members]
        if len(set(creators)) < 2:
            continue
        min_l = min(z.shape[1] for _, z in members)
        if min_l < 2:
            continue
        songs += 1
        for i, j in pairs_of(creators):
            a, b = members[i][1][:, :min_l], members[j][1][:, :min_l]
            dims = []
            for d in range(n_latent):
                rec = {"pearson": pearson_corr(a[d], b[d]), "cosine": cosine_sim(a[d], b[d])}
                per_p[d].append(rec["pearson"])
                per_c[d].append(rec["cosine"])
                dims.append(rec)
            step = max(1, min_l // 100)
            fc = float(np.mean([cosine_sim(a[:, t], b[:, t]) for t in range(0, min_l, step)]))
            full.append(fc)
            pairs_out.append({"song_group_idx": song, "member_a": i, "member_b": j,
                              "n_frames": min_l, "dims": dims, "full_cosine": fc})
        by_creator = defaultdict(list)
        for c, z in members:
            by_creator[c].append(z[:, :min_l])
        this_song = []
        for d in range(n_latent):
            means = [np.mean([arr[d].mean() for arr in arrs]) for arrs in by_creator.values()]
            v = np.var(means)
            bvar[d].append(v)
            this_song.append(float(v))
        song_vars.append({"song_group_idx": song, "between_var": this_song})
    dim_summary = {}
    for d in range(n_latent):
        if not per_p[d]:
            continue
        dim_summary[d] = {"pearson_mean": float(np.mean(per_p[d])),
                          "pearson_std": float(np.std(per_p[d])),
                          "cosine_mean": float(np.mean(per_c[d])),
                          "cosine_std": float(np.std(per_c[d])),
                          "between_var_mean": float(np.mean(bvar[d])) if bvar[d] else 0.0,
                          "n_pairs": len(per_p[d])}
    ranked = sorted(dim_summary.items(), key=lambda x: -x[1]["pearson_mean"])
    pm = [s["pearson_mean"] for s in dim_summary.values()]
    out = {"dim_summary": {str(k): v for k, v in dim_summary.items()},
           "dim_ranking": [{"dim": d, **s} for d, s in ranked],
           "full_cosine_mean": float(np.mean(full)) if full else None,
           "full_cosine_std": float(np.std(full)) if full else None,
           "songs_analyzed": songs, "pairs_compared": len(pairs_out),
           "taxonomy": {"perceptual": sum(p > 0.3 for p in pm),
                        "mixed": sum(0.05 <= p <= 0.3 for p in pm),
                        "stylistic": sum(p < 0.05 for p in pm)}}
    return out, pairs_out, song_vars


def upsampled_map(x, z):
    """Synthesis v1 for one beatmap; None when the reference's try/except skips it."""
    n_latent, L = z.shape[0], x.shape[1]
    z_up = np.repeat(z, 18, axis=1)[:, :L]
    m = np.zeros((n_latent, 9))
    try:
        for zi in range(n_latent):
            for di in range(9):
                zs, ds = z_up[zi], x[di]
                if np.std(zs) > 0 and np.std(ds) > 0 and len(zs) >= 2:
                    r = np.corrcoef(zs, ds)[0, 1]
                    if not np.isnan(r):
                        m[zi, di] += r
    except ValueError:
        return None
    return m


def downsampled_map(x, z):
    n_latent, l = z.shape
    ds = np.zeros((9, l))
    with np.errstate(all="ignore"):
        for d in range(9):
            for t in range(l):
                ds[d, t] = x[d, t * 18:min(t * 18 + 18, x.shape[1])].mean()
        m = np.zeros((n_latent, 9))
        for zi in range(n_latent):
            for di in range(9):
                if np.std(z[zi]) > 0 and np.std(ds[di]) > 0:
                    r = np.corrcoef(z[zi], ds[di])[0, 1]
                    if not np.isnan(r):
                        m[zi, di] += r
    return m


def raw_map(x):
    with np.errstate(all="ignore"):
        return np.corrcoef(x)  # NaN where a row has no spread


def top3(row):
    idx = np.argsort(np.abs(row))[::-1]
    return [(DIM_NAMES[i], float(row[i])) for i in idx[:3]]


def synthesis_v1(up_maps, n_latent, ranking, track_a_json, track_b_json):
    m = np.zeros((n_latent, 9))
    for u in up_maps:
        m += u
    if up_maps:
        m /= len(up_maps)
    taxonomy = []
    for d, p in ranking:
        cat = "PERCEPTUAL" if p > 0.3 else "STYLISTIC" if p < 0.05 else "MIXED"
        t3 = top3(m[d])
        taxonomy.append({"dim": d, "category": cat, "cross_mapper_pearson": p,
                         "top_9dim_correlations": t3, "strongest_9dim": t3[0][0],
                         "strongest_9dim_corr": t3[0][1]})
    return {"correlation_matrix": m.tolist(), "dim_names_9": DIM_NAMES, "n_latent": n_latent,
            "n_beatmaps_used": len(up_maps), "taxonomy": taxonomy,
            "summary": {"track_a_songs": track_a_json["songs_analyzed"],
                        "track_a_pairs": track_a_json["pairs_compared"],
                        "track_b_songs": track_b_json["songs_analyzed"],
                        "track_b_pairs": track_b_json["pairs_compared"],
                        "track_a_cosine": track_a_json["cross_mapper_cosine_mean"],
                        "track_b_cosine": track_b_json["full_cosine_mean"]}}


def polarity(m, cols, threshold):
    vals = m[:, cols]
    valid = np.all((vals != 0) & (np.abs(vals) >= threshold), axis=1)
    signs = np.sign(vals[valid])
    same = int(np.sum(np.all(signs == signs[:, :1], axis=1))) if len(signs) else 0
    n = int(valid.sum())
    p0 = 0.5 ** (len(cols) - 1)
    p = float(binom.sf(same - 1, n, p0)) if n > 0 else 1.0
    return {"same_count": same, "valid_rows": n, "excluded": int(m.shape[0] - n), "p_value": p}


def pol_json(t, with_excluded):
    keys = ["same_count", "valid_rows"] + (["excluded"] if with_excluded else []) + ["p_value"]
    return {k: t[k] for k in keys}


def synthesis_v2(down_maps, up_maps, raw_maps, n_latent):
    down = np.zeros((n_latent, 9))
    for d in down_maps:
        down += d
    if down_maps:
        down /= len(down_maps)
    up = np.zeros((n_latent, 9))
    for u in up_maps:
        up += u
    if up_maps:
        up /= len(up_maps)
    stack = np.array(raw_maps)
    raw = np.zeros((9, 9))
    for i in range(9):
        for j in range(9):
            cells = [r[i, j] for r in raw_maps if not np.isnan(r[i, j])]
            s = 0.0
            for c in cells:
                s += c
            raw[i, j] = s / len(cells) if cells else 0.0
    a, b = float(np.mean(np.abs(down))), float(np.mean(np.abs(up)))
    infl = np.abs(up) - np.abs(down)
    fix1 = {"correlation_matrix_v2_downsampled": down.tolist(),
            "correlation_matrix_old_upsampled": up.tolist(), "dim_names_9": DIM_NAMES,
            "n_latent": n_latent, "mean_abs_r_downsampled": a, "mean_abs_r_upsampled": b,
            "inflation_pct": (b - a) / a * 100 if a != 0 else 0.0,
            "mean_inflation": float(np.mean(infl)), "median_inflation": float(np.median(infl)),
            "max_inflation": float(np.max(infl))}
    pairs = list(itertools.combinations(range(9), 2))
    name = lambda c: "+".join(DIM_NAMES[i] for i in c)
    fix2_pol = {}
    for c in pairs:
        e = pol_json(polarity(down, list(c), 0.0), False)
        e["raw_9x9_coupling"] = float(raw[c[0], c[1]])
        fix2_pol[name(c)] = e
    fix2 = {"correlation_matrix_9x9": raw.tolist(), "dim_names": DIM_NAMES,
            "n_beatmaps": len(raw_maps), "pairwise_polarity_vs_raw": fix2_pol,
            "strong_raw_pairs": [name(c) for c in pairs if abs(raw[c[0], c[1]]) > 0.3]}
    plain = {name(c): polarity(down, list(c), 0.0) for c in pairs}
    thr = {name(c): polarity(down, list(c), 0.05) for c in pairs}

    def top(threshold):
        tests = [(c, polarity(down, list(c), threshold)) for c in itertools.combinations(range(9), 3)]
        tests.sort(key=lambda x: x[1]["p_value"])
        return [{"subset": [DIM_NAMES[i] for i in c], **pol_json(t, threshold > 0)}
                for c, t in tests[:10]]

    ssw = [2, 3, 4]
    fix3 = {"threshold": 0.05,
            "pairwise_no_threshold": {k: pol_json(v, False) for k, v in plain.items()},
            "pairwise_with_threshold": {k: pol_json(v, True) for k, v in thr.items()},
            "sig_pairs_no_threshold": sum(v["p_value"] < 0.05 for v in plain.values()),
            "sig_pairs_with_threshold": sum(v["p_value"] < 0.05 for v in thr.values()),
            "avg_excluded_per_pair": float(np.mean([v["excluded"] for v in thr.values()])),
            "triplet_no_threshold_top10": top(0.0),
            "triplet_with_threshold_top10": top(0.05),
            "ssw_no_threshold": {"subset": [DIM_NAMES[i] for i in ssw],
                                 **pol_json(polarity(down, ssw, 0.0), False)},
            "ssw_with_threshold": {"subset": [DIM_NAMES[i] for i in ssw],
                                   **pol_json(polarity(down, ssw, 0.05), True)}}
    return {"description": "Synthesis v2: Corrected latent cartography analysis with "
                           "downsampling, raw coupling, and sign threshold",
            "n_beatmaps_used": len(down_maps), "n_beatmaps_9x9": len(raw_maps),
            "fix1_correlation_comparison": fix1, "fix2_raw_9x9_coupling": fix2,
            "fix3_sign_threshold": fix3}


def nan_to_null(m):
    return [[None if np.isnan(v) else float(v) for v in row] for row in m]


# ---------------------------------------------------------------------------- cases

def as_float(x):
    return float(x)


def reductions_cases():
    cases = []
    seed = 100
    for dtype in ("float64", "float32"):
        for n in (1, 2, 7, 8, 9, 15, 16, 17, 127, 128, 129, 136, 255, 256, 1000, 8191, 8192,
                  8193, 20000, 100000):
            cases.append(spec(1, n, dtype, seed, seed + 1, 0.3))
            seed += 2
        for value in (0.1, 1.0, -0.7, 1e-3):
            for n in (5, 100, 1000, 10000):
                cases.append(spec(1, n, dtype, 1, 2, 0.5, {"0": value}))
    out = []
    for s in cases:
        a = expand(s)[0]
        out.append({"spec": s, "sum": as_float(np.sum(a)), "mean": as_float(np.mean(a)),
                    "var": as_float(np.var(a)), "std": as_float(np.std(a)),
                    "has_spread": bool(np.std(a) != 0)})
    return {"cases": out}


def similarity_cases():
    pairs = []
    for n, mix in ((2, 0.5), (3, 0.9), (10, 0.7), (1000, 0.6), (10000, 0.2), (100000, 0.8)):
        pairs.append((spec(1, n, "float64", 7, 8, mix), spec(1, n, "float64", 7, 9, mix)))
        pairs.append((spec(1, n, "float32", 17, 18, mix), spec(1, n, "float32", 17, 19, mix)))
    pairs.append((spec(1, 1, "float64", 1, 2), spec(1, 1, "float64", 1, 3)))
    pairs.append((spec(1, 50, "float64", 1, 2, 0.5, {"0": 1.0}), spec(1, 50, "float64", 1, 3)))
    pairs.append((spec(1, 1000, "float64", 1, 2, 0.5, {"0": 0.1}),
                  spec(1, 1000, "float64", 1, 3, 0.5, {"0": 0.1})))
    pairs.append((spec(1, 1000, "float64", 1, 2, 0.5, {"0": 0.1}),
                  spec(1, 1000, "float64", 1, 3, 0.5, {"0": -0.3})))
    pairs.append((spec(1, 64, "float64", 1, 2, 0.5, {"0": 0.0}), spec(1, 64, "float64", 1, 3)))
    pairs.append((spec(1, 64, "float32", 1, 2, 0.5, {"0": 0.0}), spec(1, 64, "float32", 1, 3)))
    pairs.append((spec(1, 3000, "float32", 1, 2, 0.5, {"0": 0.1}),
                  spec(1, 3000, "float32", 1, 3, 0.5, {"0": 0.1})))
    out = []
    for sa, sb in pairs:
        a, b = expand(sa)[0], expand(sb)[0]
        # null where numpy gives NaN (spread in float32 lost once widened): ours is 0 there.
        r = pearson_corr(a, b)
        case = {"a": sa, "b": sb, "pearson": None if math.isnan(r) else r,
                "cosine": cosine_sim(a, b)}
        if sa["dtype"] == "float64":
            case["mad"] = mean_abs_diff(a, b)
        out.append(case)
    mixed = []  # synthesis: float32 latent row against a float64 encoding row
    for n in (2, 500, 9000):
        sa, sb = spec(1, n, "float32", 31, 32, 0.6), spec(1, n, "float64", 31, 33, 0.6)
        mixed.append({"a": sa, "b": sb, "pearson": pearson_corr(expand(sa)[0], expand(sb)[0])})
    frames = []
    for dims, n, dtype, stride in ((9, 1, "float64", 10), (9, 731, "float64", 10),
                                   (32, 257, "float32", 2), (32, 40, "float32", 1)):
        sa, sb = spec(dims, n, dtype, 41, 42, 0.5), spec(dims, n, dtype, 41, 43, 0.5, {"2": 0.0})
        a, b = expand(sa), expand(sb)
        value = float(np.mean([cosine_sim(a[:, t], b[:, t]) for t in range(0, n, stride)]))
        frames.append({"a": sa, "b": sb, "stride": stride, "mean_frame_cosine": value})
    return {"pairs": out, "mixed_pearson": mixed, "frame_cosine": frames}


def binomial_cases():
    out = []
    for n in (0, 1, 5, 22, 24, 25, 28, 32, 64, 200):
        for k in sorted({0, 1, n // 3, n // 2, (2 * n) // 3, n - 1, n, n + 1}):
            for p in (0.5, 0.25, 0.1):
                out.append({"k": k, "n": n, "p": p, "tail": float(binom.sf(k - 1, n, p))})
    return {"cases": out}


def member(creator, s):
    return {"creator": creator, "signal": s}


def expand_groups(groups):
    return [(g["song_group_idx"], [(m["creator"], expand(m["signal"])) for m in g["members"]])
            for g in groups]


def track_a_cases():
    s = lambda L, own, rows=None: spec(9, L, "float64", 500, own, 0.6, rows)
    groups = [
        {"song_group_idx": 0, "members": [member("A", s(400, 1)), member("B", s(390, 2)),
                                          member("C", s(410, 3))]},
        {"song_group_idx": 1, "members": [member("A", s(300, 4)), member("A", s(300, 5))]},
        {"song_group_idx": 3, "members": [member("A", s(120, 6)),
                                          member("A", s(125, 7, {"5": 1.0, "4": -1.0})),
                                          member("B", s(130, 8, {"5": 1.0})),
                                          member("C", s(121, 9, {"2": 0.1, "3": 0.1}))]},
        {"song_group_idx": 4, "members": [member("A", s(1, 10)), member("B", s(5, 11))]},
    ]
    result, pairs = track_a(expand_groups(groups))
    return {"groups": groups, "pairs": pairs, "expected": result}


def track_b_cases():
    s = lambda l, own, rows=None: spec(32, l, "float32", 900, own, 0.5, rows)
    groups = [
        {"song_group_idx": 0, "members": [member("A", s(250, 1)), member("B", s(260, 2)),
                                          member("C", s(255, 3))]},
        {"song_group_idx": 1, "members": [member("A", s(40, 4)), member("B", s(41, 5)),
                                          member("A", s(42, 6))]},
        {"song_group_idx": 2, "members": [member("A", s(1, 7)), member("B", s(5, 8))]},
        {"song_group_idx": 3, "members": [member("A", s(30, 9)), member("A", s(30, 10))]},
        {"song_group_idx": 5, "members": [member("A", s(77, 11, {"3": 0.25})),
                                          member("B", s(70, 12))]},
    ]
    result, pairs, song_vars = track_b(expand_groups(groups), 32)
    return {"groups": groups, "pairs": pairs, "song_between_var": song_vars, "expected": result}


def synthesis_cases():
    x = lambda L, own, rows=None: spec(9, L, "float64", 700, own, 0.4, rows)
    z = lambda l, own: spec(32, l, "float32", 700, own, 0.4, {"5": 0.5})
    beatmaps = [
        {"x": x(500, 1), "z": z(28, 2)},
        {"x": x(360, 3), "z": z(20, 4)},
        {"x": x(700, 5), "z": z(36, 6)},      # latent too short: v1 skips the beatmap
        {"x": x(300, 7), "z": z(19, 8)},      # latent too long: an empty chunk in fix1
        {"x": x(400, 9), "z": None},          # no latent: 9x9 only
        {"x": x(450, 10, {"4": 1.0, "5": -1.0, "6": 0.1}), "z": z(25, 11)},
    ]
    xs = [expand(b["x"]) for b in beatmaps]
    zs = [expand(b["z"]) if b["z"] else None for b in beatmaps]
    per_beatmap, up_maps, down_maps, raw_maps = [], [], [], []
    for xa, za in zip(xs, zs):
        rec = {"raw": nan_to_null(raw_map(xa))}
        raw_maps.append(raw_map(xa))
        if za is not None:
            up = upsampled_map(xa, za)
            down = downsampled_map(xa, za)
            rec["upsampled"] = up.tolist() if up is not None else None
            rec["downsampled"] = down.tolist()
            if up is not None:
                up_maps.append(up)
            down_maps.append(down)
        per_beatmap.append(rec)
    ranking = [(d, p) for d, p in zip([7, 5, 0, 31, 12] + [d for d in range(32) if d not in
                                                           (7, 5, 0, 31, 12)],
                                      np.linspace(0.45, -0.1, 32).tolist())]
    track_a_json = {"songs_analyzed": 3, "pairs_compared": 7, "cross_mapper_cosine_mean": 0.61}
    track_b_json = {"songs_analyzed": 2, "pairs_compared": 4, "full_cosine_mean": None}
    v1 = synthesis_v1(up_maps, 32, ranking, track_a_json, track_b_json)
    v2 = synthesis_v2(down_maps, up_maps, raw_maps, 32)
    return {"beatmaps": beatmaps, "per_beatmap": per_beatmap,
            "track_b_ranking": [[d, p] for d, p in ranking],
            "track_a": track_a_json, "track_b": track_b_json,
            "expected_v1": v1, "expected_v2": v2}


def load_npz(path):
    out = {}
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            with zf.open(name) as f:
                out[name[:-4]] = np.lib.format.read_array(f)
    return out


def corpus_small_v2():
    enc_dir = OUT / "corpus_small_encodings"
    manifest = json.load(open(DATA / "corpus_small_reference" / "encoding_manifest.json"))
    xs, zs = load_npz(enc_dir / "encodings_9dim.npz"), load_npz(enc_dir / "encodings_latent.npz")
    up_maps, down_maps, raw_maps = [], [], []
    for e in manifest:
        key = e["filename"][:-4]
        x = xs[key]
        raw_maps.append(raw_map(x))
        if key in zs:
            up = upsampled_map(x, zs[key])
            if up is not None:
                up_maps.append(up)
            down_maps.append(downsampled_map(x, zs[key]))
    return synthesis_v2(down_maps, up_maps, raw_maps, 32)


def write(name, obj):
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / name, "w") as f:
        json.dump(obj, f, indent=1, allow_nan=False)
    print("wrote", OUT / name)


def main():
    if np.__version__.split(".")[:2] != ["1", "24"]:
        print(f"warning: numpy {np.__version__}; the reference ran numpy 1.24", file=sys.stderr)
    write("reductions.json", reductions_cases())
    write("similarity.json", similarity_cases())
    write("binomial.json", binomial_cases())
    write("track_a.json", track_a_cases())
    write("track_b.json", track_b_cases())
    write("synthesis.json", synthesis_cases())
    if (OUT / "corpus_small_encodings" / "encodings_9dim.npz").exists():
        write("corpus_small_synthesis_v2.json", corpus_small_v2())


if __name__ == "__main__":
    main()
