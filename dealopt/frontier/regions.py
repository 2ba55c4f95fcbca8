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

**Three or more: slabs of** ``f1``, **each a search region of its own.** After the
lexicographic ends, ``f1`` is cut into one slab ``a <= f1 <= b`` per worker, each searched by
the search-region method restricted to it (:mod:`dealopt.frontier.search_region`). The slabs do
not overlap, so two workers make about the serial number of solves between them: the extra
ones are the zones along a slab's lower edge proven empty, and (three objectives) the
*staircase* a slab below another finds first: the points above it whose ``(f2, f3)`` nothing
there beats, one solve each. Those dominate every deal of the slab that any point above it
dominates, so the slab never searches what the slab above will rule out. Points found above a
slab or in it by others split its zones each time it goes out; a slab left alone while a
worker would wait is cut in two (the lower half finds its staircase first). Exact as for two
objectives: a frontier point is nondominated in its slab, and the exact nondominated filter of
the union is the frontier; a stopped run reports the slabs below no unfinished slab.
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
    stair: bool = False  # three objectives: find the staircase above it first


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
    (slabs) of ``f1`` on ``workers`` local processes or the workers of a Dask ``client`` (in this
    process when ``workers`` is 1 and there is no client, or with ``inline``).

    ``session`` (built from ``problem``) finds the ends of ``f1``; ``slices`` defaults to
    :data:`SLICES_PER_WORKER` per worker (two objectives) or one per worker (three or more);
    ``budget`` is a task's seconds of searching (None: a slice to its end in one task)."""
    p = len(session.model.objectives)
    if p >= 3:
        return _slabs(
            session, problem, bounds, _pool(problem, workers, client, inline), slices,
            time_limit, progress, budget,
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
    _restore_sigint()
    lo, hi = cuts
    pool = _pool(problem, workers, client, inline)
    count = max(1, min(hi - lo + 1, slices or SLICES_PER_WORKER * pool.workers))
    # Slice i covers f1 in [tops[i + 1] + 1, tops[i]], from the top down.
    tops = [hi - (hi - lo + 1) * i // count for i in range(count + 1)]
    parts = [_Part(tops[i], tops[i + 1] + 1) for i in range(count)]
    found = list(ends)  # every point so far, in the order found

    def task_of(part: _Part) -> tuple[Callable[..., Searched], Task]:
        return search_slice, _task(part, bounds, found, deadline, budget)

    # Highest slices first: their points make the slices below smaller.
    stopped, calls, cut = _schedule(run, pool, parts, found, task_of, _split, deadline, progress)
    regions = count + cut
    return _result(run, algorithm, ends, parts, stopped, calls, regions)


def _schedule(
    run: Run,
    pool: Any,
    parts: list[_Part],
    found: list[FrontierPoint],
    task_of: Callable[[_Part], tuple[Callable[..., Searched], Any]],
    split: Callable[[list[_Part], int], int],
    deadline: float | None,
    progress: Progress | None,
    found_by: Callable[[_Part, list[FrontierPoint]], None] | None = None,
) -> tuple[str | None, int, int]:
    """Tasks of ``parts`` on ``pool``, earliest part first, one running per worker, until
    every part is done, a task stops, the deadline passes or Ctrl-C: each answer's points join
    its part and ``found`` (and ``found_by``), and idle workers get parts ``split`` off.
    Returns why it stopped (None: complete), the solver calls of the tasks and the number of
    parts split off."""
    stopped = None
    calls = cut = 0
    running: dict[Any, _Part] = {}
    try:
        while True:
            for part in parts:
                if len(running) >= pool.workers:
                    break
                if part.done or part.running:
                    continue
                fn, task = task_of(part)
                part.running = part.started = True
                running[pool.submit(fn, task)] = part
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
                if found_by is not None:
                    found_by(part, answer.points)
                part.state = answer.state
                part.done = answer.state is None and answer.stopped is None
                calls += answer.calls
                stopped = stopped or answer.stopped
            if stopped is not None:
                break
            if progress is not None:
                progress(len(found), run.calls + calls, run.elapsed)
            cut += split(parts, pool.workers - len(running))
    except KeyboardInterrupt:
        stopped = "interrupted"
    finally:
        pool.close(cancel=stopped is not None)
    return stopped, calls, cut


def _pool(problem: Problem, workers: int, client: Any, inline: bool) -> Any:
    """Where the tasks run: a Dask cluster, local processes, or this process."""
    if client is not None or (workers > 1 and not inline):
        from dealopt.pool import Pool, new_token

        return Pool(new_token(), problem, workers=workers, client=client)
    return _Inline(problem, workers)


@dataclass(frozen=True)
class SlabTask:
    """A slab's search to go on with for a while: its search region so far, the points found
    above it (``f1`` over its top) since it last ran, the wall-clock deadline, the seconds to
    search."""

    key: int
    search: search_region.Search
    above: np.ndarray
    stair: Bounds | None
    deadline: float | None
    budget: float | None


def search_slab(problem: Problem, task: SlabTask) -> Searched:
    """Go on with a slab's search region (what a worker runs)."""
    session = problem.session()
    left = None if task.deadline is None else task.deadline - time.time()
    run = Run(session, left, None)
    until = None if task.budget is None else time.perf_counter() + task.budget
    search = task.search
    for z in task.above:  # a point above dominates every deal of the slab below it
        search.zones = search_region.update_zones(search.zones, z, search.certs)
    stopped = None
    done = False
    try:
        if left is not None and left <= 0:
            raise Stop("time limit")
        if task.stair is not None:
            for z in _staircase(run, task.stair):
                row = np.array(z, dtype=search.zones.dtype)
                search.zones = search_region.update_zones(search.zones, row, search.certs)
        done = search_region.resume(run, search, until)
    except Stop as stop:
        stopped = stop.reason
    return Searched(task.key, tuple(run.points), None if done else search, stopped, run.calls)


def _staircase(run: Run, above: Bounds) -> list[tuple[int, ...]]:
    """Three objectives: the points of ``above`` (a box of ``f1`` over a slab's top) whose
    ``(f2, f3)`` no other point there beats, found by the epsilon-constraint method on ``f3``
    (``max f2, then f3 + f1`` with ``f3`` over the last one's). Each is nondominated in the
    whole box (whatever dominates it lies in ``above`` too and would beat it), and together
    they dominate every deal of the slab that some point of ``above`` dominates."""
    out = []
    lo3, hi3 = above.get(2, (None, None))
    while True:
        found = run.lexmax(1, [2, 0], {**above, 2: (lo3, hi3)}, None)
        if found is None:
            return out
        assert found.objectives is not None and found.values is not None
        run.add(found.objectives, found.values)
        out.append(found.objectives)
        lo3 = found.objectives[2] + 1


def _slabs(
    session: Session,
    problem: Problem,
    bounds: Bounds,
    pool: Any,
    slices: int | None,
    time_limit: float | None,
    progress: Progress | None,
    budget: float | None,
) -> FrontierResult:
    """Three or more objectives: slabs of ``f1``, each a search region of its own (see the
    module's docstring). The ends ``lexmax f_k`` (one per objective) are frontier points:
    ``f1`` is cut between the smallest ``f1`` among them and the largest, the lowest slab
    reaching down to the box; every slab starts with the ends splitting its zones."""
    algorithm = "search-region"
    p = len(session.model.objectives)
    run = Run(session, time_limit, progress)
    deadline = None if time_limit is None else time.time() + time_limit
    ends: list[FrontierPoint] = []
    try:
        for k in range(p):
            end = run.lexmax(k, [j for j in range(p) if j != k], bounds, None)
            if end is None:
                return _result(run, algorithm, ends, [], None, 0)
            assert end.objectives is not None and end.values is not None
            ends.append(FrontierPoint(end.objectives, end.values))
    except Stop as stop:
        return _result(run, algorithm, ends, [], stop.reason, 0)
    except KeyboardInterrupt:
        return _result(run, algorithm, ends, [], "interrupted", 0)
    _restore_sigint()
    box = run.box(bounds)
    assert box is not None
    hi = ends[0].objectives[0]
    lo = min(pt.objectives[0] for pt in ends)
    count = max(1, min(hi - lo + 1, slices or pool.workers))
    tops = [hi - (hi - lo + 1) * i // count for i in range(count + 1)]
    tops[-1] = box[0][0] - 1
    parts = []
    for i in range(count):
        part = _Part(tops[i], tops[i + 1] + 1)
        search = search_region.start(run, {**bounds, 0: (part.bottom, part.top)})
        if search is None:
            continue
        for pt in ends:
            search.zones = search_region.update_zones(
                search.zones, _row(pt, search.zones), search.certs
            )
        part.state = search
        part.seen = len(ends)
        parts.append(part)
    found = list(ends)
    owner: list[Any] = [None] * len(ends)  # the slab that found each point (None: the ends)
    for part in parts[1:]:
        part.stair = True

    def task_of(part: _Part) -> tuple[Callable[..., Searched], SlabTask]:
        news = [
            pt.objectives
            for pt, by in zip(found[part.seen :], owner[part.seen :], strict=True)
            if by is not part and pt.objectives[0] >= part.bottom
        ]
        part.seen = len(found)
        rows = sorted(set(news), reverse=True)
        above = [rows[k] for k in _nondominated(rows)] if rows else []
        dtype = part.state.zones.dtype
        stair = None
        if part.stair and p == 3:
            stair = {**bounds, 0: (part.top + 1, bounds.get(0, (None, None))[1])}
        part.stair = False
        task = SlabTask(
            id(part), part.state, np.array(above, dtype=dtype).reshape(-1, p),
            stair, deadline, budget,
        )  # fmt: skip
        return search_slab, task

    def found_by(part: _Part, points: list[FrontierPoint]) -> None:
        owner.extend([part] * len(points))

    regions = len(parts)
    stopped, calls, cut = _schedule(
        run, pool, parts, found, task_of, _split_slabs, deadline, progress, found_by
    )
    regions += cut
    return _result(run, algorithm, ends, parts, stopped, calls, regions)


def _split_slabs(parts: list[_Part], idle: int) -> int:
    """Cut waiting slabs in two while a worker would otherwise be idle, the one with the
    widest ``f1`` range left first. Returns the number of new slabs."""
    made = 0
    while idle > sum(1 for part in parts if not part.done and not part.running):
        best = None
        for i, part in enumerate(parts):
            if part.done or part.running or part.state is None or not len(part.state.zones):
                continue
            level = min(part.top, int(max(part.state.zones[:, 0])) + 1)
            if level - part.bottom >= 1 and (best is None or level - part.bottom > best[1]):
                best = (i, level - part.bottom)
        if best is None:
            return made
        i = best[0]
        part = parts[i]
        search = part.state
        level = min(part.top, int(max(search.zones[:, 0])) + 1)
        c = (part.bottom + level + 1) // 2  # the high slab is f1 >= c, the low one f1 < c
        zones = search.zones
        raised = zones.copy()
        raised[:, 0] = np.maximum(raised[:, 0], c - 1)
        high = _Part(part.top, c, search_region.Search(
            list(search.hi), _outermost(raised), search.certs, search.hint))  # fmt: skip
        low_hi = list(search.hi)
        low_hi[0] = c - 1
        low = _Part(c - 1, part.bottom, search_region.Search(
            low_hi, zones[zones[:, 0] < c - 1], search.certs, search.hint))  # fmt: skip
        for new in (high, low):
            new.seen, new.started = part.seen, True
        low.stair = True
        high.points = [pt for pt in part.points if pt.objectives[0] >= c]
        low.points = [pt for pt in part.points if pt.objectives[0] < c]
        parts[i : i + 1] = [high, low]
        made += 1
    return made


def _outermost(zones: np.ndarray) -> np.ndarray:
    """The distinct zones not inside another (``v <= u`` everywhere: ``{y > u}`` lies in
    ``{y > v}``)."""
    zones = search_region.unique_rows(zones)
    keep = np.ones(len(zones), dtype=bool)
    for i in range(len(zones)):
        below = (zones <= zones[i]).all(axis=1)
        below[i] = False
        keep[i] = not below.any()
    return zones[keep]


def _row(point: FrontierPoint, like: np.ndarray) -> np.ndarray:
    return np.array(point.objectives, dtype=like.dtype)


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


def _restore_sigint() -> None:
    """Python's Ctrl-C handler, set again at the system level: a CP-SAT solve in this process
    may leave the default handler behind, and Ctrl-C while waiting for the workers would then
    kill this process with its workers still running."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.getsignal(signal.SIGINT))


def _wait(pool: Any, running: Any, deadline: float | None) -> Any:
    """The tasks of ``running`` that have finished, waiting for at least one; empty when even
    the deadline's grace passed. The tasks stop themselves at the deadline: this wait's own
    limit is only a safety net."""
    left = None if deadline is None else deadline - time.time()
    finished, _ = pool.wait(running, None if left is None else max(left, 0) + 5.0)
    return finished
