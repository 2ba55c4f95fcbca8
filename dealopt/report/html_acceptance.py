"""Small pieces of the HTML report for acceptance rules and staged deals.

Self-contained so that the page (:mod:`dealopt.report.html`) only calls them: the zone's
definition in the words of the instance's acceptance rule, a point's verdict and who decides
it, and a staged deal's schedule as a small table (from :func:`dealopt.report.schedule.schedule_of`,
the one place a deal becomes a schedule). Nothing is computed here that the analysis has not.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import TYPE_CHECKING

from dealopt.report.schedule import schedule_of
from dealopt.spec.model import Value

if TYPE_CHECKING:
    from dealopt.result import FrontierDeal, Result


def _names(result: Result, parties: tuple[str, ...] | list[str]) -> str:
    return ", ".join(result.parties[p] for p in parties) or "none"


def zone_definition(result: Result) -> str:
    """What "the zone" means for this result, as plain text (escape before use): every
    party's preference over no deal, or the instance's acceptance rule with its veto players
    and the zone's pivotal parties."""
    rule = result.acceptance
    if rule is None:
        return "frontier deals every party prefers to no deal"
    return (
        f"frontier deals the acceptance rule passes ({'; '.join(rule.clauses)}; a party "
        "accepts a deal that gives it at least its no-deal value). Veto players: "
        f"{_names(result, rule.veto_players)}. Pivotal in the zone (some zone deal fails "
        f"without them): {_names(result, rule.pivotal)}"
    )


def no_zone_words(result: Result) -> str:
    """The sentence for a frontier without a zone, as plain text."""
    if result.acceptance is None:
        return "No frontier deal is acceptable to every party; all are listed."
    return "The acceptance rule passes no frontier deal; all are listed."


def point_verdict(result: Result, point: FrontierDeal) -> str:
    """The selected-deal panel's verdict on a frontier deal, as plain text."""
    if result.acceptance is None:
        if point.acceptable:
            return "In the zone: acceptable to every party."
        return "Outside the zone: some party gets less than its no-deal value."
    if point.acceptable:
        who = _names(result, point.pivotal or ())
        return f"In the zone: the acceptance rule passes it. Pivotal: {who}."
    who = _names(result, point.blockers or ())
    return f"Outside the zone: the acceptance rule does not pass it. Blocked by: {who}."


def per_stage_issues(result: Result) -> set[str]:
    """The per-stage issues (``issue@stage``) a schedule shows instead of their own column."""
    return {name for names in result.staged.values() for name in names}


def schedule_html(
    deal: Mapping[str, Value],
    staged: Mapping[str, tuple[str, ...]],
    status_quo: Mapping[str, Value],
    issue: str,
) -> str:
    """One staged issue of a deal as a small table, a column per stage (status quo in grey)."""
    by_stage = schedule_of(deal, staged)[issue]
    quo = status_quo[staged[issue][0]]
    head = "".join(f"<th scope='col'>{escape(s)}</th>" for s in by_stage)
    cells = "".join(
        f"<td class='sq' title='status quo'>{escape(str(v))}</td>"
        if v == quo
        else f"<td>{escape(str(v))}</td>"
        for v in by_stage.values()
    )
    return (
        f"<table class='schedule'><thead><tr>{head}</tr></thead>"
        f"<tbody><tr>{cells}</tr></tbody></table>"
    )


def schedule_sort_key(
    deal: Mapping[str, Value], staged: Mapping[str, tuple[str, ...]], issue: str
) -> str:
    """A text to sort a schedule cell by (its options in stage order)."""
    return " > ".join(str(v) for v in schedule_of(deal, staged)[issue].values())
