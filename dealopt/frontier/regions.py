"""Frontiers searched in independent regions at once, on local worker processes or a Dask
cluster (:mod:`dealopt.pool`).

**Two objectives: slices of** ``f1``, in tasks worth :data:`TASK_SECONDS` of searching each:
a task comes back with its state, what the others found meanwhile is applied to it, and it
goes out again (to any worker). After the two ends of the frontier, ``f1`` is cut into
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

**Three or more: one search region, a zone per task.** The coordinator holds the search region
of :mod:`dealopt.frontier.search_region` (its zones and certificates) and hands out one zone
``{y > u}`` at a time. With CP-SAT (:data:`THREADED`) the local workers are threads of this
process, each taking its next zone under one lock; with other backends this process solves
zones beside its worker processes, and a few more zones than workers are out so a worker that
finishes finds its next one waiting (:data:`ZONES_AHEAD`); a Dask cluster gets a task per zone.
A worker solves the zone's lexicographic problem from the deal of the point that made the zone,
as the serial search does (:func:`search_region.solve`); the answer is a fact about the whole
space, whatever the search region has become meanwhile: the optimum is nondominated (anything
dominating it lies in the zone too and would beat it), and its certificate bounds ``f1`` over
every deal with ``f_k > u_k``, ``k >= 2``. So the coordinator applies each answer as it comes
with the serial search's own :func:`search_region.answer` (the point splits the zones it lies
in, the certificate drops the zones it covers), the search ends complete when no zone is left,
and every point found is proven: a stopped run reports them all, with no filter. What is lost
to working at once is only a zone solved before the answer that would have split or dropped it
arrived; the zone handed out next is the serial order's first whose ``u_2..u_p`` are
incomparable with those of every zone out, which keeps the solver calls within about 1% of the
serial search's (decision 103).
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


THREADED = frozenset({"cpsat"})
"""Backends whose solve releases Python's interpreter lock: local workers of three or more
objectives are threads of this process, each with its own session (no process to start, no
task to send, each answer applied the moment it is found; decision 103)."""

ZONES_AHEAD = 2
"""Zones out on the pool beyond one per worker. A worker that finishes then starts its next
zone at once, not after the round trip, even while this process is inside a solve of its own;
but each zone out solves without the answers still out, which costs time (3 parties k = 12:
one process with 2, 3 and 4 zones out solved 3%, 12% and 13% longer than with 1; two workers,
this process one of them, took 36.5 s with 1 ahead and 34.7 s with 2; decision 103)."""


@dataclass
class Problem:
    """What a worker needs to search a slice: the model, the backend to build it in and the
    session options. The session is built once per worker process and kept."""

    backend: str
    model: CompiledModel
    options: SolveOptions
    _session: Session | None = field(default=None, repr=False, compare=False)

    def session(self) -> Session:
        """This process's session, built on first use and kept."""
        if self._session is None:
            self._session = self.build()
        return self._session

    def build(self) -> Session:
        """A new session of the model (one per thread: a session is not shared)."""
        from dealopt.backends import get_backend

        return get_backend(self.backend).build(self.model, self.options)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_session": None}  # a session does not travel


