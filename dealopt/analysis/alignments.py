"""Alignments: deals grouped by exchange structure.

The *exchange structure* of a deal says, for every issue, whether it moves from the status quo
and, if it does, which parties concede on it and which gain. A party *concedes* on an issue
when its score there (weight × score of the chosen option, the issue's part of its utility)
falls below its status-quo score, and *gains* when it rises; an issue that moves although no
party's score changes is "moved, neutral". Utility terms (interactions, visibility credits)
are not split by issue, so they do not enter the structure: they enter the utilities.

Without a status quo (``status_quo: none``, as in GENIUS) nothing moves *from* anything, so the
structure says instead, for every issue, which parties *have their way* on it (the chosen option
is the one they score highest there) and which give way (they weigh the issue and get less than
their best): who wins which issue, the logroll. An issue on which no party gets its best is a
compromise.

An *alignment* is a group of zone deals with the same structure. The zone's deals are every
deal attaining a zone point (``Space.deals_at``, one enumeration per point, capped). The same
grouping over ALL acceptable deals (``Space.acceptable_deals``: one enumeration, capped) tells
whether the zone's structures are the only ways to agree or only the Pareto-optimal ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from dealopt.spec.model import Instance, Value


@dataclass(frozen=True)
class IssueMove:
    """One issue in one structure: moved or not, and who concedes and gains on it.

    ``basis`` ``"best"`` (an instance without a status quo): ``gains`` are the parties that
    have their way on the issue (their best option there is chosen), ``gives`` those that weigh
    it and give way; ``moved`` is then always True (every issue is part of the exchange).
    """

    issue: str
    moved: bool
    gives: tuple[str, ...] = ()
    gains: tuple[str, ...] = ()
    basis: Literal["status_quo", "best"] = "status_quo"

    @property
    def neutral(self) -> bool:
        return self.moved and not self.gives and not self.gains

    def describe(self, labels: Mapping[str, str]) -> str:
        """``unmoved``, ``moved, neutral``, or ``Russia gives, United States gains``; without
        a status quo ``United States has its way``, ``a compromise``."""
        if self.basis == "best":
            return _way(self, labels)
        if not self.moved:
            return "unmoved"
        if self.neutral:
            return "moved, neutral"
        parts = []
        if self.gives:
            verb = "gives" if len(self.gives) == 1 else "give"
            parts.append(f"{_and([labels[p] for p in self.gives])} {verb}")
        if self.gains:
            verb = "gains" if len(self.gains) == 1 else "gain"
            parts.append(f"{_and([labels[p] for p in self.gains])} {verb}")
        return ", ".join(parts)


Structure = tuple[IssueMove, ...]


def _way(move: IssueMove, labels: Mapping[str, str]) -> str:
    if move.neutral:
        return "no party's score depends on it"
    if not move.gains:
        return "a compromise"
    if not move.gives:
        return "both have their way" if len(move.gains) == 2 else "every party has its way"
    if len(move.gains) == 1:
        return f"{labels[move.gains[0]]} has its way"
    return f"{_and([labels[p] for p in move.gains])} have their way"


def _best_structure(instance: Instance, deal: Mapping[str, Value]) -> Structure:
    """Who has its way on each issue (see the module docstring): no status quo to move from."""
    out = []
    for name, issue in instance.issues.items():
        gives, gains = [], []
        for party in instance.parties:
            interest = instance.interests.get(party)
            if interest is None or name not in interest.weights:
                continue
            weight = Fraction(interest.weights[name])
            parts = {v: weight * Fraction(interest.score(name, v)) for v in issue.values}
            if len(set(parts.values())) == 1:
                continue  # indifferent: it neither has its way nor gives way
            (gains if parts[deal[name]] == max(parts.values()) else gives).append(party)
        out.append(IssueMove(name, True, tuple(gives), tuple(gains), "best"))
    return tuple(out)


def structure(
    instance: Instance, deal: Mapping[str, Value], base: Mapping[str, Value] | None = None
) -> Structure:
    """The exchange structure of ``deal`` (see the module docstring): its moves from the
    status quo, or from ``base`` when given (a deal on the table, for its improvements); for
    an instance without a status quo and no ``base``, who has its way on each issue."""
    if base is None and not instance.has_status_quo:
        return _best_structure(instance, deal)
    out = []
    for name, issue in instance.issues.items():
        value, sq = deal[name], issue.status_quo if base is None else base[name]
        if value == sq:
            out.append(IssueMove(name, False))
            continue
        gives, gains = [], []
        for party in instance.parties:
            interest = instance.interests.get(party)
            if interest is None or name not in interest.weights:
                continue
            weight = Fraction(interest.weights[name])
            now = weight * Fraction(interest.score(name, value))
            before = weight * Fraction(interest.score(name, sq))
            if now < before:
                gives.append(party)
            elif now > before:
                gains.append(party)
        out.append(IssueMove(name, True, tuple(gives), tuple(gains)))
    return tuple(out)


@dataclass(frozen=True)
class Alignment:
    """Deals sharing one structure: the structure, the deals, each party's utility range."""

    structure: Structure
    deals: tuple[tuple[Mapping[str, Value], Mapping[str, Fraction]], ...]

    @property
    def size(self) -> int:
        return len(self.deals)

    def options(self, issue: str, order: Sequence[Value]) -> tuple[Value, ...]:
        """The values ``issue`` takes in this alignment's deals, in the issue's order."""
        used = {d[issue] for d, _ in self.deals}
        return tuple(v for v in order if v in used)

    def utility_range(self, party: str) -> tuple[Fraction, Fraction]:
        values = [u[party] for _, u in self.deals]
        return min(values), max(values)


