"""Pieces of the text explanation: layout helpers and the sections after the alignments
(backbone, conflicts, red-line prices, linkage, what it would take). Wording only; nothing is
computed here. :mod:`dealopt.report.explain` puts the whole together.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from fractions import Fraction
from html import escape
from typing import TYPE_CHECKING

from dealopt.report.numbers import short_text

if TYPE_CHECKING:
    from dealopt.analysis.explain import Explanation
    from dealopt.analysis.zone import Zone

WIDTH = 100
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

# The question each part of an explanation answers, stated once, in the reader's words: the
# text, the JSON and the HTML report print the question before its answer.
QUESTIONS = {
    "feasible": "Can any deal satisfy every rule and red line together?",
    "acceptable": "Is there a deal that every party prefers to no deal?",
    "one_alignment": (
        "Is there only one way the parties can align, that is, one exchange (who gives what "
        "to whom) shared by every deal in the zone?"
    ),
    "outside": "Do the acceptable deals outside the zone exchange in other ways?",
    "zone": "Which deals could every party accept, and how do they align?",
    "structures": "How do all acceptable deals exchange, issue by issue, dominated ones included?",
    "backbone": "What does every acceptable deal have in common?",
    "conflicts": "Which red lines, rules and no-deal values cannot hold together?",
    "prices": "What does each red line cost: how would the zone change without it?",
    "linkage": "Does a zone exist only when the issue groups are negotiated together?",
    "what_it_takes": (
        "What would it take to open a zone, or how far could each no-deal value rise before "
        "the zone closes?"
    ),
}
SECTIONS = {  # section key: its heading in the text (numbered in this order)
    "zone": "ZONE AND ALIGNMENTS",
    "structures": "ALL ACCEPTABLE DEALS BY EXCHANGE STRUCTURE",
    "backbone": "BACKBONE",
    "conflicts": "CONFLICTS",
    "prices": "PRICE OF EACH RED LINE",
    "linkage": "LINKAGE",
    "what_it_takes": "WHAT IT WOULD TAKE",
}


class HtmlWidth(int):
    """The width the HTML report passes to the section writers: the same code then emits
    structured HTML (paragraphs, lists, tables), one line each, marked with :data:`MARK`;
    :func:`to_html` escapes every other line. One wording for text and HTML, no second copy."""


MARK = "\x1e"  # a record separator: never in escaped user text


def _html(width: int) -> bool:
    return isinstance(width, HtmlWidth)


def heading(key: str, w: int) -> str:
    """A section's numbered heading, then the question it answers (HTML: the question only;
    the report writes the heading)."""
    if _html(w):
        return f"{MARK}<p class='question'>{escape(QUESTIONS[key])}</p>"
    number = list(SECTIONS).index(key) + 1
    return f"{number}. {SECTIONS[key]}\n" + fill(QUESTIONS[key], w, "  ")


def section_title(key: str) -> str:
    """A section's heading in sentence case: "3. Backbone"."""
    number = list(SECTIONS).index(key) + 1
    return f"{number}. {SECTIONS[key].capitalize()}"


def to_html(text: str) -> str:
    """Section text written with an :class:`HtmlWidth` as HTML: marked lines as they are,
    bullets gathered into lists, any other line escaped as a paragraph."""
    out: list[str] = []
    in_list = False
    for line in text.split("\n"):  # not splitlines(): it splits at MARK too
        html = line[1:] if line.startswith(MARK) else None
        if html is None and line.strip():
            html = f"<p>{escape(line.strip())}</p>"
        if html is None:
            continue
        if html.startswith("<li>") != in_list:
            out.append("<ul>" if not in_list else "</ul>")
            in_list = not in_list
        out.append(html)
    if in_list:
        out.append("</ul>")
    return "\n".join(out)


def short_labels(ex: Explanation) -> dict[str, str]:
    """Party labels without a trailing parenthesis: "United States (Trump ...)" -> "United
    States" (the full label is in the header)."""
    return {p: re.sub(r"\s*\([^()]*\)$", "", label) or p for p, label in ex.parties.items()}


def num(x: Fraction | None) -> str:
    return "-" if x is None else short_text(x)


def span(lo: Fraction, hi: Fraction) -> str:
    return short_text(lo) if lo == hi else f"{short_text(lo)}-{short_text(hi)}"


def delta(x: Fraction | None) -> str:
    if x is None:
        return "-"
    return "0" if x == 0 else ("+" if x > 0 else "") + short_text(x)


def plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"


def fill(text: str, width: int, indent: str = "") -> str:
    if _html(width):
        return f"{MARK}<p>{escape(' '.join(text.split()))}</p>"
    # never break at hyphens: file paths and names stay whole (and can be copied)
    return textwrap.fill(
        text,
        width=width,
        initial_indent=indent,
        subsequent_indent=indent,
        break_on_hyphens=False,
        break_long_words=False,
    )


def item(text: str, width: int, depth: int = 2) -> str:
    """A bullet: ``- text``, continuation lines under the text."""
    if _html(width):
        return f"{MARK}<li>{escape(' '.join(text.split()))}</li>"
    pad = " " * depth
    return textwrap.fill(
        text,
        width=width,
        initial_indent=pad + "- ",
        subsequent_indent=pad + "  ",
        break_on_hyphens=False,
        break_long_words=False,
    )


