"""This run's headline numbers next to the seed's published ones (reference_results/)."""
import os

from .headline import TRACK_A_THRESHOLDS, category
from .run_files import DIMS, RunError, finite_or_none, read_json

PUBLISHED_FILES = {"track_a": "track_a.json", "track_b": "track_b.json", "synthesis": "synthesis.json",
                   "cv": "cv_comparison.json"}
TOP_DIMS = 5


def load_published(reference_dir):
    out = {}
    for key, name in PUBLISHED_FILES.items():
        p = os.path.join(reference_dir, name)
        if not os.path.exists(p):
            raise RunError(f"{p}: missing (the published results to compare with)")
        out[key] = read_json(p)
    return out


def _get(d, *keys):
    for k in keys:
        if d is None:
            return None
        d = d.get(k) if isinstance(d, dict) else None
    return d


def _row(section, statistic, ours, published):
    """Numbers get a difference (ours − published); anything else says whether it is the same."""
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (ours, published))
    if numeric:
        ours, published = finite_or_none(ours), finite_or_none(published)
        diff = None if ours is None or published is None else ours - published
        return {"section": section, "statistic": statistic, "this_run": ours, "published": published,
                "difference": diff}
    same = None if ours is None else ours == published
    return {"section": section, "statistic": statistic, "this_run": ours, "published": published, "same": same}


def _top_dims(track_b, n=TOP_DIMS):
    return None if track_b is None else [d["dim"] for d in track_b["dim_ranking"][:n]]


def _track_a_rows(run, pub):
    rows = []
    for d in DIMS:
        ours, theirs = run.track_a["summary"].get(d, {}).get("pearson_mean"), pub["summary"][d]["pearson_mean"]
        rows.append(_row("Track A", f"{d} pearson r", ours, theirs))
        rows.append(_row("Track A", f"{d} category", None if ours is None else category(ours, TRACK_A_THRESHOLDS),
                         category(theirs, TRACK_A_THRESHOLDS)))
    for key, label in [("cross_mapper_cosine_mean", "full cosine mean"), ("songs_analyzed", "songs"),
                       ("pairs_compared", "pairs")]:
        rows.append(_row("Track A", label, run.track_a[key], pub[key]))
    return rows


def _track_b_rows(run, pub):
    tb = run.track_b
    rows = [_row("Track B", label, _get(tb, key), pub[key])
            for key, label in [("full_cosine_mean", "full cosine mean"), ("full_cosine_std", "full cosine std"),
                               ("songs_analyzed", "songs"), ("pairs_compared", "pairs")]]
    rows.append(_row("Track B", f"top {TOP_DIMS} dims by pearson r", _top_dims(tb), _top_dims(pub)))
    top = lambda t: t["dim_ranking"][0]["pearson_mean"] if t and t["dim_ranking"] else None
    rows.append(_row("Track B", "top dim pearson r", top(tb), top(pub)))
    for cat in ["perceptual", "mixed", "stylistic"]:
        rows.append(_row("Track B", f"taxonomy: {cat} dims", _get(tb, "taxonomy", cat), pub["taxonomy"][cat]))
    return rows


def _synthesis_rows(run, pub):
    ours = run.synthesis_v2
    f1 = ("fix1_correlation_comparison",)
    f3 = ("fix3_sign_threshold",)
    spec = [(f1 + ("mean_abs_r_downsampled",), "fix1 mean |r| downsampled"),
            (f1 + ("mean_abs_r_upsampled",), "fix1 mean |r| upsampled"),
            (f1 + ("inflation_pct",), "fix1 inflation %"),
            (("fix2_raw_9x9_coupling", "strong_raw_pairs"), "fix2 strong raw pairs"),
            (f3 + ("sig_pairs_no_threshold",), "fix3 significant pairs, no threshold"),
            (f3 + ("sig_pairs_with_threshold",), "fix3 significant pairs, |r| ≥ 0.05"),
            (f3 + ("avg_excluded_per_pair",), "fix3 rows excluded per pair"),
            (f3 + ("ssw_no_threshold", "p_value"), "fix3 SLIDE/SUSTAIN/WHISTLE p"),
            (("n_beatmaps_used",), "beatmaps used")]
    rows = [_row("Synthesis v2", label, _get(ours, *keys), _get(pub, *keys)) for keys, label in spec]
    top = lambda s: None if s is None else s["fix3_sign_threshold"]["triplet_no_threshold_top10"][0]["subset"]
    rows.append(_row("Synthesis v2", "fix3 strongest triplet", top(ours), top(pub)))
    return rows


def _cv_rows(run, pub):
    return [_row("Cross-validation", label, _get(run.cv, *keys), _get(pub, *keys))
            for keys, label in [(("delta", "verdict"), "verdict"), (("cv_test", "full_cosine_mean"), "test full cosine"),
                                (("delta", "cosine_percent"), "cosine change %"), (("cv_test", "top_dim"), "test top dim")]]


def comparison(run, reference_dir):
    pub = load_published(reference_dir)
    rows = _track_a_rows(run, pub["track_a"]) + _track_b_rows(run, pub["track_b"]) + \
        _synthesis_rows(run, pub["synthesis"]) + _cv_rows(run, pub["cv"])
    # No paths of this run in the file: the same results give the same bytes wherever the run lives
    # (results/ is compared byte for byte across rank counts).
    return {"published": "reference_results/ (the seed's published 292-song run)",
            "note": "difference = this run − published; null where this run has no such result "
                    "(Track A only, no cross-validation)",
            "rows": rows}
