"""Evaluations of deals for people (text), for programs (JSON, ``dealopt.evaluation/1``) and
for spreadsheets (CSV). Nothing is computed here: every number comes from
:mod:`dealopt.analysis.evaluate`."""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from dealopt.report.numbers import (
    CSV_PLACES,
    ROUNDING_NOTE,
    any_rounded,
    exact_text,
    json_number,
    short_text,
    small_text,
)
from dealopt.report.schedule import schedule_of, schedule_text, unstaged

if TYPE_CHECKING:
    from dealopt.analysis.evaluate import Alternative, DealEvaluation, Evaluation

SCHEMA = "dealopt.evaluation/1"
RULE_NAMES = {"max_min_gain": "max-min gain", "nash": "Nash"}
WIDTH = 100


# ----------------------------------------------------------------------------- JSON


def _numbers(values: Mapping[str, Fraction], key: str) -> dict[str, Any]:
    return {
        key: {p: json_number(v) for p, v in values.items()},
        f"{key}_exact": {p: exact_text(v) for p, v in values.items()},
    }


def _alternative(alt: Alternative | None) -> dict[str, Any] | None:
    if alt is None:
        return None
    return {
        "deal": dict(alt.deal),
        **_numbers(alt.utilities, "utilities"),
        **_numbers(alt.changes, "changes"),
        "moves": [
            {
                "issue": m.issue,
                "from": m.before,
                "to": m.after,
                "gives": list(m.gives),
                "gains": list(m.gains),
                "change": {p: json_number(v) for p, v in m.change.items()},
            }
            for m in alt.moves
        ],
    }


def _deal(d: DealEvaluation) -> dict[str, Any]:
    nearest = None
    if not d.feasible:
        nearest = {
            "distance": d.nearest_distance,
            "count": d.nearest_count,
            "complete": d.nearest_complete,
            "deals": [_alternative(a) for a in d.nearest_feasible],
        }
    return {
        "name": d.name,
        "label": d.label,
        "description": d.description,
        "sources": list(d.sources),
        "source": d.source,
        "deal": dict(d.deal),
        **_numbers(d.utilities, "utilities"),
        **_numbers(d.gains, "gains_over_no_deal"),
        "parts": {
            party: [
                {
                    "kind": part.kind,
                    "name": part.name,
                    "option": part.option,
                    "value": json_number(part.value),
                    "value_exact": exact_text(part.value),
                }
                for part in parts
            ]
            for party, parts in d.parts.items()
        },
        "feasible": d.feasible,
        "broken": [
            {"kind": b.kind, "owner": b.owner, "label": b.label, "rule": b.text, "source": b.source}
            for b in d.broken
        ],
        "acceptable": d.acceptable,
        **({} if d.pivotal is None else {"pivotal": list(d.pivotal)}),
        **({} if d.blockers is None else {"blockers": list(d.blockers)}),
        "pareto_optimal": d.pareto_optimal,
        "max_min_gain": None if d.max_min_gain is None else json_number(d.max_min_gain),
        "max_min_gain_exact": None if d.max_min_gain is None else exact_text(d.max_min_gain),
        "max_min_complete": d.max_min_complete,
        "frontier_complete": d.frontier_complete,
        "dominated_by": d.dominated_by,
        "nearest_dominating": _alternative(d.nearest_dominating),
        "improvements": {name: _alternative(alt) for name, alt in d.improvements.items()},
        "nearest_feasible": nearest,
    }


def _with_schedule(out: dict[str, Any], d: DealEvaluation, ev: Evaluation) -> dict[str, Any]:
    """A staged deal's JSON gets its schedule (issue -> stage -> option) beside the deal."""
    if ev.staged:
        out["schedule"] = schedule_of(d.deal, ev.staged)
    return out


def evaluation_to_dict(ev: Evaluation) -> dict[str, Any]:
    """See docs/evaluate.md and docs/evaluation-schema.json."""
    return {
        "schema": SCHEMA,
        "instance": ev.instance_name,
        "parties": [
            {
                "name": name,
                "label": label,
                "no_deal": json_number(ev.no_deal[name]),
                "no_deal_exact": exact_text(ev.no_deal[name]),
            }
            for name, label in ev.parties.items()
        ],
        "issues": list(ev.issues),
        **({} if ev.acceptance is None else {"acceptance": list(ev.acceptance)}),
        "deals": [_with_schedule(_deal(d), d, ev) for d in ev.deals],
        "stats": {
            "backend": ev.backend,
            "solver_calls": ev.solver_calls,
            "seconds": round(ev.seconds, 6),
            "resolution": {p: json_number(r) for p, r in ev.resolution.items()},
        },
    }


# ----------------------------------------------------------------------------- CSV


