"""The enumerate backend's own promises: size limit, structure checks, tie-breaks, exactness."""

from __future__ import annotations

import numpy as np
import pytest
from test_backends_sessions import MODEL_A, build_model, lin, values_of

from dealopt.backends import Feature, SolveStatus, get_backend
from dealopt.backends.enumerate import MAX_DEALS, EnumerateSession, nondominated_mask
from dealopt.compile.model import BoolAnd, ReifiedLinear
from dealopt.errors import UsageError


def test_refuses_spaces_over_the_limit():
    groups = [10] * 7  # 10**7 deals > MAX_DEALS
    assert MAX_DEALS < 10**7
    with pytest.raises(UsageError, match=r"10,000,000 deals.*cpsat"):
        get_backend("enumerate").build(build_model(groups, objectives=[lin((0, 1))]))


def test_enumerates_across_chunks(monkeypatch):
    # A chunk smaller than the space: the result must not depend on the chunking.
    monkeypatch.setattr("dealopt.backends.enumerate.CHUNK", 3)
    s = EnumerateSession(MODEL_A)
    assert s.num_feasible == 7
    assert (
        s.solutions(limit=10)[0] == get_backend("enumerate").build(MODEL_A).solutions(limit=10)[0]
    )


def test_ties_go_to_the_first_deal_in_enumeration_order():
    # f = x1 + x2 over one group of 3: options 1 and 2 tie; option 1 comes first.
    s = get_backend("enumerate").build(build_model([3], objectives=[lin((1, 1), (2, 1))]))
    assert s.solve({0: 1}).values == (0, 1, 0)
    assert s.solve({0: -1}).values == (1, 0, 0)


def test_huge_weights_stay_exact():
    # 2**62 * 3 overflows int64: the backend must switch to exact integers, not wrap around.
    s = get_backend("enumerate").build(build_model([3], objectives=[lin((1, 3), (2, 2))]))
    found = s.solve({0: 2**62})
    assert found.status is SolveStatus.OPTIMAL and found.objectives == (3,)
    assert s.solve({0: -(2**62)}).objectives == (0,)


def test_nondominated_with_first_representatives():
    s = get_backend("enumerate").build(MODEL_A)
    assert Feature.ENUMERATE in s.features
    # Model A's frontier (see test_backends_sessions): (15,5) (11,14) (4,15) (3,16).
    assert s.nondominated() == [
        ((15, 5), values_of(0, 1, 1)),
        ((11, 14), values_of(1, 1, 1)),
        ((4, 15), values_of(2, 0, 1)),
        ((3, 16), values_of(2, 1, 0)),
    ]
    # f0 <= 10 removes (15,5) and (11,14): (10,7) and (7,13) become nondominated.
    assert [o for o, _ in s.nondominated({0: (None, 10)})] == [(10, 7), (7, 13), (4, 15), (3, 16)]
    assert s.nondominated({0: (20, None)}) == []


def test_nondominated_mask_on_hand_made_points():
    # 3 objectives, sorted descending: (5,1,1) (4,4,0) (4,1,1)* (3,3,3) (2,2,2)* (1,1,5)
    # * dominated: (4,1,1) <= (4,4,0)? no (1 > 0) -> by (5,1,1): yes; (2,2,2) by (3,3,3).
    pts = np.array([[5, 1, 1], [4, 4, 0], [4, 1, 1], [3, 3, 3], [2, 2, 2], [1, 1, 5]])
    expected = [True, True, False, True, False, True]
    assert nondominated_mask(pts).tolist() == expected
    assert nondominated_mask(pts, block=2).tolist() == expected  # across blocks too
    # 2 objectives: (5,1) (4,1)* (3,2) (3,1)* (1,3)
    pts2 = np.array([[5, 1], [4, 1], [3, 2], [3, 1], [1, 3]])
    assert nondominated_mask(pts2).tolist() == [True, False, True, False, True]


@pytest.mark.parametrize(
    ("definitions", "message"),
    [
        ([BoolAnd(3, ((4, True),)), BoolAnd(4, ())], "defined later"),
        ([BoolAnd(3, ()), BoolAnd(3, ())], "defined twice"),
    ],
)
def test_rejects_models_that_are_not_functions_of_the_deal(definitions, message):
    model = build_model([3], definitions=definitions, objectives=[lin((0, 1))])
    with pytest.raises(UsageError, match=message):
        get_backend("enumerate").build(model)


def test_rejects_undefined_variables():
    model = build_model([2], definitions=[ReifiedLinear(2, lin((0, 1)), 1, None, (0, 1))])
    free = type(model)(**{**model.__dict__, "num_vars": 4})
    with pytest.raises(UsageError, match="variable 3 is neither"):
        get_backend("enumerate").build(free)
