"""The report's static figures (matplotlib, PNG + SVG), drawn from the run's files only."""
import os

import matplotlib

matplotlib.use("Agg")  # no display on cluster nodes
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from .headline import TRACK_A_THRESHOLDS, TRACK_B_THRESHOLDS, synthesis_matrix  # noqa: E402
from .run_files import DIMS, FRAME_SECONDS  # noqa: E402

DPI = 100
COLORS = {"PERCEPTUAL": "#2b8cbe", "MIXED": "#f0a500", "STYLISTIC": "#d7301f"}
MAPPER_COLORS = ("#1f77b4", "#e6550d")
PER_SONG_SHOWN = 15  # songs at each end of the per-song ranking when a run has more than 2×15

# Titles and names from the archives are text: "$…$" in a song title is not TeX to typeset.
plt.rcParams.update({"text.parse_math": False, "font.size": 11, "axes.titlesize": 12, "axes.labelsize": 11, "figure.dpi": DPI,
                     "svg.fonttype": "none", "axes.spines.top": False, "axes.spines.right": False})


def _save(fig, out_dir, name, written):
    fig.tight_layout()
    for ext in ("png", "svg"):
        fig.savefig(os.path.join(out_dir, f"{name}.{ext}"), dpi=DPI)
    plt.close(fig)
    written.append(f"{name}.png")


def _thresholds(ax, thresholds, horizontal=True):
    for name, v in thresholds.items():
        line = ax.axhline if horizontal else ax.axvline
        line(v, color=COLORS[name.upper()], ls="--", lw=1)
        if horizontal:
            ax.annotate(f"{name} {'>' if name == 'perceptual' else '<'} {v}", (1.0, v), xycoords=("axes fraction", "data"),
                        xytext=(-4, 3), textcoords="offset points", ha="right", fontsize=9, color=COLORS[name.upper()])


def _legend_categories(ax):
    from matplotlib.patches import Patch
    ax.legend(handles=[Patch(color=c, label=k.lower()) for k, c in COLORS.items()], loc="upper left",
              fontsize=9, frameon=False, bbox_to_anchor=(1.0, 1.0), title="category", title_fontsize=9)


def cross_mapper_agreement(ctx, out, written):
    """Track A per dimension: every pair's Pearson r (box), mean with 95% CI, category thresholds."""
    rows, pairs = ctx.head["track_a"]["rows"], ctx.pairs
    fig, ax = plt.subplots(figsize=(10, 5.2))
    x = np.arange(len(DIMS))
    if len(pairs.a["pearson"]):
        ax.boxplot([pairs.a["pearson"][:, i] for i in range(len(DIMS))], positions=x, widths=0.5,
                   showfliers=True, flierprops={"markersize": 3, "alpha": 0.5}, medianprops={"color": "#555"})
    means = [r["pearson_mean"] for r in rows]
    ax.errorbar(x, means, yerr=[[m - r["ci_low"] for m, r in zip(means, rows)], [r["ci_high"] - m for m, r in zip(means, rows)]],
                fmt="none", ecolor="black", capsize=4, lw=1.5, zorder=3)
    ax.scatter(x, means, c=[COLORS[r["category"]] for r in rows], s=60, zorder=4, edgecolor="black", label="mean ± 95% CI")
    _thresholds(ax, TRACK_A_THRESHOLDS)
    ax.set_xticks(x, DIMS)
    ax.set_xlabel("interpretable dimension (box: quartiles over pairs; dot: mean ± 95% CI)")
    ax.set_ylabel("Pearson r between two mappers (per pair)")
    ta = ctx.head["track_a"]
    ax.set_title(f"Track A: cross-mapper agreement per dimension ({ta['songs']} songs, {ta['pairs']} pairs)")
    _legend_categories(ax)
    _save(fig, out, "cross_mapper_agreement", written)


