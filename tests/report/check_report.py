#!/usr/bin/env python3
"""Checks of the report stage, run by CTest (label `report`) on runs the tests make themselves.

  pngs    <report_dir> <run_dir>          every expected figure exists (PNG + SVG), has a readable size, is not blank
  browser <report_dir> <run_dir> <shots>  index.html in headless Chromium: no console output, every chart drawn,
                                          every figure inlined, the tables hold the run's numbers
  tables  <cartography> <run_dir>         the headline tables printed by `cartography report` match the JSON
  compare <cartography> <run_dir> <work>  same run → 0; a perturbed copy → 1, naming what changed; --tol honoured
  refuse  <cartography> <run_dir> <work>  unfinished runs are refused with a message naming the file
  provenance <cartography> <run_dir> <work> [<file>]  the checkpoint's provenance in cartography.h5,
                                          run_summary.json and the report equals tests/data/train/provenance/
                                          expected.json; a copy without it (an older run) falls back to the name;
                                          <file>: the checkpoint file name the run must have used
  hostile <run_dir> <dest>                a copy of the run whose song titles, artists and skip reasons are
                                          markup and script (as an archive may hold); `browser` on its
                                          report then proves none of it runs

Expected values come from the run's JSON and reference_results/, and categories from SPEC §7's thresholds;
nothing here is a number our report code produced.
"""
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
from stat import S_ISFIFO

import numpy as np

DIMS = ["ONSET", "COMBO", "SLIDE", "SUSTAIN", "WHISTLE", "FINISH", "CLAP", "X", "Y"]
REFERENCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "reference_results")
CHROMIUM = os.environ.get("CHROMIUM", "chromium")
CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                # No network: every name resolves nowhere, so a page that needed one would show it.
                "--host-resolver-rules=MAP * ~NOTFOUND", "--disable-background-networking"]
FAILURES = []
SHOT_WIDTH, SHOT_TALLEST = 1300, 16000  # a laptop-wide window, tall enough for the whole page


def check(ok, what):
    if not ok:
        FAILURES.append(what)
        print("FAIL:", what)
    return ok


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(f"{path}: {c}")))


def run_json(run_dir, rel):
    p = os.path.join(run_dir, rel)
    return load(p) if os.path.exists(p) else None


def has_pairs(run_dir):
    return run_json(run_dir, "results/track_a/track_a_results.json")["pairs_compared"] > 0


def expected_figures(run_dir):
    """From what the run holds, not from the report's code: the seed's five figures need Track B."""
    if not has_pairs(run_dir):
        return []
    names = ["cross_mapper_agreement", "track_a_per_dimension", "per_song_agreement", "signal_view"]
    if run_json(run_dir, "results/track_b/track_b_results.json"):
        names += ["latent_dim_agreement", "latent_cosine_distribution", "track_a_vs_b_comparison",
                  "correlation_heatmap", "synthesis_fix1_downsampled_vs_upsampled", "synthesis_fix2_raw_coupling"]
    if os.path.exists(os.path.join(run_dir, "results/cv_comparison.json")):
        names.append("cross_validation")
    if run_json(run_dir, "results/controls/null_baseline.json"):
        names.append("controls_real_vs_null")
    return names


# ---- pngs -------------------------------------------------------------------------------------

