"""An explanation as JSON-ready data: the documented, versioned ``dealopt.explanation/1``.

See docs/explanation.md for every key. Numbers appear as JSON numbers (``x``) and, where
exactness matters, also as exact text (``x_exact``: a terminating decimal or ``"a/b"``).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from dealopt.analysis.alignments import Alignment, IssueMove, shared, words
from dealopt.report.numbers import exact_text, json_number
from dealopt.report.schedule import schedule_of

if TYPE_CHECKING:
    from dealopt.analysis.explain import Explanation
    from dealopt.analysis.switches import Element
    from dealopt.analysis.zone import Zone, ZonePoint

SCHEMA = "dealopt.explanation/1"


def _n(x: Fraction | None) -> int | float | None:
    return None if x is None else json_number(x)


def _x(x: Fraction | None) -> str | None:
    return None if x is None else exact_text(x)


def _deal(
    deal: Mapping, utilities: Mapping[str, Fraction], staged: Mapping[str, tuple[str, ...]]
) -> dict[str, Any]:
    out = {
        "deal": dict(deal),
        "utilities": {p: json_number(u) for p, u in utilities.items()},
        "utilities_exact": {p: exact_text(u) for p, u in utilities.items()},
    }
    if staged:  # a staged deal is shown as a schedule too (issue -> stage -> option)
        out["schedule"] = schedule_of(deal, staged)
    return out


def _point(p: ZonePoint, staged: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
    return _deal(p.deal, p.utilities, staged)


def _zone(z: Zone | None, staged: Mapping[str, tuple[str, ...]]) -> dict[str, Any] | None:
    if z is None:
        return None
    return {
        "points": [_point(p, staged) for p in z.points],
        "solutions": dict(z.solutions),
        "no_deal": {p: json_number(d) for p, d in z.no_deal.items()},
    }


def _move(m: IssueMove) -> dict[str, Any]:
    return {
        "issue": m.issue,
        "moved": m.moved,
        "gives": list(m.gives),
        "gains": list(m.gains),
        "basis": m.basis,
    }


def _alignment(ex: Explanation, a: Alignment, labels, *, deals: bool) -> dict[str, Any]:
    options = {i: list(a.options(i, ex.instance.issues[i].values)) for i in ex.instance.issues}
    out: dict[str, Any] = {
        "structure": [_move(m) for m in a.structure],
        "words": words(a.structure, labels, options),
        "size": a.size,
        "options": options,
        "utility_range": {
            p: [_n(lo), _n(hi)] for p in ex.parties for lo, hi in [a.utility_range(p)]
        },
        "utility_range_exact": {
            p: [_x(lo), _x(hi)] for p in ex.parties for lo, hi in [a.utility_range(p)]
        },
    }
    if deals:
        out["deals"] = [_deal(d, u, ex.instance.staged) for d, u in a.deals]
    return out


def _element(e: Element) -> dict[str, Any]:
    return {
        "kind": e.kind,
        "owner": e.owner,
        "index": e.index,
        "label": e.label,
        "text": e.text,
        "source": e.source,
    }


def _acceptance(ex: Explanation) -> dict[str, Any] | None:
    """The acceptance rule's part (None without a rule): see docs/explanation.md."""
    a = ex.acceptance
    if a is None:
        return None
    return {
        "rule": list(a.clauses),
        "veto_players": list(a.veto_players),
        "pivotal": list(a.pivotal),
        "zone_pivotal": [list(p) for p in ex.pivotal],
        "blocked": {name: list(who) for name, who in ex.blocked.items()},
    }