def track_a_per_dimension(ctx, out, written):
    """Track A: mean ± std of Pearson r, cosine and mean absolute difference for each dimension."""
    rows = ctx.head["track_a"]["rows"]
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.6), sharey=True)
    y = np.arange(len(DIMS))[::-1]
    for ax, (key, label) in zip(axes, [("pearson", "Pearson r"), ("cosine", "cosine similarity"),
                                       ("mad", "mean |difference| (signal units)")]):
        ax.barh(y, [r[f"{key}_mean"] for r in rows], xerr=[r[f"{key}_std"] for r in rows],
                color=[COLORS[r["category"]] for r in rows], capsize=3, alpha=0.85)
        ax.set_xlabel(f"{label}, mean ± std over pairs")
        ax.axvline(0, color="#444", lw=0.8)
        if key == "pearson":
            _thresholds(ax, TRACK_A_THRESHOLDS, horizontal=False)
    axes[0].set_yticks(y, DIMS)
    axes[0].set_ylabel("interpretable dimension (colour: category)")
    fig.suptitle("Track A per dimension: agreement, similarity and difference between mappers")
    _save(fig, out, "track_a_per_dimension", written)


def latent_dim_agreement(ctx, out, written):
    """Track B: the latent dimensions ranked by mean Pearson r, with std and thresholds."""
    rows = ctx.head["track_b"]["rows"]
    fig, ax = plt.subplots(figsize=(12, 5))
    x = np.arange(len(rows))
    ax.bar(x, [r["pearson_mean"] for r in rows], yerr=[r["pearson_std"] for r in rows], capsize=2,
           color=[COLORS[r["category"]] for r in rows], alpha=0.9, error_kw={"lw": 0.8})
    _thresholds(ax, TRACK_B_THRESHOLDS)
    ax.set_xticks(x, [str(r["dim"]) for r in rows], fontsize=9)
    ax.set_xlabel("latent dimension (ranked by mean Pearson r)")
    ax.set_ylabel("Pearson r between two mappers, mean ± std")
    tb = ctx.head["track_b"]
    ax.set_title(f"Track B: latent dimensions ranked ({tb['songs']} songs, {tb['pairs']} pairs)")
    _legend_categories(ax)
    _save(fig, out, "latent_dim_agreement", written)


def latent_cosine_distribution(ctx, out, written):
    """Per-pair full cosine in the latent space (Track B) beside the 9-dim signal (Track A)."""
    fig, ax = plt.subplots(figsize=(9, 4.8))
    # From −0.2 (or the lowest pair, when lower) to 1 in steps of 1/30: no pair falls outside.
    lowest = min([-0.2] + [float(np.min(v)) for v in (ctx.pairs.a["full_cosine"], ctx.pairs.b["full_cosine"]) if len(v)])
    bins = np.arange(np.floor(lowest * 30) / 30, 1.0 + 1e-9, 1 / 30)
    ax.hist(ctx.pairs.b["full_cosine"], bins=bins, alpha=0.7, color="#2b8cbe", label="Track B (latent)")
    ax.hist(ctx.pairs.a["full_cosine"], bins=bins, alpha=0.5, color="#f0a500", label="Track A (9-dim signal)")
    ax.axvline(ctx.head["track_b"]["full_cosine_mean"], color="#2b8cbe", lw=2, label="Track B mean, this run")
    ax.axvline(ctx.published["track_b"]["full_cosine_mean"], color="black", ls=":", lw=2,
               label="Track B mean, published")
    ax.set_xlabel("full cosine similarity of two mappers' charts (per pair)")
    ax.set_ylabel("pairs")
    ax.set_title("Latent cosine distribution over mapper pairs")
    ax.legend(frameon=False, fontsize=9, loc="upper left")
    _save(fig, out, "latent_cosine_distribution", written)