def group(instance: Instance, deals: Sequence[tuple[Mapping, Mapping]]) -> list[Alignment]:
    """Deals grouped by structure; largest group first, ties in order of first appearance."""
    groups: dict[Structure, list] = {}
    for deal, utilities in deals:
        groups.setdefault(structure(instance, deal), []).append((deal, utilities))
    order = {s: k for k, s in enumerate(groups)}
    ranked = sorted(groups, key=lambda s: (-len(groups[s]), order[s]))
    return [Alignment(s, tuple(groups[s])) for s in ranked]


def shared(structures: Sequence[Structure]) -> tuple[list[IssueMove], list[str]]:
    """The issue moves every structure has in common, and the issues on which they differ."""
    if not structures:
        return [], []
    common, differ = [], []
    for k, move in enumerate(structures[0]):
        if all(s[k] == move for s in structures[1:]):
            common.append(move)
        else:
            differ.append(move.issue)
    return common, differ


def words(
    moves: Sequence[IssueMove],
    labels: Mapping[str, str],
    options: Mapping[str, Sequence[Value]] | None = None,
    *,
    unmoved: bool = True,
) -> str:
    """Who gives what to whom, in plain words.

    ``Russia gives ukraine_support (withdraw), iran_syria (restore_1974_line) to United States;
    United States gives sanctions (lift_ukraine) to Russia; both gain, no one concedes:
    economic_ties (g8_readmission); moved, no party's score changes: us_announcement (announced);
    unmoved: crimea.`` ``options`` lists the values each issue takes (omitted when None).
    """

    def item(m: IssueMove) -> str:
        if options is None or m.issue not in options:
            return m.issue
        return f"{m.issue} ({', '.join(str(v) for v in options[m.issue])})"

    if any(m.basis == "best" for m in moves):
        return _way_words(moves, labels, item)
    parties = list(labels)
    clauses = []
    for party in parties:
        by_receiver: dict[tuple[str, ...], list[str]] = {}
        for m in moves:
            if m.moved and party in m.gives:
                by_receiver.setdefault(m.gains, []).append(item(m))
        for receivers, items in by_receiver.items():
            to = f" to {_and([labels[p] for p in receivers])}" if receivers else " (no one gains)"
            clauses.append(f"{labels[party]} gives {', '.join(items)}{to}")
    free: dict[tuple[str, ...], list[str]] = {}
    for m in moves:
        if m.moved and not m.gives and m.gains:
            free.setdefault(m.gains, []).append(item(m))
    for gainers, items in free.items():
        if len(gainers) == len(parties) and len(parties) > 1:
            who = "both gain" if len(parties) == 2 else "all gain"
        else:
            who = f"{_and([labels[p] for p in gainers])} gain{'s' if len(gainers) == 1 else ''}"
        clauses.append(f"{who}, no one concedes: {', '.join(items)}")
    neutral = [item(m) for m in moves if m.neutral]
    if neutral:
        clauses.append(f"moved, no party's score changes: {', '.join(neutral)}")
    still = [m.issue for m in moves if not m.moved]
    if unmoved and still:
        clauses.append(f"unmoved: {', '.join(still)}")
    return "; ".join(clauses) if clauses else "nothing moves"


