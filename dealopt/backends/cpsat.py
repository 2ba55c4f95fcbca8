"""The CP-SAT backend (OR-Tools ``cp_model``, snake_case API).

The model is built once: one Boolean per model variable, ``add_exactly_one`` per choice group,
every definition fully reified, the hard constraints, and one integer variable per objective tied
to its expression by an equality. A solve then only changes the domains of those objective
variables (the bounds), the objective, the hints and the assumptions, in place.

OR-Tools is imported inside functions only, so importing this module stays cheap.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from dealopt.backends.base import (
    DEFAULT_OPTIONS,
    NO_BOUNDS,
    BackendSolution,
    Bounds,
    Feature,
    SolveOptions,
    SolveStatus,
    check_request,
    deal_key,
    expr_range,
    model_reach,
)
from dealopt.compile.model import (
    BoolAnd,
    BoolOr,
    CompiledModel,
    LinearConstraint,
    LinExpr,
    Lit,
    ReifiedLinear,
    Require,
)

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

PRESOLVE_SAFE = 2**32
"""Largest coefficient or objective magnitude with which CP-SAT's presolve stays on.

CP-SAT 9.15's presolve returned wrong optima marked OPTIMAL (and a lexicographic stage
INFEASIBLE although its previous optimum satisfies it) on models whose objective coefficients
reach about 10**11; with presolve off the same random models were exact up to 10**17
(decision 26). The benchmark families stay far below this, so they keep presolve.
"""

# CP-SAT's status names -> ours. MODEL_INVALID is missing on purpose: it is a bug, and raises.
_STATUS = {
    "OPTIMAL": SolveStatus.OPTIMAL,
    "FEASIBLE": SolveStatus.FEASIBLE,
    "INFEASIBLE": SolveStatus.INFEASIBLE,
    "UNKNOWN": SolveStatus.UNKNOWN,
}


def _solve(solver: Any, model: Any, *callback: Any) -> Any:
    """``solver.solve(model)`` with Ctrl-C left to Python. CP-SAT's own catching swaps the
    process's SIGINT handler for a solve and leaves the system's default behind (the next
    Ctrl-C, between two solves, ended the interpreter), swallows a Ctrl-C that comes as a
    short solve ends optimally, and races with itself on two threads at once. So CP-SAT
    catches nothing, and Python raises KeyboardInterrupt as the solve in progress returns
    (the frontier searches then report the points proven so far). A Ctrl-C waits for that
    one solve (its time limit bounds it); running each solve on a helper thread so Python could
    stop it at once cost about 1 ms a solve (3 parties k = 8: 3.4-3.9 s against 2.9-3.1 s)."""
    solver.parameters.catch_sigint_signal = False
    return solver.solve(model, *callback)


class CpSatBackend:
    """OR-Tools CP-SAT: exact integer optimisation with hints, assumptions and time limits."""

    name = "cpsat"
    features = frozenset({Feature.HINTS, Feature.ASSUMPTIONS, Feature.TIME_LIMIT})

    def is_available(self) -> bool:
        """Whether ``ortools`` is installed (not imported)."""
        return importlib.util.find_spec("ortools") is not None

    def build(self, model: CompiledModel, options: SolveOptions = DEFAULT_OPTIONS) -> CpSatSession:
        """Build ``model`` into a CP-SAT model once."""
        return CpSatSession(model, options)


class CpSatSession:
    """A CP-SAT model of one :class:`CompiledModel`, solved many times."""

    features = CpSatBackend.features

    def __init__(self, model: CompiledModel, options: SolveOptions = DEFAULT_OPTIONS):
        from ortools.sat.python import cp_model

        self.model = model
        self.calls = 0
        self._options = options
        self._cp = cp_model.CpModel()
        m = self._cp
        names = [model.var_names.get(i, f"x{i}") for i in range(model.num_vars)]
        self._vars = [m.new_bool_var(name) for name in names]
        for group in model.choices:
            m.add_exactly_one(self._vars[v] for v in group)
        for d in model.definitions:
            self._define(d)
        for c in model.constraints:
            if isinstance(c, Require):
                m.add_bool_or([self._lit(c.literal)])
            elif isinstance(c, LinearConstraint):
                emin, emax = expr_range(c.expr, model)
                lo = emin if c.lo is None else max(c.lo, emin)
                hi = emax if c.hi is None else min(c.hi, emax)
                if lo > hi:
                    # CP-SAT silently drops a linear constraint with an empty domain (9.15),
                    # so state the contradiction as an empty clause.
                    m.add_bool_or([])
                elif (lo, hi) != (emin, emax):
                    m.add_linear_constraint(self._expr(c.expr), lo, hi)
            else:  # pragma: no cover - the compiler only emits the two kinds above
                raise TypeError(f"unknown constraint {c!r}")
        # One integer variable per objective: per-solve bounds become domain changes.
        self._obj_domain = [expr_range(e, model) for e in model.objectives]
        self._obj = []
        for k, e in enumerate(model.objectives):
            y = m.new_int_var(*self._obj_domain[k], f"objective{k}")
            m.add(y == self._expr(e))
            self._obj.append(y)
        self._solver = cp_model.CpSolver()
        self._no_presolve = False  # set for core extraction (see infeasible_core)
        self._large = model_reach(model) > PRESOLVE_SAFE

    # Building -----------------------------------------------------------------------------

    def _lit(self, lit: Lit) -> Any:
        var, positive = lit
        return self._vars[var] if positive else ~self._vars[var]

    def _expr(self, e: LinExpr) -> Any:
        from ortools.sat.python import cp_model

        if not e.terms:
            return cp_model.LinearExpr.constant(e.constant)
        return (
            cp_model.LinearExpr.weighted_sum(
                [self._vars[v] for v, _ in e.terms], [c for _, c in e.terms]
            )
            + e.constant
        )

    def _define(self, d: Any) -> None:
        from ortools.sat.python import cp_model

        m = self._cp
        b = self._vars[d.var]
        if isinstance(d, BoolAnd):
            lits = [self._lit(x) for x in d.literals]
            m.add_bool_and(lits).only_enforce_if(b)
            m.add_bool_or([~x for x in lits]).only_enforce_if(~b)
        elif isinstance(d, BoolOr):
            lits = [self._lit(x) for x in d.literals]
            m.add_bool_or(lits).only_enforce_if(b)
            m.add_bool_and([~x for x in lits]).only_enforce_if(~b)
        elif isinstance(d, ReifiedLinear):
            emin, emax = expr_range(d.expr, self.model)
            lo = emin if d.lo is None else max(d.lo, emin)
            hi = emax if d.hi is None else min(d.hi, emax)
            if lo > hi:  # the condition can never hold
                m.add_bool_and([~b])
                return
            # Integers: not (lo <= e <= hi) is e <= lo - 1 or e >= hi + 1, within [emin, emax].
            outside = [iv for iv in ([emin, lo - 1], [hi + 1, emax]) if iv[0] <= iv[1]]
            if not outside:  # the condition always holds
                m.add_bool_and([b])
                return
            e = self._expr(d.expr)
            m.add_linear_constraint(e, lo, hi).only_enforce_if(b)
            m.add_linear_expression_in_domain(
                e, cp_model.Domain.from_intervals(outside)
            ).only_enforce_if(~b)
        else:  # pragma: no cover - the compiler only emits the three kinds above
            raise TypeError(f"unknown definition {d!r}")

    # Solving ------------------------------------------------------------------------------

    def _set_bounds(self, proto: Any, bounds: Bounds) -> bool:
        """Set every objective variable's domain (reset the unbounded ones); False if empty."""
        ok = True
        for k, y in enumerate(self._obj):
            lo, hi = self._obj_domain[k]
            if k in bounds:
                blo, bhi = bounds[k]
                lo = lo if blo is None else max(lo, blo)
                hi = hi if bhi is None else min(hi, bhi)
            if lo > hi:
                ok = False
                lo, hi = self._obj_domain[k]  # keep the model valid; the caller answers
            domain = proto.variables[y.index].domain
            domain.clear()
            domain.extend([lo, hi])
        return ok

    def _params(self, time_limit: float | None, large: bool = False) -> None:
        p = self._solver.parameters
        # A frontier is many short solves: one worker beat CP-SAT's default portfolio on every
        # benchmark family here (benchmarks/README.md), so more workers only on request.
        p.num_workers = self._options.threads if self._options.threads is not None else 1
        # Models with reified logic (red lines, conditional terms) solved about 1.7x faster
        # without presolve and with full linearization; pure linear knapsack-like models
        # slower, so they keep the defaults. Speed only: both settings are exact.
        logical = bool(self.model.definitions)
        p.cp_model_presolve = not (logical or self._no_presolve or self._large or large)
        p.linearization_level = 2 if logical else 1
        if self._options.seed is not None:
            p.random_seed = self._options.seed
        p.max_time_in_seconds = time_limit if time_limit is not None else float("inf")

    def solve(
        self,
        weights: Mapping[int, int],
        *,
        bounds: Bounds = NO_BOUNDS,
        assumptions: Sequence[Lit] = (),
        hint: Sequence[int] | None = None,
        time_limit: float | None = None,
    ) -> BackendSolution:
        """Maximise ``Σ weights[k] × objective_k``; see :meth:`Session.solve`."""
        from ortools.sat.python import cp_model

        check_request(self.model, weights, bounds)
        self.calls += 1
        m = self._cp
        if not self._set_bounds(m.proto, bounds):
            return BackendSolution(SolveStatus.INFEASIBLE)
        terms = [(self._obj[k], w) for k, w in sorted(weights.items()) if w]
        if terms:
            ys, ws = [y for y, _ in terms], [w for _, w in terms]
            m.maximize(cp_model.LinearExpr.weighted_sum(ys, ws))
        else:
            m.clear_objective()
        m.clear_hints()
        if hint is not None:  # straight into the proto: add_hint per variable cost 4 us each
            if len(hint) != len(self._vars):
                raise ValueError(f"a hint of {len(hint)} values for {len(self._vars)} variables")
            h = m.proto.solution_hint
            h.vars.extend(x.index for x in self._vars)
            h.values.extend(1 if v else 0 for v in hint)
        m.clear_assumptions()
        m.add_assumptions([self._lit(a) for a in assumptions])
        # A weighted objective can reach past PRESOLVE_SAFE on a model that does not.
        reach = sum(abs(w) * max(map(abs, self._obj_domain[k])) for k, w in weights.items())
        self._params(time_limit, large=reach > PRESOLVE_SAFE)
        status = self._status(_solve(self._solver, m))
        if status in (SolveStatus.INFEASIBLE, SolveStatus.UNKNOWN):
            return BackendSolution(status)
        s = self._solver
        return BackendSolution(
            status,
            tuple(int(s.boolean_value(x)) for x in self._vars),
            tuple(int(s.value(y)) for y in self._obj),
        )

    def _status(self, native: cp_model.CpSolverStatus) -> SolveStatus:
        name = self._solver.status_name(native)
        if name not in _STATUS:
            raise RuntimeError(f"CP-SAT returned {name}: {self._cp.validate()} (a dealopt bug)")
        return _STATUS[name]

    def solutions(
        self,
        *,
        bounds: Bounds = NO_BOUNDS,
        assumptions: Sequence[Lit] = (),
        limit: int,
    ) -> tuple[list[tuple[int, ...]], bool]:
        """Up to ``limit`` distinct feasible deals; see :meth:`Session.solutions`."""
        from ortools.sat.python import cp_model

        check_request(self.model, {}, bounds)
        self.calls += 1
        if limit < 0:
            raise ValueError(f"limit must be >= 0, got {limit}")
        # Enumeration needs a model without objective; work on a copy to keep ours intact.
        m = self._cp.clone()
        m.clear_objective()
        m.clear_hints()
        m.clear_assumptions()
        if not self._set_bounds(m.proto, bounds):
            return [], True
        xs = [m.get_bool_var_from_proto_index(x.index) for x in self._vars]
        lits = [xs[v] if pos else ~xs[v] for v, pos in assumptions]
        if lits:
            m.add_bool_and(lits)

        found: dict[tuple[int, ...], tuple[int, ...]] = {}

        class Collector(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                values = tuple(int(self.boolean_value(x)) for x in xs)
                found.setdefault(deal_key(model, values), values)
                if len(found) > limit:  # one more than asked proves the list incomplete
                    self.stop_search()

        model = self.model
        solver = cp_model.CpSolver()
        # The docs: enumerate only without an objective, and with one worker (no repeats).
        solver.parameters.enumerate_all_solutions = True
        solver.parameters.num_workers = 1
        if self._options.seed is not None:
            solver.parameters.random_seed = self._options.seed
        name = solver.status_name(_solve(solver, m, Collector()))
        if name not in _STATUS:
            raise RuntimeError(f"CP-SAT returned {name}: {m.validate()} (a dealopt bug)")
        deals = [found[k] for k in sorted(found)]
        return deals[:limit], len(deals) <= limit

    # Cores ---------------------------------------------------------------------------------

    def infeasible_core(
        self,
        assumptions: Sequence[Lit],
        *,
        bounds: Bounds = NO_BOUNDS,
        time_limit: float | None = None,
    ) -> tuple[BackendSolution, tuple[Lit, ...]]:
        """A feasibility solve under ``assumptions``; when INFEASIBLE, also a core.

        The core is a subset of ``assumptions`` that is still infeasible with ``bounds``
        (CP-SAT's ``sufficient_assumptions_for_infeasibility``): an unsatisfiable core, NOT
        necessarily a minimal one. Presolve is off for this solve (with it, CP-SAT 9.15 can
        name a literal that is not an assumption: or-tools issue 5141); should a reported
        literal still not be an assumption, the whole list is returned (always a valid core).
        Returns the solve's :class:`BackendSolution` (with the deal when one was found) and the
        core (an empty tuple unless INFEASIBLE). Counts as one call.
        """
        check_request(self.model, {}, bounds)
        for k, (blo, bhi) in bounds.items():
            lo, hi = self._obj_domain[k]
            if max(lo, blo if blo is not None else lo) > min(hi, bhi if bhi is not None else hi):
                self.calls += 1  # the bounds alone are empty
                return BackendSolution(SolveStatus.INFEASIBLE), ()
        self._no_presolve = True
        try:
            solution = self.solve({}, bounds=bounds, assumptions=assumptions, time_limit=time_limit)
        finally:
            self._no_presolve = False
        if solution.status is not SolveStatus.INFEASIBLE:
            return solution, ()
        by_index = {self._lit(a).index: a for a in assumptions}
        found = list(self._solver.sufficient_assumptions_for_infeasibility())
        if not found or any(i not in by_index for i in found):
            return solution, tuple(assumptions)
        return solution, tuple(dict.fromkeys(by_index[i] for i in found))
