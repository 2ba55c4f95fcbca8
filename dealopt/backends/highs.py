"""The HiGHS backend: highspy directly, no modelling layer, over the MILP form of
:mod:`dealopt.backends.milp`. highspy is imported inside functions.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Mapping, Sequence
from typing import Any

from dealopt.backends.base import (
    DEFAULT_OPTIONS,
    Feature,
    SolveOptions,
)
from dealopt.backends.milp import MILP_EXACT, MilpSession, Outcome, silenced_stdout
from dealopt.compile.model import (
    CompiledModel,
)

# The HiGHS backend -------------------------------------------------------------------------

# (mip_feasibility_tolerance, primal_feasibility_tolerance, presolve) per attempt. Presolve is
# off: HiGHS's presolve declared feasible models infeasible, stopped with kSolveError and lost
# optima on the repro inputs (decision 27). The MIP tolerance (integrality and rows) must stay
# above the float noise of a row's activity (about 1e-16 x its reach) or HiGHS declares
# feasible models infeasible (1e-9 did at 5e7), and times MILP_EXACT far below half a unit.
_TOLERANCES = ((1e-7, 1e-7, "off"), (1e-8, 1e-7, "off"))

# Primal heuristics that cost more than they find here (decision 63): most solves start from
# a feasible hint or end at the root, and the bound, not a heuristic, proves the optimum, so
# turning them off changes no answer, only the time. The root reduced-cost heuristic stays
# (without it the knapsack anchor ran slower). The ``pyomo`` backend sets the same options.
SEARCH_OPTIONS: dict[str, bool] = {
    f"mip_heuristic_run_{name}": False for name in ("rins", "rens", "feasibility_jump")
}

# HiGHS's model statuses -> ours ("limit": FEASIBLE with a solution, UNKNOWN without). Every
# column is bounded, so "unbounded or infeasible" can only be infeasible. Anything missing
# (load, model, solve errors) is a dealopt bug and raises.
_STATUS = {
    "kOptimal": "optimal",
    "kInfeasible": "infeasible",
    "kUnboundedOrInfeasible": "infeasible",
    "kTimeLimit": "limit",
    "kIterationLimit": "limit",
    "kSolutionLimit": "limit",
    "kInterrupt": "limit",
    "kHighsInterrupt": "limit",
    "kMemoryLimit": "limit",
    "kUnknown": "limit",
}


class HighsBackend:
    """HiGHS branch-and-cut through highspy: MILP, in place between solves, exact on return."""

    name = "highs"
    features = frozenset({Feature.HINTS, Feature.ASSUMPTIONS, Feature.TIME_LIMIT})
    #: Utilities with more digits are compiled rounded to this range and settled exactly.
    objective_limit = MILP_EXACT

    def is_available(self) -> bool:
        """Whether ``highspy`` is installed (not imported)."""
        return importlib.util.find_spec("highspy") is not None

    def build(self, model: CompiledModel, options: SolveOptions = DEFAULT_OPTIONS) -> HighsSession:
        """Build ``model`` into one HiGHS instance."""
        return HighsSession(model, options)


class HighsSession(MilpSession):
    """One HiGHS MILP of a :class:`CompiledModel` (a ``highspy.Highs``), changed in place."""

    name = "highs"
    features = HighsBackend.features

    def __init__(self, model: CompiledModel, options: SolveOptions = DEFAULT_OPTIONS):
        import highspy
        import numpy as np

        super().__init__(model, options)
        form = self.form
        with silenced_stdout():  # the first Highs() of a process prints a banner from C
            self._h = highspy.Highs()
        self._set("output_flag", False)
        # Ctrl-C: HiGHS polls these callbacks; the flag is set in _interruptible_run. (Not
        # highspy's cancelSolve: the interrupt it sets sticks to every later run.)
        self._stop = stop = [False]
        for event in (self._h.cbSimplexInterrupt, self._h.cbIpmInterrupt, self._h.cbMipInterrupt):
            event.subscribe(lambda e: e.interrupt(stop[0]))
        self._set("mip_rel_gap", 0.0)
        # Objectives are integers, so a gap below one unit proves optimality; half a unit
        # leaves the float bound a margin for its error (HiGHS's own integral-objective
        # cutoff does the same).
        self._set("mip_abs_gap", 0.5)
        for option, value in SEARCH_OPTIONS.items():
            self._set(option, value)
        if options.threads is not None:
            self._set("threads", options.threads)
        if options.seed is not None:
            self._set("random_seed", options.seed)
        inf = highspy.kHighsInf
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = form.num_cols, len(form.rows)
        lp.col_cost_ = np.zeros(form.num_cols)
        lp.col_lower_ = np.array([lo for lo, _ in form.col_bounds], dtype=float)
        lp.col_upper_ = np.array([hi for _, hi in form.col_bounds], dtype=float)
        lp.row_lower_ = np.array([-inf if r.lo is None else r.lo for r in form.rows], dtype=float)
        lp.row_upper_ = np.array([inf if r.hi is None else r.hi for r in form.rows], dtype=float)
        matrix = lp.a_matrix_
        matrix.format_ = highspy.MatrixFormat.kRowwise
        matrix.num_col_, matrix.num_row_ = form.num_cols, len(form.rows)
        matrix.start_ = np.cumsum([0, *(len(r.terms) for r in form.rows)])
        matrix.index_ = np.array([v for r in form.rows for v, _ in r.terms], dtype=np.int32)
        matrix.value_ = np.array([c for r in form.rows for _, c in r.terms], dtype=float)
        lp.integrality_ = [highspy.HighsVarType.kInteger] * form.num_cols
        lp.sense_ = highspy.ObjSense.kMaximize
        self._check(self._h.passModel(lp), "the model")
        self._rows = len(form.rows)

    def _set(self, option: str, value: Any) -> None:
        self._check(self._h.setOptionValue(option, value), f"option {option}={value!r}")

    @staticmethod
    def _check(status: Any, what: str) -> None:
        if status.name == "kError":
            raise RuntimeError(f"HiGHS rejected {what} (a dealopt bug)")

    def _set_bounds(self, cols: Sequence[int], lo: Sequence[int], hi: Sequence[int]) -> None:
        import numpy as np

        if cols:
            idx = np.asarray(cols, dtype=np.int32)
            lo_, hi_ = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
            self._check(self._h.changeColsBounds(len(idx), idx, lo_, hi_), "column bounds")

    def _run(
        self,
        weights: Mapping[int, int],
        attempt: int,
        start: Sequence[int] | None,
        time_limit: float | None,
    ) -> Outcome:
        import highspy
        import numpy as np

        h = self._h
        ycols = np.asarray(self.form.objective_cols, dtype=np.int32)
        if len(ycols):
            costs = np.array([weights.get(k, 0) for k in range(len(ycols))], dtype=float)
            self._check(h.changeColsCost(len(ycols), ycols, costs), "costs")
        mip_tol, primal_tol, presolve = _TOLERANCES[attempt]
        self._set("mip_feasibility_tolerance", mip_tol)
        self._set("primal_feasibility_tolerance", primal_tol)
        self._set("presolve", presolve)
        self._set("time_limit", math.inf if time_limit is None else max(time_limit, 1e-3))
        if start is not None:
            solution = highspy.HighsSolution()
            solution.col_value = [float(x) for x in start]
            solution.value_valid = True
            h.setSolution(solution)  # HiGHS ignores a start that breaks the model
        status = self._interruptible_run()
        if status.name == "kError" and self._options.threads is not None:
            # The thread scheduler is global and keeps the count of the process's first run.
            highspy.Highs.resetGlobalScheduler(True)
            status = self._interruptible_run()
        native = h.getModelStatus().name
        if status.name == "kError" or native not in _STATUS:
            raise RuntimeError(f"HiGHS stopped with {native} (a dealopt bug)")
        has_solution = h.getInfo().primal_solution_status == highspy.kSolutionStatusFeasible
        return _STATUS[native], list(h.getSolution().col_value) if has_solution else None

    def _interruptible_run(self) -> Any:
        """``run()`` in highspy's solver thread, so that Ctrl-C stops HiGHS (which then
        reports an interrupt, a limit status) instead of waiting for the run to end."""
        h = self._h
        self._stop[0] = False
        worker = h.startSolve()
        try:
            done, status = h.wait(0.1)
            while not done:
                done, status = h.wait(0.1)
        except KeyboardInterrupt:
            self._stop[0] = True
            done, status = h.wait()
        worker.join()
        self._stop[0] = False
        return status

    def _add_cut(self, cols: Sequence[int], hi: int) -> None:
        import numpy as np

        idx = np.asarray(cols, dtype=np.int32)
        self._check(self._h.addRow(-math.inf, hi, len(idx), idx, np.ones(len(idx))), "a cut")

    def _drop_cuts(self) -> None:
        import numpy as np

        extra = self._h.getNumRow() - self._rows
        if extra:
            rows = np.arange(self._rows, self._rows + extra, dtype=np.int32)
            self._check(self._h.deleteRows(extra, rows), "removing cuts")
