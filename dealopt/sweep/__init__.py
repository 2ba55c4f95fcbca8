"""The face ``sweep``: how sure is the answer?

Scenarios from an instance's ``uncertainty`` section (or a table), each scenario's exact
zone and bargaining solutions in batches (this process, local worker processes or a Dask
cluster), and what they add up to: acceptability, stability and sensitivity. See
docs/sweep.md.
"""

from __future__ import annotations

import sys
import time
import types
from pathlib import Path
from typing import Any

from dealopt.errors import UsageError
from dealopt.spec.model import Instance


def sweep(
    instance: Instance | str | Path,
    *,
    samples: int = 1000,
    scenarios: Any = None,
    method: str = "mc",
    seed: int | None = 0,
    workers: int | None = 1,
    client: Any = None,
    backend: str = "auto",
    time_limit: float | None = None,
    fast: bool = True,
    batch_size: int | None = None,
    progress: Any = None,
    keep_frontiers: int = 0,
    keep_outcomes: int = 10_000,
) -> Any:
    """Solve many scenarios of ``instance`` exactly and sum them up (a :class:`SweepResult`).

    Parameters
    ----------
    instance
        An instance (or the path of one) with an ``uncertainty`` section, unless
        ``scenarios`` is given.
    samples, method, seed
        How many scenarios to draw, how (``"mc"``, ``"lhs"``, ``"sobol"``) and with which
        seed: the same seed gives the same scenarios and results, bit for bit.
    scenarios
        Instead of sampling: a CSV or Parquet table (path) whose columns are paths, or a
        :class:`~dealopt.sweep.scenarios.Scenarios`.
    workers
        Local worker processes (1: this process).
    client
        A ``distributed.Client``: run the batches on that Dask cluster instead.
    backend, time_limit
        For scenarios solved one by one (``time_limit`` per scenario; one that hits it is
        ``partial``). ``fast=False`` solves every scenario with ``dealopt.solve``.
    progress
        A :class:`dealopt.progress.Progress`: told the phase (preparing, then scenarios) and
        the scenarios done with the time left (what the command line's bar shows); or any
        callable, called as ``progress(done, total)``.
    keep_frontiers
        Keep the frontier points of the first that many scenarios, and compute the frontier
        of the file's own numbers, for the picture of the frontiers overlaid.
    keep_outcomes
        Keep the full outcome (every frontier and zone deal) of the first that many scenarios
        as ``result.outcomes``. Every share, index and the experiments table cover every
        scenario whatever this is: outcomes are counted as they come back, so beyond these a
        scenario costs only its compact row (docs/sweep.md).
    """
    from dealopt.sweep.result import SweepResult
    from dealopt.sweep.run import run
    from dealopt.sweep.scenarios import Scenarios, read_table, sample

    if isinstance(instance, str | Path):
        from dealopt.api import load

        instance = load(instance)
    if workers is not None and workers < 1:
        raise UsageError(f"workers must be at least 1, got {workers}")
    if isinstance(scenarios, Scenarios):
        table, source = scenarios, "given"
    elif scenarios is not None:
        table, source = read_table(scenarios, instance), str(scenarios)
    else:
        if instance.uncertainty is None:
            raise UsageError(
                f"{instance.path or instance.name} has no 'uncertainty' section: add one "
                "(see docs/sweep.md) or give a scenario table"
            )
        table, source = sample(instance.uncertainty, samples, method, seed), "sampled"
    started = time.perf_counter()
    told = _told(progress)
    tally, interrupted, engine = run(
        instance,
        table,
        workers=workers,
        client=client,
        backend=backend,
        time_limit=time_limit,
        fast=fast,
        batch_size=batch_size,
        progress=told,
        keep_frontiers=keep_frontiers,
        keep_outcomes=keep_outcomes,
    )
    # None without a status quo: the outputs then list every option of a deal
    sq = dict(instance.status_quo) if instance.has_status_quo else None
    extra: dict[str, Any] = {"status_quo": sq}
    if keep_frontiers:
        from dealopt.pipeline import solve

        own = solve(instance, backend=backend, time_limit=time_limit)
        extra["frontier"] = [tuple(p.utilities[q] for q in instance.parties) for p in own.frontier]
        extra["no_deal"] = tuple(own.no_deal[q] for q in instance.parties)
    return SweepResult(
        instance_name=instance.name,
        parties={p: instance.parties[p].label for p in instance.parties},
        issues=tuple(instance.issues),
        scenarios=table.slice(0, tally.n),
        tally=tally,
        requested=len(table),
        interrupted=interrupted,
        method=method if source == "sampled" else None,
        seed=seed if source == "sampled" else None,
        source=source,
        solve_reason=None if engine is None else engine.solve_reason,
        seconds=time.perf_counter() - started,
        extra=extra,
    )


def _told(progress: Any) -> Any:
    """``progress(done, total)`` for the runner: a :class:`~dealopt.progress.Progress` is told
    the phases and counts (the preparation first: the first count comes after it)."""
    from dealopt.progress import Progress

    if not isinstance(progress, Progress):
        return progress
    progress.phase("sweep: preparing", "feasible deals, utility polynomials")
    started = [False]

    def count(done: int, total: int) -> None:
        if not started[0]:
            started[0] = True
            progress.phase("sweep")
        progress.count(done, total)

    return count


class _Face(types.ModuleType):
    """``dealopt.sweep(...)`` calls :func:`sweep`: once the layer is imported, the package
    attribute ``dealopt.sweep`` is this module (Python binds submodules on their package), so
    the module itself must be callable for the library face to keep its documented name."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return sweep(*args, **kwargs)


sys.modules[__name__].__class__ = _Face

__all__ = ["sweep"]
