"""Backbone, alignments, red-line prices and headroom on a small trade, all derived by hand.

The instance ``TRADE`` (54 deals), both backends. Parties a (no-deal 11) and b (no-deal 9);
weights 1; ``w`` is scored by nobody.

    issue  values       a scores        b scores
    x      x0 x1 x2     0  5  10        10  7  0
    y      y0 y1 y2     10 6  0         0   5  10
    z      z0 z1        0  3            0   4
    w      w0 w1 w2     -               -

    red lines  a: "y != y2"; a: "not (x == x1 and z == z1)"; b: "w != w2"
    rules      "w >= w1"; "x == x0 -> z == z0"

Feasible deals: w is w1 (rule + b's red line), y is y0 or y1 (a's first red line), z0 with x0
and x1 (rule, a's second red line), z free with x2. Utilities (a, b):

    x0 y0 z0 (10,10)   x0 y1 z0 (6,15)
    x1 y0 z0 (15,7)    x1 y1 z0 (11,12)
    x2 y0 z0 (20,0)    x2 y0 z1 (23,4)    x2 y1 z0 (16,5)    x2 y1 z1 (19,9)

Acceptable (a >= 11, b >= 9): x1 y1 z0 w1 (11,12) and x2 y1 z1 w1 (19,9): neither dominates,
so the zone is both. Nash: both products are 0 ((11-11)·3 and 8·(9-9)); the tie goes to the
larger sum, 28: (19,9); so do K-S (ratios 0 for both: tie, sum), egalitarian and utilitarian.

Backbone: x in {x1, x2} ("at least x1"), y forced y1, z free, w forced w1.

Alignments: x moves in both (a's score rises 0->5 or 10: a gains; b's falls 10->7 or 0: b
gives); y moves to y1 (a 10->6 gives, b 0->5 gains); w moves to w1 (nobody scores it:
neutral); z moves to z1 in (19,9) (both gain) and stays in (11,12). Two alignments differing
only in z; the acceptable set has the same two structures.

Prices (zone without the red line; Nash re-picked with d = (11, 9)):
* a "y != y2": adds x0y2z0 (0,20), x1y2z0 (5,17), x2y2z0 (10,10), x2y2z1 (13,14); only
  (13,14) is acceptable, and it dominates (11,12). Zone {(19,9), (13,14)}: 2 points (+0);
  best a 19 (+0), best b 14 (+2); Nash (13,14) (product 2·5 = 10 > 0): a 19->13 (-6),
  b 9->14 (+5).
* a "not (x1 and z1)": adds x1y0z1 (18,11), x1y1z1 (14,16), both acceptable; (14,16)
  dominates (11,12). Zone {(19,9), (18,11), (14,16)}: 3 points (+1); best b 16 (+4); Nash
  (14,16) (3·7 = 21 > 7·2 = 14): a -5, b +7.
* b "w != w2": only copies with w2 (same utilities): no effect.

Headroom: a's best zone utility 19 (room +8), b's 12 (room +3).
"""

from __future__ import annotations

from fractions import Fraction as F

import pytest

import dealopt
from dealopt.analysis.alignments import IssueMove, shared, structure, words
from dealopt.analysis.backbone import backbone
from dealopt.analysis.explain import explain
from dealopt.analysis.prices import red_line_prices
from dealopt.analysis.space import Space
from dealopt.analysis.what_it_takes import what_it_takes

BACKENDS = ["enumerate", "cpsat"]

TRADE = {
    "dealopt": 1,
    "name": "trade",
    "parties": {"a": {"label": "Alpha", "no_deal": 11}, "b": {"label": "Beta", "no_deal": 9}},
    "issues": {
        "x": {"options": ["x0", "x1", "x2"]},
        "y": {"options": ["y0", "y1", "y2"]},
        "z": {"options": ["z0", "z1"]},
        "w": {"options": ["w0", "w1", "w2"]},
    },
    "interests": {
        "a": {
            "scores": {
                "x": {"x0": 0, "x1": 5, "x2": 10},
                "y": {"y0": 10, "y1": 6, "y2": 0},
                "z": {"z0": 0, "z1": 3},
            }
        },
        "b": {
            "scores": {
                "x": {"x0": 10, "x1": 7, "x2": 0},
                "y": {"y0": 0, "y1": 5, "y2": 10},
                "z": {"z0": 0, "z1": 4},
            }
        },
    },
    "red_lines": {
        "a": [
            {"label": "never y2", "rule": "y != y2"},
            {"label": "not x1 with z1", "rule": "not (x == x1 and z == z1)"},
        ],
        "b": [{"label": "never w2", "rule": "w != w2"}],
    },
    "rules": [
        {"label": "w at least w1", "rule": "w >= w1"},
        {"label": "x0 keeps z0", "rule": "x == x0 -> z == z0"},
    ],
}

HIGH = {"x": "x2", "y": "y1", "z": "z1", "w": "w1"}  # (19, 9)
LOW = {"x": "x1", "y": "y1", "z": "z0", "w": "w1"}  # (11, 12)


