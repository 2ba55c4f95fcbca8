"""The backend registry: names, availability, ``auto``'s choice."""

from __future__ import annotations

import subprocess
import sys

import pytest
from test_backends_sessions import MODEL_A, build_model, lin

from dealopt.backends import (
    AUTO_ENUMERATE_MAX,
    Feature,
    Session,
    available_backends,
    get_backend,
)
from dealopt.errors import UsageError


def test_names_and_features():
    assert {"cpsat", "enumerate", "auto"} <= set(available_backends())
    assert "enumerate" in available_backends(Feature.ENUMERATE)
    assert "cpsat" not in available_backends(Feature.ENUMERATE)
    assert "cpsat" in available_backends(Feature.TIME_LIMIT)
    for name in ("cpsat", "enumerate", "auto"):
        assert get_backend(name).name == name


def test_unknown_backend_names_the_nearest():
    with pytest.raises(UsageError, match="did you mean 'cpsat'"):
        get_backend("cp-sat")


def test_auto_picks_by_space_size():
    small = get_backend("auto").build(MODEL_A)
    assert Feature.ENUMERATE in small.features and isinstance(small, Session)
    groups = [10, 10, 10, 10, 10, 10, 2]  # 2 x 10**6 deals > AUTO_ENUMERATE_MAX
    assert AUTO_ENUMERATE_MAX < 2 * 10**6
    large = get_backend("auto").build(build_model(groups, objectives=[lin((0, 1))]))
    assert Feature.ENUMERATE not in large.features


def test_importing_backends_loads_no_solver():
    code = (
        "import sys, dealopt.backends as b, dealopt.backends.cpsat, dealopt.backends.base; "
        "b.available_backends(); print('ortools' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_auto_picks_the_merge_engine_by_items_per_capacities():
    """Above a million deals, a knapsack goes to the merge engine (its capacities lifted into
    the states) up to 100 items with one capacity, 50 with two, 40 with three; beyond, and
    with four capacities, it stays with CP-SAT (decision 101)."""
    from benchmarks.kirlik import knapsack
    from dealopt.backends.merge import MergeSession
    from dealopt.compile.compiler import compile_instance
    from dealopt.io import moip

    def capacities(items: int, count: int) -> dict:
        data = knapsack(3, items, seed=1)
        cap = data["constraints"][0]
        # distinct right-hand sides: the same row twice would be one constraint
        return {**data, "constraints": [{**cap, "rhs": cap["rhs"] - c} for c in range(count)]}

    cases = [
        (capacities(21, 1), 21),  # 2^21 > 10^6 deals
        (capacities(100, 1), 100),
        (capacities(101, 1), None),
        (capacities(50, 2), 50),
        (capacities(51, 2), None),
        (capacities(40, 3), 40),
        (capacities(41, 3), None),
        (capacities(21, 4), None),
    ]
    for data, parts in cases:
        model, _ = compile_instance(moip.from_data(data))
        session = get_backend("auto").build(model)
        assert isinstance(session, MergeSession) is (parts is not None)
        if parts is not None:  # one component per item
            assert len(session.parts) == parts  # type: ignore[attr-defined]