def _heatmap(ax, matrix, xlabels, ylabels, vmax=None, annotate=False):
    m = np.asarray(matrix, dtype=float)
    vmax = vmax or max(1e-9, float(np.nanmax(np.abs(m))) if m.size else 1.0)
    im = ax.imshow(m, cmap="RdBu_r", vmin=-vmax, vmax=vmax, aspect="auto")
    ax.set_xticks(range(len(xlabels)), xlabels, rotation=45, ha="right")
    ax.set_yticks(range(len(ylabels)), ylabels, fontsize=9 if len(ylabels) > 12 else 11)
    if annotate:
        for (i, j), v in np.ndenumerate(m):
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=8,
                    color="white" if abs(v) > 0.6 * vmax else "black")
    return im


def correlation_heatmap(ctx, out, written):
    """32×9 synthesis: each latent dimension's correlation with each interpretable dimension."""
    matrix, which = synthesis_matrix(ctx.run)
    order = [r["dim"] for r in ctx.head["track_b"]["rows"]] if ctx.head["track_b"] else list(range(len(matrix)))
    cats = {r["dim"]: r["category"] for r in ctx.head["track_b"]["rows"]} if ctx.head["track_b"] else {}
    fig, ax = plt.subplots(figsize=(8, 11))
    im = _heatmap(ax, [matrix[z] for z in order], DIMS, [f"z{z} {cats.get(z, '').lower()}" for z in order])
    for tick, z in zip(ax.get_yticklabels(), order):
        tick.set_color(COLORS.get(cats.get(z), "black"))
    ax.set_xlabel("interpretable dimension")
    ax.set_ylabel("latent dimension, Track B rank order (colour: taxonomy)")
    ax.set_title(f"Synthesis: latent × interpretable correlation\n{which}")
    fig.colorbar(im, ax=ax, label="Pearson r (mean over beatmaps)", shrink=0.6)
    _save(fig, out, "correlation_heatmap", written)


def track_a_vs_b_comparison(ctx, out, written):
    """Per pair: agreement of the two charts in the 9-dim signal against the latent space."""
    pa, pb = ctx.pairs.a, ctx.pairs.b
    b_of = {tuple(int(v) for v in row): float(pb["full_cosine"][i]) for i, row in enumerate(pb["pairs"])}
    both = [(float(pa["full_cosine"][i]), b_of[k]) for i, row in enumerate(pa["pairs"])
            if (k := tuple(int(v) for v in row)) in b_of]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.8), gridspec_kw={"width_ratios": [1.4, 1]})
    if both:
        a, b = np.array(both).T
        ax1.scatter(a, b, s=18, alpha=0.7, color="#2b8cbe")
        ax1.plot([0, 1], [0, 1], color="#999", ls="--", lw=1, label="equal agreement")
        ax1.legend(frameon=False, fontsize=9)
    ax1.set_xlabel("Track A full cosine (9-dim signal)")
    ax1.set_ylabel("Track B full cosine (latent)")
    ax1.set_title(f"Each mapper pair ({len(both)} pairs in both tracks)")
    labels = ["Track A", "Track B"]
    ours = [ctx.head["track_a"]["full_cosine_mean"], ctx.head["track_b"]["full_cosine_mean"]]
    errs = [ctx.head["track_a"]["full_cosine_std"], ctx.head["track_b"]["full_cosine_std"]]
    pub = [ctx.published["track_a"]["cross_mapper_cosine_mean"], ctx.published["track_b"]["full_cosine_mean"]]
    x = np.arange(2)
    ax2.bar(x - 0.2, ours, 0.4, color="#2b8cbe", label="this run (mean ± std)")
    ax2.errorbar(x - 0.2, ours, yerr=errs, fmt="none", ecolor="black", capsize=4)
    ax2.bar(x + 0.2, pub, 0.4, color="#bbb", label="published")
    ax2.set_xticks(x, labels)
    ax2.set_ylabel("full cosine, mean over pairs")
    ax2.set_ylim(0, 1.05)
    ax2.legend(frameon=True, fontsize=9, loc="lower center")
    ax2.set_title("Means, this run and published")
    _save(fig, out, "track_a_vs_b_comparison", written)


