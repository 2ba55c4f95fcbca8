"""Frontiers of separable deal spaces: component frontiers merged, without a solver.

A session with :attr:`Feature.COMPONENTS` (the ``merge`` backend) holds one session per
independent component of the model. A nondominated sum is a sum of nondominated parts (a
dominated part could be swapped for the part dominating it), so the frontier is found by

1. each component's frontier, with the usual algorithms over its own session (enumeration for
   small components, epsilon-constraint or search regions over CP-SAT for large ones); a
   component conditioned on an issue (``branches``: the component with the issue fixed to each
   option, each merged in turn) has the nondominated union of its branches' frontiers;
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

import itertools
from collections.abc import Sequence
from fractions import Fraction
from weakref import WeakKeyDictionary

import numpy as np

from dealopt.backends.base import Bounds, Session, deal_key
from dealopt.backends.enumerate import covered_mask, nondominated_mask
from dealopt.frontier.runner import Run, Stop

MAX_CANDIDATES = 5_000_000
"""The most candidate sums a merge step holds at once: beyond, it sums and filters blocks of
states in turn."""


def merge(run: Run, bounds: Bounds) -> None:
    """Every nondominated point within the lower ``bounds``, recorded on ``run``."""
    session = run.session
    model = session.model
    p = len(model.objectives)
    floors = tuple(getattr(session, "floors", ()))
    q = p + len(floors)  # the components' objectives: the model's, then the lifted ones
    parts = []
    for sub, variables in session.parts:  # type: ignore[attr-defined]
        points = _frontier(sub, run)
        if not points:
            return  # a component with no feasible assignment: no deal at all
        objs = np.array([pt[0] for pt in points], dtype=np.int64).reshape(-1, q)
        values = [{variables[i]: 1 for i, x in enumerate(pt[1]) if x} for pt in points]
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
        # A lifted dimension final after this part and within its bound: projected away.
        keep_cols = [c for c, k in enumerate(active) if k < p or last[k] > j]
        lows = [lo[k] for k in active]
        # Blocks of states, each block's sums filtered; the union of nondominated blocks is
        # filtered once more (the nondominated set of a union is that of its parts' sets).
        block = max(1, MAX_CANDIDATES // len(part))
        pieces = [
            _sums(states[s : s + block], s, part, best_after[j + 1][active], lows, keep_cols, run)
            for s in range(0, max(len(states), 1), block)  # no state left: one empty block
        ]
        cand, parent, choice = (np.concatenate([pc[x] for pc in pieces]) for x in range(3))
        if len(pieces) > 1:
            cand, parent, choice = _filter(cand, parent, choice, run)
        active = [active[c] for c in keep_cols]
        w = len(active)
        if not len(cand) and not len(archive):
            return
        rest = [parts[r][0] for r in order[j + 1 :]]
        if w > p and rest and len(cand):  # lifted dimensions still open: prune by bounds
            run.remaining()
            upper = _upper(cand, rest, active, lo, best_after[j + 1], p)
            run.remaining()
            alive = ~archive.covers(upper)
            for k in range(p):
                if lo[k] is not None:
                    alive &= upper[:, k] >= lo[k]
            # Completions only of the states left: a dropped state's completion is within its
            # bound, so no better than the archived deal that covers the bound.
            live = np.flatnonzero(alive)
            run.remaining()
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


def _sums(
    states: np.ndarray,
    offset: int,
    part: np.ndarray,
    best: np.ndarray,
    lows: list[int | None],
    keep_cols: list[int],
    run: Run,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every sum of a state and a point of ``part`` that can still reach the lower bounds
    (with ``best`` of the rest), the columns ``keep_cols``, nondominated: the sums, their
    states (numbered from ``offset``) and their points."""
    w = part.shape[1]
    cand = (states[:, None, :] + part[None, :, :]).reshape(-1, w)
    parent = np.repeat(np.arange(offset, offset + len(states)), len(part))
    choice = np.tile(np.arange(len(part)), len(states))
    reach = cand + best
    alive = np.ones(len(cand), dtype=bool)
    for c, low in enumerate(lows):
        if low is not None:
            alive &= reach[:, c] >= low
    return _filter(cand[alive][:, keep_cols], parent[alive], choice[alive], run)


