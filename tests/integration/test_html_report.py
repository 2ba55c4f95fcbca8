"""The HTML report: built in Python, then opened in a real headless Chromium (Debian's, driven
by Playwright) to check what a reader sees: no console error, no network request, one marker
per frontier point, the deal under the mouse, a click selecting its table row.

The browser tests skip when /usr/bin/chromium or Playwright is missing; `.ci/run` installs
both. A screenshot of the Helsinki report is saved under tests/artifacts/ (gitignored).
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import dealopt
import dealopt.report
from dealopt.analysis.sample import feasible_sample
from dealopt.report.html import html, split_sections

ROOT = Path(__file__).resolve().parents[2]
HELSINKI = ROOT / "instances" / "helsinki2018.yaml"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

HOSTILE = "<img src=x onerror=alert(1)></script><script>alert(2)</script> & $1"

TOY = {
    "dealopt": 1,
    "name": "Toy",
    "parties": {"a": {"label": "Alpha", "no_deal": 2}, "b": {"label": "Beta", "no_deal": 2}},
    "issues": {"price": {"range": [0, 8]}, "extras": {"options": ["none", "some", "all"]}},
    "interests": {
        "a": {"scores": {"price": "linear", "extras": {"none": 4, "some": 2, "all": 0}}},
        "b": {
            "weights": {"price": -1, "extras": 1},
            "scores": {"price": "linear", "extras": {"none": 0, "some": 5, "all": 7}},
        },
    },
    "red_lines": {"b": [{"label": "Not too dear", "rule": "price <= 7"}]},
}


def hostile_toy() -> dict:
    """The toy with user text that would run script or fetch an image if not escaped."""
    data = yaml.safe_load(yaml.safe_dump(TOY))
    data["name"] = "Toy " + HOSTILE
    data["parties"]["a"]["label"] = "Alpha " + HOSTILE
    data["red_lines"]["b"][0]["label"] = "Dear " + HOSTILE
    data["red_lines"]["b"][0]["description"] = "<b>bold</b> claim"
    data["issues"]["extras"]["label"] = "Extras " + HOSTILE
    return data


# Without a browser -------------------------------------------------------------------------------


def test_library_access_returns_the_page():
    instance = dealopt.instance(TOY)
    result = dealopt.solve(instance)
    page = dealopt.report.html(result)
    assert page.startswith("<!DOCTYPE html>")
    assert "What the instance assumes" not in page  # no instance given
    assert "The zone of possible agreement" in page
    with_instance = dealopt.report.html(result, instance, explanation=False)
    assert "Not too dear" in with_instance and "price &lt;= 7" in with_instance


def test_page_is_self_contained():
    instance = dealopt.instance(TOY)
    page = html(dealopt.solve(instance), instance, explanation=False)
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"<(link|iframe|img|object|embed)\b", page, re.I)
    assert not re.search(r"<script[^>]*\bsrc=", page, re.I)
    # Outside the inlined plotly.js (whose geo and mapbox code holds URLs it never fetches
    # for a scatter plot; the browser test proves no request is made), no address at all.
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    plotly_js = max(scripts, key=len)
    assert len(plotly_js) > 1_000_000
    assert not re.search(r"https?://", page.replace(plotly_js, ""))


def test_user_text_is_escaped():
    data = hostile_toy()
    instance = dealopt.instance(data)
    result = dealopt.solve(instance)
    page = html(result, instance, explanation=False)
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    rest = page
    for script in scripts:
        rest = rest.replace(script, "")
    assert "<img" not in rest and "alert(2)</script>" not in rest
    assert "&lt;img src=x onerror=alert(1)&gt;" in rest
    assert "&lt;b&gt;bold&lt;/b&gt; claim" in rest
    # The embedded JSON (figure, hover texts) carries no raw '<': it cannot end the script.
    data_json = re.search(r'<script id="report-data" type="application/json">(.*?)</script>', page)
    assert data_json is not None and "<" not in data_json.group(1)


def test_three_parties_one_panel_per_pair():
    from dealopt.report.html_figure import figure

    data = yaml.safe_load(yaml.safe_dump(TOY))
    data["parties"]["c"] = {"label": "Gamma", "no_deal": 0}
    data["interests"]["c"] = {"scores": {"extras": {"none": 3, "some": 1, "all": 0}}}
    result = dealopt.solve(dealopt.instance(data))
    fig, traces = figure(result, [], False)
    assert fig is not None
    solved = [n for n, i in result.solutions.items() if i is not None]
    assert len(traces["frontier"]) == 3 and len(traces["solutions"]) == 3 * len(solved)
    for k in traces["frontier"]:
        assert len(fig["data"][k]["x"]) == len(result.frontier)
    # Solutions are told apart by marker shape and legend name, never by text on the plot.
    names = {fig["data"][k]["name"] for k in traces["solutions"]}
    assert names == {f"{m}: {t}" for m, t in _titles(solved)}
    assert not any("text" in (t.get("mode") or "") for t in fig["data"])
    # Every panel has both axis titles.
    axes = [k for k in fig["layout"] if k.startswith(("xaxis", "yaxis"))]
    assert len(axes) >= 6
    titled = [k for k in axes if fig["layout"][k].get("title", {}).get("text")]
    assert len(titled) == 6  # 3 panels x 2 axes (the empty upper panel has none)
    assert "<!DOCTYPE html>" in html(result)


def _titles(names):
    from dealopt.report.html_figure import solution_title
    from dealopt.report.text import MARKS

    return [(MARKS[n], solution_title(n)) for n in names]


def test_no_feasible_deal_page_has_no_plot():
    data = {**TOY, "rules": [{"label": "impossible", "rule": "price > 8"}]}
    result = dealopt.solve(dealopt.instance(data))
    page = html(result)
    assert "There is no frontier" in page
    assert len(page) < 100_000  # plotly.js is left out when there is nothing to plot


def test_explanation_sections_when_available():
    pytest.importorskip("dealopt.analysis.explain", reason="the explanation layer is not here")
    instance = dealopt.instance(TOY)
    page = html(dealopt.solve(instance), instance)
    assert "Why these deals" in page
    assert "<h3>The answer</h3>" in page


def test_split_sections():
    text = "Intro line.\n\nTHE ANSWER\nYes.\n\n1. ZONE AND ALIGNMENTS (all of it)\n  a\n  b\n"
    assert split_sections(text) == [
        ("", "Intro line."),
        ("The answer", "Yes."),
        ("1. Zone and alignments (all of it)", "a\nb"),
    ]


def test_cli_report_writes_the_file(tmp_path):
    from dealopt.cli import app

    source = tmp_path / "toy.yaml"
    source.write_text(yaml.safe_dump(TOY), encoding="utf-8")
    target = tmp_path / "toy.html"
    run = CliRunner().invoke(app, ["report", str(source), "-o", str(target), "--no-explain"])
    assert run.exit_code == 0, run.output
    page = target.read_text(encoding="utf-8")
    assert "<title>Toy · dealopt report</title>" in page
    assert "Why these deals" not in page


# In the browser -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium; .ci/run does)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        context = p.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            args=FLAGS,
            headless=True,
            viewport={"width": 1280, "height": 900},
        )
        yield context
        context.close()


class Page:
    """A report opened in the browser, with every console message and request recorded."""

    def __init__(self, context, path: Path):
        self.url = path.as_uri()
        self.page = context.new_page()
        self.console: list[tuple[str, str]] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.console.append(("pageerror", str(e))))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(self.url)
        self.page.wait_for_selector("body[data-plot-ready='true']", state="attached")

    def errors(self) -> list[tuple[str, str]]:
        return [m for m in self.console if m[0] in ("error", "pageerror")]

    def point(self, trace: int, index: int) -> dict:
        """Viewport coordinates of one marker of a trace, from plotly's own axes."""
        self.page.locator("#frontier-plot").scroll_into_view_if_needed()
        return self.page.evaluate(
            """([trace, index]) => {
              const gd = document.getElementById('frontier-plot');
              const t = gd._fullData[trace];
              const xa = gd._fullLayout[t.xaxis.replace('x', 'xaxis')];
              const ya = gd._fullLayout[t.yaxis.replace('y', 'yaxis')];
              const box = gd.querySelector('.main-svg').getBoundingClientRect();
              return {x: box.left + xa._offset + xa.l2p(t.x[index]),
                      y: box.top + ya._offset + ya.l2p(t.y[index])};
            }""",
            [trace, index],
        )


