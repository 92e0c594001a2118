"""The self-contained index.html: tables written here, charts drawn in the browser by page.js (d3),
every script, style, datum and image inlined so the file opens with no network."""
import base64
import datetime
import hashlib
import html
import json
import os
import platform

from .headline import TRACK_A_THRESHOLDS, TRACK_B_THRESHOLDS, synthesis_matrix, text_tables
from .controls import controls_section
from .run_files import DIMS, RunError, finite_or_none

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
D3_PATHS = [os.environ.get("CARTOGRAPHY_D3_JS", ""), "/usr/share/javascript/d3/d3.min.js"]
# The page lists every skip up to this many (all are in run_summary.json); a larger table slows the page.
SKIPS_SHOWN = 500
# Per-pair points in the Track A strip chart; a bigger run shows the first this many pairs.
PAIRS_SHOWN = 5000
# Songs in the per-song chart at once (the order menu reaches both ends); the table lists all.
SONGS_CHARTED = 40

e = html.escape


def _read(path):
    with open(path, "r", encoding="utf-8") as f:
        return f.read()


def d3_source():
    for p in D3_PATHS:
        if p and os.path.exists(p):
            return _read(p), p
    raise RunError("d3.min.js not found (Debian package libjs-d3, or set CARTOGRAPHY_D3_JS)")


def num(v, stat=None, digits=3):
    """A numeric cell; `stat` names the JSON value it shows so a reader (or a test) can trace it."""
    if isinstance(v, float) or (hasattr(v, "dtype") and v.dtype.kind == "f"):
        v = finite_or_none(v)
    elif hasattr(v, "item"):
        v = v.item()
    if v is None or isinstance(v, bool) or not isinstance(v, (int, float)):
        return '<td class="num missing">n/a</td>'
    text = str(v) if isinstance(v, int) else f"{v:.{digits}f}" if abs(v) >= 1e-3 or v == 0 else f"{v:.2e}"
    key = f' data-stat="{e(stat)}"' if stat else ""
    return f'<td class="num" data-value="{v!r}"{key}>{text}</td>'


def txt(v, cls=None):
    c = f' class="{cls}"' if cls else ""
    return f"<td{c}>{e(str(v))}</td>"


def table(headers, rows, sortable=True, tid=None, scroll=False):
    """A table; `scroll` keeps a long one in a box of its own so the page stays short."""
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = "\n".join("<tr>" + "".join(r) + "</tr>" for r in rows)
    attrs = (' class="sortable"' if sortable else "") + (f' id="{tid}"' if tid else "")
    t = f"<table{attrs}><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>"
    return f'<div class="scroll">{t}</div>' if scroll else t


def columns(*parts):
    """Side by side where the window is wide enough."""
    return '<div class="cols">' + "".join(f"<div>{p}</div>" for p in parts) + "</div>"


def select(sid, label, options):
    opts = "".join(f'<option value="{e(str(v))}">{e(t)}</option>' for v, t in options)
    return f'<label>{e(label)} <select id="{sid}">{opts}</select></label>'


def section(sid, title, *parts):
    return f'<section id="{sid}"><h2>{e(title)}</h2>\n' + "\n".join(parts) + "\n</section>"


def missing(text):
    return f'<p class="missing">{e(text)}</p>'


# ---- Sections -------------------------------------------------------------------------------

def intro(ctx):
    s, ta = ctx.run.summary, ctx.head["track_a"]
    seen = s.get("archives", {}).get("seen", "?")
    took = s.get("timing", {}).get("total_s")
    ranks = s.get("timing", {}).get("ranks", ctx.run.attrs.get("ranks", "?"))
    return (f'<p class="lead">Where several mappers charted the same song, which parts of their charts '
            f"agree (driven by the music) and which differ (personal style). <b>Track A</b> compares two "
            f"mappers' charts of a song dimension by dimension on the interpretable 9-dim signal (ONSET … Y); "
            f"<b>Track B</b> in the 32-dim latent space of a VAE; <b>synthesis</b> maps one onto the other. "
            f"This run: {seen} archives, {ta['songs']} songs with two or more mappers, {ta['pairs']} mapper pairs"
            + (f", {took:.1f} s on {ranks} rank{'' if ranks == 1 else 's'}" if isinstance(took, (int, float)) else "")
            + ".</p>")


