"""CP-SAT specifics: in-place bound changes, statuses under limits, options."""

from __future__ import annotations

import pytest
from test_backends_sessions import MODEL_A, build_model, lin

from dealopt.backends import Feature, SolveOptions, SolveStatus, get_backend
from dealopt.backends.cpsat import _STATUS

pytest.importorskip("ortools")


def test_features_and_status_map():
    s = get_backend("cpsat").build(MODEL_A)
    assert {Feature.HINTS, Feature.ASSUMPTIONS, Feature.TIME_LIMIT} <= s.features
    assert set(_STATUS.values()) == set(SolveStatus)


def test_bounds_change_domains_in_place_and_reset():
    s = get_backend("cpsat").build(MODEL_A, SolveOptions(threads=1, seed=1))
    proto = s._cp.proto
    before = len(proto.constraints)
    y0 = proto.variables[s._obj[0].index]
    assert s.solve({0: 1}, bounds={0: (None, 10)}).objectives[0] == 10
    assert list(y0.domain)[1] == 10
    assert s.solve({0: 1}).objectives[0] == 15
    assert list(y0.domain)[1] >= 15  # the bound is gone again
    assert len(proto.constraints) == before  # nothing was added to the model


def test_a_tiny_time_limit_reports_a_limit_status_or_a_proof():
    # A space too large to settle in a microsecond; a solve may still finish in presolve.
    groups = [8] * 8
    objective = lin(*((v, (v * 37) % 11 - 5) for v in range(64)))
    s = get_backend("cpsat").build(build_model(groups, objectives=[objective]))
    found = s.solve({0: 1}, time_limit=1e-6)
    assert found.status in {SolveStatus.OPTIMAL, SolveStatus.FEASIBLE, SolveStatus.UNKNOWN}
    if found.status is SolveStatus.UNKNOWN:
        assert found.values is None and found.objectives is None
    else:
        assert found.objectives == (objective.value(found.values),)


def test_hint_must_cover_every_variable():
    s = get_backend("cpsat").build(MODEL_A)
    with pytest.raises(ValueError):
        s.solve({0: 1}, hint=(1, 0))


def test_ctrl_c_after_a_solve_reaches_python():
    # CP-SAT leaves the system's default SIGINT handler behind after a solve: Ctrl-C between
    # two solves then ended the interpreter (status 130) instead of stopping the search.
    import subprocess
    import sys

    code = """
import os, signal, time
import dealopt
from dealopt.analysis.setup import setup
ready = setup(dealopt.load("instances/helsinki2018.yaml"), backend="cpsat")
ready.session.solve({0: 1})
try:
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(2)
except KeyboardInterrupt:
    print("interrupted in Python")
"""
    root = __import__("pathlib").Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "interrupted in Python"
