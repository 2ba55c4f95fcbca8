"""The HTML report under an acceptance rule and with stages: the zone's definition names the
rule, its veto players and pivotal parties; the selected-deal panel says who decides; staged
issues show as schedules (one column per stage) in the panel and the zone table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import dealopt
from dealopt.report.html import html
from dealopt.spec import from_data

pytest.importorskip("plotly")

ROOT = Path(__file__).resolve().parents[2]

RULED = {
    "dealopt": 1,
    "name": "veto and one of two",
    "parties": {p: {"no_deal": 1} for p in "abc"},
    "issues": {"x": {"options": ["x0", "x1", "x2"]}, "y": {"options": ["y0", "y1"]}},
    "interests": {
        "a": {"weights": {"x": 1, "y": 1}, "scores": {"x": {"x1": 1, "x2": 2}, "y": {"y1": 1}}},
        "b": {"weights": {"x": 1, "y": 1}, "scores": {"x": {"x0": 2, "x1": 1}, "y": {"y1": 1}}},
        "c": {"weights": {"x": 1, "y": 1}, "scores": {"x": {"x0": 1, "x1": 2}, "y": {"y0": 1}}},
    },
    "acceptance": {"veto": ["a"], "at_least": [{"count": 1, "of": ["b", "c"]}]},
}


def _data(page: str) -> dict:
    start = page.index('<script id="report-data"')
    body = page[page.index(">", start) + 1 : page.index("</script>", start)]
    return json.loads(body)


def test_the_zone_is_defined_by_the_rule() -> None:
    instance = from_data(RULED)
    page = html(dealopt.solve(instance, backend="enumerate"), instance, explanation=False)
    # Zone worked by hand (tests/unit/test_acceptance_explain.py): 4 points; a is the veto
    # player; a and b are pivotal (b at x2y1, where c gets 0).
    assert "The 4 frontier deals the acceptance rule passes (a must accept; at least 1 of" in page
    assert "Veto players: a. Pivotal in the zone (some zone deal fails without them): a, b" in page
    assert "frontier deals every party prefers to no deal" not in page
    verdicts = [p["verdict"] for p in _data(page)["points"]]
    assert verdicts[0] == "In the zone: the acceptance rule passes it. Pivotal: a, b."
    assert verdicts[1:] == ["In the zone: the acceptance rule passes it. Pivotal: a."] * 3


def test_unanimity_keeps_its_words() -> None:
    data = {k: v for k, v in RULED.items() if k != "acceptance"}
    instance = from_data(data)
    page = html(dealopt.solve(instance, backend="enumerate"), instance, explanation=False)
    assert "The 3 frontier deals every party prefers to no deal." in page
    assert "acceptance rule" not in page


def test_staged_deals_show_as_schedules() -> None:
    instance = dealopt.load(ROOT / "instances/helsinki2018_staged.yaml")
    result = dealopt.solve(instance, backend="cpsat", threads=1, seed=0)
    page = html(result, instance, explanation=False)
    stages = "<th scope='col'>before_midterms</th><th scope='col'>after_midterms</th>"
    # One schedule per staged issue in every frontier row, and no per-stage column.
    assert page.count(f"<table class='schedule'><thead><tr>{stages}") >= 2 * len(result.frontier)
    assert "<button type='button'>sanctions@before_midterms</button>" not in page
    assert "<button type='button'>sanctions</button>" in page
    for point, detail in zip(result.frontier, _data(page)["points"], strict=True):
        rows = {r[0]: r[1] for r in detail["rows"]}
        assert "sanctions@after_midterms" not in rows
        after = str(point.deal["sanctions@after_midterms"])
        assert f">{after}</td></tr></tbody></table>" in rows["sanctions"]