def run_summary_section(ctx):
    run, s = ctx.run, ctx.run.summary
    ckpt = run.checkpoint_info()
    a = run.attrs
    inputs = [("dataset", a.get("dataset_dir")), ("checkpoint", ckpt["name"]), ("checkpoint trained", ckpt["trained"])]
    if ckpt["architecture"]:
        inputs += [("checkpoint path", a.get("checkpoint")), ("architecture", ckpt["architecture"])]
    inputs += [("latent", a.get("latent")), ("seed", a.get("seed")), ("group by", a.get("group_by")),
              ("audio match", a.get("audio_match")), ("job file", a.get("job_file") or "none"),
              ("ranks", s.get("timing", {}).get("ranks", a.get("ranks")))]
    counts = [(f"archives {k.replace('_', ' ')}", v, f"archives.{k}") for k, v in s.get("archives", {}).items()]
    counts += [(f"groups {k.replace('_', ' ')}", v, f"groups.{k}") for k, v in s.get("groups", {}).items()]
    counts += [(k.replace("_", " "), s[k], k) for k in ("registry_entries", "representatives", "encoded", "pairs", "repairs")
               if k in s]
    skips = s.get("skips", [])
    by_stage = s.get("skips_by_stage", {})
    timing = s.get("timing", {})
    parts = ['<div class="cols"><div>', "<h3>Inputs</h3>",
             table(["", ""], [[txt(k), txt(v)] for k, v in inputs], sortable=False), "</div><div>",
             "<h3>Counts</h3>", table(["what", "count"], [[txt(k), num(v, "summary." + key)] for k, v, key in counts]),
             "</div></div>",
             f"<h3>Skipped: {len(skips)}</h3>",
             table(["stage", "skipped"], [[txt(k), num(v, f"summary.skips_by_stage.{k}")] for k, v in by_stage.items()])
             if by_stage else missing("nothing was skipped")]
    if skips:
        shown = skips[:SKIPS_SHOWN]
        if len(skips) > len(shown):
            parts.append(missing(f"the first {len(shown)} of {len(skips)} skips; all are in run_summary.json"))
        parts.append(table(["stage", "file", "reason"],
                           [[txt(k.get("stage")), txt(k.get("subject")), txt(k.get("reason"))] for k in shown],
                           scroll=True))
    warnings = s.get("warnings", [])
    parts.append(f"<h3>Warnings: {len(warnings)}</h3>")
    if warnings:
        parts.append("<ul>" + "".join(f"<li>{e(json.dumps(w, ensure_ascii=False))}</li>" for w in warnings) + "</ul>")
    stages = table(["stage", "seconds"], [[txt(k), num(v, f"summary.timing.stage_s.{k}")]
                                          for k, v in timing.get("stage_s", {}).items()]
                   + [[txt("total"), num(timing.get("total_s"), "summary.timing.total_s")]])
    per_rank = timing.get("per_rank", [])
    keys = [k for k in per_rank[0] if k != "rank"] if per_rank else []
    ranks = table(["rank"] + [k.replace("_", " ") for k in keys],
                  [[num(r.get("rank"))] + [num(r.get(k)) for k in keys] for r in per_rank], scroll=True)
    parts += ["<h3>Timings</h3>", columns(stages, ranks if per_rank else "")]
    return section("summary", "Run summary", *parts)


