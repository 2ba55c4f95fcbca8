"""Frontiers searched in independent regions at once, on local worker processes or a Dask
cluster (:mod:`dealopt.pool`). Tasks are worth :data:`TASK_SECONDS` of searching each: a task
comes back with its state, what the others found meanwhile is applied to it, and it goes out
again (to any worker).

**Two objectives: slices of** ``f1``. After the two ends of the frontier, ``f1`` is cut into
slices ``a <= f1 <= b`` (:data:`SLICES_PER_WORKER` per worker), each searched by the
epsilon-constraint method restricted to it; a slice left alone while a worker would wait is
cut in two below its last point. Exact: a point nondominated in the whole space is
nondominated in its slice (the slice holds fewer deals), so the union of the slices' answers
holds the frontier; a dominated point of the union is dominated by a frontier point, also in
the union, so the exact nondominated filter of the union is the frontier. Shared: the slices
run from the top of ``f1`` down, and a slice is given the points found above it (``f1 > b``)
each time it goes out; ``z`` above dominates every deal of the slice with ``f2 <= z2``, so the
slice goes on from ``f2 > max z2``. A stopped run reports the points of the slices below no
unfinished slice: nothing unsearched above them can dominate them.

**Three or more: the zones of one search region.** The lexicographic optimum of any zone
``{y > u}`` of the search region is nondominated in the whole space, and every certificate
holds for the whole box (:mod:`dealopt.frontier.search_region`), whichever worker found it.
So the zones are shared out: each worker searches its zones as the serial search would; when
it comes back, the points found elsewhere meanwhile split the zones it has left, its points
split the zones nobody holds, every certificate filters them all, and the zones are shared out
again, those the serial search would take first going out first. No filter is needed, there
are no slice edges to prove empty, and a stopped run's points are all proven. The cost of
running at once is a zone searched before a point found elsewhere split or covered it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dealopt.backends.base import Bounds, Session, SolveOptions
from dealopt.compile.model import CompiledModel
from dealopt.frontier import search_region
from dealopt.frontier.bicriteria import epsilon_constraint
from dealopt.frontier.result import FrontierPoint, FrontierResult
from dealopt.frontier.runner import Progress, Run, Stop

SLICES_PER_WORKER = 2
"""Slices per worker at the start: each slice costs a few solves along its lower edge, and
slices are cut in two later when a worker would otherwise wait (decision 82)."""

TASK_SECONDS = 2.0
"""Seconds of searching per task before a slice comes back with its state: the points of the
slices above reach it that often, and a slice left alone at the end can be cut in two."""


@dataclass
class Problem:
    """What a worker needs to search a slice: the model, the backend to build it in and the
    session options. The session is built once per worker process and kept."""

    backend: str
    model: CompiledModel
    options: SolveOptions
    _session: Session | None = field(default=None, repr=False, compare=False)

    def session(self) -> Session:
        if self._session is None:
            from dealopt.backends import get_backend

            self._session = get_backend(self.backend).build(self.model, self.options)
        return self._session

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_session": None}  # a session does not travel


@dataclass(frozen=True)
class Parallel:
    """How to search in regions: ``workers`` local processes, or the workers of a Dask
    ``client``; ``slices`` at the start (None: :data:`SLICES_PER_WORKER` per worker)."""

    problem: Problem
    workers: int = 1
    client: Any = None
    slices: int | None = None


@dataclass(frozen=True)
class Task:
    """One piece of work on a slice: its bounds (``f1`` cut to the slice) or its search so far
    (``state``), the ``f_2..f_p`` of points found above it since it last ran, the wall-clock
    time (``time.time()``) by which it must stop, and its seconds of searching."""

    key: int
    bounds: Bounds
    state: Any
    above: tuple[tuple[int, ...], ...]
    deadline: float | None
    budget: float | None


@dataclass(frozen=True)
class Searched:
    """A task's answer: the points it proved (nondominated in the slice), the state to go on
    from (None: the slice is complete), why it stopped early, its solver calls."""

    key: int
    points: tuple[FrontierPoint, ...]
    state: Any
    stopped: str | None
    calls: int


def search_slice(problem: Problem, task: Task) -> Searched:
    """Run one task in this process (what a worker runs)."""
    session = problem.session()
    left = None if task.deadline is None else task.deadline - time.time()
    run = Run(session, left, None)
    until = None if task.budget is None else time.perf_counter() + task.budget
    state = task.state
    stopped = None
    try:
        if left is not None and left <= 0:
            raise Stop("time limit")
        bounds, hint = (task.bounds, None) if state is None else state
        if task.above:  # a point above dominates the slice's deals below it on f2
            lo2, hi2 = bounds.get(1, (None, None))
            floor = max(q[0] for q in task.above) + 1
            bounds = {**bounds, 1: (floor if lo2 is None else max(lo2, floor), hi2)}
        state = (bounds, hint)
        state = epsilon_constraint(run, bounds, hint, until)
    except Stop as stop:
        stopped = stop.reason
    return Searched(task.key, tuple(run.points), state, stopped, run.calls)


@dataclass
class _Part:
    """A slice as the coordinator sees it: ``f1`` in ``[bottom, top]``."""

    top: int
    bottom: int
    state: Any = None
    points: list[FrontierPoint] = field(default_factory=list)
    seen: int = 0  # points of the run's list already sent to (or found in) this slice
    started: bool = False
    done: bool = False
    running: bool = False


class _Inline:
    """Tasks run at once in this process (one worker, or tests that pretend to have more)."""

    def __init__(self, problem: Problem, workers: int):
        self.problem = problem
        self.workers = workers

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        from concurrent.futures import Future

        future: Future = Future()
        future.set_result(fn(self.problem, *args))
        return future

    def wait(self, futures: Any, timeout: float | None = None) -> tuple[set, set]:
        return set(futures), set()

    def result(self, future: Any) -> Any:
        return future.result()

    def close(self, *, cancel: bool = False) -> None:
        pass


def frontier_in_regions(
    session: Session,
    problem: Problem,
    bounds: Bounds,
    *,
    workers: int = 1,
    client: Any = None,
    slices: int | None = None,
    time_limit: float | None = None,
    progress: Progress | None = None,
    budget: float | None = TASK_SECONDS,
    inline: bool = False,
) -> FrontierResult:
    """The frontier within ``bounds`` of a model of two or more objectives, searched in slices
    of ``f1`` on ``workers`` local processes or the workers of a Dask ``client`` (in this
    process when ``workers`` is 1 and there is no client, or with ``inline``).

    ``session`` (built from ``problem``) finds the ends of ``f1``; ``slices`` defaults to
    :data:`SLICES_PER_WORKER` per worker; ``budget`` is a task's seconds of searching (None:
    a slice to its end in one task)."""
    p = len(session.model.objectives)
    if p >= 3:
        return _zones(
            session, problem, bounds, _pool(problem, workers, client, inline), time_limit,
            progress, budget,
        )  # fmt: skip
    algorithm = "epsilon-constraint"
    run = Run(session, time_limit, progress)
    deadline = None if time_limit is None else time.time() + time_limit
    ends: list[FrontierPoint] = []
    try:
        cuts = _cuts(run, bounds, ends)
    except Stop as stop:
        return _result(run, algorithm, ends, [], stop.reason, 0)
    except KeyboardInterrupt:
        return _result(run, algorithm, ends, [], "interrupted", 0)
    if cuts is None:  # at most the ends: nothing left between them
        return _result(run, algorithm, ends, [], None, 0)
    lo, hi = cuts
    pool = _pool(problem, workers, client, inline)
    count = max(1, min(hi - lo + 1, slices or SLICES_PER_WORKER * pool.workers))
    # Slice i covers f1 in [tops[i + 1] + 1, tops[i]], from the top down.
    tops = [hi - (hi - lo + 1) * i // count for i in range(count + 1)]
    parts = [_Part(tops[i], tops[i + 1] + 1) for i in range(count)]
    found = list(ends)  # every point so far, in the order found
    stopped = None
    calls = 0
    regions = count
    running: dict[Any, _Part] = {}
    try:
        while True:
            # Highest slices first: their points make the slices below smaller.
            for part in parts:
                if len(running) >= pool.workers:
                    break
                if part.done or part.running:
                    continue
                task = _task(part, bounds, found, deadline, budget)
                part.running = part.started = True
                running[pool.submit(search_slice, task)] = part
            if not running:
                break
            finished = _wait(pool, running, deadline)
            if not finished:
                stopped = "time limit"
                break
            for future in finished:
                part = running.pop(future)
                answer = pool.result(future)
                part.running = False
                part.points.extend(answer.points)
                found.extend(answer.points)
                part.state = answer.state
                part.done = answer.state is None and answer.stopped is None
                calls += answer.calls
                stopped = stopped or answer.stopped
            if stopped is not None:
                break
            if progress is not None:
                progress(len(found), run.calls + calls, run.elapsed)
            regions += _split(parts, pool.workers - len(running))
    except KeyboardInterrupt:
        stopped = "interrupted"
    finally:
        pool.close(cancel=stopped is not None)
    return _result(run, algorithm, ends, parts, stopped, calls, regions)


def _pool(problem: Problem, workers: int, client: Any, inline: bool) -> Any:
    """Where the tasks run: a Dask cluster, local processes, or this process."""
    if client is not None or (workers > 1 and not inline):
        from dealopt.pool import Pool, new_token

        return Pool(new_token(), problem, workers=workers, client=client)
    return _Inline(problem, workers)


@dataclass(frozen=True)
class ZoneTask:
    """Some zones of the search region to search for a while: the box's upper bounds, the
    zones, every certificate known, a hint, the wall-clock deadline, the seconds to search."""

    hi: list[int]
    zones: np.ndarray
    certs: np.ndarray
    hint: tuple[int, ...] | None
    deadline: float | None
    budget: float | None


@dataclass(frozen=True)
class ZoneAnswer:
    """What a zone task found: its points (each nondominated in the whole space), the zones
    it has left, the certificates it made, why it stopped early, its solver calls."""

    points: tuple[FrontierPoint, ...]
    zones: np.ndarray
    certs: np.ndarray
    stopped: str | None
    calls: int


def search_zones(problem: Problem, task: ZoneTask) -> ZoneAnswer:
    """Go on with the search region restricted to the task's zones (what a worker runs)."""
    session = problem.session()
    left = None if task.deadline is None else task.deadline - time.time()
    run = Run(session, left, None)
    until = None if task.budget is None else time.perf_counter() + task.budget
    known = len(task.certs)
    search = search_region.Search(task.hi, task.zones, task.certs, task.hint)
    stopped = None
    try:
        if left is not None and left <= 0:
            raise Stop("time limit")
        search_region.resume(run, search, until)
    except Stop as stop:
        stopped = stop.reason
    return ZoneAnswer(tuple(run.points), search.zones, search.certs[known:], stopped, run.calls)