@pytest.fixture(scope="module")
def helsinki(tmp_path_factory):
    instance = dealopt.load(HELSINKI)
    result = dealopt.solve(instance)
    page = html(result, instance, sample=feasible_sample(instance, 2000), explanation=False)
    path = tmp_path_factory.mktemp("report") / "helsinki.html"
    path.write_text(page, encoding="utf-8")
    return result, path


@pytest.fixture()
def opened(browser, helsinki):
    result, path = helsinki
    view = Page(browser, path)
    yield result, view
    view.page.close()


def test_opens_offline_with_no_error_and_no_request(opened):
    _, view = opened
    assert view.errors() == []
    assert view.requests == [view.url]
    assert view.dialogs == []


def test_one_marker_per_frontier_point(opened):
    result, view = opened
    counts = view.page.evaluate(
        """() => {
          const gd = document.getElementById('frontier-plot');
          const data = JSON.parse(document.getElementById('report-data').textContent);
          return data.frontierTraces.map(k => ({
            data: gd.data[k].x.length,
            drawn: gd.querySelectorAll('.trace' + gd._fullData[k].uid + ' path.point').length,
          }));
        }"""
    )
    assert counts == [{"data": len(result.frontier), "drawn": len(result.frontier)}]
    rings = view.page.evaluate(
        """() => {
          const gd = document.getElementById('frontier-plot');
          const data = JSON.parse(document.getElementById('report-data').textContent);
          return gd.data[data.solutionTraces[0]].customdata;
        }"""
    )
    assert sorted(rings) == sorted(set(result.solutions.values()))
    labels = view.page.locator("#frontier-plot .annotation-text").all_text_contents()
    for name in ("Nash", "Kalai-Smorodinsky", "Egalitarian", "Utilitarian"):
        assert any(name in label for label in labels)


