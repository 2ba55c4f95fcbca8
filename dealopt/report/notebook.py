"""A result in a notebook: the summary, then the zone (or the frontier) as an HTML table."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from dealopt.report.numbers import ROUNDING_NOTE, any_rounded, short_text
from dealopt.report.text import MARKS, summary
from dealopt.result import NUMBERING, deal_numbers

if TYPE_CHECKING:
    from dealopt.result import Result

ROWS = 50
"""At most this many rows; ``Result.to_frame()`` has them all."""


def result_html(result: Result) -> str:
    """``Result._repr_html_``: the summary paragraph and a table of the listed deals."""
    out = [f"<p>{escape(summary(result))}</p>"]
    if not result.frontier:
        return out[0]
    rows = list(result.zone) or list(range(len(result.frontier)))
    numbers = deal_numbers([p.acceptable for p in result.frontier])
    marks: dict[int, str] = {}
    for name, index in result.solutions.items():
        if index is not None:
            marks[index] = marks.get(index, "") + MARKS[name]
    head = "".join(f"<th>{escape(h)}</th>" for h in ["#", "sol", *result.parties, *result.issues])
    body = []
    for r in rows[:ROWS]:
        point = result.frontier[r]
        cells = [str(numbers[r]), marks.get(r, "")]
        cells += [short_text(point.utilities[p]) for p in result.parties]
        cells += [str(point.deal[i]) for i in result.issues]
        body.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
    title = "The zone" if result.zone else "The frontier (no deal is in the zone)"
    notes = ["sol: N Nash, K Kalai-Smorodinsky, E egalitarian, U utilitarian.", NUMBERING]
    if len(rows) > ROWS:
        notes.append(f"The first {ROWS} of {len(rows)} rows; to_frame() has them all.")
    if any_rounded(result.frontier[r].utilities[p] for r in rows for p in result.parties):
        notes.append(ROUNDING_NOTE.replace("--format json", "to_json()"))
    out.append(
        f"<table><caption>{title}</caption><tr>{head}</tr>{''.join(body)}</table>"
        f"<p>{escape(' '.join(notes))}</p>"
    )
    return "\n".join(out)
