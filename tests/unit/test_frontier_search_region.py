"""The search-region update (local lower bounds, maximisation) and the lexicographic stages."""

from __future__ import annotations

import numpy as np
import pytest
from test_backends_sessions import build_model, lin

from dealopt.backends import SolveOptions, get_backend
from dealopt.frontier import pareto_frontier
from dealopt.frontier.search_region import update_zones


def bounds_of(zones: np.ndarray) -> set[tuple[int, ...]]:
    return {tuple(int(x) for x in row) for row in zones}


def test_first_point_splits_the_whole_space_into_p_zones():
    # Zone y > (-1,-1,-1) minus everything <= z=(2,1,3): y_j > z_j for some j.
    zones = update_zones(np.array([[-1, -1, -1]]), np.array([2, 1, 3]), np.zeros((0, 3), int))
    assert bounds_of(zones) == {(2, -1, -1), (-1, 1, -1), (-1, -1, 3)}


def test_only_zones_containing_the_point_are_split():
    zones = np.array([[2, -1, -1], [-1, 1, -1], [-1, -1, 3]])
    # z = (1,2,2) lies in zone (-1,1,-1) only (1 > 2 fails for the first, 2 > 3 for the third).
    after = update_zones(zones, np.array([1, 2, 2]), np.zeros((0, 3), int))
    assert bounds_of(after) == {(2, -1, -1), (-1, -1, 3), (1, 1, -1), (-1, 2, -1), (-1, 1, 2)}


def test_redundant_zones_are_not_kept():
    zones = np.array([[2, -1, -1], [-1, 1, -1], [-1, -1, 3]])
    # z = (2,2,2) ties the first bound's f0 (not in general position). Splitting (-1,1,-1)
    # gives (2,1,-1), whose zone lies inside the zone of (2,-1,-1): it must be dropped.
    after = update_zones(zones, np.array([2, 2, 2]), np.zeros((0, 3), int))
    assert bounds_of(after) == {(2, -1, -1), (-1, -1, 3), (-1, 2, -1), (-1, 1, 2)}


def test_zones_a_certificate_proves_empty_are_not_kept():
    # Certificate (c, v2, v3): no deal with f2 > v2 and f3 > v3 has f1 > c.
    after = update_zones(np.array([[-1, -1, -1]]), np.array([2, 1, 3]), np.array([[0, 0, 1]]))
    # No candidate is >= (0,0,1) everywhere: the certificate says nothing about them.
    assert bounds_of(after) == {(2, -1, -1), (-1, 1, -1), (-1, -1, 3)}
    # (1,-1,-1): nothing has f1 > 1 at all, so zone (2,-1,-1) is empty.
    after = update_zones(np.array([[-1, -1, -1]]), np.array([2, 1, 3]), np.array([[1, -1, -1]]))
    assert bounds_of(after) == {(-1, 1, -1), (-1, -1, 3)}
    # A certificate bounds f1 only: (5,-1,-1) proves nothing about zone (2,-1,-1).
    after = update_zones(np.array([[-1, -1, -1]]), np.array([2, 1, 3]), np.array([[5, -1, -1]]))
    assert bounds_of(after) == {(2, -1, -1), (-1, 1, -1), (-1, -1, 3)}


def test_a_found_point_certifies_the_zone_its_own_split_makes():
    # Solving zone (-1,-1,-1) found z = (2,1,3), the maximum of f1 there: certificate (2,-1,-1).
    # The split's zone (2,-1,-1) is then empty without a solve; the other two stay.
    zones = np.array([[-1, -1, -1]])
    after = update_zones(zones, np.array([2, 1, 3]), np.array([[2, -1, -1]]))
    assert bounds_of(after) == {(-1, 1, -1), (-1, -1, 3)}


# Four objectives over 4 issues of 3 options with trade-offs; checked against enumerate.
FOUR = build_model(
    [3, 3, 3, 3],
    objectives=[
        lin(*((v, (v * m + k) % 7 - 3) for v in range(12))) for k, m in enumerate((2, 3, 5, 6))
    ],
)


@pytest.mark.parametrize("backend", ["cpsat", "enumerate"])
def test_four_objectives_match_enumeration(backend):
    truth = pareto_frontier(get_backend("enumerate").build(FOUR))
    session = get_backend(backend).build(FOUR, SolveOptions(threads=1))
    result = pareto_frontier(session, fast_path=False)
    assert result.algorithm == "search-region" and result.complete
    assert [p.objectives for p in result.points] == [p.objectives for p in truth.points]
    assert len(truth.points) >= 5  # a frontier worth the name


# Objectives near 2**52: even the plain sum of the secondary objectives is unsafe, so the
# second stage is itself lexicographic (f1, then f2). Options (f0, f1, f2), one issue:
#   (2**52, 0, 0) (2**52, 1, 0) (2**52, 1, 2**52) (0, 2**52, 2**52)
# (2**52, 1, 2**52) dominates the first two; the frontier is the last two.
HUGE = build_model(
    [4],
    objectives=[
        lin((0, 2**52), (1, 2**52), (2, 2**52)),
        lin((1, 1), (2, 1), (3, 2**52)),
        lin((2, 2**52), (3, 2**52)),
    ],
)


@pytest.mark.parametrize("backend", ["cpsat", "enumerate"])
def test_unsafe_sums_fall_back_to_a_lexicographic_chain(backend):
    session = get_backend(backend).build(HUGE, SolveOptions(threads=1))
    result = pareto_frontier(session, fast_path=False)
    assert [p.objectives for p in result.points] == [(2**52, 1, 2**52), (0, 2**52, 2**52)]
    assert result.complete
    # Two points of three stages each and nothing else: zone y > (0,1,-1) is empty by the
    # certificate of point (0, 2**52, 2**52) (max f0 with f1 > 1 is 0), and the other zones
    # start beyond some objective's range.
    assert result.solver_calls == 2 * 3