def test_hover_shows_the_deal(opened):
    result, view = opened
    trace = view.page.evaluate(
        "() => JSON.parse(document.getElementById('report-data').textContent).frontierTraces[0]"
    )
    index = result.solutions["nash"]
    spot = view.point(trace, index)
    view.page.mouse.move(spot["x"], spot["y"])
    view.page.wait_for_selector("#frontier-plot .hoverlayer .hovertext")
    text = view.page.locator("#frontier-plot .hoverlayer").text_content()
    deal = result.frontier[index].deal
    # the deal number every output uses (the zone's deals from 1): Helsinki's Nash is deal 11
    assert f"Deal {result.number(index)}" in text and "Nash" in text
    assert result.number(index) == 11
    for issue, option in deal.items():
        assert f"{issue}: {option}" in text


def test_click_selects_the_row(opened):
    result, view = opened
    page = view.page
    trace = page.evaluate(
        "() => JSON.parse(document.getElementById('report-data').textContent).frontierTraces[0]"
    )
    # A point outside the zone: its row is hidden until selected.
    outside = next(i for i, p in enumerate(result.frontier) if not p.acceptable)
    assert page.locator(f"#deal-{outside}").is_hidden()
    spot = view.point(trace, outside)
    page.mouse.click(spot["x"], spot["y"])
    page.wait_for_selector(f"#deal-{outside}.selected")
    assert page.locator(f"#deal-{outside}").is_visible()
    assert page.locator("#show-outside").is_checked()
    assert page.locator("tr.deal.selected").count() == 1
    # Then a zone point: the selection moves, the panel shows its deal.
    nash = result.solutions["nash"]
    spot = view.point(trace, nash)
    page.mouse.click(spot["x"], spot["y"])
    page.wait_for_selector(f"#deal-{nash}.selected")
    assert page.locator("tr.deal.selected").count() == 1
    assert page.locator(f"#deal-{nash}").get_attribute("aria-selected") == "true"
    panel = page.locator("#selected").inner_text()
    assert "Deal 11 · Nash" in panel  # the same number as the table's # column
    assert page.locator(f"#deal-{nash} td").first.inner_text() == "11"
    assert all(str(option) in panel for option in result.frontier[nash].deal.values())
    selected = page.evaluate(
        """() => {
          const gd = document.getElementById('frontier-plot');
          const data = JSON.parse(document.getElementById('report-data').textContent);
          return gd.data[data.frontierTraces[0]].selectedpoints;
        }"""
    )
    assert selected == [nash]
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#frontier").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "helsinki-report.png"))
    page.screenshot(path=str(ARTIFACTS / "helsinki-report-full.png"), full_page=True)
    assert view.errors() == []