def _way_words(moves: Sequence[IssueMove], labels: Mapping[str, str], item) -> str:
    """Who has its way on which issues: ``landlord has its way on lease_term, move_in_week;
    tenant has its way on furnishing; a compromise (no party's best) on rent, pets``."""
    by_winners: dict[tuple[str, ...], list[str]] = {}
    for m in moves:
        if not m.neutral:
            by_winners.setdefault(m.gains if m.gives else ("*all*",), []).append(item(m))
    clauses = []
    for winners, items in by_winners.items():
        if winners in (("*all*",), ()):
            continue  # said after the issues one side wins
        verb = "has its way" if len(winners) == 1 else "have their way"
        clauses.append(f"{_and([labels[p] for p in winners])} {verb} on {', '.join(items)}")
    if ("*all*",) in by_winners:
        who = "both have their way" if len(labels) == 2 else "every party has its way"
        clauses.append(f"{who} on {', '.join(by_winners[('*all*',)])}")
    if () in by_winners:
        clauses.append(f"a compromise (no party's best) on {', '.join(by_winners[()])}")
    neutral = [item(m) for m in moves if m.neutral]
    if neutral:
        clauses.append(f"no party's score depends on {', '.join(neutral)}")
    return "; ".join(clauses) if clauses else "nothing to say: no party weighs these issues"


def _and(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class Alignments:
    """The zone's alignments and the structures of all acceptable deals.

    ``zone``: alignments of the zone's deals (``zone_deals_complete`` False when a point had
    more deals than the cap). ``acceptable``: alignments of the acceptable deals enumerated
    (``acceptable_complete`` False when the cap cut the enumeration: counts are then lower
    bounds). ``in_zone``: for each acceptable alignment, whether a zone alignment has its
    structure.
    """

    zone: tuple[Alignment, ...]
    zone_deals_complete: bool
    acceptable: tuple[Alignment, ...]
    acceptable_deals: int
    acceptable_complete: bool
    cap: int

    @property
    def only(self) -> bool:
        """Exactly one alignment in the zone: "the only alignment"."""
        return len(self.zone) == 1

    def in_zone(self, alignment: Alignment) -> bool:
        return any(a.structure == alignment.structure for a in self.zone)


def alignments(space, zone, *, cap: int = 10_000, per_point: int = 1_000) -> Alignments:
    """The zone's alignments (every deal of every zone point, up to ``per_point`` each) and
    the structures of the acceptable deals (up to ``cap`` deals); see the module docstring."""
    zone_deals: list[tuple[Mapping, Mapping]] = []
    complete = True
    for point in zone.points:
        deals, ok = space.deals_at(point, per_point)
        complete = complete and ok
        zone_deals.extend(deals)
    acceptable, acceptable_complete = space.acceptable_deals(cap)
    return Alignments(
        zone=tuple(group(space.instance, zone_deals)),
        zone_deals_complete=complete,
        acceptable=tuple(group(space.instance, acceptable)),
        acceptable_deals=len(acceptable),
        acceptable_complete=acceptable_complete,
        cap=cap,
    )


@dataclass(frozen=True)
class NamedAlignment:
    """Where a named deal sits among the alignments: ``zone`` is the index of the zone
    alignment with its exchange structure (None: none has it); ``acceptable`` the index of the
    acceptable deals' structure it shares (None: none enumerated); ``closest`` the zone
    alignment whose structure differs from it on the fewest issues, and ``differs`` those
    issues (empty when it belongs to ``closest``)."""

    name: str
    label: str
    zone: int | None
    acceptable: int | None
    closest: int | None
    differs: tuple[str, ...]


def named_alignments(instance: Instance, found: Alignments) -> tuple[NamedAlignment, ...]:
    """The alignment of each named deal of ``instance`` (by its exchange structure)."""
    out = []
    for named in instance.deals.values():
        mine = structure(instance, named.deal(instance.issues))
        zone = next((k for k, a in enumerate(found.zone) if a.structure == mine), None)
        acceptable = next((k for k, a in enumerate(found.acceptable) if a.structure == mine), None)
        closest, differs = None, ()
        if found.zone:
            gaps = [
                tuple(m.issue for m, n in zip(mine, a.structure, strict=True) if m != n)
                for a in found.zone
            ]
            closest = min(range(len(gaps)), key=lambda k: (len(gaps[k]), k))
            differs = gaps[closest]
        out.append(NamedAlignment(named.name, named.label, zone, acceptable, closest, differs))
    return tuple(out)