def track_a_section(ctx):
    ta = ctx.head["track_a"]
    if not ta["rows"]:
        return section("track-a", "Track A: the interpretable 9-dim signal",
                       missing(f"This run has no mapper pairs: no song has charts by two or more mappers "
                               f"({ctx.run.summary.get('archives', {}).get('seen', '?')} archives seen). "
                               "Nothing to compare, so no figures."))
    rows = [[txt(r["dim"]), num(r["pearson_mean"], f"track_a.{r['dim']}.pearson_mean"),
             num(r["pearson_std"], f"track_a.{r['dim']}.pearson_std"), num(r["ci_low"]), num(r["ci_high"]),
             num(r["cosine_mean"], f"track_a.{r['dim']}.cosine_mean"), num(r["mad_mean"], f"track_a.{r['dim']}.mad_mean"),
             num(r["n_pairs"], f"track_a.{r['dim']}.n_pairs"), txt(r["category"], "cat-" + r["category"])]
            for r in ta["rows"]]
    return section(
        "track-a", "Track A: the interpretable 9-dim signal",
        f'<p class="lead">For every pair of mappers who charted the same song, how much their charts agree in each '
        f'dimension. <b>{ta["songs"]}</b> songs, <b>{ta["pairs"]}</b> pairs; full cosine '
        f'<b>{ta["full_cosine_mean"]:.3f} ± {ta["full_cosine_std"]:.3f}</b>. Category: PERCEPTUAL when mean r &gt; '
        f'{TRACK_A_THRESHOLDS["perceptual"]} (the music drives it), STYLISTIC when &lt; {TRACK_A_THRESHOLDS["stylistic"]} '
        f'(personal style), else MIXED. 95% CI = mean ± 1.96·std/√n.</p>',
        table(["dimension", "Pearson r", "± std", "CI low", "CI high", "cosine", "MAD", "pairs", "category"], rows,
              tid="table-track-a"),
        '<div class="controls">' + select("ta-metric", "metric", [("pearson", "Pearson r"), ("cosine", "cosine"),
                                                                  ("mad", "mean |difference|")])
        + select("ta-order", "order", [("index", "dimension"), ("value", "value, highest first")]) + "</div>",
        '<div id="ta-chart" class="figure"></div>',
        "<h3>Every mapper pair</h3>",
        '<div class="controls">' + select("ta-pair-dim", "dimension", list(enumerate(DIMS))) + "</div>",
        '<div id="ta-pairs" class="figure"></div>')


def model_note(ckpt):
    """Track B's first words: which model made the latents, and a warning when it is untrained."""
    if ckpt["untrained"]:
        return '<p class="lead"><b>The checkpoint is untrained (random weights)</b>: Track B and synthesis numbers show ' \
            "that every stage runs, not what a trained model finds.</p>"
    arch = f"; architecture {e(ckpt['architecture'])}" if ckpt["architecture"] else ""
    return f'<p class="lead">Latents from <b>{e(ckpt["name"])}</b>, trained: <b>{e(ckpt["trained"])}</b>{arch}.</p>'


def track_b_section(ctx):
    tb = ctx.head["track_b"]
    if not tb:
        return section("track-b", "Track B: the latent space",
                       missing("This run has no Track B (it ran without a checkpoint: Track A only)."))
    rows = [[num(r["rank"]), num(r["dim"]), num(r["pearson_mean"], f"track_b.{r['dim']}.pearson_mean"),
             num(r["pearson_std"], f"track_b.{r['dim']}.pearson_std"),
             num(r["cosine_mean"], f"track_b.{r['dim']}.cosine_mean"), num(r["between_var_mean"]),
             txt(r["category"], "cat-" + r["category"])] for r in tb["rows"]]
    tax = tb["taxonomy"]
    warn = model_note(ctx.run.checkpoint_info())
    return section(
        "track-b", "Track B: the latent space",
        warn,
        f'<p class="lead"><b>{tb["songs"]}</b> songs, <b>{tb["pairs"]}</b> pairs; full cosine '
        f'<b>{tb["full_cosine_mean"]:.3f} ± {tb["full_cosine_std"]:.3f}</b>; taxonomy: {tax.get("perceptual", 0)} perceptual '
        f'(r &gt; {TRACK_B_THRESHOLDS["perceptual"]}), {tax.get("mixed", 0)} mixed, {tax.get("stylistic", 0)} stylistic '
        f'(r &lt; {TRACK_B_THRESHOLDS["stylistic"]}).</p>',
        '<div class="controls">' + select("tb-order", "order", [("rank", "rank (Pearson r)"), ("cosine", "cosine"),
                                                                ("index", "dimension")]) + "</div>",
        '<div id="tb-chart" class="figure"></div>',
        "<h3>Latent cosine distribution</h3>", '<div id="cos-chart" class="figure"></div>',
        "<h3>All dimensions, ranked</h3>",
        table(["rank", "latent dim", "Pearson r", "± std", "cosine", "between-creator var", "category"], rows,
              tid="table-track-b", scroll=True))


