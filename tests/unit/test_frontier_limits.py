"""Time limits, solver limits and Ctrl-C: partial results hold only proven points.

A scripted session wraps a real enumerate session and misbehaves on cue (a FEASIBLE or UNKNOWN
answer, a KeyboardInterrupt), and a fake clock makes the time budget deterministic.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from test_backends_sessions import MODEL_A, build_model, lin
from test_frontier_pareto import FRONTIER_A, FRONTIER_A3, MODEL_A3

from dealopt.backends import BackendSolution, Feature, SolveOptions, SolveStatus, get_backend
from dealopt.frontier import pareto_frontier


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def perf_counter(self) -> float:
        return self.now


class Scripted:
    """A session that answers like ``inner`` except on the calls named in ``script``."""

    features = frozenset({Feature.ASSUMPTIONS})

    def __init__(self, model, script=None, clock=None, tick=0.0):
        self._inner = get_backend("enumerate").build(model)
        self.model = model
        self.calls = 0
        self.script = script or {}
        self.clock, self.tick = clock, tick
        self.time_limits: list[float | None] = []

    def solve(self, weights, *, bounds={}, assumptions=(), hint=None, time_limit=None):  # noqa: B006
        self.calls += 1
        self.time_limits.append(time_limit)
        if self.clock is not None:
            self.clock.now += self.tick
        found = self._inner.solve(weights, bounds=bounds, assumptions=assumptions)
        action = self.script.get(self.calls)
        if action in ("feasible", "unknown") and self.clock and time_limit is not None:
            self.clock.now += time_limit  # a solve cut short by its limit used all of it
        if action == "interrupt":
            raise KeyboardInterrupt
        if action == "feasible" and found.status is SolveStatus.OPTIMAL:
            return replace(found, status=SolveStatus.FEASIBLE)
        if action == "unknown":
            return BackendSolution(SolveStatus.UNKNOWN)
        return found

    def solutions(self, **kwargs):
        return self._inner.solutions(**kwargs)


def objectives(result):
    return [p.objectives for p in result.points]


def test_an_unproven_solution_is_dropped(monkeypatch):
    # Calls 1 and 2 prove (15,5) and (11,14); call 3 would give (4,15) but only as FEASIBLE,
    # having run into its time limit.
    clock = Clock()
    monkeypatch.setattr("dealopt.frontier.runner.time", clock)
    session = Scripted(MODEL_A, {3: "feasible"}, clock=clock, tick=1.0)
    result = pareto_frontier(session, time_limit=10)
    assert objectives(result) == FRONTIER_A[:2]
    assert not result.complete and result.stopped == "time limit"
    assert result.solver_calls == 3


def test_a_limit_hit_without_time_limit_is_an_interrupt():
    # CP-SAT answers Ctrl-C inside a solve by stopping as if at a limit: with no time limit
    # set (or most of the budget left) the run reports "interrupted".
    result = pareto_frontier(Scripted(MODEL_A3, {1: "unknown"}))
    assert result.points == () and not result.complete and result.stopped == "interrupted"
    result = pareto_frontier(Scripted(MODEL_A3, {2: "feasible"}), time_limit=100)
    assert not result.complete and result.stopped == "interrupted"


def test_interrupt_keeps_the_proven_points():
    result = pareto_frontier(Scripted(MODEL_A, {2: "interrupt"}))
    assert objectives(result) == FRONTIER_A[:1]
    assert not result.complete and result.stopped == "interrupted"


@pytest.mark.parametrize("stop_at", range(1, 12))
def test_search_region_stopped_anywhere_reports_a_subset(stop_at):
    result = pareto_frontier(Scripted(MODEL_A3, {stop_at: "feasible"}))
    assert set(objectives(result)) <= set(FRONTIER_A3)
    assert objectives(result) == sorted(objectives(result), reverse=True)
    if not result.complete:
        assert result.stopped == "interrupted"


def test_each_solve_gets_the_remaining_budget(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("dealopt.frontier.runner.time", clock)
    session = Scripted(MODEL_A, clock=clock, tick=1.0)  # every solve takes one second
    result = pareto_frontier(session, time_limit=2.5)
    assert session.time_limits == [2.5, 1.5, 0.5]
    assert objectives(result) == FRONTIER_A[:3]  # the three solves finished: proven points
    assert not result.complete and result.stopped == "time limit"
    assert result.seconds == 3.0


def test_no_budget_means_no_solve():
    session = Scripted(MODEL_A)
    result = pareto_frontier(session, time_limit=0)
    assert session.calls == 0 and result.points == () and not result.complete


# Unsafe combined weights. One issue with options (f0, f1): (2**41, 0), (2**40, 2**20),
# (0, 2**21): all three are nondominated. M = range(f1) + 1 = 2**21 + 1 and M * 2**41 > 2**53,
# so each lexicographic step takes two solves; after (0, 2**21), f1 >= 2**21 + 1 is out of
# f1's range and needs no solve: 6 calls.
BIG = build_model([3], objectives=[lin((0, 2**41), (1, 2**40)), lin((1, 2**20), (2, 2**21))])


def test_unsafe_weights_take_two_stages_and_a_stopped_second_stage_drops_the_point():
    full = pareto_frontier(Scripted(BIG))
    assert objectives(full) == [(2**41, 0), (2**40, 2**20), (0, 2**21)]
    assert full.solver_calls == 6 and full.complete
    # Call 4 is the second stage of the second point: only the first point is proven.
    cut = pareto_frontier(Scripted(BIG, {4: "feasible"}))
    assert objectives(cut) == [(2**41, 0)] and not cut.complete


def test_real_cpsat_with_a_tiny_budget_reports_only_frontier_points():
    groups = [6] * 6
    objs = [lin(*((v, (v * m) % 13 - 6) for v in range(36))) for m in (5, 7, 11)]
    model = build_model(groups, objectives=objs)
    truth = set(objectives(pareto_frontier(get_backend("enumerate").build(model))))
    session = get_backend("cpsat").build(model, SolveOptions(threads=1))
    result = pareto_frontier(session, time_limit=0.05)
    assert set(objectives(result)) <= truth
    assert result.complete == (set(objectives(result)) == truth)
    if not result.complete:
        assert result.stopped == "time limit"