def explanation_to_dict(ex: Explanation) -> dict[str, Any]:
    """See the module docstring and docs/explanation.md."""
    from dealopt.report.explain import answers, short_labels
    from dealopt.report.explain_parts import QUESTIONS, SECTIONS

    labels = short_labels(ex)
    inst = ex.instance
    out: dict[str, Any] = {
        "schema": SCHEMA,
        "instance": inst.name,
        "path": inst.path,
        "parties": [
            {
                "name": p,
                "label": label,
                "no_deal": json_number(ex.no_deal[p]),
                "no_deal_exact": exact_text(ex.no_deal[p]),
            }
            for p, label in ex.parties.items()
        ],
        "issues": [
            {
                "name": n,
                "values": list(i.values),
                "status_quo": i.status_quo if inst.has_status_quo else None,
            }
            for n, i in inst.issues.items()
        ],
        "status": ex.status,
        "stats": {
            "backend": ex.backend,
            "solver_calls": ex.solver_calls,
            "seconds": round(ex.seconds, 6),
            "bundle_space_size": inst.bundle_space_size,
            "exact": ex.exact,
            "resolution": {p: json_number(r) for p, r in ex.resolution.items()},
        },
        "stopped": dict(ex.stopped),
        # the questions explain answers, in words, and its short answers to them
        "answers": [{"question": q, "answer": a} for q, a in answers(ex)],
        "questions": {key: QUESTIONS[key] for key in SECTIONS},
        "acceptance": _acceptance(ex),
        "zone": _zone(ex.zone, ex.instance.staged),
        "alignments": None,
        "backbone": None,
        "conflicts": None,
        "prices": None,
        "linkage": None,
        "what_it_takes": None,
    }
    al = ex.alignments
    if al is not None:
        common, differ = shared([a.structure for a in al.zone])
        acc_common, _ = shared([a.structure for a in al.acceptable])
        out["alignments"] = {
            "count": len(al.zone),
            "only": al.only,
            "zone": [_alignment(ex, a, labels, deals=True) for a in al.zone],
            "zone_deals_complete": al.zone_deals_complete,
            "shared": [_move(m) for m in common],
            "differ": differ,
            "acceptable": {
                "deals": al.acceptable_deals,
                "complete": al.acceptable_complete,
                "cap": al.cap,
                "shared": [_move(m) for m in acc_common],
                "structures": [
                    {**_alignment(ex, a, labels, deals=False), "in_zone": al.in_zone(a)}
                    for a in al.acceptable
                ],
            },
        }
    out["named_deals"] = [
        {
            "name": n.name,
            "label": n.label,
            "zone_alignment": n.zone,
            "acceptable_structure": n.acceptable,
            "closest_alignment": n.closest,
            "differs": list(n.differs),
        }
        for n in ex.named
    ]
    bb = ex.backbone
    if bb is not None:
        out["backbone"] = {
            "solves": bb.solves,
            "seeded_from": bb.seeded_from,
            "issues": [
                {
                    "issue": b.issue,
                    "possible": list(b.possible),
                    "excluded": list(b.excluded),
                    "forced": b.forced,
                    "at_least": b.at_least,
                    "at_most": b.at_most,
                    "uncertain": list(b.uncertain),
                    "sentence": b.sentence(),
                }
                for b in bb.issues
            ],
        }
    c = ex.conflicts
    if c is not None:
        out["conflicts"] = {
            "status": c.status,
            "complete": c.complete,
            "checks": c.checks,
            "stopped": c.stopped,
            "conflicts": [[_element(e) for e in k.elements] for k in c.conflicts],
        }
    pr = ex.prices
    if pr is not None:
        base_nash = pr.base.solution("nash")
        red_lines = []
        for p in pr.prices:
            nash = p.zone.solution("nash")
            red_lines.append(
                {
                    **_element(p.red_line),
                    "zone_points": len(p.zone),
                    "extra_points": pr.zone_gain(p),
                    "nash": None if nash is None else _point(nash, ex.instance.staged),
                    "parties": {
                        q: {
                            "best_before": _n(pr.base.best(q)),
                            "best_after": _n(p.zone.best(q)),
                            "best_rise": _n(pr.rise(p, q, "best")),
                            "nash_before": None
                            if base_nash is None
                            else json_number(base_nash.utilities[q]),
                            "nash_after": _n(p.nash(q)),
                            "nash_rise": _n(pr.rise(p, q, "nash")),
                        }
                        for q in ex.parties
                    },
                }
            )
        out["prices"] = {"base_zone_points": len(pr.base), "red_lines": red_lines}
    lk = ex.linkage
    if lk is not None:

        def linked(s) -> dict[str, Any]:
            return {
                "groups": list(s.groups),
                "issues": list(s.issues),
                "acceptable": s.acceptable,
                "zone": _zone(s.zone, ex.instance.staged),
            }

        out["linkage"] = {
            "groups": {g: list(i) for g, i in lk.groups.items()},
            "alone": [linked(s) for s in lk.alone],
            "without": [linked(s) for s in lk.without],
            "linked": linked(lk.linked),
            "subsets": [{"groups": list(s.groups), "acceptable": s.acceptable} for s in lk.subsets],
            "minimal": [list(m) for m in lk.minimal],
            "needed": list(lk.needed),
            "effect": lk.effect,
        }
    wt = ex.what_it_takes
    if wt is not None:
        out["what_it_takes"] = {
            "status": wt.status,
            "openings": [
                {
                    "party": o.party,
                    "no_deal": json_number(o.no_deal),
                    "reachable": _n(o.reachable),
                    "reachable_exact": _x(o.reachable),
                    "decrease": _n(o.decrease),
                    "zone": _zone(o.zone, ex.instance.staged),
                }
                for o in wt.openings
            ],
            "headroom": [
                {
                    "party": h.party,
                    "no_deal": json_number(h.no_deal),
                    "highest": _n(h.highest),
                    "highest_exact": _x(h.highest),
                    "rise": _n(h.rise),
                }
                for h in wt.headroom
            ],
        }
    return out
