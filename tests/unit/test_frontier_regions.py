"""The frontier searched in slices of f1 (dealopt.frontier.regions), in this process: the same
points as a brute force over every deal and as the serial search, for 2 and 3 parties; a
stopped run reports only points proven in the whole space."""

import pytest
from random_deals import brute_force, every_vector, random_instance

import dealopt
from dealopt.analysis.setup import setup
from dealopt.frontier import pareto_frontier
from dealopt.frontier.regions import Problem, _Part, _result, _staircase, frontier_in_regions
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


@pytest.mark.parametrize("seed", range(5))
def test_the_staircase_above_a_slab_dominates_every_deal_there(seed):
    # What a slab below f1 = c needs to know of the region above it: frontier points only,
    # whose (f2, f3) weakly beat those of every deal with f1 >= c.
    issues, options = 4, 4
    data, scores, weights = random_instance(3, issues, options, 200 + seed)
    ready = setup(dealopt.instance(data), backend="cpsat", threads=1)
    run = Run(ready.session, None, None)
    vectors = every_vector(3, issues, options, scores, weights)
    frontier = brute_force(3, issues, options, scores, weights)
    levels = sorted({p.objectives[0] for p in pareto_frontier(ready.session).points})
    for c in levels[:: max(1, len(levels) // 4)]:
        found = [
            tuple(ready.decoder.utility(k, o) for k, o in enumerate(z))
            for z in _staircase(run, {0: (c, None)})
        ]
        floor = ready.decoder.utility(0, c)
        assert found and set(found) <= frontier
        assert all(z[0] >= floor for z in found)
        for v in vectors:
            if v[0] >= floor:
                assert any(z[1] >= v[1] and z[2] >= v[2] for z in found), (c, v)
