"""What it would take: the smallest change of one party's no-deal value that opens a zone.

When feasible deals exist but none is acceptable, for each party ``p`` (the others' no-deal
values fixed): the best ``p`` can get is ``m_p = max u_p`` over the feasible deals that give
every other party at least its no-deal value (one optimisation solve). A zone opens exactly
when ``p``'s no-deal value drops to ``m_p`` or below, so the smallest decrease is
``d_p - m_p``; if no feasible deal satisfies the others' no-deal values, no decrease of ``d_p``
alone opens a zone. At ``d_p = m_p`` the zone is recomputed (frontier inside the new bounds) and
its Nash deal is the deal that would then be agreed (``p`` gets exactly ``m_p`` in it).

When the zone is not empty the mirror question is answered instead: how far each party's
no-deal value could *rise* before the zone closes, which is its best utility in the zone.
When no deal is feasible at all, no no-deal value matters: the conflicts say what must give.

Under an acceptance rule (:mod:`dealopt.analysis.acceptance`) the same questions are asked of
the rule's zone. Opening: lowering ``d_p`` helps only through the minimal winning coalitions
that hold ``p`` (the others' boxes do not move, and are empty when there is no zone), so
``m_p`` is the best ``u_p`` over the feasible deals that satisfy the no-deal values of the
rest of one such coalition; None when ``p`` is in none (the rule passes no deal whatever ``p``
wants). Headroom: ``d_p`` can rise up to ``p``'s best zone utility when ``p`` is pivotal in
every zone deal; otherwise some zone deal passes without ``p`` and no rise of ``d_p`` alone
closes the zone (``highest`` is None: no limit).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from dealopt.analysis.space import Space
from dealopt.analysis.zone import Zone


@dataclass(frozen=True)
class Opening:
    """One party's smallest no-deal decrease that opens a zone, and the zone it opens."""

    party: str
    no_deal: Fraction
    reachable: Fraction | None  # max u_p given the others' no-deal values; None: impossible
    zone: Zone | None = None

    @property
    def decrease(self) -> Fraction | None:
        return None if self.reachable is None else self.no_deal - self.reachable


@dataclass(frozen=True)
class Headroom:
    """With a zone: the highest no-deal value of ``party`` that keeps a zone (others fixed)."""

    party: str
    no_deal: Fraction
    highest: Fraction | None  # None: the rule passes a zone deal without this party

    @property
    def rise(self) -> Fraction | None:
        return None if self.highest is None else self.highest - self.no_deal


@dataclass(frozen=True)
class WhatItTakes:
    """``status``: ``"zone"`` (headroom given), ``"no-acceptable-deal"`` (openings given) or
    ``"no-feasible-deal"`` (nothing about no-deal values helps)."""

    status: str
    openings: tuple[Opening, ...] = ()
    headroom: tuple[Headroom, ...] = ()


def what_it_takes(space: Space, zone: Zone, feasible: bool) -> WhatItTakes:
    """See the module docstring. ``zone`` is the instance's zone; ``feasible`` whether any
    deal satisfies every rule and red line."""
    nd = space.no_deal
    if len(zone):
        return WhatItTakes(
            "zone",
            headroom=tuple(Headroom(p, nd[p], _highest(space, zone, p)) for p in space.parties),
        )
    if not feasible:
        return WhatItTakes("no-feasible-deal")
    openings = []
    floors = space.floors
    for k, party in enumerate(space.parties):
        reachable = None
        for coalition in space.coalitions:
            if party not in coalition:
                continue
            others = {j: b for j, b in floors.items() if j != k and space.parties[j] in coalition}
            found = space.maximise(party, bounds=others)
            if found is not None and (reachable is None or found[1][party] > reachable):
                reachable = found[1][party]
        if reachable is None:
            openings.append(Opening(party, nd[party], None))
            continue
        lowered = {**nd, party: reachable}
        openings.append(Opening(party, nd[party], reachable, space.zone(no_deal=lowered)))
    return WhatItTakes("no-acceptable-deal", openings=tuple(openings))


def _highest(space: Space, zone: Zone, party: str) -> Fraction | None:
    """The highest no-deal value of ``party`` that keeps the zone open (module docstring)."""
    from dealopt.analysis.acceptance import accepting

    rule, parties = space.instance.acceptance, space.parties
    for point in zone.points:
        yes = accepting(point.utilities, zone.no_deal) - {party}
        if rule.passes(yes, parties):
            return None
    return zone.best(party)
