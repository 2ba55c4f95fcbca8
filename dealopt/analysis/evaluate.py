"""``dealopt evaluate``: judge deals on the table against the exact frontier.

For each deal ``x`` (a named deal of the instance, or one written as ``issue=option`` pairs):

* each party's exact utility, its gain over no deal, and the parts that make it up (each
  issue's ``weight × score`` and each term that applies);
* every rule and red line it breaks, with the user's own text and ``file:line:col``;
* whether it is acceptable and Pareto-optimal; how many frontier points dominate it and the
  nearest of them;
* its *improvements*: feasible deals ``y`` that no party likes less (``u_p(y) >= u_p(x)`` for
  every party ``p``). Two rules pick one (docs/evaluate.md, decisions.md):

  - **max-min gain** (Raiffa's post-settlement settlement, Smartsettle's "maximise the
    minimum gain"): maximise ``min_p (u_p(y) - u_p(x))``, then the sum of the gains, then
    leximin of the gains, then the first point in frontier order: exactly the egalitarian
    solution of :mod:`dealopt.analysis.bargaining` with ``x``'s utilities as the disagreement
    point, so its tie-break is that module's;
  - **Nash**: maximise ``Π_p (u_p(y) - u_p(x))`` over the same deals, with the Nash
    solution's own tie-break.

  Both are Pareto-optimal (a deal dominating the choice would beat it on the criteria), so
  both are frontier points inside the box ``u >= u(x)``. The deal reported for a point is the
  first in enumeration order among those attaining it (up to :data:`DEALS_CAP` looked at).
* when ``x`` breaks a rule or red line: the nearest feasible deals (fewest issues changed) and
  what each changes in every party's utility.

How it is computed. Gains are in each party's own utility units, exactly (Fractions). The
largest minimum gain ``t*`` is found by probes of the backend session (is there a feasible
deal with every gain at least ``t``? objective bounds ``ceil((u_p(x) + t) × scale_p)``):
bisection, then strict probes (every gain above the best found) until one is proven
infeasible; every probe answer is a deal whose exact gains the oracle computes, so ``t*`` is
attained and proven. The max-min improvement is then the egalitarian point of the (small)
frontier inside ``u >= u(x) + t*``. Dominance and the Nash improvement need the frontier of
the whole box ``u >= u(x)``: on enumerable spaces the backend reads it from the enumerated
deals; on CP-SAT spaces it is searched within the time limit, and reported as not computed
when the limit ends it first. Every deal reported is re-checked by the rules oracle.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from dealopt.analysis import acceptance as acc
from dealopt.analysis.alignments import IssueMove, structure, words
from dealopt.analysis.bargaining import egalitarian
from dealopt.analysis.breakdown import Part, utility_parts
from dealopt.analysis.space import Space, TimeUp
from dealopt.backends.base import deal_key
from dealopt.compile.model import LinExpr
from dealopt.errors import UsageError
from dealopt.evaluation import Evaluation
from dealopt.progress import Progress
from dealopt.rules.oracle import Oracle
from dealopt.spec.model import Instance, NamedDeal, Value, frozen_map

if TYPE_CHECKING:
    from dealopt.analysis.zone import Zone

SCHEMA = "dealopt.evaluation/1"
IMPROVEMENTS = ("max_min_gain", "nash")
DEALS_CAP = 1000
"""Deals attaining a point looked at to pick the first in enumeration order."""
NEAREST_CAP = 1000
"""Nearest feasible deals looked at (all at the least distance, up to this many)."""
NEAREST_SHOWN = 5
"""Nearest feasible deals reported, the least costly first."""
MAX_PROBES = 400
"""A guard: the probes for the largest minimum gain end long before (bisection is exact)."""

Deal = dict[str, Value]
Utilities = dict[str, Fraction]


@dataclass(frozen=True)
class Broken:
    """A rule or red line a deal breaks, as the user wrote it."""

    kind: str  # "rule" or "red_line"
    owner: str | None
    label: str
    text: str
    source: str | None


@dataclass(frozen=True)
class Move:
    """One issue an improvement changes: from, to, and what each party's part of it does."""

    issue: str
    before: Value
    after: Value
    gives: tuple[str, ...]
    gains: tuple[str, ...]
    change: Mapping[str, Fraction]  # party -> change of its weight × score on this issue