def table(columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[str]], width: int) -> str:
    """A plain text table (rich, no colour); ``columns`` are (header, "l"|"r")."""
    if _html(width):
        head = "".join(
            f"<th scope='col'{' class=num' if a == 'r' else ''}>{escape(h)}</th>"
            for h, a in columns
        )
        body = "".join(
            "<tr>"
            + "".join(
                f"<td{' class=num' if a == 'r' else ''}>{escape(c)}</td>"
                for c, (_, a) in zip(row, columns, strict=True)
            )
            + "</tr>"
            for row in rows
        )
        return (
            f"{MARK}<div class='table-wrap'><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table></div>"
        )
    from rich.console import Console
    from rich.table import Table

    grid = Table(show_edge=False, pad_edge=False, box=None, show_header=True)
    for header, align in columns:
        grid.add_column(header, justify="right" if align == "r" else "left", overflow="fold")
    for row in rows:
        grid.add_row(*row)
    console = Console(width=width, record=True, file=_Null(), color_system=None)
    console.print(grid)
    lines = [line.rstrip() for line in console.export_text().rstrip().splitlines()]
    return "\n".join("  " + line for line in lines)


class _Null:
    def write(self, _: str) -> int:
        return 0

    def flush(self) -> None:
        pass


def backbone_section(ex: Explanation, w: int) -> str:
    out = [heading("backbone", w)]
    bb = ex.backbone
    if bb is None:
        return "\n".join([*out, "  No acceptable deal: no backbone."])
    sentences = bb.sentences()
    forced = bb.forced
    intro = (
        f"Exact, over all acceptable deals ({bb.solves} feasibility solves; "
        f"{bb.seeded_from:,} known acceptable deals spared the rest). "
    )
    if forced:
        intro += f"Forced: {', '.join(f'{i}={v}' for i, v in forced.items())}. "
    out.append(fill(intro + ("" if sentences else "Every option occurs somewhere."), w, "  "))
    out += [item(s + ".", w) for s in sentences]
    rows = [
        [b.issue, " ".join(str(v) for v in b.possible), " ".join(str(v) for v in b.excluded)]
        for b in bb.issues
    ]
    out.append(table([("issue", "l"), ("possible", "l"), ("never", "l")], rows, w))
    return "\n".join(out)


def conflicts_section(ex: Explanation, w: int) -> str:
    out = [heading("conflicts", w)]
    c = ex.conflicts
    if c is None:
        return "\n".join([*out, "  Not computed: " + ex.stopped.get("conflicts", "skipped")])
    if c.status == "none":
        text = (
            "None: acceptable deals exist, so every rule, red line and no-deal value can hold "
            "together."
        )
        return "\n".join([*out, fill(text, w, "  ")])
    what = "no feasible deal" if c.status == "no-feasible-deal" else "no acceptable deal"
    found = (
        f"these are all {len(c.conflicts)}"
        if c.complete
        else f"{len(c.conflicts)} found; more may exist"
        + (f" (stopped: {c.stopped})" if c.stopped else " (cap reached)")
    )
    text = (
        f"There is {what}. Minimal conflicts: each cannot hold together, and dropping any one "
        f"of its members resolves it ({found}; {c.checks} checks)."
    )
    out.append(fill(text, w, "  "))
    for k, conflict in enumerate(c.conflicts):
        out.append(f"  Conflict {k + 1} ({plural(len(conflict), 'member')}):")
        out += [item(e.describe(), w, 4) for e in conflict.elements]
    return "\n".join(out)


def prices_section(ex: Explanation, w: int) -> str:
    out = [heading("prices", w)]
    pr = ex.prices
    if pr is None:
        return "\n".join([*out, "  Not computed: " + ex.stopped.get("prices", "skipped")])
    if not pr.prices:
        return "\n".join([*out, "  The instance has no red lines."])
    parties = list(ex.parties)
    empty = not len(pr.base)
    rows = []
    for p in pr.prices:
        cells = [p.red_line.owner or "", p.red_line.label, str(len(p.zone))]
        cells.append(delta(pr.zone_gain(p)))
        for q in parties:
            if empty:  # nothing to compare with: the values of the zone the drop opens
                cells += [num(p.best(q)), num(p.nash(q))]
            else:
                cells += [delta(pr.rise(p, q, "best")), delta(pr.rise(p, q, "nash"))]
        rows.append(cells)
    columns = [("owner", "l"), ("red line dropped", "l"), ("zone", "r"), ("+pts", "r")]
    for q in parties:
        columns += [(f"{q} best", "r"), (f"{q} Nash", "r")]
    if empty:
        text = (
            "The zone with every red line is empty. Columns: the zone's points without the red "
            "line; each party's best utility and Nash utility in the zone that dropping it "
            "opens (- when it opens none)."
        )
    else:
        text = (
            f"The zone with every red line has {plural(len(pr.base), 'point')}. Columns: the "
            "zone's points without the red line and how many more; the change of each party's "
            "best zone utility and Nash utility when the red line is dropped (a rise for "
            "another party is what the red line costs it; a fall for the owner is what it "
            "protects)."
        )
    out.append(fill(text, w, "  "))
    out.append(table(columns, rows, w))
    idle = [p.red_line.label for p in pr.prices if _same_zone(p.zone, pr.base, parties)]
    if idle:
        out.append(fill("No effect on the zone when dropped: " + "; ".join(idle) + ".", w, "  "))
    return "\n".join(out)