def test_table_sorts_by_a_column(opened):
    result, view = opened
    page = view.page
    us = next(iter(result.parties))
    header = page.locator("#zone-table thead th").nth(2)  # #, solution, then the first party
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "ascending"

    def column() -> list[float]:
        cells = page.locator("#zone-table tbody tr:not([hidden]) td:nth-child(3)")
        return [float(c) for c in cells.evaluate_all("cs => cs.map(c => c.dataset.sort)")]

    values = column()
    assert values == sorted(float(result.frontier[i].utilities[us]) for i in result.zone)
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    assert column() == sorted(values, reverse=True)


def test_hostile_text_stays_text(browser, tmp_path):
    data = hostile_toy()
    instance = dealopt.instance(data)
    path = tmp_path / "hostile.html"
    path.write_text(html(dealopt.solve(instance), instance, explanation=False), "utf-8")
    view = Page(browser, path)
    try:
        assert view.dialogs == []
        assert view.requests == [view.url]  # an <img src=x> would have asked for file:///x
        assert view.errors() == []
        assert view.page.locator("h1").inner_text() == data["name"]
        assert view.page.evaluate("() => document.querySelectorAll('main img').length") == 0
    finally:
        view.page.close()


# Named deals -----------------------------------------------------------------------------------


def test_named_deals_in_the_page_data(helsinki):
    _, path = helsinki
    page = path.read_text(encoding="utf-8")
    found = re.search(r"<script id=.report-data.[^>]*>(.*?)</script>", page, re.S)
    assert found
    data = json.loads(found.group(1))
    (k,) = data["dealTraces"]
    trace = data["figure"]["data"][k]
    # Helsinki's hand check: the status quo is (22.1, 48.2); the op-ed's bargain (30.3, 62.4)
    # is checked in tests/integration/test_evaluate_cli.py's way, from its parts.
    assert trace["customdata"] == ["oped_bargain", "helsinki_outcome"]
    assert trace["x"][1] == 22.1 and trace["y"][1] == 48.2
    assert trace["marker"]["symbol"] == ["diamond-open", "diamond-open"]  # both infeasible
    assert "<section id='deals'><h2>Deals on the table</h2>" in page
    assert "id='named-oped_bargain'" in page and "id='named-helsinki_outcome'" in page
    assert "Not seen as a Russian puppet" in page


def test_named_deals_drawn_in_the_browser(opened):
    _, view = opened
    drawn = view.page.evaluate(
        """() => {
          const gd = document.getElementById('frontier-plot');
          const data = JSON.parse(document.getElementById('report-data').textContent);
          const t = gd._fullData[data.dealTraces[0]];
          return {points: gd.querySelectorAll('.trace' + t.uid + ' path.point').length,
                  labels: Array.from(gd.querySelectorAll('.trace' + t.uid + ' text'))
                    .map(e => e.textContent)};
        }"""
    )
    assert drawn["points"] == 2
    assert drawn["labels"] == ["The op-ed's bargain", "What Helsinki agreed"]
    assert view.page.locator("#deals h3").all_text_contents() == [
        "The op-ed's bargain",
        "What Helsinki agreed",
    ]
    assert view.page.locator("#deals").is_visible()


# Three parties: the 2015 Iran nuclear deal -------------------------------------------------------

JCPOA = ROOT / "instances" / "jcpoa2015.yaml"


@pytest.fixture(scope="module")
def jcpoa(tmp_path_factory):
    instance = dealopt.load(JCPOA)
    result = dealopt.solve(instance)
    page = html(result, instance, sample=feasible_sample(instance, 2000), explanation=False)
    path = tmp_path_factory.mktemp("report") / "jcpoa.html"
    path.write_text(page, encoding="utf-8")
    return result, path


