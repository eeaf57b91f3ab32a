// lrplot's interactive figure: draws the JSON in #lrplot-data with uPlot (inlined above).
// User text (titles, labels) reaches the page only through textContent or canvas fillText,
// never as markup. window.lrplot exposes the charts and the readout for tests and tools.
(function () {
  "use strict";

  var GREY = "#555555";
  var EXTRA_DASH = [6, 3];

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  // Python's repr() of a float, which is what lrplot's CSV and JSON hold: the shortest digits
  // that read back as the same float (JavaScript's toExponential() gives the same digits), laid
  // out as Python lays them out (fixed for 1e-4 <= |v| < 1e16, else d.ddde+XX).
  function pyRepr(v) {
    if (v === null || v === undefined) return "";
    if (v !== v) return "nan";
    if (v === Infinity) return "inf";
    if (v === -Infinity) return "-inf";
    if (v === 0) return (1 / v < 0) ? "-0.0" : "0.0";
    var sign = v < 0 ? "-" : "";
    var parts = Math.abs(v).toExponential().split("e");
    var exp = parseInt(parts[1], 10);
    var digits = parts[0].replace(".", "");
    if (exp >= -4 && exp < 16) {
      if (exp < 0) return sign + "0." + "0".repeat(-exp - 1) + digits;
      if (digits.length > exp + 1) return sign + digits.slice(0, exp + 1) + "." + digits.slice(exp + 1);
      return sign + digits + "0".repeat(exp + 1 - digits.length) + ".0";
    }
    var mant = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
    return sign + mant + "e" + (exp < 0 ? "-" : "+") + String(Math.abs(exp)).padStart(2, "0");
  }

  function bytes(b64) {
    var bin = atob(b64), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.buffer;
  }

  var LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

  function float64(b64) {
    var buf = bytes(b64);
    if (LITTLE) return new Float64Array(buf);
    var view = new DataView(buf), out = new Float64Array(buf.byteLength / 8);
    for (var i = 0; i < out.length; i++) out[i] = view.getFloat64(8 * i, true);
    return out;
  }

  function uint32(b64) {
    var buf = bytes(b64);
    if (LITTLE) return new Uint32Array(buf);
    var view = new DataView(buf), out = new Uint32Array(buf.byteLength / 4);
    for (var i = 0; i < out.length; i++) out[i] = view.getUint32(4 * i, true);
    return out;
  }

  // One series: every value (full), or the union of its envelope levels' points (x, y) and the
  // finest bucket width.
  function model(c) {
    if (c.full !== undefined) return { steps: c.steps, full: true, y: float64(c.full), width: 1 };
    var x = c.x64 !== undefined ? float64(c.x64) : uint32(c.x);  // x64: runs past 2^32 steps
    return { steps: c.steps, full: false, x: x, y: float64(c.y), width: c.width };
  }

  function lowerBound(a, v) {
    var lo = 0, hi = a.length;
    while (lo < hi) { var mid = (lo + hi) >>> 1; if (a[mid] < v) lo = mid + 1; else hi = mid; }
    return lo;
  }

  // The series at a step: {value} exactly, {lo, hi, from, to} (the true range of the finest
  // envelope bucket holding the step), or null past its end.
  function valueAt(m, step) {
    if (!(step >= 0 && step < m.steps)) return null;
    if (m.full) return { value: m.y[step] };
    var i = lowerBound(m.x, step);
    if (i < m.x.length && m.x[i] === step) return { value: m.y[i] };
    var from = Math.floor(step / m.width) * m.width, to = Math.min(from + m.width, m.steps) - 1;
    var a = lowerBound(m.x, from), b = lowerBound(m.x, to + 1), lo = Infinity, hi = -Infinity;
    for (var k = a; k < b; k++) { var v = m.y[k]; if (v < lo) lo = v; if (v > hi) hi = v; }
    if (lo === Infinity) return { value: NaN };
    return { lo: lo, hi: hi, from: from, to: to };
  }

  function shown(r) {
    if (r === null) return "";
    if (r.value !== undefined) return r.value === r.value ? pyRepr(r.value) : "no value";
    return pyRepr(r.lo) + " .. " + pyRepr(r.hi);
  }

  function lowest(m) {
    var lo = Infinity;
    for (var i = 0; i < m.y.length; i++) if (m.y[i] < lo) lo = m.y[i];
    return lo;
  }

  // uPlot's table for a panel: one x array (every step some series has a point at), one y array
  // per series (null where it has none; non-positive values are dropped on a log axis).
  function table(models, logY) {
    var allFull = models.every(function (m) { return m.full; });
    var x;
    if (allFull) {
      var n = Math.max.apply(null, models.map(function (m) { return m.steps; }));
      x = new Array(n);
      for (var i = 0; i < n; i++) x[i] = i;
    } else {
      var seen = [];
      models.forEach(function (m) {
        if (m.full) for (var i = 0; i < m.steps; i++) seen.push(i);
        else for (var j = 0; j < m.x.length; j++) seen.push(m.x[j]);
      });
      seen.sort(function (a, b) { return a - b; });
      x = [];
      for (var k = 0; k < seen.length; k++) if (k === 0 || seen[k] !== seen[k - 1]) x.push(seen[k]);
    }
    var ys = models.map(function (m) {
      var y = new Array(x.length), p = 0;
      for (var i = 0; i < x.length; i++) {
        var v = null, s = x[i];
        if (m.full) { if (s < m.steps) v = m.y[s]; }
        else {
          while (p < m.x.length && m.x[p] < s) p++;
          if (p < m.x.length && m.x[p] === s) v = m.y[p];
        }
        if (v !== null && (v !== v || (logY && v <= 0))) v = null;
        y[i] = v;
      }
      return y;
    });
    return { data: [x].concat(ys), spanGaps: !allFull };
  }

  function yRange(zeroFloor) {
    return function (u, min, max) {
      if (min === null || max === null || min !== min) return [0, 1];
      if (zeroFloor) min = 0;
      var pad = (max - min) * 0.05 || Math.abs(max) * 0.05 || 1;
      return [zeroFloor ? 0 : min - pad, max + pad];
    };
  }

  function drawEvents(u, events) {
    if (!events.length) return;
    var ctx = u.ctx, box = u.bbox, pxr = uPlot.pxRatio || 1;
    ctx.save();
    ctx.beginPath();
    ctx.rect(box.left, box.top, box.width, box.height);
    ctx.clip();
    ctx.lineWidth = pxr;
    ctx.setLineDash([2 * pxr, 2 * pxr]);
    ctx.font = Math.round(9.5 * pxr) + "px system-ui, sans-serif";
    ctx.textAlign = "right";
    ctx.textBaseline = "top";
    events.forEach(function (e) {
      var x = Math.round(u.valToPos(e[0], "x", true)) + 0.5;
      if (x < box.left - 1 || x > box.left + box.width + 1) return;  // (the last step: the edge)
      x = Math.min(x, box.left + box.width - 0.5);
      ctx.globalAlpha = 0.8;
      ctx.strokeStyle = e[2];
      ctx.beginPath();
      ctx.moveTo(x, box.top);
      ctx.lineTo(x, box.top + box.height);
      ctx.stroke();
      if (e[1]) {
        ctx.save();
        var edge = x > box.left + box.width - 14 * pxr;  // at the right edge: label on the left
        ctx.translate(edge ? x - 2 * pxr : x + 2 * pxr, box.top + 4 * pxr);
        ctx.rotate(-Math.PI / 2);
        ctx.textBaseline = edge ? "bottom" : "top";
        ctx.fillStyle = e[2];
        ctx.fillText(e[1], 0, 0);  // canvas text: never parsed as markup
        ctx.restore();
      }
    });
    ctx.restore();
  }

  // --annotate's peak, minimum and final markers (as the PNG: a triangle up, down, a dot), and
  // for a lone curve their names, values and steps beside them.
  function drawMarks(u, curves, logY) {
    var ctx = u.ctx, pxr = uPlot.pxRatio || 1, box = u.bbox, lone = curves.length === 1;
    ctx.save();
    ctx.font = Math.round(10 * pxr) + "px system-ui, sans-serif";
    curves.forEach(function (c, i) {
      if (!c.marks || !u.series[c.index].show) return;
      c.marks.forEach(function (m) {
        if (logY && m[1] <= 0) return;
        var x = u.valToPos(m[0], "x", true), y = u.valToPos(m[1], "y", true), r = 4 * pxr;
        if (x < box.left - 1 || x > box.left + box.width + 1) return;
        ctx.beginPath();
        var kind = m[2].split(" = ")[0];
        if (kind === "peak") { ctx.moveTo(x, y - r); ctx.lineTo(x + r, y + r * 0.8); ctx.lineTo(x - r, y + r * 0.8); }
        else if (kind === "minimum") { ctx.moveTo(x, y + r); ctx.lineTo(x + r, y - r * 0.8); ctx.lineTo(x - r, y - r * 0.8); }
        else ctx.arc(x, y, r * 0.8, 0, 2 * Math.PI);
        ctx.closePath();
        ctx.fillStyle = c.color;
        ctx.strokeStyle = "#ffffff";
        ctx.lineWidth = pxr;
        ctx.fill();
        ctx.stroke();
        if (!lone) return;
        var right = x > box.left + box.width * 0.7, above = y > box.top + box.height * 0.5;
        ctx.fillStyle = "#333333";
        ctx.textAlign = right ? "right" : "left";
        ctx.textBaseline = above ? "bottom" : "top";
        var dx = right ? -8 * pxr : 8 * pxr, dy = above ? -6 * pxr : 6 * pxr;
        var lines = [m[2] + " " + pyRepr(m[1]), "step " + m[0]];
        if (above) lines.reverse();
        lines.forEach(function (t, k) {
          ctx.fillText(t, x + dx, y + dy + (above ? -1 : 1) * k * 12 * pxr);  // canvas text
        });
      });
    });
    ctx.restore();
  }

  var charts = [];

  // A legend entry works by mouse and by keyboard (Tab to it, Enter or Space).
  function clickable(e, action) {
    e.setAttribute("role", "button");
    e.setAttribute("tabindex", "0");
    e.addEventListener("click", action);
    e.addEventListener("keydown", function (k) {
      if (k.key === "Enter" || k.key === " ") { k.preventDefault(); action(); }
    });
  }

  function clear(root) {
    charts.forEach(function (c) { c.u.destroy(); });
    charts = [];
    while (root.firstChild) root.removeChild(root.firstChild);
  }

  // Zoom: drag a range (uPlot), or the wheel. Pan: shift-drag. Reset: double click. Every
  // panel's step axis follows the others.
  var syncing = false;

  function follow(u) {
    if (syncing) return;
    syncing = true;
    var min = u.scales.x.min, max = u.scales.x.max;
    charts.forEach(function (c) { if (c.u !== u) c.u.setScale("x", { min: min, max: max }); });
    syncing = false;
  }

  function resetAll() {
    syncing = true;
    charts.forEach(function (c) { c.u.setScale("x", { min: 0, max: c.xmax }); });
    syncing = false;
  }

  function zoomAround(u, at, factor) {
    var min = u.scales.x.min, max = u.scales.x.max;
    var nmin = at - (at - min) * factor, nmax = at + (max - at) * factor;
    if (nmax - nmin < 2) return;
    u.setScale("x", { min: nmin, max: nmax });
  }

  function bindPanZoom(u) {
    u.over.addEventListener("wheel", function (e) {
      e.preventDefault();
      var at = u.posToVal(e.offsetX, "x");
      zoomAround(u, at, e.deltaY < 0 ? 0.8 : 1.25);
    }, { passive: false });
    var start = null;
    u.root.addEventListener("mousedown", function (e) {
      if (!e.shiftKey || e.button !== 0) return;
      e.stopPropagation();  // not a range selection
      e.preventDefault();
      start = { x: e.clientX, min: u.scales.x.min, max: u.scales.x.max };
    }, true);
    window.addEventListener("mousemove", function (e) {
      if (!start) return;
      var per = (start.max - start.min) / u.over.clientWidth, d = (e.clientX - start.x) * per;
      u.setScale("x", { min: start.min - d, max: start.max - d });
    });
    window.addEventListener("mouseup", function () { start = null; });
  }

  function buildPanel(grid, panel, index, figure, size) {
    var box = el("div", "lr-panel");
    box.setAttribute("data-panel", String(index));
    if (panel.title) box.appendChild(el("div", "lr-panel-title", panel.title));
    var plotBox = el("div", "lr-plot");
    box.appendChild(plotBox);
    var readout = el("div", "lr-readout");
    var stepLine = el("div", "lr-step", "hover over the plot for the lr at a step");
    readout.appendChild(stepLine);
    box.appendChild(readout);
    grid.appendChild(box);

    var models = [], series = [{}], rows = [], xmax = 1, zeroFloor = !figure.logY;
    panel.curves.forEach(function (c) {
      var m = model(c), idx = models.length + 1;
      models.push(m);
      c.index = idx;
      xmax = Math.max(xmax, c.steps - 1);
      if (lowest(m) < 0) zeroFloor = false;
      series.push({ label: c.label, stroke: c.color, width: 2, points: { show: false },
                    scale: "y" });
      var row = { curve: c, members: [idx], values: [], off: false };
      var line = el("div", "lr-row");
      var swatch = el("span", "lr-swatch");
      swatch.style.backgroundColor = c.color;
      line.appendChild(swatch);
      line.appendChild(el("span", "lr-label", c.label));
      var value = el("span", "lr-value");
      line.appendChild(value);
      row.values.push({ span: value, model: m });
      readout.appendChild(line);
      c.extras.forEach(function (x) {
        var mx = model(x), xi = models.length + 1;
        models.push(mx);
        series.push({ label: c.label + ": " + x.name, stroke: c.color, width: 1.25, dash: EXTRA_DASH,
                      alpha: 0.8, points: { show: false }, scale: "y2" });
        row.members.push(xi);
        var sub = el("div", "lr-row lr-extra");
        var sw = el("span", "lr-swatch lr-dashed");
        sw.style.borderTopColor = c.color;
        sub.appendChild(sw);
        sub.appendChild(el("span", "lr-label", c.label + ": " + x.name));
        var v = el("span", "lr-value");
        sub.appendChild(v);
        row.values.push({ span: v, model: mx });
        readout.appendChild(sub);
        clickable(sub, function () { toggle(row, line); });
      });
      clickable(line, function () { toggle(row, line); });
      row.line = line;
      rows.push(row);
    });

    if (panel.curves.length > 1 && panel.curves.some(function (c) { return c.marks && c.marks.length; }))
      readout.appendChild(el("div", "lr-marks-key", "\u25b2 peak \u00a0 \u25bc minimum \u00a0 \u25cf final"));
    var t = table(models, figure.logY);
    series.forEach(function (s, i) { if (i) s.spanGaps = t.spanGaps; });
    var axes = [
      { label: "step", stroke: GREY, grid: { stroke: "#E6E6E6", width: 1 },
        ticks: { stroke: "#999999", width: 1 }, size: 34, labelSize: 22 },
      { label: "learning rate", stroke: GREY, grid: { stroke: "#E6E6E6", width: 1 },
        ticks: { stroke: "#999999", width: 1 }, size: 64 },
    ];
    var scales = { x: { time: false }, y: figure.logY ? { distr: 3, log: 10 } : { range: yRange(zeroFloor) } };
    if (panel.extraAxis) {
      axes.push({ scale: "y2", side: 1, label: panel.extraAxis, stroke: GREY, grid: { show: false },
                  size: 64 });
      scales.y2 = { range: yRange(false) };
    }
    var chart = { rows: rows, models: models, xmax: xmax, stepLine: stepLine, u: null };
    var opts = {
      width: size.width, height: size.height,
      series: series, axes: axes, scales: scales,
      legend: { show: false },
      cursor: { sync: { key: "lrplot", setSeries: false }, drag: { x: true, y: false },
                points: { show: false },
                bind: { dblclick: function () { return function () { resetAll(); return null; }; } } },
      hooks: {
        draw: [function (u) { drawEvents(u, panel.events); drawMarks(u, panel.curves, figure.logY); }],
        setCursor: [function (u) { showReadout(chart, u); }],
        setScale: [function (u, key) { if (key === "x" && chart.ready) follow(u); }],
      },
    };
    var u = new uPlot(opts, t.data, plotBox);
    chart.u = u;
    u.setScale("x", { min: 0, max: xmax });
    chart.ready = true;
    bindPanZoom(u);
    charts.push(chart);

    function toggle(row, line) {
      row.off = !row.off;
      line.classList.toggle("lr-off", row.off);
      row.members.forEach(function (i) { u.setSeries(i, { show: !row.off }); });
      var next = line.nextSibling;
      while (next && next.classList && next.classList.contains("lr-extra")) {
        next.classList.toggle("lr-off", row.off);
        next = next.nextSibling;
      }
    }
  }

  // The step under the pointer, and every curve's value there: exact, or a range (envelope).
  function showReadout(chart, u) {
    var left = u.cursor.left;
    if (left === undefined || left === null || left < 0) return;
    var step = Math.round(u.posToVal(left, "x"));
    if (!(step >= 0 && step <= chart.xmax)) return;
    var ranged = null;
    chart.rows.forEach(function (row) {
      row.values.forEach(function (v) {
        var r = valueAt(v.model, step);
        v.span.textContent = shown(r);
        v.span.classList.toggle("lr-range", !!(r && r.value === undefined));
        if (r && r.value === undefined) ranged = r;
      });
    });
    chart.step = step;
    chart.stepLine.textContent = "step " + step + (ranged
      ? "  (min .. max over steps " + ranged.from + "-" + ranged.to + ": envelope, zoom in)" : "");
  }

  function panelSize(cols) {
    var widest = cols === 1 ? 840 : cols === 2 ? 640 : 560;
    var width = Math.max(320, Math.min(widest, Math.floor((window.innerWidth - 40 - 20 * (cols - 1)) / cols)));
    return { width: width, height: Math.round(width * 0.6) };
  }

  function render(figure, root) {
    clear(root);
    if (figure.title) root.appendChild(el("div", "lr-title", figure.title));
    root.appendChild(el("div", "lr-help",
      "hover: exact lr at a step \u00b7 drag or wheel: zoom \u00b7 shift-drag: pan \u00b7 " +
      "double click: reset \u00b7 click a legend entry: hide/show"));
    var n = figure.panels.length, cols = n <= 2 ? n : n <= 4 ? 2 : 3;  // as render.grid_shape
    var grid = el("div", "lr-grid");
    var size = panelSize(cols);
    grid.style.gridTemplateColumns = "repeat(" + cols + ", " + size.width + "px)";
    root.appendChild(grid);
    figure.panels.forEach(function (p, i) { buildPanel(grid, p, i, figure, size); });
  }

  function problems(list, root) {
    var box = el("div", "lr-problems");
    box.setAttribute("id", "lrplot-problems");
    box.textContent = list.join("\n");
    root.insertBefore(box, root.firstChild);
  }

  window.lrplot = { render: render, problems: problems, clear: clear, pyRepr: pyRepr,
                    valueAt: valueAt, charts: function () { return charts; } };

  var root = document.getElementById("lrplot");
  var source = document.getElementById("lrplot-data");
  if (source && source.textContent.trim()) {
    var state = JSON.parse(source.textContent);
    if (state.panels) render(state, root);
    if (state.problems) problems(state.problems, root);
  }
})();