def synthesis_fix1(ctx, out, written):
    """v2 fix1: the 288 correlations with the signal downsampled vs the latent upsampled."""
    f1 = ctx.run.synthesis_v2["fix1_correlation_comparison"]
    down = np.asarray(f1["correlation_matrix_v2_downsampled"], dtype=float)
    up = np.asarray(f1["correlation_matrix_old_upsampled"], dtype=float)
    fig, ax = plt.subplots(figsize=(8.5, 6.5))
    for j, d in enumerate(DIMS):
        ax.scatter(up[:, j], down[:, j], s=16, alpha=0.75, label=d, color=plt.cm.tab10(j))
    lim = max(0.05, float(np.max(np.abs(np.concatenate([down.ravel(), up.ravel()])))) * 1.05)
    ax.plot([-lim, lim], [-lim, lim], color="#999", ls="--", lw=1)
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_xlabel("r, latent repeated 18× (v1, upsampled)")
    ax.set_ylabel("r, signal averaged per 18 frames (v2, downsampled)")
    ax.set_title(f"Synthesis fix1: mean |r| {f1['mean_abs_r_downsampled']:.3f} downsampled vs "
                 f"{f1['mean_abs_r_upsampled']:.3f} upsampled\n(inflation {f1['inflation_pct']:.1f}%)")
    ax.legend(ncol=3, fontsize=8, frameon=False, title="interpretable dim", title_fontsize=9, loc="upper left")
    _save(fig, out, "synthesis_fix1_downsampled_vs_upsampled", written)


def synthesis_fix2(ctx, out, written):
    """v2 fix2: correlation of the raw interpretable dimensions with each other (9×9)."""
    f2 = ctx.run.synthesis_v2["fix2_raw_9x9_coupling"]
    fig, ax = plt.subplots(figsize=(8, 6.8))
    im = _heatmap(ax, f2["correlation_matrix_9x9"], DIMS, DIMS, vmax=1.0, annotate=True)
    ax.set_title(f"Synthesis fix2: raw 9×9 coupling ({f2['n_beatmaps']} beatmaps)\n"
                 f"strong pairs: {', '.join(f2['strong_raw_pairs']) or 'none'}")
    fig.colorbar(im, ax=ax, label="Pearson r between dimensions (mean over beatmaps)", shrink=0.8)
    _save(fig, out, "synthesis_fix2_raw_coupling", written)


def per_song_agreement(ctx, out, written):
    """Which songs' mappers agree most and least (mean full cosine over each song's pairs)."""
    rows = sorted((r for r in ctx.per_song if r["track_a_cosine"] is not None), key=lambda r: r["track_a_cosine"])
    shown = rows if len(rows) <= 2 * PER_SONG_SHOWN else rows[:PER_SONG_SHOWN] + rows[-PER_SONG_SHOWN:]
    fig, ax = plt.subplots(figsize=(11, max(3.0, 0.32 * len(shown) + 1.5)))
    y = np.arange(len(shown))
    ax.barh(y - 0.2, [r["track_a_cosine"] for r in shown], 0.4, color="#f0a500", label="Track A (9-dim signal)")
    if ctx.head["track_b"]:
        ax.barh(y + 0.2, [r["track_b_cosine"] or 0 for r in shown], 0.4, color="#2b8cbe", label="Track B (latent)")
    ax.set_yticks(y, [f"{r['song'][:40]} ({r['mappers']} mappers)" for r in shown], fontsize=9)
    ax.set_xlabel("mean full cosine over the song's mapper pairs")
    cut = "" if len(shown) == len(rows) else f", {PER_SONG_SHOWN} least and most of {len(rows)} songs"
    if cut:
        ax.axhline(PER_SONG_SHOWN - 0.5, color="#555", ls=":", lw=1)
        ax.text(0.99, PER_SONG_SHOWN - 0.5, f"{len(rows) - 2 * PER_SONG_SHOWN} songs between ", ha="right",
                va="center", fontsize=9, transform=ax.get_yaxis_transform(), backgroundcolor="white")
    ax.set_title(f"Per-song agreement (lowest at the bottom{cut})", pad=28)
    ax.legend(frameon=False, fontsize=9, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2)
    _save(fig, out, "per_song_agreement", written)


