"""The frontier searched in regions (dealopt.frontier.regions), in this process: slices of f1
for two parties, one search region solved zone by zone for three or more. The same points as a
brute force over every deal and as the serial search; a stopped run reports only points proven
in the whole space."""

import numpy as np
import pytest
from random_deals import brute_force, random_instance

import dealopt
from dealopt.analysis.setup import setup
from dealopt.frontier import pareto_frontier
from dealopt.frontier.regions import Problem, _Part, _pick, _result, frontier_in_regions
from dealopt.frontier.result import FrontierPoint
from dealopt.frontier.runner import Run


def utilities(ready, found) -> set[tuple]:
    """The points as utilities (the model's objectives are scaled integers)."""
    return {
        tuple(ready.decoder.utility(k, o) for k, o in enumerate(p.objectives)) for p in found.points
    }


@pytest.mark.parametrize("parties", [2, 3, 4])
@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("slices", [1, 3, 7])
def test_slices_give_the_brute_force_frontier(parties, seed, slices):
    issues, options = 4, 4
    data, scores, weights = random_instance(parties, issues, options, seed)
    ready = setup(dealopt.instance(data), backend="cpsat", threads=1)
    problem = Problem("cpsat", ready.model, ready.options)
    found = frontier_in_regions(ready.session, problem, {}, slices=slices)
    serial = pareto_frontier(ready.session, fast_path=False)
    assert found.complete and found.stopped is None
    assert [p.objectives for p in found.points] == [p.objectives for p in serial.points]
    expected = brute_force(parties, issues, options, scores, weights)
    assert utilities(ready, found) == expected
    # each point's deal attains it
    for point in found.points:
        assert tuple(e.value(point.values) for e in ready.model.objectives) == point.objectives
    assert found.regions >= 1 or len(found.points) <= 2


