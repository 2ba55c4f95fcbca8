"""The result as one self-contained HTML page (plotly.js inlined; no network request at all).

The page, top to bottom: a plain-language summary; the interactive frontier (hover shows a
deal, a click selects it and its table row); the zone as a sortable table of options and
utilities; the explanation of the deal space when :mod:`dealopt.analysis.explain` is
installed; the instance's red lines and rules as the user wrote them, with ``file:line``; and
the run's statistics. Instance files are untrusted input: every piece of user text is
escaped (:func:`html.escape` in markup, ``\\u003c`` in embedded JSON).

``dealopt.report.html(result)`` is :func:`html`; plotly is imported only when it runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING, Any

from dealopt.report import html_acceptance as ha
from dealopt.report.cloud import cloud_points
from dealopt.report.html_figure import (
    cube_figure,
    figure,
    parallel_figure,
    solution_names,
    solution_title,
)
from dealopt.report.html_template import PAGE, SCRIPT, STYLE
from dealopt.report.numbers import ROUNDING_NOTE, any_rounded, short_text, small_text
from dealopt.report.text import summary
from dealopt.result import NUMBERING, deal_numbers

if TYPE_CHECKING:
    from dealopt.analysis.sample import FeasibleSample, SampledDeal
    from dealopt.result import Result
    from dealopt.spec.model import Instance, Rule


def html(
    result: Result,
    instance: Instance | None = None,
    *,
    sample: FeasibleSample | Iterable[SampledDeal] | None = None,
    explanation: Any = True,
    evaluation: Any = True,
    robustness: Any = None,
) -> str:
    """The report page as HTML text.

    Parameters
    ----------
    result
        A solved result.
    instance
        The instance it was solved from: adds its issues, red lines and rules (with
        ``file:line``), and the explanation sections when that analysis is installed.
    sample
        Feasible deals to show in grey behind the frontier (see
        :func:`dealopt.analysis.sample.feasible_sample`).
    explanation
        True (default): explain ``instance`` with :func:`dealopt.analysis.explain.explain`
        when that layer is installed (it runs its own solves); False: leave it out; or an
        explanation already computed, or its :func:`explanation_sections`.
    evaluation
        True (default): evaluate the instance's named deals with
        :func:`dealopt.analysis.evaluate.evaluate` when it names any (it runs its own solves);
        False: leave them out; or an :class:`~dealopt.analysis.evaluate.Evaluation` already
        computed. Named deals are marked on the plot, listed under the zone table, and
        judged in a section "Deals on the table".
    robustness
        A :class:`~dealopt.sweep.result.SweepResult`: adds the section "How sure is the
        answer?" (:mod:`dealopt.report.html_robustness`).
    """
    from dealopt import __version__

    points, cloud_note = cloud_points(sample)
    if evaluation is True:
        evaluation = None
        if instance is not None and instance.deals:
            from dealopt.analysis.evaluate import evaluate

            evaluation = evaluate(instance)
    deals = list(evaluation.deals) if evaluation else []
    breakdown = _breakdown(result, instance)
    plot, traces = figure(result, points, getattr(sample, "complete", False), deals, sample)
    parallel, parallel_traces, parallel_points = parallel_figure(result)
    cube, cube_traces = cube_figure(result, points)
    data = {
        "figure": plot,
        "config": {
            "displaylogo": False,
            "responsive": True,
            "modeBarButtonsToRemove": ["select2d", "lasso2d"],
            "toImageButtonOptions": {"format": "png", "filename": "frontier", "scale": 2},
        },
        "frontierTraces": traces.get("frontier", []),
        "solutionTraces": traces.get("solutions", []),
        "dealTraces": traces.get("deals", []),
        "parallel": parallel,
        "parallelTraces": parallel_traces,
        "parallelPoints": parallel_points,
        "cube": cube,
        "cubeTraces": cube_traces,
        "points": [
            _point_detail(result, i, breakdown[i] if breakdown else None)
            for i in range(len(result.frontier))
        ],
    }
    body = [
        _header(result, instance),
        _frontier_section(result, cloud_note),
        _table_section(result, deals),
        _deals_section(evaluation) if deals else "",
        _explanation_section(instance, explanation),
        _robustness(robustness),
        _instance_section(instance, result.no_deal),
        _stats_section(result),
    ]
    page = PAGE
    for slot, text in (
        ("@@STYLE@@", STYLE),
        ("@@SCRIPT@@", SCRIPT),
        ("@@TITLE@@", escape(result.instance_name)),
        ("@@VERSION@@", escape(__version__)),
        ("@@BODY@@", "\n".join(part for part in body if part)),
        ("@@DATA@@", _script_json(data)),
        ("@@PLOTLY@@", _plotly_js() if result.frontier else ""),
    ):
        page = page.replace(slot, text)
    return page


# Plot -------------------------------------------------------------------------------------------


def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _breakdown(result: Result, instance: Instance | None) -> list[list] | None:
    """Each frontier deal's per-party parts of utility, for the selected-deal panel (None
    without the instance). Computed by :func:`dealopt.analysis.breakdown.utility_parts`."""
    if instance is None or not result.frontier:
        return None
    from dealopt.analysis.breakdown import utility_parts
    from dealopt.report.html_interests import breakdown_rows
    from dealopt.rules.oracle import Oracle

    oracle = Oracle(instance)
    return [
        breakdown_rows(utility_parts(oracle, point.deal), result.parties)
        for point in result.frontier
    ]


def _point_detail(result: Result, i: int, parts: list | None = None) -> dict[str, Any]:
    """What the "selected deal" panel shows, as pre-escaped HTML pieces."""
    point = result.frontier[i]
    names = solution_names(result).get(i, [])
    rows = [[escape(label), short_text(point.utilities[p])] for p, label in result.parties.items()]
    per_stage = ha.per_stage_issues(result)
    for issue in result.staged:  # a staged issue as its schedule
        rows.append(
            [escape(issue), ha.schedule_html(point.deal, result.staged, result.status_quo, issue)]
        )
    for issue in result.issues:
        if issue in per_stage:
            continue
        value = point.deal[issue]
        same = result.at_status_quo(issue, value)
        rows.append(
            [
                escape(issue),
                escape(str(value)) + (" <span class='note'>(status quo)</span>" if same else ""),
            ]
        )
    number = result.number(i)
    return {
        "title": f"Deal {number}" if number else "A frontier point outside the zone",
        "zone": point.acceptable,
        "verdict": escape(ha.point_verdict(result, point)),
        "solutions": escape(", ".join(solution_title(n) for n in names)),
        "rows": rows,
        "parts": parts or [],
    }


def _script_json(data: object) -> str:
    """JSON safe inside a <script> element: no '<', '>' or '&' survives unescaped."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_jsonable)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, code)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _jsonable(value: object) -> object:
    tolist = getattr(value, "tolist", None)  # numpy arrays from plotly
    if tolist is not None:
        return tolist()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


