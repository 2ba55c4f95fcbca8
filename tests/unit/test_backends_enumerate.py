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


def test_no_good_rows_and_their_look_alikes_match_a_brute_force():
    # No-goods ("not all of these options at once") are read through lookup tables; rows that
    # only look like one (a coefficient of 2, a looser or tighter bound, two options of one
    # group, a constant) must keep their own meaning. Feasibility is checked deal by deal here.
    import itertools
    import random

    from dealopt.backends.batch import no_good_tables as _no_good_tables
    from dealopt.compile.model import LinearConstraint

    rng = random.Random(7)
    groups = [3, 2, 4, 3]
    starts = [sum(groups[:g]) for g in range(len(groups))]
    for _ in range(40):
        rows = []
        for _ in range(rng.randint(1, 8)):
            gs = rng.sample(range(len(groups)), rng.randint(1, 3))
            terms = [(starts[g] + rng.randrange(groups[g]), 1) for g in gs]
            k, hi, const = len(terms), len(terms) - 1, 0
            shape = rng.choice(["no-good"] * 3 + ["coef", "hi", "same-group", "const"])
            if shape == "coef":
                terms[0] = (terms[0][0], 2)
                hi = k
            elif shape == "hi":
                hi = rng.choice([k - 2, k])
            elif shape == "same-group":
                g = gs[0]
                other = starts[g] + (terms[0][0] - starts[g] + 1) % groups[g]
                terms.append((other, 1))
                hi = k  # "at most k of k + 1": the two options of one group never both hold
            elif shape == "const":
                const = 1
            rows.append(
                LinearConstraint(lin(*sorted(terms), c=const), None, hi, ("t", rng.random()))
            )
        m = build_model(groups, constraints=rows, objectives=[lin((0, 1))])
        session = EnumerateSession(m)
        expected = 0
        for deal in itertools.product(*(range(n) for n in groups)):
            chosen = {starts[g] + p for g, p in enumerate(deal)}
            expected += all(
                r.expr.constant + sum(c for v, c in r.expr.terms if v in chosen) <= r.hi
                for r in rows
            )
        assert session.num_feasible == expected
    # The look-alikes stay general constraints; true no-goods become tables.
    where = [(g, p) for g, n in enumerate(groups) for p in range(n)]
    radix = np.array(groups)
    true_row = LinearConstraint(lin((0, 1), (3, 1)), None, 1, ("t", 0))
    loose = LinearConstraint(lin((0, 1), (3, 1)), None, 2, ("t", 1))
    doubled = LinearConstraint(lin((0, 2), (3, 1)), None, 1, ("t", 2))
    same_group = LinearConstraint(lin((0, 1), (1, 1)), None, 1, ("t", 3))
    _m = build_model(groups, constraints=[true_row, loose, doubled, same_group])
    tables, general = _no_good_tables(_m, where, radix)
    assert len(tables) == 1 and general == [loose, doubled, same_group]
