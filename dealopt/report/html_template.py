"""The HTML report's page, style and script, as plain strings (no template engine).

:mod:`dealopt.report.html` fills the ``@@NAME@@`` slots with escaped text; nothing here is
user text. The page is one file: the style and the scripts (plotly.js included) are inline,
and the Content-Security-Policy forbids every network request, so a copy sent by e-mail
opens the same way offline.
"""

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; \
script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="dealopt @@VERSION@@">
<title>@@TITLE@@ · dealopt report</title>
<style>@@STYLE@@</style>
</head>
<body>
<main>
@@BODY@@
</main>
<footer>Made by dealopt @@VERSION@@. This file is self-contained: it opens offline and makes no
network request.</footer>
<script id="report-data" type="application/json">@@DATA@@</script>
<script>@@PLOTLY@@</script>
<script>@@SCRIPT@@</script>
</body>
</html>
"""

STYLE = """
:root { --ink: #1b1b1b; --muted: #5d5d5d; --line: #d9d9d9; --accent: #0072B2;
  --warm: #D55E00; --zone: #e8f3fb; --sel: #fff1c2; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font: 16px/1.5 system-ui, -apple-system,
  "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 1.5rem 1.25rem 2rem; }
footer { max-width: 1180px; margin: 0 auto; padding: 1rem 1.25rem 2rem; color: var(--muted);
  font-size: .85rem; border-top: 1px solid var(--line); }
h1 { font-size: 1.75rem; margin: 0 0 .25rem; line-height: 1.25; }
h2 { font-size: 1.3rem; margin: 2.25rem 0 .5rem; padding-bottom: .2rem;
  border-bottom: 2px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.25rem 0 .4rem; }
p { margin: .4rem 0 .8rem; max-width: 75ch; }
code, pre { font: .9em/1.45 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
pre { white-space: pre-wrap; background: #f6f6f6; padding: .75rem; border-radius: 4px;
  overflow-x: auto; }
.lede { color: var(--muted); margin-top: 0; }
.status { display: inline-block; padding: .05rem .5rem; border-radius: 3px; font-size: .85rem;
  font-weight: 600; border: 1px solid currentColor; }
.status.complete { color: #1a6e2e; } .status.partial { color: #8a5a00; }
.status.no-feasible-deal, .status.no-acceptable-deal { color: #9b1c1c; }
.summary { font-size: 1.05rem; background: var(--zone); border-left: 4px solid var(--accent);
  padding: .75rem 1rem; max-width: none; }
.hint { color: var(--muted); font-size: .92rem; }
.plot { width: 100%; min-height: 460px; border: 1px solid var(--line); border-radius: 4px;
  margin-bottom: .8rem; }
#frontier-plot { min-height: 560px; }
/* The selected deal floats at the right edge of the window, beside the plot or the table row
   that was clicked, wherever the page is scrolled. */
#selected { position: fixed; right: 1rem; bottom: 1rem; width: min(24rem, 92vw);
  max-height: 72vh; overflow: auto; background: #fff; border: 1px solid var(--line);
  border-left: 4px solid var(--warm); border-radius: 4px; padding: .6rem .8rem;
  font-size: .85rem; box-shadow: 0 4px 18px rgba(0, 0, 0, .18); z-index: 20; }
#selected[hidden] { display: none; }
#close-selected { all: unset; float: right; cursor: pointer; font-size: 1.3rem;
  line-height: 1; padding: 0 .2rem; color: var(--muted); }
#close-selected:focus-visible { outline: 2px solid var(--accent); }
.qa dt { font-weight: 600; margin-top: .6rem; }
.qa dd { margin: .2rem 0 .4rem 0; }
.explain .question { font-style: italic; color: var(--muted); }
#selected h3 { margin: 0 0 .3rem; font-size: 1rem; }
table.schedule { border-collapse: collapse; font-size: .85em; }
table.schedule th, table.schedule td { padding: 0 .4em; border: 1px solid var(--line); }
#selected dl { display: grid; grid-template-columns: minmax(0, max-content) minmax(8rem, 1fr);
  gap: .1rem .6rem; margin: 0; }
#selected dt { color: var(--muted); overflow-wrap: break-word; }
#selected dd { margin: 0; overflow-wrap: break-word; min-width: 0; }
#selected h4 { margin: .6rem 0 .2rem; font-size: .9rem; }
#selected p.party-parts { margin: .3rem 0 .1rem; }
#selected dl.parts dd { text-align: right; font-variant-numeric: tabular-nums; }
h4 { font-size: .98rem; margin: 1rem 0 .3rem; }
.table-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 4px; }
table { border-collapse: collapse; font-size: .88rem; width: 100%; }
th, td { padding: .3rem .55rem; border-bottom: 1px solid #ececec; text-align: left;
  vertical-align: top; white-space: nowrap; }