def cross_validation(ctx, out, written):
    """Cross-validation: latent agreement on held-out songs against the full run."""
    cv = ctx.run.cv
    fig, ax = plt.subplots(figsize=(9, 5))
    count = lambda k: f"{cv[k].get('songs', '?')} songs, {cv[k].get('pairs', '?')} pairs"
    labels = [f"original run\n({count('original')})", f"held-out songs, model retrained\n({count('cv_test')})"]
    vals = [cv["original"]["full_cosine_mean"], cv["cv_test"]["full_cosine_mean"]]
    ax.bar(labels, vals, color=["#bbb", "#2b8cbe"])
    for i, v in enumerate(vals):
        ax.text(i, v + 0.01, f"{v:.3f}", ha="center")
    ax.set_ylabel("Track B full cosine, mean over pairs")
    ax.set_ylim(0, 1.05)
    ax.set_title(f"Cross-validation: {cv['delta']['verdict']} ({cv['delta']['cosine_percent']:+.1f}%)")
    _save(fig, out, "cross_validation", written)


def signal_view(ctx, out, written):
    """One song's charts by two mappers, 9 rows over time: what agreement looks like."""
    p = ctx.pairs.median_pair()
    if p is None:
        return
    g, m_a, m_b = ctx.pairs.maps_of(ctx.pairs.a["pairs"][p])
    start, (xa, xb) = ctx.pairs.window([m_a, m_b])
    t = (start + np.arange(xa.shape[1])) * FRAME_SECONDS
    fig, axes = plt.subplots(len(DIMS), 1, figsize=(13, 11), sharex=True)
    for i, (ax, d) in enumerate(zip(axes, DIMS)):
        ax.plot(t, xa[i], color=MAPPER_COLORS[0], lw=0.9, label=ctx.pairs.label(m_a))
        ax.plot(t, xb[i], color=MAPPER_COLORS[1], lw=0.9, alpha=0.8, label=ctx.pairs.label(m_b))
        ax.set_ylabel(d, rotation=0, ha="right", va="center")
        ax.text(1.005, 0.5, f"r = {ctx.pairs.a['pearson'][p, i]:.2f}", transform=ax.transAxes, va="center", fontsize=9)
        ax.set_ylim(-1.1, 1.1)
        ax.set_yticks([-1, 0, 1])
    axes[0].legend(ncol=2, frameon=False, fontsize=9, loc="lower right", bbox_to_anchor=(1.0, 1.0))
    axes[-1].set_xlabel("time in the song (s)")
    fig.suptitle(f"Signal view: {ctx.run.song_name(g)}, the pair of median agreement "
                 f"(full cosine {ctx.pairs.a['full_cosine'][p]:.2f}); r = Pearson over the whole song\n"
                 "ONSET…CLAP: −1 at an event, rising (log time) to 1 two seconds after; SLIDE: slider progress; "
                 "SUSTAIN: 1 while held; X, Y: cursor position (playfield −1…1)",
                 fontsize=11)
    _save(fig, out, "signal_view", written)


def draw_all(ctx, out_dir):
    """Draws every figure this run has the data for; returns the PNG names written."""
    written = []
    if not ctx.run.has_pairs:
        return written
    plots = [cross_mapper_agreement, track_a_per_dimension, per_song_agreement, signal_view]
    if ctx.head["track_b"]:
        plots += [latent_dim_agreement, latent_cosine_distribution, track_a_vs_b_comparison]
    if ctx.head["synthesis"]:
        plots.append(correlation_heatmap)
    if ctx.run.synthesis_v2:
        plots += [synthesis_fix1, synthesis_fix2]
    if ctx.run.cv:
        plots.append(cross_validation)
    if getattr(ctx, "controls", None):
        from .controls import controls_figure
        plots.append(controls_figure)
    for plot in plots:
        plot(ctx, out_dir, written)
    return written
