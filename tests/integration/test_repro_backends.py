"""Regression tests for the inputs that broke the backends' promise of exactness.

Each file in ``repro/`` made a backend return a wrong frontier marked complete, report no
feasible deal while deals exist, or crash. Every backend must now give the frontier that a brute
force over every deal (written here, with the oracle only) gives, or refuse before solving with
a clear message naming the backends that are exact at the instance's scale.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conformance import brute_frontier

import dealopt
from dealopt.errors import UsageError

REPRO = Path(__file__).parent / "repro"
FILES = sorted(REPRO.glob("*.yaml"))
BACKENDS = ["enumerate", "cpsat", "highs", "pyomo"]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_backend_is_exact_or_refuses(path: Path, backend: str) -> None:
    instance = dealopt.load(path)
    expected = brute_frontier(instance)
    try:
        result = dealopt.solve(instance, backend=backend)
    except UsageError as exc:
        # Only the float MILP backends may refuse, and only for the scale, saying who can solve.
        assert backend in ("highs", "pyomo")
        assert "cannot prove this frontier exactly" in str(exc)
        assert "--backend cpsat" in str(exc)
        return
    found = {tuple(p.utilities[q] for q in instance.parties) for p in result.frontier}
    assert found == expected
    assert result.status.value in ("complete", "no-acceptable-deal")


# 16-digit weights are left out: the MILP backends refuse that scale (tested above)
SMALL_SCALES = [p for p in FILES if p.stem != "long_weights"]


@pytest.mark.parametrize("path", SMALL_SCALES, ids=[p.stem for p in SMALL_SCALES])
def test_small_exact_scales_are_solved_by_every_backend(path: Path) -> None:
    """The three rule-shape inputs have small exact scales: no backend may refuse them."""
    instance = dealopt.load(path)
    for backend in BACKENDS:
        assert dealopt.solve(instance, backend=backend).frontier