# Sections ---------------------------------------------------------------------------------------


def _header(result: Result, instance: Instance | None) -> str:
    status = str(result.status)
    parts = [f"<header><h1>{escape(result.instance_name)}</h1>"]
    if instance is not None and instance.description:
        parts.append(f"<p class='lede'>{escape(instance.description)}</p>")
    parts.append(
        f"<p>Result: <span class='status {escape(status)}'>{escape(status)}</span> · "
        f"{len(result.frontier)} Pareto-optimal points · {len(result.zone)} in the zone · "
        f"{result.stats.bundle_space_size:,} possible deals</p>"
    )
    parts.append(f"<p class='summary' id='summary'>{escape(summary(result))}</p></header>")
    return "\n".join(parts)


def _frontier_section(result: Result, cloud_note: str = "") -> str:
    """The plots: one panel for two parties; for more, the gains over no deal, the 3-D view
    (three parties) and the pairs; the selected-deal panel floats beside whatever is read."""
    if not result.frontier:
        return (
            "<section id='frontier'><h2>The frontier</h2><p>There is no frontier: no deal "
            "satisfies every rule and red line.</p></section>"
        )
    two = len(result.parties) == 2
    what = (
        "Each blue dot is a Pareto-optimal deal: no other deal is better for one party "
        "without being worse for another. Filled dots are in the zone (every party gets at "
        "least its no-deal value, the dashed lines); open dots are not."
        if result.acceptance is None
        else "Each blue dot is a Pareto-optimal deal. Filled dots are in the zone, the "
        + escape(ha.zone_definition(result))
        + " (the dashed lines are the no-deal values); open dots are not."
        if two
        else "Each panel shows two parties' utilities; every frontier deal appears once per "
        "panel. Filled dots are in the zone, open dots are not; each bargaining solution has "
        "its own marker shape (see the legend)."
    )
    views = []
    if not two:
        zone = "zone deal" if result.zone else "frontier deal (there is no zone)"
        views.append(
            "<h3>Gains over no deal</h3><p>One line per "
            f"{zone}: how much each party gains over its no-deal value (above the dashed "
            "line: better than no deal). The bargaining solutions are drawn thick, each with "
            "its own dash.</p><div id='parallel-plot' class='plot' role='img' "
            "aria-label='Gains over no deal, one line per deal'></div>"
        )
    if len(result.parties) == 3:
        views.append(
            "<h3>The three utilities in 3-D</h3><p class='no-print'>Drag to turn the view, "
            "scroll to zoom; hover over a dot to see its deal, click it to select it.</p>"
            "<div id='cube-plot' class='plot' role='img' aria-label='Frontier in 3-D'></div>"
        )
    if not two:
        views.append("<h3>Each pair of parties</h3>")
    note = (
        "<p class='hint' id='cloud-note'>The grey cloud of feasible deals is left out: "
        f"{escape(cloud_note)}.</p>"
        if cloud_note
        else ""
    )
    return (
        "<section id='frontier'><h2>The frontier</h2>"
        + "".join(views)
        + f"<p>{what} {'Ringed dots are the bargaining solutions. ' if two else ''}"
        "<span class='no-print'>Hover over a dot to see its deal; click it to select it in "
        "the table below.</span></p>"
        + note
        + "<div id='frontier-plot' class='plot' role='img' aria-label='Frontier plot'></div>"
        "<aside id='selected' aria-live='polite' hidden><button type='button' id='close-"
        "selected' aria-label='Close'>×</button><h3>Selected deal</h3>"
        "<p class='hint'>Click a dot in a plot or a row in the table.</p></aside>"
        "</section>"
    )


