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
"""

from __future__ import annotations

import numpy as np

from dealopt.backends.base import Bounds
from dealopt.backends.enumerate import nondominated_mask
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
    parts = []
    for sub, variables in session.parts:  # type: ignore[attr-defined]
        found = pareto_frontier(sub, time_limit=run.remaining())
        run.report()
        if not found.complete:
            raise Stop(found.stopped or "time limit")
        if not found.points:
            return  # a component with no feasible assignment: no deal at all
        objs = np.array([pt.objectives for pt in found.points], dtype=np.int64).reshape(-1, p)
        values = [{variables[i]: 1 for i, x in enumerate(pt.values) if x} for pt in found.points]
        parts.append((objs, values))
    lo = [bounds.get(k, (None, None))[0] for k in range(p)]
    # Largest first: the partial sets grow from the big parts, the small ones merge last.
    order = sorted(range(len(parts)), key=lambda i: -len(parts[i][0]))
    best_after = np.zeros((len(order) + 1, p), dtype=np.int64)
    for j in range(len(order) - 1, -1, -1):
        best_after[j] = best_after[j + 1] + parts[order[j]][0].max(axis=0)
    states = np.array([e.constant for e in model.objectives], dtype=np.int64).reshape(1, p)
    trail: list[tuple[np.ndarray, np.ndarray]] = []
    for j, i in enumerate(order):
        run.remaining()
        part = parts[i][0]
        if len(states) * len(part) > MAX_CANDIDATES:
            raise UsageError(
                f"merging would hold {len(states) * len(part):,} partial deals at once (the "
                f"most is {MAX_CANDIDATES:,}): use the cpsat backend"
            )
        cand = (states[:, None, :] + part[None, :, :]).reshape(-1, p)
        parent = np.repeat(np.arange(len(states)), len(part))
        choice = np.tile(np.arange(len(part)), len(states))
        reach = cand + best_after[j + 1]
        alive = np.ones(len(cand), dtype=bool)
        for k in range(p):
            if lo[k] is not None:
                alive &= reach[:, k] >= lo[k]
        cand, parent, choice = cand[alive], parent[alive], choice[alive]
        if not len(cand):
            return
        # Lexicographically descending, one representative per vector, then nondominated.
        ordered = np.lexsort(tuple(-cand[:, k] for k in reversed(range(p))))
        cand, parent, choice = cand[ordered], parent[ordered], choice[ordered]
        new = np.ones(len(cand), dtype=bool)
        new[1:] = (cand[1:] != cand[:-1]).any(axis=1)
        cand, parent, choice = cand[new], parent[new], choice[new]
        keep = nondominated_mask(cand, presorted=True)
        states = cand[keep]
        trail.append((parent[keep], choice[keep]))
    for s in range(len(states)):
        values = [0] * model.num_vars
        at = s
        for j in range(len(order) - 1, -1, -1):
            parents, choices = trail[j]
            for var, x in parts[order[j]][1][int(choices[at])].items():
                values[var] = x
            at = int(parents[at])
        run.add(tuple(int(x) for x in states[s]), tuple(values))


__all__ = ["merge"]
