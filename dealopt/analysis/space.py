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

Acceptance rules. Under an ``acceptance`` section a deal is acceptable when the rule passes
the set of parties that accept it (:mod:`dealopt.analysis.acceptance`). The rule is monotone,
so the acceptable deals are the union, over the rule's *minimal winning coalitions* (the
smallest sets of parties whose acceptance passes a deal), of one box each: that coalition's
no-deal conditions as objective bounds (:attr:`Space.boxes`; with unanimity, one box, every
party). A search for an acceptable deal searches each box; the zone is the Pareto-optimal
deals of the union (each box's frontier, merged and filtered exactly).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from dealopt.analysis.setup import nondominated, objective_floor, setup, zone_boxes
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

        Acceptable deals are searched box by box, one box per minimal winning coalition of
        the acceptance rule (module docstring).

        ``progress`` carries the command's shared deadline (and is told the phases); without
        it, ``time_limit`` starts a deadline of its own now.
        """
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
        return objective_floor(self.model, k, value)

    @property
    def floors(self) -> dict[int, tuple[int | None, int | None]]:
        """The no-deal conditions as objective bounds: ``{k: (ceil(d_k × scale_k), None)}``."""
        nd = self.no_deal
        return {k: (self.floor(k, nd[p]), None) for k, p in enumerate(self.parties)}

    @property
    def coalitions(self) -> tuple[frozenset[str], ...]:
        """The acceptance rule's minimal winning coalitions (with unanimity: every party)."""
        from dealopt.analysis.acceptance import minimal_coalitions

        return minimal_coalitions(self.instance.acceptance, self.parties)

    def boxes_for(
        self, no_deal: Mapping[str, Fraction], everyone: bool = False
    ) -> list[dict[int, tuple[int | None, int | None]]]:
        """The acceptable deals as a union of objective boxes, one per minimal winning
        coalition (``everyone``: one box, every party, whatever the rule)."""
        coalitions = [frozenset(self.parties)] if everyone else self.coalitions
        return zone_boxes(self.model, self.parties, no_deal, coalitions)

    @property
    def boxes(self) -> list[dict[int, tuple[int | None, int | None]]]:
        """:meth:`boxes_for` the instance's no-deal values."""
        return self.boxes_for(self.no_deal)

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

    def acceptable(
        self, utilities: Mapping[str, Fraction], no_deal=None, everyone: bool = False
    ) -> bool:
        """Whether the acceptance rule passes a feasible deal with these utilities
        (``everyone``: whether every party accepts it)."""
        nd = self.no_deal if no_deal is None else no_deal
        yes = {p for p in self.parties if utilities[p] >= nd[p]}
        if everyone:
            return len(yes) == len(self.parties)
        return self.instance.acceptance.passes(yes, self.parties)

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
        """An oracle-checked deal within ``bounds`` (default: acceptable, box by box) and
        assumptions."""
        for box in self.boxes if bounds is None else [bounds]:
            solution = self.solve({}, session=session, bounds=box, assumptions=assumptions)
            if solution is not None:
                assert solution.values is not None
                return self.checked(solution.values)
        return None

    def maximise(
        self,
        party: str,
        *,
        bounds: Bounds | None = None,
        assumptions: Sequence[Lit] = (),
        session: Session | None = None,
    ) -> tuple[Deal, Utilities] | None:
        """A deal maximising ``party``'s utility within ``bounds`` (default: acceptable, the
        best over the boxes)."""
        k = self.parties.index(party)
        best: tuple[Deal, Utilities] | None = None
        for box in self.boxes if bounds is None else [bounds]:
            solution = self.solve({k: 1}, session=session, bounds=box, assumptions=assumptions)
            if solution is None:
                continue
            assert solution.values is not None
            found = self.checked(solution.values)
            if best is None or found[1][party] > best[1][party]:
                best = found
        return best

    def zone(
        self,
        *,
        session: Session | None = None,
        assumptions: Sequence[Lit] = (),
        no_deal: Mapping[str, Fraction] | None = None,
        dropped: frozenset[tuple] = frozenset(),
        everyone: bool = False,
    ) -> Zone:
        """The zone (Pareto-optimal acceptable deals) of the space, restricted by assumptions.

        Pareto(acceptable) = frontier ∩ acceptable (the rule is monotone), so the frontier is
        searched directly inside each box of :meth:`boxes_for`, and the boxes' points merged.
        ``everyone``: every party must accept, whatever the instance's rule (the improvement
        box of ``evaluate``). Raises :class:`TimeUp` when the budget runs out.
        """
        s = session or self.session
        if assumptions:
            s = AssumingSession(s, assumptions)
        nd = dict(self.no_deal if no_deal is None else no_deal)
        boxes = self.boxes_for(nd, everyone)
        points: list[ZonePoint] = []
        for box in boxes:
            points += self._box_points(s, box, nd, dropped, everyone)
        if len(boxes) > 1:
            # A box is closed under domination (a deal dominating one in it is in it), so a
            # box's frontier points are Pareto-optimal outright: the merge only drops the
            # points found in two boxes (equal vectors, first kept).
            vectors = [tuple(p.utilities[q] for q in self.parties) for p in points]
            points = [points[i] for i in nondominated(vectors)]
        rule = None if everyone else self.instance.acceptance
        return make_zone(points, nd, self.parties, rule)

    def _box_points(
        self,
        s: Session | AssumingSession,
        box: Bounds,
        nd: Mapping[str, Fraction],
        dropped: frozenset[tuple],
        everyone: bool,
    ) -> list[ZonePoint]:
        """The oracle-checked acceptable frontier points found inside one box."""
        from dealopt.frontier import pareto_frontier
        from dealopt.frontier.settle import settle

        found = pareto_frontier(
            s, bounds=box, time_limit=self.remaining(), progress=self.progress.frontier
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
                bounds=box,
            )
            if settled is not None:
                candidates = [(p.values, p.objectives) for p in settled.points]
        points = []
        for values, objectives in candidates:
            deal, utilities = self.checked(values, dropped)
            if self.acceptable(utilities, nd, everyone):
                points.append(ZonePoint(deal, utilities, objectives))
        if not self.exact and settled is None:
            vectors = [tuple(p.utilities[q] for q in self.parties) for p in points]
            points = [points[i] for i in nondominated(vectors)]
        return points

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
        """Acceptable deals (oracle-checked), up to ``cap``, and whether that is all of them
        (box by box, a deal in two boxes counted once)."""
        out: list[tuple[Deal, Utilities]] = []
        seen: set[tuple[int, ...]] = set()
        complete = True
        for box in self.boxes:
            self.remaining()
            values, done = self.session.solutions(bounds=box, limit=cap)
            complete = complete and done
            for v in values:
                key = tuple(v)
                if key in seen:
                    continue
                seen.add(key)
                deal, utilities = self.checked(v)
                if self.acceptable(utilities) and len(out) < cap:
                    out.append((deal, utilities))
                elif len(out) >= cap:
                    complete = False
        return out, complete


def _position(rules: Sequence[Rule], rule: Rule) -> int:
    for i, r in enumerate(rules):
        if r is rule:
            return i
    return rules.index(rule)