@pytest.fixture(params=BACKENDS)
def space(request) -> Space:
    return Space.build(dealopt.instance(TRADE), backend=request.param)


def vectors(zone) -> list[tuple[F, F]]:
    return [(p.utilities["a"], p.utilities["b"]) for p in zone.points]


def test_zone_and_nash(space):
    zone = space.zone()
    assert vectors(zone) == [(19, 9), (11, 12)]
    assert zone.solution("nash").deal == HIGH


def test_backbone(space):
    bb = backbone(space)
    assert bb.issue("x").possible == ("x1", "x2")
    assert bb.issue("x").at_least == "x1" and bb.issue("x").at_most is None
    assert bb.issue("y").forced == "y1" and bb.issue("y").excluded == ("y0", "y2")
    assert bb.issue("z").possible == ("z0", "z1") and bb.issue("z").sentence() is None
    assert bb.forced == {"y": "y1", "w": "w1"}
    assert bb.sentences() == [
        "x is at least x1 (x1 or x2) in every acceptable deal",
        "y is y1 in every acceptable deal",
        "w is w1 in every acceptable deal",
    ]
    assert bb.solves <= 11  # one per option at most, fewer thanks to reused deals


def test_backbone_seeded_by_known_deals_needs_fewer_solves(space):
    cold = backbone(space)
    warm = backbone(space, [HIGH, LOW, {"x": "x0", "y": "y0", "z": "z0", "w": "w0"}])
    assert warm.issues == cold.issues
    assert warm.seeded_from == 2  # the third deal is not acceptable (w0 breaks a rule)
    # Seen: x1 x2 y1 z0 z1 w1; solved: x0 y0 y2 w0 w2 (all infeasible within the bounds).
    assert warm.solves == 5


def test_structure_of_a_deal():
    inst = dealopt.instance(TRADE)
    assert structure(inst, HIGH) == (
        IssueMove("x", True, ("b",), ("a",)),
        IssueMove("y", True, ("a",), ("b",)),
        IssueMove("z", True, (), ("a", "b")),
        IssueMove("w", True, (), ()),
    )
    assert structure(inst, LOW)[2] == IssueMove("z", False)


def test_alignments(space):
    from dealopt.analysis.alignments import alignments

    al = alignments(space, space.zone())
    assert not al.only and len(al.zone) == 2
    assert [a.size for a in al.zone] == [1, 1]
    common, differ = shared([a.structure for a in al.zone])
    assert differ == ["z"]
    assert [m.issue for m in common] == ["x", "y", "w"]
    labels = {"a": "Alpha", "b": "Beta"}
    assert words(common, labels) == (
        "Alpha gives y to Beta; Beta gives x to Alpha; moved, no party's score changes: w"
    )
    first = al.zone[0]
    assert first.utility_range("a") == (19, 19)
    assert first.options("x", ("x0", "x1", "x2")) == ("x2",)
    assert al.acceptable_deals == 2 and al.acceptable_complete
    assert {a.structure for a in al.acceptable} == {a.structure for a in al.zone}


def test_red_line_prices(space):
    prices = red_line_prices(space, space.zone())
    by_label = {p.red_line.label: p for p in prices.prices}
    assert list(by_label) == ["never y2", "not x1 with z1", "never w2"]

    y2 = by_label["never y2"]
    assert vectors(y2.zone) == [(19, 9), (13, 14)]
    assert prices.zone_gain(y2) == 0
    assert prices.rise(y2, "a", "best") == 0 and prices.rise(y2, "b", "best") == 2
    assert prices.rise(y2, "a", "nash") == -6 and prices.rise(y2, "b", "nash") == 5

    x1z1 = by_label["not x1 with z1"]
    assert vectors(x1z1.zone) == [(19, 9), (18, 11), (14, 16)]
    assert prices.zone_gain(x1z1) == 1
    assert prices.rise(x1z1, "b", "best") == 4
    assert prices.rise(x1z1, "a", "nash") == -5 and prices.rise(x1z1, "b", "nash") == 7

    w2 = by_label["never w2"]
    assert vectors(w2.zone) == vectors(prices.base)
    assert prices.rise(w2, "b", "nash") == 0


def test_headroom(space):
    wt = what_it_takes(space, space.zone(), feasible=True)
    assert wt.status == "zone"
    assert [(h.party, h.highest, h.rise) for h in wt.headroom] == [("a", 19, 8), ("b", 12, 3)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_explain_puts_it_together(backend):
    ex = explain(dealopt.instance(TRADE), backend=backend)
    assert ex.status == "zone"
    assert ex.conflicts.status == "none"
    assert ex.linkage is None and ex.stopped["linkage"] == "no groups"
    text = " ".join(ex.text().split())  # wrapping aside
    assert "the zone's 2 deals fall into 2 alignments" in text
    assert "They differ only in z" in text
    assert "x is at least x1 (x1 or x2) in every acceptable deal." in text
    data = ex.to_dict()
    assert data["schema"] == "dealopt.explanation/1"
    assert data["alignments"]["count"] == 2 and data["alignments"]["differ"] == ["z"]
    assert data["backbone"]["issues"][1]["forced"] == "y1"
