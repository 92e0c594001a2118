// The report's interactive charts (d3 v3). Data come from the JSON block #report-data, written
// by page.py from the run's files; every chart is drawn from it, nothing is fetched.
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("report-data").textContent);
  var DIMS = DATA.dims;
  var COLORS = {PERCEPTUAL: "#2b8cbe", MIXED: "#f0a500", STYLISTIC: "#d7301f"};
  var MAPPER_COLORS = ["#1f77b4", "#e6550d"];
  var f3 = d3.format(".3f");
  var tip = d3.select("body").append("div").attr("class", "tooltip").style("opacity", 0);

  // Song titles and mapper names come from the archives: text, never markup.
  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }

  function showTip(html) {
    tip.html(html).style("opacity", 1)
      .style("left", (d3.event.pageX + 12) + "px").style("top", (d3.event.pageY - 10) + "px");
  }
  function hideTip() { tip.style("opacity", 0); }

  // An SVG with margins; returns the inner group with its width and height.
  function frame(id, width, height, margin) {
    var root = d3.select("#" + id);
    root.selectAll("svg").remove();
    var svg = root.append("svg").attr("width", width).attr("height", height)
      .attr("class", "chart").attr("role", "img");
    var g = svg.append("g").attr("transform", "translate(" + margin.left + "," + margin.top + ")");
    return {g: g, w: width - margin.left - margin.right, h: height - margin.top - margin.bottom};
  }

  function axisLabel(g, text, x, y, rotate) {
    g.append("text").attr("class", "axis-label").attr("text-anchor", "middle")
      .attr("transform", "translate(" + x + "," + y + ")" + (rotate ? " rotate(-90)" : "")).text(text);
  }

  function thresholdLines(g, y, w, thresholds) {
    Object.keys(thresholds).forEach(function (name) {
      var v = thresholds[name], col = COLORS[name.toUpperCase()];
      g.append("line").attr("x1", 0).attr("x2", w).attr("y1", y(v)).attr("y2", y(v))
        .attr("stroke", col).attr("stroke-dasharray", "5,4");
      g.append("text").attr("x", w - 4).attr("y", y(v) - 4).attr("text-anchor", "end")
        .attr("class", "note").attr("fill", col).text(name + (name === "perceptual" ? " > " : " < ") + v);
    });
  }

  // Bars with error bars, one per item; `key` names the item, `value`/`err` give the bar.
  function barChart(id, items, opt) {
    var F = frame(id, opt.width || 900, 380, {top: 20, right: 20, bottom: 60, left: 70});
    var x = d3.scale.ordinal().domain(items.map(opt.key)).rangeBands([0, F.w], 0.25);
    var lo = d3.min(items, function (d) { return opt.value(d) - opt.err(d); });
    var hi = d3.max(items, function (d) { return opt.value(d) + opt.err(d); });
    var y = d3.scale.linear().domain([Math.min(0, lo), Math.max(hi, opt.minTop || 0)]).nice().range([F.h, 0]);
    F.g.append("g").attr("class", "axis").attr("transform", "translate(0," + F.h + ")")
      .call(d3.svg.axis().scale(x).orient("bottom"));
    F.g.append("g").attr("class", "axis").call(d3.svg.axis().scale(y).orient("left").ticks(6));
    F.g.append("line").attr("x1", 0).attr("x2", F.w).attr("y1", y(0)).attr("y2", y(0)).attr("stroke", "#444");
    if (opt.thresholds) thresholdLines(F.g, y, F.w, opt.thresholds);
    var bar = F.g.selectAll(".bar").data(items).enter().append("g").attr("class", "bar");
    bar.append("rect").attr("x", function (d) { return x(opt.key(d)); }).attr("width", x.rangeBand())
      .attr("y", function (d) { return y(Math.max(0, opt.value(d))); })
      .attr("height", function (d) { return Math.abs(y(opt.value(d)) - y(0)); })
      .attr("fill", opt.color);
    bar.append("line").attr("class", "err")
      .attr("x1", function (d) { return x(opt.key(d)) + x.rangeBand() / 2; })
      .attr("x2", function (d) { return x(opt.key(d)) + x.rangeBand() / 2; })
      .attr("y1", function (d) { return y(opt.value(d) - opt.err(d)); })
      .attr("y2", function (d) { return y(opt.value(d) + opt.err(d)); });
    bar.on("mousemove", function (d) { showTip(opt.tip(d)); }).on("mouseout", hideTip);
    axisLabel(F.g, opt.xLabel, F.w / 2, F.h + 45);
    axisLabel(F.g, opt.yLabel, -50, F.h / 2, true);
  }

  function sorter(select, items, key, def) {
    var order = select ? select.property("value") : def;
    return items.slice().sort(function (a, b) {
      return order === "index" ? a.index - b.index : key(b, order) - key(a, order);
    });
  }

  // ---- Track A: metric and order switchable; per-pair points with song and mappers on hover.
  function trackA() {
    if (!DATA.track_a.rows.length) return;

    var metric = d3.select("#ta-metric").property("value");
    var rows = DATA.track_a.rows.map(function (r, i) { r.index = i; return r; });
    rows = sorter(d3.select("#ta-order"), rows, function (r) { return r[metric + "_mean"]; });
    var label = {pearson: "Pearson r", cosine: "cosine similarity", mad: "mean |difference| (signal units)"}[metric];
    barChart("ta-chart", rows, {
      key: function (d) { return d.dim; }, value: function (d) { return d[metric + "_mean"]; },
      err: function (d) { return d[metric + "_std"]; }, minTop: 1,
      color: function (d) { return metric === "pearson" ? COLORS[d.category] : "#7aa6c2"; },
      thresholds: metric === "pearson" ? DATA.thresholds.track_a : null,
      tip: function (d) {
        return "<b>" + d.dim + "</b> (" + d.category + ")<br>Pearson r " + f3(d.pearson_mean) + " ± " +
          f3(d.pearson_std) + "<br>95% CI [" + f3(d.ci_low) + ", " + f3(d.ci_high) + "]<br>cosine " +
          f3(d.cosine_mean) + "<br>MAD " + f3(d.mad_mean) + "<br>" + d.n_pairs + " pairs";
      },
      xLabel: "interpretable dimension", yLabel: label + ", mean ± std over pairs"
    });
  }

  function trackAPairs() {
    if (!DATA.pairs_a.length) return;

    var dim = +d3.select("#ta-pair-dim").property("value");
    var pairs = DATA.pairs_a;
    var F = frame("ta-pairs", 900, 300, {top: 10, right: 20, bottom: 50, left: 70});
    var x = d3.scale.linear().domain([-1, 1]).range([0, F.w]);
    F.g.append("g").attr("class", "axis").attr("transform", "translate(0," + F.h + ")")
      .call(d3.svg.axis().scale(x).orient("bottom"));
    var jitter = function (i) { return (((i * 7919) % 997) / 997) * (F.h - 20) + 10; };
    F.g.selectAll("circle").data(pairs).enter().append("circle")
      .attr("cx", function (d) { return x(d.pearson[dim]); }).attr("cy", function (d, i) { return jitter(i); })
      .attr("r", 4).attr("class", "dot")
      .on("mousemove", function (d) {
        showTip("<b>" + esc(d.song) + "</b><br>" + esc(d.a) + "<br>vs " + esc(d.b) + "<br>" + DIMS[dim] + " Pearson r " +
          f3(d.pearson[dim]) + "<br>full cosine " + f3(d.full_cosine));
      }).on("mouseout", hideTip);
    axisLabel(F.g, DIMS[dim] + ": Pearson r of each mapper pair (hover a point for the song)", F.w / 2, F.h + 40);
  }

  // ---- Track B: ranked, by index or by cosine.
  function trackB() {
    if (!DATA.track_b) return;
    var rows = DATA.track_b.rows.map(function (r) { r.index = r.dim; return r; });
    var order = d3.select("#tb-order").property("value");
    rows = sorter(null, rows, function (r, o) { return o === "cosine" ? r.cosine_mean : r.pearson_mean; }, order);
    barChart("tb-chart", rows, {
      width: 1000, key: function (d) { return "z" + d.dim; }, value: function (d) { return d.pearson_mean; },
      err: function (d) { return d.pearson_std; }, minTop: 0.35,
      color: function (d) { return COLORS[d.category]; }, thresholds: DATA.thresholds.track_b,
      tip: function (d) {
        return "<b>latent z" + d.dim + "</b> (rank " + d.rank + ", " + d.category + ")<br>Pearson r " +
          f3(d.pearson_mean) + " ± " + f3(d.pearson_std) + "<br>cosine " + f3(d.cosine_mean) +
          "<br>between-creator variance " + d3.format(".2e")(d.between_var_mean);
      },
      xLabel: "latent dimension", yLabel: "Pearson r, mean ± std over pairs"
    });
  }

  // ---- Heat maps: hover a cell for its value.
  function heatmap(id, matrix, rowLabels, colLabels, opt) {
    var cw = opt.cellW || 22, ch = opt.cellH || cw;
    var F = frame(id, 110 + cw * colLabels.length + 90, 30 + ch * rowLabels.length + 80,
      {top: 10, right: 90, bottom: 80, left: 110});
    var vmax = opt.vmax || d3.max(matrix, function (r) { return d3.max(r, function (v) { return Math.abs(v); }); }) || 1;
    var color = d3.scale.linear().domain([-vmax, 0, vmax]).range(["#2166ac", "#f7f7f7", "#b2182b"]);
    matrix.forEach(function (row, i) {
      F.g.selectAll(".r" + i).data(row).enter().append("rect").attr("class", "cell")
        .attr("x", function (v, j) { return j * cw; }).attr("y", i * ch)
        .attr("width", cw - 1).attr("height", ch - 1).attr("fill", function (v) { return color(v); })
        .on("mousemove", function (v, j) {
          showTip("<b>" + esc(rowLabels[i]) + " × " + esc(colLabels[j]) + "</b><br>r = " + f3(v));
        }).on("mouseout", hideTip);
      if (opt.annotate) {
        F.g.selectAll(".a" + i).data(row).enter().append("text").attr("class", "cell-value")
          .attr("x", function (v, j) { return j * cw + cw / 2; }).attr("y", i * ch + ch / 2 + 4)
          .attr("text-anchor", "middle").attr("fill", function (v) { return Math.abs(v) > 0.6 * vmax ? "#fff" : "#222"; })
          .text(function (v) { return d3.format(".2f")(v); });
      }
    });
    F.g.selectAll(".rl").data(rowLabels).enter().append("text").attr("class", "tick-label")
      .attr("x", -6).attr("y", function (d, i) { return i * ch + ch / 2 + 4; }).attr("text-anchor", "end")
      .attr("fill", function (d, i) { return opt.rowColor ? opt.rowColor(i) : "#222"; }).text(function (d) { return d; });
    F.g.selectAll(".cl").data(colLabels).enter().append("text").attr("class", "tick-label")
      .attr("transform", function (d, j) {
        return "translate(" + (j * cw + cw / 2 + 4) + "," + (rowLabels.length * ch + 8) + ") rotate(-45)";
      }).attr("text-anchor", "end").text(function (d) { return d; });
    var legend = F.g.append("g").attr("transform", "translate(" + (colLabels.length * cw + 20) + ",0)");
    d3.range(11).forEach(function (k) {
      var v = vmax - k * vmax / 5;
      legend.append("rect").attr("y", k * 14).attr("width", 14).attr("height", 14).attr("fill", color(v));
      if (k % 5 === 0) legend.append("text").attr("x", 18).attr("y", k * 14 + 11).attr("class", "note").text(f3(v));
    });
    legend.append("text").attr("class", "note").attr("y", 11 * 14 + 14).text("Pearson r");
  }

  function synthesis() {
    if (!DATA.synthesis) return;
    var which = d3.select("#syn-matrix").property("value");
    var S = DATA.synthesis, M = S.matrices[which];
    var cats = {};
    (DATA.track_b ? DATA.track_b.rows : []).forEach(function (r) { cats[r.dim] = r.category; });
    var order = S.order;
    heatmap("syn-chart", order.map(function (z) { return M[z]; }),
      order.map(function (z) { return "z" + z + " " + (cats[z] || "").toLowerCase(); }), DIMS,
      {cellW: 52, cellH: 20, rowColor: function (i) { return COLORS[cats[order[i]]] || "#222"; }});
  }

  function coupling() {
    if (!DATA.synthesis || !DATA.synthesis.coupling) return;
    heatmap("fix2-chart", DATA.synthesis.coupling, DIMS, DIMS, {cellW: 52, cellH: 40, vmax: 1, annotate: true});
  }

  // ---- Per-song agreement, sortable.
  function songs() {
    if (!DATA.per_song.length) return;

    var order = d3.select("#song-order").property("value");
    var sign = order.charAt(0) === "-" ? -1 : 1, key = order.replace("-", "");
    var rows = DATA.per_song.slice().sort(function (a, b) {
      if (key === "name") return a.song < b.song ? -1 : 1;
      return sign * ((b[key] || 0) - (a[key] || 0));
    }).slice(0, DATA.songs_charted);
    var rowH = 22, F = frame("song-chart", 900, 70 + rowH * rows.length, {top: 10, right: 20, bottom: 50, left: 300});
    var x = d3.scale.linear().domain([Math.min(0, d3.min(rows, function (r) { return r.track_a_cosine; })), 1]).range([0, F.w]);
    var y = d3.scale.ordinal().domain(rows.map(function (r) { return r.group; })).rangeBands([0, rowH * rows.length], 0.2);
    F.g.append("g").attr("class", "axis").attr("transform", "translate(0," + rowH * rows.length + ")")
      .call(d3.svg.axis().scale(x).orient("bottom"));
    var series = [["track_a_cosine", "#f0a500"], ["track_b_cosine", "#2b8cbe"]].filter(function (s) {
      return rows.some(function (r) { return r[s[0]] !== null; });
    });
    var band = y.rangeBand() / series.length;
    series.forEach(function (s, k) {
      F.g.selectAll(".b" + k).data(rows).enter().append("rect").attr("class", "song-bar")
        .attr("x", x(0)).attr("y", function (r) { return y(r.group) + k * band; }).attr("height", band)
        .attr("width", function (r) { return Math.max(0, x(r[s[0]] || 0) - x(0)); }).attr("fill", s[1])
        .on("mousemove", function (r) {
          showTip("<b>" + esc(r.song) + "</b><br>" + r.mappers + " mappers, " + r.pairs + " pairs<br>Track A " +
            f3(r.track_a_cosine) + (r.track_b_cosine === null ? "" : "<br>Track B " + f3(r.track_b_cosine)));
        }).on("mouseout", hideTip);
    });
    F.g.selectAll(".sl").data(rows).enter().append("text").attr("class", "tick-label").attr("x", -6)
      .attr("y", function (r) { return y(r.group) + y.rangeBand() / 2 + 4; }).attr("text-anchor", "end")
      .text(function (r) { return r.song + " (" + r.mappers + ")"; });
    axisLabel(F.g, "mean full cosine over the song's mapper pairs (" +
      series.map(function (s) { return (s[1] === "#f0a500" ? "orange: " : "blue: ") + (s[0] === "track_a_cosine" ? "Track A" : "Track B"); }).join(", ") + ")",
      F.w / 2, rowH * rows.length + 40);
  }

  // ---- Signal view: pick a song and two of its charts; 9 rows over time.
  // Each chart's signal comes as int8 (value × 127) in base64, row after row (see pairs.py).
  function unpack(signal) {
    var bytes = atob(signal.int8_base64), rows = [];
    for (var i = 0; i < signal.rows; i++) {
      var row = new Array(signal.frames);
      for (var t = 0; t < signal.frames; t++) {
        var b = bytes.charCodeAt(i * signal.frames + t);
        row[t] = (b > 127 ? b - 256 : b) / 127;
      }
      rows.push(row);
    }
    return rows;
  }
  DATA.signals.forEach(function (s) { s.maps.forEach(function (m) { m.rows = unpack(m.signal); }); });
  function fillSignalSelects() {
    if (!DATA.signals.length) return;

    var song = d3.select("#sig-song");
    song.selectAll("option").data(DATA.signals).enter().append("option")
      .attr("value", function (d, i) { return i; }).text(function (d) { return d.song; });
    song.on("change", function () { fillMappers(); signal(); });
    fillMappers();
  }

  function fillMappers() {
    var s = DATA.signals[+d3.select("#sig-song").property("value")];
    ["#sig-a", "#sig-b"].forEach(function (id, k) {
      var sel = d3.select(id);
      sel.selectAll("option").remove();
      sel.selectAll("option").data(s.maps).enter().append("option")
        .attr("value", function (d, i) { return i; }).text(function (d) { return d.label; });
      sel.property("value", Math.min(k, s.maps.length - 1));
    });
  }

  function signal() {
    if (!DATA.signals.length) return;
    var s = DATA.signals[+d3.select("#sig-song").property("value")];
    var picks = [+d3.select("#sig-a").property("value"), +d3.select("#sig-b").property("value")];
    var rowH = 72, F = frame("sig-chart", 1000, 40 + rowH * DIMS.length + 40, {top: 30, right: 30, bottom: 50, left: 90});
    var n = s.maps[0].rows[0].length;
    var x = d3.scale.linear().domain([s.start_s, s.start_s + n * s.step_s]).range([0, F.w]);
    DIMS.forEach(function (dim, i) {
      var y = d3.scale.linear().domain([-1, 1]).range([i * rowH + rowH - 6, i * rowH + 4]);
      F.g.append("text").attr("class", "tick-label").attr("x", -8).attr("y", i * rowH + rowH / 2 + 4)
        .attr("text-anchor", "end").text(dim);
      F.g.append("line").attr("x1", 0).attr("x2", F.w).attr("y1", y(0)).attr("y2", y(0))
        .attr("stroke", "#ddd");
      picks.forEach(function (m, k) {
        var line = d3.svg.line().x(function (v, t) { return x(s.start_s + t * s.step_s); }).y(function (v) { return y(v); });
        F.g.append("path").attr("class", "sig-line").attr("d", line(s.maps[m].rows[i]))
          .attr("stroke", MAPPER_COLORS[k]).attr("opacity", k ? 0.8 : 1);
      });
    });
    F.g.append("g").attr("class", "axis").attr("transform", "translate(0," + rowH * DIMS.length + ")")
      .call(d3.svg.axis().scale(x).orient("bottom"));
    axisLabel(F.g, "time in the song (s); each point is the minimum (X, Y: mean) over " + s.pool + " frames", F.w / 2, rowH * DIMS.length + 40);
    picks.forEach(function (m, k) {
      F.g.append("text").attr("x", k * 380).attr("y", -12).attr("fill", MAPPER_COLORS[k]).attr("class", "legend")
        .text((k ? "orange: " : "blue: ") + s.maps[m].label);
    });
    var hover = F.g.append("rect").attr("width", F.w).attr("height", rowH * DIMS.length).attr("fill", "transparent");
    hover.on("mousemove", function () {
      var t = Math.max(0, Math.min(n - 1, Math.round((d3.mouse(this)[0] / F.w) * (n - 1))));
      var html = "<b>" + f3(s.start_s + t * s.step_s) + " s</b><table><tr><td></td><td>blue</td><td>orange</td></tr>";
      DIMS.forEach(function (dim, i) {
        html += "<tr><td>" + dim + "</td><td>" + f3(s.maps[picks[0]].rows[i][t]) + "</td><td>" +
          f3(s.maps[picks[1]].rows[i][t]) + "</td></tr>";
      });
      showTip(html + "</table>");
    }).on("mouseout", hideTip);
  }

  // ---- Latent cosine distribution: per pair, both tracks.
  function cosineHistogram() {
    if (!DATA.track_b) return;
    var F = frame("cos-chart", 900, 340, {top: 20, right: 20, bottom: 50, left: 70});
    // From −0.2 (or the lowest pair, when lower) to 1 in steps of 1/30: no pair falls outside.
    var lowest = Math.min(-0.2, d3.min(DATA.full_cosine.a.concat(DATA.full_cosine.b)));
    var lo = Math.floor(lowest * 30) / 30;
    var x = d3.scale.linear().domain([lo, 1]).range([0, F.w]);
    var bins = d3.range(lo, 1.0001, 1 / 30);
    var series = [["Track A (9-dim signal)", DATA.full_cosine.a, "#f0a500"], ["Track B (latent)", DATA.full_cosine.b, "#2b8cbe"]];
    var hists = series.map(function (s) { return d3.layout.histogram().bins(bins)(s[1]); });
    var y = d3.scale.linear().domain([0, d3.max(hists, function (h) { return d3.max(h, function (b) { return b.y; }); }) || 1])
      .nice().range([F.h, 0]);
    hists.forEach(function (h, k) {
      F.g.selectAll(".h" + k).data(h).enter().append("rect").attr("class", "hist")
        .attr("x", function (b) { return x(b.x); }).attr("width", Math.max(1, x(bins[1]) - x(bins[0]) - 1))
        .attr("y", function (b) { return y(b.y); }).attr("height", function (b) { return F.h - y(b.y); })
        .attr("fill", series[k][2]).attr("opacity", 0.6)
        .on("mousemove", function (b) {
          showTip(series[k][0] + "<br>" + f3(b.x) + " to " + f3(b.x + b.dx) + ": <b>" + b.y + "</b> pairs");
        }).on("mouseout", hideTip);
    });
    F.g.append("g").attr("class", "axis").attr("transform", "translate(0," + F.h + ")").call(d3.svg.axis().scale(x).orient("bottom"));
    F.g.append("g").attr("class", "axis").call(d3.svg.axis().scale(y).orient("left").ticks(5));
    axisLabel(F.g, "full cosine of two mappers' charts (orange: Track A, blue: Track B)", F.w / 2, F.h + 40);
    axisLabel(F.g, "pairs", -45, F.h / 2, true);
  }

  // Sortable HTML tables: click a header.
  function sortableTables() {
    d3.selectAll("table.sortable th").on("click", function () {
      var th = this, table = th.closest("table"), col = Array.prototype.indexOf.call(th.parentNode.children, th);
      var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
      var asc = th.getAttribute("data-asc") !== "1";
      th.setAttribute("data-asc", asc ? "1" : "0");
      rows.sort(function (a, b) {
        var u = a.cells[col].getAttribute("data-value") || a.cells[col].textContent;
        var v = b.cells[col].getAttribute("data-value") || b.cells[col].textContent;
        var nu = parseFloat(u), nv = parseFloat(v);
        var c = (!isNaN(nu) && !isNaN(nv)) ? nu - nv : (u < v ? -1 : u > v ? 1 : 0);
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  }

  // A figure shown half-width opens at its full (100%) size on a click, and closes on the next.
  function zoomableFigures() {
    d3.selectAll(".figure-grid figure").on("click", function () {
      this.classList.toggle("wide");
    });
  }

  function on(id, fn) { d3.select(id).on("change", fn); }

  // ?selftest: every menu option is chosen, every table header clicked and one mark of every chart
  // hovered, as a reader would; the browser test reads the counts and the tooltips back.
  function selfTest() {
    var done = {options: 0, headers: 0, hovers: 0, tooltips: 0};
    d3.selectAll("select").each(function () {
      var sel = this;
      Array.prototype.forEach.call(sel.options, function (o) {
        sel.value = o.value;
        sel.dispatchEvent(new Event("change"));
        done.options++;
      });
    });
    d3.selectAll("table.sortable th").each(function () { this.dispatchEvent(new MouseEvent("click")); done.headers++; });
    d3.selectAll("div.figure").each(function () {
      var mark = this.querySelector(".bar, circle, rect.cell, rect.song-bar, rect.hist, svg > g > rect[fill=transparent]");
      if (!mark) return;
      tip.html("");
      mark.dispatchEvent(new MouseEvent("mousemove", {clientX: 200, clientY: 200, bubbles: true}));
      done.hovers++;
      if (tip.html().length > 0) done.tooltips++;
    });
    document.body.setAttribute("data-selftest", JSON.stringify(done));
  }

  trackA(); trackAPairs(); trackB(); synthesis(); coupling(); songs(); cosineHistogram();
  fillSignalSelects(); signal(); sortableTables(); zoomableFigures();
  on("#ta-metric", trackA); on("#ta-order", trackA); on("#ta-pair-dim", trackAPairs); on("#tb-order", trackB);
  on("#syn-matrix", synthesis); on("#song-order", songs); on("#sig-a", signal); on("#sig-b", signal);
  document.body.setAttribute("data-rendered", "1");
  if (window.location.search.indexOf("selftest") >= 0) selfTest();
})();
