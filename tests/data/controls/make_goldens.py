#!/usr/bin/python3
"""Goldens for tests/controls (issue 13), computed independently of the C++ code.

Run with Debian's python3 (numpy 1.24, scipy 1.10):  /usr/bin/python3 make_goldens.py
It rewrites goldens.json beside itself. Routes differ from the C++ on purpose:
  - onset F: scipy.sparse.csgraph.maximum_bipartite_matching (Hopcroft-Karp), not a sweep;
  - ICC(2,1): ANOVA mean squares with SSE = SST - SSR - SSC (C++: residuals directly);
  - Krippendorff alpha: the coincidence matrix over distinct values (C++: sums of squares);
  - Pearson (lag agreement): numpy.corrcoef with the SPEC §7 guard (C++: stats::pearson);
  - Cohen's d: numpy std with ddof=1;
  - bootstrap and null pairs: the documented draw procedure written again here (Python ints
    for the 128-bit product) with numpy.quantile for the percentiles.
"""
import json
import os

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

HERE = os.path.dirname(os.path.abspath(__file__))
M64 = (1 << 64) - 1


# ---------------------------------------------------------------- RNG (rng.hpp)
def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def derive_seed(seed, values):
    h = mix64(seed & M64)
    for v in values:
        h = mix64(h ^ (v & M64))
    return h


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & M64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & M64
        return mix64(self.state)

    def uniform_index(self, n):
        m = self.next() * n
        low = m & M64
        if low < n:
            t = ((1 << 64) - n) % n
            while low < t:
                m = self.next() * n
                low = m & M64
        return m >> 64


def rng_cases():
    out = []
    for seed in [0, 1234567, 2**64 - 1]:
        r = SplitMix64(seed)
        out.append({"seed": seed, "next": [r.next() for _ in range(5)]})
    idx = []
    for seed, n in [(7, 1), (7, 3), (99, 10), (5, 2**63 + 12345), (11, 1000003)]:
        r = SplitMix64(seed)
        idx.append({"seed": seed, "n": n, "draws": [r.uniform_index(n) for _ in range(8)]})
    derived = [{"seed": s, "values": v, "derived": derive_seed(s, v)}
               for s, v in [(0, []), (42, [3, 0, 1]), (42, [3, 1, 0]), (2**63, [-1, 7])]]
    return {"next": out, "uniform_index": idx, "derive_seed": derived}


# ---------------------------------------------------------------- bootstrap
def bootstrap_cases(rs):
    cases = []
    # 7 songs x 3 statistics; song 2 has no pairs for stat 1, stat 2 is a synthesis-like
    # per-beatmap mean with other counts.
    counts = rs.integers(1, 6, size=(7, 3)).astype(float)
    counts[2, 1] = 0.0
    sums = rs.normal(0.3, 0.2, size=(7, 3)) * counts
    cases.append(("seven_songs", sums, counts, 1000, 0.95, 20261202))
    cases.append(("seven_songs_90", sums, counts, 250, 0.90, 5))
    # Only one song has a count for stat 0: resamples without it have no ratio.
    counts = np.array([[0.0, 1.0], [3.0, 2.0], [0.0, 4.0]])
    sums = np.array([[0.0, 0.5], [1.2, -0.4], [0.0, 2.0]])
    cases.append(("sparse_counts", sums, counts, 200, 0.95, 3))
    cases.append(("one_song", np.array([[2.0, 1.0]]), np.array([[4.0, 0.0]]), 50, 0.95, 1))
    out = []
    for name, sums, counts, resamples, level, seed in cases:
        out.append({"name": name, "songs": int(counts.shape[0]), "stats": int(counts.shape[1]),
                    "sums": sums.ravel().tolist(), "counts": counts.ravel().tolist(),
                    "resamples": resamples, "level": level, "seed": seed,
                    "intervals": bootstrap_table(sums, counts, resamples, level, seed)})
    return out


def bootstrap_table(sums, counts, resamples, level, seed):
    """bootstrap.hpp's procedure on a [songs x stats] table of sums and counts."""
    songs, stats = counts.shape
    rng = SplitMix64(seed)
    values = [[] for _ in range(stats)]
    for _ in range(resamples):
        drawn = [rng.uniform_index(songs) for _ in range(songs)]
        num = sums[drawn, :].sum(axis=0)
        den = counts[drawn, :].sum(axis=0)
        for k in range(stats):
            if den[k] != 0:
                values[k].append(num[k] / den[k])
    out = []
    for k in range(stats):
        total = counts[:, k].sum()
        valid = bool(total != 0 and values[k])
        rec = {"valid": valid, "resamples_used": len(values[k]),
               "estimate": 0.0, "lo": 0.0, "hi": 0.0}
        if valid:
            rec["estimate"] = float(sums[:, k].sum() / total)
            lo, hi = np.quantile(np.array(values[k]), [(1 - level) / 2, (1 + level) / 2])
            rec["lo"], rec["hi"] = float(lo), float(hi)
        out.append(rec)
    return out