def _table_section(result: Result, deals: Iterable[Any] = ()) -> str:
    if not result.frontier:
        return ""
    has_zone = bool(result.zone)
    outside = len(result.frontier) - len(result.zone)
    names = solution_names(result)
    head = ["<th class='num' scope='col'><button type='button'>#</button></th>"]
    head.append("<th scope='col'><button type='button'>solution</button></th>")
    for label in result.parties.values():
        head.append(
            f"<th class='num party' scope='col'><button type='button'>{escape(label)}</button></th>"
        )
    per_stage = ha.per_stage_issues(result)
    plain = [i for i in result.issues if i not in per_stage]  # staged issues: schedules
    for issue in [*result.staged, *plain]:
        head.append(f"<th scope='col'><button type='button'>{escape(issue)}</button></th>")
    rows = []
    numbers = deal_numbers([p.acceptable for p in result.frontier])
    for i, point in enumerate(result.frontier):
        hidden = has_zone and not point.acceptable
        klass = "deal" + ("" if point.acceptable else " outside")
        sols = ", ".join(solution_title(n) for n in names.get(i, []))
        cells = [f"<td class='num' data-sort='{i}'>{numbers[i] or ''}</td>"]
        cells.append(f"<td class='sol' data-sort='{escape(sols or '~')}'>{escape(sols)}</td>")
        for p in result.parties:
            value = point.utilities[p]
            shown = escape(short_text(value))
            cells.append(f"<td class='num' data-sort='{float(value)!r}'>{shown}</td>")
        for issue in result.staged:
            key = ha.schedule_sort_key(point.deal, result.staged, issue)
            table = ha.schedule_html(point.deal, result.staged, result.status_quo, issue)
            cells.append(f"<td data-sort='{escape(key)}'>{table}</td>")
        for issue in plain:
            value = str(point.deal[issue])
            same = result.at_status_quo(issue, point.deal[issue])
            extra = " class='sq' title='status quo'" if same else ""
            cells.append(f"<td{extra} data-sort='{escape(value)}'>{escape(value)}</td>")
        rows.append(
            f"<tr id='deal-{i}' class='{klass}' data-point='{i}' aria-selected='false'"
            f"{' hidden' if hidden else ''}>{''.join(cells)}</tr>"
        )
    if has_zone:
        title = "The zone of possible agreement"
        text = (
            f"The {len(result.zone)} {escape(ha.zone_definition(result))}. "
            + ("Options in grey italics are the status quo. " if result.has_status_quo else "")
            + f"Click a column heading to sort. #: {NUMBERING}"
        )
    else:
        title = "The frontier"
        text = escape(ha.no_zone_words(result))
    if str(result.status) == "partial":
        text += (
            " The search stopped early: this table, the zone and the solutions are over the "
            "points proven so far, not the whole frontier."
        )
    if any_rounded(u for point in result.frontier for u in point.utilities.values()):
        text += " " + ROUNDING_NOTE.replace("--format json", "dealopt solve --format json")
    named = []
    for d in deals:
        cells = ["<td>named</td>", f"<td class='sol'>{escape(d.label)}</td>"]
        for p in result.parties:
            cells.append(f"<td class='num'>{escape(short_text(d.utilities[p]))}</td>")
        for issue in result.staged:
            cells.append(
                f"<td>{ha.schedule_html(d.deal, result.staged, result.status_quo, issue)}</td>"
            )
        for issue in plain:
            value = str(d.deal[issue])
            same = result.at_status_quo(issue, d.deal[issue])
            extra = " class='sq' title='status quo'" if same else ""
            cells.append(f"<td{extra}>{escape(value)}</td>")
        named.append(f"<tr class='named' id='named-{escape(d.name)}'>{''.join(cells)}</tr>")
    named_body = ""
    if named:
        width = 2 + len(result.parties) + len(result.staged) + len(plain)
        named_body = (
            "<tfoot class='named-deals'><tr><th scope='rowgroup' colspan='"
            f"{width}'>Deals on the table (named in the instance; see below)</th></tr>"
            + "\n".join(named)
            + "</tfoot>"
        )
    toggle = ""
    if has_zone and outside:
        toggle = (
            "<p class='no-print'><label><input type='checkbox' id='show-outside'> also show "
            f"the {outside} frontier deal{'s' * (outside != 1)} outside the zone</label></p>"
        )
    return (
        f"<section id='zone'><h2>{title}</h2><p>{text}</p>{toggle}"
        "<div class='table-wrap'><table id='zone-table'><thead><tr>"
        + "".join(head)
        + "</tr></thead><tbody>"
        + "\n".join(rows)
        + "</tbody>"
        + named_body
        + "</table></div></section>"
    )


