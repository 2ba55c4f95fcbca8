"""The ``merge`` backend: one session per independent component of the deal space.

A deal picks one option per issue, and most of a party's utility is a sum over issues. Issues
that no rule, red line, interaction term or shared quantity ties together contribute
independently (:mod:`dealopt.compile.components`), so the frontier is the nondominated set of
sums of the components' frontiers, and those are much smaller problems than the whole. This
backend builds one session per component: ``enumerate`` on the component's sub-model when it
has at most :data:`ENUMERATE_MAX` combinations; above, the component conditioned on an issue
(:class:`Branches`: one merge session per option of the issue, fixed) when that leaves only
enumerable pieces; CP-SAT otherwise. The frontier layer finds each component's frontier with
its usual algorithms and merges them (:mod:`dealopt.frontier.merge`, announced by
:attr:`Feature.COMPONENTS`).

``solve`` and ``solutions`` (single optimisations, feasible deals of the whole space) go to a
CP-SAT session of the whole model, built on first use.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping, Sequence

from dealopt.backends.base import (
    DEFAULT_OPTIONS,
    NO_BOUNDS,
    BackendSolution,
    Bounds,
    Feature,
    Session,
    SolveOptions,
)
from dealopt.compile.components import Split, components, fix, size, split, submodel
from dealopt.compile.model import CompiledModel, Lit

ENUMERATE_MAX = 2_000_000
"""Components up to this many option combinations are enumerated (about a second at 5^9 =
1,953,125, where CP-SAT's frontier took minutes; decision 95); larger ones are conditioned
or go to CP-SAT."""

LIFT_ABOVE = 200_000
"""A capacity-like constraint is lifted when its component has more combinations than this."""

AUTO_MOST_PARTS = {1: 100, 2: 50, 3: 40}
"""``auto`` picks the merge engine with lifted capacities only up to this many components
(items) per number of capacities lifted, as measured (decision 101): one capacity, 3
objectives and 100 items complete in 318 s under load (4 objectives, 50 items: 50 s); two
capacities and 50 items in 3 s, 250 items give no point in 300 s; three capacities and 40
items beat CP-SAT 4.9x, 50 items outgrow the states (600,000 in 6 dimensions, a minute per
item, no point in 600 s)."""

CONDITION_DEPTH = 2
"""A component too large to enumerate is conditioned on at most this many issues in a row:
fixed to each of an issue's options in turn, so that the rules and terms through it tie
nothing and the rest splits into enumerable pieces (decision 95)."""

MOST_LIFTED = 3
"""At most this many capacity-like constraints are carried as state dimensions. With the
compiled nondominated filter (decision 91) three capacities merge faster than CP-SAT solves
(pyaugmecon 3kp40: decision 99); with the generic filter even two outgrew the solver."""


def merge_pays(parts: Split) -> bool:
    """Whether ``auto`` should merge the components of ``parts`` (a :func:`split`) rather
    than solve the whole model with CP-SAT: several components, and with lifted capacities
    at most :data:`AUTO_MOST_PARTS` of them for that many capacities."""
    if len(parts.components) < 2:
        return False
    return not parts.extra or len(parts.components) <= AUTO_MOST_PARTS.get(len(parts.extra), 0)


class MergeBackend:
    """Sessions split by independent components (see the module docstring)."""

    name = "merge"
    features = frozenset(
        {Feature.COMPONENTS, Feature.ASSUMPTIONS, Feature.HINTS, Feature.TIME_LIMIT}
    )

    def is_available(self) -> bool:
        """numpy for enumeration, OR-Tools for the rest."""
        return all(importlib.util.find_spec(m) is not None for m in ("numpy", "ortools"))

    def build(self, model: CompiledModel, options: SolveOptions = DEFAULT_OPTIONS) -> MergeSession:
        """Split the model into components and build a session for each."""
        return MergeSession(model, options)


class MergeSession:
    """A model split into components, with one session per component."""

    features = MergeBackend.features

    def __init__(
        self,
        model: CompiledModel,
        options: SolveOptions = DEFAULT_OPTIONS,
        depth: int | None = None,
        strict: bool = False,
    ):
        """``depth``: how many issues deep a large component may still be conditioned
        (default :data:`CONDITION_DEPTH`);
        ``strict``: raise :class:`_NotEnumerable` rather than give a component to CP-SAT."""
        from dealopt.backends.cpsat import CpSatBackend
        from dealopt.backends.enumerate import EnumerateBackend

        self.model = model
        self._options = options
        depth = CONDITION_DEPTH if depth is None else depth
        self._inner: Session | None = None
        self.parts: list[tuple[Session | Branches, tuple[int, ...]]] = []
        """Per component: its session and, per local variable, the whole model's variable."""
        # A constraint coupling a component too large to enumerate (a knapsack's capacity) is
        # lifted: each component's sub-model gets its part as an extra objective, and the merge
        # carries it as a state dimension with a lower bound (``floors``).
        parts = split(model, LIFT_ABOVE, MOST_LIFTED)
        self.floors: tuple[int, ...] = parts.floors
        """Per extra objective of the components (after the model's own), its lower bound."""
        for comp in parts.components:
            sub = submodel(model, comp, parts.extra)
            session: Session | Branches | None = None
            if size(model, comp) <= ENUMERATE_MAX:
                session = EnumerateBackend().build(sub, options)
            elif depth > 0:
                session = _branches(sub, options, depth)
            if session is None:
                if strict:
                    raise _NotEnumerable
                session = CpSatBackend().build(sub, options)
            self.parts.append((session, comp.variables))

    @property
    def calls(self) -> int:
        """Solver calls of every component session and of the whole-model session."""
        inner = self._inner.calls if self._inner is not None else 0
        return inner + sum(s.calls for s, _ in self.parts)

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
        """One optimisation of the whole model, by CP-SAT (see :meth:`Session.solve`)."""
        return self._session().solve(
            weights, bounds=bounds, assumptions=assumptions, hint=hint, time_limit=time_limit
        )

    def solutions(
        self, *, bounds: Bounds = NO_BOUNDS, assumptions: Sequence[Lit] = (), limit: int
    ) -> tuple[list[tuple[int, ...]], bool]:
        """Feasible deals of the whole model, by CP-SAT (see :meth:`Session.solutions`)."""
        return self._session().solutions(bounds=bounds, assumptions=assumptions, limit=limit)


class _NotEnumerable(Exception):
    """A conditioned branch has a piece that only CP-SAT could take: do not condition."""


class Branches:
    """A component as the union of its branches: the component with one issue fixed to each
    of its feasible options, each branch a :class:`MergeSession` of its own. The component's
    frontier is the nondominated union of the branches' frontiers
    (:func:`dealopt.frontier.merge.merge` reads ``branches``)."""

    def __init__(self, model: CompiledModel, branches: list[MergeSession]):
        self.model = model
        self.branches = branches

    @property
    def calls(self) -> int:
        """Solver calls of every branch."""
        return sum(b.calls for b in self.branches)


def _branches(model: CompiledModel, options: SolveOptions, depth: int) -> Branches | None:
    """The model conditioned on the issue whose fixing leaves the smallest largest piece, when
    that splits it (the piece is smaller than the model over the issue's options) or leaves
    enumerable branches, and every piece of every branch can be enumerated, conditioning
    again up to ``depth``; else None."""
    whole = model.bundle_space_size
    best: tuple[int, int, list[CompiledModel]] | None = None
    for g, group in enumerate(model.choices):
        fixed = [f for f in (fix(model, g, o) for o in range(len(group))) if f is not None]
        worst = max((size(f, c) for f in fixed for c in components(f)), default=0)
        useful = worst * len(group) < whole or worst <= ENUMERATE_MAX
        if useful and (best is None or worst < best[0]):
            best = (worst, g, fixed)
    if best is None:
        return None
    try:
        branches = [MergeSession(f, options, depth - 1, strict=True) for f in best[2]]
    except _NotEnumerable:
        return None
    return Branches(model, branches)


__all__ = [
    "AUTO_MOST_PARTS",
    "CONDITION_DEPTH",
    "ENUMERATE_MAX",
    "LIFT_ABOVE",
    "MOST_LIFTED",
    "Branches",
    "MergeBackend",
    "MergeSession",
    "merge_pays",
]
