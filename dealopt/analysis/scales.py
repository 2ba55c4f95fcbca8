"""Each party's utility scale, for ``dealopt check``: no solver, only the rules layer.

A party's range is the interval bound of its utility over every deal (rules and red lines
ignored; see :func:`dealopt.rules.bounds.utility_bounds`). Two things on these scales are
almost always modelling mistakes and are worth a warning (not an error: a model may mean them):

* one party's range is many times wider than another's (an issue scored ``linear`` over a
  range of hundreds, beside parties scored 0-100): bargaining solutions that compare gains
  (egalitarian, utilitarian) are then dominated by the wide party;
* a no-deal value outside its party's range: the party accepts every deal, or none.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from dealopt.rules.bounds import utility_bounds
from dealopt.rules.oracle import Oracle
from dealopt.spec.model import Instance

WIDTH_FACTOR = 3
"""Warn when the widest party's range is more than this many times the narrowest's (the
bundled Helsinki instance is at 1.4; the mis-scored draft this was made for at 5.6)."""


@dataclass(frozen=True)
class Scale:
    """One party's utility scale: its range over all deals, status quo and no-deal value."""

    party: str
    label: str
    low: Fraction
    high: Fraction
    status_quo: Fraction
    no_deal: Fraction

    @property
    def width(self) -> Fraction:
        return self.high - self.low


@dataclass(frozen=True)
class Scales:
    """Every party's :class:`Scale`, in file order, and the warnings about them."""

    parties: tuple[Scale, ...]
    warnings: tuple[str, ...]


def scales(instance: Instance, oracle: Oracle | None = None) -> Scales:
    """The parties' utility scales and what looks wrong about them (see the module doc)."""
    oracle = oracle or Oracle(instance)
    ranges = utility_bounds(oracle.checked)
    at_status_quo = oracle.utilities(instance.status_quo)
    parties = tuple(
        Scale(
            party,
            instance.parties[party].label,
            ranges[party][0],
            ranges[party][1],
            at_status_quo[party],
            oracle.no_deal(party),
        )
        for party in instance.parties
    )
    warnings = []
    widest = max(parties, key=lambda s: s.width, default=None)
    narrowest = min(parties, key=lambda s: s.width, default=None)
    if (
        widest is not None
        and narrowest is not None
        and widest.width > WIDTH_FACTOR * narrowest.width
    ):
        if narrowest.width:
            ratio = float(widest.width / narrowest.width)
            spans = f"spans {ratio:.1f} times the range of {narrowest.label}'s"
        else:
            spans = f"varies while {narrowest.label}'s is the same in every deal"
        warnings.append(
            f"{widest.label}'s utility {spans}: check its scores and "
            "weights (an issue scored `linear` over a wide range?); the egalitarian and "
            "utilitarian deals compare raw gains"
        )
    for s in parties:
        if not s.low <= s.no_deal <= s.high:
            side = "above" if s.no_deal > s.high else "below"
            verdict = "no deal can satisfy it" if side == "above" else "every deal beats it"
            warnings.append(
                f"{s.label}'s no-deal value is {side} every utility it can reach: {verdict}"
            )
    return Scales(parties, tuple(warnings))
