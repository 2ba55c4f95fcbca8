"""Every backend's session on hand-worked compiled models (derivations in the comments).

Parametrized over the installed backends that build sessions themselves (``auto`` only
delegates), in the way cvxpy runs one set of standard problems against every solver.
"""

from __future__ import annotations

import pytest
from conformance import model

from dealopt.backends import SolveOptions, SolveStatus, available_backends, get_backend
from dealopt.compile.model import (
    BoolAnd,
    BoolOr,
    Label,
    LinearConstraint,
    LinExpr,
    ReifiedLinear,
    Require,
)
from dealopt.errors import UsageError

RULE = Label("rule")
BACKENDS = [b for b in available_backends() if b != "auto"]


def lin(*terms: tuple[int, int], c: int = 0) -> LinExpr:
    return LinExpr(tuple(terms), c)


# One builder of hand-written models for the whole suite (tests/conformance.py).
build_model = model


# Model A. Issues a (levels 0,1,2: vars 0,1,2), b (0,1: vars 3,4), c (0,1: vars 5,6).
#   v7 <-> a + b >= 2            (ReifiedLinear, lower bound only)
#   v8 <-> b1 and c1             (BoolAnd)
#   v9 <-> a2 or c1              (BoolOr)
#   require v9;  a + b + c <= 3  (Require, LinearConstraint)
#   f0 = 10[a0] + 6[a1] + 4[b0] + 3[c0] + 5 v8
#   f1 = 5[a1] + 9[a2] + 3[b1] + 2[c1] + 4 v7
# Feasible deals (a,b,c) and (f0, f1); (2,1,1) breaks a+b+c <= 3, a<2 with c=0 breaks v9:
#   (0,0,1): v7=0 v8=0 -> (14, 2)      (0,1,1): v7=0 v8=1 -> (15, 5)
#   (1,0,1): v7=0 v8=0 -> (10, 7)      (1,1,1): v7=1 v8=1 -> (11, 14)
#   (2,0,0): v7=1 v8=0 -> ( 7, 13)     (2,0,1): v7=1 v8=0 -> ( 4, 15)
#   (2,1,0): v7=1 v8=0 -> ( 3, 16)
MODEL_A = build_model(
    [3, 2, 2],
    definitions=[
        ReifiedLinear(7, lin((1, 1), (2, 2), (4, 1)), 2, None, (0, 3)),
        BoolAnd(8, ((4, True), (6, True))),
        BoolOr(9, ((2, True), (6, True))),
    ],
    constraints=[
        Require((9, True), RULE),
        LinearConstraint(lin((1, 1), (2, 2), (4, 1), (6, 1)), None, 3, RULE, (0, 4)),
    ],
    objectives=[
        lin((0, 10), (1, 6), (3, 4), (5, 3), (8, 5)),
        lin((1, 5), (2, 9), (4, 3), (6, 2), (7, 4)),
    ],
)


def values_of(a: int, b: int, c: int) -> tuple[int, ...]:
    """Model A's full 0/1 values of deal (a, b, c), definitions computed by hand."""
    vals = [0] * 10
    vals[a], vals[3 + b], vals[5 + c] = 1, 1, 1
    vals[7] = int(a + b >= 2)
    vals[8] = int(b == 1 and c == 1)
    vals[9] = int(a == 2 or c == 1)
    return tuple(vals)


FEASIBLE_A = [(0, 0, 1), (0, 1, 1), (1, 0, 1), (1, 1, 1), (2, 0, 0), (2, 0, 1), (2, 1, 0)]


@pytest.fixture(params=BACKENDS)
def session_a(request):
    return get_backend(request.param).build(MODEL_A, SolveOptions(threads=1, seed=0))


def test_maximise_each_objective(session_a):
    s = session_a
    best0 = s.solve({0: 1})
    assert best0.status is SolveStatus.OPTIMAL
    assert best0.objectives == (15, 5) and best0.values == values_of(0, 1, 1)
    best1 = s.solve({1: 1})
    assert best1.objectives == (3, 16) and best1.values == values_of(2, 1, 0)
    # 2 f0 + f1: (14,2)->30 (15,5)->35 (10,7)->27 (11,14)->36 (7,13)->27 (4,15)->23 (3,16)->22
    assert s.solve({0: 2, 1: 1}).objectives == (11, 14)
    # Negative weights minimise: min f1 is (14, 2).
    assert s.solve({1: -1}).objectives == (14, 2)
    assert s.calls == 4


def test_bounds_restrict_objectives(session_a):
    # f1 >= 6 and f0 <= 10: (10,7) (7,13) (4,15) (3,16); max f0 there is (10,7).
    found = session_a.solve({0: 1}, bounds={1: (6, None), 0: (None, 10)})
    assert found.objectives == (10, 7) and found.values == values_of(1, 0, 1)
    # Bounds apply to one solve only: the next one sees the whole model again.
    assert session_a.solve({0: 1}).objectives == (15, 5)
    # Bounds no deal meets, and an empty interval, are infeasible, not errors.
    assert session_a.solve({0: 1}, bounds={0: (16, None)}).status is SolveStatus.INFEASIBLE
    assert session_a.solve({}, bounds={1: (5, 4)}).status is SolveStatus.INFEASIBLE
    assert session_a.solve({0: 1}).objectives == (15, 5)