@dataclass(frozen=True)
class Alternative:
    """A deal set beside the evaluated one: an improvement, a dominating point, a nearby
    feasible deal. ``changes``: each party's utility minus its utility of the evaluated deal."""

    deal: Mapping[str, Value]
    utilities: Mapping[str, Fraction]
    changes: Mapping[str, Fraction]
    moves: tuple[Move, ...]

    @property
    def issues_changed(self) -> int:
        return len(self.moves)


@dataclass(frozen=True)
class DealEvaluation:
    """Everything ``evaluate`` says about one deal (see the module docstring).

    ``dominated_by`` (frontier points dominating the deal) and ``nearest_dominating`` are
    None, and ``frontier_complete`` False, when the box frontier was not finished in time;
    the Nash improvement is then None too. ``improvements`` maps ``max_min_gain`` and
    ``nash`` to an :class:`Alternative` or None (no feasible deal is at least as good for
    every party, or, for a feasible deal, none is better for anyone: it is Pareto-optimal).
    ``max_min_complete`` is False when the time limit ended the search for the largest
    minimum gain (``max_min_gain`` and the max-min improvement are then None).
    ``nearest_feasible`` is empty for a feasible deal; ``nearest_distance`` is the number
    of issues its nearest feasible deals change (None: feasible, or no feasible deal at all).
    """

    name: str
    label: str
    description: str | None
    sources: tuple[str, ...]
    source: str | None
    deal: Mapping[str, Value]
    utilities: Mapping[str, Fraction]
    gains: Mapping[str, Fraction]  # over each party's no-deal value
    parts: Mapping[str, tuple[Part, ...]]
    broken: tuple[Broken, ...]
    acceptable: bool
    #: Under an acceptance rule, for a feasible deal (None otherwise): the accepting parties
    #: without whom it would fail (when it passes), or the counted parties that reject it
    #: (when it does not): :mod:`dealopt.analysis.acceptance`.
    pivotal: tuple[str, ...] | None
    blockers: tuple[str, ...] | None
    pareto_optimal: bool
    max_min_gain: Fraction | None
    max_min_complete: bool
    dominated_by: int | None
    nearest_dominating: Alternative | None
    frontier_complete: bool
    improvements: Mapping[str, Alternative | None]
    nearest_feasible: tuple[Alternative, ...] = ()
    nearest_distance: int | None = None
    nearest_count: int = 0
    nearest_complete: bool = True

    @property
    def feasible(self) -> bool:
        return not self.broken


DealLike = str | NamedDeal | Mapping[str, Value]


def evaluate(
    instance: Instance | str | Path,
    deal: DealLike | Sequence[DealLike] | None = None,
    *,
    backend: str = "auto",
    time_limit: float | None = None,
    threads: int | None = None,
    seed: int | None = None,
    progress: Progress | None = None,
) -> Evaluation:
    """Evaluate deals of ``instance`` against its exact frontier (see the module docstring).

    ``deal``: a named deal of the instance (its name, or the :class:`NamedDeal`), a mapping
    ``{issue: option}`` (issues left out take the status quo), a text ``"issue=option, ..."``,
    or a list of these; None evaluates every named deal of the instance (the status quo when
    it names none). ``time_limit`` bounds the whole evaluation; what it cuts short is
    reported as not computed. ``progress``: the command's shared deadline (instead of
    ``time_limit``), told which deal is being judged.
    """
    if isinstance(instance, str | Path):
        from dealopt.api import load

        instance = load(instance)
    deals = _named(instance, deal)
    space = Space.build(
        instance,
        backend=backend,
        time_limit=time_limit,
        threads=threads,
        seed=seed,
        progress=progress,
    )
    judged = []
    for d in deals:
        space.progress.phase(f"evaluating {d.name}")
        judged.append(_Judge(space, d).run())
    parties = tuple(instance.parties)
    return Evaluation(
        instance_name=instance.name,
        parties={p: instance.parties[p].label for p in parties},
        issues=tuple(instance.issues),
        status_quo=instance.status_quo,
        no_deal=space.no_deal,
        deals=tuple(judged),
        backend=space.backend_name,
        solver_calls=space.calls,
        seconds=space.elapsed(),
        resolution={
            p: (space.model.resolution[k] if space.model.resolution else Fraction(0))
            for k, p in enumerate(parties)
        },
        acceptance=None if instance.acceptance.unanimous else acc.describe(instance.acceptance),
        staged=dict(instance.staged),
        has_status_quo=instance.has_status_quo,
        scales={p: Fraction(i.scale) for p, i in instance.interests.items()},
    )


