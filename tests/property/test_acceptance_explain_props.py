"""explain and evaluate under random acceptance rules against a brute force written here.

Random small instances (2 to 4 parties, two or three issues, integer scores, maybe one rule
forbidding an option, a random rule of vetoes, "k of" and weighted clauses). The brute force
lists every deal, computes utilities and the rule itself from the generator's data (never the
production oracle or acceptance module), and checks explain's zone, pivotal parties, blockers
of the named deals, acceptable deals, backbone, headroom and openings, and evaluate's verdict,
pivotal parties and blockers, on both assumption-capable backends.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dealopt.analysis.evaluate import evaluate
from dealopt.analysis.explain import explain
from dealopt.spec import from_data

BACKENDS = ("enumerate", "cpsat")


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    parties = [f"p{k}" for k in range(draw(st.integers(2, 4)))]
    issues = {f"i{k}": [f"o{j}" for j in range(draw(st.integers(2, 3)))] for k in range(2)}
    if draw(st.booleans()):
        issues["i2"] = ["o0", "o1"]
    scores = {
        p: {i: {o: draw(st.integers(-2, 4)) for o in opts} for i, opts in issues.items()}
        for p in parties
    }
    no_deal = {p: draw(st.integers(-1, 6)) for p in parties}
    forbidden = None
    if draw(st.booleans()):
        issue = draw(st.sampled_from(sorted(issues)))
        forbidden = (issue, draw(st.sampled_from(issues[issue][1:])))
    veto = draw(st.lists(st.sampled_from(parties), unique=True, max_size=2))
    at_least = []
    if draw(st.booleans()):
        of = draw(st.lists(st.sampled_from(parties), unique=True, min_size=1))
        at_least.append((draw(st.integers(1, len(of))), of))
    weighted = []
    if draw(st.booleans()):
        weights = {p: draw(st.integers(0, 4)) for p in parties}
        weights[parties[0]] = max(weights[parties[0]], 1)
        weighted.append((weights, Fraction(draw(st.integers(1, 10)), 10)))
    if not (veto or at_least or weighted):
        veto = [parties[-1]]
    named = {
        f"d{k}": {i: draw(st.sampled_from(opts)) for i, opts in issues.items()} for k in range(2)
    }
    return {
        "parties": parties,
        "issues": issues,
        "scores": scores,
        "no_deal": no_deal,
        "forbidden": forbidden,
        "veto": veto,
        "at_least": at_least,
        "weighted": weighted,
        "named": named,
    }


def _data(case: dict[str, Any]) -> dict[str, Any]:
    acceptance: dict[str, Any] = {}
    if case["veto"]:
        acceptance["veto"] = case["veto"]
    if case["at_least"]:
        acceptance["at_least"] = [{"count": k, "of": of} for k, of in case["at_least"]]
    if case["weighted"]:
        acceptance["weighted"] = [
            {"weights": w, "share": Decimal(share.numerator) / share.denominator}
            for w, share in case["weighted"]
        ]
    data: dict[str, Any] = {
        "dealopt": 1,
        "name": "random rule",
        "parties": {p: {"no_deal": case["no_deal"][p]} for p in case["parties"]},
        "issues": {i: {"options": opts} for i, opts in case["issues"].items()},
        "interests": {
            p: {"weights": dict.fromkeys(case["issues"], 1), "scores": s}
            for p, s in case["scores"].items()
        },
        "acceptance": acceptance,
        "deals": {name: {"choose": deal} for name, deal in case["named"].items()},
    }
    if case["forbidden"]:
        issue, option = case["forbidden"]
        data["rules"] = [{"rule": f"{issue} != {option}"}]
    return data


class Brute:
    """Everything about the case, by listing deals."""

    def __init__(self, case: dict[str, Any]):
        self.case = case
        self.parties = case["parties"]
        issues = case["issues"]
        self.deals = []
        for combo in itertools.product(*issues.values()):
            deal = dict(zip(issues, combo, strict=True))
            if case["forbidden"] and deal[case["forbidden"][0]] == case["forbidden"][1]:
                continue
            self.deals.append(deal)

    def u(self, deal: dict[str, str]) -> tuple[int, ...]:
        return tuple(
            sum(self.case["scores"][p][i][o] for i, o in deal.items()) for p in self.parties
        )

    def yes(self, deal: dict[str, str], no_deal: dict[str, int] | None = None) -> set[str]:
        nd = no_deal or self.case["no_deal"]
        return {p for p, x in zip(self.parties, self.u(deal), strict=True) if x >= nd[p]}

    def passes(self, yes: set[str]) -> bool:
        c = self.case
        if not all(p in yes for p in c["veto"]):
            return False
        if not all(sum(p in yes for p in of) >= k for k, of in c["at_least"]):
            return False
        for w, share in c["weighted"]:
            if sum(x for p, x in w.items() if p in yes) < share * sum(w.values()):
                return False
        return True

    def counted(self) -> set[str]:
        c = self.case
        out = set(c["veto"])
        for _, of in c["at_least"]:
            out.update(of)
        for w, _ in c["weighted"]:
            out.update(p for p, x in w.items() if x)
        return out

    def zone(self, no_deal: dict[str, int] | None = None) -> set[tuple[int, ...]]:
        vectors = {self.u(d) for d in self.deals}
        frontier = {
            v
            for v in vectors
            if not any(w != v and all(a >= b for a, b in zip(w, v, strict=True)) for w in vectors)
        }
        passing = {self.u(d) for d in self.deals if self.passes(self.yes(d, no_deal))}
        return frontier & passing

    def pivotal(self, vector: tuple[int, ...]) -> tuple[str, ...]:
        yes = {p for p, x in zip(self.parties, vector, strict=True) if x >= self.case["no_deal"][p]}
        return tuple(p for p in self.parties if p in yes and not self.passes(yes - {p}))


def _vectors(zone) -> set[tuple]:
    return {tuple(p.utilities.values()) for p in zone.points}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(cases())
def test_explain_and_evaluate_follow_the_rule(case: dict[str, Any]) -> None:
    brute = Brute(case)
    instance = from_data(_data(case))
    parties = brute.parties
    zone = brute.zone()
    acceptable = [d for d in brute.deals if brute.passes(brute.yes(d))]
    for backend in BACKENDS:
        ex = explain(instance, backend=backend)
        assert ex.zone is not None
        assert _vectors(ex.zone) == zone, backend
        assert len(ex.zone.points) == len(zone)  # a point found in two boxes, shown once
        for point, pivotal in zip(ex.zone.points, ex.pivotal, strict=True):
            assert pivotal == brute.pivotal(tuple(point.utilities.values()))
        for name, deal in case["named"].items():
            feasible = deal in brute.deals
            if feasible and not brute.passes(brute.yes(deal)):
                expected = tuple(p for p in parties if p in brute.counted() - brute.yes(deal))
                assert ex.blocked[name] == expected
            else:
                assert name not in ex.blocked
        if zone:
            assert ex.alignments is not None
            assert ex.alignments.acceptable_deals == len(acceptable)
            assert ex.backbone is not None
            for b in ex.backbone.issues:
                assert set(b.possible) == {d[b.issue] for d in acceptable}
            assert ex.what_it_takes is not None
            for h in ex.what_it_takes.headroom:
                # The highest no-deal value of h.party that leaves a passing deal, by definition.
                k = parties.index(h.party)
                others = {p: v for p, v in case["no_deal"].items() if p != h.party}
                without = any(brute.passes(brute.yes(d) - {h.party}) for d in brute.deals)
                if without:
                    assert h.highest is None
                else:
                    best = max(
                        brute.u(d)[k]
                        for d in brute.deals
                        if brute.passes(brute.yes(d, {**others, h.party: -(10**6)}))
                    )
                    assert h.highest == best
        elif brute.deals and ex.what_it_takes is not None:
            for o in ex.what_it_takes.openings:
                k = parties.index(o.party)
                low = {**case["no_deal"], o.party: -(10**6)}
                reach = [brute.u(d)[k] for d in brute.deals if brute.passes(brute.yes(d, low))]
                assert o.reachable == (max(reach) if reach else None)
                if reach:
                    assert o.zone is not None
                    assert _vectors(o.zone) == brute.zone({**case["no_deal"], o.party: max(reach)})
    ev = evaluate(instance, backend="enumerate")
    for name, deal in case["named"].items():
        d = ev.deal(name)
        feasible = deal in brute.deals
        assert d.acceptable == (feasible and brute.passes(brute.yes(deal)))
        if not feasible:
            assert d.pivotal is None and d.blockers is None
        elif d.acceptable:
            assert d.pivotal == brute.pivotal(brute.u(deal))
        else:
            assert set(d.blockers or ()) == brute.counted() - brute.yes(deal)
