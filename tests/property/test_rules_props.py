"""Properties of the rule language on random instances and random expressions."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies_rules import World, conditions, deals, expressions, numerics, worlds_and_instances

from dealopt.errors import SpecError
from dealopt.rules import ast as A
from dealopt.rules import bounds, check, check_expression, evaluate, parse, render
from dealopt.rules.parser import Kind
from dealopt.spec.model import Instance

RESOLVED = (A.Name, A.Call, A.InSet)
# No per-example deadline: the first example pays for building the parser.
relaxed = settings(deadline=None)


@st.composite
def instance_and_expr(draw, kind: str = "any", utility: bool = True):
    world, instance = draw(worlds_and_instances())
    strategy = {
        "any": expressions(world, 2, utility),
        "number": numerics(world, 2, utility),
        "condition": conditions(world, 2, utility),
    }[kind]
    return world, instance, draw(strategy)


@relaxed
@given(instance_and_expr())
def test_render_parse_round_trip(case: tuple[World, Instance, A.Expr]) -> None:
    _, _, expr = case
    text = render(expr)
    assert parse(text) == expr, text


@relaxed
@given(instance_and_expr())
def test_generated_expressions_check_and_checked_trees_round_trip(case) -> None:
    _, instance, expr = case
    checked = check(instance)
    resolved = check_expression(checked, render(expr))
    assert not any(isinstance(node, RESOLVED) for node in A.walk(resolved))
    again = check_expression(checked, render(resolved))
    assert again == resolved, render(resolved)


@relaxed
@given(instance_and_expr("number"), st.data())
def test_bounds_contain_the_value_on_random_deals(case, data) -> None:
    _, instance, expr = case
    checked = check(instance)
    resolved = check_expression(checked, render(expr), "expression")
    lo, hi = bounds(resolved, checked)
    assert lo <= hi
    for _ in range(5):
        deal = data.draw(deals(instance))
        value = evaluate(resolved, deal, checked)
        assert isinstance(value, Fraction)
        assert lo <= value <= hi, (render(resolved), deal)
    if not checked.depends_on(resolved):
        assert lo == hi  # a constant has exact bounds


@relaxed
@given(instance_and_expr("condition"), st.data())
def test_conditions_evaluate_to_booleans_and_single_issue_bounds_are_exact(case, data) -> None:
    _, instance, expr = case
    checked = check(instance)
    resolved = check_expression(checked, render(expr), "rule")
    deal = data.draw(deals(instance))
    assert isinstance(evaluate(resolved, deal, checked), bool)
    deps = checked.depends_on(resolved)
    if len(deps) == 1:
        (issue,) = deps
        seen = set()
        for value in instance.issues[issue].values:
            seen.add(evaluate(resolved, {**deal, issue: value}, checked))
        assert bounds(resolved, checked) == (int(min(seen)), int(max(seen)))


@relaxed
@given(instance_and_expr("any"), st.data())
def test_depends_on_is_sound(case, data) -> None:
    """Changing an issue that the expression does not depend on never changes its value."""
    _, instance, expr = case
    checked = check(instance)
    resolved = check_expression(checked, render(expr))
    deps = checked.depends_on(resolved)
    deal = data.draw(deals(instance))
    other = {**deal, **{i: v for i, v in data.draw(deals(instance)).items() if i not in deps}}
    assert evaluate(resolved, deal, checked) == evaluate(resolved, other, checked)


ALPHABET = "abcxyz_019 .+-*/()<>=!{},&|'\"\nAZ" + "éλ\t"
WORDS = st.sampled_from(
    ["and", "or", "not", "in", "true", "false", "->", "<->", "level(", "count(", "==", "<="]
)


@relaxed
@given(
    st.one_of(
        st.text(alphabet=ALPHABET, max_size=40),
        st.lists(st.one_of(WORDS, st.text(alphabet=ALPHABET, max_size=3)), max_size=12).map(
            " ".join
        ),
        st.text(max_size=30),
    ),
    st.sampled_from(["rule", "red_line", "when", "quantity", "value", "expression"]),
)
def test_parse_raises_only_spec_errors(text: str, kind: Kind) -> None:
    try:
        tree = parse(text, kind)
    except SpecError as exc:
        assert exc.problems and all(p.source is not None for p in exc.problems)
    else:
        assert parse(render(tree)) == tree


@relaxed
@given(st.data())
def test_checking_random_text_raises_only_spec_errors(data) -> None:
    _, instance = data.draw(worlds_and_instances())
    checked = check(instance)
    pieces = [
        "i0",
        "i1",
        "q0",
        "p0",
        "v0",
        "a",
        "b",
        "1",
        "0",
        "level(",
        "score(",
        "total(",
        "utility(",
        "count(",
        ")",
        ",",
        "*",
        "/",
        "+",
        "==",
        "<",
        "in {",
        "}",
        "and",
        "->",
    ]
    text = " ".join(data.draw(st.lists(st.sampled_from(pieces), max_size=10)))
    try:
        check_expression(checked, text)
    except SpecError as exc:
        assert exc.problems
