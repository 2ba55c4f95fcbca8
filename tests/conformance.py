"""Tiny compiled models with hand-derived answers, for every backend (cvxpy's StandardTestLPs).

Each :class:`Case` holds a model, its feasible-deal count, its frontier (every nondominated
objective vector) and a few optima: a weighted solve under bounds and assumptions and the
best weighted value, or None when nothing is feasible. The derivations are in the comments.
``tests/unit/test_conformance.py`` runs every case on every installed backend; a new backend
passes them before it is registered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from dealopt.backends import SolveStatus, available_backends
from dealopt.backends.base import Bounds, Session
from dealopt.backends.milp import violation
from dealopt.compile.model import (
    BoolAnd,
    BoolOr,
    CompiledModel,
    Definition,
    Label,
    LinearConstraint,
    LinExpr,
    Lit,
    ReifiedLinear,
    Require,
)
from dealopt.frontier import pareto_frontier

RULE = Label("rule", text="conformance")


def lin(*terms: tuple[int, int], c: int = 0) -> LinExpr:
    return LinExpr(tuple(terms), c)


def level(first: int, size: int, step: int = 1) -> tuple[tuple[int, int], ...]:
    """The terms of ``step × level`` of a group on variables ``first .. first + size - 1``."""
    return tuple((first + i, step * i) for i in range(1, size))


def model(
    groups: Sequence[int],
    definitions: Sequence[Definition] = (),
    constraints: Sequence[Require | LinearConstraint] = (),
    objectives: Sequence[LinExpr] = (),
) -> CompiledModel:
    """Choice groups of the given sizes on variables 0.., then one variable per definition."""
    choices, n = [], 0
    for size in groups:
        choices.append(tuple(range(n, n + size)))
        n += size
    spans = [
        (
            e.constant + sum(min(c, 0) for _, c in e.terms),
            e.constant + sum(max(c, 0) for _, c in e.terms),
        )
        for e in objectives
    ]
    return CompiledModel(
        num_vars=n + len(definitions),
        choices=tuple(choices),
        definitions=tuple(definitions),
        constraints=tuple(constraints),
        objectives=tuple(objectives),
        scales=tuple(Fraction(1) for _ in objectives),
        objective_bounds=tuple(spans),
    )


@dataclass(frozen=True)
class Optimum:
    """``max Σ weights[k] f_k`` under ``bounds`` and ``assumptions`` is ``value`` (None: none)."""

    weights: Mapping[int, int]
    value: int | None
    bounds: Bounds = field(default_factory=dict)
    assumptions: tuple[Lit, ...] = ()


@dataclass(frozen=True)
class Case:
    name: str
    model: CompiledModel
    deals: int
    frontier: tuple[tuple[int, ...], ...]
    optima: tuple[Optimum, ...]


# knapsack: four items i (vars 2i = out, 2i+1 = in), weights 3 4 5 6, capacity 9;
#   f0 profits 4 5 6 7, f1 profits 5 4 3 1. Subsets within the capacity and (f0, f1):
#   {} (0,0)  {0} (4,5)  {1} (5,4)  {2} (6,3)  {3} (7,1)  {0,1} (9,9)  {0,2} (10,8)
#   {0,3} (11,6)  {1,2} (11,7). Nondominated: (11,7) (10,8) (9,9); f0 + f1 = 18 at all three.
KNAPSACK = Case(
    "knapsack",
    model(
        [2, 2, 2, 2],
        constraints=[LinearConstraint(lin((1, 3), (3, 4), (5, 5), (7, 6)), None, 9, RULE)],
        objectives=[lin((1, 4), (3, 5), (5, 6), (7, 7)), lin((1, 5), (3, 4), (5, 3), (7, 1))],
    ),
    deals=9,
    frontier=((11, 7), (10, 8), (9, 9)),
    optima=(
        Optimum({0: 1}, 11),
        Optimum({1: 1}, 9),
        Optimum({0: 1, 1: 1}, 18),
        Optimum({0: 2, 1: 1}, 29),  # (11,7)
        Optimum({0: 1}, 10, bounds={1: (8, None)}),
        Optimum({1: 1}, 6, assumptions=((7, True),)),  # item 3 in: {3} (7,1), {0,3} (11,6)
        Optimum({0: 1, 1: 1}, 18, bounds={0: (None, 10), 1: (None, 8)}),  # (10,8)
        Optimum({0: 1}, None, bounds={0: (12, None)}),
        Optimum({0: -1}, 0),  # minimising f0: the empty knapsack
    ),
)

# not_equal: a = level 0..4 (vars 0-4), b = level 0..2 (vars 5-7); e = a + 2b - 1.
#   v8 <-> 2 <= e <= 3, required false: a + 2b not in {3, 4}, a disjunction with both sides
#   open. Feasible (a + 2b): b=0: 0 1 2; b=1: 2 5 6; b=2: 5 6 7 8 -> 10 deals. f0 = a + 2b,
#   f1 = -(a + 2b): every value is its own nondominated point: 0 1 2 5 6 7 8.
NOT_EQUAL = Case(
    "not_equal",
    model(
        [5, 3],
        definitions=[ReifiedLinear(8, lin(*level(0, 5), *level(5, 3, 2), c=-1), 2, 3, (-1, 7))],
        constraints=[Require((8, False), RULE)],
        objectives=[lin(*level(0, 5), *level(5, 3, 2)), lin(*level(0, 5, -1), *level(5, 3, -2))],
    ),
    deals=10,
    frontier=tuple((v, -v) for v in (8, 7, 6, 5, 2, 1, 0)),
    optima=(
        Optimum({0: 1}, 8),
        Optimum({0: 1}, 2, bounds={0: (None, 4)}),  # 3 and 4 are excluded from below...
        Optimum({1: 1}, -5, bounds={0: (3, None)}),  # ...and from above
        Optimum({0: 1}, 6, assumptions=((6, True),)),  # b = 1: a + 2b in 2, 5, 6
        Optimum({1: 1}, -5, bounds={0: (3, None)}, assumptions=((6, True),)),
    ),
)

# one_sided: a, b = levels 0..3 (vars 0-3, 4-7); 1 <= a + b <= 5 (as 2 <= a + b + 1 <= 6).
#   v8 <-> a + b >= 5 (lower side only), v9 <-> a - b <= -2 (upper side only),
#   v10 <-> -1 <= a - b <= 1 (both sides). f0 = 10 v8 + a, f1 = 10 v9 + 4 v10 + b.
#   The 14 feasible (a,b) -> (f0,f1): (0,1) (0,5); (0,2) (0,12); (0,3) (0,13); (1,0) (1,4);
#   (1,1) (1,5); (1,2) (1,6); (1,3) (1,13); (2,0) (2,0); (2,1) (2,5); (2,2) (2,6);
#   (2,3) (12,7); (3,0) (3,0); (3,1) (3,1); (3,2) (13,6). Nondominated: (13,6) (12,7) (1,13).
#   Without v10 (|a - b| >= 2): (0,2) (0,3) (1,3) (2,0) (3,0) (3,1): max f0 3.
ONE_SIDED = Case(
    "one_sided",
    model(
        [4, 4],
        definitions=[
            ReifiedLinear(8, lin(*level(0, 4), *level(4, 4)), 5, None, (0, 6)),
            ReifiedLinear(9, lin(*level(0, 4), *level(4, 4, -1)), None, -2, (-3, 3)),
            ReifiedLinear(10, lin(*level(0, 4), *level(4, 4, -1)), -1, 1, (-3, 3)),
        ],
        constraints=[LinearConstraint(lin(*level(0, 4), *level(4, 4), c=1), 2, 6, RULE)],
        objectives=[lin((8, 10), *level(0, 4)), lin((9, 10), (10, 4), *level(4, 4))],
    ),
    deals=14,
    frontier=((13, 6), (12, 7), (1, 13)),
    optima=(
        Optimum({0: 1}, 13),
        Optimum({1: 1}, 13),
        Optimum({0: 1, 1: 1}, 19),
        Optimum({0: 1}, 1, bounds={1: (8, None)}),
        Optimum({0: 1}, 3, assumptions=((10, False),)),
        Optimum({1: 1}, 13, assumptions=((10, False),)),
        Optimum({}, None, assumptions=((8, True), (9, True))),  # a + b >= 5 and b >= a + 2
    ),
)

# logic: p, q in {0,1} (vars 0-1, 2-3), r in {0,1,2} (vars 4-6).
#   v7 <-> p1 and not q1;  v8 <-> r2 or not p1;  v9 <-> v7 and v8;  v10 <-> or() (false);
#   v11 <-> and() (true). Required: v8. f0 = 5 v9 + 2 q1 + level(r), f1 = 4 p0 + 3 v7 + v11 + 6 v10.
#   Feasible: p0 (6 deals, f1 = 5, f0 = 2 q1 + r: 0..4) and p1 r2 (q0: v7 = v9 = 1 -> (7,4);
#   q1: (4,1)). 8 deals; nondominated (7,4) (4,5).
LOGIC = Case(
    "logic",
    model(
        [2, 2, 3],
        definitions=[
            BoolAnd(7, ((1, True), (3, False))),
            BoolOr(8, ((6, True), (1, False))),
            BoolAnd(9, ((7, True), (8, True))),
            BoolOr(10, ()),
            BoolAnd(11, ()),
        ],
        constraints=[Require((8, True), RULE)],
        objectives=[lin((9, 5), (3, 2), *level(4, 3)), lin((0, 4), (7, 3), (11, 1), (10, 6))],
    ),
    deals=8,
    frontier=((7, 4), (4, 5)),
    optima=(
        Optimum({0: 1}, 7),
        Optimum({1: 1}, 5),
        Optimum({0: 1, 1: 1}, 11),
        Optimum({0: 1}, 4, assumptions=((9, False),)),
        Optimum({0: 1}, 4, bounds={1: (5, None)}),
        Optimum({0: 1}, 2, assumptions=((4, True),)),  # r0 forces p0: best q1 r0
        Optimum({}, None, assumptions=((10, True),)),  # or() never holds
    ),
)

# three: a in {0,1,2} (vars 0-2), b, c in {0,1} (vars 3-4, 5-6); c1 costs 1 in f0 only, so
#   every c1 deal is dominated by its c0 twin.
#   f0 = 3 a0 + a1 + b0 - c1, f1 = 3 a1 + a2 + b1, f2 = a0 + 3 a2 + b1.
#   c0 deals: a0b0 (4,0,1) a0b1 (3,1,2) a1b0 (2,3,0) a1b1 (1,4,1) a2b0 (1,1,3) a2b1 (0,2,4):
#   all six nondominated. Sum f0+f1+f2: 5 6 5 6 5 6 -> 6. min f0 over all 12: a2b1c1 = -1.
THREE = Case(
    "three",
    model(
        [3, 2, 2],
        objectives=[
            lin((0, 3), (1, 1), (3, 1), (6, -1)),
            lin((1, 3), (2, 1), (4, 1)),
            lin((0, 1), (2, 3), (4, 1)),
        ],
    ),
    deals=12,
    frontier=((4, 0, 1), (3, 1, 2), (2, 3, 0), (1, 4, 1), (1, 1, 3), (0, 2, 4)),
    optima=(
        Optimum({0: 1, 1: 1, 2: 1}, 6),
        Optimum({2: 1}, 3, bounds={0: (1, None)}),
        Optimum({0: -1}, 1),
        # f1 in [2, 3]: a1b0c0 (2,3,0) a2b1c0 (0,2,4) and their c1 twins -> f0 + f2 = 4.
        Optimum({0: 1, 2: 1}, 4, bounds={1: (2, 3)}),
    ),
)

# large: coefficients in the ten thousands (below the 2**18 the MILP backends resolve), so a
#   lexicographic weight times an objective passes 2**24 (a MILP backend may split such a solve
#   into stages). a, b in 0..2 (vars 0-2, 3-5).
#   f0 = 30000 a0 + 20001 a1 + 10000 a2 + 7 b1;  f1 = 10000 a1 + 29999 a2 + 5 b0 + 6 b2.
#   (f0, f1): a0: b0 (30000,5) b1 (30007,0) b2 (30000,6); a1: b0 (20001,10005)
#   b1 (20008,10000) b2 (20001,10006); a2: b0 (10000,30004) b1 (10007,29999)
#   b2 (10000,30005). Per a the b1 deal and the b2 deal are nondominated: 6 points.
#   f1's range is [0, 30005], so weight 30006 on f0 is lexicographic: f0 = 30007, f1 = 0;
#   f0's range is [10000, 30007], so weight 20008 on f1 is: f1 = 30005, f0 = 10000.
LARGE = Case(
    "large",
    model(
        [3, 3],
        objectives=[
            lin((0, 30000), (1, 20001), (2, 10000), (4, 7)),
            lin((1, 10000), (2, 29999), (3, 5), (5, 6)),
        ],
    ),
    deals=9,
    frontier=(
        (30007, 0),
        (30000, 6),
        (20008, 10000),
        (20001, 10006),
        (10007, 29999),
        (10000, 30005),
    ),
    optima=(
        Optimum({0: 1, 1: 1}, 40006),
        Optimum({0: 30006, 1: 1}, 30006 * 30007),
        Optimum({0: 1, 1: 20008}, 10000 + 20008 * 30005),
        # f1 >= 1 excludes (30007, 0); the lexicographic best is then a0b2 (30000, 6).
        Optimum({0: 30006, 1: 1}, 30006 * 30000 + 6, bounds={1: (1, 29999)}),
    ),
)

# infeasible: a rule and a red line that contradict (x0 + x2 >= 2 needs var 2; var 2 is banned).
INFEASIBLE = Case(
    "infeasible",
    model(
        [2, 2],
        constraints=[
            LinearConstraint(lin((0, 1), (2, 1)), 2, None, RULE),
            Require((2, False), RULE),
        ],
        objectives=[lin((0, 1)), lin((3, 1))],
    ),
    deals=0,
    frontier=(),
    optima=(Optimum({0: 1}, None), Optimum({}, None)),
)

# impossible: a definition that can never hold, required (v2 <-> x0 >= 5 with x0 in 0..1).
IMPOSSIBLE = Case(
    "impossible",
    model(
        [2],
        definitions=[ReifiedLinear(2, lin((1, 1)), 5, None, (0, 1))],
        constraints=[Require((2, True), RULE)],
        objectives=[lin((1, 1))],
    ),
    deals=0,
    frontier=(),
    optima=(Optimum({0: 1}, None),),
)

CASES = (KNAPSACK, NOT_EQUAL, ONE_SIDED, LOGIC, THREE, LARGE, INFEASIBLE, IMPOSSIBLE)


def backends() -> list[str]:
    """The installed backends that build their own sessions (``auto`` only delegates)."""
    return [name for name in available_backends() if name != "auto"]


# Checks ------------------------------------------------------------------------------------------


def check_optima(session: Session, case: Case) -> None:
    for opt in case.optima:
        found = session.solve(opt.weights, bounds=opt.bounds, assumptions=opt.assumptions)
        where = f"{case.name}: {opt}"
        if opt.value is None:
            assert found.status is SolveStatus.INFEASIBLE, where
            assert found.values is None and found.objectives is None, where
            continue
        assert found.status is SolveStatus.OPTIMAL, where
        assert found.values is not None and found.objectives is not None
        check_deal(case.model, found.values, found.objectives)
        assert sum(w * found.objectives[k] for k, w in opt.weights.items()) == opt.value, where
        for k, (lo, hi) in opt.bounds.items():
            assert lo is None or found.objectives[k] >= lo, where
            assert hi is None or found.objectives[k] <= hi, where
        assert all(found.values[v] == p for v, p in opt.assumptions), where


def check_frontier(session: Session, case: Case) -> None:
    result = pareto_frontier(session)
    assert result.complete, case.name
    assert [p.objectives for p in result.points] == sorted(case.frontier, reverse=True), case.name
    for p in result.points:
        check_deal(case.model, p.values, p.objectives)


def check_solutions(session: Session, case: Case) -> None:
    deals, complete = session.solutions(limit=case.deals + 1)
    assert complete and len(deals) == len(set(deals)) == case.deals, case.name
    for values in deals:
        check_deal(case.model, values, tuple(e.value(values) for e in case.model.objectives))
    if case.deals > 1:
        capped, complete = session.solutions(limit=case.deals - 1)
        assert not complete and len(capped) == case.deals - 1 and set(capped) <= set(deals)


def check_deal(m: CompiledModel, values: Sequence[int], objectives: Sequence[int]) -> None:
    """A feasible deal of ``m`` (every definition consistent) whose objectives are exact."""
    assert violation(m, values) is None, violation(m, values)
    assert tuple(objectives) == tuple(e.value(values) for e in m.objectives)


def brute_frontier(instance) -> set[tuple[Fraction, ...]]:
    """The nondominated utility vectors of every feasible deal of a small instance, found with
    the rules oracle alone (no compiler, no backend)."""
    import itertools

    from dealopt.rules.oracle import Oracle

    oracle = Oracle(instance)
    names = list(instance.issues)
    vectors = set()
    for values in itertools.product(*(instance.issues[i].values for i in names)):
        deal = dict(zip(names, values, strict=True))
        if oracle.violations(deal):
            continue
        u = oracle.utilities(deal)
        vectors.add(tuple(u[p] for p in instance.parties))
    return {
        v
        for v in vectors
        if not any(w != v and all(a >= b for a, b in zip(w, v, strict=True)) for w in vectors)
    }
