"""Every magnitude the format accepts, on every backend, against a brute force.

The format allows decimal exponents up to 1000 either way (docs/format.md). Weights, scores and
no-deal values are drawn from 1e-1000 to 1e1000, mixed within one instance (so the exact integer
form needs thousands of digits and the compiler must round, then settle), and every backend
must return exactly the frontier a brute force over every deal (the rules oracle only) gives.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from conformance import brute_frontier
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dealopt

EXPONENTS = [-1000, -400, -324, -30, -1, 0, 1, 30, 308, 400, 1000]


@st.composite
def magnitudes(draw):
    def num() -> Decimal:
        return Decimal(draw(st.integers(1, 999))).scaleb(draw(st.sampled_from(EXPONENTS)))

    return dealopt.instance(
        {
            "dealopt": 1,
            "name": "magnitudes",
            "parties": {"a": {"no_deal": -num()}, "b": {"no_deal": -num()}},
            "issues": {"x": {"options": ["l", "m", "h"]}, "y": {"options": ["p", "q"]}},
            "interests": {
                "a": {
                    "weights": {"x": num(), "y": num()},
                    "scores": {"x": {"m": num(), "h": num()}, "y": {"q": num()}},
                },
                "b": {
                    "weights": {"x": num(), "y": num()},
                    "scores": {"x": {"l": num(), "m": num()}, "y": {"p": num()}},
                },
            },
        }
    )


@pytest.mark.parametrize("backend", ["enumerate", "cpsat", "highs", "pyomo", "merge"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance=magnitudes())
def test_every_magnitude_is_exact(backend: str, instance: dealopt.Instance) -> None:
    result = dealopt.solve(instance, backend=backend)
    found = {tuple(p.utilities[q] for q in instance.parties) for p in result.frontier}
    assert found == brute_frontier(instance)
    assert not any(result.stats.resolution.values())
