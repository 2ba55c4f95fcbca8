"""The Kirlik-style knapsack generator: the published recipe, seeded, and its small sizes solved
exactly (against a brute force over every 0/1 vector, written here)."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest

import dealopt
import dealopt.backends.merge
from benchmarks.kirlik import knapsack
from dealopt.io import moip


def brute(data: dict) -> set[tuple[int, ...]]:
    (capacity,) = data["constraints"]
    points = set()
    for x in itertools.product((0, 1), repeat=len(capacity["coefs"])):
        if sum(w * v for w, v in zip(capacity["coefs"], x, strict=True)) <= capacity["rhs"]:
            points.add(
                tuple(sum(c * v for c, v in zip(row, x, strict=True)) for row in data["objectives"])
            )
    return {
        f
        for f in points
        if not any(g != f and all(a >= b for a, b in zip(g, f, strict=True)) for g in points)
    }


@pytest.mark.parametrize("objectives, items", [(3, 100), (4, 40), (4, 50), (2, 7)])
def test_the_recipe(objectives: int, items: int) -> None:
    data = knapsack(objectives, items, seed=1)
    assert data == knapsack(objectives, items, seed=1)  # seeded
    assert data != knapsack(objectives, items, seed=2)
    assert data["sense"] == "max" and data["binary"] is True
    assert len(data["objectives"]) == objectives
    (capacity,) = data["constraints"]
    values = [*capacity["coefs"], *(c for row in data["objectives"] for c in row)]
    assert all(len(row) == items for row in data["objectives"]) and len(capacity["coefs"]) == items
    assert all(isinstance(v, int) and 1 <= v <= 100 for v in values)
    assert capacity["op"] == "<=" and capacity["rhs"] == sum(capacity["coefs"]) // 2


@pytest.mark.parametrize("objectives, items, seed", [(3, 12, 1), (4, 10, 1), (3, 8, 2), (2, 12, 3)])
@pytest.mark.parametrize("lift", [False, True])
def test_small_sizes_against_a_brute_force(
    monkeypatch: pytest.MonkeyPatch, objectives: int, items: int, seed: int, lift: bool
) -> None:
    """Solved by the default backend and by the merge engine with the capacity lifted."""
    data = knapsack(objectives, items, seed)
    if lift:
        monkeypatch.setattr(dealopt.backends.merge, "LIFT_ABOVE", 0)
    result = dealopt.solve(moip.from_data(data), backend="merge" if lift else "auto")
    assert str(result.status) == "complete"
    got = {tuple(p.utilities[f"f{k + 1}"] for k in range(objectives)) for p in result.frontier}
    assert got == {tuple(Fraction(v) for v in f) for f in brute(data)}
    assert len(got) == len(result.frontier)
