"""Frontiers of separable deal spaces: component frontiers merged, without a solver.

A session with :attr:`Feature.COMPONENTS` (the ``merge`` backend) holds one session per
independent component of the model. A nondominated sum is a sum of nondominated parts (a
dominated part could be swapped for the part dominating it), so the frontier is found by

1. each component's frontier, with the usual algorithms over its own session (enumeration for
   small components, epsilon-constraint or search regions over CP-SAT for large ones);
2. Nemhauser and Ullmann's dynamic programme over the components (as in Bazgan, Hugot and
   Vanderpooten, C&OR 36(1), 2009): every sum of a kept partial vector and a component's point,
   then the exact nondominated filter; a partial vector that cannot reach an objective lower
   bound even with the best point of every remaining component is dropped (exact pruning).

Lower bounds (no-deal values) keep dominance among partial sums sound; an upper bound would
not, so :func:`dealopt.frontier.pareto_frontier` uses this algorithm only without one.

Lifted constraints (a knapsack's capacity, :func:`dealopt.compile.components.split`) come as
extra objectives of the components with a lower bound each (``session.floors``): the merge
runs in the extended space, where dominance is "no worse on every objective and no more of
the room used", and drops a dimension once every component that reads it has been merged
(its value is final and was checked against its bound), so the final states are the model's
objectives only.

With lifted constraints the states are also pruned by bounds (the relation D^b of Bazgan,
Hugot and Vanderpooten): each state gets a feasible completion (greedy over the remaining
components, kept in an archive of complete deals) and an upper bound per objective (the
remaining components' best, and for 0/1 items the linear relaxation of each lifted capacity,
Dantzig's bound, in exact integer arithmetic). A state whose upper bound an archived deal
weakly dominates is dropped: every completion of it is matched or beaten by that deal, which
joins the final filter.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from dealopt.backends.base import Bounds
from dealopt.backends.enumerate import covered_mask, nondominated_mask
from dealopt.errors import UsageError
from dealopt.frontier.runner import Run, Stop

MAX_CANDIDATES = 5_000_000
"""The most candidate sums one merge step may hold before its nondominated filter."""


def merge(run: Run, bounds: Bounds) -> None:
    """Every nondominated point within the lower ``bounds``, recorded on ``run``."""
    from dealopt.frontier.pareto import pareto_frontier

    session = run.session
    model = session.model
    p = len(model.objectives)
    floors = tuple(getattr(session, "floors", ()))
    q = p + len(floors)  # the components' objectives: the model's, then the lifted ones
    parts = []
    for sub, variables in session.parts:  # type: ignore[attr-defined]
        found = pareto_frontier(sub, time_limit=run.remaining())
        run.report()
        if not found.complete:
            raise Stop(found.stopped or "time limit")
        if not found.points:
            return  # a component with no feasible assignment: no deal at all
        objs = np.array([pt.objectives for pt in found.points], dtype=np.int64).reshape(-1, q)
        values = [{variables[i]: 1 for i, x in enumerate(pt.values) if x} for pt in found.points]
        parts.append((objs, values))
    lo = [bounds.get(k, (None, None))[0] for k in range(p)] + list(floors)
    order = _order([objs for objs, _ in parts], p, floors)
    best_after = np.zeros((len(order) + 1, q), dtype=np.int64)
    for j in range(len(order) - 1, -1, -1):
        best_after[j] = best_after[j + 1] + parts[order[j]][0].max(axis=0)
    # A lifted dimension is final after the last part that reads it: dropped there.
    last = {k: 0 for k in range(p, q)}
    for j, i in enumerate(order):
        for k in range(p, q):
            if parts[i][0][:, k].any():
                last[k] = j
    active = list(range(q))
    constants = [e.constant for e in model.objectives] + [0] * len(floors)
    states = np.array(constants, dtype=np.int64).reshape(1, q)
    trail: list[tuple[np.ndarray, np.ndarray]] = []
    archive = _Archive(p)
    for j, i in enumerate(order):
        run.remaining()
        part = parts[i][0][:, active]
        if len(states) * len(part) > MAX_CANDIDATES:
            raise UsageError(
                f"merging would hold {len(states) * len(part):,} partial deals at once (the "
                f"most is {MAX_CANDIDATES:,}): use the cpsat backend"
            )
        w = len(active)
        cand = (states[:, None, :] + part[None, :, :]).reshape(-1, w)
        parent = np.repeat(np.arange(len(states)), len(part))
        choice = np.tile(np.arange(len(part)), len(states))
        reach = cand + best_after[j + 1][active]
        alive = np.ones(len(cand), dtype=bool)
        for c, k in enumerate(active):
            if lo[k] is not None:
                alive &= reach[:, c] >= lo[k]
        cand, parent, choice = cand[alive], parent[alive], choice[alive]
        if not len(cand) and not len(archive):
            return
        keep_cols = [c for c, k in enumerate(active) if k < p or last[k] > j]
        if len(keep_cols) < w:  # final and within bounds: project the dimension away
            cand = cand[:, keep_cols]
            active = [active[c] for c in keep_cols]
            w = len(active)
        # Lexicographically descending, one representative per vector, then nondominated.
        ordered = np.lexsort(tuple(-cand[:, c] for c in reversed(range(w))))
        cand, parent, choice = cand[ordered], parent[ordered], choice[ordered]
        new = np.ones(len(cand), dtype=bool)
        new[1:] = (cand[1:] != cand[:-1]).any(axis=1)
        cand, parent, choice = cand[new], parent[new], choice[new]
        keep = nondominated_mask(cand, presorted=True) if len(cand) else new[:0]
        cand, parent, choice = cand[keep], parent[keep], choice[keep]
        rest = [parts[r][0] for r in order[j + 1 :]]
        if w > p and rest and len(cand):  # lifted dimensions still open: prune by bounds
            upper = _upper(cand, rest, active, lo, best_after[j + 1], p)
            alive = ~archive.covers(upper)
            for k in range(p):
                if lo[k] is not None:
                    alive &= upper[:, k] >= lo[k]
            # Completions only of the states left: a dropped state's completion is within its
            # bound, so no better than the archived deal that covers the bound.
            live = np.flatnonzero(alive)
            greedy = _greedy(cand[live], rest, active, lo, best_after[j + 2 :], p)
            if greedy is not None:
                done, picks, ok = greedy
                archive.add(
                    done[ok],
                    [(j, parent[live[r]], choice[live[r]], picks[r]) for r in np.flatnonzero(ok)],
                )
                alive[live] = ~archive.covers(upper[live])
            cand, parent, choice = cand[alive], parent[alive], choice[alive]
        states = cand
        trail.append((parent, choice))

    def deal(j: int, at: int, values: list[int]) -> None:
        for step in range(j, -1, -1):
            parents, choices = trail[step]
            for var, x in parts[order[step]][1][int(choices[at])].items():
                values[var] = x
            at = int(parents[at])

    found: list[tuple[tuple[int, ...], list[int]]] = []
    for s in range(len(states)):
        values = [0] * model.num_vars
        deal(len(order) - 1, s, values)
        found.append((tuple(int(x) for x in states[s]), values))
    for point, (j, parent, choice, picks) in archive.entries():
        if any(lo[k] is not None and point[k] < lo[k] for k in range(p)):
            continue
        values = [0] * model.num_vars
        for step, pick in enumerate(picks, start=j + 1):
            for var, x in parts[order[step]][1][int(pick)].items():
                values[var] = x
        for var, x in parts[order[j]][1][int(choice)].items():
            values[var] = x
        if j:
            deal(j - 1, int(parent), values)
        found.append((point, values))
    if not found:
        return
    vectors = np.array([f[0] for f in found], dtype=np.int64).reshape(-1, p)
    ordered = np.lexsort(tuple(-vectors[:, c] for c in reversed(range(p))))
    vectors = vectors[ordered]
    new = np.ones(len(vectors), dtype=bool)
    new[1:] = (vectors[1:] != vectors[:-1]).any(axis=1)
    kept = ordered[new][nondominated_mask(vectors[new], presorted=True)]
    for r in kept:
        run.add(found[r][0], tuple(found[r][1]))


def _order(parts: list[np.ndarray], p: int, floors: tuple[int, ...]) -> list[int]:
    """The order in which to merge the parts: largest first (the partial sets grow from the
    big parts, the small ones merge last), and with lifted capacities the 0/1 items last, by
    their best rank of efficiency over the objectives (profit per share of the capacities),
    the most efficient first. Any order is exact; this one keeps the states fewer (Bazgan,
    Hugot and Vanderpooten's order O^min; decision 101)."""
    order = sorted(range(len(parts)), key=lambda i: -len(parts[i]))
    items = [i for i in order if _item(parts[i]) is not None]
    if not floors or len(items) < 2:
        return order
    gains = np.array([_item(parts[i]) for i in items], dtype=np.float64)
    # Floats only order the items; every comparison of states stays exact.
    room = np.array([max(-f, 1) for f in floors], dtype=np.float64)
    share = np.maximum((np.maximum(-gains[:, p:], 0) / room).sum(axis=1), 1e-12)
    ratio = gains[:, :p] / share[:, None]
    ranks = np.argsort(np.argsort(-ratio, axis=0, kind="stable"), axis=0, kind="stable")
    best = ranks.min(axis=1)
    others = [i for i in order if _item(parts[i]) is None]
    return others + [items[t] for t in np.argsort(best, kind="stable")]


def _item(part: np.ndarray) -> np.ndarray | None:
    """The gain of a 0/1 item (a part of two points, one of them all zero), else None."""
    zero = ~part.any(axis=1)
    if len(part) != 2 or zero.sum() != 1:
        return None
    return part[int(np.flatnonzero(~zero)[0])]


class _Archive:
    """Complete feasible deals found by greedy completion: their objective vectors (kept
    nondominated) and how to rebuild each deal (step, parent state, choice, later picks)."""

    def __init__(self, p: int):
        self.points = np.zeros((0, p), dtype=np.int64)
        self.how: list[tuple] = []

    def __len__(self) -> int:
        return len(self.points)

    def add(self, points: np.ndarray, how: list[tuple]) -> None:
        if not len(points):
            return
        allp = np.concatenate([self.points, points])
        allh = self.how + how
        ordered = np.lexsort(tuple(-allp[:, c] for c in reversed(range(allp.shape[1]))))
        allp = allp[ordered]
        new = np.ones(len(allp), dtype=bool)
        new[1:] = (allp[1:] != allp[:-1]).any(axis=1)
        idx = ordered[new][nondominated_mask(allp[new], presorted=True)]
        self.points = np.concatenate([self.points, points])[idx]
        self.how = [allh[i] for i in idx]

    def covers(self, upper: np.ndarray) -> np.ndarray:
        """Which rows of ``upper`` some archived point weakly dominates."""
        return covered_mask(upper, self.points)

    def entries(self) -> list[tuple[tuple[int, ...], tuple]]:
        return [(tuple(int(x) for x in pt), h) for pt, h in zip(self.points, self.how, strict=True)]


def _greedy(
    states: np.ndarray,
    rest: list[np.ndarray],
    active: list[int],
    lo: list[int | None],
    best_after: np.ndarray,
    p: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """A feasible completion of each state: per remaining part, the point with the largest
    objective sum that keeps every lifted bound reachable. Returns the completed objective
    vectors, the picks (one column per remaining part) and which states were completed."""
    cur = states.copy()
    ok = np.ones(len(states), dtype=bool)
    picks = np.zeros((len(states), len(rest)), dtype=np.int64)
    lifted = [(c, k) for c, k in enumerate(active) if k >= p and lo[k] is not None]
    worst = np.iinfo(np.int64).min
    for r, part in enumerate(rest):
        pts = part[:, active]
        sums = pts[:, :p].sum(axis=1)
        # Point by point over the lifted columns only; the first best point wins a tie.
        best = np.zeros(len(cur), dtype=np.int64)
        top = fit = np.zeros(0)
        for t in range(len(pts)):
            fits = np.ones(len(cur), dtype=bool)
            for c, k in lifted:
                fits &= cur[:, c] + (pts[t, c] + best_after[r][k]) >= lo[k]  # type: ignore[operator]
            score = np.where(fits, sums[t], worst)
            if t == 0:
                top, fit = score, fits
                continue
            better = score > top
            best[better] = t
            top, fit = np.where(better, score, top), np.where(better, fits, fit)
        ok &= fit
        picks[:, r] = best
        cur = cur + pts[best]
    if not ok.any():
        return None
    return cur[:, :p], picks, ok


def _upper(
    states: np.ndarray,
    rest: list[np.ndarray],
    active: list[int],
    lo: list[int | None],
    best_after: np.ndarray,
    p: int,
) -> np.ndarray:
    """An upper bound on every objective of every completion of each state: the remaining
    parts' best, and where every remaining part is a 0/1 item (its two points, one of them
    all zero), for each lifted capacity (a dimension no item raises) Dantzig's bound."""
    upper = states[:, :p] + best_after[:p]
    items = []
    for part in rest:
        zero = ~part.any(axis=1)
        if len(part) != 2 or not zero.any():
            return upper
        items.append(part[int(np.flatnonzero(~zero)[0])] if (~zero).any() else part[0])
    gains = np.array(items, dtype=np.int64)
    for c, k in enumerate(active):
        if k < p or lo[k] is None or (gains[:, k] > 0).any():
            continue
        weight = -gains[:, k]
        room = states[:, c] - lo[k]
        for o in range(p):
            profit = gains[:, o]
            free = int(profit[(profit > 0) & (weight == 0)].sum())
            use = np.flatnonzero((profit > 0) & (weight > 0))
            if not len(use):
                bound = np.full(len(states), free, dtype=np.int64)
            else:
                use = np.array(
                    sorted(
                        use, key=lambda t: Fraction(int(profit[t]), int(weight[t])), reverse=True
                    )
                )
                cw = np.concatenate([[0], np.cumsum(weight[use])])
                cp = np.concatenate([[0], np.cumsum(profit[use])])
                t = np.searchsorted(cw, room, side="right") - 1  # items that fit whole
                bound = cp[t].copy()
                part = t < len(use)
                nxt = use[np.minimum(t, len(use) - 1)]
                bound[part] += (room[part] - cw[t][part]) * profit[nxt][part] // weight[nxt][part]
                bound += free
            upper[:, o] = np.minimum(upper[:, o], states[:, o] + bound)
    return upper


__all__ = ["merge"]
