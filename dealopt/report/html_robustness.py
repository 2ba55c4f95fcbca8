"""The report's "How sure is the answer?" section: a sweep's numbers as HTML tables.

Kept in its own module so the report page only gains one slot; every number comes from
:class:`dealopt.sweep.result.SweepResult` (nothing is computed here).
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from dealopt.report.sweep import MEASURE, deal_text, drivers

if TYPE_CHECKING:
    from dealopt.sweep.result import SweepResult


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def robustness_section(result: SweepResult, top: int = 5) -> str:
    """The section: zone probability, Nash alignments and deals, acceptability, drivers."""
    p, lo, hi = result.zone_probability
    sq = result.extra.get("status_quo") if result.extra else None
    how = f"{result.method}, seed {result.seed}" if result.method else escape(result.source)
    parts = [
        "<section id='robustness'><h2>How sure is the answer?</h2>",
        f"<p class='hint'>From <code>dealopt sweep</code>: {result.n} scenarios ({how}) drawn "
        "from the file's <code>uncertainty</code> section, each solved exactly "
        "(docs/sweep.md explains every number).</p>",
        f"<p>The zone is non-empty in <b>{_pct(p)}</b> of the scenarios (95% interval "
        f"{_pct(lo)} to {_pct(hi)})"
        + (f"; {result.partial} partial scenarios counted" if result.partial else "")
        + ".</p>",
        "<h3>The Nash deal's exchange structure</h3><table><tr><th>share</th><th>± s.e.</th>"
        "<th>alignment</th></tr>",
    ]
    for alignment, share, se in result.alignments[:top]:
        parts.append(
            f"<tr><td>{_pct(share)}</td><td>{_pct(se)}</td><td>{escape(alignment)}</td></tr>"
        )
    parts.append(
        "</table><h3>Most acceptable deals</h3><table><tr><th>in the zone</th><th>Nash</th>"
        + ("<th>deal (what moves from the status quo)</th></tr>" if sq else "<th>deal</th></tr>")
    )
    for d in result.deal_shares[:top]:
        parts.append(
            f"<tr><td>{_pct(d.acceptability)}</td><td>{_pct(d.solutions['nash'])}</td>"
            f"<td>{escape(deal_text(d.deal, sq))}</td></tr>"
        )
    measure = MEASURE[result.sensitivity_method]
    parts.append(f"</table><h3>What drives it ({escape(measure)})</h3><ul>")
    for outcome in result.outcome_arrays:
        shown = "; ".join(f"{escape(k)} {escape(v)}" for k, v in drivers(result, outcome)[:3])
        parts.append(f"<li><code>{escape(outcome)}</code>: {shown or '(constant)'}</li>")
    parts.append("</ul></section>")
    return "".join(parts)
