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

import functools
import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

Vector = Sequence[Fraction]

_MOST_BITS = 256
"""Common denominators up to this size turn the points into whole numbers (:func:`_whole`)."""


def _whole(points: Sequence[Vector], d: Vector) -> tuple[Sequence[Vector], Vector]:
    """The points and ``d`` times one common denominator ``L > 0``, as ints: every criterion
    here picks the same point after such a scaling (products by ``L^n``, sums, minima, sorted
    gains and Kalai-Smorodinsky's ratios keep their order), and int arithmetic is many times
    faster than Fraction's. Unchanged when some value is neither int nor Fraction, or ``L``
    is huge."""
    common = 1
    for x in (*d, *(x for u in points for x in u)):
        if type(x) is Fraction:
            if x.denominator != 1:
                common = math.lcm(common, x.denominator)
        elif type(x) is not int:
            return points, d
    if common.bit_length() > _MOST_BITS:
        return points, d

    def scaled(x: int | Fraction) -> int:
        return x * common if type(x) is int else x.numerator * (common // x.denominator)

    return [[scaled(x) for x in u] for u in points], [scaled(x) for x in d]


def _on_whole_numbers(pick: Callable[..., int | None]) -> Callable[..., int | None]:
    """``pick`` run on :func:`_whole`'s points: the same index."""

    @functools.wraps(pick)
    def run(points: Sequence[Vector], d: Vector, among: Sequence[int] | None = None):
        whole, d_whole = _whole(points, d)
        return pick(whole, d_whole, among)

    return run


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


@_on_whole_numbers
def nash(points: Sequence[Vector], d: Vector, among: Sequence[int] | None = None) -> int | None:
    """Nash bargaining solution: max Π (u_i − d_i) over the zone (over ``among`` only, when
    given: the veto players of an acceptance rule; None when that set is empty)."""
    if among is not None and not among:
        return None
    return _best(points, d, lambda u: math.prod(_gains(u, d, among)), sum, among=among)


@_on_whole_numbers
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


@_on_whole_numbers
def egalitarian(
    points: Sequence[Vector], d: Vector, among: Sequence[int] | None = None
) -> int | None:
    """Egalitarian solution: max min_i (u_i − d_i). ``among``: as for :func:`nash`."""
    if among is not None and not among:
        return None
    return _best(points, d, lambda u: min(_gains(u, d, among)), sum, among=among)


@_on_whole_numbers
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


def two_party_solutions(u: Any, valid: Any, d: Any) -> dict[str, Any] | None:
    """The four solutions of many two-party zones at once, in numpy: the same criteria and
    tie-breaks as the functions above (no ``among``), in exact integer arithmetic.

    ``u``: ``(zones, points, 2)`` int64 utility vectors, each zone's points in the given order
    and padded; ``valid``: ``(zones, points)`` which are points; ``d``: ``(zones, 2)`` int64.
    Returns each solution's index per zone (-1 for an empty zone), or None when a product
    could leave int64 (the caller then uses the functions above)."""
    import numpy as np

    g = u - d[:, None, :]
    if g.size and int(np.abs(np.where(valid[:, :, None], g, 0)).max()) ** 2 >= 2**62:
        return None
    g0, g1 = g[:, :, 0], g[:, :, 1]
    total = u[:, :, 0] + u[:, :, 1]
    low, high = np.minimum(g0, g1), np.maximum(g0, g1)
    # Kalai-Smorodinsky's ratio min_i g_i / span_i as a fraction (numerator, denominator > 0):
    # the party with the smaller ratio, 1 when no party's ideal exceeds its no-deal value.
    ideal = np.where(valid[:, :, None], u, np.iinfo(np.int64).min).max(axis=1)
    span = ideal - d
    s0, s1 = span[:, 0:1], span[:, 1:2]
    first = (s0 > 0) & ((s1 <= 0) | (g0 * s1 <= g1 * s0))
    second = (s1 > 0) & ~first
    num = np.where(first, g0, np.where(second, g1, 1))
    den = np.where(first, s0, np.where(second, s1, 1))

    def keep_top(tied, key):
        top = np.where(tied, key, np.iinfo(np.int64).min).max(axis=1, keepdims=True)
        return tied & (key == top)

    def leximin(tied):
        return keep_top(keep_top(tied, low), high)

    def ratio_top(tied):
        best_num = np.zeros(len(tied), dtype=np.int64)
        best_den = np.ones(len(tied), dtype=np.int64)
        found = np.zeros(len(tied), dtype=bool)
        for z in range(tied.shape[1]):
            at = tied[:, z]
            better = at & (~found | (num[:, z] * best_den > best_num * den[:, z]))
            best_num = np.where(better, num[:, z], best_num)
            best_den = np.where(better, den[:, z], best_den)
            found |= at
        return tied & (num * best_den[:, None] == best_num[:, None] * den)

    def index(tied):
        return np.where(tied.any(axis=1), tied.argmax(axis=1), -1)

    return {
        "nash": index(leximin(keep_top(keep_top(valid, g0 * g1), total))),
        "kalai_smorodinsky": index(leximin(keep_top(ratio_top(valid), total))),
        "egalitarian": index(leximin(keep_top(keep_top(valid, low), total))),
        "utilitarian": index(leximin(keep_top(keep_top(valid, total), low))),
    }
