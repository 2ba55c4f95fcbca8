"""``models/policy_block_example.py``: a Pyomo policy model around the Helsinki deal block."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pyomo")

EXAMPLE = Path(__file__).resolve().parents[2] / "models" / "policy_block_example.py"


def _module():
    spec = importlib.util.spec_from_file_location("policy_block_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_example_runs_and_checks_itself():
    out = subprocess.run(
        [sys.executable, "-W", "error", str(EXAMPLE)], capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("Oil at $") == 2
    assert "sanctions" in out.stdout
    assert out.stdout.rstrip().endswith("Every deal passes dealopt's rules oracle.")
    assert "Running HiGHS" not in out.stdout  # no solver banner in the output


def test_cheaper_oil_never_hurts_the_us_planner():
    # A bigger oil bonus only relaxes Russia's acceptance constraint, so the planner's
    # optimum cannot fall as the price falls.
    import pyomo.environ as pyo

    import dealopt

    example = _module()
    instance = dealopt.load(example.INSTANCE)
    goals = [pyo.value(example.plan(instance, price).goal) for price in (80, 60, 40)]
    assert goals == sorted(goals)
    assert goals[-1] > goals[0]  # and here it helps strictly
