"""The ``merge`` backend: exact frontiers of separable deal spaces, without a solver.

A deal picks one option per issue, and most of a party's utility is a sum over issues. Issues
that no rule, red line, interaction term or shared quantity ties together contribute
independently, so the outcome vectors are a Minkowski sum of the *components'* outcome vectors,
and a nondominated sum is a sum of nondominated parts (a dominated part could be swapped for
the part dominating it). The backend therefore

1. splits the compiled model into components: choice groups joined (union-find) by every
   definition and constraint that reads variables of several groups;
2. enumerates each component on its own (the ``enumerate`` backend on the component's
   sub-model: its feasible assignments, their objective parts, the nondominated ones);
3. merges the components' nondominated sets one by one (Nemhauser and Ullmann's dynamic
   programme, as in Bazgan, Hugot and Vanderpooten, C&OR 36(1), 2009): every sum of a kept
   partial vector and a part, nondominated filtered, with partial vectors that cannot reach an
   objective lower bound even with the best of every remaining component pruned exactly.

Objective lower bounds (no-deal values) prune; an objective *upper* bound would make dominance
among partial sums unsafe, so ``nondominated`` refuses it (the frontier algorithms never pass
one to an enumerating session; the zone and the explanation pass lower bounds only).
``solve`` and ``solutions`` (single optimisations, feasible deals) go to a CP-SAT session built
on first use: the merge answers the frontier, the solver everything else.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from dealopt.backends.base import (
    DEFAULT_OPTIONS,
    NO_BOUNDS,
    BackendSolution,
    Bounds,
    Feature,
    Session,
    SolveOptions,
    check_request,
    objective_range,
)
from dealopt.backends.enumerate import EnumerateSession, nondominated_mask
from dealopt.compile.model import (
    BoolAnd,
    BoolOr,
    CompiledModel,
    Constraint,
    Definition,
    LinearConstraint,
    LinExpr,
    Lit,
    ReifiedLinear,
    Require,
)
from dealopt.errors import UsageError

MAX_COMPONENT = 1_000_000
"""The most deals one component may have (it is enumerated)."""

MAX_STATES = 5_000_000
"""The most candidate sums one merge step may hold before its nondominated filter."""


class MergeBackend:
    """Exact frontiers by merging independent components (see the module docstring)."""

    name = "merge"
    features = frozenset({Feature.ENUMERATE, Feature.ASSUMPTIONS, Feature.HINTS})

    def is_available(self) -> bool:
        """numpy for the merge, OR-Tools for single solves."""
        return all(importlib.util.find_spec(m) is not None for m in ("numpy", "ortools"))

    def build(self, model: CompiledModel, options: SolveOptions = DEFAULT_OPTIONS) -> MergeSession:
        """Split the model into components and enumerate each one."""
        return MergeSession(model, options)


@dataclass(frozen=True)
class _Part:
    """One component: its nondominated objective parts and, per part, its full-model values."""

    objectives: np.ndarray  # (n, p) int64
    assignments: list[dict[int, int]]  # var -> 0/1 for the component's variables


class MergeSession:
    """A model split into components, each enumerated once; frontiers by merging."""

    features = MergeBackend.features

    def __init__(self, model: CompiledModel, options: SolveOptions = DEFAULT_OPTIONS):
        self.model = model
        self._options = options
        self._own_calls = 0
        self._inner: Session | None = None
        self._parts = [_enumerate(model, comp, options) for comp in components(model)]
        self._constant = tuple(e.constant for e in model.objectives)

    @property
    def calls(self) -> int:
        """Merges and the inner solver's calls."""
        return self._own_calls + (self._inner.calls if self._inner is not None else 0)

    @property
    def num_components(self) -> int:
        return len(self._parts)

    def _session(self) -> Session:
        if self._inner is None:
            from dealopt.backends.cpsat import CpSatBackend

            self._inner = CpSatBackend().build(self.model, self._options)
        return self._inner

    def solve(
        self,
        weights: Mapping[int, int],
        *,
        bounds: Bounds = NO_BOUNDS,
        assumptions: Sequence[Lit] = (),
        hint: Sequence[int] | None = None,
        time_limit: float | None = None,
    ) -> BackendSolution:
        """One optimisation, by CP-SAT (see :meth:`Session.solve`)."""
        return self._session().solve(
            weights, bounds=bounds, assumptions=assumptions, hint=hint, time_limit=time_limit
        )

    def solutions(
        self, *, bounds: Bounds = NO_BOUNDS, assumptions: Sequence[Lit] = (), limit: int
    ) -> tuple[list[tuple[int, ...]], bool]:
        """Feasible deals, by CP-SAT (see :meth:`Session.solutions`)."""
        return self._session().solutions(bounds=bounds, assumptions=assumptions, limit=limit)

    def nondominated(
        self, bounds: Bounds = NO_BOUNDS
    ) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
        """Every nondominated objective vector with objectives at or above the lower bounds,
        with one deal attaining it; sorted lexicographically descending."""
        check_request(self.model, {}, bounds)
        self._own_calls += 1
        p = len(self.model.objectives)
        for k, (_, hi) in bounds.items():
            if hi is not None and hi < objective_range(self.model, k)[1]:
                raise UsageError("the merge backend takes objective lower bounds only")
        lo = [bounds.get(k, (None, None))[0] for k in range(p)]
        if any(len(part.objectives) == 0 for part in self._parts):
            return []  # some component has no feasible assignment
        # Largest first: the partial sets grow from the big parts, the small ones merge last.
        order = sorted(range(len(self._parts)), key=lambda i: -len(self._parts[i].objectives))
        best_after = np.zeros((len(order) + 1, p), dtype=np.int64)
        for j in range(len(order) - 1, -1, -1):
            best_after[j] = best_after[j + 1] + self._parts[order[j]].objectives.max(axis=0)
        states = np.array([self._constant], dtype=np.int64).reshape(1, p)
        trail: list[tuple[np.ndarray, np.ndarray]] = []
        for j, i in enumerate(order):
            part = self._parts[i].objectives
            if len(states) * len(part) > MAX_STATES:
                raise UsageError(
                    f"the merge backend would hold {len(states) * len(part):,} partial deals at "
                    f"once (the most is {MAX_STATES:,}): use the cpsat backend"
                )
            cand = (states[:, None, :] + part[None, :, :]).reshape(-1, p)
            parent = np.repeat(np.arange(len(states)), len(part))
            choice = np.tile(np.arange(len(part)), len(states))
            reach = cand + best_after[j + 1]
            alive = np.ones(len(cand), dtype=bool)
            for k in range(p):
                if lo[k] is not None:
                    alive &= reach[:, k] >= lo[k]
            cand, parent, choice = cand[alive], parent[alive], choice[alive]
            if not len(cand):
                return []
            # One representative per vector (the first), then the nondominated ones.
            order_lex = np.lexsort((*(-cand[:, k] for k in reversed(range(p))),))
            cand, parent, choice = cand[order_lex], parent[order_lex], choice[order_lex]
            new = np.ones(len(cand), dtype=bool)
            new[1:] = (cand[1:] != cand[:-1]).any(axis=1)
            cand, parent, choice = cand[new], parent[new], choice[new]
            keep = nondominated_mask(cand, presorted=True)
            states = cand[keep]
            trail.append((parent[keep], choice[keep]))
        out = []
        for s in range(len(states)):
            values = [0] * self.model.num_vars
            at = s
            for j in range(len(order) - 1, -1, -1):
                parents, choices = trail[j]
                for var, value in self._parts[order[j]].assignments[int(choices[at])].items():
                    values[var] = value
                at = int(parents[at])
            out.append((tuple(int(x) for x in states[s]), tuple(values)))
        out.sort(key=lambda pair: pair[0], reverse=True)
        return out


