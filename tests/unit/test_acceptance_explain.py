"""explain and evaluate under an acceptance rule, on cases worked by hand.

Three parties a, b, c (no-deal value 1 each), issues x (x0, x1, x2) and y (y0, y1); the
utilities, from the scores below:

    deal   a  b  c          deal   a  b  c
    x0y0   0  2  2          x1y1   2  2  2
    x0y1   1  3  1          x2y0   2  0  1
    x1y0   1  1  3          x2y1   3  1  0

Rule: a has a veto, and at least 1 of b, c. The frontier is x2y1, x1y1, x0y1, x1y0 (x0y0 and
x2y0 are dominated by x1y1); the rule passes all four (a >= 1 and b or c >= 1), so the zone has
4 points, where unanimity would drop x2y1 (c = 0). Pivotal: at x2y1 the accepting set is
{a, b}, both pivotal; at the others it is {a, b, c}, only a pivotal. Acceptable deals: every
deal but x0y0 (a = 0), so 5.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

import dealopt
from dealopt.analysis.acceptance import minimal_coalitions
from dealopt.analysis.evaluate import evaluate
from dealopt.analysis.explain import explain
from dealopt.spec import from_data

BACKENDS = ("enumerate", "cpsat")


def _data(no_deal: dict[str, int] | None = None, rule: bool = True) -> dict[str, Any]:
    nd = no_deal or {"a": 1, "b": 1, "c": 1}
    data: dict[str, Any] = {
        "dealopt": 1,
        "name": "veto and one of two",
        "parties": {p: {"no_deal": nd[p]} for p in "abc"},
        "issues": {"x": {"options": ["x0", "x1", "x2"]}, "y": {"options": ["y0", "y1"]}},
        "interests": {
            "a": {"weights": {"x": 1, "y": 1}, "scores": {"x": {"x1": 1, "x2": 2}, "y": {"y1": 1}}},
            "b": {"weights": {"x": 1, "y": 1}, "scores": {"x": {"x0": 2, "x1": 1}, "y": {"y1": 1}}},
            "c": {"weights": {"x": 1, "y": 1}, "scores": {"x": {"x0": 1, "x1": 2}, "y": {"y0": 1}}},
        },
        "deals": {
            "all_to_a_b": {"choose": {"x": "x2", "y": "y0"}},
            "nothing_for_a": {"choose": {"x": "x0", "y": "y0"}},
        },
    }
    if rule:
        data["acceptance"] = {"veto": ["a"], "at_least": [{"count": 1, "of": ["b", "c"]}]}
    return data


def _vectors(zone) -> list[tuple[Fraction, ...]]:
    return [tuple(p.utilities[q] for q in "abc") for p in zone.points]


def test_minimal_winning_coalitions_by_hand() -> None:
    instance = from_data(_data())
    assert minimal_coalitions(instance.acceptance, ("a", "b", "c")) == (
        frozenset("ab"),
        frozenset("ac"),
    )
    unanimous = from_data(_data(rule=False))
    assert minimal_coalitions(unanimous.acceptance, ("a", "b", "c")) == (frozenset("abc"),)


@pytest.mark.parametrize("backend", BACKENDS)
def test_explain_zone_pivotal_and_blockers_by_hand(backend: str) -> None:
    ex = explain(from_data(_data()), backend=backend)
    assert ex.status == "zone"
    assert ex.zone is not None
    assert _vectors(ex.zone) == [(3, 1, 0), (2, 2, 2), (1, 3, 1), (1, 1, 3)]
    assert ex.pivotal == (("a", "b"), ("a",), ("a",), ("a",))
    assert ex.acceptance is not None
    assert ex.acceptance.veto_players == ("a",)
    assert ex.acceptance.pivotal == ("a", "b")
    # x0y0 gives a 0 < 1: the veto player blocks it; x2y0 (2, 0, 1) passes with a and c.
    assert ex.blocked == {"nothing_for_a": ("a",)}
    assert ex.alignments is not None and ex.alignments.acceptable_deals == 5
    # Nash over the veto player's gain alone: a's best, x2y1.
    assert ex.zone.solution("nash").deal == {"x": "x2", "y": "y1"}
    # Headroom: a is pivotal everywhere, so up to its best zone utility 3; b and c never are.
    assert ex.what_it_takes is not None
    rises = {h.party: h.highest for h in ex.what_it_takes.headroom}
    assert rises == {"a": 3, "b": None, "c": None}
    assert ex.backbone is not None and not ex.backbone.forced
    text = ex.text()
    assert "Veto players: a." in text
    assert "Named deal nothing_for_a does not pass: a would block it." in text
    assert "b without limit" in text
    body = ex.to_dict()["acceptance"]
    assert body["zone_pivotal"] == [["a", "b"], ["a"], ["a"], ["a"]]
    assert body["blocked"] == {"nothing_for_a": ["a"]}


@pytest.mark.parametrize("backend", BACKENDS)
def test_unanimity_is_unchanged(backend: str) -> None:
    ex = explain(from_data(_data(rule=False)), backend=backend)
    assert ex.zone is not None
    assert _vectors(ex.zone) == [(2, 2, 2), (1, 3, 1), (1, 1, 3)]
    assert ex.acceptance is None and ex.pivotal == () and ex.blocked == {}
    assert "acceptance" not in ex.to_dict() or ex.to_dict()["acceptance"] is None


@pytest.mark.parametrize("backend", BACKENDS)
def test_what_it_takes_to_open_a_zone_under_the_rule(backend: str) -> None:
    """No-deal values a 3, b 2, c 3: only x2y1 gives a 3, and there b has 1 and c 0: no zone.

    a: coalition {a, b} (b >= 2: x0y0, x0y1, x1y1) gives a at most 2; {a, c} (c >= 3: x1y0)
    gives 1: a must come down 3 -> 2. b: with a >= 3 (x2y1) b gets 1: 2 -> 1. c: with a >= 3,
    c gets 0: 3 -> 0.
    """
    ex = explain(from_data(_data({"a": 3, "b": 2, "c": 3})), backend=backend)
    assert ex.status == "no-acceptable-deal"
    assert ex.what_it_takes is not None
    reach = {o.party: o.reachable for o in ex.what_it_takes.openings}
    assert reach == {"a": 2, "b": 1, "c": 0}
    opened = {o.party: _vectors(o.zone) for o in ex.what_it_takes.openings}
    # a at 2: x1y1 (2, 2, 2) passes with a and b; x2y1 (3, 1, 0) fails (b 1 < 2, c 0 < 3).
    assert opened["a"] == [(2, 2, 2)]
    assert "the acceptance rule passes none" in ex.text()


@pytest.mark.parametrize("backend", BACKENDS)
def test_evaluate_says_who_blocks_and_who_is_pivotal(backend: str) -> None:
    ev = evaluate(from_data(_data()), backend=backend)
    blocked = ev.deal("nothing_for_a")
    assert not blocked.acceptable and blocked.blockers == ("a",) and blocked.pivotal is None
    passed = ev.deal("all_to_a_b")  # x2y0: (2, 0, 1), accepted by a and c, both needed
    assert passed.acceptable and passed.pivotal == ("a", "c") and passed.blockers is None
    # Improvements keep "no party worse off", whatever the rule: x1y1 (2, 2, 2) for x2y0.
    assert passed.improvements["max_min_gain"] is not None
    assert passed.improvements["max_min_gain"].deal == {"x": "x1", "y": "y1"}
    text = ev.text()
    assert "does not pass the acceptance rule (blocked by a)" in text
    assert "passes the acceptance rule (pivotal: a, c)" in text
    deals = ev.to_dict()["deals"]
    assert deals[0]["pivotal"] == ["a", "c"] and deals[1]["blockers"] == ["a"]


def test_solve_and_explain_agree_on_the_zone() -> None:
    instance = from_data(_data())
    result = dealopt.solve(instance, backend="enumerate")
    ex = explain(instance, backend="enumerate")
    assert ex.zone is not None
    zone = [tuple(result.frontier[i].utilities[q] for q in "abc") for i in result.zone]
    assert sorted(zone) == sorted(_vectors(ex.zone))