def _same_zone(a: Zone, b: Zone, parties: list[str]) -> bool:
    def vectors(z: Zone) -> list[tuple]:
        return [tuple(p.utilities[q] for q in parties) for p in z.points]

    return vectors(a) == vectors(b)


def linkage_section(ex: Explanation, w: int) -> str:
    out = [heading("linkage", w)]
    lk = ex.linkage
    if lk is None:
        reason = ex.stopped.get("linkage", "skipped")
        why = {
            "no groups": "The instance names no issue groups (groups: in the file).",
            "not asked": "Not asked (--no-linkage).",
        }.get(reason, f"Not computed: {reason}.")
        return "\n".join([*out, "  " + why])
    labels = short_labels(ex)
    groups = "; ".join(f"{g} ({', '.join(i)})" for g, i in lk.groups.items())
    out.append(
        fill(f"Groups: {groups}. Issues outside a linked set stay at the status quo.", w, "  ")
    )

    def zone_words(z: Zone | None) -> str:
        if z is None or not len(z):
            return "no zone"
        nash = z.solution("nash")
        assert nash is not None
        u = ", ".join(f"{labels[p]} {short_text(nash.utilities[p])}" for p in ex.parties)
        return f"zone of {plural(len(z), 'point')}, Nash {u}"

    rows = [[f"{s.groups[0]} alone", zone_words(s.zone)] for s in lk.alone]
    rows += [
        [f"without {g}", zone_words(s.zone)] for g, s in zip(lk.groups, lk.without, strict=True)
    ]
    rows.append(["all linked", zone_words(lk.linked.zone)])
    out.append(table([("negotiated", "l"), ("result", "l")], rows, w))
    if lk.minimal:
        sets = "; ".join("{" + ", ".join(m) + "}" for m in lk.minimal)
        text = f"Smallest linkages that open a zone: {sets}."
        if lk.needed:
            text += f" Needed in every one: {', '.join(lk.needed)}."
    else:
        text = "No set of groups opens a zone."
    if lk.effect:
        text += (
            " Sebenius's effect holds: a zone exists only when issues are linked; no group "
            "alone has one."
        )
    elif lk.linked.acceptable:
        alone = [s.groups[0] for s in lk.alone if s.acceptable]
        text += f" No linkage effect in Sebenius's sense: {', '.join(alone)} alone has a zone."
    out.append(fill(text, w, "  "))
    return "\n".join(out)


def what_section(ex: Explanation, w: int) -> str:
    out = [heading("what_it_takes", w)]
    wt = ex.what_it_takes
    labels = short_labels(ex)
    if wt is None:
        return "\n".join([*out, "  Not computed: " + ex.stopped.get("what_it_takes", "skipped")])
    if wt.status == "no-feasible-deal":
        text = (
            "No change of a no-deal value can help: no deal is feasible. One member of each "
            "conflict above must give."
        )
        return "\n".join([*out, fill(text, w, "  ")])
    if wt.status == "zone":
        parts = [
            f"{labels[h.party]} from {short_text(h.no_deal)} to {short_text(h.highest)} "
            f"(+{short_text(h.rise)})"
            if h.highest is not None and h.rise is not None
            else f"{labels[h.party]} without limit (the rule passes a zone deal without it)"
            for h in wt.headroom
        ]
        text = (
            "Nothing: the zone is not empty. How far each no-deal value could rise, the others "
            f"fixed, before the zone closes: {'; '.join(parts)}."
        )
        return "\n".join([*out, fill(text, w, "  ")])
    for o in wt.openings:
        who = labels[o.party]
        if o.reachable is None:
            text = (
                f"{who}: no decrease of its no-deal value alone opens a zone (the other "
                "parties' no-deal values cannot all be met by a feasible deal)."
            )
            out.append(item(text, w))
            continue
        assert o.decrease is not None
        text = (
            f"{who}: lower its no-deal value by {short_text(o.decrease)}, from "
            f"{short_text(o.no_deal)} to {short_text(o.reachable)} (the most it can get while "
            "every other party keeps its no-deal value)."
        )
        nash = o.zone.solution("nash") if o.zone is not None else None
        if nash is not None:
            u = ", ".join(f"{labels[p]} {short_text(nash.utilities[p])}" for p in ex.parties)
            at_sq = ex.instance.at_status_quo
            moves = " ".join(f"{i}={v}" for i, v in nash.deal.items() if not at_sq(i, v))
            verb = "moves" if ex.instance.has_status_quo else "chooses"
            text += f" The deal then agreed (Nash): {u}; it {verb} {moves or 'nothing'}."
        out.append(item(text, w))
    return "\n".join(out)