thead th { position: sticky; top: 0; background: #fafafa; z-index: 1; white-space: normal;
  vertical-align: bottom; }
thead th.party { min-width: 7rem; max-width: 12rem; }
th button { all: unset; cursor: pointer; font-weight: 600; }
th button:focus-visible { outline: 2px solid var(--accent); }
th[aria-sort="ascending"] button::after { content: " \\25B2"; font-size: .7em; }
th[aria-sort="descending"] button::after { content: " \\25BC"; font-size: .7em; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.sq { color: #8a8a8a; font-style: italic; }
tfoot.named-deals th { text-align: left; padding-top: 0.8em; border-top: 2px solid #ccc; }
table.deal-judged { margin: 0.4em 0 0.8em; }
tr.deal { cursor: pointer; }
tr.deal:hover { background: #f4f8fb; }
tr.deal.outside td:first-child::after { content: " (outside)"; color: var(--muted);
  font-size: .8em; }
tr.deal.selected { background: var(--sel); outline: 2px solid var(--warm);
  outline-offset: -2px; }
.sol { font-weight: 600; color: var(--warm); }
.rules { width: 100%; }
.rules td { white-space: normal; }
.rules td.src { white-space: nowrap; color: var(--muted); }
.rules code { white-space: pre-wrap; }
dl.stats { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; }
dl.stats dt { color: var(--muted); } dl.stats dd { margin: 0; }
.note { color: var(--muted); font-style: italic; }
@media print {
  .no-print, .modebar { display: none !important; }
  main { max-width: none; } #selected { display: none; }
  tr.deal.outside[hidden] { display: none; }
}
"""

SCRIPT = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var gd = document.getElementById("frontier-plot");
  var table = document.getElementById("zone-table");
  var toggle = document.getElementById("show-outside");
  var panel = document.getElementById("selected");
  var parallel = document.getElementById("parallel-plot");
  var cube = document.getElementById("cube-plot");
  var closer = document.getElementById("close-selected");
  if (closer) { closer.addEventListener("click", function () { panel.hidden = true; }); }

  function rowOf(i) { return document.getElementById("deal-" + i); }

  function showOutside(on) {
    if (!table) { return; }
    var rows = table.querySelectorAll("tr.deal.outside");
    for (var k = 0; k < rows.length; k++) { rows[k].hidden = !on; }
    if (toggle) { toggle.checked = on; }
  }

  function describe(i) {
    var p = data.points[i];
    var parts = ["<h3>" + p.title + (p.solutions ? " \u00b7 " + p.solutions : "") + "</h3>",
      "<p class='hint'>" + (p.verdict || (p.zone ? "In the zone: acceptable to every party."
        : "Outside the zone: some party gets less than its no-deal value.")) + "</p><dl>"];
    for (var k = 0; k < p.rows.length; k++) {
      parts.push("<dt>" + p.rows[k][0] + "</dt><dd>" + p.rows[k][1] + "</dd>");
    }
    parts.push("</dl>");
    if (p.parts && p.parts.length) {
      parts.push("<h4>What makes up each utility</h4>");
      for (var q = 0; q < p.parts.length; q++) {
        var who = p.parts[q];
        parts.push("<p class='party-parts'><b>" + who[0] + "</b></p><dl class='parts'>");
        for (var r = 0; r < who[1].length; r++) {
          parts.push("<dt>" + who[1][r][0] + "</dt><dd>" + who[1][r][1] + "</dd>");
        }
        parts.push("</dl>");
      }
    }
    panel.innerHTML = "<button type='button' id='close-selected' aria-label='Close'>\u00d7" +
      "</button>" + parts.join("");
    panel.hidden = false;
    panel.querySelector("#close-selected").addEventListener("click", function () {
      panel.hidden = true;
    });
  }

  function highlightParallel(i) {
    if (!window.Plotly || !parallel || !parallel.data || !data.parallelTraces.length) { return; }
    var widths = [], opacities = [];
    for (var k = 0; k < data.parallelTraces.length; k++) {
      var on = data.parallelPoints[k] === i;
      widths.push(on ? 4 : 1.3);
      opacities.push(on ? 1 : 0.35);
    }
    window.Plotly.restyle(parallel, {"line.width": widths, opacity: opacities},
      data.parallelTraces);
  }

  function onClick(ev) {
    for (var k = 0; k < ev.points.length; k++) {
      var i = ev.points[k].customdata;
      if (Array.isArray(i)) { i = i[0]; }
      if (i !== undefined && i !== null && !isNaN(Number(i)) && data.points[Number(i)]) {
        select(Number(i), true);
        return;
      }
    }
  }

  function select(i, scroll) {
    var old = table ? table.querySelectorAll("tr.deal.selected") : [];
    for (var k = 0; k < old.length; k++) {
      old[k].classList.remove("selected");
      old[k].setAttribute("aria-selected", "false");
    }
    var row = rowOf(i);
    if (row) {
      if (row.hidden) { showOutside(true); }
      row.classList.add("selected");
      row.setAttribute("aria-selected", "true");
      if (scroll) { row.scrollIntoView({block: "center"}); }
    }
    describe(i);
    document.body.setAttribute("data-selected", String(i));
    if (window.Plotly && gd && gd.data) {
      window.Plotly.restyle(gd, {selectedpoints: [[i]]}, data.frontierTraces);
    }
    highlightParallel(i);
  }

  if (toggle) { toggle.addEventListener("change", function () { showOutside(toggle.checked); }); }
  if (table) {
    table.addEventListener("click", function (ev) {
      var row = ev.target.closest("tr.deal");
      if (row) { select(Number(row.getAttribute("data-point")), false); }
    });
    var heads = table.querySelectorAll("thead th");
    for (var h = 0; h < heads.length; h++) {
      (function (th, col) {
        var button = th.querySelector("button");
        if (!button) { return; }
        button.addEventListener("click", function () { sortBy(th, col); });
      })(heads[h], h);
    }
  }

  function sortBy(th, col) {
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var heads = table.querySelectorAll("thead th");
    for (var k = 0; k < heads.length; k++) { heads[k].removeAttribute("aria-sort"); }
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var numeric = th.classList.contains("num");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[col].getAttribute("data-sort"), y = b.cells[col].getAttribute("data-sort");
      var c = numeric ? Number(x) - Number(y) : x.localeCompare(y);
      if (c === 0) { c = Number(a.dataset.point) - Number(b.dataset.point); }
      return ascending ? c : -c;
    });
    for (var r = 0; r < rows.length; r++) { body.appendChild(rows[r]); }
  }

  function sized(div, fig) {
    // The div takes the figure's height, so that nothing below it is drawn over.
    if (div && fig && fig.layout && fig.layout.height) {
      div.style.height = fig.layout.height + "px";
    }
  }
  sized(gd, data.figure);
  sized(parallel, data.parallel);
  sized(cube, data.cube);

  if (gd && data.figure) {
    window.Plotly.newPlot(gd, data.figure.data, data.figure.layout, data.config).then(function () {
      gd.on("plotly_click", function (ev) {
        for (var k = 0; k < ev.points.length; k++) {
          var pt = ev.points[k];
          var n = pt.curveNumber;
          if (data.frontierTraces.indexOf(n) >= 0 || data.solutionTraces.indexOf(n) >= 0) {
            var i = pt.customdata;
            if (Array.isArray(i)) { i = i[0]; }
            select(Number(i), true);
            return;
          }
        }
      });
      document.body.setAttribute("data-plot-ready", "true");
    });
  }
  var pending = 0;
  function ready() {
    pending -= 1;
    if (pending === 0) { document.body.setAttribute("data-views-ready", "true"); }
  }
  var extra = [[parallel, data.parallel], [cube, data.cube]];
  for (var e = 0; e < extra.length; e++) {
    if (extra[e][0] && extra[e][1]) { pending += 1; }
  }
  if (pending === 0) { document.body.setAttribute("data-views-ready", "true"); }
  for (var x = 0; x < extra.length; x++) {
    (function (div, fig) {
      if (!div || !fig || !window.Plotly) { return; }
      window.Plotly.newPlot(div, fig.data, fig.layout, data.config).then(function () {
        div.on("plotly_click", onClick);
        ready();
      });
    })(extra[x][0], extra[x][1]);
  }
})();
"""
