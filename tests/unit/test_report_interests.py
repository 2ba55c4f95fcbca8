"""The report shows the interests the instance assumes, and the parts of each party's utility
of every frontier deal (for the selected-deal panel). Values worked by hand."""

from __future__ import annotations

import json
import re
from fractions import Fraction

import dealopt
from dealopt.analysis.breakdown import utility_parts
from dealopt.report.html import html
from dealopt.rules.oracle import Oracle

TOY = {
    "dealopt": 1,
    "name": "Toy",
    "parties": {"a": {"label": "Alpha", "no_deal": 2}, "b": {"label": "Beta"}},
    "issues": {"price": {"range": [0, 8]}, "extras": {"options": ["none", "some", "all"]}},
    "interests": {
        "a": {"scores": {"price": "linear", "extras": {"none": 4, "some": 2, "all": 0}}},
        "b": {
            "weights": {"price": -1, "extras": 1.5},
            "scores": {"price": "linear", "extras": {"none": 0, "some": 5, "all": 7}},
            "terms": [{"label": "Bonus for all extras", "when": "extras == all", "value": 3}],
        },
    },
}


def _page() -> str:
    instance = dealopt.instance(TOY)
    return html(dealopt.solve(instance), instance, explanation=False, evaluation=False)


def test_parts_sum_to_the_utility_worked_by_hand():
    instance = dealopt.instance(TOY)
    parts = utility_parts(Oracle(instance), {"price": 3, "extras": "all"})
    # Alpha: price 3 (linear, weight 1) + extras all 0. Beta: -3 + 1.5 x 7 + the term 3.
    assert [(p.name, p.value) for p in parts["a"]] == [("price", 3), ("extras", 0)]
    assert [(p.kind, p.name, p.value) for p in parts["b"]] == [
        ("issue", "price", -3),
        ("issue", "extras", Fraction(21, 2)),
        ("term", "Bonus for all extras", 3),
    ]


def test_the_instance_section_shows_weights_scores_terms_and_no_deal_values():
    page = _page()
    section = page.split("What the instance assumes", 1)[1]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))
    assert "Interests" in text
    # Beta's no-deal value is its utility of the status quo (price 0, extras none): 0.
    assert "Beta · no-deal value 0 (its utility of the status quo)" in text
    assert "Alpha · no-deal value 2 (as given)" in text
    assert "extras 1.5 none 0, some 5, all 7" in text
    assert "price 1 linear: the score is the value itself" in text
    assert "Bonus for all extras extras == all 3" in text


def test_each_frontier_point_carries_its_parts():
    page = _page()
    data = json.loads(
        re.search(r'<script id="report-data" type="application/json">(.*?)</script>', page)
        .group(1)
        .encode()
        .decode("unicode_escape")
    )
    result = dealopt.solve(dealopt.instance(TOY))
    assert len(data["points"]) == len(result.frontier)
    for point, detail in zip(result.frontier, data["points"], strict=True):
        beta = dict(detail["parts"])["Beta"]
        extras = point.deal["extras"]
        expected = [[f"price = {point.deal['price']}", str(-point.deal["price"])]]
        if not point.deal["price"]:
            expected = []
        worth = {"none": "0", "some": "7.5", "all": "10.5"}[extras]
        if extras != "none":
            expected.append([f"extras = {extras}", worth])
        if extras == "all":
            expected.append(["term: Bonus for all extras", "3"])
        assert beta == expected