def quantile_cases(rs):
    out = []
    for n in [1, 2, 5, 40, 1000]:
        x = np.sort(rs.normal(size=n))
        qs = [0.0, 0.025, 0.05, 0.5, 0.95, 0.975, 1.0]
        out.append({"sorted": x.tolist(), "q": qs,
                    "value": [float(np.quantile(x, q)) for q in qs]})
    return out


# ---------------------------------------------------------------- null pairs
def choose_null_pairs(pairs, songs, seed, tol):
    by_idx = {s["song_group_idx"]: s for s in songs}
    usable = lambda s: s["members"] >= 1 and s["length"] > 0  # noqa: E731
    out = []
    for g_idx, a, b in pairs:
        g = by_idx[g_idx]
        others = [s for s in sorted(songs, key=lambda s: s["song_group_idx"])
                  if s["song_group_idx"] != g_idx and usable(s)]
        if not others or g["length"] <= 0:
            continue
        t = tol
        while True:
            cand = [s for s in others if abs(float(s["length"] - g["length"])) <= t * g["length"]]
            if cand:
                break
            t *= 2.0
        def eligible(h):  # members of h whose creator differs from member a's (all if unknown)
            gc, hc = g.get("creators", []), h.get("creators", [])
            if not gc or not hc:
                return list(range(h["members"]))
            return [m for m in range(min(h["members"], len(hc))) if hc[m] != gc[a]]
        cand = [h for h in cand if eligible(h)]
        if not cand:
            continue
        rng = SplitMix64(derive_seed(seed, [g_idx, a, b]))
        h = cand[rng.uniform_index(len(cand))]
        members = eligible(h)
        out.append({"real": [g_idx, a, b], "song_b": h["song_group_idx"],
                    "member_b": members[rng.uniform_index(len(members))],
                    "length": min(g["length"], h["length"]), "tolerance_used": t})
    return out


def null_pair_cases(rs):
    songs = [{"song_group_idx": int(i), "members": int(m), "length": int(L)}
             for i, m, L in zip([0, 1, 2, 3, 5, 8, 9, 12],
                                [2, 3, 5, 2, 4, 1, 3, 0],
                                [1000, 1100, 5000, 980, 1240, 4000, 20000, 1000])]
    pairs = []
    for s in songs:
        for a in range(s["members"]):
            for b in range(a + 1, s["members"]):
                pairs.append([s["song_group_idx"], a, b])
    cases = [{"name": "eight_songs", "songs": songs, "pairs": pairs, "seed": 77,
              "tolerance": 0.25}]
    cases.append({"name": "tight", "songs": songs, "pairs": pairs, "seed": 78,
                  "tolerance": 0.01})
    lonely = [{"song_group_idx": 4, "members": 2, "length": 100},
              {"song_group_idx": 6, "members": 0, "length": 100},
              {"song_group_idx": 7, "members": 3, "length": 0}]
    cases.append({"name": "no_other_song", "songs": lonely, "pairs": [[4, 0, 1]], "seed": 1,
                  "tolerance": 0.25})
    # Creators known: a null pair never faces member a's own creator. Song 3's members are all
    # "kim" (only a song of one creator can be closed to a pair), songs 0 and 1 share mappers.
    named = [dict(s) for s in songs]
    names = {0: ["kim", "lee"], 1: ["lee", "kim", "ana"], 2: ["ana", "bo", "kim", "lee", "cy"],
             3: ["kim", "kim"], 5: ["bo", "kim", "lee", "ana"], 8: ["kim"], 9: ["kim", "cy", "bo"],
             12: []}
    for s in named:
        s["creators"] = names[s["song_group_idx"]]
    named_pairs = [p for p in pairs if names[p[0]][p[1]] != names[p[0]][p[2]]]
    for seed in (79, 80, 81):
        cases.append({"name": f"creators_{seed}", "songs": named, "pairs": named_pairs,
                      "seed": seed, "tolerance": 0.25})
    for c in cases:
        c["null_pairs"] = choose_null_pairs(c["pairs"], c["songs"], c["seed"], c["tolerance"])
    return cases


