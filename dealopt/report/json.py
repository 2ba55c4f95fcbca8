"""The result as JSON-ready data: the documented, versioned ``dealopt.result/1`` schema.

Utilities appear twice: ``utilities`` as JSON numbers (what every consumer reads) and
``utilities_exact`` as exact text (a terminating decimal, or ``"a/b"``), so nothing is lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dealopt.report.numbers import exact_text, json_number
from dealopt.result import deal_numbers

if TYPE_CHECKING:
    from dealopt.result import FrontierDeal, Result


def _deal(point: FrontierDeal, result: Result, number: int | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "number": number,
        "deal": dict(point.deal),
        "utilities": {p: json_number(u) for p, u in point.utilities.items()},
        "utilities_exact": {p: exact_text(u) for p, u in point.utilities.items()},
        "acceptable": point.acceptable,
    }
    if point.all_deals is not None:
        out["all_deals"] = [dict(d) for d in point.all_deals]
        out["all_deals_complete"] = point.all_deals_complete
    if point.pivotal is not None:
        out["pivotal"] = list(point.pivotal)
    if point.blockers is not None:
        out["blockers"] = list(point.blockers)
    if result.staged:
        out["schedule"] = result.schedule(point)
    return out


def result_to_dict(result: Result) -> dict[str, Any]:
    """See the module docstring and ``docs/result-schema.json``."""
    stats = result.stats
    out: dict[str, Any] = {
        "schema": "dealopt.result/1",
        "instance": result.instance_name,
        "parties": [
            {
                "name": name,
                "label": label,
                "no_deal": json_number(result.no_deal[name]),
                "no_deal_exact": exact_text(result.no_deal[name]),
            }
            for name, label in result.parties.items()
        ],
        "issues": list(result.issues),
        "status": str(result.status),
        "frontier": [
            _deal(p, result, n)
            for p, n in zip(
                result.frontier, deal_numbers([p.acceptable for p in result.frontier]), strict=True
            )
        ],
        "zone": list(result.zone),
        "solutions": dict(result.solutions),
        # what the zone and the solutions are computed over: partial results say so
        "solutions_over": (
            "points proven so far"
            if str(result.status) == "partial"
            else "whole zone"
            if result.stats.zone_only
            else "whole frontier"
        ),
        "stats": {
            "backend": stats.backend,
            "algorithm": stats.algorithm,
            "solver_calls": stats.solver_calls,
            "seconds": round(stats.seconds, 6),
            "bundle_space_size": stats.bundle_space_size,
            "points": len(result.frontier),
            "stopped": stats.stopped,
            "zone_only": stats.zone_only,
            "resolution": {p: json_number(r) for p, r in stats.resolution.items()},
            "regions": stats.regions,
        },
    }
    if result.staged:
        out["stages"] = {base: list(names) for base, names in result.staged.items()}
    if result.acceptance is not None:
        out["acceptance"] = {
            "rule": list(result.acceptance.clauses),
            "veto_players": list(result.acceptance.veto_players),
            "pivotal": list(result.acceptance.pivotal),
        }
    return out
