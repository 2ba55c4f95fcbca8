"""Which Helsinki package should a US planner seek, given the oil price and Congress's patience?

A policy model in Pyomo that embeds the Helsinki 2018 deal space (``instances/helsinki2018.yaml``)
as a block and adds what the instance file does not know:

* the oil price. Sanctions relief is worth more to Russia when oil is cheap (the op-ed: Putin
  "desperately needs" economic relief "given the state of oil prices"). The planner credits
  Russia with ``OIL_BONUS × pressure × depth`` extra utility for relief of a given depth, where
  ``pressure = (80 - price) / 40`` (0 at $80 a barrel, 1 at $40) - a modelling judgement;
* a budget of US political capital. Every US concession spends some (relief, economic ties, a
  public announcement of either), and Congress tolerates at most ``BUDGET`` points before the
  midterms - also judgement.

The planner maximises the US utility minus the price of the capital spent, subject to the deal's
rules and red lines (the block), the US no-deal value (the block's ``acceptable`` constraint),
the budget, and Russia accepting once its oil-adjusted utility is counted. The deal found at
each oil price is checked at the end by dealopt's exact rules oracle.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pyomo.environ as pyo  # noqa: TID253 - a policy model is a Pyomo program

import dealopt
from dealopt.pyomo import chosen_deal, deal_block
from dealopt.rules.oracle import Oracle
from dealopt.spec.model import Instance

INSTANCE = Path(__file__).resolve().parents[1] / "instances" / "helsinki2018.yaml"
OIL_PRICES = (45, 75)  # US dollars a barrel (Brent: about 75 in July 2018, 45 in early 2016)
BUDGET = 7  # points of political capital Congress tolerates
CAPITAL_PRICE = Fraction(1, 2)  # US utility points one point of capital is worth elsewhere
OIL_BONUS = 12  # Russian utility points full relief adds at full oil pressure

# How deep each sanctions option cuts (share of full relief), and the capital each US step costs.
DEPTH = {"maintain": 0, "quiet_relief": "0.2", "ease_sectoral": "0.5", "lift_ukraine": "0.85"}
COST = {
    "sanctions": {"quiet_relief": 1, "ease_sectoral": 3, "lift_ukraine": 5, "lift_all": 9},
    "economic_ties": {"business_council": 1, "energy_investment": 2, "g8_readmission": 4},
    "us_announcement": {"announced": 1, "presidential": 2},
}


def depth(option: str) -> Fraction:
    return Fraction(DEPTH.get(option, 1))


def pressure(price: float) -> Fraction:
    return max(Fraction(0), (80 - Fraction(price)) / 40)


def capital_of(deal: dict) -> int:
    return sum(COST[issue].get(deal[issue], 0) for issue in COST)


def plan(instance: Instance, price: float) -> pyo.ConcreteModel:
    """The planner's model at one oil price, solved."""
    m = pyo.ConcreteModel(name=f"Helsinki planner, oil at ${price}")
    m.deal = deal_block(instance)
    choose = m.deal.choose
    # The planner's own variables, linked to the deal's options.
    m.capital = pyo.Var(bounds=(0, BUDGET))
    m.relief = pyo.Var(bounds=(0, 1))
    m.spend = pyo.Constraint(
        expr=m.capital
        == sum(c * choose[issue, o] for issue, costs in COST.items() for o, c in costs.items())
    )
    sanctions = instance.issues["sanctions"].values
    m.depth = pyo.Constraint(
        expr=m.relief == sum(float(depth(o)) * choose["sanctions", o] for o in sanctions)
    )
    bonus = float(OIL_BONUS * pressure(price))
    russia_no_deal = float(Oracle(instance).no_deal("russia"))
    m.russia_accepts = pyo.Constraint(
        expr=m.deal.utility["russia"] + bonus * m.relief >= russia_no_deal
    )
    m.deal.acceptable["us"].activate()
    m.goal = pyo.Objective(
        expr=m.deal.utility["us"] - float(CAPITAL_PRICE) * m.capital, sense=pyo.maximize
    )
    results = pyo.SolverFactory("appsi_highs").solve(m)
    assert str(results.solver.termination_condition) == "optimal", results.solver
    return m


def main() -> None:
    instance = dealopt.load(INSTANCE)
    oracle = Oracle(instance)
    for price in OIL_PRICES:
        m = plan(instance, price)
        deal = chosen_deal(m.deal)
        utilities = oracle.utilities(deal)
        bonus = OIL_BONUS * pressure(price) * depth(deal["sanctions"])
        print(f"Oil at ${price}: capital {capital_of(deal)} of {BUDGET}")
        for issue, option in deal.items():
            print(f"  {issue:22} {option}")
        print(
            f"  utilities: US {float(utilities['us']):.2f}, Russia {float(utilities['russia']):.2f}"
            f" (+{float(bonus):.2f} for relief at this oil price)"
        )
        # The check, exactly: every rule and red line holds, both sides accept, budget kept.
        assert oracle.violations(deal) == [], oracle.violations(deal)
        assert utilities["us"] >= oracle.no_deal("us")
        assert utilities["russia"] + bonus >= oracle.no_deal("russia")
        assert capital_of(deal) <= BUDGET
    print("Every deal passes dealopt's rules oracle.")


if __name__ == "__main__":
    main()