def _zones(
    session: Session,
    problem: Problem,
    bounds: Bounds,
    pool: Any,
    time_limit: float | None,
    progress: Progress | None,
    budget: float | None,
) -> FrontierResult:
    """Three or more objectives: the zones of one search region shared out among the workers.

    The lexicographic optimum of any zone is nondominated in the whole space, and every
    certificate holds for the whole box (:mod:`dealopt.frontier.search_region`), whichever
    worker made it. So each worker searches some of the zones as the serial search would;
    when it comes back, the points found elsewhere meanwhile split the zones it has left,
    its points split the zones nobody holds, every certificate filters them all, and the
    zones are shared out again. The search ends when no zone is left anywhere.
    """
    run = Run(session, time_limit, progress)
    deadline = None if time_limit is None else time.time() + time_limit
    found: list[FrontierPoint] = []
    stopped = None
    calls = 0
    tasks = 0
    try:
        search = search_region.start(run, bounds)
    except KeyboardInterrupt:
        search, stopped = None, "interrupted"
    if search is None:
        pool.close()
        return _points(run, found, stopped, 0, 0)
    free, certs, hi = search.zones, search.certs, search.hi
    hint: tuple[int, ...] | None = None
    running: dict[Any, int] = {}  # task -> how many points were known when it started
    try:
        while True:
            idle = pool.workers - len(running)
            while idle > 0 and len(free):
                # The zones the serial search would take next, shared among the idle workers.
                order = _zone_order(free)
                take = -(-len(free) // idle)
                chunk, free = free[order[:take]], free[order[take:]]
                task = ZoneTask(hi, chunk, certs, hint, deadline, budget)
                running[pool.submit(search_zones, task)] = len(found)
                tasks += 1
                idle -= 1
            if not running:
                break
            finished = _wait(pool, running, deadline)
            if not finished:
                stopped = "time limit"
                break
            for future in finished:
                known = running.pop(future)
                answer = pool.result(future)
                calls += answer.calls
                stopped = stopped or answer.stopped
                certs = np.vstack((certs, answer.certs.astype(certs.dtype)))
                back = answer.zones.astype(free.dtype)
                for pt in found[known:]:  # found by others while this task ran
                    back = search_region.update_zones(back, _row(pt, back), certs)
                for pt in answer.points:
                    free = search_region.update_zones(free, _row(pt, free), certs)
                    hint = pt.values
                found.extend(answer.points)
                free = np.vstack((free, back)) if len(back) else free
                if len(free):
                    free = free[~search_region.covered(free, certs)]
                    free = search_region.unique_rows(free)
            if stopped is not None:
                break
            if progress is not None:
                progress(len(found), run.calls + calls, run.elapsed)
    except KeyboardInterrupt:
        stopped = "interrupted"
    finally:
        pool.close(cancel=stopped is not None)
    if stopped is None and (len(free) or running):
        stopped = "interrupted"  # cannot happen: the loop ends with no zone left
    return _points(run, found, stopped, calls, tasks)


def _row(point: FrontierPoint, like: np.ndarray) -> np.ndarray:
    return np.array(point.objectives, dtype=like.dtype)


def _zone_order(zones: np.ndarray) -> list[int]:
    """The zones in the order the serial search takes them: largest ``u1`` first."""
    if zones.dtype != object:
        return [int(i) for i in np.lexsort((*zones.T[:0:-1], -zones[:, 0]))]
    return sorted(range(len(zones)), key=lambda r: (-zones[r][0], *zones[r][1:]))


def _points(
    run: Run, found: list[FrontierPoint], stopped: str | None, calls: int, tasks: int
) -> FrontierResult:
    """Every point found (each proven nondominated, whether the run finished or not)."""
    unique = {pt.objectives: pt for pt in found}
    return FrontierResult(
        points=tuple(sorted(unique.values(), key=lambda pt: pt.objectives, reverse=True)),
        complete=stopped is None,
        solver_calls=run.calls + calls,
        seconds=run.elapsed,
        algorithm="search-region",
        stopped=stopped,
        regions=tasks,
    )


def _task(
    part: _Part,
    bounds: Bounds,
    found: list[FrontierPoint],
    deadline: float | None,
    budget: float | None,
) -> Task:
    """The next task of ``part``, with the points found above it since it last ran (only
    their nondominated ``f_2..f_p``: a dominated one removes nothing more)."""
    news = [pt.objectives[1:] for pt in found[part.seen :] if pt.objectives[0] > part.top]
    part.seen = len(found)
    above: tuple[tuple[int, ...], ...] = ()
    if news:
        rows = sorted(set(news), reverse=True)
        above = tuple(rows[k] for k in _nondominated(rows))
    lo1, hi1 = bounds.get(0, (None, None))
    lo1 = part.bottom if lo1 is None else max(lo1, part.bottom)
    hi1 = part.top if hi1 is None else min(hi1, part.top)
    box = {**bounds, 0: (lo1, hi1)}
    return Task(id(part), box, part.state, above, deadline, budget)


def _split(parts: list[_Part], idle: int) -> int:
    """Cut waiting slices in two while a worker would otherwise be idle: the widest first
    (by what is left of it in ``f1``). Returns the number of new slices."""
    made = 0
    while idle > sum(1 for part in parts if not part.done and not part.running):
        best = None
        for i, part in enumerate(parts):
            if part.done or part.running or not part.started or part.state is None:
                continue
            cut = _cut(part)
            if cut is not None and (best is None or cut[1] > best[2]):
                best = (i, cut[0], cut[1])
        if best is None:
            return made
        i, c, _ = best
        part = parts[i]
        (box, hint), lo1 = part.state, part.bottom
        high = _Part(part.top, c + 1, ({**box, 0: (c + 1, part.top)}, hint))
        low = _Part(c, lo1, ({**box, 0: (lo1, c)}, hint))
        for new in (high, low):
            new.seen, new.started = part.seen, True
        high.points = [pt for pt in part.points if pt.objectives[0] > c]
        low.points = [pt for pt in part.points if pt.objectives[0] <= c]
        parts[i : i + 1] = [high, low]
        made += 1
    return made


def _cut(part: _Part) -> tuple[int, int] | None:
    """Where to cut a started slice in two, and how wide in ``f1`` what is left of it is:
    the points so far have the largest ``f1`` of the slice, so what is left lies below them."""
    top = min([part.top, *(pt.objectives[0] - 1 for pt in part.points)])
    if top - part.bottom < 1:
        return None
    return (part.bottom + top) // 2, top - part.bottom


def _cuts(run: Run, bounds: Bounds, ends: list[FrontierPoint]) -> tuple[int, int] | None:
    """The range of ``f1`` left to slice, ``(lo, hi)``, after the two ends of the frontier
    found here (added to ``ends``); None when nothing is left between them.

    The lexicographic maximum of ``(f1, f2)`` is the only frontier point with the largest
    ``f1``; that of ``(f2, f1)`` has the smallest ``f1`` of the frontier and is its only point
    there (anything with a smaller ``f1`` has no larger ``f2``).
    """
    top = run.lexmax(0, [1], bounds, None)
    if top is None:
        return None
    assert top.objectives is not None and top.values is not None
    ends.append(FrontierPoint(top.objectives, top.values))
    bottom = run.lexmax(1, [0], bounds, top.values)
    assert bottom is not None and bottom.objectives is not None and bottom.values is not None
    if bottom.objectives == top.objectives:
        return None
    ends.append(FrontierPoint(bottom.objectives, bottom.values))
    lo, hi = bottom.objectives[0] + 1, top.objectives[0] - 1
    return (lo, hi) if lo <= hi else None


def _nondominated(rows: Sequence[tuple[int, ...]]) -> list[int]:
    """Indices of the rows no other row dominates (rows distinct), exact on integers."""
    from dealopt.backends.enumerate import nondominated_mask

    if len(rows[0]) == 0:
        return [0]
    if max(abs(x) for r in rows for x in r) >= 2**62:  # int64 would overflow: exact Python
        from dealopt.frontier.settle import nondominated

        return nondominated(rows)
    mask = nondominated_mask(np.array(rows, dtype=np.int64))
    return [int(k) for k in np.flatnonzero(mask)]


def _result(
    run: Run,
    algorithm: str,
    ends: list[FrontierPoint],
    parts: list[_Part],
    stopped: str | None,
    calls: int,
    regions: int = 0,
) -> FrontierResult:
    """The union's nondominated points; when stopped, only those of the slices below no
    unfinished slice (see the module docstring)."""
    points = list(ends)
    for part in parts:  # from the top down
        points.extend(part.points)
        if not part.done:
            break
    unique = {pt.objectives: pt for pt in points}
    vectors = list(unique)
    kept = [unique[vectors[k]] for k in _nondominated(vectors)] if vectors else []
    return FrontierResult(
        points=tuple(sorted(kept, key=lambda pt: pt.objectives, reverse=True)),
        complete=stopped is None and all(part.done for part in parts),
        solver_calls=run.calls + calls,
        seconds=run.elapsed,
        algorithm=algorithm,
        stopped=stopped,
        regions=regions,
    )


def _wait(pool: Any, running: Any, deadline: float | None) -> Any:
    """The tasks of ``running`` that have finished, waiting for at least one; empty when even
    the deadline's grace passed. The tasks stop themselves at the deadline: this wait's own
    limit is only a safety net."""
    left = None if deadline is None else deadline - time.time()
    finished, _ = pool.wait(running, None if left is None else max(left, 0) + 5.0)
    return finished
