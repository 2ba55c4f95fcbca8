"""The exact oracle: hand-computed values of expressions, utilities and feasibility."""

from __future__ import annotations

import copy
from fractions import Fraction

import pytest
from rules_helpers import HELSINKI, make_instance

from dealopt.errors import UsageError
from dealopt.rules import Oracle, check, evaluate
from dealopt.rules.oracle import utility

F = Fraction


@pytest.fixture(scope="module")
def oracle() -> Oracle:
    return Oracle(make_instance(HELSINKI))


def deal(**kw) -> dict:
    d = {"sanctions": "maintain", "ukraine_support": "continue", "crimea": "contested"}
    d["relief_share"] = 0
    d.update(kw)
    return d


@pytest.mark.parametrize(
    ("text", "kw", "value"),
    [
        ("level(sanctions) / 3", {"sanctions": "freeze"}, F(1, 3)),
        ("relief_share / 3 + 1 / 3", {"relief_share": 10}, F(11, 3)),
        ("2.5 * relief_share", {"relief_share": 10}, F(25)),
        ("0.1 + 0.2", {}, F(3, 10)),
        ("1 - 2 - 3", {}, F(-4)),  # left-associative
        ("2 * 3 / 4", {}, F(3, 2)),
        ("-2 * -3", {}, F(6)),
        ("-(1 - 4)", {}, F(3)),
        ("level(ukraine_support)", {"ukraine_support": "withdraw"}, F(2)),
        ("level(relief_share)", {"relief_share": 30}, F(3)),
        ("relief_share * 2 + 1", {"relief_share": 30}, F(61)),
        ("visibility(ukraine_support)", {"ukraine_support": "reduce"}, F(2)),
        ("visibility(crimea)", {"crimea": "russian"}, F(0)),  # no table: 0
        ("cost(relief_share)", {"relief_share": 70}, F(70)),  # linear table
        ("total(visibility)", {"ukraine_support": "withdraw", "sanctions": "lift_all"}, F(9)),
        ("total(cost) + total(visibility)", {"relief_share": 20}, F(20)),
        ("score(us, sanctions)", {"sanctions": "freeze"}, F(90)),
        ("score(us, sanctions)", {"sanctions": "lift_all"}, F(0)),  # unlisted: 0
        ("score(russia, relief_share)", {"relief_share": 40}, F(40)),
        ("score(russia, crimea)", {}, F(0)),
        ("russia_visible * 2", {"ukraine_support": "withdraw"}, F(12)),
        (
            "count(crimea == russian, sanctions >= freeze, true, false, relief_share > 5)",
            {"crimea": "russian", "sanctions": "freeze"},
            F(3),
        ),
        ("count(false)", {}, F(0)),
        ("visibility(ukraine_support) * score(us, sanctions)", {"ukraine_support": "reduce"}, 200),
    ],
)
def test_numbers(oracle: Oracle, text: str, kw: dict, value: Fraction) -> None:
    result = oracle.evaluate(text, deal(**kw))
    assert type(result) is Fraction
    assert result == value


@pytest.mark.parametrize(
    ("text", "kw", "value"),
    [
        ("sanctions == freeze", {"sanctions": "freeze"}, True),
        ("sanctions != freeze", {"sanctions": "freeze"}, False),
        ("sanctions > ease_sectoral", {"sanctions": "ease_sectoral"}, False),
        ("sanctions > ease_sectoral", {"sanctions": "lift_sectoral"}, True),
        ("sanctions >= ease_sectoral", {"sanctions": "ease_sectoral"}, True),
        ("sanctions < ease_sectoral", {"sanctions": "freeze"}, True),
        ("sanctions <= ease_sectoral", {"sanctions": "lift_all"}, False),
        ("freeze < sanctions", {"sanctions": "lift_all"}, True),
        ("freeze < sanctions", {"sanctions": "maintain"}, False),
        ("sanctions in {freeze, lift_all}", {"sanctions": "lift_all"}, True),
        ("sanctions in {freeze, lift_all}", {"sanctions": "maintain"}, False),
        ("relief_share in {10, 20}", {"relief_share": 20}, True),
        ("relief_share in {10, 20}", {"relief_share": 30}, False),
        ("relief_share == 30", {"relief_share": 30}, True),
        ("relief_share == 35", {"relief_share": 30}, False),
        ("relief_share / 3 == 10", {"relief_share": 30}, True),
        ("relief_share / 3 > 3.33", {"relief_share": 10}, True),  # 10/3 > 3.33, exactly
        ("relief_share / 3 < 3.34", {"relief_share": 10}, True),
        ("true -> false", {}, False),
        ("false -> false", {}, True),
        ("true -> false -> false", {}, True),  # true -> (false -> false)
        ("(true -> false) -> false", {}, True),
        ("(false -> true) -> false", {}, False),
        ("false <-> false", {}, True),
        ("true <-> false", {}, False),
        ("not true or true and false", {}, False),
        ("not (true and false)", {}, True),
        ("us_visible + 1 <= russia_visible", {"ukraine_support": "reduce"}, True),
    ],
)
def test_conditions(oracle: Oracle, text: str, kw: dict, value: bool) -> None:
    assert oracle.evaluate(text, deal(**kw)) is value


