"""A finished run, read from its files only (README "Outputs of `run`"): no recomputation."""
import json
import math
import os
import stat

DIMS = ["ONSET", "COMBO", "SLIDE", "SUSTAIN", "WHISTLE", "FINISH", "CLAP", "X", "Y"]
# Frame i of the 9-dim signal is at i * HOP / SR seconds (SPEC §5).
FRAME_SECONDS = 98.0 / 16384.0

# Where a run may hold a cross-validation result (the seed writes it beside the other results).
CV_PATHS = ["results/cv_comparison.json", "results/cross_validation/cv_comparison.json"]


class RunError(Exception):
    """A run folder that cannot be reported on; the message names the file and why."""


NUM = (int, float)
_SUMMARY_A = ["pearson_mean", "pearson_std", "cosine_mean", "cosine_std", "mad_mean", "mad_std", "n_pairs"]
# What the report reads from each result file: dotted key → type. A file without one of these is
# refused with its name and the key, instead of failing somewhere in a figure.
LAYOUT = {
    "track_a": {**{f"summary.{d}.{k}": NUM for d in DIMS for k in _SUMMARY_A},
                "cross_mapper_cosine_mean": NUM, "cross_mapper_cosine_std": NUM, "songs_analyzed": int,
                "pairs_compared": int},
    "track_b": {"dim_ranking": list, "full_cosine_mean": NUM, "full_cosine_std": NUM, "songs_analyzed": int,
                "pairs_compared": int, "taxonomy.perceptual": int, "taxonomy.mixed": int, "taxonomy.stylistic": int},
    "synthesis_v1": {"correlation_matrix": list},
    "synthesis_v2": {"fix1_correlation_comparison.correlation_matrix_v2_downsampled": list,
                     "fix1_correlation_comparison.correlation_matrix_old_upsampled": list,
                     "fix1_correlation_comparison.mean_abs_r_downsampled": NUM,
                     "fix1_correlation_comparison.mean_abs_r_upsampled": NUM,
                     "fix1_correlation_comparison.inflation_pct": NUM,
                     "fix2_raw_9x9_coupling.correlation_matrix_9x9": list,
                     "fix2_raw_9x9_coupling.strong_raw_pairs": list, "fix2_raw_9x9_coupling.n_beatmaps": int,
                     "fix3_sign_threshold.sig_pairs_no_threshold": int,
                     "fix3_sign_threshold.sig_pairs_with_threshold": int, "fix3_sign_threshold.threshold": NUM},
    "cv": {"original.full_cosine_mean": NUM, "cv_test.full_cosine_mean": NUM, "delta.verdict": str,
           "delta.cosine_percent": NUM},
}
_DIM_ROW = {"dim": int, "pearson_mean": NUM, "pearson_std": NUM, "cosine_mean": NUM, "between_var_mean": NUM,
            "n_pairs": int}


def _lookup(data, dotted):
    for k in dotted.split("."):
        if not isinstance(data, dict) or k not in data:
            return None
        data = data[k]
    return data


def check_layout(path, data, layout):
    for key, kind in layout.items():
        v = _lookup(data, key)
        if not isinstance(v, kind) or isinstance(v, bool):
            found = "missing" if v is None else f"a {type(v).__name__}"
            raise RunError(f"{path}: '{key}' is {found}, not what a finished run writes")


def _refuse_constant(name):
    raise ValueError("non-finite number " + name)


def require_regular_file(path):
    """A run folder may come from elsewhere: a FIFO at a file's name blocked `report` and `compare`
    forever, a device would be read without end. A missing path is left to the open to report."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else \
            "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a plain file"
        raise RunError(f"{path}: is {kind}, not a regular file")


def read_json(path):
    """Strict JSON: NaN/Infinity are refused, so they can never reach a figure or a table."""
    require_regular_file(path)
    try:
        with open(path, "r", encoding="utf-8") as f:
            return json.load(f, parse_constant=_refuse_constant)
    except (OSError, ValueError) as e:
        raise RunError(f"{path}: {e}") from None


def finite_or_none(x):
    """Numbers for output: a non-finite value becomes null instead of NaN."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def _text(v):
    return v.decode("utf-8", "replace") if isinstance(v, bytes) else (v.item() if hasattr(v, "item") else v)


