"""Frontiers of three or more objectives: the search-region method with upper-bound certificates.

Klamroth, Lacour and Vanderpooten (2015), "On the representation of the search region in
multi-objective optimization" (EJOR 245), written for maximisation. The part of objective space
where unknown nondominated points may still lie is a union of zones ``{y : y > u}``, one per
*local lower bound* ``u``. Each step takes one zone (the one with the largest ``u1``) and
solves the lexicographic problem ``max f1, then max Σ_{k>=2} f_k`` subject to ``y > u`` (one
combined solve when safe). Its answer says more than the zone asked (the certificates follow
Tamby and Vanderpooten (2021), INFORMS J. Computing 33(1)):

* a solution ``z`` is nondominated: anything dominating it also lies in the zone, so it would
  tie on ``f1`` and beat it on the sum. Every zone ``u`` with ``z > u`` is replaced by the
  zones ``(z_j, u_{-j})``, ``j = 1..p`` (the zone minus the points ``z`` dominates), keeping
  only those not contained in another zone (KLV's redundancy filter, which also handles points
  not in general position);
* ``z1`` is also the maximum of ``f1`` over all deals with ``f_k > u_k`` for ``k >= 2`` (one
  with a larger ``f1`` would satisfy ``f1 > u1`` too). So ``(z1, u_{-1})`` is a *certificate*:
  every zone ``v`` with ``v_{-1} >= u_{-1}`` and ``v1 >= z1`` is empty and is dropped without a
  solve, now or when it appears later. An infeasible zone gives the certificate ``u`` itself
  (every zone inside it is empty). The zone ``(z1, u_{-1})`` that splitting ``u`` by ``z``
  creates is always covered.

The search ends when no zone is left, so the result is complete. Each point costs one solve
(two when the combined weights would be unsafe) and each zone solved empty one more. An empty
zone is never split again, so those zones are among the local lower bounds of the finished
search region: ``2N + 1`` for three objectives in general position, at most ``3N + 1`` solves
in all. The certificates spare most of those solves (benchmarks/README.md has the measured
calls per point).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dealopt.backends.base import Bounds
from dealopt.frontier.runner import Run


def search_region(run: Run, bounds: Bounds) -> None:
    """Three or more objectives: every nondominated point within ``bounds``."""
    state = start(run, bounds)
    if state is not None:
        resume(run, state)


@dataclass
class Search:
    """A search region search in progress: the box's upper bounds, the zones left, the
    certificates, and per zone the index in the run's points of the point that made it (-1:
    none; its deal starts the zone's solve). ``known`` holds the points applied, so an answer
    found twice (:mod:`dealopt.frontier.regions` solves zones at once) is applied once."""

    hi: list[int]
    zones: np.ndarray
    certs: np.ndarray
    origin: np.ndarray
    known: set[tuple[int, ...]] = field(default_factory=set)


def start(run: Run, bounds: Bounds) -> Search | None:
    """The search of the box ``bounds`` before its first solve; None when the box is empty."""
    p = len(run.model.objectives)
    box = run.box(bounds)
    if box is None:
        return None  # the bounds exclude every deal
    hi = [h for _, h in box]
    # int64 unless some bound is huge; object arrays keep exact Python integers then.
    huge = any(max(abs(lo), abs(h)) >= 2**62 for lo, h in box)
    dtype = object if huge else np.int64
    zones = np.array([[lo - 1 for lo, _ in box]], dtype=dtype)
    # Row (c, v_2..v_p): max f1 over the deals in the box with f_k > v_k (k >= 2) is <= c.
    certs = np.zeros((0, p), dtype=dtype)
    return Search(hi, zones, certs, np.full(1, -1))


def resume(run: Run, search: Search) -> None:
    """Go on with ``search`` until no zone is left."""
    while len(search.zones):
        # Deterministic: the zone with the largest bound on f1 (ties: the smallest bounds on
        # the others, in order). Its certificates cover more later zones: 10-20% fewer solves
        # than widest-in-f1 first on the benchmark families and anchors.
        u, bounds, hint = zone(search, run, int(zone_order(search.zones)[0]))
        answer(search, run, u, solve(run, bounds, hint))


Found = tuple[tuple[int, ...], tuple[int, ...]]
"""A zone's optimum: its objectives and its deal."""


def zone(search: Search, run: Run, i: int) -> tuple[np.ndarray, Bounds, tuple[int, ...] | None]:
    """Zone ``i``: its row ``u``, its bounds ``y > u`` within the box, and the deal of the
    point that made it (None: the box's first zone)."""
    u = search.zones[i].copy()
    by = int(search.origin[i])
    hint = run.points[by].values if by >= 0 else None
    return u, {k: (int(u[k]) + 1, search.hi[k]) for k in range(len(u))}, hint


