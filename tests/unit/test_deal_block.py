"""``dealopt.pyomo.deal_block``: the deal space as a Pyomo block inside someone else's model."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

import dealopt
from dealopt.pyomo import chosen_deal, deal_block
from dealopt.rules.oracle import Oracle

pyo = pytest.importorskip("pyomo.environ")

HELSINKI = Path(__file__).resolve().parents[2] / "instances" / "helsinki2018.yaml"
# The nash deal of the Helsinki header (a feasible, acceptable deal): (64.75, 61).
NASH = {
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


@pytest.fixture(scope="module")
def helsinki():
    return dealopt.load(HELSINKI)


def solve(m):
    results = pyo.SolverFactory("appsi_highs").solve(m, load_solutions=False)
    status = str(results.solver.termination_condition)
    if status == "optimal":
        m.solutions.load_from(results)
    return status


def maximise(instance, party, setup=lambda block: None):
    m = pyo.ConcreteModel()
    m.deal = deal_block(instance)
    setup(m.deal)
    m.goal = pyo.Objective(expr=m.deal.utility[party], sense=pyo.maximize)
    status = solve(m)
    return status, (chosen_deal(m.deal) if status == "optimal" else None), m


def test_components_by_name(helsinki):
    b = deal_block(helsinki)
    assert list(b.issues) == list(helsinki.issues)
    assert ("sanctions", "lift_ukraine") in b.options and len(b.options) == 40
    assert b.choose["crimea", "status_quo"].is_binary()
    assert set(b.utility) == {"us", "russia"}
    # 10 rules, 9 + 5 red lines; the US "visible win" red line is an `and`: two parts.
    assert {k[0] for k in b.rules} == set(range(10))
    assert {k[:2] for k in b.red_lines} == {("us", i) for i in range(9)} | {
        ("russia", i) for i in range(5)
    }
    assert ("us", 7, 1) in b.red_lines
    assert b.labels["russia", 0, 0] == "not (crimea in {new_vote, return_to_ukraine})"
    assert not any(c.active for c in b.acceptable.values())
    assert deal_block(HELSINKI).doc == b.doc  # a path works too


def test_utilities_equal_the_oracles_on_a_fixed_deal(helsinki):
    m = pyo.ConcreteModel()
    m.deal = deal_block(helsinki)
    for (issue, option), var in m.deal.choose.items():
        var.fix(int(NASH[issue] == option))
    m.goal = pyo.Objective(expr=0)
    assert solve(m) == "optimal"  # the auxiliaries follow from the options
    exact = Oracle(helsinki).utilities(NASH)
    for party in ("us", "russia"):
        assert pyo.value(m.deal.utility[party]) == pytest.approx(float(exact[party]), abs=1e-9)
    assert exact == {"us": Fraction("64.75"), "russia": Fraction(61)}


def test_the_status_quo_breaks_the_us_red_lines(helsinki):
    m = pyo.ConcreteModel()
    m.deal = deal_block(helsinki)
    for (issue, option), var in m.deal.choose.items():
        var.fix(int(helsinki.status_quo[issue] == option))
    m.goal = pyo.Objective(expr=0)
    assert solve(m) == "infeasible"


def test_optima_match_the_frontier(helsinki):
    # The header's hand check: the frontier's best US point is 82.35, the zone's 74.1.
    oracle = Oracle(helsinki)
    status, deal, _ = maximise(helsinki, "us")
    assert status == "optimal" and oracle.violations(deal) == []
    assert oracle.utilities(deal)["us"] == Fraction("82.35")
    status, deal, _ = maximise(helsinki, "us", lambda b: b.acceptable.activate())
    assert oracle.utilities(deal) == {"us": Fraction("74.1"), "russia": Fraction("45.15")}
    frontier = dealopt.solve(helsinki, backend="highs")
    assert max(p.utilities["us"] for p in frontier.frontier) == Fraction("82.35")
    assert max(frontier.frontier[i].utilities["us"] for i in frontier.zone) == Fraction("74.1")


def test_deactivating_a_red_line_opens_the_deals_it_bans(helsinki):
    def drop_crimea(block):
        for key in block.red_lines:
            if key[:2] == ("russia", 0):
                block.red_lines[key].deactivate()

    _, deal, _ = maximise(helsinki, "us", drop_crimea)
    broken = Oracle(helsinki).violations(deal)
    assert deal["crimea"] == "return_to_ukraine"
    assert [r.label for r in broken] == ["No Crimea concession"]


def test_acceptable_is_exact_on_decimal_no_deal_values():
    # a's utility is the price / 4; no-deal 2.6 needs price >= 10.4, i.e. 11 (not 10).
    inst = dealopt.instance(
        {
            "dealopt": 1,
            "name": "toy",
            "parties": {
                "a": {"no_deal": 2.6},
                "b": {"no_deal": 1},
                "c": {"no_deal": -1},
                "d": {"no_deal": 1},
            },
            "issues": {"price": {"range": [0, 20]}},
            "interests": {
                "a": {"weights": {"price": 0.25}, "scores": {"price": "linear"}},
                "b": {"weights": {"price": -1}, "scores": {"price": "linear"}},
            },
        }
    )
    _, deal, _ = maximise(inst, "b", lambda block: block.acceptable["a"].activate())
    assert deal == {"price": 11}
    # b's no-deal value 1 with utility -price: nothing acceptable. c and d have no interests
    # (a constant 0 utility): acceptable at no-deal -1 (c), never at 1 (d).
    status, _, _ = maximise(inst, "a", lambda block: block.acceptable["b"].activate())
    assert status == "infeasible"
    _, deal, _ = maximise(inst, "a", lambda block: block.acceptable["c"].activate())
    assert deal == {"price": 20}
    status, _, _ = maximise(inst, "a", lambda block: block.acceptable["d"].activate())
    assert status == "infeasible"


def test_chosen_deal_needs_a_solved_block(helsinki):
    b = deal_block(helsinki)
    with pytest.raises(ValueError, match="no option chosen"):
        chosen_deal(b)


def test_a_policy_model_links_its_own_variables(helsinki):
    # Political capital: relief costs 1 per step beyond maintain; a budget of 1 allows at most
    # quiet relief, which the zone's best US deal (74.1) uses anyway.
    m = pyo.ConcreteModel()
    m.deal = deal_block(helsinki)
    steps = helsinki.issues["sanctions"].values
    m.capital = pyo.Var(bounds=(0, 1))
    m.link = pyo.Constraint(
        expr=m.capital == sum(i * m.deal.choose["sanctions", s] for i, s in enumerate(steps))
    )
    m.deal.acceptable.activate()
    m.goal = pyo.Objective(expr=m.deal.utility["us"], sense=pyo.maximize)
    assert solve(m) == "optimal"
    deal = chosen_deal(m.deal)
    assert deal["sanctions"] in {"maintain", "quiet_relief"}
    assert Oracle(helsinki).utilities(deal)["us"] == Fraction("74.1")
