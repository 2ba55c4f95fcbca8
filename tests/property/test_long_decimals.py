"""Every backend against a brute force on instances with long decimal weights.

The weights carry 10 to 12 significant digits and the scores up to three, so the exact integer
objectives reach 10**11 to 10**15: past the size at which CP-SAT's presolve lost optima
(``PRESOLVE_SAFE``) and past the range the float MILP backends accept (which must then refuse),
yet exact, so the frontier must equal the brute force's exactly.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from conformance import brute_frontier
from hypothesis import given, settings
from hypothesis import strategies as st

import dealopt
from dealopt.errors import UsageError


@st.composite
def long_weight_instances(draw):
    n_parties = draw(st.integers(2, 3))
    n_issues = draw(st.integers(2, 3))
    issues = {
        f"i{k}": {"options": [f"v{j}" for j in range(draw(st.integers(2, 3)))]}
        for k in range(n_issues)
    }
    digits = draw(st.integers(10, 12))
    interests = {}
    for p in range(n_parties):
        weights = {i: Decimal(draw(st.integers(1, 10**digits - 1))).scaleb(-digits) for i in issues}
        scores = {
            i: {v: draw(st.integers(-100, 999)) for v in spec["options"]}
            for i, spec in issues.items()
        }
        interests[f"p{p}"] = {"weights": weights, "scores": scores}
    return dealopt.instance(
        {
            "dealopt": 1,
            "name": "long weights",
            "parties": {f"p{p}": {"no_deal": -(10**6)} for p in range(n_parties)},
            "issues": issues,
            "interests": interests,
        }
    )


@pytest.mark.parametrize("backend", ["cpsat", "enumerate", "highs"])
@settings(max_examples=40)
@given(instance=long_weight_instances())
def test_long_decimals_exact_on_every_backend(backend, instance):
    expected = brute_frontier(instance)
    try:
        result = dealopt.solve(instance, backend=backend)
    except UsageError as exc:
        assert backend == "highs" and "cannot prove this frontier exactly" in str(exc)
        return
    assert not any(result.stats.resolution.values())
    assert {tuple(p.utilities[q] for q in instance.parties) for p in result.frontier} == expected
