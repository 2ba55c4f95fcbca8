"""A staged deal as a schedule: one row per staged issue, one column per stage.

Self-contained so that every renderer (text, explain, HTML) can show a staged deal the same
way: ``schedule_table(result, point)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dealopt.result import FrontierDeal, Result


def schedule_table(result: Result, point: FrontierDeal, title: str = "") -> str:
    """The deal's staged issues as a plain-text table (empty when nothing is staged).

    A cell shows the option that holds from that stage on; ``.`` marks the status quo, so the
    moves stand out.
    """
    rows = result.schedule(point)
    if not rows:
        return ""
    stages = list(next(iter(rows.values())))
    head = ["issue", *stages]
    body = []
    for issue, by_stage in rows.items():
        first = result.staged[issue][0]
        quo = result.status_quo[first]
        body.append([issue, *(str(v) if v != quo else "." for v in by_stage.values())])
    widths = [max(len(r[k]) for r in [head, *body]) for k in range(len(head))]
    lines = [title] if title else []
    for r in [head, *body]:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    return "\n".join(lines)
