"""The deal space one explanation works on: the compiled model, one backend session built once,
the no-deal conditions as exact objective bounds, a time budget, and oracle-checked deals.

Every analysis of ``dealopt explain`` (backbone, alignments, conflicts, red-line prices,
linkage, what it would take) goes through this object: it knows the compile layer, the
backend *interface* and the frontier algorithms, never a solver's own API, and every deal it
hands out has been re-checked by the rules oracle (every rule and red line holds, utilities
recomputed exactly).

Exactness of "acceptable". A party's utility is ``objective / scale`` exactly (when the
model's resolution is 0), and the objective is an integer, so ``utility >= d`` holds exactly
when ``objective >= ceil(d × scale)``: the no-deal conditions are the objective lower bounds
:attr:`Space.floors`. When the compiler had to round (resolution > 0) the bound is widened by
the resolution and every deal found is settled with the oracle; :attr:`Space.exact` is False
then, and the explanation says so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from dealopt.analysis.setup import nondominated, setup
from dealopt.analysis.zone import AssumingSession, Zone, ZonePoint, make_zone
from dealopt.backends.base import (
    BackendSolution,
    Bounds,
    Feature,
    Session,
    SolveOptions,
    SolveStatus,
)
from dealopt.compile.compiler import Decoder
from dealopt.compile.model import CompiledModel, Lit
from dealopt.errors import OracleRejectedError, UsageError
from dealopt.progress import Deadline, Progress
from dealopt.rules.oracle import Oracle
from dealopt.spec.model import Instance, Rule, Value

Deal = dict[str, Value]
Utilities = dict[str, Fraction]


class TimeUp(Exception):
    """The explanation's time budget ran out (or a solve stopped before proving its answer)."""