def synthesis_section(ctx):
    syn = ctx.head["synthesis"]
    if not syn:
        return section("synthesis", "Synthesis: latent ↔ interpretable",
                       missing("This run has no synthesis (it needs Track B: run with a checkpoint)."))
    links = [[num(link["latent_dim"]), txt(link["dim"]), num(link["r"], f"synthesis.z{link['latent_dim']}.{link['dim']}")]
             for link in syn["links"]]
    options = [("main", syn["matrix"])]
    v2 = ctx.run.synthesis_v2
    parts = ['<p class="lead">Mean Pearson r between each latent dimension and each interpretable dimension over '
             'beatmaps; rows in Track B rank order, coloured by taxonomy. Hover a cell.</p>']
    if v2:
        f1 = v2["fix1_correlation_comparison"]
        options.append(("upsampled", "v1 (latent repeated 18×)"))
        parts.append(table(["fix1", "value"], [
            [txt("mean |r| downsampled (v2)"), num(f1["mean_abs_r_downsampled"], "synthesis.fix1.mean_abs_r_downsampled")],
            [txt("mean |r| upsampled (v1)"), num(f1["mean_abs_r_upsampled"], "synthesis.fix1.mean_abs_r_upsampled")],
            [txt("inflation %"), num(f1["inflation_pct"], "synthesis.fix1.inflation_pct")]], sortable=False))
    parts += ['<div class="controls">' + select("syn-matrix", "matrix", options) + "</div>",
              columns('<div id="syn-chart" class="figure"></div>',
                      "<h3>Strongest links</h3>" + table(["latent dim", "dimension", "r"], links, tid="table-links"))]
    if v2:
        f2, f3 = v2["fix2_raw_9x9_coupling"], v2["fix3_sign_threshold"]
        parts += ["<h3>fix2: raw 9×9 coupling of the interpretable dimensions</h3>",
                  columns('<div id="fix2-chart" class="figure"></div>', table(["fix2 / fix3", "value"], [
                      [txt("strong raw pairs"), txt(", ".join(f2["strong_raw_pairs"]) or "none")],
                      [txt("significant polarity pairs, no threshold"), num(f3["sig_pairs_no_threshold"])],
                      [txt("significant polarity pairs, |r| ≥ threshold"), num(f3["sig_pairs_with_threshold"])],
                      [txt("threshold"), num(f3["threshold"])]], sortable=False))]
    return section("synthesis", "Synthesis: latent ↔ interpretable", *parts)


def songs_section(ctx):
    if not ctx.per_song:
        return section("songs", "Per-song agreement", missing("No songs with mapper pairs in this run."))
    rows = [[txt(r["song"]), num(r["mappers"]), num(r["pairs"]), num(r["track_a_cosine"]), num(r["track_b_cosine"])]
            for r in ctx.per_song]
    order = [("track_a_cosine", "Track A, most agreement first"), ("-track_a_cosine", "Track A, least first"),
             ("name", "song")]
    if ctx.head["track_b"]:
        order[2:2] = [("track_b_cosine", "Track B, most agreement first"), ("-track_b_cosine", "Track B, least first")]
    return section("songs", "Per-song agreement",
                   '<p class="lead">Which songs\' mappers agree most and least: mean full cosine over each '
                   f"song's mapper pairs. The chart shows the first {SONGS_CHARTED} songs in the chosen order; "
                   "the table has them all.</p>",
                   '<div class="controls">' + select("song-order", "order", order) + "</div>",
                   '<div id="song-chart" class="figure"></div>',
                   table(["song", "mappers", "pairs", "Track A cosine", "Track B cosine"], rows, tid="table-songs",
                         scroll=True))


def signal_section(ctx):
    if not ctx.run.has_pairs:
        return section("signal", "Signal view: two mappers, one song", missing("No songs with two mappers in this run."))
    return section("signal", "Signal view: two mappers, one song",
                   '<p class="lead">The 9-dim signal of two charts of the same song over a 15 s window that starts a '
                   "second before the first note. ONSET, COMBO, WHISTLE, FINISH, CLAP: −1 at an event, rising with the "
                   "log of the time since it to 1 two seconds later; SLIDE: progress along a slider; SUSTAIN: 1 while "
                   "a note is held; X, Y: cursor position on the playfield (−1…1). Agreement is how much the two "
                   "lines move together. Hover for values.</p>",
                   '<div class="controls">' + select("sig-song", "song", []) + select("sig-a", "blue", [])
                   + select("sig-b", "orange", []) + "</div>",
                   '<div id="sig-chart" class="figure"></div>')


