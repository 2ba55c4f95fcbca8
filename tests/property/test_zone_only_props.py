"""``solve(zone_only=True)`` equals a plain-Python brute force of the zone on random instances.

The brute force uses the rules oracle alone: every deal, the feasible ones, their utility
vectors, an all-pairs dominance filter, then the frontier points the acceptance rule passes
(every party at or above its no-deal value without a rule). The zone-only run must list exactly
those points (and only those), each acceptable, with status ``zone`` (``no-acceptable-deal``
when empty), on every backend whose fast path differs: ``enumerate``, ``merge`` and ``cpsat``.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies_instances import instance_data

import dealopt
from dealopt.rules.oracle import Oracle

EXAMPLES = max(100, settings().max_examples)

Vector = tuple[Fraction, ...]


def brute_zone(instance) -> list[Vector]:
    """The zone's utility vectors, lexicographically descending."""
    oracle = Oracle(instance)
    parties = list(instance.parties)
    names = list(instance.issues)
    vectors = set()
    for values in itertools.product(*(instance.issues[n].values for n in names)):
        deal = dict(zip(names, values, strict=True))
        if not oracle.violations(deal):
            u = oracle.utilities(deal)
            vectors.add(tuple(u[p] for p in parties))
    frontier = [
        u
        for u in vectors
        if not any(v != u and all(a >= b for a, b in zip(v, u, strict=True)) for v in vectors)
    ]
    d = [oracle.no_deal(p) for p in parties]
    zone = []
    for u in frontier:
        accepting = {p for p, ui, di in zip(parties, u, d, strict=True) if ui >= di}
        if instance.acceptance.passes(accepting, parties):
            zone.append(u)
    return sorted(zone, reverse=True)


@st.composite
def with_rule(draw: st.DrawFn) -> dict[str, Any]:
    """An instance, half the time under an acceptance rule (several winning coalitions)."""
    data = draw(instance_data())
    parties = list(data["parties"])
    if len(parties) > 1 and draw(st.booleans()):
        of = draw(st.lists(st.sampled_from(parties), unique=True, min_size=1))
        data["acceptance"] = {"at_least": [{"count": draw(st.integers(1, len(of))), "of": of}]}
    return data


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(with_rule())
def test_zone_only_equals_brute_force(data):
    instance = dealopt.instance(data)
    expected = brute_zone(instance)
    parties = list(instance.parties)
    for backend in ("enumerate", "merge", "cpsat"):
        result = dealopt.solve(instance, backend=backend, threads=1, seed=0, zone_only=True)
        got = [tuple(p.utilities[q] for q in parties) for p in result.frontier]
        assert got == expected, backend
        assert all(p.acceptable for p in result.frontier)
        assert result.zone == tuple(range(len(expected)))
        assert str(result.status) == ("zone" if expected else "no-acceptable-deal")
        assert result.stats.zone_only
