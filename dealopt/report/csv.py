"""The frontier as CSV: one row per frontier deal (standard library only)."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from dealopt.report.numbers import exact_text

if TYPE_CHECKING:
    from dealopt.result import Result


def result_to_csv(result: Result) -> str:
    """Columns: point, each issue, each party's exact utility, acceptable, solutions."""
    marks: dict[int, list[str]] = {}
    for name, index in result.solutions.items():
        if index is not None:
            marks.setdefault(index, []).append(name)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["point", *result.issues, *result.parties, "acceptable", "solutions"])
    for i, point in enumerate(result.frontier):
        writer.writerow(
            [
                i,
                *(point.deal[issue] for issue in result.issues),
                *(exact_text(point.utilities[p]) for p in result.parties),
                "true" if point.acceptable else "false",
                " ".join(marks.get(i, [])),
            ]
        )
    return out.getvalue()