def test_assumptions_on_options_and_definitions(session_a):
    s = session_a
    # b0 (var 3): (0,0,1) f1=2, (1,0,1) 7, (2,0,0) 13, (2,0,1) 15 -> max f1 is 15.
    assert s.solve({1: 1}, assumptions=[(3, True)]).objectives == (4, 15)
    # not v8: max f0 among deals without b1 and c1 together is (0,0,1) with 14.
    assert s.solve({0: 1}, assumptions=[(8, False)]).objectives == (14, 2)
    # v7 and a0 contradict (a = 0 needs b >= 2).
    assert s.solve({}, assumptions=[(7, True), (0, True)]).status is SolveStatus.INFEASIBLE
    assert s.solve({0: 1}).objectives == (15, 5)  # assumptions are per solve


def test_hint_never_changes_the_optimum(session_a):
    for a, b, c in [*FEASIBLE_A, (2, 1, 1)]:  # (2,1,1) is infeasible: a bad hint is harmless
        found = session_a.solve({0: 1}, hint=values_of(a, b, c))
        assert found.objectives == (15, 5)


def test_feasibility_solve_returns_a_feasible_deal(session_a):
    found = session_a.solve({})
    assert found.status is SolveStatus.OPTIMAL
    assert found.values in {values_of(*d) for d in FEASIBLE_A}
    assert found.objectives == tuple(e.value(found.values) for e in MODEL_A.objectives)


def test_solutions_lists_deals_in_enumeration_order(session_a):
    deals, complete = session_a.solutions(limit=100)
    assert complete and deals == [values_of(*d) for d in FEASIBLE_A]
    capped, complete = session_a.solutions(limit=3)
    assert not complete and len(capped) == 3 and set(capped) <= set(deals)
    exact, complete = session_a.solutions(limit=7)
    assert complete and len(exact) == 7
    # f1 >= 13: (2,0,0), (2,0,1), (2,1,0), (1,1,1); with c1 assumed: (1,1,1), (2,0,1).
    some, complete = session_a.solutions(bounds={1: (13, None)}, assumptions=[(6, True)], limit=5)
    assert complete and some == [values_of(1, 1, 1), values_of(2, 0, 1)]
    assert session_a.solutions(bounds={0: (99, None)}, limit=5) == ([], True)


def test_bad_objective_index_is_a_usage_error(session_a):
    with pytest.raises(UsageError, match="objective index 2"):
        session_a.solve({2: 1})
    with pytest.raises(UsageError):
        session_a.solutions(bounds={-1: (0, 1)}, limit=1)


# A two-sided reification: g = level 0..3 (vars 0-3), v4 <-> 1 <= g <= 2. Only both directions
# of the reification make v4 true exactly at levels 1 and 2, so listing deals by v4 shows it.
TWO_SIDED = build_model(
    [4],
    definitions=[ReifiedLinear(4, lin((1, 1), (2, 2), (3, 3)), 1, 2, (0, 3))],
    objectives=[lin((4, 1))],
)


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_sided_reification_holds_both_ways(backend):
    s = get_backend(backend).build(TWO_SIDED, SolveOptions(threads=1))
    inside, _ = s.solutions(assumptions=[(4, True)], limit=10)
    outside, _ = s.solutions(assumptions=[(4, False)], limit=10)
    assert inside == [(0, 1, 0, 0, 1), (0, 0, 1, 0, 1)]
    assert outside == [(1, 0, 0, 0, 0), (0, 0, 0, 1, 0)]
    assert s.solve({0: -1}, assumptions=[(1, True)]).status is SolveStatus.OPTIMAL
    assert s.solve({}, assumptions=[(1, True), (4, False)]).status is SolveStatus.INFEASIBLE


# Degenerate definitions and constraints, each with its expected effect:
#   v2 <-> (x0 >= 5): can never hold -> 0;     v3 <-> (-1 <= x0 <= 9): always holds -> 1
#   v4 <-> and() = 1;  v5 <-> or() = 0;        constraint 0*x0 >= 1 can never hold.
DEGENERATE = build_model(
    [2],
    definitions=[
        ReifiedLinear(2, lin((0, 1)), 5, None, (0, 1)),
        ReifiedLinear(3, lin((0, 1)), -1, 9, (0, 1)),
        BoolAnd(4, ()),
        BoolOr(5, ()),
    ],
    objectives=[lin((0, 1))],
)


@pytest.mark.parametrize("backend", BACKENDS)
def test_degenerate_definitions(backend):
    s = get_backend(backend).build(DEGENERATE, SolveOptions(threads=1))
    deals, complete = s.solutions(limit=5)
    assert complete and deals == [(1, 0, 0, 1, 1, 0), (0, 1, 0, 1, 1, 0)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_unsatisfiable_linear_constraint_makes_the_model_infeasible(backend):
    # CP-SAT drops a linear constraint whose domain is empty; the backend must not.
    zero = LinearConstraint(lin((0, 0)), 1, None, RULE, (0, 0))
    model = build_model([2, 2], constraints=[zero], objectives=[lin((0, 1)), lin((2, 1))])
    s = get_backend(backend).build(model, SolveOptions(threads=1))
    assert s.solve({0: 1}).status is SolveStatus.INFEASIBLE
    assert s.solutions(limit=3) == ([], True)


@pytest.mark.parametrize("backend", BACKENDS)
def test_model_without_objectives(backend):
    s = get_backend(backend).build(build_model([2]), SolveOptions(threads=1))
    found = s.solve({})
    assert found.status is SolveStatus.OPTIMAL and found.objectives == ()
