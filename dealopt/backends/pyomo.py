"""The Pyomo backend: the MILP form of :mod:`dealopt.backends.milp` as a Pyomo model.

``pyomo`` solves with ``appsi_highs``; ``pyomo:<solver>`` with any Pyomo solver installed
(``pyomo:cbc``, ``pyomo:glpk``, ``pyomo:gurobi``, ``pyomo:scip``, ...). The Pyomo model is built
once from :func:`~dealopt.backends.milp.linear_form`; a solve changes only the objective, the
objective columns' bounds and the assumed columns' bounds. APPSI solvers (``appsi_*``) are
persistent and pass just those changes to the solver; the others are handed the whole model
each time, as Pyomo's file and direct interfaces require. Gaps, tolerances, time limit, threads
and seed are set for the solver families listed in ``_OPTIONS``; other solvers run with their
own defaults (still checked exactly, as with every backend).

Pyomo is imported inside functions only.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import shutil
from collections.abc import Mapping, Sequence
from typing import Any

from dealopt.backends.base import DEFAULT_OPTIONS, Feature, SolveOptions
from dealopt.backends.highs import SEARCH_OPTIONS
from dealopt.backends.milp import MILP_EXACT, MilpSession, Outcome, silenced_stdout
from dealopt.compile.model import CompiledModel
from dealopt.errors import BackendUnavailableError, did_you_mean

DEFAULT_SOLVER = "appsi_highs"

# What ``pyomo:<name>`` needs, checked without importing anything: Python modules, or any one
# of the executables. Names not listed here are asked of Pyomo itself (which imports Pyomo).
_NEEDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "appsi_highs": (("highspy",), ()),
    "highs": (("highspy",), ()),
    "cbc": ((), ("cbc",)),
    "appsi_cbc": ((), ("cbc",)),
    "glpk": ((), ("glpsol",)),
    "gurobi_direct": (("gurobipy",), ()),
    "gurobi_persistent": (("gurobipy",), ()),
    "appsi_gurobi": (("gurobipy",), ()),
    "cplex": ((), ("cplex",)),
    "cplex_direct": (("cplex",), ()),
    "cplex_persistent": (("cplex",), ()),
    "appsi_cplex": (("cplex",), ()),
    "scip": ((), ("scip",)),
    "scip_direct": (("pyscipopt",), ()),
    "scip_persistent": (("pyscipopt",), ()),
    "xpress_direct": (("xpress",), ()),
    "xpress_persistent": (("xpress",), ()),
}
# Short names users type -> Pyomo's names (Pyomo's own "gurobi" wants the gurobi.sh shell).
_ALIASES = {"gurobi": "gurobi_direct", "xpress": "xpress_direct"}
_HOW = {
    "pyomo": "pip install pyomo",
    "highspy": "pip install highspy",
    "gurobipy": "pip install gurobipy (and a Gurobi licence)",
    "cplex": "pip install cplex (or put the cplex executable on PATH)",
    "pyscipopt": "pip install pyscipopt",
    "xpress": "pip install xpress",
    "cbc": "put the cbc executable on PATH (conda install -c conda-forge coincbc, "
    "or apt install coinor-cbc)",
    "glpsol": "put glpsol on PATH (apt install glpk-utils, or conda install -c conda-forge glpk)",
    "scip": "put the scip executable on PATH (conda install -c conda-forge scip)",
}

# Option names per solver family: relative and absolute gap, integrality and primal
# feasibility tolerances, time limit, threads, seed. The gaps are set as for ``highs``:
# 0 relative and half a unit absolute (objectives are integers).
_OPTIONS: dict[str, dict[str, str]] = {
    # threads: HiGHS's scheduler is process-wide; changing it from Pyomo makes the run fail.
    "highs": {
        "rel_gap": "mip_rel_gap",
        "abs_gap": "mip_abs_gap",
        "int_tol": "mip_feasibility_tolerance",
        "feas_tol": "primal_feasibility_tolerance",
        "presolve": "presolve",
        "time": "time_limit",
        "seed": "random_seed",
    },
    "cbc": {
        "rel_gap": "ratioGap",
        "abs_gap": "allowableGap",
        "int_tol": "integerTolerance",
        "feas_tol": "primalTolerance",
        "time": "sec",
        "threads": "threads",
        "seed": "randomCbcSeed",
    },
    "glpk": {"rel_gap": "mipgap", "time": "tmlim"},
    "gurobi": {
        "rel_gap": "MIPGap",
        "abs_gap": "MIPGapAbs",
        "int_tol": "IntFeasTol",
        "feas_tol": "FeasibilityTol",
        "time": "TimeLimit",
        "threads": "Threads",
        "seed": "Seed",
    },
    "cplex": {
        "rel_gap": "mip_tolerances_mipgap",
        "abs_gap": "mip_tolerances_absmipgap",
        "int_tol": "mip_tolerances_integrality",
        "feas_tol": "simplex_tolerances_feasibility",
        "time": "timelimit",
        "threads": "threads",
        "seed": "randomseed",
    },
    "scip": {
        "rel_gap": "limits/gap",
        "abs_gap": "limits/absgap",
        "feas_tol": "numerics/feastol",
        "time": "limits/time",
        "seed": "randomization/randomseedshift",
    },
}
# (integrality, primal feasibility) tolerance per attempt, as for ``highs``.
_TOLERANCES = ((1e-7, 1e-7), (1e-8, 1e-7))

# Pyomo's (legacy) termination conditions -> "optimal" / "infeasible" / "limit". Every column
# is bounded, so "infeasible or unbounded" is infeasible. Anything else raises.
_STATUS = {
    "optimal": "optimal",
    "globallyOptimal": "optimal",
    "infeasible": "infeasible",
    "infeasibleOrUnbounded": "infeasible",
    "maxTimeLimit": "limit",
    "maxIterations": "limit",
    "maxEvaluations": "limit",
    "userInterrupt": "limit",
    "resourceInterrupt": "limit",
    "intermediateNonInteger": "limit",
    "feasible": "limit",
    "unknown": "limit",
}


def _family(solver: str) -> str:
    """``appsi_highs`` -> ``highs``, ``gurobi_persistent`` -> ``gurobi``, ..."""
    name = solver.removeprefix("appsi_")
    for suffix in ("_direct", "_persistent", "_shell", "_v2"):
        name = name.removesuffix(suffix)
    return name


class PyomoBackend:
    """A Pyomo model of the MILP form, solved by ``appsi_highs`` or a named Pyomo solver."""

    #: Utilities with more digits are compiled rounded to this range and settled exactly.
    objective_limit = MILP_EXACT

    def __init__(self, solver: str | None = None):
        self.solver = _ALIASES.get(solver or DEFAULT_SOLVER, solver or DEFAULT_SOLVER)
        self.name = "pyomo" if solver is None else f"pyomo:{solver}"
        timed = _family(self.solver) in _OPTIONS or self.solver.startswith("appsi_")
        self.features = frozenset(
            {Feature.ASSUMPTIONS} | ({Feature.TIME_LIMIT} if timed else set())
        )

    def _missing(self) -> str | None:
        """What is missing to run the solver (an install hint), or None."""
        if importlib.util.find_spec("pyomo") is None:
            return _HOW["pyomo"]
        if self.solver in _NEEDS:
            modules, programs = _NEEDS[self.solver]
            for module in modules:
                if importlib.util.find_spec(module) is None:
                    return _HOW.get(module, f"pip install {module}")
            if programs and not any(shutil.which(p) for p in programs):
                return _HOW.get(programs[0], f"put {programs[0]} on PATH")
            return None
        return _ask_pyomo(self.solver)

    @property
    def install_hint(self) -> str:
        """The message of the error raised when the solver is missing."""
        how = self._missing() or "nothing (it is available)"
        return f"backend {self.name!r} needs the solver {self.solver!r}: {how}"

    def is_available(self) -> bool:
        """Whether Pyomo and the solver are installed (found without importing, for the
        solvers in ``_NEEDS``)."""
        return self._missing() is None

    def build(self, model: CompiledModel, options: SolveOptions = DEFAULT_OPTIONS) -> PyomoSession:
        """Build ``model`` as a Pyomo model once; raises when the solver is missing."""
        if not self.is_available():
            raise BackendUnavailableError(self.install_hint)
        return PyomoSession(model, options, self.solver, self.name, self.features)


def _ask_pyomo(solver: str) -> str | None:
    import pyomo.environ as pyo

    known = set(pyo.SolverFactory)
    if solver not in known:
        hint = did_you_mean(solver, sorted(known))
        return f"Pyomo knows no solver of that name{f' ({hint})' if hint else ''}"
    quiet = logging.getLogger("pyomo")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # Pyomo logs a traceback for a missing executable
    try:
        available = pyo.SolverFactory(solver).available(exception_flag=False)
    finally:
        quiet.setLevel(level)
    return None if available else "install it as the solver's documentation says"


class PyomoSession(MilpSession):
    """One Pyomo ``ConcreteModel`` of a :class:`CompiledModel`, solved many times."""

    def __init__(
        self,
        model: CompiledModel,
        options: SolveOptions = DEFAULT_OPTIONS,
        solver: str = DEFAULT_SOLVER,
        name: str = "pyomo",
        features: frozenset[Feature] = frozenset({Feature.ASSUMPTIONS}),
    ):
        import pyomo.environ as pyo

        self.name = name  # before the base class, whose range check names the backend
        super().__init__(model, options)
        self.features, self.solver = features, solver
        form = self.form
        m = self.pyomo_model = pyo.ConcreteModel(name="dealopt")

        def domain(_m: Any, i: int) -> Any:
            return pyo.Binary if form.col_bounds[i] == (0, 1) else pyo.Integers

        m.x = pyo.Var(range(form.num_cols), domain=domain, bounds=lambda _m, i: form.col_bounds[i])
        m.rows = pyo.Constraint(
            range(len(form.rows)),
            rule=lambda _m, r: (
                form.rows[r].lo,
                sum(c * m.x[v] for v, c in form.rows[r].terms),
                form.rows[r].hi,
            ),
        )
        m.objective = pyo.Objective(expr=0, sense=pyo.maximize)
        m.cuts = pyo.ConstraintList()
        with silenced_stdout():
            self._opt = pyo.SolverFactory(solver)
        self._appsi = solver.startswith("appsi_")
        if self._appsi:
            # Rows never change in place; only bounds, the objective and the cut list do.
            config = self._opt.update_config
            config.check_for_new_or_removed_vars = False
            config.check_for_new_or_removed_params = False
            config.update_constraints = False
            config.update_named_expressions = False
        self._names = _OPTIONS.get(_family(solver), {})

    def _set_bounds(self, cols: Sequence[int], lo: Sequence[int], hi: Sequence[int]) -> None:
        for i, a, b in zip(cols, lo, hi, strict=True):
            self.pyomo_model.x[i].setlb(a)
            self.pyomo_model.x[i].setub(b)

    def _solver_options(self, attempt: int, time_limit: float | None) -> dict[str, Any]:
        names, opts = self._names, self._options
        int_tol, feas_tol = _TOLERANCES[attempt]
        wanted: dict[str, Any] = {
            "rel_gap": 0.0,
            "abs_gap": 0.5,
            "int_tol": int_tol,
            "feas_tol": feas_tol,
            "presolve": "off",  # as for ``highs``: HiGHS's presolve lost feasible deals
        }
        if time_limit is not None and not self._appsi:
            # GLPK takes whole seconds.
            wanted["time"] = math.ceil(time_limit) if names.get("time") == "tmlim" else time_limit
        if opts.threads is not None:
            wanted["threads"] = opts.threads
        if opts.seed is not None:
            wanted["seed"] = opts.seed
        out: dict[str, Any] = {names[k]: v for k, v in wanted.items() if k in names}
        if names is _OPTIONS["highs"]:
            out.update(SEARCH_OPTIONS)
        return out

    def _run(
        self,
        weights: Mapping[int, int],
        attempt: int,
        start: Sequence[int] | None,
        time_limit: float | None,
    ) -> Outcome:
        import pyomo.environ as pyo

        m = self.pyomo_model
        ycols = self.form.objective_cols
        m.objective.expr = sum(w * m.x[ycols[k]] for k, w in sorted(weights.items()) if w)
        kwargs: dict[str, Any] = {"options": self._solver_options(attempt, time_limit)}
        if self._appsi and time_limit is not None:
            kwargs["timelimit"] = max(time_limit, 1e-3)
        if self._appsi and start is not None:
            # The previous point as a MIP start, as ``highs`` passes it (decision 64); the
            # solver ignores a start that breaks the model.
            for i, x in enumerate(start):
                m.x[i].set_value(x, skip_validation=True)
            kwargs["warmstart"] = True
        # Shell interfaces (cbc, glpk) have no is_persistent in recent Pyomo releases.
        persistent = getattr(self._opt, "is_persistent", lambda: False)()
        if persistent and not self._appsi:
            self._opt.set_instance(m)  # legacy persistent interfaces track no changes
        with silenced_stdout():
            results = self._opt.solve(m, load_solutions=False, **kwargs)
        native = str(results.solver.termination_condition)
        if native not in _STATUS:
            raise RuntimeError(f"Pyomo solver {self.solver!r} ended with {native}")
        if _STATUS[native] == "infeasible" or not len(results.solution):
            return _STATUS[native], None
        m.solutions.load_from(results)
        return _STATUS[native], [pyo.value(m.x[i]) or 0.0 for i in range(self.form.num_cols)]

    def _add_cut(self, cols: Sequence[int], hi: int) -> None:
        m = self.pyomo_model
        m.cuts.add(sum(m.x[v] for v in cols) <= hi)

    def _drop_cuts(self) -> None:
        m = self.pyomo_model
        m.del_component(m.cuts)
        import pyomo.environ as pyo

        m.cuts = pyo.ConstraintList()
