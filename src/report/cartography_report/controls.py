"""The report's Controls section (issue 13): every agreement beside its chance level and controls.

Drawn from results/controls/*.json only (written by `run` unless --no-controls): the real pairs
against cross-song (null) pairs per dimension with bootstrap intervals over songs, the trained
encoder against random-weight encoders of its architecture, the MIR agreement measures (onset
F-measure, ICC(2,1), Krippendorff's alpha) and the lag-tolerant agreement.
"""
import os

from .run_files import DIMS, read_json

FILES = {"null": "null_baseline.json", "random": "random_encoder.json", "agreement": "agreement.json",
         "lag": "lag.json", "bootstrap": "bootstrap_ci.json"}
NULL_COLORS = {"real": "#2b8cbe", "null": "#999999", "trained": "#2b8cbe", "random": "#e6550d"}


def load_controls(run):
    """{name: JSON} of the control files present; None when the run has no results/controls/."""
    folder = run.path("results/controls")
    if not os.path.isdir(folder):
        return None
    out = {}
    for key, name in FILES.items():
        path = os.path.join(folder, name)
        if os.path.exists(path):
            out[key] = read_json(path)
    return out


def _get(d, *keys):
    """d[k1][k2]…, None where any level is missing."""
    for k in keys:
        if not isinstance(d, (dict, list)):
            return None
        try:
            d = d[k]
        except (KeyError, IndexError, TypeError):
            return None
    return d


def _estimate(iv):
    return _get(iv, "estimate")


def _error_bar(iv):
    """(lower, upper) distances from the estimate for matplotlib; zero where there is no interval."""
    est, lo, hi = _estimate(iv), _get(iv, "lo"), _get(iv, "hi")
    if est is None or lo is None or hi is None:
        return 0.0, 0.0
    return max(0.0, est - lo), max(0.0, hi - est)


def _bars(ax, x, ivs, width, color, label):
    vals = [_estimate(iv) if _estimate(iv) is not None else float("nan") for iv in ivs]
    errs = [_error_bar(iv) for iv in ivs]
    ax.bar(x, vals, width, color=color, label=label,
           yerr=[[e[0] for e in errs], [e[1] for e in errs]], capsize=3, error_kw={"lw": 1})


def controls_figure(ctx, out, written):
    """Real vs null Pearson per dimension; full cosines real/null and trained/random; lags."""
    import matplotlib.pyplot as plt
    import numpy as np
    from .figures import _save
    c = ctx.controls or {}
    null, random, lag = c.get("null"), c.get("random"), c.get("lag")
    if not null:
        return
    fig, axes = plt.subplots(1, 3, figsize=(13.6, 5.4), gridspec_kw={"width_ratios": [3, 2, 1.5]})
    ax = axes[0]
    x = np.arange(len(DIMS))
    dims = _get(null, "track_a", "dims") or []
    for side, shift in (("real", -0.2), ("null", 0.2)):
        _bars(ax, x + shift, [_get(d, "pearson", side) for d in dims], 0.4, NULL_COLORS[side],
              "real pairs (same song)" if side == "real" else "null pairs (different songs)")
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(x, DIMS, fontsize=9, rotation=30)
    ax.set_ylabel("Pearson r, mean over pairs (95% CI over songs)")
    ax.set_title("Track A: agreement vs chance, per dimension")
    ax.legend(frameon=False, fontsize=9)

    ax = axes[1]
    groups = [("Track A\nfull cosine", _get(null, "track_a", "full_cosine", "real"), "real"),
              ("null", _get(null, "track_a", "full_cosine", "null"), "null"),
              ("Track B\nfull cosine", _get(null, "track_b", "full_cosine", "real"), "real"),
              ("null", _get(null, "track_b", "full_cosine", "null"), "null")]
    if random:
        groups.append(("random\nencoder", _get(random, "stats", "track_b.full_cosine", "random"), "random"))
    groups = [g for g in groups if _estimate(g[1]) is not None]
    for i, (label, iv, kind) in enumerate(groups):
        _bars(ax, [i], [iv], 0.7, NULL_COLORS[kind], None)
        ax.text(i, _estimate(iv) + _error_bar(iv)[1] + 0.01, f"{_estimate(iv):.3f}", ha="center", fontsize=9)
    ax.set_xticks(range(len(groups)), [g[0] for g in groups], fontsize=9)
    ax.set_ylim(0, 1.08)
    ax.set_ylabel("full cosine, mean over pairs (95% CI)")
    ax.set_title("Full cosine: real, null" + (", random encoder" if random else ""))

    ax = axes[2]
    counts = {}
    for song in _get(lag, "songs") or []:
        for lag_frames, n in song.get("lag_counts", []):
            counts[lag_frames] = counts.get(lag_frames, 0) + n
    frame_ms = _get(lag, "frame_ms") or 0.0
    if counts:
        ks = sorted(counts)
        ax.bar([k * frame_ms for k in ks], [counts[k] for k in ks], width=max(frame_ms * 0.8, 1.0), color="#555")
    reach = (_get(lag, "max_lag_frames") or 0) * frame_ms
    if reach > 0:
        ax.set_xlim(-reach - frame_ms, reach + frame_ms)  # the whole searched window, ±100 ms by default
    ax.set_xlabel("best lag (ms; + = second chart later)")
    ax.set_ylabel("pairs")
    ax.set_title("Lag of best agreement")
    _save(fig, out, "controls_real_vs_null", written)


