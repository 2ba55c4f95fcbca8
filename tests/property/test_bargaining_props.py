"""The bargaining solutions' criterion-by-criterion tie-break against the rule as one key."""

import math
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from dealopt.analysis.bargaining import egalitarian, nash, utilitarian


# The tie-break rule as written in the module docstring, as one key over every point.
def _reference(points, d, *keys):
    def key(i):
        u = points[i]
        return (*(k(u) for k in keys), sorted(ui - di for ui, di in zip(u, d, strict=True)), -i)

    return max(range(len(points)), key=key) if points else None


small = st.integers(-3, 3).map(Fraction)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(2, 3).flatmap(
        lambda n: st.tuples(st.lists(st.tuples(*[small] * n), max_size=12), st.tuples(*[small] * n))
    )
)
def test_criterion_by_criterion_equals_one_key_over_all_points(case):
    points, d = case  # small values: many ties, so every tie-break level is exercised
    gains = lambda u: [a - b for a, b in zip(u, d, strict=True)]  # noqa: E731
    assert nash(points, d) == _reference(points, d, lambda u: math.prod(gains(u)), sum)
    assert egalitarian(points, d) == _reference(points, d, lambda u: min(gains(u)), sum)
    assert utilitarian(points, d) == _reference(points, d, sum, lambda u: min(gains(u)))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.tuples(st.integers(-4, 4), st.integers(-4, 4)), max_size=8),
            st.tuples(st.integers(-4, 2), st.integers(-4, 2)),
        ),
        min_size=1,
        max_size=6,
    ),
    st.integers(-50, 50),
)
def test_two_party_solutions_at_once_equal_the_definitions(zones, padding):
    """The sweep's numpy form of the four solutions, zone by zone, against the functions
    (small integers: many ties; zones padded with an arbitrary number that must not count)."""
    import numpy as np

    from dealopt.analysis.bargaining import SOLUTIONS, two_party_solutions

    # The zone: points at or above d (as the sweep passes them), each point once, in the
    # frontier's order (lexicographically descending).
    cases = []
    for points, d in zones:
        kept = sorted({p for p in points if p[0] >= d[0] and p[1] >= d[1]}, reverse=True)
        cases.append((kept, d))
    width = max(1, max(len(p) for p, _ in cases))
    u = np.full((len(cases), width, 2), padding, dtype=np.int64)
    valid = np.zeros((len(cases), width), dtype=bool)
    for c, (points, _) in enumerate(cases):
        for z, p in enumerate(points):
            u[c, z] = p
            valid[c, z] = True
    d = np.array([d for _, d in cases], dtype=np.int64)
    chosen = two_party_solutions(u, valid, d)
    assert chosen is not None
    for name, function in SOLUTIONS.items():
        for c, (points, dd) in enumerate(cases):
            want = function(points, list(dd))
            assert chosen[name][c] == (-1 if want is None else want), (name, points, dd)


# Values with assorted denominators, 16-digit decimals among them, few enough to tie often.
assorted = st.sampled_from(
    [
        *(Fraction(0), Fraction(1, 3), Fraction(2, 7), Fraction(-5, 6), Fraction(7, 2)),
        *(Fraction("0.1234567890123456"), Fraction("-0.9999999999999999"), Fraction(10**16, 3)),
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(2, 4).flatmap(
        lambda n: st.tuples(
            st.lists(st.tuples(*[assorted] * n), max_size=10), st.tuples(*[assorted] * n)
        )
    )
)
def test_whole_number_scaling_picks_the_same_point(case):
    # The solutions run on the points times one common denominator; the reference is the rule
    # as one key over the original Fractions (Kalai-Smorodinsky: its own Fraction definition).
    from dealopt.analysis.bargaining import kalai_smorodinsky

    points, d = case
    gains = lambda u: [a - b for a, b in zip(u, d, strict=True)]  # noqa: E731
    assert nash(points, d) == _reference(points, d, lambda u: math.prod(gains(u)), sum)
    assert egalitarian(points, d) == _reference(points, d, lambda u: min(gains(u)), sum)
    assert utilitarian(points, d) == _reference(points, d, sum, lambda u: min(gains(u)))
    assert kalai_smorodinsky(points, d) == kalai_smorodinsky.__wrapped__(points, d)
