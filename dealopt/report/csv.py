"""The frontier as CSV: one row per frontier deal (standard library only)."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from dealopt.report.numbers import CSV_PLACES, short_text
from dealopt.result import deal_numbers

if TYPE_CHECKING:
    from dealopt.result import Result


def result_to_csv(result: Result) -> str:
    """Columns: deal (its number, :data:`~dealopt.result.NUMBERING`), each issue, each
    party's utility (a decimal number, rounded to :data:`~dealopt.report.numbers.CSV_PLACES`
    places: ``--format json`` has it exactly), acceptable, solutions."""
    marks: dict[int, list[str]] = {}
    for name, index in result.solutions.items():
        if index is not None:
            marks.setdefault(index, []).append(name)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["deal", *result.issues, *result.parties, "acceptable", "solutions"])
    numbers = deal_numbers([p.acceptable for p in result.frontier])
    for i, point in enumerate(result.frontier):
        writer.writerow(
            [
                "" if numbers[i] is None else numbers[i],
                *(point.deal[issue] for issue in result.issues),
                *(short_text(point.utilities[p], CSV_PLACES) for p in result.parties),
                "true" if point.acceptable else "false",
                " ".join(marks.get(i, [])),
            ]
        )
    return out.getvalue()