def _filter(
    cand: np.ndarray, parent: np.ndarray, choice: np.ndarray, run: Run
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The nondominated rows of ``cand``, one per vector, with their ``parent`` and ``choice``."""
    ordered = np.lexsort(tuple(-cand[:, c] for c in reversed(range(cand.shape[1]))))
    cand, parent, choice = cand[ordered], parent[ordered], choice[ordered]
    new = np.ones(len(cand), dtype=bool)
    new[1:] = (cand[1:] != cand[:-1]).any(axis=1)
    cand, parent, choice = cand[new], parent[new], choice[new]
    run.remaining()  # the filter can take seconds: stop before it rather than after
    keep = nondominated_mask(cand, presorted=True) if len(cand) else new[:0]
    return cand[keep], parent[keep], choice[keep]


def _frontier(sub: object, run: Run) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """A component's frontier (objective vector, deal): of its session, or for a conditioned
    component (``branches``, one per option of the fixed issue) the nondominated union of the
    branches' frontiers. Raises :class:`Stop` when a frontier is not complete."""
    from dealopt.frontier.pareto import pareto_frontier

    branches = getattr(sub, "branches", None)
    if branches is None:
        found = pareto_frontier(sub, time_limit=run.remaining())  # type: ignore[arg-type]
        run.report()
        if not found.complete:
            raise Stop(found.stopped or "time limit")
        return [(pt.objectives, pt.values) for pt in found.points]
    points = [pt for branch in branches for pt in _frontier(branch, run)]
    if not points:
        return points
    vectors = np.array([pt[0] for pt in points], dtype=np.int64)
    ordered = np.lexsort(tuple(-vectors[:, c] for c in reversed(range(vectors.shape[1]))))
    vectors = vectors[ordered]
    new = np.ones(len(vectors), dtype=bool)  # one deal per vector, as in the merge steps
    new[1:] = (vectors[1:] != vectors[:-1]).any(axis=1)
    kept = ordered[new][nondominated_mask(vectors[new], presorted=True)]
    return [points[r] for r in kept]


def _order(parts: list[np.ndarray], p: int, floors: tuple[int, ...]) -> list[int]:
    """The order in which to merge the parts: largest first (the partial sets grow from the
    big parts, the small ones merge last), and with lifted capacities the 0/1 items last, by
    their best rank of efficiency over the objectives (profit per share of the capacities),
    the most efficient first. Any order is exact; this one keeps the states fewer (Bazgan,
    Hugot and Vanderpooten's order O^min; decision 99)."""
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


# ----------------------------------------------------------------------------- tied deals

_SUMS: WeakKeyDictionary = WeakKeyDictionary()
"""Per merge session, its :class:`_PartSums` (built on the first tie listing, kept while the
session lives: a solve lists the ties of every frontier point on one session)."""


def ties(
    session: Session, objectives: Sequence[int], limit: int
) -> tuple[list[tuple[int, ...]], bool] | None:
    """Every deal attaining ``objectives`` when that is a frontier point of a session split
    into components, listed without a solver: full 0/1 values in enumeration order, and True
    (the list is complete).

    The nondominated sums of the first ``j`` components are built for every ``j`` once per
    session (the merge without bounds); the last of them is the frontier, so membership
    proves the point nondominated. A deal at a nondominated point is a sum of parts that each
    attain a nondominated point of their component, and the sum of its first ``j`` parts is a
    nondominated sum of the first ``j`` components (a part or partial sum dominated by
    another could be swapped for it, and the deal with the swap would dominate the point). So
    the point is decomposed backwards through the nondominated partial sums, and each part's
    own tied deals come from its component's session. None when this does not apply or
    would not be the same answer as the whole model's solver: lifted constraints (their
    parts need not be nondominated), a conditioned component (decision 95), a point off the
    frontier, too many partial sums, or more than ``limit`` deals (which of them a capped list
    holds is the backend's choice, so the caller asks the solver as before).
    """
    if getattr(session, "floors", ()):
        return None
    if any(hasattr(sub, "branches") for sub, _ in session.parts):  # type: ignore[attr-defined]
        return None  # a conditioned component: its ties are the solver's to list
    sums = _SUMS.get(session)
    if sums is None:
        sums = _SUMS[session] = _PartSums(session)
    return sums.deals(tuple(objectives), limit)


class _PartSums:
    """A merge session's components: each one's nondominated points, and the nondominated
    sums of the first ``j`` components for every ``j`` (the merge without bounds).

    A vector ``x`` is held as the integer ``sum(x[k] * M**k)``: with ``M`` above four times
    every magnitude met, that is one-to-one on the differences of a sum and a point as well,
    and ``key(s - v) = key(s) - key(v)``, so a decomposition step is one subtraction."""

    def __init__(self, session: Session):
        from dealopt.frontier.pareto import pareto_frontier

        model = session.model
        p = len(model.objectives)
        self.model = model
        self.parts: list[tuple[Session, tuple[int, ...], list[tuple[int, ...]], list[int]]] = []
        self.sums: list[set[int]] = []
        self.ok = False
        self._tied: dict[tuple[int, tuple[int, ...]], tuple[list[tuple[int, ...]], bool]] = {}
        if not p or not session.parts:  # type: ignore[attr-defined]
            return
        states = np.array([e.constant for e in model.objectives], dtype=np.int64).reshape(1, p)
        levels, found_parts = [states], []
        for sub, variables in session.parts:  # type: ignore[attr-defined]
            found = pareto_frontier(sub)
            if not found.complete or len(states) * max(len(found.points), 1) > MAX_CANDIDATES:
                return
            points = [tuple(pt.objectives) for pt in found.points]
            found_parts.append((sub, variables, points))
            part = np.array(points, dtype=np.int64).reshape(-1, p)
            cand = (states[:, None, :] + part[None, :, :]).reshape(-1, p)
            cand = np.unique(cand, axis=0)[::-1]  # distinct, lexicographically descending
            states = cand[nondominated_mask(cand, presorted=True)] if len(cand) else cand
            levels.append(states)
        self.bound = max(
            max((int(np.abs(s).max()) for s in levels if s.size), default=0),
            max((abs(x) for _, _, pts in found_parts for v in pts for x in v), default=0),
        )
        self._weights = [(4 * self.bound + 3) ** k for k in range(p)]
        self.start = self.key(tuple(int(x) for x in levels[0][0]))
        for sub, variables, points in found_parts:
            self.parts.append((sub, variables, points, [self.key(v) for v in points]))
        self.sums = [{self.key(s) for s in level.tolist()} for level in levels[1:]]
        self.ok = True

    def key(self, vector: Sequence[int]) -> int:
        return sum(x * w for x, w in zip(vector, self._weights, strict=True))

    def deals(
        self, point: tuple[int, ...], limit: int
    ) -> tuple[list[tuple[int, ...]], bool] | None:
        # The point must be a nondominated sum of every component (a frontier point): that
        # proves it nondominated, on which the decomposition rests.
        if not self.ok or any(abs(x) > self.bound for x in point):
            return None
        target = self.key(point)
        if target not in self.sums[-1]:
            return None
        combos: list[tuple[int, ...]] = []
        if not self._split(len(self.parts) - 1, target, (), combos, limit):
            return None
        deals: list[tuple[int, ...]] = []
        for combo in combos:
            per_part = []
            for j, at in enumerate(combo):
                tied, complete = self._part_ties(j, self.parts[j][2][at], limit)
                if not complete:
                    return None
                per_part.append(tied)
            for choice in itertools.product(*per_part):
                if len(deals) == limit:
                    return None  # more than the limit: the solver lists them as before
                values = [0] * self.model.num_vars
                for (_, variables, _, _), local in zip(self.parts, choice, strict=True):
                    for i, x in enumerate(local):
                        values[variables[i]] = x
                deals.append(tuple(values))
        deals.sort(key=lambda v: deal_key(self.model, v))
        return deals, True

    def _split(
        self, j: int, rest: int, later: tuple[int, ...], out: list[tuple[int, ...]], limit: int
    ) -> bool:
        """Every way of writing ``rest`` as a nondominated point of each component ``0..j``
        (their indices, appended to ``out`` with ``later``); False once there are more than
        ``limit``. Every partial sum met is reachable, so no branch is a dead end."""
        if j < 0:
            if rest == self.start:
                out.append(later)
            return len(out) <= limit
        before = self.sums[j - 1] if j else {self.start}
        for at, v in enumerate(self.parts[j][3]):
            r = rest - v
            if r in before and not self._split(j - 1, r, (at, *later), out, limit):
                return False
        return True

    def _part_ties(self, j: int, v: tuple[int, ...], limit: int) -> tuple[list, bool]:
        key = (j, v)
        if key not in self._tied:
            sub = self.parts[j][0]
            self._tied[key] = sub.solutions(
                bounds={k: (x, x) for k, x in enumerate(v)}, limit=limit
            )
        return self._tied[key]