@dataclass(frozen=True)
class NamedPoint:
    """A named deal where the plots and tables show it: exact utilities and verdicts from the
    rules oracle alone (no solver)."""

    name: str
    label: str
    deal: Mapping[str, Value]
    utilities: Mapping[str, Fraction]
    feasible: bool
    acceptable: bool


def named_points(instance: Instance, oracle: Oracle | None = None) -> tuple[NamedPoint, ...]:
    """Every named deal of ``instance`` with its exact utilities, feasibility and
    acceptability, for markers on the frontier plots; no solver runs."""
    oracle = oracle or Oracle(instance)
    out = []
    for named in instance.deals.values():
        deal = named.deal(instance.issues)
        utilities = oracle.utilities(deal)
        feasible = oracle.is_feasible(deal)
        acceptable = oracle.is_acceptable(deal)  # feasible, and passed by the rule
        out.append(NamedPoint(named.name, named.label, deal, utilities, feasible, acceptable))
    return tuple(out)


def _named(instance: Instance, deal: DealLike | Sequence[DealLike] | None) -> list[NamedDeal]:
    from dealopt.spec.deals import named_deal

    if deal is None:
        if instance.deals:
            return list(instance.deals.values())
        if not instance.has_status_quo:
            raise UsageError(
                "the instance has no status quo (status_quo: none) and no named deals: give "
                "the deal to evaluate, every issue's option ('issue=option, ...')"
            )
        return [NamedDeal("status_quo", "the status quo", frozen_map())]
    single = isinstance(deal, str | NamedDeal | Mapping)
    items: Iterable[DealLike] = [deal] if single else deal  # type: ignore[list-item,assignment]
    out = []
    for k, item in enumerate(items):
        if isinstance(item, NamedDeal):
            out.append(item)
        elif isinstance(item, str):
            out.append(named_deal(instance, item))
        else:
            unknown = [i for i in item if i not in instance.issues]
            if unknown:
                from dealopt.errors import did_you_mean

                hint = did_you_mean(str(unknown[0]), instance.issues)
                raise UsageError(
                    f"unknown issue {unknown[0]!r} in deal {k + 1}" + (f" ({hint})" if hint else "")
                )
            out.append(NamedDeal(f"deal_{k + 1}", f"deal {k + 1}", frozen_map(item)))
    if not out:
        raise UsageError("no deal to evaluate")
    if not instance.has_status_quo:  # nothing to fill the issues a deal leaves out
        for d in out:
            missing = [i for i in instance.issues if i not in d.choices]
            if missing:
                raise UsageError(
                    f"deal {d.label!r} leaves out {', '.join(missing)}: the instance has no "
                    "status quo (status_quo: none) to fill them, so give every issue's option"
                )
    return out


