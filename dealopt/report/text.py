"""The result for people: a plain-language summary and the zone as a table."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from dealopt.report.numbers import ROUNDING_NOTE, any_rounded, short_text, small_text
from dealopt.result import NUMBERING, deal_numbers

if TYPE_CHECKING:
    from dealopt.result import FrontierDeal, Result

MARKS = {"nash": "N", "kalai_smorodinsky": "K", "egalitarian": "E", "utilitarian": "U"}
NAMES = {
    "nash": "Nash",
    "kalai_smorodinsky": "Kalai-Smorodinsky",
    "egalitarian": "egalitarian",
    "utilitarian": "utilitarian",
}


def moves(result: Result, point: FrontierDeal) -> str:
    """The issues a deal moves from the status quo, in words (without a status quo: the
    option it chooses on every issue)."""
    if not result.has_status_quo:
        return ", ".join(f"{issue}={value}" for issue, value in point.deal.items())
    changed = [
        f"{issue} {result.status_quo[issue]} -> {value}"
        for issue, value in point.deal.items()
        if value != result.status_quo[issue]
    ]
    return "; ".join(changed) if changed else "the status quo itself"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def summary(result: Result) -> str:
    """One paragraph: what was proven, how large the zone is, what Nash gives each side."""
    stats = result.stats
    n, z = len(result.frontier), len(result.zone)
    head = f"{result.instance_name}: {stats.bundle_space_size:,} possible deals. "
    status = str(result.status)
    if status == "no-feasible-deal":
        return head + (
            "No deal satisfies every rule and red line together (proven). `dealopt explain` "
            "names the minimal conflicts: the rules and red lines that cannot hold together."
        )
    partial = status == "partial"
    if stats.zone_only and not partial and not n:
        which = "the acceptance rule passes" if result.acceptance else "gives every party at least"
        which += "" if result.acceptance else " its no-deal value"
        return head + (
            f"Only the zone was searched, and it is empty (proven): no feasible deal {which}. "
            "Deals outside the zone were not searched."
        )
    if stats.zone_only and not partial:
        text = head + (
            f"Only the zone was searched: it has {_plural(n, 'Pareto-optimal point')} (complete: "
            "every Pareto-optimal deal in the zone was found and proven; the frontier outside "
            "the zone was not searched). "
        )
    elif stats.zone_only:
        text = head + (
            f"Only the zone was searched, and the search stopped early ({stats.stopped}): "
            f"{_plural(n, 'Pareto-optimal point')} in the zone {'was' if n == 1 else 'were'} "
            "proven so far, and the zone may have more. Everything below is over the points "
            "proven so far. "
        )
    elif not partial:
        text = head + (
            f"The frontier has {_plural(n, 'Pareto-optimal point')} (complete: every "
            "Pareto-optimal deal was found and proven). "
        )
    else:  # every statement below is over the points found, not over the whole frontier
        text = head + (
            f"The search stopped early ({stats.stopped}): {_plural(n, 'Pareto-optimal point')} "
            f"{'was' if n == 1 else 'were'} proven so far, and the frontier may have more. "
            "Everything below is over the points proven so far, not the whole frontier. "
        )
    rule = result.acceptance
    if z == 0 and stats.zone_only:
        return text + ("No deal is in the zone so far." if partial else "There is no zone.")
    if z == 0:
        if rule is not None:
            if partial:
                return text + "The acceptance rule passes none of the points proven so far."
            return text + "The acceptance rule passes none of them: there is no zone."
        none = "None of them" if not partial else "None of the points proven so far"
        text += f"{none} gives every party at least its no-deal value: "
        if partial:
            return text + "no zone found so far."
        return text + (
            "there is no zone. `dealopt explain` names the conflicts and what it would take "
            "to open one."
        )
    of = "" if not partial else " of the points proven so far"
    if rule is None:
        text += f"{_plural(z, 'point')}{of} {'is' if z == 1 else 'are'} acceptable to every party. "
    else:
        text += acceptance_sentence(result) + " "
    nash = result.solution("nash")
    if nash is not None:
        gains = ", ".join(
            f"{label} {short_text(nash.utilities[p])} (no deal {short_text(result.no_deal[p])})"
            for p, label in result.parties.items()
        )
        which = "The Nash deal" if not partial else "The Nash deal over the points proven so far"
        verb = "moves" if result.has_status_quo else "chooses"
        text += f"{which} gives {gains}. It {verb} {moves(result, nash)}."
    if any(r for r in stats.resolution.values()):
        worst = max(stats.resolution.values())
        text += (
            f" Utilities had more digits than a solver's integers hold and were rounded: the"
            f" frontier is exact only up to a resolution of {small_text(worst)} (points"
            " closer than that may have merged)."
        )
    return text


def acceptance_sentence(result: Result) -> str:
    """Under an acceptance rule: the rule, how many points it passes, veto and pivotal parties."""
    rule = result.acceptance
    if rule is None:
        return ""
    z = len(result.zone)
    vetoes = ", ".join(rule.veto_players) or "none (Nash, Kalai-Smorodinsky and egalitarian"
    if not rule.veto_players:
        vetoes += " are then not defined)"
    return (
        f"Acceptance rule: {'; '.join(rule.clauses)}. It passes {_plural(z, 'point')}. "
        f"Veto players: {vetoes}. Pivotal in the zone: {', '.join(rule.pivotal) or 'none'}."
    )


TOP = 20
"""Rows of the text table by default (``--top``); CSV, JSON and the report list every deal."""


def shown_rows(rows: list[int], keep: set[int], top: int | None) -> list[int]:
    """At most ``top`` of ``rows`` (all when None or 0), in their order: those in ``keep``
    (the bargaining solutions) first, then the others in order."""
    if not top or len(rows) <= top:
        return rows
    chosen = [r for r in rows if r in keep][:top]
    chosen += [r for r in rows if r not in keep][: top - len(chosen)]
    return sorted(chosen, key=rows.index)


def zone_table(result: Result, *, width: int | None = None, top: int | None = TOP) -> str:
    """The zone (or, when empty, the frontier) as a text table with the solutions marked:
    one row per point, its utilities, and what the deal moves from the status quo."""
    from rich.console import Console
    from rich.table import Table

    listed = list(result.zone) or list(range(len(result.frontier)))
    marks: dict[int, str] = {}
    for name, index in result.solutions.items():
        if index is not None:
            marks[index] = marks.get(index, "") + MARKS[name]
    rows = shown_rows(listed, set(marks), top)
    title = "zone" if result.zone else "frontier (no point is acceptable to every party)"
    if result.acceptance is not None and not result.zone:
        title = "frontier (the acceptance rule passes no point)"
    if result.stats.zone_only:
        title += " (only the zone was searched)"
    if str(result.status) == "partial":
        title += ", over the points proven so far (the search stopped early)"
    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column("sol")
    for party in result.parties:
        table.add_column(party, justify="right")
    deals = [result.frontier[r].deal for r in rows]
    shared = {i: deals[0][i] for i in result.issues if len({str(d[i]) for d in deals}) == 1}
    varying = [i for i in result.issues if i not in shared]
    who = _who(result, rows)
    if who:
        table.add_column("pivotal" if result.zone else "blockers")
    table.add_column("options that vary between these deals", overflow="fold")
    numbers = deal_numbers([p.acceptable for p in result.frontier])
    for r in rows:
        point = result.frontier[r]
        cells = [str(numbers[r]), marks.get(r, "")]
        cells += [short_text(point.utilities[p]) for p in result.parties]
        if who:
            cells.append(who[r])
        cells.append(" ".join(f"{i}={point.deal[i]}" for i in varying) or "(none)")
        table.add_row(*cells)
    console = Console(width=width or 100, record=True, file=_Null(), color_system=None)
    console.print(table)
    legend = "sol: N Nash, K Kalai-Smorodinsky, E egalitarian, U utilitarian. #: " + NUMBERING
    if len(rows) < len(listed):
        legend = (
            f"Showing {len(rows)} of {len(listed)} deals: the bargaining solutions and the first "
            "others in frontier order (--top 0 shows all; --format csv or json, and the report, "
            "list every deal). "
        ) + legend
    if any_rounded(result.frontier[r].utilities[p] for r in rows for p in result.parties):
        legend += " " + ROUNDING_NOTE
    legend = _fill(legend, width or 100)
    if len(rows) > 1 and shared:
        legend = _fill(shared_words(result, shared), width or 100) + "\n" + legend
    lines = [line.rstrip() for line in console.export_text().rstrip().splitlines()]
    return "\n".join([*lines, legend])


def shared_words(result: Result, shared: dict) -> str:
    """What every deal listed has in common: the options they share, and (with a status
    quo) the issues they all leave at it, each said plainly."""
    moved = [f"{i}={v}" for i, v in shared.items() if not result.at_status_quo(i, v)]
    kept = [i for i, v in shared.items() if result.at_status_quo(i, v)]
    parts = []
    if moved:
        parts.append(f"has {' '.join(moved)}")
    if kept:
        parts.append(f"leaves {', '.join(kept)} at the status quo")
    return f"Every deal listed {' and '.join(parts)}."


def _who(result: Result, rows: list[int]) -> dict[int, str]:
    """Under an acceptance rule: each row's pivotal parties (zone) or blockers (frontier)."""
    if result.acceptance is None:
        return {}
    out = {}
    for r in rows:
        point = result.frontier[r]
        names = point.pivotal if point.acceptable else point.blockers
        out[r] = ", ".join(names or ()) or "-"
    return out


def _fill(text: str, width: int) -> str:
    # never break inside a word or at its hyphens: names and paths stay whole
    return textwrap.fill(text, width=width, break_on_hyphens=False, break_long_words=False)


class _Null:
    def write(self, _: str) -> int:
        return 0

    def flush(self) -> None:
        pass


def render(result: Result, *, width: int | None = None, top: int | None = TOP) -> str:
    """Summary paragraph, then the table."""
    para = _fill(summary(result), min(width or 100, 100))
    if not result.frontier:
        return para
    text = para + "\n\n" + zone_table(result, width=width, top=top)
    nash = result.solution("nash") or result.solution("utilitarian")
    if result.staged and nash is not None:
        from dealopt.report.schedule import schedule_table

        which = "Nash" if result.solution("nash") is not None else "utilitarian"
        title = f"Schedule of the {which} deal (. = status quo):"
        text += "\n\n" + schedule_table(result, nash, title)
    return text
