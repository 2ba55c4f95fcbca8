"""Minimal conflicts, derived by hand: two overlapping ones, and the no-deal conflicts.

``CLASH`` (6 deals): s in {s0, s1, s2}, t in {t0, t1}; lenient no-deal values (-1000), so only
the rules and red lines matter. Its elements, in element order (rules, red lines by party,
no-deal values):

    r0  rule        s == s1 -> t == t0
    r1  rule        t == t1 -> s == s0
    a0  red line a  s >= s1
    a1  red line a  t == t1
    b0  red line b  s <= s1

Which elements each deal satisfies:

    s0 t0: r0 r1 b0            s0 t1: r0 r1 a1 b0
    s1 t0: r0 r1 a0 b0         s1 t1: a0 a1 b0
    s2 t0: r0 r1 a0            s2 t1: r0 a0 a1

A set holds together iff one deal satisfies all of it. Without a0, s0 t1 satisfies everything
else; without a1, s1 t0 does: every conflict contains a0 and a1. a0 + a1 force s >= s1 and t1;
r1 then demands s0: {r1, a0, a1} is a conflict (its pairs are satisfied by s0 t1, s1 t0 and
s1 t1). Without r1, r0 forbids s1 (t is t1) and b0 forbids s2: {r0, a0, a1, b0} is a conflict
(its triples: s1 t0, s1 t1, s2 t1, s0 t1). These two, overlapping in {a0, a1}, are all.

``TRADE`` with a's no-deal value raised to 20 (see test_explain_trade.py for the table): a >= 20
needs x2 and y0 (10 + 10), which leaves b at most 4 < 9, whatever the rules: the only conflict
is the two no-deal values.
"""

from __future__ import annotations

import copy

import pytest
from test_explain_trade import TRADE

import dealopt
from dealopt.analysis.conflicts import find_conflicts, minimal_hitting_sets, shrink
from dealopt.analysis.explain import explain
from dealopt.analysis.space import Space
from dealopt.analysis.switches import build_switched, elements

BACKENDS = ["enumerate", "cpsat"]

CLASH = {
    "dealopt": 1,
    "name": "clash",
    "parties": {"a": {"no_deal": -1000}, "b": {"no_deal": -1000}},
    "issues": {"s": {"options": ["s0", "s1", "s2"]}, "t": {"options": ["t0", "t1"]}},
    "interests": {"a": {"scores": {"s": {"s2": 1}}}, "b": {"scores": {"t": {"t0": 1}}}},
    "rules": [
        {"label": "s1 needs t0", "rule": "s == s1 -> t == t0"},
        {"label": "t1 needs s0", "rule": "t == t1 -> s == s0"},
    ],
    "red_lines": {
        "a": [
            {"label": "a: s at least s1", "rule": "s >= s1"},
            {"label": "a: t1", "rule": "t == t1"},
        ],
        "b": [{"label": "b: s at most s1", "rule": "s <= s1"}],
    },
}


