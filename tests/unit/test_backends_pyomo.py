"""Pyomo specifics: solver names, missing solvers, the persistent model, solver options."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from test_backends_sessions import MODEL_A

from dealopt.backends import Feature, SolveOptions, SolveStatus, get_backend
from dealopt.backends.pyomo import _OPTIONS, _STATUS, PyomoBackend, _family
from dealopt.errors import BackendUnavailableError, UsageError

pytest.importorskip("pyomo")


def test_default_solver_is_appsi_highs():
    backend = get_backend("pyomo")
    assert backend.name == "pyomo" and backend.solver == "appsi_highs"
    assert {Feature.ASSUMPTIONS, Feature.TIME_LIMIT} <= backend.features
    session = backend.build(MODEL_A)
    assert session.name == "pyomo" and session.solve({0: 1}).objectives == (15, 5)
    assert set(_STATUS.values()) == {"optimal", "infeasible", "limit"}


def test_named_solvers():
    assert PyomoBackend("cbc").name == "pyomo:cbc"
    assert PyomoBackend("gurobi").solver == "gurobi_direct"  # Pyomo's "gurobi" wants gurobi.sh
    assert [_family(s) for s in ("appsi_highs", "gurobi_persistent", "cplex_direct", "glpk")] == [
        "highs",
        "gurobi",
        "cplex",
        "glpk",
    ]


def test_a_missing_solver_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda _name: None)
    with pytest.raises(BackendUnavailableError, match=r"cbc.*on PATH"):
        get_backend("pyomo:cbc")
    with pytest.raises(BackendUnavailableError, match="glpsol"):
        PyomoBackend("glpk").build(MODEL_A)
    real = importlib.util.find_spec
    for missing in ("gurobipy", "pyomo"):
        monkeypatch.setattr(
            "importlib.util.find_spec", lambda name, m=missing: None if name == m else real(name)
        )
        with pytest.raises(BackendUnavailableError, match=f"pip install {missing}"):
            get_backend("pyomo:gurobi")
    # BackendUnavailableError is an ImportError, as a missing package should be.
    assert issubclass(BackendUnavailableError, ImportError)


def test_an_unknown_solver_is_unavailable_not_a_crash():
    with pytest.raises(BackendUnavailableError, match="no solver of that name"):
        get_backend("pyomo:no_such_solver")
    with pytest.raises(UsageError):
        get_backend("pyomoo")


def test_availability_is_checked_without_importing_pyomo():
    code = (
        "import sys, dealopt.backends as b; b.available_backends(); "
        "b.get_backend('pyomo'); print('pyomo' in sys.modules, 'highspy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_one_pyomo_model_changed_in_place():
    s = get_backend("pyomo").build(MODEL_A, SolveOptions(threads=1, seed=0))
    m = s.pyomo_model
    rows = len(m.rows)
    assert s.solve({0: 1}, bounds={0: (None, 10)}, assumptions=[(6, True)]).objectives[0] == 10
    assert s.solutions(limit=100)[0].__len__() == 7
    assert s.pyomo_model is m and len(m.rows) == rows and len(m.cuts) == 0
    assert (m.x[6].lb, m.x[6].ub) == (0, 1)  # the assumption is released
    assert s.solve({}, bounds={0: (16, None)}).status is SolveStatus.INFEASIBLE
    assert s.solve({1: 1}).objectives == (3, 16)


def test_solver_options_per_family():
    s = get_backend("pyomo").build(MODEL_A, SolveOptions(threads=2, seed=5))
    opts = s._solver_options(0, time_limit=None)
    assert opts == {
        "mip_rel_gap": 0.0,
        "mip_abs_gap": 0.5,
        "mip_feasibility_tolerance": 1e-7,
        "primal_feasibility_tolerance": 1e-7,
        "presolve": "off",
        "random_seed": 5,
        # The same primal heuristics off as in the highs backend (decision 63).
        "mip_heuristic_run_rins": False,
        "mip_heuristic_run_rens": False,
        "mip_heuristic_run_feasibility_jump": False,
    }  # no threads: HiGHS's scheduler is process-wide
    s._names = _OPTIONS["cbc"]
    s._appsi = False
    opts = s._solver_options(1, time_limit=3.5)
    assert opts["ratioGap"] == 0 and opts["allowableGap"] == 0.5 and opts["sec"] == 3.5
    assert opts["threads"] == 2 and opts["integerTolerance"] == 1e-8
    s._names = _OPTIONS["glpk"]
    assert s._solver_options(0, time_limit=2.2) == {"mipgap": 0.0, "tmlim": 3}


def test_pyomo_backend_through_dealopt_solve():
    import dealopt

    inst = dealopt.instance(
        {
            "dealopt": 1,
            "name": "toy",
            "parties": {"a": {}, "b": {}},
            "issues": {"price": {"range": [0, 10]}, "extra": {"options": ["no", "yes"]}},
            "interests": {
                "a": {"scores": {"price": "linear", "extra": {"yes": 3}}},
                "b": {"weights": {"price": -1}, "scores": {"price": "linear"}},
            },
            "rules": [{"label": "not five", "rule": "price != 5"}],
        }
    )
    result = dealopt.solve(inst, backend="pyomo")
    assert result.stats.backend == "pyomo"
    assert [p.deal["price"] for p in result.frontier] == [10, 9, 8, 7, 6, 4, 3, 2, 1, 0]


@pytest.mark.parametrize(
    "path",
    sorted((Path(__file__).resolve().parents[2] / "instances").glob("*.yaml")),
    ids=lambda p: p.name,
)
def test_every_instance_solves_from_the_cli(path):
    import json

    from typer.testing import CliRunner

    import dealopt
    from dealopt.cli import app

    out = CliRunner().invoke(app, ["solve", str(path), "--backend", "pyomo", "--format", "json"])
    assert out.exit_code == 0, out.output
    got = [
        {p: Fraction(u) for p, u in point["utilities_exact"].items()}
        for point in json.loads(out.stdout)["frontier"]
    ]
    assert got == [p.utilities for p in dealopt.solve(path, backend="highs").frontier]


def test_hint_is_passed_as_a_mip_start():
    s = get_backend("pyomo").build(MODEL_A)
    first = s.solve({0: 1})
    seen: list[tuple[object, list[float]]] = []
    solve = s._opt.solve

    def spy(model, **kwargs):
        x = model.x
        seen.append((kwargs.get("warmstart"), [x[i].value for i in range(MODEL_A.num_vars)]))
        return solve(model, **kwargs)

    s._opt.solve = spy
    assert s.solve({1: 1}, hint=first.values).objectives == (3, 16)
    assert seen[0] == (True, list(first.values))
    s.solve({1: 1})  # no hint, no start
    assert seen[-1][0] is None