def test_utility_with_terms(oracle: Oracle) -> None:
    d = deal(sanctions="freeze", ukraine_support="withdraw", crimea="russian", relief_share=60)
    # us: 35 * 100 + 15 * 90, + 25 (russia_visible = 6 >= 3), + 2 * 6
    assert oracle.utility("us", d) == 3500 + 1350 + 25 + 12
    # russia: 1 * 10 + 2 * 60 (linear)
    assert oracle.utility("russia", d) == 130
    assert oracle.utilities(d) == {"us": F(4887), "russia": F(130)}
    assert list(oracle.utilities(d)) == ["us", "russia"]
    # The term's condition fails at reduce: russia_visible = 3 >= 3 holds; at continue it is 1.
    assert oracle.utility("us", deal(ukraine_support="reduce")) == 35 * 60 + 1500 + 25 + 6
    assert oracle.utility("us", deal()) == 1500 + 2
    assert oracle.evaluate("utility(us) - utility(russia)", d) == 4887 - 130
    # The oracle sums cached weighted scores; the module-level function recomputes them.
    assert utility("us", d, oracle.checked) == 4887


def test_utility_is_exact_with_long_decimals() -> None:
    data = copy.deepcopy(HELSINKI)
    data["interests"]["russia"]["weights"] = {"sanctions": "0.1", "relief_share": "0.3333333333"}
    o = Oracle(make_instance(data))
    u = o.utility("russia", deal(sanctions="freeze", relief_share=30))
    assert u == F(1) + F(3333333333, 10**10) * 30


def test_no_deal(oracle: Oracle) -> None:
    assert oracle.no_deal("russia") == 10  # given
    assert oracle.no_deal("us") == 1502  # utility of the status quo


def test_violations_feasible_acceptable(oracle: Oracle) -> None:
    inst = oracle.instance
    rule, (russia_line,), (us_line,) = inst.rules[0], *inst.red_lines.values()
    assert oracle.violations(deal()) == [russia_line]  # crimea is contested
    bad = deal(sanctions="lift_all", crimea="russian", relief_share=60)
    assert oracle.violations(bad) == [rule, us_line]
    assert not oracle.is_feasible(bad)
    good = deal(sanctions="freeze", ukraine_support="withdraw", crimea="russian", relief_share=60)
    assert oracle.violations(good) == []
    assert oracle.is_feasible(good) and oracle.is_acceptable(good)
    # Feasible, us at exactly its no-deal value (fine), russia below its 10 (not acceptable).
    poor = deal(crimea="russian")
    assert oracle.is_feasible(poor)
    assert oracle.utility("us", poor) == oracle.no_deal("us")
    assert oracle.utility("russia", poor) == 0
    assert not oracle.is_acceptable(poor)
    assert oracle.is_acceptable(deal(crimea="russian", relief_share=10))  # russia: 2 * 10
    assert not oracle.is_acceptable(deal(crimea="russian", sanctions="freeze"))  # us: 1352


def test_party_without_interest() -> None:
    data = copy.deepcopy(HELSINKI)
    data["parties"]["eu"] = {}
    data["rules"].append("score(eu, sanctions) + utility(eu) == 0")
    o = Oracle(make_instance(data))
    assert o.utility("eu", deal()) == 0
    assert o.no_deal("eu") == 0
    assert o.violations(deal(crimea="russian")) == []


@pytest.mark.parametrize(
    ("d", "message"),
    [
        ({"sanctions": "maintain"}, "no value for issue 'ukraine_support'"),
        (deal(sanctions="freez"), "'freez' is not a value of issue 'sanctions' (did you mean"),
        (deal(relief_share=15), "15 is not a value of issue 'relief_share'"),
        (deal(relief_share="10"), "'10' is not a value of issue 'relief_share'"),
        (deal(relief_share=True), "True is not a value of issue 'relief_share'"),
        (deal(crimea=1), "1 is not a value of issue 'crimea'"),
        ({**deal(), "crimae": "x"}, "unknown issue 'crimae' (did you mean 'crimea'?)"),
    ],
)
def test_validate_deal(oracle: Oracle, d: dict, message: str) -> None:
    with pytest.raises(UsageError, match="invalid deal") as info:
        oracle.validate_deal(d)
    assert message in str(info.value)
    for call in (oracle.utilities, oracle.violations, oracle.is_feasible):
        with pytest.raises(UsageError):
            call(d)


def test_unknown_party(oracle: Oracle) -> None:
    with pytest.raises(UsageError, match=r"unknown party 'uss' \(did you mean 'us'"):
        oracle.utility("uss", deal())
    with pytest.raises(UsageError):
        oracle.no_deal("nobody")


def test_module_level_evaluate_and_checked_instances() -> None:
    checked = check(make_instance(HELSINKI))
    o = Oracle(checked)
    assert o.checked is checked
    expr = checked.quantities["russia_visible"]
    assert evaluate(expr, deal(ukraine_support="withdraw"), checked) == 6


def test_quantity_chains_evaluate() -> None:
    data = copy.deepcopy(HELSINKI)
    names = [f"q{i}" for i in range(30)]
    data["quantities"] = {"q0": "level(sanctions)"} | {
        names[i]: f"{names[i - 1]} + {names[i - 1]}" for i in range(1, 30)
    }
    data["interests"]["us"]["terms"] = []
    data["red_lines"] = {}
    data["rules"] = []
    o = Oracle(make_instance(data))
    assert o.evaluate("q29", deal(sanctions="freeze")) == 2**29