def solve(run: Run, bounds: Bounds, hint: tuple[int, ...] | None) -> Found | None:
    """A zone's lexicographic optimum (``max f1, then Σ f_k``) as ``(objectives, deal)``;
    None when the zone is proven empty."""
    best = run.lexmax(0, list(range(1, len(bounds))), bounds, hint)
    if best is None:
        return None
    assert best.objectives is not None and best.values is not None
    return tuple(best.objectives), tuple(best.values)


def answer(search: Search, run: Run, u: np.ndarray, found: Found | None) -> None:
    """What zone ``u``'s solve proved, applied (see the module's docstring): the point joins
    ``run.points`` and splits every zone it lies in; the certificate drops every zone it
    covers. Valid whether or not ``u`` is still a zone: another answer may have split it."""
    dtype = search.zones.dtype
    if found is None:
        cert = u.copy()
    else:
        z, values = found
        if not all(z[k] > u[k] for k in range(len(z))):
            # It would split no zone and the search would loop forever.
            raise RuntimeError(f"the backend returned {z}, outside zone > {list(u)}")
        cert = np.array([z[0], *u[1:]], dtype=dtype)
        if z not in search.known:
            search.known.add(z)
            run.add(z, values)
            row = np.array(z, dtype=dtype)
            kept = search.origin[~(row[None, :] > search.zones).all(axis=1)]
            search.zones = update_zones(search.zones, row, search.certs)
            made = np.full(len(search.zones) - len(kept), len(run.points) - 1)
            search.origin = np.concatenate((kept, made))
    search.certs = np.vstack((search.certs, cert[None, :]))
    alive = ~covered(search.zones, cert[None, :])
    search.zones, search.origin = search.zones[alive], search.origin[alive]


def update_zones(zones: np.ndarray, z: np.ndarray, certs: np.ndarray) -> np.ndarray:
    """The local lower bounds after nondominated point ``z`` was found: the zones ``z`` does
    not lie in, in their order, then the new ones.

    Candidates that a certificate of ``certs`` proves empty are dropped (see the module's
    docstring), as are those inside another zone.
    """
    inside = (z[None, :] > zones).all(axis=1)
    hit, rest = zones[inside], zones[~inside]
    if not len(hit):
        return zones
    p = len(z)
    # Candidate j of zone u: u with its j-th bound raised to z_j.
    cand = np.repeat(hit, p, axis=0)
    cols = np.tile(np.arange(p), len(hit))
    cand[np.arange(len(cand)), cols] = z[cols]
    cand = np.unique(cand, axis=0) if cand.dtype != object else unique_rows(cand)
    cand = cand[~covered(cand, certs)]
    # A candidate is redundant when another bound is <= it everywhere (its zone is inside).
    others = np.vstack((rest, cand))
    keep = np.ones(len(cand), dtype=bool)
    step = max(1, (1 << 22) // max(1, len(others) * p))  # bounds the broadcast's memory
    for s in range(0, len(cand), step):
        c = cand[s : s + step, None, :]
        below = (others[None, :, :] <= c).all(axis=2) & (others[None, :, :] != c).any(axis=2)
        keep[s : s + step] = ~below.any(axis=1)
    return np.vstack((rest, cand[keep]))


def covered(zones: np.ndarray, certs: np.ndarray) -> np.ndarray:
    """Which zones some certificate proves empty: ``c1 <= u1`` and ``c_k <= u_k`` for k >= 2."""
    out = np.zeros(len(zones), dtype=bool)
    if not len(zones) or not len(certs):
        return out
    step = max(1, (1 << 22) // max(1, len(certs) * zones.shape[1]))
    for s in range(0, len(zones), step):
        u = zones[s : s + step, None, :]
        out[s : s + step] = (certs[None, :, :] <= u).all(axis=2).any(axis=1)
    return out


def zone_order(zones: np.ndarray) -> np.ndarray:
    """The zones' indices in the order the search solves them: largest ``u1``, then the
    lexicographically smallest ``u_2..u_p``."""
    if zones.dtype != object:
        return np.lexsort((*zones.T[:0:-1], -zones[:, 0]))
    return np.array(sorted(range(len(zones)), key=lambda r: (-zones[r][0], *zones[r][1:])))


def unique_rows(rows: np.ndarray) -> np.ndarray:
    """The distinct rows (sorted)."""
    if rows.dtype != object:
        return np.unique(rows, axis=0)
    return np.array(sorted({tuple(r) for r in rows}), dtype=object)