# Components ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Component:
    """Choice groups (indices), and the definitions and constraints among their variables."""

    groups: tuple[int, ...]
    variables: tuple[int, ...]
    definitions: tuple[Definition, ...]
    constraints: tuple[Constraint, ...]


def _definition_vars(d: Definition) -> list[int]:
    if isinstance(d, ReifiedLinear):
        return [d.var, *(v for v, _ in d.expr.terms)]
    return [d.var, *(v for v, _ in d.literals)]


def _constraint_vars(c: Constraint) -> list[int]:
    if isinstance(c, Require):
        return [c.literal[0]]
    return [v for v, _ in c.expr.terms]


def components(model: CompiledModel) -> list[Component]:
    """The model's independent components: groups joined by any definition or constraint."""
    parent = list(range(model.num_vars))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(xs: Sequence[int]) -> None:
        if xs:
            root = find(xs[0])
            for x in xs[1:]:
                parent[find(x)] = root

    for group in model.choices:
        union(list(group))
    for d in model.definitions:
        union(_definition_vars(d))
    for c in model.constraints:
        union(_constraint_vars(c))
    by_root: dict[int, list[int]] = {}
    for g, group in enumerate(model.choices):
        if group:
            by_root.setdefault(find(group[0]), []).append(g)
    # Variables that no group reaches (constants such as an empty conjunction) join the first
    # component: they take the same value in every deal.
    if not by_root:  # no issue at all: one component of constants
        by_root[-1] = []
    first = next(iter(by_root))

    def home(v: int | None) -> int:
        r = first if v is None else find(v)
        return r if r in by_root else first

    variables: dict[int, list[int]] = {r: [] for r in by_root}
    for v in range(model.num_vars):
        variables[home(v)].append(v)
    defs: dict[int, list[Definition]] = {r: [] for r in by_root}
    for d in model.definitions:
        defs[home(d.var)].append(d)
    cons: dict[int, list[Constraint]] = {r: [] for r in by_root}
    for c in model.constraints:
        vs = _constraint_vars(c)
        cons[home(vs[0] if vs else None)].append(c)
    return [
        Component(tuple(by_root[r]), tuple(variables[r]), tuple(defs[r]), tuple(cons[r]))
        for r in by_root
    ]


