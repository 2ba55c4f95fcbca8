"""Running a sweep: scenarios in batches, in this process, in local worker processes, or on a
Dask cluster; results streamed back in scenario order; Ctrl-C keeps what is done.

A batch is worth about :data:`BATCH_SECONDS` of work, measured on a pilot batch in this
process: a task scheduler pays about a millisecond per task, so many tiny tasks would stall
it, and one huge task would leave workers idle and hold every result in memory at once.
The engine is prepared once, here, and sent to the workers prepared. Outcomes are exact and
computed scenario by scenario, so they do not depend on how the scenarios were batched or where
a batch ran.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from dealopt.pool import Pool, new_token
from dealopt.spec.model import Instance
from dealopt.sweep.engine import Engine, Outcome
from dealopt.sweep.result import Tally
from dealopt.sweep.scenarios import Scenarios

BATCH_SECONDS = 1.0
SHARED_BATCH_SECONDS = 0.25
"""Batches for local workers beside this process (decision 102): a local task costs far less
than a Dask task, and at the end this process waits for the batches the workers hold (two
each), so smaller batches leave it a shorter tail."""
MAX_BATCH = 5000
PILOT = 8
PILOT_MORE = 120
"""A second pilot when the first took under :data:`QUICK` seconds: a chunk of scenarios costs
a fixed part (numpy calls) plus a little per scenario, and eight scenarios time mostly the
fixed part (batches of 50 instead of thousands on the fast way)."""
QUICK = 0.05
Progress = Callable[[int, int], None]
"""``progress(done, total)``."""


def run_batch(engine: Engine, batch: Scenarios) -> list[Outcome]:
    """One batch's outcomes (the task a worker runs on its prepared engine)."""
    return engine.run(batch)


def run(
    instance: Instance,
    scenarios: Scenarios,
    *,
    workers: int | None = None,
    client: Any = None,
    backend: str = "auto",
    time_limit: float | None = None,
    fast: bool = True,
    batch_size: int | None = None,
    progress: Progress | None = None,
    keep_frontiers: int = 0,
    keep_outcomes: int = 0,
) -> tuple[Tally, bool, Engine | None]:
    """Every scenario's outcome, counted in order as the batches come back (a
    :class:`~dealopt.sweep.result.Tally`, which keeps the full outcomes of the first
    ``keep_outcomes`` scenarios only); the flag says whether Ctrl-C stopped the run (then the
    tally holds the scenarios done, a prefix in scenario order); and the engine of this
    process (None when Ctrl-C came before it was built)."""
    options = {
        "backend": backend,
        "time_limit": time_limit,
        "fast": fast,
        "keep_frontiers": keep_frontiers,
    }
    token = new_token()
    total = len(scenarios)
    tally = Tally(len(instance.parties), keep_outcomes, capacity=total)
    # Work is timed in this process's CPU seconds: on a loaded machine wall time would make
    # the batches small for nothing (each costs a fixed part too).
    started = time.process_time()
    engine = None
    stream: Iterator[list[Outcome]] | None = None
    try:
        engine = Engine(
            instance, scenarios.numbers, scenarios.decimals, scenarios.red_lines, **options
        )
        # Every red-line configuration up front: the pilot then times scenarios only (a
        # configuration met first in the pilot made the batches one scenario long), and the
        # workers receive them built.
        engine.prepare(scenarios)
        # The first scenario pays the engine's one-off preparation; the pilot after it
        # measures what one more scenario costs, to size the batches.
        tally.add(engine.run(scenarios.slice(0, 1)))
        timed = time.process_time()
        preparation = timed - started
        # One scenario first: when it alone is worth a batch (scenarios solved one by one),
        # the rest of the pilot would run here, serially, while the workers wait.
        tally.add(engine.run(scenarios.slice(1, min(2, total))))
        one = time.process_time() - timed
        quick = one < BATCH_SECONDS
        if quick:
            # The rest of the pilot, up to about a batch's worth: scenarios of a good part of
            # a second each would otherwise run here by eight while the workers wait.
            more = PILOT - 1 if one <= 0 else min(PILOT - 1, math.ceil(BATCH_SECONDS / one) - 1)
            tally.add(engine.run(scenarios.slice(2, min(2 + more, total))))
        piloted = max(tally.n - 1, 1)
        per = (time.process_time() - timed) / piloted
        if quick and per * piloted < QUICK and tally.n < total:
            more = scenarios.slice(tally.n, min(tally.n + PILOT_MORE, total))
            again = time.process_time()
            tally.add(engine.run(more))
            per = (time.process_time() - again) / len(more)
        if progress:
            progress(tally.n, total)
        if batch_size is None:
            local = client is None and (workers or 1) > 1
            seconds = SHARED_BATCH_SECONDS if local else BATCH_SECONDS
            batch_size = max(1, min(MAX_BATCH, int(seconds / max(per, 1e-6))))
        rest = list(scenarios.batches(batch_size, start=tally.n))
        # A new worker process prepares its own engine: not worth it for less work than that.
        worth = per * (total - tally.n) > 2 * preparation
        # Workers get this engine, prepared (the instance checked, the feasible deals and the
        # utility polynomials built): a few megabytes pickled instead of seconds of work each.
        if client is not None:
            stream = _pooled(Pool(token, engine, client=client), rest)
        elif (workers or 1) > 1 and len(rest) > 1 and worth:
            # This process is one of the workers: it holds the engine already, so it works
            # on while the others start (spawn, imports, the engine unpickled) instead of
            # waiting for them (decision 102).
            stream = _shared(Pool(token, engine, workers=workers - 1), engine, rest)
        else:
            stream = (engine.run(b) for b in rest)
        for done in stream:
            tally.add(done)  # counted, then let go: a compact row per scenario stays
            if progress:
                progress(tally.n, total)
    except KeyboardInterrupt:
        if stream is not None:
            stream.close()  # stops the workers' batches in flight
        return tally, True, engine
    return tally, False, engine


