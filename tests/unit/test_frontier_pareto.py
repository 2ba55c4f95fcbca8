"""Frontiers of hand-worked models (derivations here and in test_backends_sessions.py).

Each frontier is computed three ways: cpsat with the search algorithms, enumerate with its
nondominated() fast path, and enumerate with the search algorithms (fast_path=False).
"""

from __future__ import annotations

import itertools

import pytest
from test_backends_sessions import MODEL_A, build_model, lin, values_of

from dealopt.backends import SolveOptions, get_backend
from dealopt.compile.model import Label, Require
from dealopt.frontier import FrontierPoint, FrontierResult, deals_at, pareto_frontier

WAYS = [("cpsat", True), ("enumerate", True), ("enumerate", False)]

# Model A (two objectives): deals and (f0, f1) are derived in test_backends_sessions.py:
#   (14,2) (15,5) (10,7) (11,14) (7,13) (4,15) (3,16)
# (14,2) <= (15,5); (10,7) and (7,13) <= (11,14). Nondominated: (15,5) (11,14) (4,15) (3,16).
FRONTIER_A = [(15, 5), (11, 14), (4, 15), (3, 16)]

# Model A3 = model A plus f2 = 6[c0] + 3[b0] + 4 v7 - v8 (vars: c0=5, b0=3, v7=7, v8=8):
#   (0,0,1): 3  (0,1,1): -1  (1,0,1): 3  (1,1,1): 4-1=3  (2,0,0): 6+3+4=13  (2,0,1): 3+4=7
#   (2,1,0): 6+4=10
# Vectors: (14,2,3) (15,5,-1) (10,7,3) (11,14,3) (7,13,13) (4,15,7) (3,16,10).
# (10,7,3) <= (11,14,3). (14,2,3): only (15,5,-1) has f0 >= 14, and its f2 is lower. (7,13,13)
# has the top f2, (3,16,10) the top f1, (4,15,7): only (3,16,10) has f1 >= 15 (f0 lower).
MODEL_A3 = build_model(
    [3, 2, 2],
    definitions=MODEL_A.definitions,
    constraints=MODEL_A.constraints,
    objectives=[*MODEL_A.objectives, lin((5, 6), (3, 3), (7, 4), (8, -1))],
)
FRONTIER_A3 = [(15, 5, -1), (14, 2, 3), (11, 14, 3), (7, 13, 13), (4, 15, 7), (3, 16, 10)]


def frontier(model, way, **kwargs) -> FrontierResult:
    backend, fast = way
    session = get_backend(backend).build(model, SolveOptions(threads=1, seed=0))
    return pareto_frontier(session, fast_path=fast, **kwargs)


def objectives(result: FrontierResult) -> list[tuple[int, ...]]:
    return [p.objectives for p in result.points]


@pytest.mark.parametrize("way", WAYS)
def test_two_objectives(way):
    result = frontier(MODEL_A, way)
    assert objectives(result) == FRONTIER_A
    assert result.complete and result.stopped is None
    # Each representative attains its point; model A has one deal per frontier vector.
    assert [p.values for p in result.points] == [
        values_of(0, 1, 1),
        values_of(1, 1, 1),
        values_of(2, 0, 1),
        values_of(2, 1, 0),
    ]
    if way[1] and way[0] == "enumerate":
        assert result.algorithm == "enumerate" and result.solver_calls == 1
    else:
        # Epsilon-constraint: one lexicographic solve per point, then one proving that no deal
        # has f1 >= 17 (f1 can reach 9 + 3 + 2 + 4 = 18 on paper, so that takes a solve).
        assert result.algorithm == "epsilon-constraint"
        assert result.solver_calls == len(FRONTIER_A) + 1


@pytest.mark.parametrize("way", WAYS)
def test_three_objectives(way):
    result = frontier(MODEL_A3, way)
    assert objectives(result) == FRONTIER_A3
    assert result.complete
    if not (way[1] and way[0] == "enumerate"):
        assert result.algorithm == "search-region"
        # One solve per point, one per zone proven empty.
        assert len(FRONTIER_A3) < result.solver_calls <= 4 * len(FRONTIER_A3) + 1