def labels(conflicts) -> list[list[str]]:
    return [[e.label for e in c.elements] for c in conflicts.conflicts]


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_overlapping_conflicts(backend):
    space = Space.build(dealopt.instance(CLASH), backend=backend)
    found = find_conflicts(space, max_conflicts=10)
    assert found.status == "no-feasible-deal"
    assert found.complete and found.stopped is None
    assert labels(found) == [
        ["t1 needs s0", "a: s at least s1", "a: t1"],
        ["s1 needs t0", "a: s at least s1", "a: t1", "b: s at most s1"],
    ]
    # Each member comes with the user's own text and where it is.
    first = found.conflicts[0].elements[0]
    assert (first.kind, first.owner, first.index, first.text) == (
        "rule",
        None,
        1,
        "t == t1 -> s == s0",
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_cap_stops_early_and_says_so(backend):
    space = Space.build(dealopt.instance(CLASH), backend=backend)
    found = find_conflicts(space, max_conflicts=1)
    assert len(found.conflicts) == 1 and not found.complete


@pytest.mark.parametrize("backend", BACKENDS)
def test_shrink_reaches_a_minimal_conflict_from_everything(backend):
    space = Space.build(dealopt.instance(CLASH), backend=backend)
    sw = build_switched(space)
    names = [e.label for e in sw.elements]
    everything = frozenset(range(len(names)))
    mus = shrink(sw, everything)
    assert sorted(names[i] for i in mus) in (
        sorted(["t1 needs s0", "a: s at least s1", "a: t1"]),
        sorted(["s1 needs t0", "a: s at least s1", "a: t1", "b: s at most s1"]),
    )
    for i in mus:  # every proper subset holds together
        assert sw.check(mus - {i})[0]
    assert not sw.check(mus)[0]


def test_cpsat_reports_a_core_that_is_unsatisfiable():
    space = Space.build(dealopt.instance(CLASH), backend="cpsat")
    sw = build_switched(space)
    sat, core = sw.check(range(len(sw.elements)))
    assert not sat and core is not None and core  # a core, maybe not minimal
    assert not sw.check(core)[0]


def test_elements_carry_text_and_source(tmp_path):
    path = tmp_path / "clash.yaml"
    import yaml

    path.write_text(yaml.safe_dump(CLASH, sort_keys=False))
    space = Space.build(dealopt.load(path))
    elems = elements(space)
    assert [e.key for e in elems] == [
        ("rule", None, 0),
        ("rule", None, 1),
        ("red_line", "a", 0),
        ("red_line", "a", 1),
        ("red_line", "b", 0),
        ("no_deal", "a", 0),
        ("no_deal", "b", 1),
    ]
    assert all(e.source and e.source.startswith(str(path)) for e in elems)
    assert elems[-1].text == "utility(b) >= -1000"


@pytest.mark.parametrize("backend", BACKENDS)
def test_no_deal_values_that_clash(backend):
    data = copy.deepcopy(TRADE)
    data["parties"]["a"]["no_deal"] = 20
    space = Space.build(dealopt.instance(data), backend=backend)
    found = find_conflicts(space)
    assert found.status == "no-acceptable-deal" and found.complete
    assert [[e.key for e in c.elements] for c in found.conflicts] == [
        [("no_deal", "a", 0), ("no_deal", "b", 1)]
    ]


def test_nothing_conflicts_when_the_zone_is_not_empty():
    space = Space.build(dealopt.instance(TRADE))
    found = find_conflicts(space)
    assert found.status == "none" and not found.conflicts and found.complete


def test_minimal_hitting_sets():
    sets = [frozenset({1, 2}), frozenset({2, 3}), frozenset({4})]
    got = minimal_hitting_sets(sets, cap=100)
    assert got == [frozenset({2, 4}), frozenset({1, 3, 4})]
    assert minimal_hitting_sets([], cap=10) == [frozenset()]


@pytest.mark.parametrize("backend", BACKENDS)
def test_explain_without_a_feasible_deal(backend):
    ex = explain(dealopt.instance(CLASH), backend=backend, max_conflicts=10)
    assert ex.status == "no-feasible-deal"
    assert len(ex.conflicts.conflicts) == 2
    assert ex.what_it_takes.status == "no-feasible-deal"
    assert ex.backbone is None and ex.alignments is None
    text = " ".join(ex.text().split())
    assert "No deal satisfies every rule and red line together" in text
    assert "Conflict 2 (4 members)" in text
    assert "rule 't1 needs s0': t == t1 -> s == s0" in text
    data = ex.to_dict()
    assert [len(c) for c in data["conflicts"]["conflicts"]] == [3, 4]
    assert data["conflicts"]["complete"] is True


def test_cpsat_infeasible_core_directly():
    """The CP-SAT method behind the first core: a subset of the assumptions, also for negated
    literals; the deal when satisfiable; an empty core when the bounds alone are empty."""
    from dealopt.backends.base import SolveStatus

    space = Space.build(dealopt.instance(CLASH), backend="cpsat")
    s0, s1, s2 = space.model.choices[0]
    t0, t1 = space.model.choices[1]
    session = space.session  # the plain model: every rule and red line is hard
    solution, core = session.infeasible_core([(s0, False)])
    assert solution.status is SolveStatus.INFEASIBLE  # the model itself is infeasible
    sw = build_switched(space)
    a0, a1 = sw.switches[2], sw.switches[3]  # "s >= s1", "t == t1"
    solution, core = sw.session.infeasible_core([(a0, True), (a1, True), (t0, False), (s2, False)])
    assert solution.status is SolveStatus.OPTIMAL and core == ()
    assert space.decoder.deal(solution.values) == {"s": "s1", "t": "t1"}
    lits = [(a0, True), (s1, False), (s2, False), (t0, True), (t1, False)]
    solution, core = sw.session.infeasible_core(lits)
    assert solution.status is SolveStatus.INFEASIBLE
    assert set(core) <= set(lits) and not sw.session.solve({}, assumptions=core).values
    solution, core = sw.session.infeasible_core([], bounds={0: (10**9, None)})
    assert solution.status is SolveStatus.INFEASIBLE and core == ()
