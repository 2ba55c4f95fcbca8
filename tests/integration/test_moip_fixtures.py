"""Frontiers of small multi-objective 0/1 programs, proven by brute force here.

The programs (``tests/fixtures/moip``) ship with the repository, so these run on every clone;
the published anchors of ``test_anchors.py`` are an extra layer where they are present. Each
front is computed by enumerating every 0/1 vector, independently of dealopt: no point missing,
none extra, on every backend that can prove a frontier.
"""

from __future__ import annotations

import itertools
import json
from fractions import Fraction
from pathlib import Path

import pytest

import dealopt
from dealopt.io import moip

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "moip"
NAMES = sorted(p.stem for p in FIXTURES.glob("*.json"))
OPS = {"<=": lambda a, b: a <= b, "==": lambda a, b: a == b, ">=": lambda a, b: a >= b}


def brute_front(data: dict) -> set[tuple[int, ...]]:
    """The nondominated objective vectors, by enumerating every 0/1 vector."""
    n = len(data["objectives"][0])
    better = max if data["sense"] == "max" else min
    points = set()
    for x in itertools.product((0, 1), repeat=n):
        if all(
            OPS[c["op"]](sum(a * v for a, v in zip(c["coefs"], x, strict=True)), c["rhs"])
            for c in data["constraints"]
        ):
            points.add(
                tuple(sum(a * v for a, v in zip(o, x, strict=True)) for o in data["objectives"])
            )

    def dominates(p, q) -> bool:
        return p != q and all(better(a, b) == a for a, b in zip(p, q, strict=True))

    return {q for q in points if not any(dominates(p, q) for p in points)}


def test_the_fixtures_are_there():
    assert len(NAMES) == 5  # a clone without them would pass vacuously


@pytest.mark.parametrize("backend", ["cpsat", "highs", "enumerate"])
@pytest.mark.parametrize("name", NAMES)
def test_front_is_the_brute_force_front(name, backend):
    data = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    front = brute_front(data)
    assert len(front) >= 2  # a front worth the name
    result = dealopt.solve(moip.load(FIXTURES / f"{name}.json"), backend=backend, threads=1, seed=0)
    assert str(result.status) == "complete"
    sign = 1 if data["sense"] == "max" else -1
    found = []
    for point in result.frontier:
        values = [sign * u for u in point.utilities.values()]
        assert all(isinstance(v, Fraction) and v.denominator == 1 for v in values)
        found.append(tuple(int(v) for v in values))
    assert len(found) == len(set(found))  # one deal per point
    assert set(found) == front
    assert len(result.zone) == len(result.frontier)  # no-deal values lie below everything
