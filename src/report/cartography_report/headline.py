"""The headline numbers of a run as rows (one source for the text tables, the HTML and compare)."""
import math

from .run_files import DIMS, finite_or_none

# SPEC §7: the category labels of Track A and Track B dimensions.
TRACK_A_THRESHOLDS = {"perceptual": 0.3, "stylistic": 0.1}
TRACK_B_THRESHOLDS = {"perceptual": 0.3, "stylistic": 0.05}
# A 95% confidence interval of a mean over n pairs: mean ± 1.96 · std / √n (normal approximation).
Z95 = 1.96


def category(r, thresholds):
    if r > thresholds["perceptual"]:
        return "PERCEPTUAL"
    if r < thresholds["stylistic"]:
        return "STYLISTIC"
    return "MIXED"


def ci95(mean, std, n):
    half = Z95 * std / math.sqrt(n) if n and n > 0 else 0.0
    return [mean - half, mean + half]


def track_a_rows(track_a):
    rows = []
    for d in (d for d in DIMS if d in track_a["summary"]):
        s = track_a["summary"][d]
        lo, hi = ci95(s["pearson_mean"], s["pearson_std"], s["n_pairs"])
        rows.append({"dim": d, "pearson_mean": s["pearson_mean"], "pearson_std": s["pearson_std"],
                     "ci_low": lo, "ci_high": hi, "cosine_mean": s["cosine_mean"], "cosine_std": s["cosine_std"],
                     "mad_mean": s["mad_mean"], "mad_std": s["mad_std"], "n_pairs": s["n_pairs"],
                     "category": category(s["pearson_mean"], TRACK_A_THRESHOLDS)})
    return rows


def track_b_rows(track_b):
    rows = []
    for rank, s in enumerate(track_b["dim_ranking"], start=1):
        lo, hi = ci95(s["pearson_mean"], s["pearson_std"], s["n_pairs"])
        rows.append({"rank": rank, "dim": s["dim"], "pearson_mean": s["pearson_mean"],
                     "pearson_std": s["pearson_std"], "ci_low": lo, "ci_high": hi,
                     "cosine_mean": s["cosine_mean"], "between_var_mean": s["between_var_mean"],
                     "n_pairs": s["n_pairs"], "category": category(s["pearson_mean"], TRACK_B_THRESHOLDS)})
    return rows


def synthesis_matrix(run):
    """The corrected (v2, downsampled) 32×9 matrix when the run has it, else v1's; with its name."""
    if run.synthesis_v2:
        return run.synthesis_v2["fix1_correlation_comparison"]["correlation_matrix_v2_downsampled"], \
            "v2 (9-dim signal averaged per 18-frame chunk)"
    if run.synthesis_v1:
        return run.synthesis_v1["correlation_matrix"], "v1 (latent repeated 18×)"
    return None, None


def strongest_links(run, count=10):
    matrix, which = synthesis_matrix(run)
    if matrix is None:
        return [], None
    cells = [(abs(r), z, x, r) for z, row in enumerate(matrix) for x, r in enumerate(row) if r is not None]
    cells.sort(key=lambda c: (-c[0], c[1], c[2]))
    return [{"latent_dim": z, "dim": DIMS[x], "r": r} for _, z, x, r in cells[:count]], which


def headline(run):
    """Everything the end of a run prints and the report's tables show, as plain data."""
    ta = run.track_a
    out = {"track_a": {"rows": track_a_rows(ta), "songs": ta["songs_analyzed"], "pairs": ta["pairs_compared"],
                       "full_cosine_mean": ta["cross_mapper_cosine_mean"],
                       "full_cosine_std": ta["cross_mapper_cosine_std"]},
           "track_b": None, "synthesis": None}
    if run.track_b:
        tb = run.track_b
        out["track_b"] = {"rows": track_b_rows(tb), "songs": tb["songs_analyzed"], "pairs": tb["pairs_compared"],
                          "full_cosine_mean": tb["full_cosine_mean"], "full_cosine_std": tb["full_cosine_std"],
                          "taxonomy": tb["taxonomy"]}
    links, which = strongest_links(run)
    if links:
        out["synthesis"] = {"links": links, "matrix": which}
    return out


def _f(x, digits=3):
    x = finite_or_none(x)
    return "n/a" if x is None else f"{x:.{digits}f}"


def text_tables(head, report_path=None):
    """The tables printed at the end of `cartography run`, in the layout of the seed's README."""
    ta = head["track_a"]
    if not ta["rows"]:
        return (f"No mapper pairs in this run ({ta['songs']} songs with two or more mappers): "
                "nothing to compare.\n" + (f"\nReport: {report_path}\n" if report_path else ""))
    lines = [f"Track A: interpretable 9-dim signal ({ta['songs']} songs, {ta['pairs']} pairs; "
             f"full cosine {_f(ta['full_cosine_mean'])} ± {_f(ta['full_cosine_std'])})",
             f"  {'dim':<8} {'pearson r':>9} {'± std':>7} {'95% CI':>17} {'cosine':>7} {'MAD':>7}  category"]
    for r in ta["rows"]:
        lines.append(f"  {r['dim']:<8} {_f(r['pearson_mean']):>9} {_f(r['pearson_std']):>7} "
                     f"{'[' + _f(r['ci_low']) + ', ' + _f(r['ci_high']) + ']':>17} {_f(r['cosine_mean']):>7} "
                     f"{_f(r['mad_mean']):>7}  {r['category']}")
    tb = head["track_b"]
    if tb:
        tax = tb["taxonomy"]
        lines += ["", f"Track B: {len(tb['rows'])}-dim latent ({tb['songs']} songs, {tb['pairs']} pairs; "
                      f"full cosine {_f(tb['full_cosine_mean'])} ± {_f(tb['full_cosine_std'])}; "
                      f"perceptual {tax.get('perceptual', 0)}, mixed {tax.get('mixed', 0)}, "
                      f"stylistic {tax.get('stylistic', 0)})",
                  f"  {'rank':>4} {'dim':>4} {'pearson r':>9} {'± std':>7} {'cosine':>7}  category"]
        for r in tb["rows"][:5]:
            lines.append(f"  {r['rank']:>4} {r['dim']:>4} {_f(r['pearson_mean']):>9} {_f(r['pearson_std']):>7} "
                         f"{_f(r['cosine_mean']):>7}  {r['category']}")
    else:
        lines += ["", "Track B: not run (no checkpoint)"]
    syn = head["synthesis"]
    if syn:
        lines += ["", f"Synthesis: strongest latent ↔ 9-dim links, {syn['matrix']}",
                  f"  {'latent':>6} {'dim':<8} {'r':>7}"]
        for link in syn["links"][:5]:
            lines.append(f"  {link['latent_dim']:>6} {link['dim']:<8} {_f(link['r']):>7}")
    if report_path:
        lines += ["", f"Report: {report_path}"]
    return "\n".join(lines) + "\n"
