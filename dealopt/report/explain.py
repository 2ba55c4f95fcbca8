"""An explanation for people: sentences first, then tables (``dealopt explain``).

Nothing is computed here that the analysis should compute: this module only words and lays
out an :class:`~dealopt.analysis.explain.Explanation`. The JSON form (schema
``dealopt.explanation/1``, docs/explanation.md) is in :mod:`dealopt.report.explain_json`.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from dealopt.analysis.alignments import Alignment, shared, structure, words
from dealopt.report.explain_json import explanation_to_dict
from dealopt.report.explain_parts import (
    LETTERS,
    QUESTIONS,
    WIDTH,
    HtmlWidth,
    backbone_section,
    conflicts_section,
    fill,
    heading,
    linkage_section,
    plural,
    prices_section,
    section_title,
    short_labels,
    span,
    table,
    to_html,
    what_section,
)
from dealopt.report.numbers import ROUNDING_NOTE, any_rounded, short_text, small_text
from dealopt.report.schedule import schedule_text, unstaged
from dealopt.report.text import TOP, shown_rows
from dealopt.result import NUMBERING, deal_numbers

if TYPE_CHECKING:
    from dealopt.analysis.explain import Explanation
    from dealopt.analysis.zone import Zone

__all__ = ["answers", "explanation_to_dict", "render", "render_html", "short_labels"]


def render(ex: Explanation, *, width: int | None = None, top: int | None = TOP) -> str:
    """The whole explanation as text: the answer first, then how it was computed, then one
    section per analysis. Long tables show at most ``top`` rows (None or 0: all)."""
    w = min(width or WIDTH, WIDTH)
    parts = [_answer(ex, w), _header(ex, w)]
    parts += [
        _zone_section(ex, w, top),
        _acceptable_section(ex, w, top),
        backbone_section(ex, w),
        conflicts_section(ex, w),
        prices_section(ex, w),
        linkage_section(ex, w),
        what_section(ex, w),
    ]
    return "\n\n".join(p for p in parts if p)


def render_html(ex: Explanation) -> list[tuple[str, str]]:
    """The explanation as structured HTML for the report: (title, HTML) sections, the answer
    first (each question, then its answer), then each analysis with its question; every deal
    listed (no --top)."""
    w = HtmlWidth(WIDTH)
    out = []
    pairs = answers(ex)
    if pairs:
        qa = "".join(f"<dt>{escape(q)}</dt><dd>{escape(a)}</dd>" for q, a in pairs)
        out.append(("The answer", f"<dl class='qa'>{qa}</dl>"))
    out.append(("How it was computed", to_html(_header(ex, w))))
    parts = {
        "zone": _zone_section(ex, w, None),
        "structures": _acceptable_section(ex, w, None),
        "backbone": backbone_section(ex, w),
        "conflicts": conflicts_section(ex, w),
        "prices": prices_section(ex, w),
        "linkage": linkage_section(ex, w),
        "what_it_takes": what_section(ex, w),
    }
    out += [(section_title(key), to_html(text)) for key, text in parts.items() if text]
    return out


def _header(ex: Explanation, w: int) -> str:
    inst = ex.instance
    where = f" ({inst.path})" if inst.path else ""
    nd = ", ".join(f"{label} {short_text(ex.no_deal[p])}" for p, label in ex.parties.items())
    text = (
        f"Explanation of {inst.name}{where}: {inst.bundle_space_size:,} possible deals. "
        f"No-deal values: {nd}. Backend {ex.backend}, {plural(ex.solver_calls, 'solver call')}, "
        f"{ex.seconds:.1f} s. Every deal below was re-checked by the rules oracle."
    )
    if not ex.exact:
        worst = max(ex.resolution.values())
        text += (
            f" Utilities were rounded (resolution {small_text(worst)}): claims about "
            "deals within that distance of a no-deal value are not settled."
        )
    shown = [*ex.no_deal.values()]
    if ex.zone is not None:
        shown += [u for point in ex.zone.points for u in point.utilities.values()]
    if any_rounded(shown):
        text += " " + ROUNDING_NOTE
    text += _rule_words(ex)
    if inst.description:
        text += f" The file's own description: {' '.join(inst.description.split())}"
    late = {k: v for k, v in ex.stopped.items() if v in ("time limit", "skipped")}
    if late:
        text += " Not computed (time limit): " + ", ".join(late) + "."
    return fill(text, w)


def _rule_words(ex: Explanation) -> str:
    """Under an acceptance rule: the rule, its veto players, the zone's pivotal parties and
    the blockers of named deals it does not pass (empty without a rule)."""
    a = ex.acceptance
    if a is None:
        return ""
    labels = short_labels(ex)
    names = lambda ps: ", ".join(labels[p] for p in ps) or "none"  # noqa: E731
    text = (
        f" Acceptance rule: {'; '.join(a.clauses)}. The zone is the Pareto-optimal deals this "
        f"rule passes. Veto players: {names(a.veto_players)}. Pivotal in the zone (a zone deal "
        f"fails without their acceptance): {names(a.pivotal)}."
    )
    for name, who in ex.blocked.items():
        text += f" Named deal {name} does not pass: {names(who)} would block it."
    return text


def _zone_alignments(ex: Explanation) -> list[Alignment]:
    return list(ex.alignments.zone) if ex.alignments else []


def _answer(ex: Explanation, w: int) -> str:
    """THE ANSWER: each question explain answers, in words, then its answer."""
    pairs = answers(ex)
    if not pairs:
        return ""
    out = ["THE ANSWER"]
    for question, answer in pairs:
        out += [fill(question, w), fill(answer, w, "  ")]
    return "\n".join(out)


def answers(ex: Explanation) -> list[tuple[str, str]]:
    """The questions behind explain and their answers, in words: (question, answer) pairs."""
    labels = short_labels(ex)
    if ex.zone is None:
        return []
    if ex.status == "no-feasible-deal":
        text = (
            "No. No deal satisfies every rule and red line together, so there is no alignment "
            "at all. The minimal conflicts below name the red lines and rules that cannot hold "
            "together; one of each conflict must give."
        )
        return [(QUESTIONS["feasible"], text)]
    if ex.status == "no-acceptable-deal":
        text = (
            "No. Feasible deals exist, but none gives every party at least its no-deal value: "
            "there is no zone and so no alignment. See the conflicts (which red lines, rules "
            "and no-deal values clash) and what it would take to open a zone."
        )
        if ex.acceptance is not None:
            text = text.replace(
                "none gives every party at least its no-deal value",
                "the acceptance rule passes none",
            )
        return [(QUESTIONS["acceptable"], text)]
    zone_al = _zone_alignments(ex)
    if not zone_al:
        return []
    n_deals = sum(a.size for a in zone_al)
    if len(zone_al) == 1:
        which = "the one zone deal has" if n_deals == 1 else f"all {n_deals:,} zone deals share"
        text = (
            f"Yes. Under this instance's assumptions {which} one exchange structure: it is "
            f"the only alignment. {words(zone_al[0].structure, labels)}."
        )
    else:
        common, differ = shared([a.structure for a in zone_al])
        # "almost" only when a real shared exchange remains and few issues differ
        almost = len(differ) <= 2 and any(m.moved for m in common)
        verdict = "Almost" if almost else "No"
        core = (
            f"They share one core: {words(common, labels, unmoved=False)}"
            if common or ex.instance.has_status_quo
            else "No issue goes the same way in all of them"
        )
        text = (
            f"{verdict}: the zone's {plural(n_deals, 'deal')} fall into "
            f"{len(zone_al)} alignments (exchange structures). {core}"
        )
        still = [m.issue for m in common if not m.moved]
        if still:
            text += f"; unmoved in all: {', '.join(still)}"
        text += f". They differ {'only ' if len(differ) <= 2 else ''}in {', '.join(differ)}: "
        text += "; ".join(
            f"alignment {LETTERS[k]} ({plural(a.size, 'deal')}): "
            + ", ".join(f"{i}: {_move(a, i, labels)}" for i in differ)
            for k, a in enumerate(zone_al)
        )
        text += "."
    out = [(QUESTIONS["one_alignment"], text)]
    al = ex.alignments
    if al is not None and al.acceptable:
        in_zone = [a for a in al.acceptable if al.in_zone(a)]
        covered = sum(a.size for a in in_zone)
        others = len(al.acceptable) - len(in_zone)
        every = "every one enumerated" if al.acceptable_complete else f"capped at {al.cap:,}"
        text = (
            f"{'Yes' if others else 'No'}. Over all {al.acceptable_deals:,} acceptable deals "
            f"({every}), not only the Pareto-optimal ones, there "
            f"{'is' if len(al.acceptable) == 1 else 'are'} "
            f"{plural(len(al.acceptable), 'exchange structure')}: the zone's {len(in_zone)} "
            f"hold {covered:,} of these deals"
        )
        if others:
            text += (
                f"; the other {plural(others, 'structure')} "
                f"({plural(al.acceptable_deals - covered, 'deal')}) "
                f"{'is' if others == 1 else 'are'} acceptable too, but every deal in "
                f"{'it' if others == 1 else 'them'} is Pareto-dominated."
            )
        else:
            text += "; no acceptable deal has any other structure."
        common, _ = shared([a.structure for a in al.acceptable])
        moved = [m for m in common if m.moved]
        if moved:
            text += f" In every acceptable deal: {words(moved, labels, unmoved=False)}."
        elif ex.instance.has_status_quo:
            text += " No move is common to every acceptable deal."
        else:
            text += " No issue goes the same way in every acceptable deal."
        core, _ = shared([a.structure for a in zone_al])
        still = []
        for k, move in enumerate(ex.instance.issues):
            if any(m.issue == move and m.moved for m in core):
                n = sum(a.size for a in al.acceptable if not a.structure[k].moved)
                if n:
                    still.append(f"{move} ({plural(n, 'deal')})")
        if still:
            text += (
                " Acceptable deals that leave a move of the zone's core undone (all of them "
                f"Pareto-dominated): {', '.join(still)} unmoved."
            )
        out.append((QUESTIONS["outside"], text))
    return out


def _move(alignment: Alignment, issue: str, labels: dict[str, str]) -> str:
    move = next(m for m in alignment.structure if m.issue == issue)
    if not move.moved:
        return "unmoved"
    opts = sorted({str(d[issue]) for d, _ in alignment.deals})
    return f"{move.describe(labels)} ({', '.join(opts)})"


def _options(ex: Explanation, a: Alignment) -> dict:
    return {i: a.options(i, ex.instance.issues[i].values) for i in ex.instance.issues}


def _zone_section(ex: Explanation, w: int, top: int | None) -> str:
    zone = ex.zone
    out = [heading("zone", w)]
    if zone is None:
        return "\n".join([*out, "  Not computed: " + ex.stopped.get("zone", "skipped") + "."])
    if not len(zone):
        return "\n".join([*out, fill("The zone is empty: no alignment.", w, "  ")])
    labels = short_labels(ex)
    zone_al = _zone_alignments(ex)
    n_deals = sum(a.size for a in zone_al)
    text = (
        f"The zone has {plural(len(zone), 'Pareto-optimal acceptable point')} "
        f"({plural(n_deals, 'deal')}) in {plural(len(zone_al), 'alignment')}."
    )
    if ex.alignments is not None and not ex.alignments.zone_deals_complete:
        text += " Some points had more deals than the cap: alignments may be missing."
    out.append(fill(text, w, "  "))
    letter = {}
    for k, a in enumerate(zone_al):
        for d, _ in a.deals:
            letter[_key(d)] = LETTERS[k % 26]
        ranges = ", ".join(f"{labels[p]} {span(*a.utility_range(p))}" for p in ex.parties)
        head = f"Alignment {LETTERS[k % 26]}: {plural(a.size, 'deal')}; utilities {ranges}."
        out.append(fill(head, w, "  "))
        out.append(fill(words(a.structure, labels, _options(ex, a)) + ".", w, "    "))
    out.append(_zone_table(ex, zone, letter, w, top))
    for n in ex.named:
        out.append(fill(_named_words(ex, n), w, "  "))
    return "\n".join(out)


def _named_words(ex: Explanation, n) -> str:
    """Which alignment a named deal of the file belongs to, in one sentence."""
    head = f"Named deal {n.name}" + (f" ({n.label})" if n.label != n.name else "")
    if n.zone is not None:
        return f"{head}: alignment {LETTERS[n.zone % 26]} (its exchange structure)."
    text = f"{head}: in no alignment of the zone"
    if n.closest is not None:
        text += f"; closest is {LETTERS[n.closest % 26]}, which differs in " + ", ".join(n.differs)
    al = ex.alignments
    if n.acceptable is not None and al is not None:
        many = plural(al.acceptable[n.acceptable].size, "acceptable deal")
        text += f"; its structure is that of {many}, all Pareto-dominated"
    return text + "."


def _key(deal) -> tuple:
    return tuple(sorted((k, str(v)) for k, v in deal.items()))


def _zone_table(ex: Explanation, zone: Zone, letter: dict, w: int, top: int | None) -> str:
    marks = {"nash": "N", "kalai_smorodinsky": "K", "egalitarian": "E", "utilitarian": "U"}
    sol: dict[int, str] = {}
    for name, index in zone.solutions.items():
        if index is not None:
            sol[index] = sol.get(index, "") + marks[name]
    staged = ex.instance.staged
    shown = list(unstaged(ex.instance.status_quo, staged))  # staged issues: the schedules
    varying = [i for i in shown if len({p.deal[i] for p in zone.points}) > 1]
    fixed = [i for i in shown if i not in varying]
    pivotal = ex.pivotal if ex.acceptance is not None else ()
    labels = short_labels(ex)
    rows = []
    numbers = deal_numbers([True] * len(zone.points))  # every zone point is acceptable
    listed = list(range(len(zone.points)))
    shown = shown_rows(listed, set(sol), top)
    for n in shown:
        p = zone.points[n]
        cells = [str(numbers[n]), letter.get(_key(p.deal), "?"), sol.get(n, "")]
        cells += [short_text(p.utilities[q]) for q in ex.parties]
        if pivotal:
            cells.append(", ".join(labels[q] for q in pivotal[n]) or "none")
        cells.append(" ".join(f"{i}={p.deal[i]}" for i in varying))
        rows.append(cells)
    columns = [("#", "r"), ("al.", "l"), ("sol", "l")]
    columns += [(q, "r") for q in ex.parties]
    if pivotal:
        columns.append(("pivotal", "l"))
    columns.append(("options that vary within the zone (one deal per point)", "l"))
    text = table(columns, rows, w)
    same = ", ".join(f"{i}={zone.points[0].deal[i]}" for i in fixed)
    legend = f"  sol: N Nash, K Kalai-Smorodinsky, E egalitarian, U utilitarian. #: {NUMBERING}"
    if len(shown) < len(listed):
        legend = (
            f"Showing {len(shown)} of {len(listed)} zone deals: the bargaining solutions and the "
            "first others (--top 0 shows all; --format json and the report list every deal). "
        ) + legend.strip()
    if same:
        legend += f" Same in every zone point: {same}."
    text += "\n" + fill(legend.strip(), w, "  ")
    if staged:
        text += "\n  Each point's schedule (the option from each stage on; . status quo):"
        for n, p in enumerate(zone.points):
            title = f"Point {n + 1}:"
            text += "\n" + schedule_text(p.deal, staged, ex.status_quo, title, "    ")
    return text


def _acceptable_section(ex: Explanation, w: int, top: int | None) -> str:
    al = ex.alignments
    out = [heading("structures", w)]
    if al is None or not al.acceptable:
        reason = ex.stopped.get("alignments", "skipped")
        if reason in ("no zone", "no acceptable deal"):
            return "\n".join([*out, "  No acceptable deal."])
        return "\n".join([*out, f"  Not computed: {reason}."])
    labels = short_labels(ex)
    every = "all of them" if al.acceptable_complete else f"the first {al.cap:,}: capped"
    # without a status quo nothing moves: the issue goes one party's way, or none's
    move = "move" if ex.instance.has_status_quo else "outcome"
    out.append(
        fill(
            f"{al.acceptable_deals:,} acceptable deals ({every}); per issue, how often each "
            f"{move} occurs (zone deals / acceptable deals):",
            w,
            "  ",
        )
    )
    zone_deals = [d for a in al.zone for d, _ in a.deals]
    acc_deals = [d for a in al.acceptable for d, _ in a.deals]
    rows = []
    for k, issue in enumerate(ex.instance.issues):
        counts: dict[str, list[int]] = {}
        for col, deals in ((0, zone_deals), (1, acc_deals)):
            for d in deals:
                text = structure(ex.instance, d)[k].describe(labels)
                counts.setdefault(text, [0, 0])[col] += 1
        cell = "; ".join(f"{t} {z}/{a}" for t, (z, a) in counts.items())
        rows.append([issue, cell])
    out.append(table([("issue", "l"), (f"{move}s (zone/acceptable)", "l")], rows, w))
    out.append(fill("The largest structures (differences from the zone's shared core):", w, "  "))
    core, _ = shared([a.structure for a in al.zone]) if al.zone else ([], [])
    core_by_issue = {m.issue: m for m in core}
    rows = []
    # the twelve largest by default; --top 0 and the report list them all
    shown = al.acceptable if not top else al.acceptable[: min(top, 12)]
    for a in shown:
        diffs = [
            f"{m.issue} {m.describe(labels)}"
            for m in a.structure
            if m.issue not in core_by_issue or core_by_issue[m.issue] != m
        ]
        rows.append([str(a.size), "yes" if al.in_zone(a) else "no", "; ".join(diffs) or "-"])
    out.append(table([("deals", "r"), ("zone", "l"), ("differs in", "l")], rows, w))
    rest = al.acceptable[len(shown) :]
    if rest:
        n = sum(a.size for a in rest)
        more = f"... and {plural(len(rest), 'more structure')} ({n:,} deals): see --format json."
        out.append(fill(more, w, "  "))
    return "\n".join(out)