def _shared(pool: Pool, engine: Engine, batches: list[Scenarios]) -> Iterator[list[Outcome]]:
    """Batches on the pool's workers and on this process, results in batch order: the pool
    is kept two batches per worker ahead, and this process runs the next batch itself while
    it waits; a bounded number of results is held."""
    queue: deque[Any] = deque()  # in batch order: a future, or the outcomes this process found
    limit = 4 * (pool.workers + 1)
    finished = False
    try:
        batches_left = deque(batches)
        in_flight = 0
        while batches_left or queue:
            while batches_left and in_flight < 2 * pool.workers and len(queue) < limit:
                queue.append(pool.submit(run_batch, batches_left.popleft()))
                in_flight += 1
            if batches_left and len(queue) < limit:
                queue.append(engine.run(batches_left.popleft()))
            # Hand on every result ready at the front; wait for the front only when this
            # process has nothing else to do, or holds as many results as it may.
            while queue and (
                isinstance(queue[0], list)
                or queue[0].done()
                or not batches_left
                or len(queue) >= limit
            ):
                front = queue.popleft()
                if not isinstance(front, list):
                    front = pool.result(front)
                    in_flight -= 1
                yield front
        finished = True
    finally:
        pool.close(cancel=not finished)


def _pooled(pool: Pool, batches: list[Scenarios]) -> Iterator[list[Outcome]]:
    """Batches on the pool's workers, results in batch order, a bounded number in flight.
    Dask re-runs the batch of a worker lost mid-run."""
    pending: list = []
    finished = False
    try:
        for batch in batches:
            pending.append(pool.submit(run_batch, batch))
            if len(pending) >= 2 * pool.workers:
                yield pool.result(pending.pop(0))
        while pending:
            yield pool.result(pending.pop(0))
        finished = True
    finally:
        # Interrupted: the batches in flight are not wanted.
        pool.close(cancel=not finished)