@dataclass(frozen=True)
class Parallel:
    """How to search in regions: ``workers`` local cores (processes, or threads of this
    process for a backend of :data:`THREADED` on three or more objectives), or the workers of
    a Dask ``client``; ``slices`` at the start (two objectives; None:
    :data:`SLICES_PER_WORKER` per worker)."""

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
    depth: int | None = None,
) -> FrontierResult:
    """The frontier within ``bounds`` of a model of two or more objectives, searched in slices
    of ``f1`` (two objectives) or zone by zone (three or more) on ``workers`` local processes or
    the workers of a Dask ``client`` (in this process when ``workers`` is 1 and there is no
    client, or with ``inline``).

    Two objectives: ``session`` (built from ``problem``) finds the ends of ``f1``; ``slices``
    defaults to :data:`SLICES_PER_WORKER` per worker; ``budget`` is a task's seconds of
    searching (None: a slice to its end in one task). Three or more: ``depth`` zones are out
    at once (None: the workers and :data:`ZONES_AHEAD`)."""
    p = len(session.model.objectives)
    if p >= 3:
        if client is None and workers > 1 and not inline and problem.backend in THREADED:
            return _threads(session, problem, bounds, workers, time_limit, progress)
        if client is None and workers > 1 and not inline:  # this process is one of them
            from dealopt.pool import Pool, new_token

            pool = Pool(new_token(), problem, workers=workers - 1)
            return _shared_region(
                session, problem, bounds, pool, time_limit, progress, depth, works=True
            )
        pool = _pool(problem, workers, client, inline)
        return _shared_region(session, problem, bounds, pool, time_limit, progress, depth)
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
) -> tuple[str | None, int, int]:
    """Tasks of ``parts`` on ``pool``, earliest part first, one running per worker, until
    every part is done, a task stops, the deadline passes or Ctrl-C: each answer's points join
    its part and ``found``, and idle workers get parts ``split`` off.
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
class ZoneTask:
    """One zone ``{y > u}`` of a shared search region to solve: its bounds on every
    objective, the deal to start from and the wall-clock deadline."""

    bounds: Bounds
    hint: tuple[int, ...] | None
    deadline: float | None


@dataclass(frozen=True)
class Solved:
    """A zone's answer: its lexicographic optimum (objectives, deal) or None when proven
    empty, why it stopped early (then nothing was proven), its solver calls."""

    found: search_region.Found | None
    stopped: str | None
    calls: int


def solve_zone(problem: Problem, task: ZoneTask) -> Solved:
    """Solve one zone in this process (what a worker runs): ``max f1, then Σ f_k``."""
    session = problem.session()
    left = None if task.deadline is None else task.deadline - time.time()
    run = Run(session, left, None)
    try:
        if left is not None and left <= 0:
            raise Stop("time limit")
        found = search_region.solve(run, task.bounds, task.hint)
    except Stop as stop:
        return Solved(None, stop.reason, run.calls)
    return Solved(found, None, run.calls)


def _shared_region(
    session: Session,
    problem: Problem,
    bounds: Bounds,
    pool: Any,
    time_limit: float | None,
    progress: Progress | None,
    depth: int | None,
    *,
    works: bool = False,
) -> FrontierResult:
    """Three or more objectives: one search region whose zones are solved one per task (see
    the module's docstring). ``depth`` zones are out on ``pool`` at once (None: its workers
    and :data:`ZONES_AHEAD`); with ``works`` this process solves zones too, with ``session``,
    while it waits."""
    algorithm = "search-region"
    run = Run(session, time_limit, progress)
    deadline = None if time_limit is None else time.time() + time_limit
    search = search_region.start(run, bounds)
    if search is None:
        pool.close()
        return run.result(algorithm)
    out = depth or pool.workers + ZONES_AHEAD
    running: dict[Any, np.ndarray] = {}
    stopped = None
    calls = handed = 0

    try:
        while True:
            while len(running) < out and len(search.zones):
                i = _pick(search.zones, list(running.values()))
                if i is None:
                    break
                u, zone, hint = search_region.zone(search, run, i)
                running[pool.submit(solve_zone, ZoneTask(zone, hint, deadline))] = u
                handed += 1
            solved = False
            if works and len(search.zones):
                i = _pick(search.zones, list(running.values()))
                if i is not None:
                    u, zone, hint = search_region.zone(search, run, i)
                    handed += 1
                    search_region.answer(search, run, u, search_region.solve(run, zone, hint))
                    solved = True
            if not running:
                if solved:
                    continue
                break
            finished = pool.wait(running, 0)[0] if solved else _wait(pool, running, deadline)
            if not finished and not solved:
                stopped = "time limit"
                break
            for future in finished:
                u = running.pop(future)
                reply = pool.result(future)
                calls += reply.calls
                if reply.stopped is not None:
                    stopped = stopped or reply.stopped
                    continue
                search_region.answer(search, run, u, reply.found)
            if stopped is not None:
                break
            if progress is not None:
                progress(len(run.points), run.calls + calls, run.elapsed)
    except Stop as stop:
        stopped = stop.reason
    except KeyboardInterrupt:
        stopped = "interrupted"
    finally:
        pool.close(cancel=stopped is not None)
    points = tuple(sorted(run.points, key=lambda pt: pt.objectives, reverse=True))
    return FrontierResult(
        points=points,
        complete=stopped is None,
        solver_calls=run.calls + calls,
        seconds=run.elapsed,
        algorithm=algorithm,
        stopped=stopped,
        regions=handed,
    )


def _threads(
    session: Session,
    problem: Problem,
    bounds: Bounds,
    workers: int,
    time_limit: float | None,
    progress: Progress | None,
) -> FrontierResult:
    """Three or more objectives on ``workers`` threads of this process (a backend of
    :data:`THREADED`): each takes the next zone (:func:`_pick`, against the zones the others
    are solving), solves it with its own session outside the lock, and applies the answer
    under the lock. This thread is one of them, with ``session``; Ctrl-C or the time limit
    stop it, and the others after their current solve."""
    import threading

    algorithm = "search-region"
    run = Run(session, time_limit, progress)
    search = search_region.start(run, bounds)
    if search is None:
        return run.result(algorithm)
    lock = threading.Condition()
    out: dict[int, np.ndarray] = {}  # the zone each thread is solving, by thread
    stopped: list[str] = []
    errors: list[BaseException] = []
    runs: list[Run] = [run]
    handed = [0]

    def work(me: int, mine: Run) -> None:
        while True:
            with lock:
                while True:
                    if stopped or errors:
                        return
                    i = _pick(search.zones, list(out.values())) if len(search.zones) else None
                    if i is not None:
                        break
                    if not out:  # no zone left and none being solved: complete
                        lock.notify_all()
                        return
                    lock.wait()  # an answer still out may make new zones
                u, zone, hint = search_region.zone(search, run, i)
                out[me] = u
                handed[0] += 1
            try:
                found = search_region.solve(mine, zone, hint)
            except Stop as stop:
                with lock:
                    stopped.append(stop.reason)
                    del out[me]
                    lock.notify_all()
                return
            with lock:
                del out[me]
                search_region.answer(search, run, u, found)
                lock.notify_all()
            if me == 0 and progress is not None:
                progress(len(run.points), sum(r.calls for r in runs), run.elapsed)

    def helper(me: int, mine: Run) -> None:
        try:
            work(me, mine)
        except BaseException as exc:  # re-raised in the calling thread
            with lock:
                errors.append(exc)
                lock.notify_all()

    helpers = []
    try:
        for _ in range(1, workers):
            left = None if time_limit is None else max(time_limit - run.elapsed, 1e-6)
            runs.append(Run(problem.build(), left, None))
        for me in range(1, workers):
            thread = threading.Thread(target=helper, args=(me, runs[me]), daemon=True)
            helpers.append(thread)
            thread.start()
        work(0, run)
    except Stop as stop:  # the time limit passed while the helpers' sessions were built
        stopped.append(stop.reason)
    except KeyboardInterrupt:
        stopped.append("interrupted")
    finally:
        with lock:
            if not stopped and (errors or out):
                stopped.append("interrupted")  # this thread left early: the others stop too
            lock.notify_all()
        for thread in helpers:
            thread.join()
    if errors:
        raise errors[0]
    points = tuple(sorted(run.points, key=lambda pt: pt.objectives, reverse=True))
    reason = stopped[0] if stopped else None
    return FrontierResult(
        points=points,
        complete=reason is None,
        solver_calls=sum(r.calls for r in runs),
        seconds=run.elapsed,
        algorithm=algorithm,
        stopped=reason,
        regions=handed[0],
    )


def _pick(zones: np.ndarray, out: list[np.ndarray]) -> int | None:
    """The index of the next zone to hand out (None: every zone is out): the serial order's
    first (largest ``u1``, then the lexicographically smallest rest) among the zones not out,
    preferring one whose ``u_2..u_p`` are incomparable with those of every zone out - a zone
    above or below one out in every ``f_k, k >= 2`` most often has its optimum, or is split
    by it."""
    order = search_region.zone_order(zones)
    if not out:
        return int(order[0])
    rest = np.array(out, dtype=zones.dtype)
    ranked = zones[order]
    free = ~(ranked[:, None, :] == rest[None, :, :]).all(axis=2).any(axis=1)
    if not free.any():
        return None
    tail, others = ranked[:, None, 1:], rest[None, :, 1:]
    comparable = ((tail >= others).all(axis=2) | (tail <= others).all(axis=2)).any(axis=1)
    best = np.flatnonzero(free & ~comparable)
    return int(order[best[0] if len(best) else np.flatnonzero(free)[0]])


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
