"""What :func:`dealopt.solve` returns: an immutable result, built once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from dealopt.spec.model import Value

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from dealopt.analysis.acceptance import AcceptanceSummary

SCHEMA = "dealopt.result/1"
SOLUTION_NAMES = ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian")


class Status(StrEnum):
    """How far a run got, and what it proved."""

    COMPLETE = "complete"
    """Every nondominated point was found and proven."""
    ZONE = "zone"
    """Only the zone was searched (``zone_only``): every nondominated point at or above every
    party's no-deal value (under an acceptance rule, that the rule passes) was found and
    proven; the frontier outside the zone was not searched."""
    PARTIAL = "partial"
    """Stopped early (time limit or interrupt); every reported point is still proven."""
    NO_FEASIBLE_DEAL = "no-feasible-deal"
    """Proven: no deal satisfies every rule and red line."""
    NO_ACCEPTABLE_DEAL = "no-acceptable-deal"
    """No feasible deal gives every party at least its no-deal value (none that the
    acceptance rule passes, under one). Without ``zone_only``, feasible deals exist; with it,
    deals outside the zone were not searched."""


NUMBERING = (
    "Deals are numbered from 1 in frontier order (the first party's utility highest first), "
    "counting the zone's deals only; when no deal is in the zone, the frontier's."
)
"""How deal numbers are given, in words: every output numbers deals this way (and says so)."""


def deal_numbers(acceptable: Sequence[bool]) -> tuple[int | None, ...]:
    """The deal number of each frontier point (in frontier order), from 1: the zone's points
    are numbered and the others are None; with no zone, every frontier point is numbered.

    The one numbering every output uses (solve, report, explain, evaluate, CSV, JSON).
    """
    if not any(acceptable):
        return tuple(range(1, len(acceptable) + 1))
    out: list[int | None] = []
    n = 0
    for ok in acceptable:
        n += ok
        out.append(n if ok else None)
    return tuple(out)


@dataclass(frozen=True)
class FrontierDeal:
    """One frontier point: a representative deal, the exact utilities, and acceptability.

    ``all_deals`` holds every deal attaining the point when asked for (``all_deals=True``),
    capped; ``all_deals_complete`` says whether the cap left any out.
    """

    deal: Mapping[str, Value]
    utilities: Mapping[str, Fraction]
    acceptable: bool
    all_deals: tuple[Mapping[str, Value], ...] | None = None
    all_deals_complete: bool | None = None
    #: Under an acceptance rule (None without one): for a zone deal, the accepting parties
    #: it cannot lose; for a deal outside the zone, the counted parties that reject it.
    pivotal: tuple[str, ...] | None = None
    blockers: tuple[str, ...] | None = None

    @property
    def utilities_float(self) -> dict[str, float]:
        """The utilities as floats, for arithmetic and plotting (``utilities`` stays exact)."""
        return {p: float(u) for p, u in self.utilities.items()}

    def __repr__(self) -> str:
        utilities = ", ".join(f"{p}={float(u):.4g}" for p, u in self.utilities.items())
        where = "in the zone" if self.acceptable else "outside the zone"
        return f"<FrontierDeal {utilities} ({where})>"


@dataclass(frozen=True)
class Stats:
    """How the run went: backend, algorithm, solver calls, time, sizes, resolution."""

    backend: str
    algorithm: str
    solver_calls: int
    seconds: float
    bundle_space_size: int
    stopped: str | None = None
    #: Largest utility error per party from rounding (all zero when the run is exact).
    resolution: Mapping[str, Fraction] = field(default_factory=dict)
    #: Regions the frontier search was split into and searched at once (0: one search).
    regions: int = 0
    #: Only the zone was searched: the frontier holds the zone's points only.
    zone_only: bool = False


@dataclass(frozen=True)
class Result:
    """The frontier, the zone and the bargaining solutions of one instance.

    ``frontier`` lists the Pareto-optimal feasible deals (one per point, lexicographically
    descending utilities in party order); ``zone`` indexes its acceptable points;
    ``solutions`` maps each bargaining solution to a frontier index (or None).
    """

    instance_name: str
    parties: Mapping[str, str]  # name -> label, in instance order
    issues: tuple[str, ...]
    status_quo: Mapping[str, Value]
    no_deal: Mapping[str, Fraction]
    status: Status
    frontier: tuple[FrontierDeal, ...]
    zone: tuple[int, ...]
    solutions: Mapping[str, int | None]
    stats: Stats
    #: The instance's acceptance rule in words, its veto players and the zone's pivotal
    #: parties; None when every party must accept (no ``acceptance`` section).
    acceptance: AcceptanceSummary | None = None
    #: Staged issues: each one's per-stage issues (in ``issues``), in stage order; empty
    #: when the instance has no stages.
    staged: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: False when the instance has no status quo (``status_quo: none``): deals are then
    #: worded by the options they choose, and ``status_quo`` is only a reference deal.
    has_status_quo: bool = True

    def at_status_quo(self, issue: str, value: Value) -> bool:
        """True when ``value`` is ``issue``'s status quo (never, without a status quo)."""
        return self.has_status_quo and value == self.status_quo[issue]

    def schedule(self, point: FrontierDeal) -> dict[str, dict[str, Value]]:
        """A deal's staged issues as a schedule: staged issue -> stage -> option."""
        from dealopt.spec.model import schedule

        return schedule(point.deal, self.staged)

    def __repr__(self) -> str:
        # one line: the frontier can hold thousands of deals
        return (
            f"<Result {self.instance_name!r}: {self.status}, {len(self.frontier)} frontier "
            f"points, {len(self.zone)} in the zone>"
        )

    def _repr_html_(self) -> str:
        """The notebook view: the summary paragraph and the zone (or frontier) table."""
        from dealopt.report.notebook import result_html

        return result_html(self)

    @property
    def zone_deals(self) -> tuple[FrontierDeal, ...]:
        """The zone as frontier deals (rather than indices)."""
        return tuple(self.frontier[i] for i in self.zone)

    def number(self, index: int) -> int | None:
        """The deal number of frontier point ``index`` (see :data:`NUMBERING`): its place in
        the zone counted from 1, None outside a non-empty zone."""
        return deal_numbers([p.acceptable for p in self.frontier])[index]

    def solution(self, name: str) -> FrontierDeal | None:
        """The frontier deal of a bargaining solution (``"nash"``, ...), or None."""
        index = self.solutions[name]
        return None if index is None else self.frontier[index]

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data in the documented ``dealopt.result/1`` schema."""
        from dealopt.report.json import result_to_dict

        return result_to_dict(self)

    def to_json(self, indent: int | None = 2) -> str:
        """The result as JSON text (``dealopt.result/1``)."""
        import json

        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_frame(self) -> pd.DataFrame:
        """One row per frontier deal: its options, utilities, acceptability and solutions."""
        from dealopt.report.frame import result_to_frame

        return result_to_frame(self)

    def plot(self, sample: Any = None, **options: Any) -> Figure:
        """The frontier as a matplotlib figure, with a grey ``sample`` of feasible deals behind
        it if given; see :func:`dealopt.report.plot.frontier_figure`."""
        from dealopt.report.plot import frontier_figure

        return frontier_figure(self, sample, **options)

    def summary(self) -> str:
        """A plain-language paragraph: frontier size, zone size, what Nash gives each side."""
        from dealopt.report.text import summary

        return summary(self)
