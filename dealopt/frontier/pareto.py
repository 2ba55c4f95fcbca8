"""The entry points: :func:`pareto_frontier` and :func:`deals_at`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dealopt.backends.base import (
    Bounds,
    EnumeratingSession,
    Feature,
    Session,
    objective_range,
)
from dealopt.errors import UsageError
from dealopt.frontier.bicriteria import epsilon_constraint, single
from dealopt.frontier.merge import merge, ties
from dealopt.frontier.regions import Parallel, frontier_in_regions
from dealopt.frontier.result import FrontierPoint, FrontierResult
from dealopt.frontier.runner import Progress, Run, Stop
from dealopt.frontier.search_region import search_region


def pareto_frontier(
    session: Session,
    *,
    bounds: Mapping[int, tuple[int | None, int | None]] | None = None,
    time_limit: float | None = None,
    progress: Progress | None = None,
    fast_path: bool = True,
    parallel: Parallel | None = None,
) -> FrontierResult:
    """Every nondominated objective vector of the session's model (all objectives maximised).

    Parameters
    ----------
    session:
        A built backend session; only its ``solve`` (and, with :attr:`Feature.ENUMERATE`,
        ``nondominated``) are used.
    bounds:
        ``{k: (lo, hi)}`` restricting objective ``k`` (``None`` leaves a side open): the
        frontier of the deals inside the bounds, e.g. ``lo`` = a party's no-deal value.
    time_limit:
        Seconds for the whole search; each solve gets what is left. On expiry the result is
        partial (``complete=False``) and holds only points already proven nondominated.
    progress:
        Called as ``progress(points, solver_calls, elapsed_seconds)`` after every solve.
    fast_path:
        Use the session's ``nondominated()`` when it has :attr:`Feature.ENUMERATE`, and merge
        its components' frontiers when it has :attr:`Feature.COMPONENTS` (no upper bound).
    parallel:
        Search two or more objectives on several cores at once, local or on a Dask cluster
        (:mod:`dealopt.frontier.regions`: slices of ``f1`` for two, the zones of one search
        region for three or more): the same frontier, proven the same way. Ignored by the
        enumerate and merge fast paths and for one objective.

    The algorithm depends on the number of objectives: one solve for 0 or 1; the
    epsilon-constraint method for 2 (``N + 1`` solves for ``N`` points); the search-region
    method of Klamroth, Lacour and Vanderpooten for 3 or more. Ctrl-C ends the search with
    the points proven so far (``stopped="interrupted"``), between solves or inside one (a
    solve that stops early with most of its budget left counts as interrupted).
    """
    bounds = _check_bounds(session, bounds or {})
    run = Run(session, time_limit, progress)
    p = len(session.model.objectives)
    upper = any(
        hi is not None and hi < objective_range(session.model, k)[1]
        for k, (_, hi) in bounds.items()
    )
    if fast_path and Feature.ENUMERATE in session.features:
        algorithm = "enumerate"
    elif fast_path and Feature.COMPONENTS in session.features and not upper:
        algorithm = "merge"
    elif p <= 1:
        algorithm = "single"
    elif p == 2:
        algorithm = "epsilon-constraint"
    else:
        algorithm = "search-region"
    try:
        if any(lo is not None and hi is not None and lo > hi for lo, hi in bounds.values()):
            pass  # empty objective box: nothing to search, and provably so
        elif algorithm == "enumerate":
            assert isinstance(session, EnumeratingSession)
            for objectives, values in session.nondominated(bounds):
                run.add(objectives, values)
            run.report()
        elif algorithm == "merge":
            merge(run, bounds)
        elif parallel is not None and algorithm != "single":
            return frontier_in_regions(
                session,
                parallel.problem,
                bounds,
                workers=parallel.workers,
                client=parallel.client,
                slices=parallel.slices,
                time_limit=time_limit,
                progress=progress,
            )
        elif algorithm == "single":
            single(run, bounds)
        elif algorithm == "epsilon-constraint":
            epsilon_constraint(run, bounds)
        else:
            search_region(run, bounds)
    except Stop as stop:
        return run.result(algorithm, stop.reason)
    except KeyboardInterrupt:
        return run.result(algorithm, "interrupted")
    return run.result(algorithm)


def deals_at(
    session: Session, point: FrontierPoint | Sequence[int], limit: int
) -> tuple[list[tuple[int, ...]], bool]:
    """Every deal whose objectives equal ``point``'s, up to ``limit`` of them.

    Returns the deals (full 0/1 values, in enumeration order) and whether the list is complete.
    On a session split into components (the ``merge`` backend) the deals of a frontier point
    are listed per component without a solver (:func:`dealopt.frontier.merge.ties`): the
    same list as the whole model's solver gives, in a fraction of the time.
    """
    objectives = point.objectives if isinstance(point, FrontierPoint) else tuple(point)
    if len(objectives) != len(session.model.objectives):
        raise UsageError(
            f"the point has {len(objectives)} objectives, the model {len(session.model.objectives)}"
        )
    if Feature.COMPONENTS in session.features:
        listed = ties(session, objectives, limit)
        if listed is not None:
            return listed
    return session.solutions(bounds={k: (v, v) for k, v in enumerate(objectives)}, limit=limit)


def _check_bounds(session: Session, bounds: Bounds) -> dict[int, tuple[int | None, int | None]]:
    p = len(session.model.objectives)
    for k in bounds:
        if not 0 <= k < p:
            raise UsageError(f"bound on objective {k}: the model has {p} objectives")
    return {k: (lo, hi) for k, (lo, hi) in bounds.items()}
