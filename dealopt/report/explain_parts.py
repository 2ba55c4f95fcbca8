"""Pieces of the text explanation: layout helpers and the sections after the alignments
(backbone, conflicts, red-line prices, linkage, what it would take). Wording only; nothing is
computed here. :mod:`dealopt.report.explain` puts the whole together.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

from dealopt.report.numbers import short_text

if TYPE_CHECKING:
    from dealopt.analysis.explain import Explanation
    from dealopt.analysis.zone import Zone

WIDTH = 100
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


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
    return textwrap.fill(text, width=width, initial_indent=indent, subsequent_indent=indent)


def item(text: str, width: int, depth: int = 2) -> str:
    """A bullet: ``- text``, continuation lines under the text."""
    pad = " " * depth
    return textwrap.fill(text, width=width, initial_indent=pad + "- ", subsequent_indent=pad + "  ")


def table(columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[str]], width: int) -> str:
    """A plain text table (rich, no colour); ``columns`` are (header, "l"|"r")."""
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
    out = ["3. BACKBONE (what every acceptable deal has in common)"]
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
    out = ["4. CONFLICTS (minimal sets of red lines, rules and no-deal values that clash)"]
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
    out = ["5. PRICE OF EACH RED LINE (the zone with that one red line dropped)"]
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
    out = ["6. LINKAGE (issue groups negotiated alone or together)"]
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
    out = ["7. WHAT IT WOULD TAKE"]
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
            sq = ex.status_quo
            moves = " ".join(f"{i}={v}" for i, v in nash.deal.items() if v != sq[i])
            text += f" The deal then agreed (Nash): {u}; it moves {moves or 'nothing'}."
        out.append(item(text, w))
    return "\n".join(out)
