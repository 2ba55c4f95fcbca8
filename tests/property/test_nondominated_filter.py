"""The exact nondominated filter against a brute force, on both of its paths: the compiled
dimension sweep (integers exact as floats) and the blocked filter (larger integers, where a
float would merge distinct values); the covering test also on its row-by-row path (few
reference rows)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dealopt.backends.enumerate
from dealopt.backends.enumerate import FLOAT_EXACT, covered_mask, nondominated_mask


def brute(points: np.ndarray) -> list[bool]:
    rows = [tuple(int(x) for x in r) for r in points]
    return [
        not any(all(a >= b for a, b in zip(o, r, strict=True)) and o != r for o in rows)
        for r in rows
    ]


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 5),
    st.integers(1, 300),
    st.integers(1, 40),
    st.sampled_from([0, FLOAT_EXACT - 64, 1 << 60, -(1 << 62)]),
    st.integers(0, 2**32 - 1),
)
def test_filter_equals_brute_force(k, n, span, offset, seed):
    rng = np.random.default_rng(seed)
    # Small spans give ties on single objectives; the offset moves the values to the edge of
    # float exactness and past it (2^60 + 1 and 2^60 are one float).
    pts = np.unique(rng.integers(0, span, size=(n, k)) + np.int64(offset), axis=0)
    rng.shuffle(pts)
    assert nondominated_mask(pts).tolist() == brute(pts)


def test_values_one_float_apart_are_told_apart():
    # As floats these rows are equal; exactly, the second dominates the first.
    big = 1 << 60
    pts = np.array([[big, 0, 0], [big + 1, 0, 0], [0, 1, 1]], dtype=np.int64)
    assert nondominated_mask(pts).tolist() == [False, True, True]


@pytest.mark.parametrize("few", [0, 10**9], ids=["sweep or blocks", "row by row"])
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.integers(1, 5),
    st.integers(0, 120),
    st.integers(0, 120),
    st.integers(1, 12),
    st.sampled_from([0, 1 << 60]),
    st.integers(0, 2**32 - 1),
)
def test_covered_equals_brute_force(monkeypatch, few, k, n, m, span, offset, seed):
    monkeypatch.setattr(dealopt.backends.enumerate, "FEW_REFERENCES", few)
    rng = np.random.default_rng(seed)
    # Repeated rows within and across the sets: equal counts as covered.
    pts = rng.integers(0, span, size=(n, k)) + np.int64(offset)
    ref = rng.integers(0, span, size=(m, k)) + np.int64(offset)
    expected = [bool(any((r >= q).all() for r in ref)) for q in pts]
    assert covered_mask(pts, ref).tolist() == expected