def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    check(head[:8] == b"\x89PNG\r\n\x1a\n", f"{path}: not a PNG")
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def not_blank(path, min_ink=0.03, min_regions=6, img=None):
    """More than a frame: several colours, and ink in most of the picture's ninths."""
    import matplotlib.image
    img = matplotlib.image.imread(path)[..., :3] if img is None else img
    background = img[0, 0]
    ink = np.any(np.abs(img - background) > 0.1, axis=2)
    q = (img * 255).astype(np.uint32)
    colours = len(np.unique((q[..., 0] << 16) | (q[..., 1] << 8) | q[..., 2]))
    h, w = ink.shape
    ninths = sum(ink[i * h // 3:(i + 1) * h // 3, j * w // 3:(j + 1) * w // 3].mean() > 0.005
                 for i in range(3) for j in range(3))
    check(colours >= 8, f"{path}: only {colours} colours")
    check(ink.mean() > min_ink, f"{path}: {ink.mean():.1%} of pixels drawn")
    check(ninths >= min_regions, f"{path}: ink in only {ninths} of 9 regions")


def cmd_pngs(report_dir, run_dir):
    import xml.etree.ElementTree as ET
    names = expected_figures(run_dir)
    found = sorted(f[:-4] for f in os.listdir(report_dir) if f.endswith(".png"))
    check(sorted(names) == found, f"figures {found}, expected {sorted(names)}")
    for n in names:
        png = os.path.join(report_dir, n + ".png")
        if not check(os.path.exists(png), f"{png} missing"):
            continue
        w, h = png_size(png)
        # Readable at 100% on a laptop screen: wide enough for labelled axes, never wider than a screen.
        check(800 <= w <= 1400 and 300 <= h <= 1200, f"{png}: {w}x{h} px")
        not_blank(png)
        svg = os.path.join(report_dir, n + ".svg")
        if check(os.path.exists(svg), f"{svg} missing"):
            root = ET.parse(svg).getroot()
            check(root.tag.endswith("svg") and len(list(root.iter())) > 50, f"{svg}: nearly empty")


# ---- browser ----------------------------------------------------------------------------------

class Page(html.parser.HTMLParser):
    """What the test reads back from the rendered DOM."""

    def __init__(self):
        super().__init__()
        self.stack, self.cells, self.charts, self.images, self.external = [], [], {}, [], []
        self.body_attrs, self.errors_text, self.text = {}, "", []
        self._cell, self._chart, self._in_errors = None, None, False
        self.selects, self.sortable_headers, self._sortable = 0, 0, False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.body_attrs = a
        if tag in ("script", "img", "link", "iframe") and re.match(r"^(https?:)?//", a.get("src") or a.get("href") or ""):
            self.external.append(a)
        if tag == "img":
            self.images.append(a)
        if tag == "select":
            self.selects += 1
        if tag == "table":
            self._sortable = "sortable" in (a.get("class") or "")
        if tag == "th" and self._sortable:
            self.sortable_headers += 1
        if tag == "td" and "data-stat" in a:
            self._cell = [a["data-stat"], a.get("data-value"), ""]
        if tag == "div" and a.get("class") == "figure":
            self._chart = a["id"]
            self.charts[self._chart] = 0
        elif self._chart and tag in ("rect", "path", "circle", "line", "text"):
            self.charts[self._chart] += 1
        if a.get("id") == "js-errors":
            self._in_errors = True

    def handle_endtag(self, tag):
        if tag == "td" and self._cell:
            self.cells.append(tuple(self._cell))
            self._cell = None
        if tag == "pre":
            self._in_errors = False

    def handle_data(self, data):
        if self._cell:
            self._cell[2] += data
        if self._in_errors:
            self.errors_text += data
        self.text.append(data)


def chrome(args, timeout=120):
    if not shutil.which(CHROMIUM):
        sys.exit(f"FAIL: {CHROMIUM} not found (Debian package chromium; scripts/install-deps.sh installs it)")
    return subprocess.run([CHROMIUM] + CHROME_FLAGS + args, capture_output=True, text=True, timeout=timeout)


def expected_stat(key, run_dir):
    """The JSON value a data-stat key names, looked up independently of the report's code."""
    ta = run_json(run_dir, "results/track_a/track_a_results.json")
    tb = run_json(run_dir, "results/track_b/track_b_results.json")
    v2 = run_json(run_dir, "results/synthesis/synthesis_v2.json")
    summary = run_json(run_dir, "run_summary.json")
    parts = key.split(".")
    if parts[0] == "track_a":
        return ta["summary"][parts[1]][parts[2]]
    if parts[0] == "track_b":
        return tb["dim_summary"][parts[1]][parts[2]]
    if parts[0] == "summary":
        v = summary
        for p in parts[1:]:
            v = v[p]
        return v
    if parts[0] == "controls":  # controls.<DIM>.difference / .cohens_d: the null baseline's Track A Pearson
        pearson = run_json(run_dir, "results/controls/null_baseline.json")["track_a"]["dims"][DIMS.index(parts[1])]["pearson"]
        return pearson["difference"]["estimate"] if parts[2] == "difference" else pearson[parts[2]]
    if parts[0] == "synthesis" and parts[1] == "fix1":
        return v2["fix1_correlation_comparison"][parts[2]]
    if parts[0] == "synthesis":
        return v2["fix1_correlation_comparison"]["correlation_matrix_v2_downsampled"][int(parts[1][1:])][DIMS.index(parts[2])]
    return None


def shown_matches(text, value):
    """The page shows 3 decimals (or 3 significant digits in e-notation, or an integer)."""
    shown = float(text.replace("−", "-"))
    return abs(shown - value) <= max(0.0005, abs(value) * 0.005) + 1e-12


def check_tables(page, run_dir):
    checked = 0
    for key, _, text in page.cells:
        want = expected_stat(key, run_dir)
        if want is None:
            continue
        checked += 1
        check(shown_matches(text, want), f"table cell {key} shows {text!r}, the run's JSON has {want!r}")
    ta = run_json(run_dir, "results/track_a/track_a_results.json")
    keys = {k for k, _, _ in page.cells}
    if not has_pairs(run_dir):
        check(not any(k.startswith(("track_a.", "track_b.")) for k in keys), "a run without pairs shows no statistics")
        return ta
    for d in DIMS:
        for stat in ("pearson_mean", "pearson_std", "cosine_mean", "mad_mean"):
            check(f"track_a.{d}.{stat}" in keys, f"Track A table lacks {d} {stat}")
    if run_json(run_dir, "results/track_b/track_b_results.json"):
        check(sum(k.startswith("track_b.") and k.endswith(".pearson_mean") for k in keys) == 32,
              "Track B table lacks some of the 32 dimensions")
    if run_json(run_dir, "results/controls/null_baseline.json"):
        for d in DIMS:
            for stat in ("difference", "cohens_d"):
                check(f"controls.{d}.{stat}" in keys, f"Controls table lacks {d} {stat}")
    check(checked >= 9 * 4 + 5, f"only {checked} table cells traced to the run's JSON")
    return ta


def check_published(page, run_dir):
    """The comparison table: this run's and the published Track A r, and their difference."""
    cells = {k: (v, t) for k, v, t in page.cells}
    ta, pub = run_json(run_dir, "results/track_a/track_a_results.json"), load(os.path.join(REFERENCE, "track_a.json"))
    if not has_pairs(run_dir):
        return
    for d in DIMS:
        ours, theirs = ta["summary"][d]["pearson_mean"], pub["summary"][d]["pearson_mean"]
        base = f"published.Track A.{d} pearson r"
        for col, want in (("this_run", ours), ("published", theirs), ("difference", ours - theirs)):
            got = cells.get(f"{base}.{col}")
            if check(got is not None, f"comparison table lacks {base}.{col}"):
                check(shown_matches(got[1], want), f"{base}.{col} shows {got[1]}, expected {want}")
    report_dir = os.path.dirname(page.path)
    comp = load(os.path.join(report_dir, "comparison_with_published.json"))
    if os.path.abspath(report_dir) == os.path.join(os.path.abspath(run_dir), "report"):
        # The default report also leaves the comparison among the run's results.
        check(run_json(run_dir, "results/comparison_with_published.json") == comp,
              "results/comparison_with_published.json is missing or differs from the report's")
    rows = {(r["section"], r["statistic"]): r for r in comp["rows"]}
    r = rows[("Track A", "ONSET pearson r")]
    check(abs(r["difference"] - (ta["summary"]["ONSET"]["pearson_mean"] - pub["summary"]["ONSET"]["pearson_mean"])) < 1e-12,
          "comparison_with_published.json: ONSET difference")


def rendered(url, shot=None):
    """The DOM after the page's scripts ran, read back (and a screenshot of the whole page, 1300 px
    wide, when `shot` names a file); any console output is a failure."""
    extra = [f"--screenshot={shot}", f"--window-size={SHOT_WIDTH},{SHOT_TALLEST}"] if shot else []
    r = chrome(["--enable-logging=stderr", "--v=0", "--virtual-time-budget=20000", "--dump-dom", url] + extra)
    check(r.returncode == 0, f"chromium exit {r.returncode}: {r.stderr[-500:]}")
    console = [ln for ln in r.stderr.splitlines() if "CONSOLE" in ln]
    check(not console, "console output: " + "; ".join(console[:5]))
    page = Page()
    page.feed(r.stdout)
    check(page.body_attrs.get("data-rendered") == "1", "page scripts did not finish (body data-rendered)")
    check(not page.errors_text.strip(), f"page errors: {page.errors_text.strip()}")
    check("data-pwned" not in page.body_attrs, f"markup from the run's files ran as script: {page.body_attrs}")
    return page


def check_interactions(url):
    """?selftest makes the page choose every menu option, click every table header and hover a mark
    of every chart, as a reader would."""
    page = rendered(url + "?selftest=1")
    done = json.loads(page.body_attrs.get("data-selftest") or "{}")
    check(done.get("options", 0) >= 2 * page.selects, f"interactions: {done}, {page.selects} menus")
    check(done.get("headers", 0) == page.sortable_headers > 0, f"interactions: {done}, {page.sortable_headers} headers")
    check(done.get("hovers", 0) == len(page.charts) and done.get("tooltips") == done.get("hovers"),
          f"hovers: {done} for {len(page.charts)} charts")


def cmd_browser(report_dir, run_dir, shots):
    index = os.path.join(report_dir, "index.html")
    url = "file://" + os.path.abspath(index)
    os.makedirs(shots, exist_ok=True)
    page = rendered(url, os.path.join(shots, "page.png"))
    page.path = index
    check(not page.external, f"external resources: {page.external}")
    has_b = run_json(run_dir, "results/track_b/track_b_results.json") is not None and has_pairs(run_dir)
    charts = ["ta-chart", "ta-pairs", "song-chart", "sig-chart"] if has_pairs(run_dir) else []
    charts += ["tb-chart", "cos-chart", "syn-chart", "fix2-chart"] if has_b else []
    for c in charts:
        check(page.charts.get(c, 0) >= 20, f"chart {c}: {page.charts.get(c, 0)} marks")
    pngs = set(f for f in os.listdir(report_dir) if f.endswith(".png"))
    inlined = {i.get("data-name") for i in page.images if (i.get("src") or "").startswith("data:image/png;base64,")
               and len(i["src"]) > 2000}
    check(inlined == pngs, f"inlined figures {sorted(inlined)} vs files {sorted(pngs)}")
    check_tables(page, run_dir)
    check_published(page, run_dir)
    text = " ".join(page.text)
    if not has_pairs(run_dir):
        check("This run has no mapper pairs" in text, "a report without pairs says so")
    elif not has_b:
        check("This run has no Track B" in text, "a Track-A-only report says it has no Track B")
    check_interactions(url)
    screenshots(os.path.join(shots, "page.png"))


def screenshots(full, tile=1100):
    """The tall screenshot cut into screen-sized tiles for a person to look at; every tile down to
    the end of the page must show something."""
    if not check(os.path.exists(full), f"no screenshot {full}"):
        return
    from PIL import Image
    page = Image.open(full).convert("RGB")
    img = np.asarray(page)
    rows_with_ink = np.nonzero(np.any(np.abs(img.astype(np.int16) - img[-1, -1]) > 5, axis=(1, 2)))[0]
    end = int(rows_with_ink[-1]) + 1 if len(rows_with_ink) else 0
    check(end < SHOT_TALLEST - 10, f"the page is taller than {SHOT_TALLEST} px: the screenshot misses its end")
    for k, top in enumerate(range(0, end, tile)):
        name = os.path.join(os.path.dirname(full), f"page_{k:02d}.png")
        page.crop((0, top, img.shape[1], min(top + tile, end))).save(name)
        # A screen of the page may be mostly one table: ink in a third of it is enough.
        not_blank(name, min_ink=0.01, min_regions=3, img=img[top:min(top + tile, end)] / 255.0)


# ---- tables, compare, refuse ----------------------------------------------------------------------

def category(r, perceptual, stylistic):
    return "PERCEPTUAL" if r > perceptual else "STYLISTIC" if r < stylistic else "MIXED"


def cmd_tables(cartography, run_dir):
    out_dir = os.path.join(run_dir, "report_tables_check")
    r = subprocess.run([cartography, "report", run_dir, "--out", out_dir], capture_output=True, text=True)
    check(r.returncode == 0, f"cartography report: {r.returncode} {r.stderr}")
    ta = run_json(run_dir, "results/track_a/track_a_results.json")
    if not has_pairs(run_dir):
        check(r.stdout.startswith("No mapper pairs"), f"tables of a run without pairs: {r.stdout!r}")
        return
    for d in DIMS:
        s = ta["summary"][d]
        line = next((ln for ln in r.stdout.splitlines() if ln.split()[:1] == [d]), "")
        want = category(s["pearson_mean"], 0.3, 0.1)  # SPEC §7, Track A
        check(line.endswith(want), f"tables: {d} line {line!r}, expected category {want}")
        check(f"{s['pearson_mean']:.3f}" in line, f"tables: {d} line {line!r} lacks r {s['pearson_mean']:.3f}")
    check(os.path.join(out_dir, "index.html") in r.stdout, "tables: the last line names the report")
    tb = run_json(run_dir, "results/track_b/track_b_results.json")
    check((f"{tb['full_cosine_mean']:.3f}" in r.stdout) if tb else ("Track B: not run" in r.stdout),
          "tables: Track B summary")


def perturbed_copy(run_dir, dest, json_delta=0.0, h5_delta=0.0):
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(run_dir, dest, ignore=shutil.ignore_patterns("report*"))
    if json_delta:
        p = os.path.join(dest, "results/track_a/track_a_results.json")
        data = load(p)
        data["summary"]["CLAP"]["cosine_mean"] += json_delta
        with open(p, "w") as f:
            json.dump(data, f)
    if h5_delta:
        import h5py
        with h5py.File(os.path.join(dest, "cartography.h5"), "r+") as f:
            f["track_a/pearson"][0, 3] += h5_delta


def compare(cartography, a, b, *extra):
    r = subprocess.run([cartography, "compare", a, b, *extra], capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def cmd_compare(cartography, run_dir, work):
    rc, out = compare(cartography, run_dir, run_dir)
    check(rc == 0, f"compare of a run with itself: exit {rc}\n{out[-800:]}")
    json_copy, h5_copy = os.path.join(work, "perturbed_json"), os.path.join(work, "perturbed_h5")
    perturbed_copy(run_dir, json_copy, json_delta=1e-3)
    rc, out = compare(cartography, run_dir, json_copy)
    check(rc == 1, f"compare with a perturbed JSON value: exit {rc}")
    check("summary.CLAP.cosine_mean" in out, "compare names the perturbed statistic")
    rc, _ = compare(cartography, run_dir, json_copy, "--tol", "0.01")
    check(rc == 0, f"a difference within --tol 0.01 is not flagged (exit {rc})")
    perturbed_copy(run_dir, h5_copy, h5_delta=1e-6)
    rc, out = compare(cartography, run_dir, h5_copy)
    check(rc == 1 and "track_a/pearson" in out, f"compare with a perturbed per-pair value: exit {rc}")
    rc, out = compare(cartography, run_dir, os.path.join(work, "no_such_run"))
    check(rc not in (0, 1) and "no_such_run" in out, f"compare with a missing run: exit {rc} {out[-200:]}")
    # NaN passed a range check (comparisons with NaN are false): no number could differ then.
    for bad in ("nan", "inf", "-1", "1e400"):
        rc, out = compare(cartography, run_dir, json_copy, f"--tol={bad}")
        check(rc not in (0, 1) and "--tol" in out, f"compare --tol {bad}: exit {rc} {out[-200:]}")
    # A FIFO as --out blocked the writer forever; it must be refused and left as it is.
    fifo = os.path.join(work, "compare_out.fifo")
    if os.path.lexists(fifo):
        os.unlink(fifo)
    os.mkfifo(fifo)
    try:
        r = subprocess.run([cartography, "compare", run_dir, run_dir, "--out", fifo], capture_output=True,
                           text=True, timeout=120)
        check(r.returncode == 2 and "compare_out.fifo" in r.stderr and "not a regular file" in r.stderr,
              f"compare --out <FIFO>: exit {r.returncode} {r.stderr[-200:]}")
    except subprocess.TimeoutExpired:
        check(False, "compare --out <FIFO> blocked")
    check(S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO given as --out is left in place")
    side = os.path.join(work, "side_by_side.json")
    rc, _ = compare(cartography, run_dir, run_dir, "--out", side)
    check(rc == 0 and json.load(open(side))["tolerance"] == 1e-9 and not os.path.exists(side + ".partial"),
          "compare --out writes the side-by-side JSON and no temporary")


def cmd_refuse(cartography, run_dir, work):
    def report(d):
        r = subprocess.run([cartography, "report", d, "--out", os.path.join(work, "refused_report")],
                           capture_output=True, text=True)
        return r.returncode, r.stderr

    shutil.rmtree(os.path.join(work, "refused_report"), ignore_errors=True)  # from an earlier build's run
    no_summary = os.path.join(work, "no_summary")
    perturbed_copy(run_dir, no_summary)
    os.remove(os.path.join(no_summary, "run_summary.json"))
    rc, err = report(no_summary)
    check(rc != 0 and "run_summary.json" in err, f"a run without run_summary.json: exit {rc}, {err!r}")
    incomplete = os.path.join(work, "incomplete")
    perturbed_copy(run_dir, incomplete)
    import h5py
    with h5py.File(os.path.join(incomplete, "cartography.h5"), "r+") as f:
        f.attrs["complete"] = 0
    rc, err = report(incomplete)
    check(rc != 0 and "complete" in err and "cartography.h5" in err, f"cartography.h5 with complete=0: exit {rc}, {err!r}")
    partial = os.path.join(work, "partial")
    perturbed_copy(run_dir, partial)
    os.rename(os.path.join(partial, "cartography.h5"), os.path.join(partial, "cartography.h5.partial"))
    rc, err = report(partial)
    check(rc != 0 and "partial" in err, f"only cartography.h5.partial: exit {rc}, {err!r}")
    check(not os.path.exists(os.path.join(work, "refused_report")), "a refused run left a report folder")
    not_a_report = os.path.join(work, "not_a_report")
    os.makedirs(not_a_report, exist_ok=True)
    with open(os.path.join(not_a_report, "keep.txt"), "w") as f:
        f.write("a user's file")
    r = subprocess.run([cartography, "report", run_dir, "--out", not_a_report], capture_output=True, text=True)
    check(r.returncode != 0 and os.path.exists(os.path.join(not_a_report, "keep.txt")),
          "a folder that is not a report is never replaced")
    # A FIFO at a run file's name blocked `report` and `compare` forever.
    for rel in ("run_summary.json", "cartography.h5", "data/multi_mapper_index.json"):
        fifo_run = os.path.join(work, "fifo_run")
        perturbed_copy(run_dir, fifo_run)
        os.remove(os.path.join(fifo_run, rel))
        os.mkfifo(os.path.join(fifo_run, rel))
        for command in (["report", fifo_run, "--out", os.path.join(work, "refused_report")],
                        ["compare", fifo_run, run_dir]):
            try:
                r = subprocess.run([cartography, *command], capture_output=True, text=True, timeout=120)
                refused = r.returncode == (2 if command[0] == "compare" else 1)  # compare: 2 = cannot compare
                check(refused and "not a regular file" in r.stderr and rel in r.stderr,
                      f"{command[0]} of a run whose {rel} is a FIFO: exit {r.returncode} {r.stderr[-200:]}")
            except subprocess.TimeoutExpired:
                check(False, f"{command[0]} of a run whose {rel} is a FIFO blocked")
    # A run copied from elsewhere may hold a link at the name of a temporary the report writes:
    # it was written through (as root: any file overwritten).
    planted, victim = os.path.join(work, "planted_link"), os.path.join(work, "victim.txt")
    perturbed_copy(run_dir, planted)
    with open(victim, "w") as f:
        f.write("precious")
    copy = os.path.join(planted, "results", "comparison_with_published.json")
    os.symlink(victim, copy + ".partial")
    os.remove(copy)
    r = subprocess.run([cartography, "report", planted], capture_output=True, text=True)  # writes the copy
    check(r.returncode == 0, f"report of a run holding a planted link: exit {r.returncode} {r.stderr[-300:]}")
    check(open(victim).read() == "precious", "a link planted at a temporary's name is never written through")
    check(os.path.isfile(copy) and not os.path.islink(copy) and not os.path.lexists(copy + ".partial"),
          "the comparison copy is a regular file and no temporary is left")


PROVENANCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "train", "provenance",
                          "expected.json")


def header_line(report_dir):
    page = open(os.path.join(report_dir, "index.html"), encoding="utf-8").read()
    m = re.search(r'<p id="checkpoint-line">(.*?)</p>', page)
    return html.unescape(m.group(1)) if m else "", page


def cmd_provenance(cartography, run_dir, work, checkpoint_file=None):
    """What `run` recorded about its checkpoint (cartography.h5 attributes, run_summary.json) equals
    what Python's pickle reads from the file (expected.json), and the report shows it; a copy of the
    run without that record (an older run) falls back to the name. checkpoint_file: the file name the
    run must have used (a run without --checkpoint: the default model)."""
    import h5py
    with h5py.File(os.path.join(run_dir, "cartography.h5"), "r") as f:
        attrs = {k[len("checkpoint_"):]: (v.decode() if isinstance(v, bytes) else v.item() if hasattr(v, "item") else v)
                 for k, v in f.attrs.items() if k.startswith("checkpoint_")}
        path = f.attrs["checkpoint"].decode()
    if checkpoint_file is not None:
        check(os.path.basename(path) == checkpoint_file, f"the run used {path}, expected {checkpoint_file}")
    expected = next(v for k, v in load(PROVENANCE).items() if os.path.basename(k) == os.path.basename(path))
    summary = load(os.path.join(run_dir, "run_summary.json"))["checkpoint"]
    for key, want in expected.items():
        got = bool(attrs.get(key)) if key == "training_state" else attrs.get(key)
        check(got == want, f"cartography.h5 checkpoint_{key}: {got!r}, expected {want!r}")
        check(summary.get(key) == want, f"run_summary.json checkpoint.{key}: {summary.get(key)!r}, expected {want!r}")
    check(summary.get("xxh3_128") == attrs.get("xxh3_128") and len(summary.get("xxh3_128", "")) == 32,
          f"content hash: {summary.get('xxh3_128')!r} vs {attrs.get('xxh3_128')!r}")
    trained = "yes ({} optimizer steps, epoch {})".format(expected["global_step"], expected["epoch"]) \
        if expected["trained"] == "yes" else "no (random weights)"
    line, page = header_line(os.path.join(run_dir, "report"))
    want = f"checkpoint: {expected['file']} — trained: {trained}; architecture {expected['architecture']}"
    check(line == want, f"report header: {line!r}, expected {want!r}")
    warned = "The checkpoint is untrained (random weights)" in page
    check(warned == (expected["trained"] == "no"), f"Track B's untrained warning shown: {warned}")
    check(expected["trained"] == "no" or f"Latents from <b>{expected['file']}</b>" in page,
          "Track B names the trained model")
    # An older run: no checkpoint_* attributes, no "checkpoint" in the summary.
    old = os.path.join(work, "older_run")
    perturbed_copy(run_dir, old)
    shutil.rmtree(os.path.join(old, "report"), ignore_errors=True)
    with h5py.File(os.path.join(old, "cartography.h5"), "r+") as f:
        for k in [k for k in f.attrs if k.startswith("checkpoint_")]:
            del f.attrs[k]
    p = os.path.join(old, "run_summary.json")
    s = load(p)
    del s["checkpoint"]
    with open(p, "w") as f:
        json.dump(s, f)
    r = subprocess.run([cartography, "report", old, "-q"], capture_output=True, text=True)
    check(r.returncode == 0, f"report of an older run: exit {r.returncode} {r.stderr[-300:]}")
    guess = "no (random weights)" if "UNTRAINED" in os.path.basename(path) else "unknown"
    line, _ = header_line(os.path.join(old, "report"))
    check(line == f"checkpoint: {path} — trained: {guess}", f"older run's header: {line!r}")


PWN = "document.body.setAttribute('data-pwned','{}')"
HOSTILE_TEXT = [f'<img src=x onerror="{PWN.format(1)}">', f"</script><script>{PWN.format(2)}</script><!--",
                f"<svg onload=\"{PWN.format(3)}\"></svg>", r"$\undefined{x}^$ 100"]  # the last: TeX for matplotlib


def cmd_hostile(run_dir, dest):
    perturbed_copy(run_dir, dest)
    p = os.path.join(dest, "data/multi_mapper_index.json")
    index = load(p)
    for song in index:
        song["title"] = "".join(HOSTILE_TEXT) + song["title"]
        song["artist"] = HOSTILE_TEXT[3]  # first in every label, so truncated ones hold it too
    with open(p, "w") as f:
        json.dump(index, f)
    p = os.path.join(dest, "run_summary.json")
    summary = load(p)
    summary["skips"] = [{"stage": "registry", "subject": text, "reason": text} for text in HOSTILE_TEXT] + \
        summary.get("skips", [])
    summary["warnings"] = [HOSTILE_TEXT[2]]
    with open(p, "w") as f:
        json.dump(summary, f)


def main(argv):
    cmd, args = argv[0], argv[1:]
    {"pngs": cmd_pngs, "browser": cmd_browser, "tables": cmd_tables, "compare": cmd_compare,
     "refuse": cmd_refuse, "hostile": cmd_hostile, "provenance": cmd_provenance}[cmd](*args)
    if FAILURES:
        print(f"{len(FAILURES)} failures")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
