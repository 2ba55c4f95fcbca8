"""What a frontier search returns: frozen, built once at the end of the run."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FrontierPoint:
    """One nondominated objective vector and a deal attaining it.

    ``objectives`` are the model's integer objectives (utilities times their scales);
    ``values`` is the representative deal as all ``num_vars`` 0/1 values.
    """

    objectives: tuple[int, ...]
    values: tuple[int, ...]


@dataclass(frozen=True)
class FrontierResult:
    """The nondominated points found, and how the search went.

    ``points`` are sorted lexicographically descending by objectives, and every one of them
    is proven nondominated. ``complete`` says whether every nondominated point was found and
    proven; when it is False, ``stopped`` says why (``"time limit"`` or ``"interrupted"``).
    An infeasible model gives ``points=()`` and ``complete=True``. ``regions`` is the number
    of slices (two objectives) or zones (three or more) the search was shared out in
    (:mod:`dealopt.frontier.regions`; 0: one search in one process).
    """

    points: tuple[FrontierPoint, ...]
    complete: bool
    solver_calls: int
    seconds: float
    algorithm: str
    stopped: str | None = None
    regions: int = 0

    def __len__(self) -> int:
        return len(self.points)
