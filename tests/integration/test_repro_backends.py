"""Regression tests for the inputs that broke the backends' promise of exactness.

Each file in ``repro/`` made a backend return a wrong frontier marked complete, report no
feasible deal while deals exist, or crash. Every backend must now give the frontier that a brute
force over every deal (written here, with the oracle only) gives.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conformance import brute_frontier

import dealopt
from dealopt.backends import get_backend
from dealopt.errors import BackendUnavailableError

REPRO = Path(__file__).parent / "repro"
FILES = sorted(REPRO.glob("*.yaml"))
BACKENDS = ["enumerate", "cpsat", "highs", "pyomo"]
# Pyomo with the other open-source MILP solvers, where their programs are installed (Debian's
# coinor-cbc and glpk-utils; CI installs them).
OTHER_SOLVERS = ["pyomo:cbc", "pyomo:glpk"]


def _available(backend: str) -> None:
    try:
        get_backend(backend)
    except BackendUnavailableError as exc:
        pytest.skip(f"{backend} is not installed: {exc}")


@pytest.mark.parametrize("backend", BACKENDS + OTHER_SOLVERS)
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_backend_is_exact(path: Path, backend: str) -> None:
    """Exact on every backend: long decimals, 1e400 and 1e-400 included, nothing refused."""
    _available(backend)
    instance = dealopt.load(path)
    expected = brute_frontier(instance)
    result = dealopt.solve(instance, backend=backend)
    found = {tuple(p.utilities[q] for q in instance.parties) for p in result.frontier}
    assert found == expected
    assert result.status.value in ("complete", "no-acceptable-deal")
    # The frontier is exact, so no resolution is claimed.
    assert not any(result.stats.resolution.values())


def test_a_comparison_too_wide_to_state_is_refused_at_its_position(tmp_path: Path) -> None:
    """Long decimals in a rule over too many issues to tabulate: one clear error, exit 1."""
    issues = {f"i{k}": {"options": ["a", "b", "c", "d"]} for k in range(8)}
    doc = {
        "dealopt": 1,
        "name": "too wide",
        "parties": {"p": {}, "q": {}},
        "issues": issues,
        "attributes": {"vis": {f"i{k}": {"b": 1, "c": 2, "d": 3} for k in range(8)}},
        "interests": {"p": {"scores": {"i0": {"a": 1}}}, "q": {"scores": {"i1": {"a": 1}}}},
        "rules": [{"rule": "total(vis) <= 3.1234567890123456789012345678901"}],
    }
    path = tmp_path / "wide.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "dealopt.cli", "solve", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    line = next(
        n for n, text in enumerate(path.read_text().splitlines(), 1) if "total(vis)" in text
    )
    assert f"wide.yaml:{line}:" in done.stderr
    assert "too many to tabulate" in done.stderr