def evaluation_to_csv(ev: Evaluation) -> str:
    """One row per evaluated deal and per improvement of it: ``row`` says which (``deal``,
    ``max_min_gain``, ``nash``); then the options, the utilities (decimals, rounded to
    :data:`~dealopt.report.numbers.CSV_PLACES` places), the verdicts."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    parties = list(ev.parties)
    writer.writerow(
        [
            "deal",
            "row",
            *ev.issues,
            *parties,
            *(f"change_{p}" for p in parties),
            "feasible",
            "acceptable",
            "pareto_optimal",
            "dominated_by",
            "broken",
        ]
    )
    for d in ev.deals:
        writer.writerow(
            [
                d.name,
                "deal",
                *(d.deal[i] for i in ev.issues),
                *(short_text(d.utilities[p], CSV_PLACES) for p in parties),
                *("0" for _ in parties),
                _bool(d.feasible),
                _bool(d.acceptable),
                _bool(d.pareto_optimal),
                "" if d.dominated_by is None else d.dominated_by,
                "; ".join(b.label for b in d.broken),
            ]
        )
        for name, alt in d.improvements.items():
            if alt is None:
                continue
            writer.writerow(
                [
                    d.name,
                    name,
                    *(alt.deal[i] for i in ev.issues),
                    *(short_text(alt.utilities[p], CSV_PLACES) for p in parties),
                    *(short_text(alt.changes[p], CSV_PLACES) for p in parties),
                    "true",
                    "",
                    "",
                    "",
                    "",
                ]
            )
    return out.getvalue()


def _bool(x: bool) -> str:
    return "true" if x else "false"


# ----------------------------------------------------------------------------- text


def _signed(x: Fraction) -> str:
    return ("+" if x > 0 else "") + short_text(x)


def _fill(text: str, indent: str = "  ") -> str:
    return textwrap.fill(
        text,
        WIDTH,
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_on_hyphens=False,
        break_long_words=False,
    )


def _changes(alt: Alternative, labels: Mapping[str, str]) -> str:
    return ", ".join(f"{p} {_signed(v)}" for p, v in alt.changes.items())


def _options(alt: Alternative) -> str:
    return "; ".join(f"{m.issue} {m.before} -> {m.after}" for m in alt.moves) or "no change"


def acceptance_words(d: DealEvaluation, ruled: bool = False) -> str:
    """Whether the deal is acceptable, in the words of the instance's acceptance rule
    (``ruled``: the instance states one)."""
    if d.pivotal is not None:
        who = ", ".join(d.pivotal) or "none"
        return f"passes the acceptance rule (pivotal: {who})"
    if d.blockers is not None:
        return f"does not pass the acceptance rule (blocked by {', '.join(d.blockers)})"
    if ruled:  # infeasible: no rule passes it
        return "does not pass the acceptance rule"
    return "acceptable to every party" if d.acceptable else "not acceptable to every party"


def verdict(d: DealEvaluation, ruled: bool = False) -> str:
    """One sentence: feasible, acceptable, Pareto-optimal, dominated by how many points."""
    parts = []
    if d.broken:
        kinds = [b.kind for b in d.broken]
        counted = [
            f"{n} {word}{'s' if n != 1 else ''}"
            for n, word in ((kinds.count("red_line"), "red line"), (kinds.count("rule"), "rule"))
            if n
        ]
        parts.append("infeasible: breaks " + " and ".join(counted))
    else:
        parts.append("feasible")
    parts.append(acceptance_words(d, ruled))
    if d.pareto_optimal:
        parts.append("Pareto-optimal")
    elif d.dominated_by is not None:
        many = d.dominated_by
        if many or d.feasible:
            parts.append(
                f"not Pareto-optimal: {many} frontier point{'s' if many != 1 else ''} "
                f"dominate{'s' if many == 1 else ''} it"
            )
        else:
            parts.append("no frontier point dominates its utilities")
    elif d.feasible and not d.max_min_complete:
        parts.append("Pareto-optimality not decided (time limit)")
    elif d.feasible and d.max_min_gain is not None:
        parts.append("not Pareto-optimal (dominating points not counted: time limit)")
    return "; ".join(parts) + "."


def render_deal(ev: Evaluation, d: DealEvaluation) -> str:
    """One deal's evaluation as text."""
    from dealopt.analysis.evaluate import moves_in_words

    labels = dict(ev.parties)
    names = {p: p for p in labels}  # party names keep the lines short; the head has the labels
    where = f" ({d.source})" if d.source else ""
    head = f"{d.name}" + (f": {d.label}" if d.label != d.name else "") + where
    lines = [head]
    if d.description:
        lines.append(_fill(d.description.strip()))
    if d.sources:
        lines.append(_fill("Sources: " + "; ".join(d.sources)))
    shown = unstaged(d.deal, ev.staged)
    moved = [f"{i}={v}" for i, v in shown.items() if not ev.has_status_quo or v != ev.status_quo[i]]
    if ev.staged:
        moved.append("staged issues as scheduled below")
    lines.append(_fill("Deal: " + (" ".join(moved) if moved else "the status quo") + "."))
    if ev.staged:
        lines.append(schedule_text(d.deal, ev.staged, ev.status_quo, "Schedule:", "  "))
    lines.append(_fill("Verdict: " + verdict(d, ev.acceptance is not None)))
    width = max(len(p) for p in labels)
    lines.append(f"  {'party':<{width}}  {'utility':>9}  {'no deal':>9}  {'gain':>9}")
    for p in labels:
        lines.append(
            f"  {p:<{width}}  {short_text(d.utilities[p]):>9}  {short_text(ev.no_deal[p]):>9}"
            f"  {_signed(d.gains[p]):>9}"
        )
    scaled = [f"{labels[p]} {short_text(s)}" for p, s in ev.scales.items() if s != 1]
    over = f"; each divided by the party's scale: {', '.join(scaled)}" if scaled else ""
    lines.append(
        _fill(f"What makes up each utility (issues: weight x score of the option; terms{over}):")
    )
    for p, parts in d.parts.items():
        shown = [
            (f"{x.name}={x.option} " if x.kind == "issue" else f"'{x.name}' ") + short_text(x.value)
            for x in parts
            if x.value != 0
        ]
        lines.append(_fill(f"{labels[p]}: " + (", ".join(shown) or "nothing"), "    "))
    if d.broken:
        lines.append("  Breaks:")
        for b in d.broken:
            who = f"{labels.get(b.owner, b.owner)} red line" if b.owner else "rule"
            src = f" ({b.source})" if b.source else ""
            lines.append(_fill(f"{who} '{b.label}': {b.text}{src}", "    "))
    if not d.max_min_complete:
        lines.append("  Improvements: not computed (time limit).")
    elif d.max_min_gain is None and not d.improvements.get("max_min_gain"):
        lines.append("  Improvements: no feasible deal is at least as good for every party.")
    elif not any(d.improvements.values()):
        lines.append("  Improvements: none; no feasible deal is better for one party and as good")
        lines.append("  for every other.")
    else:
        lines.append("  Improvements (feasible deals no party likes less):")
        shown: dict[str, str] = {}
        for name, alt in d.improvements.items():
            title = RULE_NAMES[name]
            same = [k for k, other in d.improvements.items() if k in shown and other == alt]
            if alt is not None and same:
                lines.append(f"    {title}: the same deal as {shown[same[0]]}.")
                continue
            shown[name] = title
            if alt is None:
                why = "not computed (time limit)" if not d.frontier_complete else "none"
                lines.append(f"    {title}: {why}")
                continue
            lines.append(
                _fill(
                    f"{title}: {_changes(alt, labels)}; {alt.issues_changed} issue"
                    f"{'s' if alt.issues_changed != 1 else ''} change: "
                    + moves_in_words(alt.moves, names)
                    + ".",
                    "    ",
                )
            )
            lines.append(_fill(f"moves: {_options(alt)}", "      "))
    if d.nearest_dominating is not None:
        alt = d.nearest_dominating
        same = [RULE_NAMES[k] for k, other in d.improvements.items() if other == alt]
        if same:
            lines.append(f"  Nearest dominating frontier point: the {same[0]} improvement.")
        else:
            lines.append(
                _fill(
                    f"Nearest dominating frontier point: {_changes(alt, labels)} ({_options(alt)})."
                )
            )
    if not d.feasible:
        if d.nearest_distance is None:
            what = "none found" if not d.nearest_complete else "none: no deal is feasible"
            lines.append(f"  Nearest feasible deals: {what}.")
        else:
            n = d.nearest_count
            more = "" if d.nearest_complete else " at least"
            lines.append(
                _fill(
                    f"Nearest feasible deals: {d.nearest_distance} issue"
                    f"{'s' if d.nearest_distance != 1 else ''} changed;{more} {n} such deal"
                    f"{'s' if n != 1 else ''}; the least costly:"
                )
            )
            for alt in d.nearest_feasible:
                lines.append(_fill(f"{_changes(alt, labels)}: {_options(alt)}", "    "))
    return "\n".join(lines)


