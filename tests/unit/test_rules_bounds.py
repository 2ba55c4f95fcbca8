"""Interval bounds over all deals, hand-computed on the Helsinki-like test instance."""

from __future__ import annotations

import copy
import itertools
from fractions import Fraction

import pytest
from rules_helpers import HELSINKI, make_instance

from dealopt.rules import Oracle, bounds

F = Fraction


@pytest.fixture(scope="module")
def oracle() -> Oracle:
    return Oracle(make_instance(HELSINKI))


@pytest.mark.parametrize(
    ("text", "lo", "hi"),
    [
        ("level(sanctions)", 0, 4),
        ("relief_share / 3", 0, F(100, 3)),
        ("-relief_share", -100, 0),
        ("russia_visible", 1, 6),
        ("2 * 3 + count(true)", 7, 7),
        ("total(visibility)", 0, 9),
        ("total(cost) / 10", 0, 10),
        # Depends on one issue only: exact, though the parts' intervals would add to [-4, 4].
        ("level(sanctions) - level(sanctions)", 0, 0),
        ("visibility(sanctions) - level(sanctions)", -1, 0),
        # Two issues: the parts add.
        ("visibility(ukraine_support) - visibility(sanctions)", -4, 5),
        # Pairwise product: exact over the pairs.
        ("visibility(ukraine_support) * score(us, sanctions)", 0, 500),
        ("(level(sanctions) - 2) * (level(ukraine_support) - 1)", -2, 2),
        ("(level(sanctions) - 2) * (level(ukraine_support) + 1) * -1", -6, 6),
        # count: a condition on one issue is exact (never true here), on two issues 0..1.
        ("count(false, relief_share > 200)", 0, 0),
        ("count(true, sanctions == freeze)", 1, 2),
        ("count(sanctions == freeze, sanctions == freeze and crimea == russian)", 0, 2),
        # utility: per-issue exact ranges add, a conditional term may be 0.
        ("utility(us)", 2, 3500 + 1500 + 25 + 12),
        ("utility(russia)", 0, 100 + 200),
        ("utility(russia) - utility(us)", -5037, 298),
        # conditions count as 0 or 1
        ("crimea == russian and relief_share > 50", 0, 1),
        ("relief_share > 200", 0, 0),
        ("relief_share >= 0", 1, 1),
    ],
)
def test_bounds(oracle: Oracle, text: str, lo, hi) -> None:
    assert bounds(oracle.expression(text), oracle.checked) == (F(lo), F(hi))


def test_bounds_are_exact_fractions(oracle: Oracle) -> None:
    lo, hi = bounds(oracle.expression("relief_share / 3"), oracle.checked)
    assert type(lo) is Fraction and type(hi) is Fraction


def test_constant_term_conditions() -> None:
    data = copy.deepcopy(HELSINKI)
    data["interests"]["russia"]["terms"] = [
        {"value": 7, "when": "1 > 2"},  # never
        {"value": "level(crimea) - 5", "when": "2 > 1"},  # always: [-5, -4]
        {"value": -3, "when": "crimea == russian and sanctions == freeze"},  # maybe: [-3, 0]
    ]
    o = Oracle(make_instance(data))
    assert bounds(o.expression("utility(russia)"), o.checked) == (F(-8), F(296))


def test_bounds_contain_every_deal(oracle: Oracle) -> None:
    """On this small instance, compare with full enumeration."""
    texts = [
        "utility(us)",
        "utility(russia) - utility(us) / 3",
        "visibility(ukraine_support) * score(us, sanctions) - 2 * total(visibility)",
        "count(sanctions >= freeze, crimea == russian, relief_share > 40) + russia_visible",
    ]
    issues = oracle.instance.issues
    deals = [
        dict(zip(issues, values, strict=True))
        for values in itertools.product(*(i.values for i in issues.values()))
    ]
    for text in texts:
        expr = oracle.expression(text)
        values = [oracle.evaluate(expr, d) for d in deals]
        lo, hi = bounds(expr, oracle.checked)
        assert lo <= min(values) and max(values) <= hi
    # Where parts are independent the bounds are attained.
    expr = oracle.expression("utility(russia)")
    values = [oracle.evaluate(expr, d) for d in deals]
    assert bounds(expr, oracle.checked) == (min(values), max(values))


def test_terms_each_on_one_whole_deal_count_once() -> None:
    # x: a | b, y: c | d. Sums 1 (a), 2 (b), 0 (c), 3 (d); terms on single deals: (b, d) -2
    # and -1 (together -3), (a, d) -1, (a, c) +0.5. Utilities by hand: (a, c) 1.5, (a, d) 3,
    # (b, c) 2, (b, d) 2. A deal is one of those deals at most, so the terms add between -3
    # and +0.5: bounds (1 - 3, 5 + 0.5), not (1 - 2 - 1 - 1, ...) as if all could hold.
    import dealopt
    from dealopt.rules.bounds import utility_bounds
    from dealopt.rules.check import check

    def term(when: str, value: float) -> dict:
        return {"when": when, "value": value}

    inst = dealopt.instance(
        {
            "dealopt": 1,
            "name": "pinned",
            "parties": {"p": {}},
            "issues": {"x": {"options": ["a", "b"]}, "y": {"options": ["c", "d"]}},
            "interests": {
                "p": {
                    "scores": {"x": {"a": 1, "b": 2}, "y": {"d": 3}},
                    "terms": [
                        term("x == b and y == d", -2),
                        term("y == d and x == a", -1),
                        term("x == a and y == c", 0.5),
                        term("x == b and y == d", -1),
                    ],
                }
            },
        }
    )
    oracle = Oracle(inst)
    every = [oracle.utility("p", {"x": x, "y": y}) for x in "ab" for y in "cd"]
    assert sorted(every) == [F(3, 2), 2, 2, 3]
    lo, hi = utility_bounds(check(inst))["p"]
    assert (lo, hi) == (-2, F(11, 2))
    assert lo <= min(every) and max(every) <= hi
