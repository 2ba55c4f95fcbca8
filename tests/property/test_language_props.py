"""Random small instances with stages, two-issue tables, piecewise quantities and acceptance rules:
every backend's frontier and zone equal a brute force, and the oracle agrees on every deal.

The brute force below is written for this test only: it reads the instance *data* (the dicts
the generator builds), evaluates the tables, the piecewise interpolation and the acceptance
rule itself, and never calls the production oracle, checker or compiler. The instances are
built from a small structure (not from rule-language text the test would have to parse), and
rendered to text only for dealopt.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dealopt
from dealopt.rules.oracle import Oracle
from dealopt.spec import from_data

BACKENDS = ("enumerate", "cpsat", "highs", "pyomo", "merge")
EXAMPLES = max(40, settings().max_examples // 5)


def _num(draw: st.DrawFn, lo: int = -6, hi: int = 9) -> Decimal:
    return Decimal(draw(st.integers(lo, hi))) / draw(st.sampled_from([1, 1, 2, 4]))


@st.composite
def instances(draw: st.DrawFn) -> dict[str, Any]:
    """Data for one instance, plus the structure the brute force needs (under ``_test``)."""
    n_issues = draw(st.integers(2, 3))
    issues: dict[str, dict[str, Any]] = {}
    values: dict[str, tuple] = {}
    for k in range(n_issues):
        name = f"i{k}"
        if draw(st.booleans()):
            size = draw(st.integers(2, 4))
            values[name] = tuple(f"o{j}" for j in range(size))
            issues[name] = {"options": list(values[name])}
        else:
            lo, step = draw(st.integers(-2, 2)), draw(st.integers(1, 2))
            size = draw(st.integers(2, 4))
            values[name] = tuple(range(lo, lo + step * size, step))
            issues[name] = {"range": [lo, values[name][-1], step]}
    names = list(issues)

    def table(issue: str) -> dict:
        return {v: _num(draw) for v in values[issue] if draw(st.integers(0, 3))}

    def pair_table(a: str, b: str) -> dict:
        return {
            va: {vb: _num(draw) for vb in values[b] if draw(st.integers(0, 2))}
            for va in values[a]
            if draw(st.integers(0, 3))
        }

    a, b = draw(st.permutations(names))[:2]
    attributes = {"w": {a: table(a), f"{a},{b}": pair_table(a, b)}}
    # q = 2 w(a) + w(a, b) + level-free total: depends on two issues, a small value set
    points = sorted(set(draw(st.lists(st.integers(-8, 12), min_size=2, max_size=4, unique=True))))
    pw = [[Decimal(x), _num(draw)] for x in points]
    parties = [f"p{k}" for k in range(draw(st.integers(2, 4)))]
    interests: dict[str, Any] = {}
    for p in parties:
        scores: dict[str, Any] = {i: table(i) for i in names if draw(st.integers(0, 2))}
        weights: dict[str, Any] = {i: _num(draw, 1, 4) for i in scores if draw(st.booleans())}
        if draw(st.booleans()):
            c, d = draw(st.permutations(names))[:2]
            scores[f"{c},{d}"] = pair_table(c, d)
            if draw(st.booleans()):
                weights[f"{c},{d}"] = _num(draw, 1, 3)
        terms = []
        if draw(st.booleans()):
            terms.append({"value": "piecewise(q, " + _points_text(pw) + ")"})
        interests[p] = {"scores": scores, "weights": weights, "terms": terms}
    red_lines: dict[str, list] = {}
    threshold = None
    if draw(st.booleans()):
        threshold = draw(st.integers(-4, 4))
        red_lines[parties[0]] = [{"rule": f"q >= {threshold}"}]
    acceptance: dict[str, Any] = {}
    if draw(st.booleans()):
        acceptance["veto"] = draw(st.lists(st.sampled_from(parties), unique=True, max_size=2))
    if draw(st.booleans()):
        of = draw(st.lists(st.sampled_from(parties), unique=True, min_size=1))
        acceptance["at_least"] = [{"count": draw(st.integers(1, len(of))), "of": of}]
    if draw(st.booleans()):
        weights_ = {p: draw(st.integers(0, 5)) for p in parties}
        weights_[parties[-1]] = max(weights_[parties[-1]], 1)
        including = draw(st.lists(st.sampled_from(parties), unique=True, max_size=1))
        share = Decimal(draw(st.integers(1, 20))) / 20
        acceptance["weighted"] = [{"weights": weights_, "share": share, "including": including}]
    no_deal = {p: _num(draw, -4, 8) for p in parties}
    data = {
        "dealopt": 1,
        "name": "random",
        "parties": {p: {"no_deal": no_deal[p]} for p in parties},
        "issues": issues,
        "attributes": attributes,
        "quantities": {"q": f"2 * w({a}) + w({a}, {b})"},
        "interests": interests,
        "red_lines": red_lines,
    }
    has_rule = bool(acceptance) and draw(st.integers(0, 3)) > 0
    if has_rule:
        data["acceptance"] = acceptance
    test = {"values": values, "a": a, "b": b, "pw": pw, "threshold": threshold, "staged": None}
    if draw(st.booleans()):
        # A staged issue t over stages s0, s1 (options t0, t1, t2, status quo t0): party 0 scores
        # it with a factor for the second stage; maybe monotone; maybe a rule on start(t).
        data["stages"] = ["s0", "s1"]
        monotone = draw(st.booleans())
        issues["t"] = {"options": ["t0", "t1", "t2"], "staged": True, "monotone": monotone}
        factor = _num(draw, 0, 4)
        first = interests[parties[0]]
        first["stage_weights"] = {"s1": factor}
        first["scores"]["t"] = {"t1": _num(draw), "t2": _num(draw)}
        late = {"t2": _num(draw)}
        interests[parties[-1]]["scores"]["t@s1"] = late
        start_min = draw(st.sampled_from([None, 1, 1, 2]))
        if start_min is not None:
            data["rules"] = [{"rule": f"moved(t) -> start(t) >= {start_min}"}]
        test["staged"] = {
            "monotone": monotone,
            "factor": factor,
            "early": first["scores"]["t"],
            "weight": first["weights"].get("t", 1),
            "late": late,
            "late_weight": interests[parties[-1]]["weights"].get("t@s1", 1),
            "start_min": start_min,
        }
        test["values"]["t@s0"] = test["values"]["t@s1"] = ("t0", "t1", "t2")
    return {"data": data, "test": test}


def _points_text(points: list) -> str:
    return "[" + ", ".join(f"[{x}, {y}]" for x, y in points) + "]"


# ----------------------------------------------------------------------------- brute force


def _interp(points: list, x: Fraction) -> Fraction:
    xs = [Fraction(p[0]) for p in points]
    ys = [Fraction(p[1]) for p in points]
    if x <= xs[0]:
        return ys[0]
    if x >= xs[-1]:
        return ys[-1]
    k = max(j for j in range(len(xs)) if xs[j] <= x)
    if xs[k] == x:
        return ys[k]
    return ys[k] + (ys[k + 1] - ys[k]) * (x - xs[k]) / (xs[k + 1] - xs[k])


def _cell(table: dict, key: Any) -> Fraction:
    return Fraction(table.get(key, 0))


def _table_value(table: dict, key: str, deal: dict) -> Fraction:
    if "," in key:
        first, second = (s.strip() for s in key.split(","))
        return _cell(table.get(deal[first], {}), deal[second])
    return _cell(table, deal[key])


def _brute(case: dict) -> dict[str, Any]:
    data, test = case["data"], case["test"]
    parties = list(data["parties"])
    issues = [i for i in data["issues"] if i != "t"]
    staged = test["staged"]
    if staged is not None:
        issues += ["t@s0", "t@s1"]
    w = data["attributes"]["w"]
    a, b = test["a"], test["b"]
    deals = [
        dict(zip(issues, combo, strict=True))
        for combo in itertools.product(*(test["values"][i] for i in issues))
    ]
    out = []
    for deal in deals:
        q = 2 * _table_value(w[a], a, deal) + _table_value(w[f"{a},{b}"], f"{a},{b}", deal)
        if test["threshold"] is not None and q < test["threshold"]:
            continue
        if staged is not None:
            level = {"t0": 0, "t1": 1, "t2": 2}
            if staged["monotone"] and level[deal["t@s1"]] < level[deal["t@s0"]]:
                continue
            start = 0 if deal["t@s0"] != "t0" else 1 if deal["t@s1"] != "t0" else 2
            if staged["start_min"] is not None and start < 2 and start < staged["start_min"]:
                continue
        u = {}
        for p in parties:
            interest = data["interests"][p]
            total = Fraction(0)
            for key, table in interest["scores"].items():
                if key == "t":  # both stages, the second times the stage factor
                    weight = Fraction(staged["weight"])
                    total += weight * _cell(table, deal["t@s0"])
                    total += weight * Fraction(staged["factor"]) * _cell(table, deal["t@s1"])
                    continue
                if key == "t@s1":  # a score of one stage only
                    total += Fraction(staged["late_weight"]) * _cell(table, deal["t@s1"])
                    continue
                total += Fraction(interest["weights"].get(key, 1)) * _table_value(table, key, deal)
            if interest["terms"]:
                total += _interp(test["pw"], q)
            u[p] = total
        out.append((deal, u))
    vectors = {tuple(u[p] for p in parties) for _, u in out}

    def beaten(v: tuple) -> bool:
        return any(o != v and all(x >= y for x, y in zip(o, v, strict=True)) for o in vectors)

    frontier = {v for v in vectors if not beaten(v)}
    no_deal = {p: Fraction(data["parties"][p]["no_deal"]) for p in parties}
    rule = data.get("acceptance")

    def passes(yes: set[str]) -> bool:
        if rule is None:
            return yes == set(parties)
        if any(p not in yes for p in rule.get("veto", [])):
            return False
        for c in rule.get("at_least", []):
            if sum(p in yes for p in c["of"]) < c["count"]:
                return False
        for c in rule.get("weighted", []):
            if any(p not in yes for p in c["including"]):
                return False
            total = sum(Fraction(x) for x in c["weights"].values())
            held = sum(Fraction(x) for p, x in c["weights"].items() if p in yes)
            if held < Fraction(c["share"]) * total:
                return False
        return True

    zone = {
        v
        for v in frontier
        if passes({p for p, x in zip(parties, v, strict=True) if x >= no_deal[p]})
    }
    vetoes = [p for p in parties if not passes(set(parties) - {p})]
    return {"deals": out, "frontier": frontier, "zone": zone, "passes": passes, "vetoes": vetoes}


# ----------------------------------------------------------------------------- the test


@settings(
    max_examples=EXAMPLES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(instances())
def test_tables_piecewise_and_acceptance_match_brute_force(case: dict) -> None:
    instance = from_data(case["data"])
    expected = _brute(case)
    parties = list(instance.parties)
    oracle = Oracle(instance)
    feasible = {tuple(sorted(d.items())): u for d, u in expected["deals"]}
    # The oracle agrees with the brute force on every deal of the space.
    for combo in itertools.product(*(case["test"]["values"][i] for i in instance.issues)):
        deal = dict(zip(instance.issues, combo, strict=True))
        key = tuple(sorted(deal.items()))
        assert oracle.is_feasible(deal) == (key in feasible), deal
        if key in feasible:
            assert oracle.utilities(deal) == feasible[key], deal
    for backend in BACKENDS:
        result = dealopt.solve(instance, backend=backend, threads=1, seed=0)
        got = {tuple(p.utilities[q] for q in parties) for p in result.frontier}
        assert got == expected["frontier"], backend
        zone = {tuple(result.frontier[i].utilities[q] for q in parties) for i in result.zone}
        assert zone == expected["zone"], backend
        if result.acceptance is not None:
            assert list(result.acceptance.veto_players) == expected["vetoes"]
            for point in result.frontier:
                yes = {p for p in parties if point.utilities[p] >= result.no_deal[p]}
                if point.acceptable:
                    assert set(point.pivotal) == {
                        p for p in yes if not expected["passes"](yes - {p})
                    }
                else:
                    assert point.blockers is not None and not set(point.blockers) & yes


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_table_over_two_issues_by_hand(backend: str) -> None:
    """Worked by hand: u = 2 × pair(x, y) + z; pair(x1, y1) = 4 is the only positive entry
    the red line allows (pair(x2, y1) = -1 breaks 'synergy(x, y) >= 0')."""
    data = {
        "dealopt": 1,
        "name": "pairs",
        "parties": {"a": {"no_deal": 0}, "b": {"no_deal": 0}},
        "issues": {"x": {"options": ["x0", "x1", "x2"]}, "y": {"options": ["y0", "y1"]}},
        "attributes": {"synergy": {"x,y": {"x1": {"y1": 4}, "x2": {"y0": 2, "y1": -1}}}},
        "interests": {
            "a": {"weights": {"x, y": 2}, "scores": {"x,y": {"x1": {"y1": 1}, "x2": {"y0": 3}}}},
            "b": {"terms": [{"value": "synergy(y, x)"}]},
        },
        "red_lines": {"b": [{"rule": "synergy(x, y) >= 0"}]},
    }
    result = dealopt.solve(from_data(data), backend=backend)
    # Feasible deals (a, b): x0y0 (0, 0), x0y1 (0, 0), x1y0 (0, 0), x1y1 (2, 4), x2y0 (6, 2).
    assert [tuple(p.utilities.values()) for p in result.frontier] == [(6, 2), (2, 4)]
