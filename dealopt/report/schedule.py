"""A staged deal as a schedule: one row per staged issue, one column per stage.

The one place every renderer (solve's text and JSON, explain, evaluate, the HTML report) turns
a staged deal into a schedule: :func:`schedule_of` (the data), :func:`schedule_text` (a
plain-text table) and :func:`schedule_table` (the same for a result's frontier deal).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from dealopt.spec.model import Value, schedule

if TYPE_CHECKING:
    from dealopt.result import FrontierDeal, Result


def schedule_of(
    deal: Mapping[str, Value], staged: Mapping[str, tuple[str, ...]]
) -> dict[str, dict[str, Value]]:
    """The staged issues of ``deal`` as staged issue -> stage -> option (empty: none staged)."""
    return schedule(deal, staged) if staged else {}


def unstaged(deal: Mapping[str, Value], staged: Mapping[str, tuple[str, ...]]) -> dict[str, Value]:
    """The options of ``deal`` on the issues that are not staged (the schedule shows the rest)."""
    per_stage = {name for names in staged.values() for name in names}
    return {i: v for i, v in deal.items() if i not in per_stage}


def schedule_text(
    deal: Mapping[str, Value],
    staged: Mapping[str, tuple[str, ...]],
    status_quo: Mapping[str, Value],
    title: str = "",
    indent: str = "",
) -> str:
    """The deal's staged issues as a plain-text table (empty when nothing is staged).

    A cell shows the option that holds from that stage on; ``.`` marks the status quo, so the
    moves stand out.
    """
    rows = schedule_of(deal, staged)
    if not rows:
        return ""
    stages = list(next(iter(rows.values())))
    head = ["issue", *stages]
    body = []
    for issue, by_stage in rows.items():
        quo = status_quo[staged[issue][0]]
        body.append([issue, *(str(v) if v != quo else "." for v in by_stage.values())])
    widths = [max(len(r[k]) for r in [head, *body]) for k in range(len(head))]
    lines = [indent + title] if title else []
    for r in [head, *body]:
        cells = "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
        lines.append(indent + cells)
    return "\n".join(lines)


def schedule_table(result: Result, point: FrontierDeal, title: str = "") -> str:
    """:func:`schedule_text` of a result's frontier deal."""
    return schedule_text(point.deal, result.staged, result.status_quo, title)
