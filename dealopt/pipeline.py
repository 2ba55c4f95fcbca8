"""``dealopt.solve``: the thin facade from an instance to a checked :class:`Result` (in a module
not named ``solve``, so the submodule never shadows the function on the package).

instance → rules check → compile → backend session → exact frontier → every deal re-checked
by the rules oracle → zone and bargaining solutions → immutable result.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

from dealopt.analysis.bargaining import SOLUTIONS
from dealopt.analysis.setup import nondominated, setup
from dealopt.compile.compiler import Decoder
from dealopt.errors import OracleRejectedError
from dealopt.result import FrontierDeal, Result, Stats, Status
from dealopt.rules.oracle import Oracle
from dealopt.spec.model import Instance

Progress = Callable[[int, int, float], None]


def solve(
    instance: Instance | str | Path,
    *,
    backend: str = "auto",
    time_limit: float | None = None,
    threads: int | None = None,
    seed: int | None = None,
    all_deals: bool = False,
    all_deals_cap: int = 100,
    progress: Progress | None = None,
) -> Result:
    """Find the exact Pareto frontier, the zone and the bargaining solutions of an instance.

    Parameters
    ----------
    instance
        An :class:`~dealopt.spec.model.Instance`, or a path to an instance file.
    backend
        One of the five backends: ``"auto"`` (``"enumerate"`` for small bundle spaces,
        ``"cpsat"`` otherwise), ``"cpsat"`` (OR-Tools CP-SAT), ``"enumerate"`` (every deal,
        vectorised), ``"highs"`` (the HiGHS MILP solver) or ``"pyomo"`` / ``"pyomo:SOLVER"``
        (a Pyomo model, HiGHS by default). The MILP backends refuse, before solving, models
        beyond their exact range (``docs/result.md``); ``auto`` never picks them.
    time_limit
        Seconds for the whole frontier search; on expiry the result is ``partial`` and every
        point it reports is still proven nondominated. Ctrl-C behaves the same way.
    threads, seed
        Solver worker threads and random seed (backends that have them).
    all_deals
        Also list every deal attaining each frontier point, up to ``all_deals_cap`` per point.
    progress
        Called as ``progress(points, solver_calls, elapsed_seconds)`` during the search.

    Every deal in the result has been re-checked by the rules oracle: every rule and red line
    holds and the utilities are recomputed exactly. A disagreement raises
    :class:`~dealopt.errors.OracleRejectedError` (a bug).
    """
    from dealopt.frontier import deals_at, pareto_frontier

    if isinstance(instance, str | Path):
        from dealopt.api import load

        instance = load(instance)
    ready = setup(instance, backend=backend, time_limit=time_limit, threads=threads, seed=seed)
    oracle, model, decoder, session = ready.oracle, ready.model, ready.decoder, ready.session
    started = ready.started
    remaining = (
        None if time_limit is None else max(time_limit - (time.perf_counter() - started), 1e-3)
    )
    found = pareto_frontier(session, time_limit=remaining, progress=progress)
    parties = tuple(instance.parties)
    no_deal = {p: oracle.no_deal(p) for p in parties}
    frontier = []
    for point in found.points:
        deal, utilities = _checked_deal(
            oracle, decoder, point.values, point.objectives, model.resolution
        )
        acceptable = all(utilities[p] >= no_deal[p] for p in parties)
        extra = None, None
        if all_deals:
            values, complete = deals_at(session, point, all_deals_cap)
            extra = (
                tuple(
                    _checked_deal(oracle, decoder, v, point.objectives, model.resolution)[0]
                    for v in values
                ),
                complete,
            )
        frontier.append(FrontierDeal(deal, utilities, acceptable, *extra))
    if any(model.resolution):
        vectors = [tuple(p.utilities[q] for q in parties) for p in frontier]
        frontier = [frontier[i] for i in nondominated(vectors)]
        frontier.sort(key=lambda p: tuple(p.utilities[q] for q in parties), reverse=True)
    zone = tuple(i for i, p in enumerate(frontier) if p.acceptable)
    d = [no_deal[p] for p in parties]
    zone_vectors = [[frontier[i].utilities[p] for p in parties] for i in zone]
    solutions = {}
    for name, pick in SOLUTIONS.items():
        k = pick(zone_vectors, d)
        solutions[name] = None if k is None else zone[k]
    if not found.complete:
        status = Status.PARTIAL
    elif not frontier:
        status = Status.NO_FEASIBLE_DEAL
    elif not zone:
        status = Status.NO_ACCEPTABLE_DEAL
    else:
        status = Status.COMPLETE
    stats = Stats(
        backend=ready.backend_name,
        algorithm=found.algorithm,
        solver_calls=found.solver_calls,
        seconds=time.perf_counter() - started,
        bundle_space_size=instance.bundle_space_size,
        stopped=found.stopped,
        resolution={p: r for p, r in zip(parties, model.resolution, strict=True)},
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
    )


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