@pytest.mark.parametrize("parties", [2, 3])
def test_bounds_are_kept(parties):
    data, _, _ = random_instance(parties, 4, 4, 11)
    ready = setup(dealopt.instance(data), backend="cpsat", threads=1)
    problem = Problem("cpsat", ready.model, ready.options)
    serial = pareto_frontier(ready.session, fast_path=False)
    mid = sorted(p.objectives[1] for p in serial.points)[len(serial.points) // 2]
    bounds = {1: (mid, None)}
    found = frontier_in_regions(ready.session, problem, bounds, slices=4)
    expected = pareto_frontier(ready.session, bounds=bounds, fast_path=False)
    assert [p.objectives for p in found.points] == [p.objectives for p in expected.points]


def test_a_stopped_run_reports_only_slices_below_no_unfinished_one():
    data, _, _ = random_instance(3, 4, 4, 3)
    ready = setup(dealopt.instance(data), backend="cpsat", threads=1)
    run = Run(ready.session, None, None)
    point = lambda *o: FrontierPoint(o, ())  # noqa: E731
    top = [point(9, 0, 0)]
    first = _Part(8, 6, points=[point(8, 1, 1), point(7, 0, 0)], done=True)  # (7,0,0) dominated
    second = _Part(5, 4, points=[point(5, 2, 2)])  # stopped before its end
    third = _Part(3, 0, points=[point(3, 5, 5)], done=True)
    out = _result(run, "search-region", top, [first, second, third], "time limit", 5, 3)
    assert not out.complete and out.stopped == "time limit"
    assert [p.objectives for p in out.points] == [(9, 0, 0), (8, 1, 1), (5, 2, 2)]
    second.done = True
    out = _result(run, "search-region", top, [first, second, third], None, 5, 3)
    assert out.complete
    assert [p.objectives for p in out.points] == [(9, 0, 0), (8, 1, 1), (5, 2, 2), (3, 5, 5)]


@pytest.mark.parametrize("parties", [2, 3, 4])
@pytest.mark.parametrize("seed", range(6))
def test_tasks_of_one_solve_cut_and_shared_give_the_same_frontier(parties, seed):
    # budget 0: every task makes one solve and comes back with its state; three pretend
    # workers make the waiting slices be cut in two again and again.
    data, scores, weights = random_instance(parties, 4, 4, 100 + seed)
    ready = setup(dealopt.instance(data), backend="cpsat", threads=1)
    problem = Problem("cpsat", ready.model, ready.options)
    found = frontier_in_regions(
        ready.session, problem, {}, workers=3, slices=2, budget=0.0, inline=True
    )
    assert found.complete
    assert utilities(ready, found) == brute_force(parties, 4, 4, scores, weights)
    serial = pareto_frontier(ready.session, fast_path=False)
    assert found.regions > 2 or len(serial.points) < 6


@pytest.mark.parametrize("parties", [2, 3])
def test_a_time_limit_gives_proven_points_only(parties):
    data, _, _ = random_instance(parties, 5, 4, 5)
    ready = setup(dealopt.instance(data), backend="cpsat", threads=1)
    problem = Problem("cpsat", ready.model, ready.options)
    found = frontier_in_regions(ready.session, problem, {}, slices=6, time_limit=0.05)
    serial = {p.objectives for p in pareto_frontier(ready.session, fast_path=False).points}
    assert {p.objectives for p in found.points} <= serial
    if not found.complete:
        assert found.stopped == "time limit"


@pytest.mark.parametrize("parties", [3, 4])
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("depth", [2, 5, 60])
def test_zones_out_at_once_give_the_brute_force_frontier(parties, seed, depth):
    # depth zones are solved before their answers are applied: answers arrive for zones that
    # others' points have split or certificates have dropped meanwhile.
    data, scores, weights = random_instance(parties, 4, 4, 300 + seed)
    ready = setup(dealopt.instance(data), backend="cpsat", threads=1)
    problem = Problem("cpsat", ready.model, ready.options)
    found = frontier_in_regions(ready.session, problem, {}, workers=2, inline=True, depth=depth)
    assert found.complete and found.stopped is None
    assert utilities(ready, found) == brute_force(parties, 4, 4, scores, weights)
    assert len({p.objectives for p in found.points}) == len(found.points)
    for point in found.points:
        assert tuple(e.value(point.values) for e in ready.model.objectives) == point.objectives


@pytest.mark.parametrize("parties", [3, 4])
@pytest.mark.parametrize("seed", range(3))
def test_one_zone_at_a_time_is_the_serial_search(parties, seed):
    # The coordinator applies answers as the serial search does: one zone out at a time
    # solves the same zones, so it makes exactly the serial number of solver calls.
    data, _, _ = random_instance(parties, 4, 4, 400 + seed)
    ready = setup(dealopt.instance(data), backend="cpsat", threads=1)
    problem = Problem("cpsat", ready.model, ready.options)
    found = frontier_in_regions(ready.session, problem, {}, workers=1, inline=True, depth=1)
    serial = pareto_frontier(ready.session, fast_path=False)
    assert [p.objectives for p in found.points] == [p.objectives for p in serial.points]
    assert found.solver_calls == serial.solver_calls


def test_the_zone_handed_out_next_is_incomparable_with_those_out():
    zones = np.array([[5, 0, 5], [5, 1, 6], [4, 2, 0], [3, 9, 9]])
    # serial order: (5,0,5), (5,1,6), (4,2,0), (3,9,9)
    assert _pick(zones, []) == 0
    # (5,1,6) lies above (5,0,5) in f2 and f3; (4,2,0) is incomparable with it
    assert _pick(zones, [zones[0]]) == 2
    # nothing incomparable with both out: the first zone not out
    assert _pick(zones, [zones[0], np.array([0, 2, 0])]) == 1
    assert _pick(zones[:1], [zones[0]]) is None


@pytest.mark.parametrize("parties", [3, 4])
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("workers", [2, 3])
def test_threads_give_the_brute_force_frontier(parties, seed, workers):
    # CP-SAT releases the interpreter lock while it solves: local workers are threads, each
    # with its own session, applying answers under one lock.
    data, scores, weights = random_instance(parties, 4, 4, 500 + seed)
    ready = setup(dealopt.instance(data), backend="cpsat", threads=1)
    problem = Problem("cpsat", ready.model, ready.options)
    found = frontier_in_regions(ready.session, problem, {}, workers=workers)
    assert found.complete and found.stopped is None
    assert found.algorithm == "search-region" and found.regions >= len(found.points)
    assert utilities(ready, found) == brute_force(parties, 4, 4, scores, weights)
    assert len({p.objectives for p in found.points}) == len(found.points)
    for point in found.points:
        assert tuple(e.value(point.values) for e in ready.model.objectives) == point.objectives


def test_threads_stopped_by_the_time_limit_give_proven_points_only():
    data, _, _ = random_instance(4, 6, 4, 7)
    ready = setup(dealopt.instance(data), backend="cpsat", threads=1)
    problem = Problem("cpsat", ready.model, ready.options)
    serial = {p.objectives for p in pareto_frontier(ready.session, fast_path=False).points}
    found = frontier_in_regions(ready.session, problem, {}, workers=2, time_limit=0.05)
    assert {p.objectives for p in found.points} <= serial
    assert not found.complete and found.stopped == "time limit"


def test_an_error_in_a_helper_thread_reaches_the_caller():
    # A helper's session that fails: the error is raised here (not lost, no hang), after
    # every thread has stopped.
    class Failing(Problem):
        def build(self):
            session = super().build()

            def broken(*args, **kwargs):
                raise RuntimeError("the solver broke")

            session.solve = broken
            return session

    data, _, _ = random_instance(3, 5, 4, 9)
    ready = setup(dealopt.instance(data), backend="cpsat", threads=1)
    problem = Failing("cpsat", ready.model, ready.options)
    with pytest.raises(RuntimeError, match="the solver broke"):
        frontier_in_regions(ready.session, problem, {}, workers=2)
