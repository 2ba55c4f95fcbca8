"""The merge engine with lifted capacities equals a brute force on random small knapsacks.

Random 0/1 programs with 2-4 objectives, up to 10 items and 1-3 linear constraints (mostly
knapsack capacities with non-negative weights; sometimes ``>=`` or mixed signs, sometimes an
equation, which is never lifted), read through the MOIP mapping and solved by the ``merge``
backend with every capacity lifted (the size threshold set to 0, up to three lifted at once),
with random lower bounds on the objectives. The brute force in the test enumerates every 0/1
vector of the raw data.
"""

from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dealopt.backends.merge
from dealopt.backends.merge import MergeBackend
from dealopt.compile.compiler import compile_instance
from dealopt.frontier import pareto_frontier
from dealopt.io import moip

EXAMPLES = max(150, settings().max_examples)


@st.composite
def knapsacks(draw: st.DrawFn) -> dict:
    """Sizes and constraint kinds drawn; numbers uniform from a drawn seed (hypothesis alone
    favours tiny numbers, under which the capacity seldom binds and the bounds seldom prune)."""
    n = draw(st.integers(1, 10))
    p = draw(st.integers(2, 4))
    rng = random.Random(draw(st.integers(0, 2**32)))
    objectives = [[rng.randint(-5, 30) for _ in range(n)] for _ in range(p)]
    constraints = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["cap", "cap", "cap", "ge", "mixed", "eq"]))
        coefs = [rng.randint(-20 if kind == "mixed" else 0, 20) for _ in range(n)]
        # about half the room, as in the published recipe, so that the capacity binds
        rhs = sum(c for c in coefs if c > 0) // 2 + rng.randint(-3, 3)
        if kind == "eq":  # attainable: the weight of a random subset
            rhs = sum(c for c in coefs if rng.random() < 0.5)
        op = {"cap": "<=", "mixed": "<=", "ge": ">=", "eq": "=="}[kind]
        constraints.append({"coefs": coefs, "op": op, "rhs": rhs})
    return {
        "name": "random knapsack",
        "sense": "max",
        "objectives": objectives,
        "constraints": constraints,
        "binary": True,
    }


def brute(data: dict, lows: list[int | None]) -> set[tuple[int, ...]]:
    n = len(data["objectives"][0])
    ops = {"<=": int.__le__, ">=": int.__ge__, "==": int.__eq__}
    points = set()
    for x in itertools.product((0, 1), repeat=n):
        if all(
            ops[c["op"]](sum(a * b for a, b in zip(c["coefs"], x, strict=True)), c["rhs"])
            for c in data["constraints"]
        ):
            f = tuple(sum(a * b for a, b in zip(row, x, strict=True)) for row in data["objectives"])
            if all(lo is None or v >= lo for v, lo in zip(f, lows, strict=True)):
                points.add(f)
    return {
        f
        for f in points
        if not any(g != f and all(a >= b for a, b in zip(g, f, strict=True)) for g in points)
    }


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(knapsacks(), st.data())
def test_lifted_merge_equals_brute_force(monkeypatch: pytest.MonkeyPatch, data: dict, draw) -> None:
    monkeypatch.setattr(dealopt.backends.merge, "LIFT_ABOVE", 0)
    monkeypatch.setattr(dealopt.backends.merge, "MOST_LIFTED", 3)  # several state dimensions
    model, _ = compile_instance(moip.from_data(data))
    session = MergeBackend().build(model)
    p = len(data["objectives"])
    lows: list[int | None] = [
        draw.draw(st.one_of(st.none(), st.integers(-5, 80))) for _ in range(p)
    ]
    # objectives are utilities times the model's scales: the bounds and points converted
    scales = model.scales
    bounds = {k: (math.ceil(lo * scales[k]), None) for k, lo in enumerate(lows) if lo is not None}
    found = pareto_frontier(session, bounds=bounds)
    assert found.complete and found.algorithm == "merge"
    got = [
        tuple(Fraction(v) / scales[k] for k, v in enumerate(pt.objectives)) for pt in found.points
    ]
    assert len(got) == len(set(got))
    assert set(got) == brute(data, lows)
    n = len(data["objectives"][0])
    for pt in found.points:  # each reported deal attains its point and is feasible
        x = [pt.values[model.choices[i][1]] for i in range(n)]
        assert [pt.values[model.choices[i][0]] for i in range(n)] == [1 - v for v in x]
        f = tuple(sum(a * b for a, b in zip(row, x, strict=True)) for row in data["objectives"])
        assert f == tuple(Fraction(v) / scales[k] for k, v in enumerate(pt.objectives))
        ops = {"<=": int.__le__, ">=": int.__ge__, "==": int.__eq__}
        for c in data["constraints"]:
            assert ops[c["op"]](sum(a * b for a, b in zip(c["coefs"], x, strict=True)), c["rhs"])


def test_a_capacity_is_lifted(monkeypatch: pytest.MonkeyPatch) -> None:
    """The case in point: one capacity over every item splits the model into one component
    per item, with one extra objective (the negated weights) bounded below by -capacity."""
    monkeypatch.setattr(dealopt.backends.merge, "LIFT_ABOVE", 0)
    data = {
        "name": "k",
        "sense": "max",
        "objectives": [[3, 1, 2], [1, 3, 2]],
        "constraints": [{"coefs": [2, 2, 3], "op": "<=", "rhs": 4}],
        "binary": True,
    }
    model, _ = compile_instance(moip.from_data(data))
    session = MergeBackend().build(model)
    assert len(session.parts) == 3 and session.floors == (-4,)
    found = pareto_frontier(session)
    assert {pt.objectives for pt in found.points} == brute(data, [None, None]) == {(4, 4)}