def _deals_section(evaluation: Any) -> str:
    """Each named deal judged: its verdict, utilities, what it breaks, its improvements."""
    from dealopt.report.evaluation import RULE_NAMES, verdict

    parties = dict(evaluation.parties)
    parts = [
        "<section id='deals'><h2>Deals on the table</h2><p class='hint'>From "
        "<code>dealopt evaluate</code>: the instance's named deals against the exact frontier. "
        "An improvement is a feasible deal no party likes less; changes are in each party's "
        "own utility units.</p>"
    ]
    for d in evaluation.deals:
        parts.append(f"<h3 id='deal-{escape(d.name)}'>{escape(d.label)}</h3>")
        if d.description:
            parts.append(f"<p>{escape(d.description)}</p>")
        if d.sources:
            items = "".join(f"<li>{escape(x)}</li>" for x in d.sources)
            parts.append(f"<p class='hint'>Sources:</p><ul class='sources'>{items}</ul>")
        parts.append(f"<p><strong>{escape(verdict(d))}</strong></p>")
        rows = "".join(
            f"<tr><th scope='row'>{escape(label)}</th>"
            f"<td class='num'>{escape(short_text(d.utilities[p]))}</td>"
            f"<td class='num'>{escape(short_text(evaluation.no_deal[p]))}</td>"
            + "".join(
                "<td class='num'>"
                + (
                    ""
                    if alt is None
                    else escape(("+" if alt.changes[p] > 0 else "") + short_text(alt.changes[p]))
                )
                + "</td>"
                for alt in d.improvements.values()
            )
            + "</tr>"
            for p, label in parties.items()
        )
        heads = "".join(f"<th class='num' scope='col'>{RULE_NAMES[n]}</th>" for n in d.improvements)
        parts.append(
            "<table class='deal-judged'><thead><tr><th scope='col'>party</th>"
            "<th class='num' scope='col'>utility</th><th class='num' scope='col'>no deal</th>"
            f"{heads}</tr></thead><tbody>{rows}</tbody></table>"
        )
        if d.broken:
            items = "".join(
                f"<li>{escape(b.label)}: <code>{escape(b.text)}</code>"
                + (f" <span class='where'>{escape(b.source)}</span>" if b.source else "")
                + "</li>"
                for b in d.broken
            )
            parts.append(f"<p>It breaks:</p><ul>{items}</ul>")
        for name, alt in d.improvements.items():
            if alt is None:
                continue
            moves = "; ".join(f"{m.issue}: {m.before} → {m.after}" for m in alt.moves)
            parts.append(
                f"<p>{escape(RULE_NAMES[name])} improvement changes {alt.issues_changed} "
                f"issue{'s' * (alt.issues_changed != 1)}: {escape(moves)}.</p>"
            )
    parts.append("</section>")
    return "".join(parts)


