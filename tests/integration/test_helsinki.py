"""The Helsinki 2018 instances solve to exactly the numbers of their EXPECTED BEHAVIOUR headers.

Those numbers were found by an independent brute force over all 576,000 deals (see the header of
``instances/helsinki2018.yaml``); here ``dealopt.solve`` must reproduce them with both backends.
Utilities are written as decimal strings and compared exactly (as Fractions).
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

import dealopt
from dealopt.result import Result
from dealopt.rules.oracle import Oracle
from dealopt.spec.model import Instance, Rule, Text, frozen_map

INSTANCES = Path(__file__).resolve().parents[2] / "instances"
BASE = INSTANCES / "helsinki2018.yaml"
VARIANT = INSTANCES / "helsinki2018_no_midterm_pressure.yaml"


def vec(us: str, russia: str) -> tuple[Fraction, Fraction]:
    return Fraction(us), Fraction(russia)


def vectors(result: Result, indices=None) -> list[tuple[Fraction, Fraction]]:
    points = result.frontier if indices is None else [result.frontier[i] for i in indices]
    return [(p.utilities["us"], p.utilities["russia"]) for p in points]


def solution(result: Result, name: str) -> tuple[Fraction, Fraction]:
    point = result.solution(name)
    assert point is not None
    return point.utilities["us"], point.utilities["russia"]


BASE_ZONE = [
    vec("74.1", "45.15"),
    vec("73.35", "49.2"),
    vec("72.55", "50.8"),
    vec("72.35", "53.5"),
    vec("71.55", "55.1"),
    vec("70.55", "55.9"),
    vec("69.75", "57.5"),
    vec("66.9", "58.55"),
    vec("66.55", "58.6"),
    vec("65.55", "59.4"),
    vec("64.75", "61"),
    vec("62.1", "62.05"),
    vec("56.6", "62.85"),
    vec("54.4", "63"),
]
NASH_DEAL = {
    "sanctions": "lift_ukraine",
    "economic_ties": "g8_readmission",
    "ukraine_support": "un_whole_donbas",
    "crimea": "agree_to_disagree",
    "iran_syria": "restore_1974_line",
    "verification": "un_full_access",
    "timing": "russia_first",
    "russian_announcement": "joint_televised",
    "us_announcement": "announced",
}
BASE_SOLUTIONS = {
    "nash": vec("64.75", "61"),
    "kalai_smorodinsky": vec("66.55", "58.6"),
    "egalitarian": vec("62.1", "62.05"),
    "utilitarian": vec("69.75", "57.5"),
}
# the base zone's Russia-end points give way to five new ones, all at_helsinki
VARIANT_NEW = [
    vec("66.25", "58.7"),
    vec("61.25", "62.2"),
    vec("58.6", "63.25"),
    vec("53.1", "64.05"),
    vec("50.9", "64.2"),
]
VARIANT_ZONE = sorted([*BASE_ZONE[:12], *VARIANT_NEW], reverse=True)
VARIANT_SOLUTIONS = {
    "nash": vec("64.75", "61"),
    "kalai_smorodinsky": vec("65.55", "59.4"),
    "egalitarian": vec("58.6", "63.25"),
    "utilitarian": vec("69.75", "57.5"),
}


@pytest.fixture(scope="module")
def base() -> Instance:
    return dealopt.load(BASE)


@pytest.fixture(scope="module")
def variant() -> Instance:
    return dealopt.load(VARIANT)


@pytest.fixture(scope="module")
def base_cpsat(base) -> Result:
    return dealopt.solve(base, backend="cpsat", threads=1, seed=0)


@pytest.fixture(scope="module")
def base_enumerate(base) -> Result:
    return dealopt.solve(base, backend="enumerate", all_deals=True)


@pytest.fixture(scope="module")
def variant_cpsat(variant) -> Result:
    return dealopt.solve(variant, backend="cpsat", threads=1, seed=0)


@pytest.fixture(scope="module")
def variant_enumerate(variant) -> Result:
    return dealopt.solve(variant, backend="enumerate", all_deals=True)


# --- the base instance ------------------------------------------------------------------------


def test_status_quo_is_infeasible(base):
    oracle = Oracle(base)
    assert oracle.utilities(base.status_quo) == {"us": Fraction("22.1"), "russia": Fraction("48.2")}
    broken = [r.label for r in oracle.violations(base.status_quo)]
    assert broken == ["Not seen as a Russian puppet", "A visible win before the midterms"]
    assert base.bundle_space_size == 576_000


@pytest.mark.parametrize("which", ["base_cpsat", "base_enumerate"])
def test_frontier_zone_and_solutions(which, request):
    result: Result = request.getfixturevalue(which)
    assert result.status == "complete"
    assert result.stats.backend == which.removeprefix("base_")
    assert result.no_deal == {"us": Fraction("40.8"), "russia": Fraction(45)}
    assert len(result.frontier) == 22
    assert vectors(result, result.zone) == BASE_ZONE
    outside = [u for u in vectors(result) if u not in BASE_ZONE]
    assert len(outside) == 8
    assert all(Fraction("34.9") <= ru <= Fraction("44.1") for _, ru in outside)
    assert min(ru for _, ru in outside) == Fraction("34.9")
    assert max(ru for _, ru in outside) == Fraction("44.1")
    for name, expected in BASE_SOLUTIONS.items():
        assert solution(result, name) == expected, name
    assert dict(result.solution("nash").deal) == NASH_DEAL


def test_backends_agree(base_cpsat, base_enumerate):
    assert vectors(base_cpsat) == vectors(base_enumerate)
    assert base_cpsat.zone == base_enumerate.zone
    assert base_cpsat.solutions == base_enumerate.solutions
    # zone points are reached by one deal each, so the representatives must agree too
    for i in base_cpsat.zone:
        assert base_cpsat.frontier[i].deal == base_enumerate.frontier[i].deal


def test_every_deal_of_the_frontier(base_enumerate):
    # 26 deals: four points at the US end reached by two deals each (announced vs presidential)
    counts = [len(p.all_deals) for p in base_enumerate.frontier]
    assert sum(counts) == 26
    assert all(p.all_deals_complete for p in base_enumerate.frontier)
    doubles = [p for p in base_enumerate.frontier if len(p.all_deals) == 2]
    assert len(doubles) == 4
    for point in doubles:
        assert not point.acceptable
        a, b = point.all_deals
        assert {k for k in a if a[k] != b[k]} == {"us_announcement"}
        assert {a["us_announcement"], b["us_announcement"]} == {"announced", "presidential"}
    assert all(len(base_enumerate.frontier[i].all_deals) == 1 for i in base_enumerate.zone)


def test_solutions_are_unique_by_their_criterion(base_enumerate):
    zone = vectors(base_enumerate, base_enumerate.zone)
    d = (Fraction("40.8"), Fraction(45))
    criteria = {
        "nash": lambda u: (u[0] - d[0]) * (u[1] - d[1]),
        "egalitarian": lambda u: min(u[0] - d[0], u[1] - d[1]),
        "utilitarian": lambda u: u[0] + u[1],
    }
    for name, key in criteria.items():
        values = sorted((key(u) for u in zone), reverse=True)
        assert values[0] > values[1], name


def test_exchange_structure_of_the_zone(base_enumerate):
    deals = [base_enumerate.frontier[i].deal for i in base_enumerate.zone]
    assert len(deals) == 14
    for deal in deals:
        assert deal["ukraine_support"] in {"un_whole_donbas", "withdraw"}
        assert deal["iran_syria"] != "none"
        assert deal["verification"] == "un_full_access"
        assert deal["timing"] == "russia_first"
        assert deal["russian_announcement"] in {"joint", "joint_televised"}
        assert deal["sanctions"] in {"quiet_relief", "ease_sectoral", "lift_ukraine"}
        assert deal["economic_ties"] in {"energy_investment", "g8_readmission"}
    assert sum(d["sanctions"] == "lift_ukraine" for d in deals) == 11
    assert sum(d["iran_syria"] == "restore_1974_line" for d in deals) > 7  # "mostly"
    assert sum(d["crimea"] == "agree_to_disagree" for d in deals) == 10
    assert sum(d["crimea"] == "status_quo" for d in deals) == 4


def _with_rule(instance: Instance, text: str) -> Instance:
    return dataclasses.replace(instance, rules=(*instance.rules, Rule("fixed", Text(text))))


@pytest.mark.parametrize(
    ("fixed", "status", "zone_points", "zone_deals"),
    [
        ("ukraine_support == continue and crimea == status_quo", "complete", 7, 7),
        ("iran_syria == none", "complete", 8, 13),
        ("sanctions == maintain and economic_ties == none", "no-acceptable-deal", 0, 0),
        ("russian_announcement == private", "no-feasible-deal", 0, 0),
    ],
    ids=["syria-only", "ukraine-only", "no-economic-issue", "russian-step-private"],
)
def test_linkage(base, fixed, status, zone_points, zone_deals):
    result = dealopt.solve(_with_rule(base, fixed), backend="enumerate", all_deals=True)
    assert result.status == status
    assert len(result.zone) == zone_points
    assert sum(len(p.all_deals) for p in result.zone_deals) == zone_deals
    if status == "no-acceptable-deal":
        assert result.frontier  # 60 feasible deals, none acceptable
    if status == "no-feasible-deal":
        assert not result.frontier


@pytest.mark.parametrize(("us_no_deal", "zone_points"), [(65, 10), (75, 0)])
def test_raised_us_no_deal(base, us_no_deal, zone_points):
    us = dataclasses.replace(base.parties["us"], no_deal=Decimal(us_no_deal))
    raised = dataclasses.replace(base, parties=frozen_map({**base.parties, "us": us}))
    result = dealopt.solve(raised, backend="enumerate")
    assert len(result.zone) == zone_points
    assert result.status == ("complete" if zone_points else "no-acceptable-deal")
    assert len(result.frontier) == 22  # the no-deal value moves the zone, not the frontier


# --- the variant without the midterm red lines -------------------------------------------------


def test_variant_status_quo(variant):
    oracle = Oracle(variant)
    assert oracle.utilities(variant.status_quo) == {
        "us": Fraction("22.1"),
        "russia": Fraction("48.2"),
    }
    assert [r.label for r in oracle.violations(variant.status_quo)] == [
        "Not seen as a Russian puppet"
    ]


@pytest.mark.parametrize("which", ["variant_cpsat", "variant_enumerate"])
def test_variant_frontier_zone_and_solutions(which, request):
    result: Result = request.getfixturevalue(which)
    assert result.status == "complete"
    assert len(result.frontier) == 25
    assert vectors(result, result.zone) == VARIANT_ZONE
    for name, expected in VARIANT_SOLUTIONS.items():
        assert solution(result, name) == expected, name


def test_variant_backends_agree_and_deals(variant_cpsat, variant_enumerate):
    assert vectors(variant_cpsat) == vectors(variant_enumerate)
    assert variant_cpsat.zone == variant_enumerate.zone
    assert variant_cpsat.solutions == variant_enumerate.solutions
    assert sum(len(p.all_deals) for p in variant_enumerate.frontier) == 29
    assert all(len(p.all_deals) == 1 for p in variant_enumerate.zone_deals)
    timing = {}
    for point in variant_enumerate.zone_deals:
        u = (point.utilities["us"], point.utilities["russia"])
        timing[u] = point.deal["timing"]
    assert sorted(timing.values()).count("russia_first") == 12
    assert {u for u, t in timing.items() if t == "at_helsinki"} == set(VARIANT_NEW)
    for point in variant_enumerate.zone_deals:
        assert point.deal["ukraine_support"] in {"un_whole_donbas", "withdraw"}
        assert point.deal["verification"] == "un_full_access"
        assert point.deal["russian_announcement"] in {"joint", "joint_televised"}
