"""Linkage (Sebenius's effect) and what it would take to open a zone, derived by hand.

``LINKED`` (8 deals): p, q, r each 0/1, status quo 0; groups g1 = {p}, g2 = {q}; r is in no
group, so it forms ``(ungrouped)``. a gains 10 on p and loses 4 on q, b the reverse, both gain
0.5 on r; no-deal values 1 and 1. Utilities (a, b):

    p q r    a     b         p q r    a     b
    0 0 0    0     0         1 0 0    10   -4
    0 0 1    0.5   0.5       1 0 1    10.5 -3.5
    0 1 0   -4     10        1 1 0    6     6
    0 1 1   -3.5   10.5      1 1 1    6.5   6.5

Acceptable (both >= 1): 110 and 111. Alone, with the other issues at the status quo: g1 gives
(0,0) or (10,-4), g2 (0,0) or (-4,10), r (0,0) or (0.5,0.5): no zone. Linked g1 + g2: (6,6);
all three: zone {(6.5, 6.5)} (it dominates (6,6)). Without g1 (q and r): no zone; without g2:
none; without r: zone {(6,6)}. Every subset: only {g1, g2} and {g1, g2, r} have an acceptable
deal, so the one minimal linkage is {g1, g2}, both needed, and the effect holds.

What it would take, with both no-deal values at 7 (no acceptable deal: the best is 6.5 each):
a's best while b >= 7 is -3.5 (011: b 10.5; 010 gives -4), so a must drop by 10.5 to -3.5, and
the zone at that value is the single point (-3.5, 10.5), deal p0 q1 r1. Symmetrically for b.
The only conflict is the two no-deal values together (each alone is met by 101 or 011).
"""

from __future__ import annotations

import copy

import pytest

import dealopt
from dealopt.analysis.explain import explain
from dealopt.analysis.linkage import UNGROUPED, linkage
from dealopt.analysis.space import Space
from dealopt.analysis.what_it_takes import what_it_takes

BACKENDS = ["enumerate", "cpsat"]

LINKED = {
    "dealopt": 1,
    "name": "linked",
    "parties": {"a": {"no_deal": 1}, "b": {"no_deal": 1}},
    "issues": {"p": {"range": [0, 1]}, "q": {"range": [0, 1]}, "r": {"range": [0, 1]}},
    "interests": {
        "a": {"weights": {"p": 10, "q": -4, "r": 0.5}, "scores": dict.fromkeys("pqr", "linear")},
        "b": {"weights": {"p": -4, "q": 10, "r": 0.5}, "scores": dict.fromkeys("pqr", "linear")},
    },
    "groups": {"g1": ["p"], "g2": ["q"]},
}


def vectors(zone):
    return [(p.utilities["a"], p.utilities["b"]) for p in zone.points]


@pytest.mark.parametrize("backend", BACKENDS)
def test_sebenius_effect(backend):
    space = Space.build(dealopt.instance(LINKED), backend=backend)
    lk = linkage(space)
    assert list(lk.groups) == ["g1", "g2", UNGROUPED]
    assert lk.groups[UNGROUPED] == ("r",)
    assert [s.acceptable for s in lk.alone] == [False, False, False]
    assert [vectors(s.zone) for s in lk.without] == [[], [], [(6, 6)]]
    assert vectors(lk.linked.zone) == [(6.5, 6.5)]
    opening = [s.groups for s in lk.subsets if s.acceptable]
    assert opening == [("g1", "g2"), ("g1", "g2", UNGROUPED)]
    assert lk.minimal == (("g1", "g2"),)
    assert lk.needed == ("g1", "g2")
    assert lk.effect


def test_no_groups_no_linkage():
    data = copy.deepcopy(LINKED)
    del data["groups"]
    assert linkage(Space.build(dealopt.instance(data))) is None


def test_a_group_alone_with_a_zone_is_no_effect():
    data = copy.deepcopy(LINKED)
    # No-deal values 0.5: r alone gives (0.5, 0.5), acceptable; g1 + g2 still gives (6, 6).
    data["parties"] = {"a": {"no_deal": 0.5}, "b": {"no_deal": 0.5}}
    lk = linkage(Space.build(dealopt.instance(data)))
    assert [s.acceptable for s in lk.alone] == [False, False, True]
    assert lk.minimal == ((UNGROUPED,), ("g1", "g2")) and not lk.effect
    assert lk.needed == ()


@pytest.mark.parametrize("backend", BACKENDS)
def test_what_it_would_take(backend):
    data = copy.deepcopy(LINKED)
    data["parties"] = {"a": {"no_deal": 7}, "b": {"no_deal": 7}}
    space = Space.build(dealopt.instance(data), backend=backend)
    zone = space.zone()
    assert not len(zone)
    wt = what_it_takes(space, zone, feasible=True)
    assert wt.status == "no-acceptable-deal"
    a, b = wt.openings
    assert (a.party, a.reachable, a.decrease) == ("a", -3.5, 10.5)
    assert vectors(a.zone) == [(-3.5, 10.5)]
    assert a.zone.solution("nash").deal == {"p": 0, "q": 1, "r": 1}
    assert (b.party, b.reachable, b.decrease) == ("b", -3.5, 10.5)
    assert b.zone.solution("nash").deal == {"p": 1, "q": 0, "r": 1}


def test_no_decrease_alone_can_help_when_the_others_cannot_be_met():
    data = copy.deepcopy(LINKED)
    data["parties"] = {"a": {"no_deal": 11}, "b": {"no_deal": 11}}  # nobody reaches 11
    space = Space.build(dealopt.instance(data))
    wt = what_it_takes(space, space.zone(), feasible=True)
    assert [(o.party, o.reachable, o.decrease) for o in wt.openings] == [
        ("a", None, None),
        ("b", None, None),
    ]


@pytest.mark.parametrize("backend", BACKENDS)
def test_explain_with_an_empty_zone(backend):
    data = copy.deepcopy(LINKED)
    data["parties"] = {"a": {"no_deal": 7}, "b": {"no_deal": 7}}
    ex = explain(dealopt.instance(data), backend=backend)
    assert ex.status == "no-acceptable-deal"
    assert [[e.key for e in c.elements] for c in ex.conflicts.conflicts] == [
        [("no_deal", "a", 0), ("no_deal", "b", 1)]
    ]
    assert not ex.linkage.minimal and not ex.linkage.effect
    text = " ".join(ex.text().split())
    assert "a: lower its no-deal value by 10.5, from 7 to -3.5" in text
    assert "The deal then agreed (Nash): a -3.5, b 10.5; it moves q=1 r=1." in text
    data = ex.to_dict()
    assert data["what_it_takes"]["openings"][0]["decrease"] == 10.5


@pytest.mark.parametrize("backend", BACKENDS)
def test_explain_linkage_switch(backend):
    inst = dealopt.instance(LINKED)
    assert explain(inst, backend=backend).linkage.effect
    off = explain(inst, backend=backend, linkage_groups=False)
    assert off.linkage is None and off.stopped["linkage"] == "not asked"
    assert "Sebenius's effect holds" in " ".join(explain(inst).text().split())
