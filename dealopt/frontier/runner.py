"""Bookkeeping shared by the frontier algorithms: time budget, calls, progress, stopping.

Algorithms call :meth:`Run.solve` instead of the session's ``solve`` and record points with
:meth:`Run.add` only once they are proven nondominated. Running out of time (or a solve that
hit its limit) raises :class:`Stop`, so the partial result is exactly the proven points.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence

from dealopt.backends.base import BackendSolution, Bounds, Session, SolveStatus, objective_range
from dealopt.frontier.result import FrontierPoint, FrontierResult

Progress = Callable[[int, int, float], None]
"""``progress(points_found, solver_calls, elapsed_seconds)``, called after every solver call."""

SAFE_OBJECTIVE = 2**53
"""Largest magnitude a combined (weighted) objective may reach.

CP-SAT compares objective values and gaps as doubles, which are exact integers only below
2**53; past that two distinct objective values could look equal and a solve could stop short.
"""

LIMIT_SLACK = 0.1
"""Seconds before its time limit within which a solver's early stop still counts as the limit
(CP-SAT was measured stopping up to 40 ms early on a loaded machine)."""


class Stop(Exception):
    """Raised inside an algorithm to end the run early; ``reason`` goes to ``stopped``."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Run:
    """One frontier search in progress over ``session``."""

    def __init__(self, session: Session, time_limit: float | None, progress: Progress | None):
        self.session = session
        self.model = session.model
        self.time_limit = time_limit
        self.progress = progress
        self.points: list[FrontierPoint] = []
        self._start = time.perf_counter()
        self._calls0 = session.calls

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self._start

    @property
    def calls(self) -> int:
        return self.session.calls - self._calls0

    def remaining(self) -> float | None:
        """Seconds left, or None without a limit; raises :class:`Stop` when none are left."""
        if self.time_limit is None:
            return None
        left = self.time_limit - self.elapsed
        if left <= 0:
            raise Stop("time limit")
        return left

    def report(self) -> None:
        if self.progress is not None:
            self.progress(len(self.points), self.calls, self.elapsed)

    def solve(
        self, weights: Mapping[int, int], bounds: Bounds, hint: Sequence[int] | None = None
    ) -> BackendSolution | None:
        """A proven-optimal solution, or None when proven infeasible; :class:`Stop` otherwise."""
        left = self.remaining()
        start = time.perf_counter()
        solution = self.session.solve(weights, bounds=bounds, hint=hint, time_limit=left)
        took = time.perf_counter() - start
        self.report()
        if solution.status is SolveStatus.INFEASIBLE:
            return None
        if solution.status is not SolveStatus.OPTIMAL:
            # The time limit is the only limit a run sets; a solver that stops well before it
            # was stopped by Ctrl-C (a solver that catches SIGINT returns what it has). CP-SAT
            # itself may stop tens of milliseconds short of its limit, so a stop within
            # LIMIT_SLACK of the limit is the limit too.
            timed_out = left is not None and took >= min(0.9 * left, left - LIMIT_SLACK)
            raise Stop("time limit" if timed_out else "interrupted")
        return solution

    def add(self, objectives: Sequence[int], values: Sequence[int]) -> None:
        """Record a point proven nondominated."""
        self.points.append(FrontierPoint(tuple(objectives), tuple(values)))

    def result(self, algorithm: str, stopped: str | None = None) -> FrontierResult:
        points = tuple(sorted(self.points, key=lambda p: p.objectives, reverse=True))
        return FrontierResult(
            points=points,
            complete=stopped is None,
            solver_calls=self.calls,
            seconds=self.elapsed,
            algorithm=algorithm,
            stopped=stopped,
        )

    # Lexicographic solves -----------------------------------------------------------------

    def box(self, bounds: Bounds) -> list[tuple[int, int]] | None:
        """Each objective's valid range cut by ``bounds``; None when some range is empty."""
        out = []
        for k in range(len(self.model.objectives)):
            lo, hi = objective_range(self.model, k)
            blo, bhi = bounds.get(k, (None, None))
            lo = lo if blo is None else max(lo, blo)
            hi = hi if bhi is None else min(hi, bhi)
            if lo > hi:
                return None
            out.append((lo, hi))
        return out

    def lexmax(
        self, primary: int, secondary: Sequence[int], bounds: Bounds, hint: Sequence[int] | None
    ) -> BackendSolution | None:
        """Maximise objective ``primary``, then ``Σ secondary`` among its optima.

        The result is nondominated within ``bounds``. One combined solve
        ``M × f_primary + Σ secondary`` with ``M`` above the range of the sum when that stays
        below :data:`SAFE_OBJECTIVE`; otherwise two stages (the second one itself
        lexicographic when even the plain sum is unsafe). None when proven infeasible.
        """
        box = self.box(bounds)
        if box is None:
            return None
        s_lo = sum(box[k][0] for k in secondary)
        s_hi = sum(box[k][1] for k in secondary)
        big = s_hi - s_lo + 1
        p_mag = max(abs(box[primary][0]), abs(box[primary][1]))
        if big * p_mag + max(abs(s_lo), abs(s_hi)) < SAFE_OBJECTIVE:
            return self.solve({primary: big, **dict.fromkeys(secondary, 1)}, bounds, hint)
        first = self.solve({primary: 1}, bounds, hint)
        if first is None or not secondary:
            return first
        assert first.objectives is not None
        fixed = {**bounds, primary: (first.objectives[primary], box[primary][1])}
        if max(abs(s_lo), abs(s_hi)) < SAFE_OBJECTIVE:
            stages = [list(secondary)]
        else:  # a lexicographic optimum over every objective is nondominated too
            stages = [[k] for k in secondary]
        best = first
        for stage in stages:
            found = self.solve(dict.fromkeys(stage, 1), fixed, best.values)
            if found is None:  # cannot happen: `best` satisfies `fixed`
                raise RuntimeError("a lexicographic stage lost its own optimum (backend bug)")
            assert found.objectives is not None
            best = found
            if len(stage) == 1:
                k = stage[0]
                fixed = {**fixed, k: (found.objectives[k], box[k][1])}
        return best