@pytest.mark.parametrize("way", WAYS)
def test_bounds_give_the_frontier_inside_them(way):
    # f0 <= 10 leaves (10,7) (7,13) (4,15) (3,16): all nondominated among themselves.
    assert objectives(frontier(MODEL_A, way, bounds={0: (None, 10)})) == [
        (10, 7),
        (7, 13),
        (4, 15),
        (3, 16),
    ]
    # The zone with no-deal values f0 >= 5, f1 >= 6: only (11,14) (the others fail one bound).
    assert objectives(frontier(MODEL_A, way, bounds={0: (5, None), 1: (6, None)})) == [(11, 14)]
    # 3 objectives, f2 >= 4: (7,13,13) (4,15,7) (3,16,10), all nondominated.
    assert objectives(frontier(MODEL_A3, way, bounds={2: (4, None)})) == [
        (7, 13, 13),
        (4, 15, 7),
        (3, 16, 10),
    ]
    # An empty box: proven empty without work.
    empty = frontier(MODEL_A3, way, bounds={1: (20, 10)})
    assert empty.points == () and empty.complete


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("model", [MODEL_A, MODEL_A3])
def test_infeasible_model_has_an_empty_complete_frontier(model, way):
    # Requiring v7 (a + b >= 2) and a0 together is impossible: b is at most 1.
    label = Label("red_line", owner="x")
    blocked = build_model(
        [3, 2, 2],
        definitions=model.definitions,
        constraints=[*model.constraints, Require((7, True), label), Require((0, True), label)],
        objectives=model.objectives,
    )
    result = frontier(blocked, way)
    assert result.points == () and result.complete and result.stopped is None


@pytest.mark.parametrize("way", WAYS)
def test_one_and_zero_objectives(way):
    one = build_model([3, 2, 2], MODEL_A.definitions, MODEL_A.constraints, MODEL_A.objectives[1:])
    result = frontier(one, way)
    assert objectives(result) == [(16,)] and result.points[0].values == values_of(2, 1, 0)
    assert result.solver_calls == 1
    none = build_model([3, 2, 2], MODEL_A.definitions, MODEL_A.constraints, [])
    result = frontier(none, way)
    assert objectives(result) == [()] and result.complete


# Two deals share a vector: groups {0,1} {2,3}, f0 = x0 + x2, f1 = x1 + x3.
#   (0,0): (2,0)   (0,1): (1,1)   (1,0): (1,1)   (1,1): (0,2)
TWIN = build_model([2, 2], objectives=[lin((0, 1), (2, 1)), lin((1, 1), (3, 1))])


@pytest.mark.parametrize("backend", ["cpsat", "enumerate"])
def test_deals_at_lists_every_deal_of_a_point(backend):
    session = get_backend(backend).build(TWIN, SolveOptions(threads=1))
    result = pareto_frontier(session)
    assert objectives(result) == [(2, 0), (1, 1), (0, 2)]
    middle = result.points[1]
    assert middle.values in {(1, 0, 0, 1), (0, 1, 1, 0)}
    assert deals_at(session, middle, 10) == ([(1, 0, 0, 1), (0, 1, 1, 0)], True)
    assert deals_at(session, (1, 1), 2) == ([(1, 0, 0, 1), (0, 1, 1, 0)], True)
    capped, complete = deals_at(session, (1, 1), 1)
    assert len(capped) == 1 and not complete
    assert deals_at(session, FrontierPoint((2, 2), ()), 5) == ([], True)


# Lexicographic steps need M > range(f1), not M >= range(f1): with options (f0, f1) = (0, 1)
# then (1, 0), the sum M*f0 + f1 ties at M = 1, and enumerate (first deal wins ties) would
# return (0, 1), step to f1 >= 2 and miss (1, 0).
TIGHT = build_model([2], objectives=[lin((1, 1)), lin((0, 1))])


@pytest.mark.parametrize("way", WAYS)
def test_lexicographic_weights_leave_no_tie(way):
    assert objectives(frontier(TIGHT, way)) == [(1, 0), (0, 1)]


def test_progress_is_reported_after_every_solve():
    seen = []
    session = get_backend("cpsat").build(MODEL_A, SolveOptions(threads=1))
    result = pareto_frontier(session, progress=lambda *a: seen.append(a))
    assert len(seen) == result.solver_calls
    assert [calls for _, calls, _ in seen] == list(range(1, result.solver_calls + 1))
    assert seen[-1][0] == len(FRONTIER_A)
    assert all(b[2] >= a[2] for a, b in itertools.pairwise(seen))