class _Judge:
    """The evaluation of one deal over one :class:`Space`."""

    def __init__(self, space: Space, named: NamedDeal):
        self.space = space
        self.named = named
        self.instance = space.instance
        self.parties = space.parties
        self.deal: Deal = named.deal(self.instance.issues)
        space.oracle.validate_deal(self.deal)
        self.u: Utilities = space.oracle.utilities(self.deal)
        self.stopped = False  # the time limit ended the max-min-gain search

    # ------------------------------------------------------------------ the deal itself

    def run(self) -> DealEvaluation:
        space, oracle = self.space, self.space.oracle
        nd = space.no_deal
        broken = tuple(_broken(r) for r in oracle.violations(self.deal))
        acceptable = not broken and oracle.is_acceptable(self.deal)
        pivotal = blockers = None
        rule = self.instance.acceptance
        if not rule.unanimous and not broken:  # who decides, said only under a stated rule
            yes = oracle.accepting(self.deal)
            if acceptable:
                pivotal = acc.pivotal(rule, yes, self.parties)
            else:
                blockers = acc.blockers(rule, yes, self.parties)
        best, small = self.max_min_gain()
        improvements: dict[str, Alternative | None] = dict.fromkeys(IMPROVEMENTS)
        if small is not None:
            vectors = [[pt.utilities[p] for p in self.parties] for pt in small.points]
            k = egalitarian(vectors, [self.u[p] for p in self.parties])
            if k is not None:
                improvements["max_min_gain"] = self.alternative(small, k)
        dominated_by, nearest_dom, complete = None, None, False
        try:
            box = space.zone(no_deal=self.u, everyone=True)
        except TimeUp:
            box = None
        if box is not None:
            complete = True
            same = [i for i, pt in enumerate(box.points) if dict(pt.utilities) == self.u]
            dominating = [i for i in range(len(box.points)) if i not in same]
            dominated_by = len(dominating)
            if dominating:
                nearest_dom = self.alternative(box, min(dominating, key=self._distance(box)))
            k = box.solutions.get("nash")
            if k is not None:
                improvements["nash"] = self.alternative(box, k)
        if not broken:  # a feasible deal: an improvement must make someone better off
            for name, alt in improvements.items():
                if alt is not None and not any(alt.changes.values()):
                    improvements[name] = None
        pareto = not broken and best is not None and improvements["max_min_gain"] is None
        nearest, distance, count, near_complete = (), None, 0, True
        if broken:
            nearest, distance, count, near_complete = self.nearest_feasible()
        return DealEvaluation(
            name=self.named.name,
            label=self.named.label,
            description=self.named.description,
            sources=self.named.sources,
            source=str(self.named.source) if self.named.source else None,
            deal=self.deal,
            utilities=self.u,
            gains={p: self.u[p] - nd[p] for p in self.parties},
            parts=self.parts(),
            broken=broken,
            acceptable=acceptable,
            pivotal=pivotal,
            blockers=blockers,
            pareto_optimal=pareto,
            max_min_gain=best,
            max_min_complete=not self.stopped,
            dominated_by=dominated_by,
            nearest_dominating=nearest_dom,
            frontier_complete=complete,
            improvements=improvements,
            nearest_feasible=nearest,
            nearest_distance=distance,
            nearest_count=count,
            nearest_complete=near_complete,
        )

    def parts(self) -> dict[str, tuple[Part, ...]]:
        """Each party's utility split into issues and terms (they sum to the utility)."""
        return utility_parts(self.space.oracle, self.deal)

    # ------------------------------------------------------------------ improvements

    def _bounds(self, floor: Mapping[str, Fraction], strict: bool = False) -> dict:
        """Objective bounds for ``u_p >= floor_p`` (``> floor_p`` when ``strict``)."""
        space = self.space
        out = {}
        for k, p in enumerate(self.parties):
            if strict and space.exact:
                scaled = floor[p] * space.model.scales[k]
                out[k] = (math.floor(scaled) + 1, None)
            else:
                out[k] = (space.floor(k, floor[p]), None)
        return out

    def _probe(self, t: Fraction, strict: bool = False) -> Fraction | None:
        """The least gain of a feasible deal whose every gain is ``>= t`` (``> t``), or None
        when the backend proves there is none."""
        space = self.space
        floor = {p: self.u[p] + t for p in self.parties}
        solution = space.solve({}, bounds=self._bounds(floor, strict))
        if solution is None:
            return None
        assert solution.values is not None
        _, utilities = space.checked(solution.values)
        return min(utilities[p] - self.u[p] for p in self.parties)

    def max_min_gain(self) -> tuple[Fraction | None, Zone | None]:
        """The largest minimum gain ``t*`` (None: no feasible deal is at least as good for
        every party) and the frontier inside ``u >= u(x) + t*``."""
        space = self.space
        try:
            lo = self._probe(Fraction(0))
            if lo is None or lo < 0:  # below 0 only when rounding widened the bounds
                return None, None
            # Exclusive upper end: no party can gain more than its objective's range allows.
            hi = (
                min(
                    Fraction(space.model.objective_bounds[k][1]) / space.model.scales[k] - self.u[p]
                    for k, p in enumerate(self.parties)
                )
                + 1
            )
            step = Fraction(1, math.lcm(*(s.numerator for s in space.model.scales)))
            for _ in range(MAX_PROBES):
                if hi - lo > step:
                    mid = (lo + hi) / 2
                    found = self._probe(mid)
                    if found is None:
                        hi = mid
                    else:
                        lo = max(lo, found)
                    continue
                found = self._probe(lo, strict=True)
                if found is None or found <= lo:
                    break
                lo = found
            floor = {p: self.u[p] + lo for p in self.parties}
            return lo, space.zone(no_deal=floor, everyone=True)
        except TimeUp:
            self.stopped = True
            return None, None

    def alternative(self, zone: Zone, k: int) -> Alternative:
        """Point ``k`` of ``zone`` as an :class:`Alternative`, its deal the first in
        enumeration order among those attaining the point."""
        point = zone.points[k]
        deal = dict(point.deal)
        try:
            deals, _ = self.space.deals_at(point, DEALS_CAP)
        except TimeUp:
            deals = []
        if deals:
            model, decoder = self.space.model, self.space.decoder
            deal = dict(min(deals, key=lambda d: deal_key(model, decoder.encode(d[0])))[0])
        return self.beside(deal, point.utilities)

    def beside(self, deal: Mapping[str, Value], utilities: Mapping[str, Fraction]) -> Alternative:
        return Alternative(
            deal=dict(deal),
            utilities=dict(utilities),
            changes={p: utilities[p] - self.u[p] for p in self.parties},
            moves=moves(self.instance, self.deal, deal),
        )

    def _distance(self, zone: Zone):
        def distance(i: int) -> tuple[Fraction, int]:
            u = zone.points[i].utilities
            return (sum(((u[p] - self.u[p]) ** 2 for p in self.parties), Fraction(0)), i)

        return distance

    # ------------------------------------------------------------------ infeasible deals

    def nearest_feasible(self) -> tuple[tuple[Alternative, ...], int | None, int, bool]:
        """The feasible deals that change the fewest issues of the deal, the least costly
        first (largest smallest change, then largest total change, then enumeration order);
        their distance, how many there are and whether all were looked at."""
        space = self.space
        model = space.model
        keep = LinExpr(
            tuple(
                (group[self.instance.issues[i].values.index(self.deal[i])], 1)
                for i, group in zip(space.issues, model.choices, strict=True)
            )
        )
        n = len(model.choices)
        extended = replace(
            model,
            objectives=(*model.objectives, keep),
            scales=(*model.scales, Fraction(1)),
            objective_bounds=(*model.objective_bounds, (0, n)),
            resolution=(*(model.resolution or (Fraction(0),) * len(model.objectives)), Fraction(0)),
        )
        try:
            session = space.new_session(extended)
            k = len(model.objectives)
            best = space.solve({k: 1}, session=session, bounds={})
            if best is None:
                return (), None, 0, True
            assert best.objectives is not None
            kept = best.objectives[k]
            space.remaining()
            values, complete = session.solutions(bounds={k: (kept, kept)}, limit=NEAREST_CAP)
        except TimeUp:
            return (), None, 0, False
        found = [self.beside(*space.checked(v)) for v in values]  # in enumeration order
        order = sorted(
            range(len(found)),
            key=lambda i: (
                -min(found[i].changes.values(), default=Fraction(0)),
                -sum(found[i].changes.values(), Fraction(0)),
                i,
            ),
        )
        shown = tuple(found[i] for i in order[:NEAREST_SHOWN])
        return shown, n - kept, len(found), complete