def _cell(v, stat):
    if isinstance(v, list):
        return txt(", ".join(str(x) for x in v))
    return num(v, stat) if isinstance(v, (int, float)) and not isinstance(v, bool) else txt("n/a" if v is None else v)


def published_section(ctx):
    rows = []
    for r in ctx.comparison["rows"]:
        key = f"published.{r['section']}.{r['statistic']}"
        if "difference" in r:
            last = num(r["difference"], key + ".difference")
        else:
            word = "n/a" if r["same"] is None else "same" if r["same"] else "differs"
            last = txt(word, None if r["same"] is None else word)
        rows.append([txt(r["section"]), txt(r["statistic"]), _cell(r["this_run"], key + ".this_run"),
                     _cell(r["published"], key + ".published"), last])
    return section("published", "Compared with the published results",
                   f'<p class="lead">Every headline number of the seed\'s published 292-song run '
                   f'(<code>{e(ctx.reference_dir)}</code>) beside this run\'s; difference = this run − '
                   "published. Also written as comparison_with_published.json.</p>",
                   table(["section", "statistic", "this run", "published", "difference"], rows, tid="table-published",
                         scroll=True))


def cv_section(ctx):
    cv, pub = ctx.run.cv, ctx.published["cv"]
    body = [f'<p class="lead">Published: {e(pub["delta"]["verdict"])} (held-out full cosine '
            f'{pub["cv_test"]["full_cosine_mean"]:.3f} vs {pub["original"]["full_cosine_mean"]:.3f}).</p>']
    if cv is None:
        body.insert(0, missing("This run has no cross-validation result (cv_comparison.json)."))
    else:
        body.insert(0, table(["", "full cosine", "top dim", "top r", "pairs", "songs"], [
            [txt(k)] + [num(cv[k].get(f)) for f in ("full_cosine_mean", "top_dim", "top_pearson", "pairs", "songs")]
            for k in ("original", "cv_test")], sortable=False))
        body.insert(1, f"<p><b>{e(str(cv['delta']['verdict']))}</b></p>")
    return section("cv", "Cross-validation", *body)


def figures_section(out_dir, figures):
    items = []
    for name in figures:
        with open(os.path.join(out_dir, name), "rb") as f:
            data = base64.b64encode(f.read()).decode("ascii")
        items.append(f'<figure><img alt="{e(name)}" data-name="{e(name)}" src="data:image/png;base64,{data}">'
                     f'<figcaption>{e(name)} (and .svg beside it)</figcaption></figure>')
    return section("figures", "Figures (PNG, as saved beside this page; click one for 100%)",
                   '<div class="figure-grid">' + "\n".join(items) + "</div>")


