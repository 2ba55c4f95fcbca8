"""Acceptance rules: who must prefer a deal to no deal for it to pass.

A party *accepts* a feasible deal when its utility is at least its no-deal value. The
instance's :class:`~dealopt.spec.model.Acceptance` says which sets of accepting parties pass a
deal (vetoes, "at least k of", weighted thresholds; by default every party). The rule is
monotone, so a deal that Pareto-dominates a passing deal passes too; hence the zone, the
Pareto-optimal deals the rule passes, is also the Pareto frontier of the passing deals.

Words used in the output:

* **veto players**: the parties every passing deal needs (without their acceptance no deal
  passes, whoever else accepts). With unanimity, every party.
* **pivotal** parties of a zone deal: the accepting parties without whose acceptance that deal
  would fail; raising a pivotal party's no-deal value above its utility of the deal drops the
  deal from the zone. The zone's pivotal parties are those pivotal for at least one zone deal.
* **blockers** of a frontier deal outside the zone: the parties the rule counts that reject it
  (utility below their no-deal value).

Bargaining solutions under a rule (see :mod:`dealopt.analysis.bargaining`): Nash,
Kalai–Smorodinsky and egalitarian are computed over the veto players' gains, the others'
utilities reported; utilitarian over every party. Without a veto player those three are not
defined (None): such a rule gives no party a share it can insist on.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

from dealopt.analysis.bargaining import SOLUTIONS, Vector
from dealopt.spec.model import Acceptance


def accepting(utilities: Mapping[str, Fraction], no_deal: Mapping[str, Fraction]) -> set[str]:
    """The parties whose utility is at least their no-deal value."""
    return {p for p, u in utilities.items() if u >= no_deal[p]}


def veto_players(rule: Acceptance, parties: Sequence[str]) -> tuple[str, ...]:
    """The parties without whose acceptance no deal passes (in ``parties``' order)."""
    everyone = set(parties)
    return tuple(p for p in parties if not rule.passes(everyone - {p}, parties))


def minimal_coalitions(rule: Acceptance, parties: Sequence[str]) -> tuple[frozenset[str], ...]:
    """The rule's minimal winning coalitions: the sets of parties whose acceptance passes a
    deal, none of whose proper subsets does (smallest first, then in ``parties``' order).

    Only the parties the rule counts can matter, so the subsets of those are tried: a rule
    counts few parties (2^n sets; a negotiation has a handful of parties).
    """
    if rule.unanimous:
        return (frozenset(parties),)
    counted = rule.counted(parties)
    found: list[frozenset[str]] = []
    for size in range(len(counted) + 1):
        for combo in combinations(counted, size):
            c = frozenset(combo)
            if any(f <= c for f in found):
                continue
            if rule.passes(c, parties):
                found.append(c)
    return tuple(found)


def pivotal(rule: Acceptance, accepted: Collection[str], parties: Sequence[str]) -> tuple[str, ...]:
    """For a passing set of accepting parties: those whose acceptance it cannot lose."""
    yes = set(accepted)
    return tuple(p for p in parties if p in yes and not rule.passes(yes - {p}, parties))


def blockers(
    rule: Acceptance, accepted: Collection[str], parties: Sequence[str]
) -> tuple[str, ...]:
    """The parties the rule counts that do not accept (for a deal the rule does not pass)."""
    yes = set(accepted)
    return tuple(p for p in rule.counted(parties) if p not in yes)


def solutions(
    rule: Acceptance, points: Sequence[Vector], d: Vector, parties: Sequence[str]
) -> dict[str, int | None]:
    """The four bargaining solutions over the zone ``points`` under ``rule`` (module
    docstring); indices into ``points``."""
    if rule.unanimous:
        return {name: pick(points, d) for name, pick in SOLUTIONS.items()}
    vetoes = set(veto_players(rule, parties))
    among = [k for k, p in enumerate(parties) if p in vetoes]
    return {name: pick(points, d, among) for name, pick in SOLUTIONS.items()}


@dataclass(frozen=True)
class AcceptanceSummary:
    """What a result says about a non-default acceptance rule.

    ``clauses``: the rule in words, one clause each; ``veto_players``: see the module
    docstring; ``pivotal``: the zone's pivotal parties.
    """

    clauses: tuple[str, ...]
    veto_players: tuple[str, ...]
    pivotal: tuple[str, ...]


def summarise(
    rule: Acceptance, parties: Sequence[str], accepted: Sequence[Collection[str]]
) -> AcceptanceSummary:
    """The summary of a rule over a zone, given each zone deal's accepting parties."""
    zone_pivotal = {p for yes in accepted for p in pivotal(rule, yes, parties)}
    return AcceptanceSummary(
        describe(rule),
        veto_players(rule, parties),
        tuple(p for p in parties if p in zone_pivotal),
    )


def describe(rule: Acceptance) -> tuple[str, ...]:
    """The rule in words, one clause each."""
    out = [f"{p} must accept" for p in rule.veto]
    out += [c.label for c in rule.at_least]
    out += [w.label for w in rule.weighted]
    return tuple(out)
