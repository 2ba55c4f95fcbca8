"""The one small interface every backend implements.

A :class:`Backend` turns a :class:`~dealopt.compile.model.CompiledModel` into a :class:`Session`
once (``build``); the session then answers many solves of the same model, each with its own
objective weights, objective bounds, assumption literals, hint and time limit. Backends know
no issue names: only variable, group and objective indices. Optional abilities are declared as
:class:`Feature` s, so callers ask for a feature instead of testing for a backend class.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

from dealopt.compile.model import CompiledModel, LinearConstraint, LinExpr, Lit, ReifiedLinear
from dealopt.errors import UsageError

Bounds = Mapping[int, tuple[int | None, int | None]]
"""Per-objective ``(lo, hi)`` bounds keyed by objective index; ``None`` leaves a side open."""

NO_BOUNDS: Bounds = {}


class Feature(StrEnum):
    """An optional ability of a backend's sessions."""

    HINTS = "hints"
    """``solve(hint=...)`` warm-starts the search (others accept and ignore the hint)."""
    ASSUMPTIONS = "assumptions"
    """``solve(assumptions=...)`` and ``solutions(assumptions=...)`` are honoured."""
    ENUMERATE = "enumerate"
    """The session holds every feasible deal and offers ``nondominated(bounds)``."""
    TIME_LIMIT = "time_limit"
    """``solve(time_limit=...)`` can stop early with FEASIBLE or UNKNOWN."""
    COMPONENTS = "components"
    """The session holds one session per independent component of the model (``parts``: pairs
    of a session and, per local variable, the model's variable); frontiers merge theirs."""


class SolveStatus(StrEnum):
    """The outcome of one solve."""

    OPTIMAL = "optimal"
    """Proven optimal (for a feasibility solve: a solution was found)."""
    FEASIBLE = "feasible"
    """A limit was hit; the solution is feasible but not proven optimal."""
    INFEASIBLE = "infeasible"
    """Proven: no deal satisfies the model, bounds and assumptions."""
    UNKNOWN = "unknown"
    """A limit was hit before any solution was found."""


@dataclass(frozen=True)
class SolveOptions:
    """Options fixed when a session is built: worker threads and random seed (None: default),
    and the ``time.perf_counter()`` time by which a long build must give up (None: never)."""

    threads: int | None = None
    seed: int | None = None
    deadline: float | None = None


class BuildStopped(Exception):
    """A session's build gave up: its deadline passed (``reason`` "time limit")."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


DEFAULT_OPTIONS = SolveOptions()


@dataclass(frozen=True)
class BackendSolution:
    """The result of one solve.

    ``values`` holds all ``num_vars`` 0/1 values and ``objectives`` every model objective's
    value; both are ``None`` when no solution came back (INFEASIBLE, UNKNOWN).
    """

    status: SolveStatus
    values: tuple[int, ...] | None = None
    objectives: tuple[int, ...] | None = None


@runtime_checkable
class Session(Protocol):
    """A model built once inside a backend, solved many times."""

    model: CompiledModel
    features: frozenset[Feature]
    calls: int
    """Solver invocations so far (``solve``, ``solutions`` and ``nondominated`` count one each)."""

    def solve(
        self,
        weights: Mapping[int, int],
        *,
        bounds: Bounds = NO_BOUNDS,
        assumptions: Sequence[Lit] = (),
        hint: Sequence[int] | None = None,
        time_limit: float | None = None,
    ) -> BackendSolution:
        """Maximise ``Σ weights[k] × objective_k`` over the model.

        Subject to ``lo <= objective_k <= hi`` for every ``bounds`` entry and every assumption
        literal holding. Empty ``weights`` asks for any feasible deal. ``hint`` is a full 0/1
        assignment to start from; ``time_limit`` is in seconds.
        """
        ...

    def solutions(
        self,
        *,
        bounds: Bounds = NO_BOUNDS,
        assumptions: Sequence[Lit] = (),
        limit: int,
    ) -> tuple[list[tuple[int, ...]], bool]:
        """Up to ``limit`` distinct feasible deals (full 0/1 values) within the bounds.

        The deals are sorted in enumeration order (see :func:`deal_key`); the flag says
        whether the list holds every such deal. Which deals a capped list holds is up to the
        backend (``enumerate``: the first ones in enumeration order).
        """
        ...


@runtime_checkable
class EnumeratingSession(Session, Protocol):
    """A session with :attr:`Feature.ENUMERATE`: it holds every feasible deal."""

    def nondominated(
        self, bounds: Bounds = NO_BOUNDS
    ) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
        """Every nondominated objective vector within the bounds with one deal attaining it.

        Pairs ``(objectives, values)`` sorted lexicographically descending by objectives; the
        deal is the first in enumeration order among those attaining the vector.
        """
        ...


class Backend(Protocol):
    """A solver behind the session interface."""

    name: str
    features: frozenset[Feature]

    def is_available(self) -> bool:
        """Whether the solver package is installed (checked without importing it)."""
        ...

    def build(self, model: CompiledModel, options: SolveOptions = DEFAULT_OPTIONS) -> Session:
        """Build ``model`` once and return a session that solves it."""
        ...


# Helpers shared by the backends -------------------------------------------------------------


def expr_range(expr: LinExpr, model: CompiledModel | None = None) -> tuple[int, int]:
    """``(min, max)`` of ``expr`` over all assignments: always valid, maybe loose.

    With ``model``, exactly one variable of each choice group is 1, which tightens the range.
    The compiler's own ``bounds`` fields are not trusted here: a too-tight bound would cut deals.
    """
    coef: dict[int, int] = {}
    for v, c in expr.terms:  # a variable may appear twice: add its coefficients
        coef[v] = coef.get(v, 0) + c
    lo = hi = expr.constant
    if model is not None:
        for group in model.choices:
            cs = [coef.pop(v, 0) for v in group]
            if cs:
                lo, hi = lo + min(cs), hi + max(cs)
    lo += sum(min(c, 0) for c in coef.values())
    hi += sum(max(c, 0) for c in coef.values())
    return lo, hi


def objective_range(model: CompiledModel, k: int) -> tuple[int, int]:
    """Valid ``(min, max)`` of objective ``k`` over all deals, ignoring constraints."""
    return expr_range(model.objectives[k], model)


def model_reach(model: CompiledModel) -> int:
    """The largest absolute objective value, constant or coefficient anywhere in the model: the
    integer size a backend must resolve exactly (see the cpsat and MILP range checks)."""
    reach = max(
        (max(map(abs, objective_range(model, k))) for k in range(len(model.objectives))), default=0
    )
    for e in (
        *(c.expr for c in model.constraints if isinstance(c, LinearConstraint)),
        *(d.expr for d in model.definitions if isinstance(d, ReifiedLinear)),
        *model.objectives,
    ):
        reach = max(reach, abs(e.constant), *(abs(c) for _, c in e.terms))
    return reach


def deal_key(model: CompiledModel, values: Sequence[int]) -> tuple[int, ...]:
    """The chosen position in every choice group: sorting by it gives enumeration order.

    Enumeration order is ``itertools.product`` over the groups (the last group varies fastest).
    """
    return tuple(
        next((i for i, v in enumerate(group) if values[v]), len(group)) for group in model.choices
    )


def check_request(model: CompiledModel, weights: Mapping[int, int], bounds: Bounds) -> None:
    """Reject objective indices the model does not have (a caller bug, not a solver status)."""
    n = len(model.objectives)
    for k in (*weights, *bounds):
        if not 0 <= k < n:
            raise UsageError(f"objective index {k} out of range: the model has {n} objectives")
