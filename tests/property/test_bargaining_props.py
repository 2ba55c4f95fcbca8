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
