"""The MILP backends (``highs``, ``pyomo``) against ``enumerate``, ``cpsat`` and brute force.

On random small compiled models (``strategies_models``): the MILP form accepts exactly the
feasible deals, and every backend gives the same frontier, optima and deal listings. On random
small instances (``strategies_instances``): ``dealopt.solve`` gives the brute force's frontier,
zone, bargaining solutions and deals. Example counts (profile ``ci``): highs against enumerate
``HIGHS_EXAMPLES`` (at least 200) per property (100 for the large-coefficient frontiers and the
listings); the four-backend frontier comparison, which includes the slower pyomo,
``PYOMO_EXAMPLES`` (100); instances end to end ``HIGHS_EXAMPLES`` with highs and
``PYOMO_EXAMPLES`` with pyomo.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies_instances import instance_data
from strategies_models import all_deals, brute_frontier, compiled_models, feasible_deals
from test_solve_props import brute_force, check_result

import dealopt
from dealopt.backends import SolveOptions, SolveStatus, get_backend
from dealopt.backends.milp import linear_form, violation
from dealopt.compile.model import BoolAnd, CompiledModel, LinExpr
from dealopt.frontier import pareto_frontier
from dealopt.rules.oracle import Oracle

HIGHS_EXAMPLES = max(200, settings().max_examples)
PYOMO_EXAMPLES = 100
ONE_THREAD = SolveOptions(threads=1, seed=0)
QUICK = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def models_with_bounds(draw: st.DrawFn, **kwargs: object) -> tuple[CompiledModel, dict]:
    model = draw(compiled_models(**kwargs))
    bounds = {}
    for k, (lo, hi) in enumerate(model.objective_bounds):
        if draw(st.integers(0, 3)) == 0:
            side = draw(st.integers(0, 2))
            b = draw(st.integers(lo, hi))
            bounds[k] = (b, None) if side == 0 else (None, b) if side == 1 else (b, b + 3)
    return model, bounds


def _frontier(name: str, model: CompiledModel, bounds: dict) -> list[tuple[int, ...]]:
    session = get_backend(name).build(model, ONE_THREAD)
    result = pareto_frontier(session, bounds=bounds, fast_path=False)
    assert result.complete, name
    deals = dict(feasible_deals(model, bounds))
    for p in result.points:  # a feasible deal inside the bounds, attaining the point
        assert deals[p.values] == p.objectives, name
    return [p.objectives for p in result.points]


# The MILP form itself ------------------------------------------------------------------------


@settings(QUICK, max_examples=HIGHS_EXAMPLES)
@given(compiled_models(max_deals=512))
def test_rows_hold_exactly_on_the_feasible_deals(model):
    # Each deal with its definitions computed: the big-M rows must neither cut a feasible
    # deal (too small an M) nor let an infeasible one through.
    form = linear_form(model)
    for values, ok in all_deals(model):
        cols = form.columns(values)
        lo_hi = [(lo, hi) for lo, hi in form.col_bounds]
        inside = all(lo <= x <= hi for x, (lo, hi) in zip(cols, lo_hi, strict=True))
        rows = all(
            (r.lo is None or sum(c * cols[v] for v, c in r.terms) >= r.lo)
            and (r.hi is None or sum(c * cols[v] for v, c in r.terms) <= r.hi)
            for r in form.rows
        )
        assert (inside and rows) == ok
        assert (violation(model, values) is None) == ok


@st.composite
def models_with_products(draw: st.DrawFn) -> CompiledModel:
    """Two to four issues and many ``and`` definitions of their options (pairs and triples,
    repeats too, a negated literal now and then): the shapes the product rows are built from."""
    sizes = draw(st.lists(st.integers(1, 4), min_size=2, max_size=4))
    choices, n = [], 0
    for size in sizes:
        choices.append(tuple(range(n, n + size)))
        n += size
    definitions = []
    for _ in range(draw(st.integers(1, 10))):
        groups = draw(st.lists(st.sampled_from(range(len(sizes))), min_size=2, max_size=3))
        lits = tuple(
            (draw(st.sampled_from(choices[g])), draw(st.sampled_from([True] * 5 + [False])))
            for g in groups
        )
        definitions.append(BoolAnd(n, lits))
        n += 1
    objective = LinExpr(tuple((v, 1) for v in range(n)), 0)
    return CompiledModel(
        num_vars=n,
        choices=tuple(choices),
        definitions=tuple(definitions),
        constraints=(),
        objectives=(objective,),
        scales=(Fraction(1),),
        objective_bounds=((0, n),),
    )


@settings(QUICK, max_examples=HIGHS_EXAMPLES)
@given(models_with_products())
def test_product_rows_cut_no_deal(model):
    # Every deal is feasible here (no constraints); every row must hold on every one.
    form = linear_form(model)
    for values, ok in all_deals(model):
        assert ok
        cols = form.columns(values)
        for r in form.rows:
            total = sum(c * cols[v] for v, c in r.terms)
            assert (r.lo is None or total >= r.lo) and (r.hi is None or total <= r.hi), r


# Sessions against enumerate and brute force ------------------------------------------------------


@settings(QUICK, max_examples=HIGHS_EXAMPLES)
@given(models_with_bounds())
def test_highs_frontier_equals_enumerate(case):
    model, bounds = case
    assert _frontier("highs", model, bounds) == sorted(brute_frontier(model, bounds), reverse=True)


@settings(QUICK, max_examples=HIGHS_EXAMPLES // 2)
@given(models_with_bounds(coef=20_000, max_deals=512))
def test_highs_frontier_with_large_coefficients(case):
    # Lexicographic weights times objectives past 2**24: the backend solves in stages.
    model, bounds = case
    assert _frontier("highs", model, bounds) == sorted(brute_frontier(model, bounds), reverse=True)


@settings(QUICK, max_examples=HIGHS_EXAMPLES)
@given(models_with_bounds(objectives=(1, 3)), st.data())
def test_highs_solve_equals_enumerate(case, data):
    model, bounds = case
    p = len(model.objectives)
    weights = {k: data.draw(st.integers(-3, 3)) for k in range(p)}
    assumptions = data.draw(
        st.lists(st.tuples(st.integers(0, model.num_vars - 1), st.booleans()), max_size=2)
    )
    expected = (
        get_backend("enumerate").build(model).solve(weights, bounds=bounds, assumptions=assumptions)
    )
    found = (
        get_backend("highs")
        .build(model, ONE_THREAD)
        .solve(weights, bounds=bounds, assumptions=assumptions)
    )
    assert found.status is expected.status
    if expected.status is SolveStatus.OPTIMAL:

        def value(objs):
            return sum(weights[k] * objs[k] for k in range(p))

        assert value(found.objectives) == value(expected.objectives)
        assert violation(model, found.values) is None
        assert tuple(e.value(found.values) for e in model.objectives) == found.objectives
        assert all(found.values[v] == pos for v, pos in assumptions)


@settings(QUICK, max_examples=100)
@given(models_with_bounds(objectives=(2, 3), max_deals=256), st.integers(1, 6))
def test_highs_solutions_equal_brute_force(case, limit):
    model, bounds = case
    deals = [v for v, _ in feasible_deals(model, bounds)]
    listed, complete = (
        get_backend("highs").build(model, ONE_THREAD).solutions(bounds=bounds, limit=limit)
    )
    assert complete == (len(deals) <= limit)
    if complete:
        assert listed == deals
    else:
        assert len(listed) == limit and listed == [v for v in deals if v in set(listed)]


@settings(QUICK, max_examples=PYOMO_EXAMPLES)
@given(models_with_bounds(max_deals=512))
def test_every_backend_gives_the_same_frontier(case):
    model, bounds = case
    expected = sorted(brute_frontier(model, bounds), reverse=True)
    for name in ("enumerate", "cpsat", "highs", "pyomo"):
        assert _frontier(name, model, bounds) == expected, name


# Instances end to end ----------------------------------------------------------------------------


def _solve_like_brute_force(data, backend: str) -> None:
    instance = dealopt.instance(data)
    expected = brute_force(instance)
    cap = instance.bundle_space_size  # never reached: all_deals must be complete
    result = dealopt.solve(
        instance, backend=backend, threads=1, seed=0, all_deals=True, all_deals_cap=cap
    )
    check_result(result, expected, Oracle(instance), list(instance.parties))
    assert result.stats.backend == backend


@settings(QUICK, max_examples=HIGHS_EXAMPLES)
@given(instance_data(max_deals=256))
def test_solve_instances_with_highs(data):
    _solve_like_brute_force(data, "highs")


@settings(QUICK, max_examples=PYOMO_EXAMPLES)
@given(instance_data(max_deals=256))
def test_solve_instances_with_pyomo(data):
    _solve_like_brute_force(data, "pyomo")