def render(ev: Evaluation) -> str:
    """Every deal's evaluation, then how the run went."""
    n = len(ev.deals)
    head = (
        f"Evaluation of {n} deal{'s' if n != 1 else ''} of {ev.instance_name}. No-deal values: "
        + ", ".join(f"{label} {short_text(ev.no_deal[p])}" for p, label in ev.parties.items())
        + f". Backend {ev.backend}, {ev.solver_calls:,} solver call"
        + ("" if ev.solver_calls == 1 else "s")
        + ". Every deal below was"
        " re-checked by the rules oracle; gains are in each party's own utility units."
    )
    if ev.acceptance is not None:
        head += f" Acceptance rule: {'; '.join(ev.acceptance)}."
    if any(ev.resolution.values()):
        worst = max(ev.resolution.values())
        head += (
            f" Utilities were rounded for the solver: comparisons are exact only up to a"
            f" resolution of {small_text(worst)}."
        )
    shown = [*ev.no_deal.values()] + [u for d in ev.deals for u in d.utilities.values()]
    if any_rounded(shown):
        head += " " + ROUNDING_NOTE
    blocks = [textwrap.fill(head, WIDTH, break_on_hyphens=False, break_long_words=False)]
    blocks += [render_deal(ev, d) for d in ev.deals]
    return "\n\n".join(blocks)
