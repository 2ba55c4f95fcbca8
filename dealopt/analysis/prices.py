"""The price of each red line: what it costs the other parties, what it protects for its owner.

For every red line, the zone and its bargaining solutions are recomputed with that one red line
dropped (every other rule and red line kept, the no-deal conditions kept): the difference in
zone points, and, for each party, the rise of its best zone utility (its ideal) and of its Nash
utility. A rise for another party is what the red line costs it; a fall for the owner is what
the red line protects.

Solver work: one session of the switched model (:mod:`dealopt.analysis.switches`) for all red
lines; per red line, one exact frontier search inside the no-deal bounds with every switch but
that red line's assumed (``N + 1`` solves for ``N`` points with two parties).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from dealopt.analysis.space import Space
from dealopt.analysis.switches import Element, Switched, build_switched
from dealopt.analysis.zone import Zone


@dataclass(frozen=True)
class RedLinePrice:
    """One red line dropped: the zone without it, compared with the zone with it."""

    red_line: Element
    zone: Zone

    def best(self, party: str) -> Fraction | None:
        return self.zone.best(party)

    def nash(self, party: str) -> Fraction | None:
        point = self.zone.solution("nash")
        return None if point is None else point.utilities[party]


@dataclass(frozen=True)
class Prices:
    """The price of every red line against the base zone."""

    base: Zone
    prices: tuple[RedLinePrice, ...]

    def zone_gain(self, price: RedLinePrice) -> int:
        """How many more zone points without the red line (negative: fewer)."""
        return len(price.zone) - len(self.base)

    def rise(self, price: RedLinePrice, party: str, what: str) -> Fraction | None:
        """How much ``party``'s ``best`` or ``nash`` utility rises without the red line
        (None when either zone is empty)."""
        before = self.base.best(party) if what == "best" else _nash(self.base, party)
        after = price.best(party) if what == "best" else price.nash(party)
        if before is None or after is None:
            return None
        return after - before


def _nash(zone: Zone, party: str) -> Fraction | None:
    point = zone.solution("nash")
    return None if point is None else point.utilities[party]


def red_line_prices(space: Space, base: Zone, switched: Switched | None = None) -> Prices:
    """The price of every red line of ``space``; see the module docstring."""
    sw = switched or build_switched(space)
    hard = [i for i, e in enumerate(sw.elements) if e.kind != "no_deal"]
    out = []
    for i in hard:
        e = sw.elements[i]
        if e.kind != "red_line":
            continue
        zone = space.zone(
            session=sw.session,
            assumptions=sw.assumptions(j for j in hard if j != i),
            dropped=frozenset({e.key}),
        )
        out.append(RedLinePrice(e, zone))
    return Prices(base, tuple(out))