# ---------------------------------------------------------------- effect sizes
def effect(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    rec = {"mean_a": float(a.mean()) if a.size else 0.0,
           "mean_b": float(b.mean()) if b.size else 0.0}
    rec["difference"] = rec["mean_a"] - rec["mean_b"]
    dof = a.size + b.size - 2
    d, ok = 0.0, False
    if a.size >= 1 and b.size >= 1 and dof >= 1:
        va = a.var(ddof=1) if a.size > 1 else 0.0
        vb = b.var(ddof=1) if b.size > 1 else 0.0
        sp = np.sqrt(((a.size - 1) * va + (b.size - 1) * vb) / dof)
        if sp > 0:
            d, ok = float(rec["difference"] / sp), True
    rec["cohens_d"], rec["d_defined"] = d, ok
    return rec


def effect_cases(rs):
    cases = [("random", rs.normal(0.5, 0.2, 30), rs.normal(0.1, 0.3, 45)),
             ("one_each_equal", [0.3], [0.3]),
             ("one_and_two", [1.0], [0.0, 2.0]),
             ("no_spread", [0.2, 0.2, 0.2], [0.2, 0.2]),
             ("empty_b", [0.1, 0.2], [])]
    out = [{"name": n, "a": list(map(float, a)), "b": list(map(float, b)), **effect(a, b)}
           for n, a, b in cases]
    paired = []
    for name, a, b in [("learned_vs_random", rs.normal(0.6, 0.1, 25), rs.normal(0.55, 0.1, 25)),
                       ("constant_shift", [0.5, 0.6, 0.7], [0.4, 0.5, 0.6]),
                       ("single", [0.5], [0.2])]:
        a, b = np.asarray(a, float), np.asarray(b, float)
        diff = a - b
        dz, ok = 0.0, False
        if diff.size >= 2:
            sd = diff.std(ddof=1)
            if sd > 0:
                dz, ok = float(diff.mean() / sd), True
        paired.append({"name": name, "a": a.tolist(), "b": b.tolist(),
                       "independent": effect(a, b), "mean_difference": float(diff.mean()),
                       "cohens_dz": dz, "dz_defined": ok})
    return {"independent": out, "paired": paired}


# ---------------------------------------------------------------- onset F
def onset_f(ref, est, window):
    ref, est = np.asarray(ref, float), np.asarray(est, float)
    if ref.size == 0 or est.size == 0:
        return {"f": 0.0, "precision": 0.0, "recall": 0.0, "matches": 0}
    hits = np.abs(np.subtract.outer(ref, est)) <= window
    graph = csr_matrix(hits.astype(np.int8))
    match = maximum_bipartite_matching(graph, perm_type="column")
    matches = int((match >= 0).sum())
    p, r = matches / est.size, matches / ref.size
    f = 0.0 if p == 0 and r == 0 else (1 + 1 ** 2) * p * r / ((1 ** 2) * p + r)
    return {"f": float(f), "precision": float(p), "recall": float(r), "matches": matches}


def onset_cases(rs):
    cases = []
    beats = np.cumsum(rs.uniform(40, 400, 300))
    jitter = beats + rs.normal(0, 30, beats.size)
    keep = rs.random(beats.size) < 0.8
    extra = rs.uniform(0, beats[-1], 40)
    cases.append(("jittered_charts", beats, np.concatenate([jitter[keep], extra]), 50.0))
    # Dense bursts where nearest-neighbour greedy matching would lose a match.
    cases.append(("crossing", [100.0, 140.0], [95.0, 60.0], 50.0))
    cases.append(("bursts", np.sort(rs.uniform(0, 500, 60)), rs.uniform(0, 500, 55), 50.0))
    cases.append(("exact_window", [0.0, 100.0, 200.0], [50.0, 151.0, 250.0], 50.0))
    cases.append(("duplicates", [10.0, 10.0, 10.0], [10.0, 30.0], 50.0))
    cases.append(("unsorted", [300.0, 10.0, 150.0], [149.0, 305.0, 12.0, 500.0], 50.0))
    cases.append(("zero_window", [1.0, 2.0, 3.0], [2.0, 3.0, 3.5], 0.0))
    cases.append(("no_match", [0.0, 1000.0], [500.0], 50.0))
    cases.append(("ref_empty", [], [1.0, 2.0], 50.0))
    cases.append(("both_empty", [], [], 50.0))
    # Hit-object times of two real charts of one song would go here; the frame grid's
    # millisecond times: frame i at i * 98 / 16384 * 1000 ms.
    frame_ms = 98.0 / 16384.0 * 1000.0
    a = np.flatnonzero(rs.random(2000) < 0.05) * frame_ms
    b = np.flatnonzero(rs.random(2000) < 0.05) * frame_ms
    cases.append(("frame_grid_times", a, b, 50.0))
    return [{"name": n, "ref": list(map(float, r)), "est": list(map(float, e)), "window": w,
             **onset_f(r, e, w)} for n, r, e, w in cases]


# ---------------------------------------------------------------- ICC and alpha
def icc_2_1(x):
    x = np.asarray(x, float)
    n, k = x.shape
    if n < 2 or k < 2:
        return {"value": 0.0, "defined": False}
    if np.ptp(x) == 0:  # no variance at all: the ratio is 0/0
        return {"value": 0.0, "defined": False}
    gm = x.mean()
    sst = ((x - gm) ** 2).sum()
    ssr = k * ((x.mean(axis=1) - gm) ** 2).sum()
    ssc = n * ((x.mean(axis=0) - gm) ** 2).sum()
    sse = sst - ssr - ssc
    msr, msc, mse = ssr / (n - 1), ssc / (k - 1), sse / ((n - 1) * (k - 1))
    den = msr + (k - 1) * mse + k * (msc - mse) / n
    if den == 0:
        return {"value": 0.0, "defined": False}
    return {"value": float((msr - mse) / den), "defined": True}


def alpha_interval(x):
    """Krippendorff (2011), 'Computing Krippendorff's alpha-reliability', section C, on the
    coincidence matrix over distinct values c, k:
      o_ck = sum_u (ordered pairs of positions in unit u valued c and k) / (m_u - 1),
      n_c = sum_k o_ck, N = sum_c n_c,
      alpha = 1 - (N - 1) sum o_ck d2_ck / sum_c sum_k n_c n_k d2_ck,  d2_ck = (c - k)^2.
    o is kept sparse (a dict) and the expected-disagreement double sum runs in blocks, so a
    real song (thousands of distinct values) stays cheap."""
    x = np.asarray(x, float)
    n, k = x.shape
    if n < 2 or k < 2:
        return {"value": 0.0, "defined": False}
    vals, inv = np.unique(x, return_inverse=True)
    if vals.size == 1:  # no variance at all: the ratio is 0/0
        return {"value": 0.0, "defined": False}
    inv = inv.reshape(x.shape)
    o = {}
    for u in range(n):
        for i in range(k):
            for j in range(k):
                if i != j:
                    key = (inv[u, i], inv[u, j])
                    o[key] = o.get(key, 0.0) + 1.0 / (k - 1)
    nc = np.zeros(vals.size)
    for (c, _), w in o.items():
        nc[c] += w
    N = nc.sum()
    d_o = sum(w * (vals[c] - vals[kk]) ** 2 for (c, kk), w in o.items())
    d_e = 0.0
    for start in range(0, vals.size, 2048):
        block = slice(start, start + 2048)
        d2 = np.subtract.outer(vals[block], vals) ** 2
        d_e += (nc[block, None] * nc[None, :] * d2).sum()
    d_e /= (N - 1)
    if d_e == 0:
        return {"value": 0.0, "defined": False}
    return {"value": float(1.0 - d_o / d_e), "defined": True}


def reliability_cases(rs):
    # Shrout & Fleiss (1979), Table 2: 6 targets x 4 judges; published ICC(2,1) = 0.29.
    sf = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    truth = rs.normal(size=(50, 1))
    cases = [("shrout_fleiss_1979", np.array(sf, float)),
             ("shared_truth", truth + 0.5 * rs.normal(size=(50, 4)) + rs.normal(size=(1, 4))),
             ("pure_noise", rs.normal(size=(40, 3))),
             ("integer_ties", rs.integers(0, 3, size=(30, 5)).astype(float)),
             ("perfect", np.repeat(np.arange(6.0)[:, None], 3, axis=1)),
             ("constant", np.full((5, 3), 0.7)),
             ("one_subject", np.array([[1.0, 2.0, 3.0]]))]
    return [{"name": n, "subjects": int(m.shape[0]), "raters": int(m.shape[1]),
             "values": m.ravel().tolist(), "icc": icc_2_1(m), "alpha": alpha_interval(m)}
            for n, m in cases]


# ---------------------------------------------------------------- lag agreement
def guarded_r(a, b):
    if a.size < 2 or np.std(a) == 0 or np.std(b) == 0:
        return 0.0
    return float(np.clip(np.corrcoef(a, b)[0, 1], -1.0, 1.0))


def lag_agreement(a, b, k):
    dims, n = a.shape

    def rs(lag):
        if lag >= 0:
            return [guarded_r(a[d, :n - lag], b[d, lag:]) for d in range(dims)]
        return [guarded_r(a[d, -lag:], b[d, :n + lag]) for d in range(dims)]

    lags = [lag for lag in range(-k, k + 1) if n - abs(lag) >= 2] or [0]
    scores = {lag: float(np.mean(rs(lag))) if dims else 0.0 for lag in lags}
    scores[0] = float(np.mean(rs(0))) if dims else 0.0
    best = max(scores.values())
    best_lag = min((lag for lag in scores if scores[lag] == best), key=lambda l: (abs(l), l))
    return {"best_lag": best_lag, "best_score": scores[best_lag], "zero_score": scores[0],
            "r_best": rs(best_lag), "r_zero": rs(0)}


def lag_cases(rs, real):
    cases = []
    base = rs.normal(size=(3, 400))
    shifted = np.roll(base, 5, axis=1) + 0.3 * rs.normal(size=(3, 400))
    cases.append(("shift_plus_5", base, shifted, 17))
    cases.append(("shift_minus_5", shifted, base, 17))
    sparse = (rs.random((9, 300)) < 0.1).astype(float)
    sparse[4] = 0.0  # a dimension without spread: r = 0 at every lag
    cases.append(("sparse_with_flat_dim", sparse, np.roll(sparse, -2, axis=1), 17))
    cases.append(("short", rs.normal(size=(2, 4)), rs.normal(size=(2, 4)), 17))
    # r = -1 at lag 0 and r = 1 at lags -3, -1, 1, 3 (same overlaps): ties go to -1.
    alternating = np.tile([0.0, 1.0], 20)[None, :]
    cases.append(("alternating_tie", alternating, 1.0 - alternating, 3))
    cases.append(("no_lags", sym := rs.normal(size=(2, 30)), sym[::-1].copy(), 0))
    if real is not None:
        cases.append(("corpus_small_song_008",) + real + (17,))
    out = []
    for n, a, b, k in cases:
        rec = {"name": n, "dims": int(a.shape[0]), "frames": int(a.shape[1]), "max_lag": k}
        if n.startswith("corpus_small"):
            rec["npz_keys"] = REAL_KEYS[:2]
        else:
            rec["a"], rec["b"] = a.ravel().tolist(), b.ravel().tolist()
        rec.update(lag_agreement(a, b, k))
        out.append(rec)
    return out


# Song 008 of corpus_small: five representatives of five creators (multi_mapper_index.json).
REAL_NPZ = "stats/corpus_small_encodings/encodings_9dim.npz"
REAL_KEYS = ["100399_Normal 0", "100416_Expert 1", "100420_Normal 0", "100451_Hard 1",
             "100474_Insane 0"]


def real_cases():
    z = np.load(os.path.join(HERE, "..", REAL_NPZ))
    sig = [z[k] for k in REAL_KEYS]
    frames = min(s.shape[1] for s in sig)
    per_dim = []
    for d in range(sig[0].shape[0]):
        m = np.stack([s[d, :frames] for s in sig], axis=1)
        per_dim.append({"icc": icc_2_1(m), "alpha": alpha_interval(m)})
    return {"npz": REAL_NPZ, "keys": REAL_KEYS, "frames": frames, "per_dimension": per_dim}, \
        (sig[0][:, :frames], sig[1][:, :frames])


def main():
    rs = np.random.default_rng(13)
    real, real_pair = real_cases()
    goldens = {
        "generator": "tests/data/controls/make_goldens.py (numpy %s)" % np.__version__,
        "rng": rng_cases(),
        "quantile": quantile_cases(rs),
        "bootstrap": bootstrap_cases(rs),
        "null_pairs": null_pair_cases(rs),
        "effect_size": effect_cases(rs),
        "onset": onset_cases(rs),
        "reliability": reliability_cases(rs),
        "reliability_corpus_small": real,
        "lag": lag_cases(rs, real_pair),
    }
    with open(os.path.join(HERE, "goldens.json"), "w") as f:
        json.dump(goldens, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
