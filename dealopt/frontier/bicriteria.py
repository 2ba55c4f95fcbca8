"""Frontiers of zero, one and two objectives.

Two objectives use the epsilon-constraint method with one lexicographic solve per step: the
lexicographic maximum of ``(f1, f2)`` subject to ``f2 >= b`` is nondominated (anything
dominating it would also satisfy ``f2 >= b`` and beat it lexicographically). After point
``(a, b)`` the next step requires ``f2 >= b + 1``, so the points come out with ``f1``
descending and ``N`` points cost ``N + 1`` solves (``2N + 1`` when the combined weights would
be unsafe) - the last solve proves that nothing is left.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from dealopt.backends.base import Bounds
from dealopt.frontier.runner import Run


def single(run: Run, bounds: Bounds) -> None:
    """Zero or one objective: one solve gives the only nondominated point."""
    weights = {0: 1} if run.model.objectives else {}
    found = run.solve(weights, bounds)
    if found is not None:
        assert found.objectives is not None and found.values is not None
        run.add(found.objectives, found.values)


def epsilon_constraint(
    run: Run,
    bounds: Bounds,
    hint: Sequence[int] | None = None,
    until: float | None = None,
) -> tuple[Bounds, Sequence[int] | None] | None:
    """Two objectives: lexicographic solves stepping ``f2`` upwards.

    Returns None when done. With ``until`` (a ``time.perf_counter()`` time) it stops after the
    first solve that ends past it and returns the bounds and hint to go on from (the points
    found so far have larger ``f1`` than any left).
    """
    lo2, hi2 = bounds.get(1, (None, None))
    solved = False
    while True:
        if solved and until is not None and time.perf_counter() >= until:
            return {**bounds, 1: (lo2, hi2)}, hint
        solved = True
        found = run.lexmax(0, [1], {**bounds, 1: (lo2, hi2)}, hint)
        if found is None:
            return None
        assert found.objectives is not None and found.values is not None
        if lo2 is not None and found.objectives[1] < lo2:  # would loop forever
            raise RuntimeError(f"the backend returned {found.objectives}, below f2 >= {lo2}")
        run.add(found.objectives, found.values)
        hint = found.values
        lo2 = found.objectives[1] + 1
        if hi2 is not None and lo2 > hi2:
            return None  # nothing left inside the bounds, proven without a solve
