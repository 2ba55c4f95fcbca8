"""What the HTML report says in words and numbers (issue 15): deal numbers, rounding,
partial results. The page's layout and pictures are tested in ``test_html_report.py``."""

from __future__ import annotations

import json
import re
from fractions import Fraction

import dealopt
from dealopt.frontier import runner as frontier_runner
from dealopt.report.html import html

# 31/6 and 16/3: utilities no decimal writes exactly
THIRDS = {
    "dealopt": 1,
    "name": "thirds",
    "parties": {"a": {"no_deal": 1}, "b": {"no_deal": 1}},
    "issues": {"x": {"options": ["p", "q", "r"]}, "y": {"options": ["s", "t"]}},
    "interests": {
        "a": {"scores": {"x": {"p": 6, "q": 3}, "y": {"s": 1}}},
        "b": {
            "scores": {"x": {"q": 3, "r": 6}, "y": {"t": 2}},
            "terms": [{"label": "third", "when": "y == t", "value": "-2 / 3"}],
        },
    },
}


def _text(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_report_numbers_are_rounded_decimals_said_once():
    instance = dealopt.instance(THIRDS)
    result = dealopt.solve(instance)
    assert any(u.denominator == 3 for p in result.frontier for u in p.utilities.values())
    page = html(result, instance, explanation=False)
    body = page.split("<script", 1)[0]  # the page text, not the embedded plotting library
    assert not re.search(r"\b\d+/3\b", body)  # no exact fraction shown
    assert "~" not in _text(body)
    assert _text(body).count("Numbers are rounded to 2 decimals") == 1
    # the selected-deal panel's data: rounded too (issue 15 saw 6818/95 there)
    data = json.loads(
        page.split('<script id="report-data" type="application/json">')[1].split("</script>")[0]
    )
    shown = json.dumps(data["points"])
    assert not re.search(r"\d/3", shown)


def test_report_numbers_deals_as_every_output_does():
    instance = dealopt.instance(THIRDS)
    result = dealopt.solve(instance)
    page = html(result, instance, explanation=False)
    nash = result.solutions["nash"]
    row = re.search(rf"<tr id='deal-{nash}'[^>]*><td[^>]*>([^<]*)</td>", page)
    assert row is not None and row.group(1) == str(result.number(nash))
    assert result.number(nash) == result.zone.index(nash) + 1
    assert _text(page).count("Deals are numbered from 1 in frontier order") == 1


def test_partial_report_says_it_is_over_the_points_so_far(monkeypatch):
    real_remaining = frontier_runner.Run.remaining

    def remaining(self):
        if len(self.points) >= 2:
            raise frontier_runner.Stop("time limit")
        return real_remaining(self)

    monkeypatch.setattr(frontier_runner.Run, "remaining", remaining)
    instance = dealopt.instance(THIRDS)
    result = dealopt.solve(instance, backend="cpsat", time_limit=60)
    assert str(result.status) == "partial"
    text = _text(html(result, instance, explanation=False))
    assert "over the points proven so far" in text
    assert "The Nash deal gives" not in text
    assert Fraction(1) in result.no_deal.values()


HOSTILE = {
    **THIRDS,
    "parties": {
        "a": {"label": "<script>alert(1)</script>", "no_deal": 1},
        "b": {"label": "B & <b>C</b>", "no_deal": 1},
    },
}


def test_report_explanation_is_structured_html_with_its_questions():
    """Issue 15, item 7: the explanation was grey monospace text broken mid-word."""
    instance = dealopt.instance(HOSTILE)
    page = html(dealopt.solve(instance), instance)
    section = page.split("<section id='explanation'>", 1)[1].split("</section>", 1)[0]
    assert "<pre>" not in section
    assert "<dl class='qa'><dt>Is there only one way the parties can align" in section
    assert "<p class='question'>What does every acceptable deal have in common?</p>" in section
    assert "<h3>1. Zone and alignments</h3>" in section and "<table>" in section
    assert "\x1e" not in section  # no layout mark left over
    assert "<script>" not in section and "&lt;script&gt;alert(1)" in section  # escaped
    assert "<b>C</b>" not in section