@dataclass
class Space:
    """An instance compiled and built once for many solves; see the module docstring."""

    instance: Instance
    oracle: Oracle
    model: CompiledModel
    decoder: Decoder
    backend_name: str
    options: SolveOptions
    session: Session
    progress: Progress = field(default_factory=Progress)
    requested: str = "auto"
    extra_calls: int = 0
    _sessions: list[Session] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        instance: Instance,
        *,
        backend: str = "auto",
        time_limit: float | None = None,
        threads: int | None = None,
        seed: int | None = None,
        progress: Progress | None = None,
    ) -> Space:
        """Check and compile ``instance`` and build one session of ``backend`` for it.

        The analyses here search acceptable deals through the no-deal conditions as objective
        bounds (every party must accept), so an instance with an ``acceptance`` section is
        refused for now, with a message saying what does work (``dealopt solve``).

        ``progress`` carries the command's shared deadline (and is told the phases); without
        it, ``time_limit`` starts a deadline of its own now.
        """
        if not instance.acceptance.unanimous:
            raise UsageError(
                "explain and evaluate do not support an 'acceptance' section yet (they assume "
                "every party must accept); dealopt solve reports its zone, pivotal parties and "
                "blockers, or remove the section to analyse the unanimous case"
            )
        progress = Progress.of(progress, time_limit)
        progress.phase("compiling the model")
        r = setup(instance, backend=backend, threads=threads, seed=seed)
        if Feature.ASSUMPTIONS not in r.session.features:
            raise UsageError(
                f"dealopt explain needs a backend with assumptions; {r.backend_name!r} has none "
                "(use cpsat or enumerate)"
            )
        space = cls(
            instance,
            r.oracle,
            r.model,
            r.decoder,
            r.backend_name,
            r.options,
            r.session,
            progress,
            backend,
        )
        space._sessions.append(r.session)
        return space

    # -------------------------------------------------------------------- basics

    @property
    def parties(self) -> tuple[str, ...]:
        return tuple(self.instance.parties)

    @property
    def issues(self) -> tuple[str, ...]:
        return tuple(self.instance.issues)

    @property
    def no_deal(self) -> dict[str, Fraction]:
        return {p: self.oracle.no_deal(p) for p in self.parties}

    @property
    def exact(self) -> bool:
        """True when no utility was rounded (every claim below is then exact)."""
        return not any(self.model.resolution)

    def floor(self, k: int, value: Fraction) -> int:
        """The least objective value of party ``k`` whose utility can be >= ``value``."""
        slack = self.model.resolution[k] if self.model.resolution else Fraction(0)
        return math.ceil((value - slack) * self.model.scales[k])

    @property
    def floors(self) -> dict[int, tuple[int | None, int | None]]:
        """The no-deal conditions as objective bounds: ``{k: (ceil(d_k × scale_k), None)}``."""
        nd = self.no_deal
        return {k: (self.floor(k, nd[p]), None) for k, p in enumerate(self.parties)}

    def floors_for(self, no_deal: Mapping[str, Fraction]) -> dict[int, tuple[int | None, None]]:
        return {k: (self.floor(k, no_deal[p]), None) for k, p in enumerate(self.parties)}

    @property
    def calls(self) -> int:
        """Solver calls so far, over every session this explanation built."""
        return sum(s.calls for s in self._sessions) + self.extra_calls

    @property
    def sessions_built(self) -> int:
        return len(self._sessions)

    @property
    def deadline(self) -> Deadline:
        return self.progress.deadline

    def elapsed(self) -> float:
        """Wall seconds since the deadline started (the command's start, under the CLI)."""
        return self.deadline.elapsed()

    def remaining(self) -> float | None:
        """Seconds left in the budget (None: no limit); raises :class:`TimeUp` at zero."""
        left = self.deadline.remaining()
        if left is None:
            return None
        if left <= 0:
            raise TimeUp("time limit")
        return left

    def new_session(self, model: CompiledModel) -> Session:
        """A fresh session of the same backend for another model (counted)."""
        from dealopt.backends import get_backend

        # The backend the first session actually used (``auto`` resolved), when it is a name
        # get_backend knows; otherwise the name that was asked for.
        name = self.backend_name if self.backend_name in ("cpsat", "enumerate") else self.requested
        session = get_backend(name).build(model, self.options)
        self._sessions.append(session)
        return session

    # -------------------------------------------------------------------- literals

    def lit(self, issue: str, value: Value) -> Lit:
        """The literal "``issue`` takes ``value``"."""
        g = self.issues.index(issue)
        pos = self.instance.issues[issue].values.index(value)
        return (self.model.choices[g][pos], True)

    def hold_at_status_quo(self, issues: Sequence[str]) -> list[Lit]:
        """Assumptions fixing ``issues`` at their status quo."""
        return [self.lit(i, self.instance.issues[i].status_quo) for i in issues]

    # -------------------------------------------------------------------- deals

    def rule_key(self, rule: Rule) -> tuple[str, str | None, int]:
        """``(kind, owner, index)`` of a rule or red line of the instance."""
        if rule.owner is None:
            return ("rule", None, _position(self.instance.rules, rule))
        return ("red_line", rule.owner, _position(self.instance.red_lines[rule.owner], rule))

    def checked(
        self, values: Sequence[int], dropped: frozenset[tuple] = frozenset()
    ) -> tuple[Deal, Utilities]:
        """Decode a backend's deal and re-check it with the oracle (a disagreement raises).

        ``dropped`` names rules and red lines (by :meth:`rule_key`) the deal may break.
        """
        deal = self.decoder.deal(values)
        broken = [r for r in self.oracle.violations(deal) if self.rule_key(r) not in dropped]
        if broken:
            raise OracleRejectedError(
                f"the backend returned a deal that breaks {broken[0].label!r}: {deal}"
            )
        return deal, self.oracle.utilities(deal)

    def acceptable(self, utilities: Mapping[str, Fraction], no_deal=None) -> bool:
        nd = self.no_deal if no_deal is None else no_deal
        return all(utilities[p] >= nd[p] for p in self.parties)

    def solve(
        self,
        weights: Mapping[int, int],
        *,
        session: Session | None = None,
        bounds: Bounds | None = None,
        assumptions: Sequence[Lit] = (),
    ) -> BackendSolution | None:
        """A proven answer: the solution, or None when proven infeasible; else :class:`TimeUp`."""
        s = session or self.session
        solution = s.solve(
            weights,
            bounds=self.floors if bounds is None else bounds,
            assumptions=assumptions,
            time_limit=self.remaining(),
        )
        if solution.status is SolveStatus.INFEASIBLE:
            return None
        if solution.status is not SolveStatus.OPTIMAL:
            raise TimeUp("time limit")
        return solution

    def find(
        self,
        assumptions: Sequence[Lit] = (),
        *,
        bounds: Bounds | None = None,
        session: Session | None = None,
    ) -> tuple[Deal, Utilities] | None:
        """An oracle-checked deal within ``bounds`` (default: acceptable) and assumptions."""
        solution = self.solve({}, session=session, bounds=bounds, assumptions=assumptions)
        if solution is None:
            return None
        assert solution.values is not None
        return self.checked(solution.values)

    def maximise(
        self,
        party: str,
        *,
        bounds: Bounds | None = None,
        assumptions: Sequence[Lit] = (),
        session: Session | None = None,
    ) -> tuple[Deal, Utilities] | None:
        """A deal maximising ``party``'s utility within ``bounds`` (default: acceptable)."""
        k = self.parties.index(party)
        solution = self.solve({k: 1}, session=session, bounds=bounds, assumptions=assumptions)
        if solution is None:
            return None
        assert solution.values is not None
        return self.checked(solution.values)

    def zone(
        self,
        *,
        session: Session | None = None,
        assumptions: Sequence[Lit] = (),
        no_deal: Mapping[str, Fraction] | None = None,
        dropped: frozenset[tuple] = frozenset(),
    ) -> Zone:
        """The zone (Pareto-optimal acceptable deals) of the space, restricted by assumptions.

        Pareto(acceptable) = frontier ∩ acceptable, so the frontier is searched directly inside
        the no-deal bounds. Raises :class:`TimeUp` when the budget runs out.
        """
        from dealopt.frontier import pareto_frontier
        from dealopt.frontier.settle import settle

        s = session or self.session
        if assumptions:
            s = AssumingSession(s, assumptions)
        nd = dict(self.no_deal if no_deal is None else no_deal)
        found = pareto_frontier(
            s,
            bounds=self.floors_for(nd),
            time_limit=self.remaining(),
            progress=self.progress.frontier,
        )
        if not found.complete:
            raise TimeUp(found.stopped or "time limit")
        candidates = [(p.values, p.objectives) for p in found.points]
        settled = None
        if not self.exact:  # rounded utilities: weigh every deal the rounding could hide
            settled = settle(
                s,
                found,
                lambda v: tuple(self.checked(v, dropped)[1][p] for p in self.parties),
                bounds=self.floors_for(nd),
            )
            if settled is not None:
                candidates = [(p.values, p.objectives) for p in settled.points]
        points = []
        for values, objectives in candidates:
            deal, utilities = self.checked(values, dropped)
            if self.acceptable(utilities, nd):
                points.append(ZonePoint(deal, utilities, objectives))
        if not self.exact and settled is None:
            vectors = [tuple(p.utilities[q] for q in self.parties) for p in points]
            points = [points[i] for i in nondominated(vectors)]
        return make_zone(points, nd, self.parties)

    def deals_at(
        self,
        point: ZonePoint,
        cap: int,
        *,
        session: Session | None = None,
        assumptions: Sequence[Lit] = (),
    ) -> tuple[list[tuple[Deal, Utilities]], bool]:
        """Every (oracle-checked) deal attaining ``point``'s objectives, up to ``cap``."""
        self.remaining()
        s = session or self.session
        values, complete = s.solutions(
            bounds={k: (v, v) for k, v in enumerate(point.objectives)},
            assumptions=assumptions,
            limit=cap,
        )
        deals = [self.checked(v) for v in values]
        return [(d, u) for d, u in deals if u == point.utilities], complete

    def acceptable_deals(self, cap: int) -> tuple[list[tuple[Deal, Utilities]], bool]:
        """Acceptable deals (oracle-checked), up to ``cap``, and whether that is all of them."""
        self.remaining()
        values, complete = self.session.solutions(bounds=self.floors, limit=cap)
        out = []
        for v in values:
            deal, utilities = self.checked(v)
            if self.acceptable(utilities):
                out.append((deal, utilities))
        return out, complete


def _position(rules: Sequence[Rule], rule: Rule) -> int:
    for i, r in enumerate(rules):
        if r is rule:
            return i
    return rules.index(rule)
