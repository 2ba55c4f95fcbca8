"""The compile layer: structure of the compiled model, decoding, exact scaling and resolution."""

import itertools
from decimal import Decimal
from fractions import Fraction

import pytest

import dealopt
from dealopt.compile import compile_instance
from dealopt.compile.model import BoolAnd, LinearConstraint, ReifiedLinear, Require
from dealopt.rules.oracle import Oracle


def make(**extra):
    data = {
        "dealopt": 1,
        "name": "compile test",
        "parties": {"a": {}, "b": {}},
        "issues": {
            "x": {"options": ["lo", "mid", "hi"]},
            "y": {"options": ["no", "yes"]},
            "n": {"range": [0, 4, 2]},
        },
        "attributes": {"vis": {"x": {"mid": 1, "hi": 3}, "y": {"yes": 2}}},
        "interests": {
            "a": {"weights": {"x": 2}, "scores": {"x": {"mid": 5, "hi": 10}, "n": "linear"}},
            "b": {"scores": {"x": {"lo": 10, "mid": 4}, "y": {"yes": 3}}},
        },
    }
    data.update(extra)
    return dealopt.instance(data)


def all_deals(instance):
    names = list(instance.issues)
    for values in itertools.product(*(i.values for i in instance.issues.values())):
        yield dict(zip(names, values, strict=True))


def test_decode_inverts_encode_on_every_deal():
    instance = make()
    model, decoder = compile_instance(instance)
    assert model.bundle_space_size == instance.bundle_space_size == 18
    for deal in all_deals(instance):
        assert decoder.deal(decoder.encode(deal)) == deal


def test_objectives_equal_the_oracle_on_every_deal():
    # Evaluate each objective on the encoded deal (no auxiliaries are involved: utilities
    # here are sums of one-issue tables) and compare with the exact oracle.
    instance = make()
    model, decoder = compile_instance(instance)
    oracle = Oracle(instance)
    for deal in all_deals(instance):
        values = decoder.encode(deal) + [0] * (model.num_vars - len(decoder.encode(deal)))
        for k, party in enumerate(instance.parties):
            assert decoder.utility(k, model.objectives[k].value(values)) == oracle.utility(
                party, deal
            )
    assert model.resolution == (Fraction(0), Fraction(0))


def test_one_issue_rules_need_no_auxiliary_variables():
    instance = make(rules=[{"rule": "x in {mid, hi}"}, {"rule": "vis(x) + level(x) <= 3"}])
    model, _ = compile_instance(instance)
    assert model.definitions == ()
    assert len(model.constraints) == 2


def test_multi_issue_condition_is_reified_with_tight_bounds():
    instance = make(red_lines={"a": [{"rule": "y == yes -> total(vis) >= 4"}]})
    model, _ = compile_instance(instance)
    reified = [d for d in model.definitions if isinstance(d, ReifiedLinear)]
    assert len(reified) == 1
    # total(vis) ranges over 0..5 (x: 0/1/3, y: 0/2): the bounds are exact, not a blanket M.
    low, high = reified[0].bounds
    assert high - low == 5
    assert isinstance(model.constraints[0], Require)
    assert model.constraints[0].label.owner == "a"
    assert model.constraints[0].label.kind == "red_line"


def test_a_linear_rule_over_several_issues_is_a_plain_row():
    instance = make(rules=[{"rule": "level(x) + n >= 3"}])
    model, _ = compile_instance(instance)
    (row,) = model.constraints
    assert isinstance(row, LinearConstraint)
    assert row.label.kind == "rule"
    assert row.label.text == "level(x) + n >= 3"


def test_pairwise_product_uses_pair_conjunctions():
    instance = make(
        interests={
            "a": {"terms": [{"label": "p", "value": "vis(x) * vis(y)"}]},
            "b": {"scores": {"x": {"lo": 1}}},
        }
    )
    model, _ = compile_instance(instance)
    pairs = [d for d in model.definitions if isinstance(d, BoolAnd)]
    # Nonzero products: x in {mid, hi} times y == yes -> two pair variables.
    assert len(pairs) == 2
    oracle = Oracle(instance)
    assert oracle.utility("a", {"x": "hi", "y": "yes", "n": 0}) == 6


def test_constant_false_red_line_makes_no_feasible_deal():
    instance = make(red_lines={"b": [{"label": "impossible", "rule": "level(x) > 5"}]})
    result = dealopt.solve(instance, backend="enumerate")
    assert str(result.status) == "no-feasible-deal"
    assert result.frontier == ()


@pytest.mark.parametrize("digits", [16, 30])
def test_long_decimals_are_rounded_with_a_reported_resolution(digits):
    weight = Decimal("0." + "3" * digits)
    instance = make(
        interests={
            "a": {
                "weights": {"x": weight},
                "scores": {"x": {"mid": 1, "hi": Decimal("0." + "7" * digits)}},
            },
            "b": {"scores": {"x": {"lo": 1}}},
        }
    )
    model, _ = compile_instance(instance)
    if digits == 16:
        # 10^32 is the exact scale: beyond the safe range, so it rounds.
        assert model.resolution[0] > 0
    assert model.resolution[0] < Fraction(1, 10**9)
    assert model.resolution[1] == 0
    bound = max(abs(lo) for lo in model.objective_bounds[0]) + max(
        abs(hi) for hi in model.objective_bounds[0]
    )
    assert bound <= 2**51
