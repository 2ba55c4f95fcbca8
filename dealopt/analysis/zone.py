"""Zones (the acceptable part of a frontier) and a session view with fixed assumptions.

Used by :class:`dealopt.analysis.space.Space`: a :class:`Zone` holds oracle-checked points and
their four bargaining solutions; :class:`AssumingSession` lets the frontier algorithms, which
take objective bounds only, search a space restricted by assumption literals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from dealopt.analysis.bargaining import SOLUTIONS
from dealopt.backends.base import NO_BOUNDS, BackendSolution, Bounds, Feature, Session
from dealopt.compile.model import Lit
from dealopt.spec.model import Acceptance, Value


@dataclass(frozen=True)
class ZonePoint:
    """One zone point: a deal attaining it (oracle-checked) and the exact utilities."""

    deal: Mapping[str, Value]
    utilities: Mapping[str, Fraction]
    objectives: tuple[int, ...]


@dataclass(frozen=True)
class Zone:
    """The acceptable part of the frontier under some restriction, with its bargaining points.

    ``points`` are sorted by utilities lexicographically descending (parties in instance
    order); ``solutions`` maps ``nash``, ``kalai_smorodinsky``, ``egalitarian``,
    ``utilitarian`` to an index into ``points`` (None when empty); ``no_deal`` is the
    disagreement point used.
    """

    points: tuple[ZonePoint, ...]
    no_deal: Mapping[str, Fraction]
    solutions: Mapping[str, int | None]
    complete: bool = True

    def __len__(self) -> int:
        return len(self.points)

    def solution(self, name: str) -> ZonePoint | None:
        index = self.solutions.get(name)
        return None if index is None else self.points[index]

    def best(self, party: str) -> Fraction | None:
        """The party's highest utility in the zone (its ideal), None when empty."""
        return max((p.utilities[party] for p in self.points), default=None)


class AssumingSession:
    """A session view that adds fixed assumption literals to every solve.

    Lets :func:`dealopt.frontier.pareto_frontier` (which takes bounds only) search a
    restricted space: issues held at their status quo, or a subset of switched constraints.
    The enumeration fast path is hidden (it takes no assumptions), so the frontier uses
    solves, which every assumption-capable backend answers.
    """

    def __init__(self, inner: Session, assumptions: Sequence[Lit]):
        self.inner = inner
        self.model = inner.model
        self.assumptions = tuple(assumptions)
        # Both fast paths take no assumptions: the frontier then uses solves, which every
        # assumption-capable backend answers.
        self.features = frozenset(inner.features) - {Feature.ENUMERATE, Feature.COMPONENTS}

    @property
    def calls(self) -> int:
        return self.inner.calls

    def solve(
        self,
        weights: Mapping[int, int],
        *,
        bounds: Bounds = NO_BOUNDS,
        assumptions: Sequence[Lit] = (),
        hint: Sequence[int] | None = None,
        time_limit: float | None = None,
    ) -> BackendSolution:
        return self.inner.solve(
            weights,
            bounds=bounds,
            assumptions=(*self.assumptions, *assumptions),
            hint=hint,
            time_limit=time_limit,
        )

    def solutions(
        self,
        *,
        bounds: Bounds = NO_BOUNDS,
        assumptions: Sequence[Lit] = (),
        limit: int,
    ) -> tuple[list[tuple[int, ...]], bool]:
        return self.inner.solutions(
            bounds=bounds, assumptions=(*self.assumptions, *assumptions), limit=limit
        )


def make_zone(
    points: Sequence[ZonePoint],
    no_deal: Mapping[str, Fraction],
    parties: Sequence[str],
    rule: Acceptance | None = None,
) -> Zone:
    """A :class:`Zone` with its four bargaining solutions (the bargaining module's
    definitions; under a non-unanimous ``rule``, over its veto players' gains)."""
    from dealopt.analysis.acceptance import solutions as rule_solutions

    ordered = sorted(points, key=lambda p: tuple(p.utilities[q] for q in parties), reverse=True)
    d = [no_deal[p] for p in parties]
    vectors = [[p.utilities[q] for q in parties] for p in ordered]
    if rule is not None and not rule.unanimous:
        solutions = rule_solutions(rule, vectors, d, parties)
    else:
        solutions = {name: pick(vectors, d) for name, pick in SOLUTIONS.items()}
    return Zone(tuple(ordered), dict(no_deal), solutions)
