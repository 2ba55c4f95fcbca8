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


def test_auto_picks_the_merge_engine_for_one_capacity_only():
    """Above a million deals, a knapsack with one capacity and at most 60 items goes to the
    merge engine (the capacity lifted into its states); with two capacities or 61 items it
    stays with CP-SAT (decisions 88 and 97)."""
    from benchmarks.kirlik import knapsack
    from dealopt.backends.merge import MergeSession
    from dealopt.compile.compiler import compile_instance
    from dealopt.io import moip

    one = knapsack(3, 21, seed=1)  # 2^21 > 10^6 deals
    two = {**one, "constraints": [*one["constraints"], *one["constraints"]]}
    two["constraints"][1] = {**two["constraints"][1], "rhs": two["constraints"][1]["rhs"] - 1}
    most = knapsack(3, 60, seed=1)  # the most items auto gives the merge engine
    many = knapsack(3, 61, seed=1)
    for data, merged in ((one, True), (two, False), (most, True), (many, False)):
        model, _ = compile_instance(moip.from_data(data))
        session = get_backend("auto").build(model)
        assert isinstance(session, MergeSession) is merged
        if merged:  # one component per item
            assert len(session.parts) == len(data["objectives"][0])  # type: ignore[attr-defined]