def _sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def provenance_section(ctx, d3_path):
    import h5py
    import matplotlib
    import numpy
    files = ["run_summary.json", "cartography.h5"] + sorted(
        os.path.relpath(os.path.join(dp, f), ctx.run.dir) for top in ("data", "results")
        for dp, _, fs in os.walk(ctx.run.path(top)) for f in fs if f.endswith(".json"))
    # cartography.h5 of a full archive is many GB: it is named by size, the JSON by content.
    rows = [[txt(f), num(os.path.getsize(ctx.run.path(f))),
             txt(_sha256(ctx.run.path(f)) if f.endswith(".json") else "not hashed (see its attributes above)")]
            for f in files if os.path.exists(ctx.run.path(f))]
    attrs = [[txt(k), txt(v)] for k, v in sorted(ctx.run.attrs.items())]
    tools = [[txt("generated (UTC)"), txt(datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S"))],
             [txt("run folder"), txt(ctx.run.dir)],
             [txt("Python"), txt(platform.python_version())], [txt("matplotlib"), txt(matplotlib.__version__)],
             [txt("numpy"), txt(numpy.__version__)], [txt("h5py"), txt(h5py.__version__)], [txt("d3"), txt(d3_path)]]
    return section("provenance", "Provenance",
                   table(["", ""], tools, sortable=False), "<h3>cartography.h5 attributes</h3>",
                   table(["attribute", "value"], attrs, sortable=False), "<h3>Files read</h3>",
                   table(["file", "bytes", "sha256"], rows, scroll=True))


# ---- Data for the charts --------------------------------------------------------------------

def chart_data(ctx):
    pa = ctx.pairs
    pairs_a = []
    for p, row in enumerate(pa.a["pairs"][:PAIRS_SHOWN]):
        g, m_a, m_b = pa.maps_of(row)
        pairs_a.append({"song": ctx.run.song_name(g), "a": pa.label(m_a), "b": pa.label(m_b),
                        "pearson": [round(float(v), 4) for v in pa.a["pearson"][p]],
                        "full_cosine": round(float(pa.a["full_cosine"][p]), 4)})
    data = {"dims": DIMS, "thresholds": {"track_a": TRACK_A_THRESHOLDS, "track_b": TRACK_B_THRESHOLDS},
            "track_a": ctx.head["track_a"], "track_b": ctx.head["track_b"], "pairs_a": pairs_a,
            "per_song": ctx.per_song, "songs_charted": SONGS_CHARTED, "signals": pa.song_signals(),
            "full_cosine": {"a": [round(float(v), 4) for v in pa.a["full_cosine"]],
                            "b": [round(float(v), 4) for v in pa.b["full_cosine"]] if pa.b else []},
            "synthesis": None}
    matrix, _ = synthesis_matrix(ctx.run)
    if matrix is not None:
        order = [r["dim"] for r in ctx.head["track_b"]["rows"]] if ctx.head["track_b"] else list(range(len(matrix)))
        syn = {"order": order, "matrices": {"main": matrix}, "coupling": None}
        if ctx.run.synthesis_v2:
            syn["matrices"]["upsampled"] = ctx.run.synthesis_v2["fix1_correlation_comparison"]["correlation_matrix_old_upsampled"]
            syn["coupling"] = ctx.run.synthesis_v2["fix2_raw_9x9_coupling"]["correlation_matrix_9x9"]
        data["synthesis"] = syn
    return data


def _script_json(data):
    # "<" only occurs inside JSON strings, where \u003c means the same: no title can close the
    # <script> block or open a comment in it.
    return json.dumps(data, allow_nan=False, ensure_ascii=False).replace("<", "\\u003c")


def write_page(ctx, out_dir, figures):
    d3_js, d3_path = d3_source()
    title = f"cartography report: {os.path.basename(ctx.run.dir)}"
    nav = "".join(f'<a href="#{i}">{t}</a>' for i, t in [
        ("summary", "Run"), ("track-a", "Track A"), ("track-b", "Track B"), ("synthesis", "Synthesis"),
        ("songs", "Songs"), ("signal", "Signal"), ("published", "vs published"), ("cv", "Cross-validation"),
        ("controls", "Controls"), ("figures", "Figures"), ("provenance", "Provenance")])
    ckpt = ctx.run.checkpoint_info()
    arch = f"; architecture {ckpt['architecture']}" if ckpt["architecture"] else ""
    tables_text = e(text_tables(ctx.head))
    body = [
        f'<header><h1>{e(title)}</h1><p>{e(ctx.run.dir)}</p>'
        f'<p id="checkpoint-line">checkpoint: {e(ckpt["name"])} — trained: {e(ckpt["trained"])}{e(arch)}</p></header>',
        f"<nav>{nav}</nav><main>",
        '<pre id="js-errors"></pre>',
        section("headline", "What this run found", intro(ctx), f'<pre class="tables">{tables_text}</pre>'),
        run_summary_section(ctx), track_a_section(ctx), track_b_section(ctx), synthesis_section(ctx),
        songs_section(ctx), signal_section(ctx), published_section(ctx), cv_section(ctx),
        controls_section(ctx), figures_section(out_dir, figures), provenance_section(ctx, d3_path), "</main>"]
    # Errors in the page's own scripts are shown on the page (and read back by the browser test).
    catcher = ("window.__errors=[];window.onerror=function(m,s,l){window.__errors.push(m+' (line '+l+')');"
               "var p=document.getElementById('js-errors');if(p)p.textContent=window.__errors.join('\\n');};")
    page = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{e(title)}</title>\n'
            f"<style>{_read(os.path.join(HERE, 'page.css'))}</style>\n<script>{catcher}</script></head>\n"
            f"<body>\n" + "\n".join(body) +
            f'\n<script type="application/json" id="report-data">{_script_json(chart_data(ctx))}</script>\n'
            f"<script>{d3_js}</script>\n<script>{_read(os.path.join(HERE, 'page.js'))}</script>\n</body></html>\n")
    with open(os.path.join(out_dir, "index.html"), "w", encoding="utf-8") as f:
        f.write(page)
