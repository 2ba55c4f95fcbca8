"""Frontiers of three or more objectives: the search-region method.

Klamroth, Lacour and Vanderpooten (2015), "On the representation of the search region in
multi-objective optimization" (EJOR 245), written for maximisation. The part of objective space
where unknown nondominated points may still lie is a union of zones ``{y : y > u}``, one per
*local lower bound* ``u``. Each step takes one zone and solves the lexicographic problem
``max f1, then max Σ_{k>=2} f_k`` subject to ``y > u`` (one combined solve when safe):

* a solution ``z`` is nondominated: anything dominating it also lies in the zone, so it would
  tie on ``f1`` and beat it on the sum. Every zone ``u`` with ``z > u`` is then replaced by the
  zones ``(z_j, u_{-j})``, ``j = 1..p`` (the zone minus the points ``z`` dominates), keeping
  only those not contained in another zone (the redundancy filter of KLV's Algorithm 3, which
  also handles points that are not in general position);
* an infeasible zone is empty: it is dropped, and remembered, since every later zone inside
  it is empty too and needs no solve.

The search ends when no zone is left, so the result is complete. Each point costs one solve
(two when the combined weights would be unsafe) and each zone proven empty one more; for three
objectives in general position there are ``2N + 1`` of those at the end, fewer zones being
solved when a zone lies inside one already proven empty.
"""

from __future__ import annotations

import numpy as np

from dealopt.backends.base import Bounds
from dealopt.frontier.runner import Run


def search_region(run: Run, bounds: Bounds) -> None:
    """Three or more objectives: every nondominated point within ``bounds``."""
    p = len(run.model.objectives)
    box = run.box(bounds)
    if box is None:
        return  # the bounds exclude every deal
    hi = [h for _, h in box]
    # int64 unless some bound is huge; object arrays keep exact Python integers then.
    huge = any(max(abs(lo), abs(h)) >= 2**62 for lo, h in box)
    dtype = object if huge else np.int64
    zones = np.array([[lo - 1 for lo, _ in box]], dtype=dtype)
    empty = np.zeros((0, p), dtype=dtype)
    hint = None
    while len(zones):
        # Deterministic: the lexicographically smallest lower bound (the zone widest in f1).
        i = int(np.lexsort(zones.T[::-1])[0]) if dtype is np.int64 else _lexmin(zones)
        u = zones[i]
        zone_bounds = {k: (int(u[k]) + 1, hi[k]) for k in range(p)}
        found = run.lexmax(0, list(range(1, p)), zone_bounds, hint)
        if found is None:
            empty = np.vstack((empty, u[None, :]))
            zones = np.delete(zones, i, axis=0)
            continue
        assert found.objectives is not None and found.values is not None
        if not all(found.objectives[k] > u[k] for k in range(p)):
            # It would split no zone and the search would loop forever.
            raise RuntimeError(f"the backend returned {found.objectives}, outside zone > {u}")
        run.add(found.objectives, found.values)
        hint = found.values
        zones = update_zones(zones, np.array(found.objectives, dtype=dtype), empty)


def update_zones(zones: np.ndarray, z: np.ndarray, empty: np.ndarray) -> np.ndarray:
    """The local lower bounds after nondominated point ``z`` was found.

    ``empty`` holds lower bounds of zones proven empty: candidates inside them are dropped.
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
    cand = np.unique(cand, axis=0) if cand.dtype != object else _unique_rows(cand)
    # A candidate is redundant when another bound is <= it everywhere (its zone is inside).
    others = np.vstack((rest, cand, empty))
    keep = np.ones(len(cand), dtype=bool)
    step = max(1, (1 << 22) // max(1, len(others) * p))  # bounds the broadcast's memory
    for s in range(0, len(cand), step):
        c = cand[s : s + step, None, :]
        below = (others[None, :, :] <= c).all(axis=2) & (others[None, :, :] != c).any(axis=2)
        keep[s : s + step] = ~below.any(axis=1)
    return np.vstack((rest, cand[keep]))


def _lexmin(rows: np.ndarray) -> int:
    return min(range(len(rows)), key=lambda r: tuple(rows[r]))


def _unique_rows(rows: np.ndarray) -> np.ndarray:
    return np.array(sorted({tuple(r) for r in rows}), dtype=object)