def _enumerate(model: CompiledModel, comp: Component, options: SolveOptions) -> _Part:
    """The component's nondominated objective parts, by the enumerate backend on its sub-model."""
    size = 1
    for g in comp.groups:
        size *= len(model.choices[g])
    if size > MAX_COMPONENT:
        raise UsageError(
            f"a component of {len(comp.groups)} linked issues has {size:,} combinations (the "
            f"merge backend enumerates at most {MAX_COMPONENT:,}): use the cpsat backend"
        )
    local = {v: i for i, v in enumerate(comp.variables)}
    mine = set(comp.variables)

    def lin(e: LinExpr, constant: int = 0) -> LinExpr:
        return LinExpr(tuple((local[v], c) for v, c in e.terms if v in mine), constant)

    def lit(x: Lit) -> Lit:
        return (local[x[0]], x[1])

    definitions: list[Definition] = []
    for d in comp.definitions:
        if isinstance(d, ReifiedLinear):
            expr = lin(d.expr, d.expr.constant)
            definitions.append(ReifiedLinear(local[d.var], expr, d.lo, d.hi, d.bounds))
        elif isinstance(d, BoolAnd):
            definitions.append(BoolAnd(local[d.var], tuple(lit(x) for x in d.literals)))
        else:
            assert isinstance(d, BoolOr)
            definitions.append(BoolOr(local[d.var], tuple(lit(x) for x in d.literals)))
    constraints: list[Constraint] = []
    for c in comp.constraints:
        if isinstance(c, Require):
            constraints.append(Require(lit(c.literal), c.label))
        else:
            assert isinstance(c, LinearConstraint)
            e = LinExpr(tuple((local[v], k) for v, k in c.expr.terms), c.expr.constant)
            constraints.append(LinearConstraint(e, c.lo, c.hi, c.label, c.bounds))
    objectives = tuple(lin(e) for e in model.objectives)
    sub = CompiledModel(
        num_vars=len(comp.variables),
        choices=tuple(tuple(local[v] for v in model.choices[g]) for g in comp.groups),
        definitions=tuple(definitions),
        constraints=tuple(constraints),
        objectives=objectives,
        scales=model.scales,
        objective_bounds=tuple((0, 0) for _ in objectives),
        resolution=model.resolution,
    )
    session = EnumerateSession(sub, options)
    front = session.nondominated()
    p = len(objectives)
    objs = np.array([o for o, _ in front], dtype=np.int64).reshape(len(front), p)
    assignments = [{comp.variables[i]: x for i, x in enumerate(values) if x} for _, values in front]
    return _Part(objs, assignments)


__all__ = ["MergeBackend", "MergeSession", "components"]