class Run:
    """The files of one run directory; optional stages (Track B, synthesis, CV) are None when absent."""

    def __init__(self, run_dir):
        self.dir = os.path.abspath(run_dir)
        if not os.path.isdir(self.dir):
            raise RunError(f"{run_dir}: not a directory")
        summary = os.path.join(self.dir, "run_summary.json")
        if not os.path.exists(summary):
            raise RunError(f"{summary}: missing; the run is unfinished or this is not a run folder")
        self.summary = read_json(summary)
        self.h5_path = os.path.join(self.dir, "cartography.h5")
        self.attrs = self._read_complete_attrs()
        self.track_a = read_json(self._required("results/track_a/track_a_results.json"))
        self.index = read_json(self._required("data/multi_mapper_index.json"))
        self.manifest = read_json(self._required("data/encoding_manifest.json"))
        self.track_b = self._optional("results/track_b/track_b_results.json")
        self.synthesis_v1 = self._optional("results/synthesis/synthesis_results.json")
        self.synthesis_v2 = self._optional("results/synthesis/synthesis_v2.json")
        self.cv = next((read_json(p) for p in (self.path(c) for c in CV_PATHS) if os.path.exists(p)), None)
        self._check_layouts()

    def _check_layouts(self):
        check_layout(self.path("results/track_a/track_a_results.json"), self.track_a,
                     {"songs_analyzed": int, "pairs_compared": int})
        # A finished run whose songs all have one mapper has no pairs: every statistic is empty
        # (null means, empty summaries). Its report says so instead of drawing empty figures.
        self.has_pairs = self.track_a["pairs_compared"] > 0
        if not self.has_pairs:
            self.track_b = self.synthesis_v1 = self.synthesis_v2 = None
            return
        for name, rel in [("track_a", "results/track_a/track_a_results.json"),
                          ("track_b", "results/track_b/track_b_results.json"),
                          ("synthesis_v1", "results/synthesis/synthesis_results.json"),
                          ("synthesis_v2", "results/synthesis/synthesis_v2.json"), ("cv", CV_PATHS[0])]:
            data = getattr(self, name)
            if data is not None:
                check_layout(self.path(rel), data, LAYOUT[name])
        track_b = self.path("results/track_b/track_b_results.json")
        for i, row in enumerate(self.track_b["dim_ranking"] if self.track_b else []):
            if not isinstance(row, dict):
                raise RunError(f"{track_b}: dim_ranking[{i}] is not an object")
            check_layout(f"{track_b}: dim_ranking[{i}]", row, _DIM_ROW)

    def path(self, rel):
        return os.path.join(self.dir, rel)

    def _required(self, rel):
        p = self.path(rel)
        if not os.path.exists(p):
            raise RunError(f"{p}: missing (every finished run has it)")
        return p

    def _optional(self, rel):
        p = self.path(rel)
        return read_json(p) if os.path.exists(p) else None

    def _read_complete_attrs(self):
        if not os.path.exists(self.h5_path):
            partial = self.h5_path + ".partial"
            why = "only cartography.h5.partial exists (still being written or the writer died)" \
                if os.path.exists(partial) else "missing"
            raise RunError(f"{self.h5_path}: {why}")
        with self.open_h5() as f:
            attrs = {k: _text(v) for k, v in f.attrs.items()}
        if attrs.get("complete") != 1:
            raise RunError(f"{self.h5_path}: root attribute complete is {attrs.get('complete')!r}, not 1")
        return attrs

    def open_h5(self):
        import h5py  # only here: `tables` and `compare` of JSON need no HDF5
        require_regular_file(self.h5_path)
        try:
            return h5py.File(self.h5_path, "r")
        except OSError as e:
            raise RunError(f"{self.h5_path}: {e}") from None

    def song_name(self, group):
        g = self.index[group] if 0 <= group < len(self.index) else {}
        return f"{g.get('artist', '?')} - {g.get('title', '?')}"

    def checkpoint_info(self):
        """Which model the run used and whether it was trained: what `run` recorded from the file
        (cartography.h5's checkpoint_* attributes, else run_summary.json's "checkpoint"), or for
        runs older than that record, a guess from the name: 'no' for the bundled random weights,
        'unknown' otherwise."""
        ckpt = str(self.attrs.get("checkpoint", "") or "")
        if not ckpt or ckpt == "none":
            return {"name": "none (Track A only)", "trained": "n/a", "architecture": None, "untrained": False}
        a = self.attrs
        recorded = {k[len("checkpoint_"):]: v for k, v in a.items() if k.startswith("checkpoint_")}
        if "trained" not in recorded and isinstance(self.summary.get("checkpoint"), dict):
            recorded = self.summary["checkpoint"]
        state = recorded.get("trained")
        if state not in ("yes", "no", "unknown"):
            untrained = "UNTRAINED" in os.path.basename(ckpt)
            return {"name": ckpt, "trained": "no (random weights)" if untrained else "unknown",
                    "architecture": None, "untrained": untrained}
        step, epoch = recorded.get("global_step"), recorded.get("epoch")
        counters = f"{step} optimizer steps" + (f", epoch {epoch}" if epoch is not None else "") \
            if step is not None else ""
        trained = {"yes": f"yes ({counters})", "no": "no (random weights)",
                   "unknown": "unknown (the file records no training steps)"}[state]
        return {"name": str(recorded.get("file") or os.path.basename(ckpt)), "trained": trained,
                "architecture": recorded.get("architecture"), "untrained": state == "no"}

    def checkpoint_state(self):
        """(name, trained) for the page: trained 'yes (N optimizer steps, epoch E)', 'no (random
        weights)', 'unknown' or 'n/a' (see checkpoint_info)."""
        info = self.checkpoint_info()
        return info["name"], info["trained"]
