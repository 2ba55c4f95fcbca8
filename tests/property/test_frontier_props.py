"""Every frontier path equals a plain-Python brute force on random small models.

cpsat (search algorithms), enumerate (its nondominated() fast path) and the search algorithms
run over the enumerate session must all give the brute-force nondominated set; enumerate must
also pick the same representative deal (the first in enumeration order).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies_models import brute_frontier, compiled_models, feasible_deals

from dealopt.backends import SolveOptions, SolveStatus, get_backend
from dealopt.compile.model import CompiledModel
from dealopt.frontier import deals_at, pareto_frontier

ONE_THREAD = SolveOptions(threads=1, seed=0)
QUICK = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def examples(n: int) -> int:
    """``n`` under the default ``ci`` profile (100 examples), scaled for other profiles."""
    return max(1, n * settings.default.max_examples // 100)


@st.composite
def models_with_bounds(draw: st.DrawFn, **kwargs: object) -> tuple[CompiledModel, dict]:
    model = draw(compiled_models(**kwargs))
    bounds = {}
    for k, (lo, hi) in enumerate(model.objective_bounds):
        if draw(st.integers(0, 3)) == 0:  # bound an objective now and then
            bounds[k] = (draw(st.integers(lo, hi)), None)
    return model, bounds


def _check_points(model, result, expected, same_representative: bool) -> None:
    assert result.complete and result.stopped is None
    assert [p.objectives for p in result.points] == sorted(expected, reverse=True)
    deals = {values: objs for values, objs in feasible_deals(model)}
    for p in result.points:
        assert deals[p.values] == p.objectives  # a feasible deal attaining the point
        if same_representative:
            assert p.values == expected[p.objectives]


@settings(QUICK, max_examples=examples(200))
@given(models_with_bounds())
def test_frontier_merge_equals_brute_force(case):
    """The solver-free merge of independent components: the brute-force frontier, bounds
    (lower bounds only, as drawn) included, each point with a feasible deal attaining it."""
    model, bounds = case
    session = get_backend("merge").build(model)
    result = pareto_frontier(session, bounds=bounds)
    assert result.algorithm == "merge"
    _check_points(model, result, brute_frontier(model, bounds), same_representative=False)


@settings(QUICK, max_examples=examples(150))
@given(models_with_bounds())
def test_frontier_cpsat_equals_brute_force(case):
    model, bounds = case
    session = get_backend("cpsat").build(model, ONE_THREAD)
    result = pareto_frontier(session, bounds=bounds)
    _check_points(model, result, brute_frontier(model, bounds), same_representative=False)


@settings(QUICK, max_examples=examples(60))
@given(compiled_models(objectives=(3, 4), min_groups=5, max_deals=1024, max_constraints=1, coef=9))
def test_frontier_cpsat_large_frontiers(model):
    # Bigger spaces and frontiers (tens of points, hundreds of zones) than the test above.
    session = get_backend("cpsat").build(model, ONE_THREAD)
    result = pareto_frontier(session)
    _check_points(model, result, brute_frontier(model), same_representative=False)


@settings(QUICK, max_examples=examples(300))
@given(models_with_bounds())
def test_frontier_enumerate_equals_brute_force(case):
    model, bounds = case
    session = get_backend("enumerate").build(model)
    expected = brute_frontier(model, bounds)
    result = pareto_frontier(session, bounds=bounds)
    assert result.algorithm == "enumerate"
    _check_points(model, result, expected, same_representative=True)
    # The search algorithms over the same session (no fast path) agree too.
    searched = pareto_frontier(session, bounds=bounds, fast_path=False)
    assert searched.algorithm != "enumerate"
    _check_points(model, searched, expected, same_representative=False)


@settings(QUICK, max_examples=examples(150))
@given(models_with_bounds(objectives=(1, 3)), st.data())
def test_solve_matches_brute_force(case, data):
    model, bounds = case
    p = len(model.objectives)
    weights = {k: data.draw(st.integers(-3, 3)) for k in range(p)}
    deals = feasible_deals(model, bounds)
    if deals:
        best = max(sum(weights[k] * objs[k] for k in range(p)) for _, objs in deals)
        first = next(v for v, objs in deals if sum(weights[k] * objs[k] for k in range(p)) == best)
    for name in ("cpsat", "enumerate"):
        session = get_backend(name).build(model, ONE_THREAD)
        found = session.solve(weights, bounds=bounds)
        if not deals:
            assert found.status is SolveStatus.INFEASIBLE
            continue
        assert found.status is SolveStatus.OPTIMAL
        assert sum(weights[k] * found.objectives[k] for k in range(p)) == best
        assert tuple(e.value(found.values) for e in model.objectives) == found.objectives
        if name == "enumerate":
            assert found.values == first  # ties go to the first deal in enumeration order


@settings(QUICK, max_examples=examples(100))
@given(models_with_bounds(objectives=(2, 3), max_deals=256), st.integers(1, 6))
def test_solutions_and_deals_at_match_brute_force(case, limit):
    model, bounds = case
    deals = [v for v, _ in feasible_deals(model, bounds)]
    frontier = brute_frontier(model, bounds)
    for name in ("cpsat", "enumerate"):
        session = get_backend(name).build(model, ONE_THREAD)
        _check_listing(session.solutions(bounds=bounds, limit=limit), deals, limit, name)
        for point in list(frontier)[:3]:
            at = [v for v, objs in feasible_deals(model) if objs == point]
            _check_listing(deals_at(session, point, limit), at, limit, name)


def _check_listing(got, expected, limit, backend) -> None:
    """Complete lists are exact; a capped one is ``limit`` of the deals in enumeration order
    (enumerate: the first ones; other backends: whichever the solver met first)."""
    listed, complete = got
    assert complete == (len(expected) <= limit)
    if complete or backend == "enumerate":
        assert listed == expected[:limit]
    else:
        assert len(listed) == limit and set(listed) <= set(expected)
        assert listed == [v for v in expected if v in set(listed)]
