"""Every backend against a brute force on instances with the numbers real scenarios carry.

GENIUS weights have 16-17 significant digits; analysts type magnitudes from 1e-12 to 1e12; and
near-ties (two deals whose utilities differ in the 16th digit) are where rounding hides points.
The instances here draw 15 to 17 digit weights and scores, scale whole parties by powers of ten,
plant near-ties on purpose and put long decimals in red lines, then require every backend to
return exactly the frontier a brute force over every deal (the rules oracle only) gives: no
refusal, no resolution claimed.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from conformance import brute_frontier
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dealopt


def long_decimal(draw, digits: int, exponent: int) -> Decimal:
    """A decimal with ``digits`` significant digits around 10**exponent."""
    return Decimal(draw(st.integers(10 ** (digits - 1), 10**digits - 1))).scaleb(
        exponent - digits + 1
    )


@st.composite
def long_decimal_instances(draw):
    n_parties = draw(st.integers(2, 3))
    n_issues = draw(st.integers(2, 3))
    issues = {
        f"i{k}": {"options": [f"v{j}" for j in range(draw(st.integers(2, 3)))]}
        for k in range(n_issues)
    }
    interests = {}
    for p in range(n_parties):
        exponent = draw(st.sampled_from([-12, -3, 0, 0, 0, 5, 12]))
        digits = draw(st.integers(15, 17))
        weights = {i: long_decimal(draw, digits, exponent) for i in issues}
        scores = {}
        for i, spec in issues.items():
            if draw(st.booleans()):
                scores[i] = {v: draw(st.integers(-100, 999)) for v in spec["options"]}
            else:
                scores[i] = {v: long_decimal(draw, digits, 1) for v in spec["options"]}
        if draw(st.booleans()) and n_issues >= 2:
            # A near-tie: two issues whose weighted scores differ by one unit of the last digit,
            # so options traded between them change the utility in the 16th digit only.
            a, b = "i0", "i1"
            weights[b] = weights[a] + Decimal(1).scaleb(exponent - digits + 1)
            scores[b] = {
                v: -scores[a].get(v, 0) if v in scores[a] else 0 for v in issues[b]["options"]
            }
        interests[f"p{p}"] = {"weights": weights, "scores": scores}
    doc = {
        "dealopt": 1,
        "name": "long decimals",
        "parties": {f"p{p}": {"no_deal": -(10**30)} for p in range(n_parties)},
        "issues": issues,
        "interests": interests,
    }
    if draw(st.booleans()):
        # A red line with a long decimal threshold, over two issues.
        threshold = long_decimal(draw, draw(st.integers(15, 30)), 0)
        doc["attributes"] = {
            "cost": {
                i: {v: long_decimal(draw, 17, -1) for v in issues[i]["options"]} for i in issues
            }
        }
        doc["red_lines"] = {"p0": [{"label": "cost", "rule": f"total(cost) <= {threshold}"}]}
    return dealopt.instance(doc)


@pytest.mark.parametrize("backend", ["cpsat", "enumerate", "highs", "pyomo"])
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance=long_decimal_instances())
def test_long_decimals_exact_on_every_backend(backend, instance):
    expected = brute_frontier(instance)
    result = dealopt.solve(instance, backend=backend)
    assert not any(result.stats.resolution.values())
    found = {tuple(p.utilities[q] for q in instance.parties) for p in result.frontier}
    assert found == expected
    assert result.status.value != "partial"
