"""Tied deals of a frontier point on the merge backend, listed per component (decision 92),
against a brute force over every deal written here."""

from __future__ import annotations

import itertools
import random

import pytest
from conformance import model

from dealopt.backends import SolveOptions, get_backend
from dealopt.compile.model import Label, LinearConstraint, LinExpr
from dealopt.frontier import deals_at, pareto_frontier

RULE = Label("rule", "test")


def random_separable(rng: random.Random):
    """Four to six choice groups of 2-3 options, objectives with coefficients 0-2 (many ties),
    and a constraint joining groups 0 and 1 (a two-group component; some deals infeasible)."""
    sizes = [rng.choice((2, 3)) for _ in range(rng.randint(4, 6))]
    n = sum(sizes)
    p = rng.choice((2, 3))
    coeffs = [[rng.randint(0, 2) for _ in range(n)] for _ in range(p)]
    constants = [rng.randint(-3, 3) for _ in range(p)]
    objectives = [
        LinExpr(tuple((v, c) for v, c in enumerate(row) if c), k)
        for row, k in zip(coeffs, constants, strict=True)
    ]
    joined = LinearConstraint(LinExpr(((0, 1), (sizes[0], 1)), 0), None, 1, RULE, (0, 2))
    return model(sizes, constraints=[joined], objectives=objectives), sizes, coeffs, constants


def brute_force(sizes, coeffs, constants) -> dict[tuple[int, ...], list[tuple[int, ...]]]:
    """Every feasible deal's 0/1 values by objective vector, in enumeration order."""
    by_vector: dict[tuple[int, ...], list[tuple[int, ...]]] = {}
    for picks in itertools.product(*(range(s) for s in sizes)):
        if picks[0] == 0 and picks[1] == 0:  # x0 + x(first of group 1) <= 1
            continue
        values = [0] * sum(sizes)
        start = 0
        for size, pick in zip(sizes, picks, strict=True):
            values[start + pick] = 1
            start += size
        vector = tuple(
            k + sum(c * x for c, x in zip(row, values, strict=True))
            for row, k in zip(coeffs, constants, strict=True)
        )
        by_vector.setdefault(vector, []).append(tuple(values))
    return by_vector


def nondominated(vectors):
    return {
        v
        for v in vectors
        if not any(w != v and all(a >= b for a, b in zip(w, v, strict=True)) for w in vectors)
    }


@pytest.mark.parametrize("seed", range(12))
def test_ties_of_every_frontier_point_match_a_brute_force(seed):
    built, sizes, coeffs, constants = random_separable(random.Random(seed))
    session = get_backend("merge").build(built, SolveOptions(threads=1, seed=0))
    assert len(session.parts) >= 3  # the model did split
    expected = brute_force(sizes, coeffs, constants)
    found = pareto_frontier(session)
    assert {p.objectives for p in found.points} == nondominated(expected)
    for point in found.points:
        deals = expected[point.objectives]
        assert deals_at(session, point, len(deals)) == (deals, True)
    # Listed per component: the whole model's solver session was never built.
    assert session._inner is None
    # A cap below the count, and a point off the frontier: the solver, as before.
    tied = max(found.points, key=lambda p: len(expected[p.objectives]))
    count = len(expected[tied.objectives])
    if count > 1:
        capped, complete = deals_at(session, tied, count - 1)
        assert not complete and len(capped) == count - 1
        assert set(capped) <= set(expected[tied.objectives])
    inside = sorted(set(expected) - nondominated(expected))
    if inside:
        assert deals_at(session, inside[0], 1000) == (expected[inside[0]], True)
