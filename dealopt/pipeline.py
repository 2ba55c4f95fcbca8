"""``dealopt.solve``: the thin facade from an instance to a checked :class:`Result` (in a module
not named ``solve``, so the submodule never shadows the function on the package).

instance → rules check → compile → backend session → exact frontier → every deal re-checked
by the rules oracle → zone and bargaining solutions → immutable result.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from dealopt.analysis import acceptance as acc
from dealopt.analysis.bargaining import SOLUTIONS
from dealopt.analysis.setup import nondominated, setup, zone_boxes
from dealopt.backends.base import BuildStopped
from dealopt.compile.compiler import Decoder
from dealopt.errors import OracleRejectedError, UsageError
from dealopt.progress import Progress
from dealopt.result import FrontierDeal, Result, Stats, Status
from dealopt.rules.oracle import Oracle
from dealopt.spec.model import Instance

RECHECK_GRACE = 1.0
"""Seconds past the time limit (or a tenth of the limit, if more) the oracle may go on
re-checking the points a search found; the points left unchecked then are dropped."""


def solve(
    instance: Instance | str | Path,
    *,
    backend: str = "auto",
    time_limit: float | None = None,
    threads: int | None = None,
    seed: int | None = None,
    all_deals: bool = False,
    all_deals_cap: int = 100,
    zone_only: bool = False,
    progress: Progress | None = None,
    workers: int = 1,
    client: Any = None,
) -> Result:
    """Find the exact Pareto frontier, the zone and the bargaining solutions of an instance.

    Parameters
    ----------
    instance
        An :class:`~dealopt.spec.model.Instance`, or a path to an instance file.
    backend
        ``"auto"`` (``"enumerate"`` for bundle spaces up to a million deals; above, ``"merge"``
        when the model splits into independent components, else ``"cpsat"``), ``"cpsat"``
        (OR-Tools CP-SAT), ``"enumerate"`` (every deal, vectorised), ``"merge"`` (component
        frontiers merged without a solver), ``"highs"`` (the HiGHS MILP solver) or ``"pyomo"`` /
        ``"pyomo:SOLVER"`` (a Pyomo model, HiGHS by default). Every backend is exact at any
        decimal length (``docs/result.md``); the MILP backends refuse only a rule whose exact
        form they cannot resolve, and ``auto`` never picks them.
    time_limit
        Seconds for the whole frontier search and the oracle's re-check of its deals; on
        expiry the result is ``partial`` and every point it reports is still proven
        nondominated and re-checked (the re-check may go on :data:`RECHECK_GRACE` seconds, or
        a tenth of the limit, past it). Ctrl-C behaves the same way.
    threads, seed
        Solver worker threads and random seed (backends that have them).
    workers, client
        Search the frontier on ``workers`` local cores at once, or on the workers of a Dask
        ``distributed.Client`` (``docs/parallel.md``): the same frontier, proven the same way.
        The default, one worker, searches in this process (decision 83).
    all_deals
        Also list every deal attaining each frontier point, up to ``all_deals_cap`` per point.
    zone_only
        Search only the zone: every party at or above its no-deal value (under an acceptance
        rule, the parties of one winning coalition), as lower bounds on the objectives. The
        result's ``frontier`` then holds the zone's points only, and a complete search has
        status ``zone`` (not ``complete``): the frontier outside the zone was not searched.
    progress
        A :class:`~dealopt.progress.Progress`: its deadline replaces ``time_limit`` (a
        command's phases share one), and it is told the phase and the points found so far.
        ``stats.seconds`` is wall time since that deadline started.

    Every deal in the result has been re-checked by the rules oracle: every rule and red line
    holds and the utilities are recomputed exactly. A disagreement raises
    :class:`~dealopt.errors.OracleRejectedError` (a bug).
    """
    from dealopt.frontier import deals_at, pareto_frontier
    from dealopt.frontier.regions import Parallel, Problem
    from dealopt.frontier.settle import settle

    if isinstance(instance, str | Path):
        from dealopt.api import load

        instance = load(instance)
    if workers < 1:
        raise UsageError(f"workers must be at least 1, got {workers}")
    progress = Progress.of(progress, time_limit)
    deadline = progress.deadline
    progress.phase("compiling the model")
    left = deadline.remaining()
    try:  # the build shares the deadline (enumerate's evaluates every deal once)
        ready = setup(
            instance,
            backend=backend,
            time_limit=None if left is None else max(left, 1e-6),
            threads=threads,
            seed=seed,
        )
    except BuildStopped as stop:  # the time limit passed before any deal could be proven
        return _nothing_proven(instance, backend, stop.reason, deadline.elapsed())
    except KeyboardInterrupt:
        return _nothing_proven(instance, backend, "interrupted", deadline.elapsed())
    oracle, model, decoder, session = ready.oracle, ready.model, ready.decoder, ready.session
    progress.phase("searching the zone" if zone_only else "searching the frontier")
    parallel = None
    if workers > 1 or client is not None:
        # Each worker builds its own session of the backend that runs here ("auto" resolved);
        # the build deadline is this process's clock, so it does not travel.
        name = ready.backend_name if backend == "auto" else backend
        problem = Problem(name, model, replace(ready.options, deadline=None))
        parallel = Parallel(problem, workers=workers, client=client)
    parties = tuple(instance.parties)
    no_deal = {p: oracle.no_deal(p) for p in parties}
    rule = instance.acceptance
    boxes: list[dict[int, tuple[int | None, int | None]]] = [{}]
    if zone_only:
        boxes = zone_boxes(model, parties, no_deal, acc.minimal_coalitions(rule, parties))
    resolution = model.resolution
    exact_again = True
    points: list[tuple[tuple[int, ...], tuple[int, ...], tuple | None]] = []
    calls, complete, stopped, algorithm, regions = 0, True, None, "none", 0
    for box in boxes:  # one search for the whole frontier; one per coalition for the zone
        # A passed deadline still makes one (immediately stopped) search: the result is partial.
        left = deadline.remaining()
        found = pareto_frontier(
            session,
            bounds=box,
            time_limit=None if left is None else max(left, 1e-6),
            progress=progress.frontier,
            parallel=parallel,
        )
        calls, algorithm = calls + found.solver_calls, found.algorithm
        regions += found.regions
        complete, stopped = complete and found.complete, stopped or found.stopped
        settled = None
        if any(resolution) and found.complete:
            exact = lambda v: _exact(oracle, decoder, v)  # noqa: E731
            settled = settle(session, found, exact, bounds=box)
            calls += settled.calls if settled else 0
        if settled is not None:  # exact again: every deal the rounding could hide was weighed
            points += [(p.values, p.objectives, settled.ties[p.utilities]) for p in settled.points]
        else:
            exact_again = False
            points += [(p.values, p.objectives, None) for p in found.points]
        if not found.complete:
            break
    progress.phase("checking every deal with the rules oracle")
    if any(resolution) and exact_again:
        resolution = tuple(Fraction(0) for _ in parties)
    frontier = []
    # A point's own deal is also one of its tied deals: each distinct deal is checked once.
    checked: dict[tuple, tuple[dict, dict[str, Fraction]]] = {}

    def check_once(values: tuple[int, ...], objectives: tuple[int, ...]) -> dict:
        key = (tuple(values), tuple(objectives))
        if key not in checked:
            checked[key] = _checked_deal(oracle, decoder, values, objectives, model.resolution)
        return checked[key]

    # The re-check shares the deadline, with a grace for the points a search found just
    # before it: past deadline + grace the points not yet checked are dropped (a partial
    # result, every point in it still re-checked and proven).
    grace = None if deadline.seconds is None else max(RECHECK_GRACE, 0.1 * deadline.seconds)
    for values, objectives, ties in points:
        if grace is not None and deadline.remaining() < -grace:  # type: ignore[operator]
            complete, stopped = False, stopped or "time limit"
            break
        deal, utilities = check_once(values, objectives)
        accepted = acc.accepting(utilities, no_deal)
        acceptable = rule.passes(accepted, parties)
        # Who decides is said only when the instance states an acceptance rule.
        pivotal = blockers = None
        if not rule.unanimous and acceptable:
            pivotal = acc.pivotal(rule, accepted, parties)
        elif not rule.unanimous:
            blockers = acc.blockers(rule, accepted, parties)
        extra = None, None
        if all_deals and ties is not None:  # the settle listed every deal of the point
            extra = (
                tuple(decoder.deal(v) for v in ties[:all_deals_cap]),
                len(ties) <= all_deals_cap,
            )
        elif all_deals:
            tied, listed_all = deals_at(session, objectives, all_deals_cap)
            extra = (
                tuple(dict(check_once(v, objectives)[0]) for v in tied),
                listed_all,
            )
        if zone_only and not acceptable:
            continue  # inside a box widened by the rounding, outside the zone exactly
        frontier.append(FrontierDeal(deal, utilities, acceptable, *extra, pivotal, blockers))
    if any(resolution) or len(boxes) > 1:  # also drops a point found in two boxes
        vectors = [tuple(p.utilities[q] for q in parties) for p in frontier]
        frontier = [frontier[i] for i in nondominated(vectors)]
        frontier.sort(key=lambda p: tuple(p.utilities[q] for q in parties), reverse=True)
    zone = tuple(i for i, p in enumerate(frontier) if p.acceptable)
    d = [no_deal[p] for p in parties]
    zone_vectors = [[frontier[i].utilities[p] for p in parties] for i in zone]
    picked = acc.solutions(rule, zone_vectors, d, parties)
    solutions = {name: None if k is None else zone[k] for name, k in picked.items()}
    summary = None
    if not rule.unanimous:
        summary = acc.summarise(
            rule, parties, [acc.accepting(frontier[i].utilities, no_deal) for i in zone]
        )
    if not complete:
        status = Status.PARTIAL
    elif not frontier and not zone_only:
        status = Status.NO_FEASIBLE_DEAL
    elif not zone:
        status = Status.NO_ACCEPTABLE_DEAL
    else:
        status = Status.ZONE if zone_only else Status.COMPLETE
    stats = Stats(
        backend=ready.backend_name,
        algorithm=algorithm,
        solver_calls=calls,
        seconds=deadline.elapsed(),
        bundle_space_size=instance.bundle_space_size,
        stopped=stopped,
        zone_only=zone_only,
        resolution={p: r for p, r in zip(parties, resolution, strict=True)},
        regions=regions,
    )
    return Result(
        instance_name=instance.name,
        parties={p: instance.parties[p].label for p in parties},
        issues=tuple(instance.issues),
        status_quo=instance.status_quo,
        no_deal=no_deal,
        status=status,
        frontier=tuple(frontier),
        zone=zone,
        solutions=solutions,
        stats=stats,
        acceptance=summary,
        staged=dict(instance.staged),
        has_status_quo=instance.has_status_quo,
    )


def _nothing_proven(instance: Instance, backend: str, reason: str, seconds: float) -> Result:
    """The partial result of a run stopped before its search began: no point proven."""
    oracle = Oracle(instance)
    parties = tuple(instance.parties)
    return Result(
        instance_name=instance.name,
        parties={p: instance.parties[p].label for p in parties},
        issues=tuple(instance.issues),
        status_quo=instance.status_quo,
        no_deal={p: oracle.no_deal(p) for p in parties},
        status=Status.PARTIAL,
        frontier=(),
        zone=(),
        solutions=dict.fromkeys(SOLUTIONS),
        staged=dict(instance.staged),
        has_status_quo=instance.has_status_quo,
        stats=Stats(
            backend=backend,
            algorithm="none",
            solver_calls=0,
            seconds=seconds,
            bundle_space_size=instance.bundle_space_size,
            stopped=reason,
            resolution={},
        ),
    )


def _exact(oracle: Oracle, decoder: Decoder, values: tuple[int, ...]) -> tuple[Fraction, ...]:
    """A deal's exact utilities by the oracle, in party order."""
    utilities = oracle.utilities(decoder.deal(values))
    return tuple(utilities[p] for p in decoder.parties)


def _checked_deal(
    oracle: Oracle,
    decoder: Decoder,
    values: tuple[int, ...],
    objectives: tuple[int, ...],
    resolution: tuple[Fraction, ...],
) -> tuple[dict, dict[str, Fraction]]:
    """Decode a backend's deal and re-check it with the oracle; a disagreement is a bug.
    Returns the deal and its exact utilities."""
    deal = decoder.deal(values)
    broken = oracle.violations(deal)
    if broken:
        raise OracleRejectedError(
            f"the backend returned a deal that breaks {broken[0].label!r}: {deal}"
        )
    utilities = oracle.utilities(deal)
    for k, party in enumerate(decoder.parties):
        reported = decoder.utility(k, objectives[k])
        if abs(reported - utilities[party]) > resolution[k]:
            raise OracleRejectedError(
                f"the backend's utility for {party} is {reported}, the oracle's "
                f"{utilities[party]}, for deal {deal}"
            )
    return deal, utilities
