"""Bargaining solutions over the zone, defined here.

Each function takes the zone's utility vectors (exact fractions, parties in instance order)
and the no-deal values ``d``, and returns the index of the chosen point in the list, or None
when the zone is empty. Arithmetic is exact (:class:`fractions.Fraction`).

Tie-break, the same for every solution, applied in this order until one point is left:

1. the solution's own criterion;
2. a second criterion: the utilitarian sum for Nash, Kalai–Smorodinsky and egalitarian;
   the smallest gain over no-deal (egalitarian) for utilitarian;
3. leximin of the gains ``u_i - d_i`` (compare sorted gains, smallest first);
4. the first point in the given order (the frontier's order: lexicographically descending
   utilities, parties in instance order).

Under an acceptance rule (:mod:`dealopt.analysis.acceptance`), Nash, Kalai–Smorodinsky and
egalitarian are taken over the gains of the rule's veto players only (``among``: the parties
every passing deal needs); the utilitarian sum and its tie-break stay over every party. With
unanimity every party is a veto player, so nothing changes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction

Vector = Sequence[Fraction]


def _gains(u: Vector, d: Vector, among: Sequence[int] | None = None) -> list[Fraction]:
    if among is None:
        return [ui - di for ui, di in zip(u, d, strict=True)]
    return [u[i] - d[i] for i in among]


def _best(
    points: Sequence[Vector],
    d: Vector,
    *keys: Callable[[Vector], object],
    among: Sequence[int] | None = None,
) -> int | None:
    # Criterion by criterion over the points still tied, so a tie-breaker is only computed
    # where it matters (the same answer as one max over the whole key tuple, much faster).
    if not points:
        return None
    tied = list(range(len(points)))
    for k in (*keys, lambda u: sorted(_gains(u, d, among))):
        if len(tied) == 1:
            break
        values = [k(points[i]) for i in tied]
        top = max(values)  # type: ignore[type-var]
        tied = [i for i, v in zip(tied, values, strict=True) if v == top]
    return tied[0]  # the first point in the given order


def nash(points: Sequence[Vector], d: Vector, among: Sequence[int] | None = None) -> int | None:
    """Nash bargaining solution: max Π (u_i − d_i) over the zone (over ``among`` only, when
    given: the veto players of an acceptance rule; None when that set is empty)."""
    if among is not None and not among:
        return None
    return _best(points, d, lambda u: math.prod(_gains(u, d, among)), sum, among=among)


def kalai_smorodinsky(
    points: Sequence[Vector], d: Vector, among: Sequence[int] | None = None
) -> int | None:
    """Kalai–Smorodinsky: max min_i (u_i − d_i)/(ideal_i − d_i), the ideal taken over the zone.

    A party whose ideal equals its no-deal value (every zone deal gives it exactly that)
    has no ratio to balance and is left out of the minimum. ``among``: as for :func:`nash`.
    """
    if not points or (among is not None and not among):
        return None
    parties = range(len(d)) if among is None else among
    ideal = {i: max(u[i] for u in points) for i in parties}
    spans = {i: ideal[i] - d[i] for i in parties}

    def ratio(u: Vector) -> Fraction:
        # Fraction first: exact on integer utilities too (the sweep's scaled ones).
        ratios = [(Fraction(u[i]) - d[i]) / spans[i] for i in parties if spans[i] > 0]
        return min(ratios) if ratios else Fraction(1)

    return _best(points, d, ratio, sum, among=among)


def egalitarian(
    points: Sequence[Vector], d: Vector, among: Sequence[int] | None = None
) -> int | None:
    """Egalitarian solution: max min_i (u_i − d_i). ``among``: as for :func:`nash`."""
    if among is not None and not among:
        return None
    return _best(points, d, lambda u: min(_gains(u, d, among)), sum, among=among)


def utilitarian(
    points: Sequence[Vector], d: Vector, among: Sequence[int] | None = None
) -> int | None:
    """Utilitarian solution: max Σ u_i (over every party, whatever ``among``)."""
    keys: list[Callable[[Vector], object]] = [sum]
    if among is None or among:
        keys.append(lambda u: min(_gains(u, d, among)))
    return _best(points, d, *keys, among=among)


SOLUTIONS: dict[str, Callable[..., int | None]] = {
    "nash": nash,
    "kalai_smorodinsky": kalai_smorodinsky,
    "egalitarian": egalitarian,
    "utilitarian": utilitarian,
}
