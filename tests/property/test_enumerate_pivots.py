"""The enumerate backend's pivot cut drops only deals another deal strictly dominates."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dealopt.backends.enumerate import _not_beaten_by_pivots, nondominated_mask


@settings(max_examples=40, deadline=None)
@given(
    st.integers(2, 4),
    st.integers(4096, 9000),
    st.integers(2, 60),
    st.integers(0, 2**32 - 1),
)
def test_pivot_cut_drops_only_strictly_dominated_rows(p, n, span, seed):
    # Small value spans give many equal vectors and ties: the cases a sloppy cut gets wrong.
    points = np.random.default_rng(seed).integers(-span, span, size=(n, p))
    kept = _not_beaten_by_pivots(points)
    assert np.all(np.diff(kept) > 0)  # indices, in order
    dropped = np.setdiff1d(np.arange(n), kept)
    for r in dropped:
        row = points[r]
        assert ((points >= row).all(axis=1) & (points > row).any(axis=1)).any()
    # Every nondominated vector keeps every row attaining it (so the first deal survives).
    distinct = np.unique(points, axis=0)
    front = distinct[nondominated_mask(distinct)]
    attaining = (points[:, None, :] == front[None, :, :]).all(axis=2).any(axis=1)
    assert set(np.flatnonzero(attaining)) <= set(kept.tolist())
