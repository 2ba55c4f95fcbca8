"""Exact frontiers from rounded models: the band settle.

When utilities have more digits than a solver's integers hold, the compiler rounds each
objective at a scale ``S_k`` and states the rounding's worst error ``δ_k`` (in model units:
``resolution_k × S_k``), so ``|f'_k(x) - S_k f_k(x)| <= δ_k`` for every deal ``x``. The frontier
search is exact on the rounded objectives ``f'``; two deals closer than the rounding may merge,
and the deal kept for a rounded point may even be exactly dominated by one left out.

The settle makes the answer exact again. If a rounded frontier point ``p'`` (attained by deal
``y``) beats a deal ``x`` by more than ``2δ_k`` on every objective, then ``y`` beats ``x``
exactly: ``S_k f_k(y) >= p'_k - δ_k > f'_k(x) + δ_k >= S_k f_k(x)``. So every exact Pareto-
optimal deal lies outside the down-cones of the points ``q = p' - ⌊2δ⌋ - 1``: in the zones of
the search region those points leave (the local lower bounds of Klamroth, Lacour and
Vanderpooten, as in :mod:`dealopt.frontier.search_region`). The settle lists every feasible deal
in those zones (one ``solutions`` call per zone), evaluates each exactly with the caller's
evaluator (the rules oracle) and keeps the exactly nondominated ones. The zones are thin bands
below the rounded frontier: ``⌊2δ⌋ + 1`` units wide, a few units at every scale.

When a band holds more than ``limit`` deals the settle gives up (returns None) and the caller
keeps the rounded frontier with its stated resolution.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from dealopt.backends.base import Session, deal_key, objective_range
from dealopt.frontier.result import FrontierResult
from dealopt.frontier.search_region import update_zones

#: The most deals the settle lists in all before it gives up.
SETTLE_LIMIT = 20_000

Exact = Callable[[tuple[int, ...]], tuple[Fraction, ...]]
"""The exact objective vector (utilities) of a deal given as its full 0/1 values."""


@dataclass(frozen=True)
class SettledPoint:
    """An exactly nondominated deal: exact ``utilities``, rounded ``objectives``, ``values``."""

    utilities: tuple[Fraction, ...]
    objectives: tuple[int, ...]
    values: tuple[int, ...]


@dataclass(frozen=True)
class Settled:
    """The exact frontier: its points (sorted descending by utilities), every deal attaining
    each, and the solver calls the settle took."""

    points: tuple[SettledPoint, ...]
    ties: Mapping[tuple[Fraction, ...], tuple[tuple[int, ...], ...]]
    calls: int


def band_widths(session: Session) -> tuple[int, ...]:
    """``⌊2δ_k⌋ + 1`` per objective: how far below a rounded point a deal may still be
    exactly nondominated (0 where the objective is exact)."""
    model = session.model
    out = []
    for k in range(len(model.objectives)):
        res = model.resolution[k] if model.resolution else Fraction(0)
        delta = res * model.scales[k] if model.scales else res
        out.append(math.floor(2 * delta) + 1 if delta else 0)
    return tuple(out)


def settle(
    session: Session,
    found: FrontierResult,
    exact: Exact,
    *,
    bounds: Mapping[int, tuple[int | None, int | None]] | None = None,
    limit: int = SETTLE_LIMIT,
) -> Settled | None:
    """The exact frontier of a complete search over rounded objectives (see the module
    docstring), or None when the bands hold more than ``limit`` deals."""
    model = session.model
    p = len(model.objectives)
    widths = band_widths(session)
    bounds = dict(bounds or {})
    box = []
    for k in range(p):
        lo, hi = objective_range(model, k)
        blo, bhi = bounds.get(k, (None, None))
        box.append((lo if blo is None else max(lo, blo), hi if bhi is None else min(hi, bhi)))
    huge = any(max(abs(lo), abs(hi)) + w >= 2**62 for (lo, hi), w in zip(box, widths, strict=True))
    dtype = object if huge else np.int64
    zones = np.array([[lo - 1 for lo, _ in box]], dtype=dtype)
    no_certs = np.zeros((0, p), dtype=dtype)
    for point in found.points:
        q = np.array([o - w for o, w in zip(point.objectives, widths, strict=True)], dtype=dtype)
        zones = update_zones(zones, q, no_certs)
    calls0 = session.calls
    seen: dict[tuple[int, ...], tuple[int, ...]] = {}  # values -> rounded objectives
    for u in zones:
        zone = {k: (int(u[k]) + 1, box[k][1]) for k in range(p)}
        if any(lo > hi for lo, hi in zone.values()):
            continue
        deals, complete = session.solutions(bounds=zone, limit=limit - len(seen) + 1)
        if not complete:
            return None
        for values in deals:
            if values not in seen:
                seen[values] = tuple(e.value(values) for e in model.objectives)
        if len(seen) > limit:
            return None
    vectors = {values: exact(values) for values in seen}
    distinct = list(dict.fromkeys(vectors.values()))
    best = {distinct[i] for i in nondominated(distinct)}
    ties: dict[tuple[Fraction, ...], list[tuple[int, ...]]] = {}
    for values, vector in vectors.items():
        if vector in best:
            ties.setdefault(vector, []).append(values)
    for deals in ties.values():
        deals.sort(key=lambda v: deal_key(model, v))
    points = tuple(
        SettledPoint(vector, seen[deals[0]], deals[0])
        for vector, deals in sorted(ties.items(), reverse=True)
    )
    return Settled(points, {v: tuple(d) for v, d in ties.items()}, session.calls - calls0)


def nondominated(vectors: Sequence[tuple]) -> list[int]:
    """Indices (ascending) of the vectors no other vector weakly dominates; of equal vectors
    the first. Exact on Fractions: the frontier's last word wherever utilities were rounded."""
    order = sorted(range(len(vectors)), key=lambda i: vectors[i], reverse=True)
    kept: list[int] = []
    for i in order:  # a dominating vector sorts before the vectors it dominates
        v = vectors[i]
        if not any(all(a >= b for a, b in zip(vectors[k], v, strict=True)) for k in kept):
            kept.append(i)
    return sorted(kept)
