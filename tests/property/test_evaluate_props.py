"""``dealopt.evaluate`` equals a plain-Python brute force on random small instances, for every
backend.

The brute force uses nothing but the rules oracle: ``itertools.product`` over the issues'
values (enumeration order), ``Oracle.violations`` and ``Oracle.utilities``. For a random deal
``x`` it lists the feasible deals no party likes less than ``x`` and writes out again, as
successive filters, the two improvement rules (docs/evaluate.md): max-min gain (largest
smallest gain, then largest sum of gains, then leximin, then the lexicographically largest
utility vector) and Nash (largest product of gains, then sum, leximin, largest vector); the deal
reported for a vector is the first in enumeration order. Also Pareto-optimality, the number of
frontier points dominating ``x`` and the nearest of them, and for an infeasible ``x`` its
nearest feasible deals (fewest issues changed, least costly first).
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from strategies_instances import instance_data

import dealopt
from dealopt.analysis.evaluate import NEAREST_SHOWN
from dealopt.backends import available_backends
from dealopt.rules.oracle import Oracle

Vector = tuple[Fraction, ...]
EXAMPLES = max(60, settings().max_examples // 2)
BACKENDS = [b for b in ("enumerate", "cpsat", "highs") if b in available_backends()]


def dominates(a: Vector, b: Vector) -> bool:
    return all(x >= y for x, y in zip(a, b, strict=True)) and a != b


def narrow(candidates: list[Vector], *keys) -> Vector | None:
    """Keep the vectors maximising each key in turn; then the lexicographically largest."""
    if not candidates:
        return None
    for key in keys:
        best = max(key(v) for v in candidates)
        candidates = [v for v in candidates if key(v) == best]
    return max(candidates)


def brute_force(instance, x: dict) -> dict:
    oracle = Oracle(instance)
    parties = list(instance.parties)
    names = list(instance.issues)
    feasible: list[tuple[dict, Vector]] = []
    for values in itertools.product(*(instance.issues[n].values for n in names)):
        deal = dict(zip(names, values, strict=True))
        if not oracle.violations(deal):
            u = oracle.utilities(deal)
            feasible.append((deal, tuple(u[p] for p in parties)))
    ux = tuple(oracle.utilities(x)[p] for p in parties)
    broken = [r.label for r in oracle.violations(x)]
    vectors = {v for _, v in feasible}
    frontier = sorted(v for v in vectors if not any(dominates(w, v) for w in vectors))
    box = sorted({v for v in vectors if all(a >= b for a, b in zip(v, ux, strict=True))})

    def gains(v: Vector) -> list[Fraction]:
        return [a - b for a, b in zip(v, ux, strict=True)]

    def first_deal(v: Vector | None) -> dict | None:
        return None if v is None else next(d for d, w in feasible if w == v)

    leximin = lambda v: sorted(gains(v))  # noqa: E731
    max_min = narrow(box, lambda v: min(gains(v)), lambda v: sum(gains(v)), leximin)
    nash = narrow(box, lambda v: math.prod(gains(v)), lambda v: sum(gains(v)), leximin)
    if not broken:  # a feasible deal is improved only if someone gains
        max_min = None if max_min == ux else max_min
        nash = None if nash == ux else nash
    dominating = [v for v in frontier if dominates(v, ux)]
    nearest_dom = None
    if dominating:
        dist = lambda v: sum((a - b) ** 2 for a, b in zip(v, ux, strict=True))  # noqa: E731
        ranked = sorted(dominating, reverse=True)  # frontier order: lexicographically descending
        nearest_dom = min(ranked, key=dist)
    out = {
        "utilities": dict(zip(parties, ux, strict=True)),
        "broken": broken,
        "acceptable": not broken
        and all(u >= oracle.no_deal(p) for p, u in zip(parties, ux, strict=True)),
        "pareto_optimal": not broken and not dominating,
        "dominated_by": len(dominating),
        "nearest_dominating": nearest_dom,
        "max_min_gain": None if not box else max(min(gains(v)) for v in box),
        "max_min": (max_min, first_deal(max_min)),
        "nash": (nash, first_deal(nash)),
        "nearest": None,
    }
    if broken and feasible:
        distance = [sum(d[n] != x[n] for n in names) for d, _ in feasible]
        least = min(distance)
        near = [(d, v) for (d, v), k in zip(feasible, distance, strict=True) if k == least]
        order = sorted(
            range(len(near)),
            key=lambda i: (-min(gains(near[i][1])), -sum(gains(near[i][1])), i),
        )
        out["nearest"] = (least, len(near), [near[i][0] for i in order[:NEAREST_SHOWN]])
    return out


@st.composite
def instance_and_deal(draw: st.DrawFn):
    data = draw(instance_data(max_deals=256))
    instance = dealopt.instance(data)
    deal = {n: draw(st.sampled_from(issue.values)) for n, issue in instance.issues.items()}
    return instance, deal


def check(instance, deal: dict, backend: str) -> None:
    expected = brute_force(instance, deal)
    parties = list(instance.parties)
    ev = dealopt.evaluate(instance, deal, backend=backend, threads=1, seed=0)
    (got,) = ev.deals
    assert dict(got.deal) == deal
    assert dict(got.utilities) == expected["utilities"]
    assert [b.label for b in got.broken] == expected["broken"]
    assert got.acceptable == expected["acceptable"]
    assert got.pareto_optimal == expected["pareto_optimal"]
    assert got.frontier_complete
    assert got.dominated_by == expected["dominated_by"]
    assert got.max_min_gain == expected["max_min_gain"]
    near = got.nearest_dominating
    assert (None if near is None else tuple(near.utilities[p] for p in parties)) == expected[
        "nearest_dominating"
    ]
    for name, key in (("max_min_gain", "max_min"), ("nash", "nash")):
        vector, first = expected[key]
        alt = got.improvements[name]
        if vector is None:
            assert alt is None, name
            continue
        assert alt is not None, name
        assert tuple(alt.utilities[p] for p in parties) == vector, name
        assert dict(alt.deal) == first, name
        # feasible, and no party worse off (checked again with the oracle)
        oracle = Oracle(instance)
        assert not oracle.violations(alt.deal)
        assert all(alt.changes[p] >= 0 for p in parties)
        assert {m.issue for m in alt.moves} == {i for i in deal if alt.deal[i] != deal[i]}
    if expected["nearest"] is None:
        assert got.nearest_distance is None and got.nearest_feasible == ()
    else:
        least, count, shown = expected["nearest"]
        assert got.nearest_distance == least
        assert got.nearest_count == count
        assert [dict(a.deal) for a in got.nearest_feasible] == shown
    # the parts of each utility add up to it
    for p in parties:
        assert sum((part.value for part in got.parts[p]), Fraction(0)) == got.utilities[p]


@pytest.mark.parametrize("backend", BACKENDS)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(instance_and_deal())
def test_evaluate_equals_brute_force(backend, case):
    instance, deal = case
    oracle = Oracle(instance)
    event("feasible" if oracle.is_feasible(deal) else "infeasible")
    check(instance, deal, backend)
