"""The merge engine with conditioned components equals a brute force on random instances.

With the enumeration threshold of the ``merge`` backend set to one issue's size, every
component of two or more issues is conditioned where that can split it (an issue fixed to each
option in turn, :func:`dealopt.compile.components.fix`), so random instances with every kind
of rule, red line, attribute, quantity and interaction term go through the fix and the union
of the branches.
The brute force uses nothing but the rules oracle: every deal by ``itertools.product``, the
feasible ones by ``Oracle.violations``, their utilities, an all-pairs dominance filter.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, event, given, settings
from strategies_instances import instance_data
from test_merge_capacity_props import brute as knapsack_brute
from test_merge_capacity_props import knapsacks

import dealopt
import dealopt.backends.merge
import dealopt.frontier.merge
from dealopt.backends.merge import Branches, MergeBackend
from dealopt.compile.compiler import compile_instance
from dealopt.frontier import pareto_frontier
from dealopt.io import moip
from dealopt.rules.oracle import Oracle

EXAMPLES = max(200, settings().max_examples)
Vector = tuple[Fraction, ...]


def brute_frontier(instance: dealopt.Instance) -> set[Vector]:
    oracle = Oracle(instance)
    names = list(instance.issues)
    parties = list(instance.parties)
    points = set()
    for combo in itertools.product(*(instance.issues[i].values for i in names)):
        deal = dict(zip(names, combo, strict=True))
        if not oracle.violations(deal):
            u = oracle.utilities(deal)
            points.add(tuple(u[p] for p in parties))
    return {
        a
        for a in points
        if not any(b != a and all(x >= y for x, y in zip(b, a, strict=True)) for b in points)
    }


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(instance_data())
def test_conditioned_merge_equals_brute_force(monkeypatch: pytest.MonkeyPatch, data) -> None:
    instance = dealopt.instance(data)
    model, _ = compile_instance(instance)
    # one issue can always be enumerated; anything larger is conditioned where it can be
    monkeypatch.setattr(dealopt.backends.merge, "ENUMERATE_MAX", max(map(len, model.choices)))
    monkeypatch.setattr(dealopt.backends.merge, "CONDITION_DEPTH", 4)
    session = MergeBackend().build(model)
    conditioned = any(isinstance(s, Branches) for s, _ in session.parts)
    event(f"conditioned: {conditioned}")
    result = dealopt.solve(instance, backend="merge")
    assert result.status.value in ("complete", "no-feasible-deal", "no-acceptable-deal")
    got = {tuple(d.utilities.values()) for d in result.frontier}
    assert len(got) == len(result.frontier)
    assert got == brute_frontier(instance)


def test_a_chain_is_conditioned_on_its_middle_issue(monkeypatch: pytest.MonkeyPatch) -> None:
    """The case in point: i0 - i1 - i2 tied by two red lines, too large to enumerate (the
    threshold lowered): fixing i1 leaves i0 and i2 apart, so the component becomes one branch
    per option of i1, each with two one-issue pieces."""
    monkeypatch.setattr(dealopt.backends.merge, "ENUMERATE_MAX", 8)
    opts = ["a", "b", "c"]
    instance = dealopt.instance(
        {
            "dealopt": 1,
            "name": "chain",
            "parties": {"p": {"no_deal": 0}, "q": {"no_deal": 0}},
            "issues": {i: {"options": opts} for i in ("i0", "i1", "i2")},
            "interests": {
                "p": {
                    "weights": {"i0": 1, "i1": 2, "i2": 3},
                    "scores": {i: {"a": 0, "b": 5, "c": 9} for i in ("i0", "i1", "i2")},
                },
                "q": {
                    "weights": {"i0": 3, "i1": 1, "i2": 2},
                    "scores": {i: {"a": 9, "b": 4, "c": 0} for i in ("i0", "i1", "i2")},
                },
            },
            "red_lines": {
                "p": [
                    {"label": "one", "rule": "level(i0) + level(i1) <= 3"},
                    {"label": "two", "rule": "i1 >= b -> i2 <= b"},
                ]
            },
        }
    )
    model, _ = compile_instance(instance)
    session = MergeBackend().build(model)
    (part,) = [s for s, _ in session.parts]
    assert isinstance(part, Branches) and len(part.branches) == 3
    assert all(len(b.parts) == 2 for b in part.branches)
    result = dealopt.solve(instance, backend="merge", all_deals=True)
    assert {tuple(d.utilities.values()) for d in result.frontier} == brute_frontier(instance)
    oracle = Oracle(instance)  # every deal tied at each point (listed by the solver here)
    for point in result.frontier:
        tied = {
            (a, b, c)
            for a, b, c in itertools.product(opts, opts, opts)
            if not oracle.violations(deal := {"i0": a, "i1": b, "i2": c})
            and tuple(oracle.utilities(deal).values()) == tuple(point.utilities.values())
        }
        assert point.all_deals_complete
        assert {(d["i0"], d["i1"], d["i2"]) for d in point.all_deals} == tied


@pytest.mark.parametrize("seed", range(12))
def test_conditioned_negotiation_families_equal_brute_force(
    monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """The generated families' shape (red lines and interaction terms on pairs of issues), small
    enough for the brute force: 3 or 4 parties, 5 or 6 issues of 3 options; the merge steps
    hold at most 10 sums at once, so they sum and filter the states in blocks."""
    from benchmarks.families_multi import multi_party_parts

    parties, k = 3 + seed % 2, 5 + seed % 3 // 2
    data, _, _ = multi_party_parts(parties, k, seed, "two_thirds", options=3)
    instance = dealopt.instance(data)
    monkeypatch.setattr(dealopt.backends.merge, "ENUMERATE_MAX", 3)
    monkeypatch.setattr(dealopt.backends.merge, "CONDITION_DEPTH", 4)
    monkeypatch.setattr(dealopt.frontier.merge, "MAX_CANDIDATES", 10)
    result = dealopt.solve(instance, backend="merge")
    assert {tuple(d.utilities.values()) for d in result.frontier} == brute_frontier(instance)
    assert len(result.frontier) == len(brute_frontier(instance))


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(knapsacks())
def test_knapsacks_merged_in_blocks_equal_brute_force(
    monkeypatch: pytest.MonkeyPatch, data: dict
) -> None:
    """A lifted capacity (greedy completions, bounds, archive) with the merge steps summing
    at most 4 sums at once: the brute force of the capacity tests."""
    monkeypatch.setattr(dealopt.backends.merge, "LIFT_ABOVE", 0)
    monkeypatch.setattr(dealopt.frontier.merge, "MAX_CANDIDATES", 4)
    model, _ = compile_instance(moip.from_data(data))
    found = pareto_frontier(MergeBackend().build(model))
    assert found.complete
    scales = model.scales
    got = {
        tuple(Fraction(v) / scales[k] for k, v in enumerate(pt.objectives)) for pt in found.points
    }
    assert len(got) == len(found.points)
    assert got == knapsack_brute(data, [None] * len(data["objectives"]))