def _robustness(sweep: Any) -> str:
    if sweep is None:
        return ""
    from dealopt.report.html_robustness import robustness_section

    return robustness_section(sweep)


def _explanation_section(instance: Instance | None, explanation: Any) -> str:
    sections = None
    if isinstance(explanation, list):  # already cut into sections
        sections = explanation
    elif explanation is not False and (instance is not None or explanation is not True):
        sections = explanation_sections(instance, explanation=explanation)
    if not sections:
        return ""
    parts = [
        "<section id='explanation'><h2>Why these deals</h2><p class='hint'>From "
        "<code>dealopt explain</code>: the structures of the acceptable deals, what they all "
        "share, what each red line costs, and what would change the answer.</p>"
    ]
    for title, text in sections:
        head = f"<h3>{escape(title)}</h3>" if title else ""
        if isinstance(text, Markup):  # structured HTML from report.explain.render_html
            parts.append(f"{head}<div class='explain'>{text}</div>")
        else:
            parts.append(f"{head}<pre>{escape(text)}</pre>")
    parts.append("</section>")
    return "".join(parts)


def explanation_sections(
    instance: Instance | None,
    *,
    explanation: Any = True,
    time_limit: float | None = None,
) -> list[tuple[str, str]] | None:
    """The explanation of the deal space as (title, text) sections.

    ``explanation`` is an :class:`~dealopt.analysis.explain.Explanation` already computed, or
    True to compute one for ``instance`` (in ``time_limit`` seconds). None when the
    explanation layer (:mod:`dealopt.analysis.explain`) is not installed.
    """
    import importlib
    import importlib.util

    if explanation is True:
        if instance is None or importlib.util.find_spec("dealopt.analysis.explain") is None:
            return None
        explain = getattr(importlib.import_module("dealopt.analysis.explain"), "explain", None)
        if explain is None:
            return None
        explanation = explain(instance, time_limit=time_limit)
    if hasattr(explanation, "alignments"):  # an Explanation: structured HTML, not text
        from dealopt.report.explain import render_html

        return [(title, Markup(body)) for title, body in render_html(explanation)]
    render = getattr(explanation, "text", None)
    text = str(render() if callable(render) else explanation)
    return split_sections(text)


class Markup(str):
    """HTML already escaped where it holds user text (what ``render_html`` writes)."""


def split_sections(text: str) -> list[tuple[str, str]]:
    """Cut ``dealopt explain``'s text at its headings ("THE ANSWER", "3. BACKBONE (...)"):
    (title in sentence case, body) pairs; text before the first heading has the title ""."""
    import re
    import textwrap

    heading = re.compile(r"^(\d+\. )?([A-Z][A-Z0-9 ,'&/-]+)( \(.*\))?$")
    sections: list[tuple[str, list[str]]] = [("", [])]
    for line in text.splitlines():
        match = heading.match(line)
        if match and len(match.group(2).strip()) > 2:
            words = match.group(2).strip()
            title = (match.group(1) or "") + words[0] + words[1:].lower() + (match.group(3) or "")
            sections.append((title, []))
        else:
            sections[-1][1].append(line)
    return [
        (title, textwrap.dedent("\n".join(body)).strip("\n"))
        for title, body in sections
        if "".join(body).strip()
    ]