@pytest.fixture()
def opened_jcpoa(browser, jcpoa):
    result, path = jcpoa
    view = Page(browser, path)
    view.page.wait_for_selector("body[data-views-ready='true']", state="attached")
    yield result, view
    view.page.close()


def test_three_party_views_are_present_and_labelled(opened_jcpoa):
    result, view = opened_jcpoa
    assert view.errors() == []
    assert view.requests == [view.url]
    parties = ["Iran", "United States", "EU3"]  # the labels, short (no parenthesis)
    parallel = view.page.evaluate(
        """() => {
          const gd = document.getElementById('parallel-plot');
          const data = JSON.parse(document.getElementById('report-data').textContent);
          return {lines: data.parallelTraces.length,
                  ticks: Array.from(gd.querySelectorAll('.xtick text')).map(t => t.textContent),
                  ytitle: gd.querySelector('.ytitle').textContent,
                  width: gd.getBoundingClientRect().width};
        }"""
    )
    assert parallel["lines"] == len(result.zone)
    assert parallel["ticks"] == parties
    assert parallel["ytitle"].startswith("gain over no deal")
    cube = view.page.evaluate(
        """() => {
          const gd = document.getElementById('cube-plot');
          const s = gd._fullLayout.scene;
          return {titles: [s.xaxis.title.text, s.yaxis.title.text, s.zaxis.title.text],
                  points: gd.data[JSON.parse(document.getElementById('report-data')
                                   .textContent).cubeTraces[0]].x.length,
                  canvas: gd.querySelectorAll('canvas').length};
        }"""
    )
    assert cube["titles"] == parties
    assert cube["points"] == len(result.frontier)
    assert cube["canvas"] >= 1  # drawn by WebGL, headless too
    matrix = view.page.evaluate(
        """() => {
          const gd = document.getElementById('frontier-plot');
          const titles = (axis) => Array.from(gd.querySelectorAll('.infolayer text'))
            .filter(t => new RegExp('^' + axis + '[0-9]*title$').test(t.getAttribute('class')))
            .map(t => t.textContent);
          return {x: titles('x'), y: titles('y'),
                  width: gd.getBoundingClientRect().width,
                  main: document.querySelector('main').getBoundingClientRect().width};
        }"""
    )
    # Three panels, each with both axes named; no solution letters as text on the plot.
    assert sorted(matrix["x"]) == sorted(["Iran", "Iran", "United States"])
    assert sorted(matrix["y"]) == sorted(["United States", "EU3", "EU3"])
    texts = view.page.locator("#frontier-plot .textpoint").all_text_contents()
    assert texts == ["jcpoa"] * 3  # only the named deal's name, once per panel
    # The plots take the page's whole width (less its padding), not a third of it.
    assert matrix["width"] > 0.9 * (matrix["main"] - 40)
    assert parallel["width"] > 0.9 * (matrix["main"] - 40)
    ARTIFACTS.mkdir(exist_ok=True)
    view.page.screenshot(path=str(ARTIFACTS / "jcpoa-report.png"), full_page=True)


def test_the_selected_deal_panel_shows_beside_the_clicked_row(opened_jcpoa):
    result, view = opened_jcpoa
    assert view.page.locator("#selected").is_hidden()
    nash = result.solutions["nash"]
    row = view.page.locator(f"#deal-{nash}")
    row.scroll_into_view_if_needed()
    row.click()
    panel = view.page.locator("#selected")
    panel.wait_for(state="visible")
    box, viewport = panel.bounding_box(), view.page.viewport_size
    assert box is not None and viewport is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]  # on screen now
    text = panel.text_content() or ""
    assert "What makes up each utility" in text
    assert "sanctions_relief = phased_on_verification" in text
    ARTIFACTS.mkdir(exist_ok=True)
    view.page.screenshot(path=str(ARTIFACTS / "jcpoa-selected.png"))
    view.page.locator("#close-selected").click()
    assert view.page.locator("#selected").is_hidden()
    assert view.errors() == []