def _interval_text(iv):
    est, lo, hi = _estimate(iv), _get(iv, "lo"), _get(iv, "hi")
    if est is None:
        return "n/a"
    return f"{est:.3f}" + (f" [{lo:.3f}, {hi:.3f}]" if lo is not None and hi is not None else "")


def controls_rows(controls):
    """Per dimension: real r, null r, difference, Cohen's d, ICC(2,1), alpha, r at the best lag."""
    null, agreement, lag = controls.get("null"), controls.get("agreement"), controls.get("lag")
    rows = []
    for i, dim in enumerate(DIMS):
        p = _get(null, "track_a", "dims", i, "pearson")
        rows.append({"dim": dim, "real": _get(p, "real"), "null": _get(p, "null"), "difference": _get(p, "difference"),
                     "cohens_d": _get(p, "cohens_d"),
                     "icc": _get(agreement, "reliability", "dims", i, "icc_2_1", "mean_over_songs"),
                     "alpha": _get(agreement, "reliability", "dims", i, "krippendorff_alpha", "mean_over_songs"),
                     "r_best_lag": _get(lag, "dims", i, "r_best_lag")})
    return rows


def controls_section(ctx):
    """The page's Controls section, with the page's own table helpers (one look for every table)."""
    from .page import e, missing, num, section, table, txt
    c = ctx.controls
    title = "Controls: chance level, random encoder, MIR agreement, lag"
    if c is None:
        return section("controls", title, missing("This run has no results/controls/ (run with --no-controls, "
                                                  "or made before the controls existed)."))
    if not c.get("null") or not ctx.run.has_pairs:
        return section("controls", title, missing("No null baseline in this run (no mapper pairs)."))
    rows = [[txt(r["dim"]), txt(_interval_text(r["real"])), txt(_interval_text(r["null"])),
             num(_estimate(r["difference"]), f"controls.{r['dim']}.difference"),
             num(r["cohens_d"], f"controls.{r['dim']}.cohens_d"),
             txt(_interval_text(r["icc"])), txt(_interval_text(r["alpha"])), txt(_interval_text(r["r_best_lag"]))]
            for r in controls_rows(c)]
    parts = [f'<p class="lead">Every agreement beside its chance level: <b>null pairs</b> compare charts of '
             f'<i>different</i> songs exactly as real pairs are compared (same truncation, lengths within ±25 %, '
             f'chosen from --seed). Intervals: {e(_interval_text_spec(c))}.</p>',
             table(["dimension", "real r [95% CI]", "null r [95% CI]", "real − null", "Cohen's d", "ICC(2,1)",
                    "Krippendorff α", "r at best lag"], rows, tid="table-controls")]
    onset = _get(c, "agreement", "onset_f_measure")
    if onset:
        parts.append(f"<p>Onset F-measure (±{onset.get('window_ms', 50):g} ms, one-to-one matching of hit "
                     f"objects) over {onset.get('pairs', '?')} pairs: <b>{e(_interval_text(onset.get('f')))}</b>.</p>")
    random = c.get("random")
    if random:
        verdict = _get(random, "verdict", "statement")
        diff = _get(random, "stats", "track_b.full_cosine", "difference")
        each = random.get("per_encoder") or []
        draws = ", ".join(f"{d['random_full_cosine']:.3f}" for d in each)
        p = _get(random, "verdict", "seed_rank_p")
        spread = (f" Each random draw on its own: {e(draws)}; seed-rank p = {p:.3g} (the intervals resample "
                  f"songs, not weight draws)." if each and p is not None else "")
        parts.append(f"<p>Trained encoder minus {random.get('encoders', '?')} random-weight encoders of its "
                     f"architecture, Track B full cosine: <b>{e(_interval_text(diff))}</b>.{spread} "
                     + (f"Verdict: <b>{e(verdict)}</b>." if verdict else
                        "The verdict “latent agreement exceeds raw agreement” does <b>not</b> hold against this control.")
                     + "</p>")
    return section("controls", title, *parts)


def _interval_text_spec(controls):
    spec = _get(controls, "null", "intervals") or {}
    if not spec.get("resamples"):
        return "none (--bootstrap 0)"
    return (f"{100 * spec.get('level', 0.95):g}% bootstrap over {spec.get('unit', 'song')}s, "
            f"{spec.get('resamples')} resamples, seed {spec.get('seed')}")
