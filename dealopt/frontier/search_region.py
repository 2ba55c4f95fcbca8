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

import time
from dataclasses import dataclass

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
    certificates and the last point's deal (the next solve's hint). It can stop and go on
    elsewhere: :mod:`dealopt.frontier.regions` sends it between processes."""

    hi: list[int]
    zones: np.ndarray
    certs: np.ndarray
    hint: tuple[int, ...] | None = None


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
    return Search(hi, zones, certs)


def resume(run: Run, search: Search, until: float | None = None) -> bool:
    """Go on with ``search`` until no zone is left (True) or the ``time.perf_counter()`` time
    ``until`` has passed (False; the search can resume later)."""
    p = len(run.model.objectives)
    hi = search.hi
    dtype = search.zones.dtype
    solved = False
    while len(search.zones):
        if solved and until is not None and time.perf_counter() >= until:
            return False  # at least one solve per call: every call makes progress
        solved = True
        # Deterministic: the zone with the largest bound on f1 (ties: the smallest bounds on
        # the others, in order). Its certificates cover more later zones: 10-20% fewer solves
        # than widest-in-f1 first on the benchmark families and anchors.
        i = int(zone_order(search.zones)[0])
        u = search.zones[i]
        zone_bounds = {k: (int(u[k]) + 1, hi[k]) for k in range(p)}
        found = run.lexmax(0, list(range(1, p)), zone_bounds, search.hint)
        if found is None:
            cert = u.copy()
        else:
            assert found.objectives is not None and found.values is not None
            z = found.objectives
            if not all(z[k] > u[k] for k in range(p)):
                # It would split no zone and the search would loop forever.
                raise RuntimeError(f"the backend returned {z}, outside zone > {list(u)}")
            cert = np.array([z[0], *u[1:]], dtype=dtype)
            run.add(z, found.values)
            search.hint = tuple(found.values)
            search.zones = update_zones(search.zones, np.array(z, dtype=dtype), search.certs)
        search.certs = np.vstack((search.certs, cert[None, :]))
        search.zones = search.zones[~covered(search.zones, cert[None, :])]
    return True


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