def _instance_section(instance: Instance | None, no_deal: Any = None) -> str:
    if instance is None:
        return ""
    from dealopt.report.html_interests import interests_section

    parts = ["<section id='instance'><h2>What the instance assumes</h2>"]
    if instance.path:
        parts.append(f"<p>From <code>{escape(instance.path)}</code>.</p>")
    parts.append(
        "<h3>Parties</h3><div class='table-wrap'><table class='rules'><thead><tr>"
        "<th>party</th><th>no-deal value</th><th>where</th></tr></thead><tbody>"
    )
    for party in instance.parties.values():
        value = "its utility of the status quo" if party.no_deal is None else str(party.no_deal)
        if party.no_deal is None and no_deal is not None and party.name in no_deal:
            value = f"{short_text(no_deal[party.name])} ({value})"
        parts.append(
            f"<tr><td><b>{escape(party.label)}</b> (<code>{escape(party.name)}</code>)</td>"
            f"<td>{escape(value)}</td><td class='src'>{_where(party.source)}</td></tr>"
        )
    parts.append("</tbody></table></div>")
    parts.append(
        "<h3>Issues</h3><div class='table-wrap'><table class='rules'><thead><tr>"
        "<th>issue</th><th>options"
        + (" (the status quo in bold)" if instance.has_status_quo else "")
        + "</th><th>where</th>"
        "</tr></thead><tbody>"
    )
    for issue in instance.issues.values():
        options = ", ".join(
            f"<b>{escape(str(v))}</b>" if instance.at_status_quo(issue.name, v) else escape(str(v))
            for v in issue.values
        )
        label = "" if issue.label == issue.name else f"<br>{escape(issue.label)}"
        parts.append(
            f"<tr><td><code>{escape(issue.name)}</code>{label}</td><td>{options}</td>"
            f"<td class='src'>{_where(issue.source)}</td></tr>"
        )
    parts.append("</tbody></table></div>")
    parts.append(interests_section(instance, no_deal))
    for name, lines in instance.red_lines.items():
        if not lines:
            continue
        label = instance.parties[name].label if name in instance.parties else name
        parts.append(f"<h3>Red lines of {escape(label)}</h3>")
        parts.append(_rules_table(lines))
    if instance.rules:
        parts.append("<h3>Rules of the deal space</h3>")
        parts.append(_rules_table(instance.rules))
    if not instance.rules and not any(instance.red_lines.values()):
        parts.append("<p>The instance has no red lines and no rules.</p>")
    parts.append("</section>")
    return "".join(parts)


def _rules_table(rules: Iterable[Rule]) -> str:
    rows = []
    for rule in rules:
        where = rule.rule.source or rule.source
        note = (
            f"<br><span class='hint'>{escape(rule.description)}</span>" if rule.description else ""
        )
        rows.append(
            f"<tr><td><b>{escape(rule.label)}</b>{note}</td>"
            f"<td><code>{escape(rule.rule.text)}</code></td>"
            f"<td class='src'>{_where(where)}</td></tr>"
        )
    return (
        "<div class='table-wrap'><table class='rules'><thead><tr><th>label</th><th>rule, as "
        "written</th><th>where</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>"
    )


def _where(source: object) -> str:
    if source is None:
        return ""
    path, line = getattr(source, "path", None), getattr(source, "line", None)
    return escape(f"{path}:{line}") if path is not None else ""


def _stats_section(result: Result) -> str:
    stats = result.stats
    items: list[tuple[str, str]] = [
        ("status", str(result.status)),
        ("possible deals", f"{stats.bundle_space_size:,}"),
        ("frontier points", str(len(result.frontier))),
        ("in the zone", str(len(result.zone))),
        ("backend", stats.backend),
        ("algorithm", stats.algorithm),
        ("solver calls", f"{stats.solver_calls:,}"),
        ("time", f"{stats.seconds:.2f} s"),
    ]
    if stats.stopped:
        items.append(("stopped by", stats.stopped))
    items += [
        (f"no-deal value, {label}", short_text(result.no_deal[p]))
        for p, label in result.parties.items()
    ]
    if any(stats.resolution.values()):
        items += [(f"rounding, {p}", small_text(r)) for p, r in stats.resolution.items() if r]
    else:
        items.append(("arithmetic", "exact (no utility was rounded)"))
    body = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in items)
    return f"<section id='stats'><h2>How the run went</h2><dl class='stats'>{body}</dl></section>"