def moves(
    instance: Instance, base: Mapping[str, Value], deal: Mapping[str, Value]
) -> tuple[Move, ...]:
    """The issues ``deal`` changes from ``base``: who gives and who gains on each (the
    exchange structure of :mod:`dealopt.analysis.alignments`, measured from ``base``)."""
    out = []
    for m in structure(instance, deal, base):
        if not m.moved:
            continue
        change = {}
        for party, interest in instance.interests.items():
            if m.issue in interest.weights:
                w = Fraction(interest.weights[m.issue])
                after = w * Fraction(interest.score(m.issue, deal[m.issue]))
                change[party] = after - w * Fraction(interest.score(m.issue, base[m.issue]))
        out.append(Move(m.issue, base[m.issue], deal[m.issue], m.gives, m.gains, change))
    return tuple(out)


def moves_in_words(moves_: Sequence[Move], labels: Mapping[str, str]) -> str:
    """``Russia gives ukraine_support (withdraw) to United States; ...`` for a list of moves."""
    issue_moves = [IssueMove(m.issue, True, m.gives, m.gains) for m in moves_]
    options = {m.issue: [m.after] for m in moves_}
    return words(issue_moves, labels, options, unmoved=False)


def _broken(rule) -> Broken:
    text = rule.rule
    source = str(text.source) if text.source is not None else None
    return Broken(rule.kind, rule.owner, rule.label, text.text, source)
