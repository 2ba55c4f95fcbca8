"""The checker: name resolution, types, linearity, cycles, and how problems are reported."""

from __future__ import annotations

import copy
from fractions import Fraction

import pytest
from rules_helpers import COL, HELSINKI, PATH, make_instance

from dealopt.errors import Problem, RuleSyntaxError, RuleTypeError, Source, SpecError
from dealopt.rules import ast as A
from dealopt.rules import check, check_expression, parse, render

BASE = {
    "parties": {"us": {}, "ru": {}, "eu": {}},
    "issues": {
        "s": ["keep", "ease", "lift"],
        "u": ["cont", "reduce", "withdraw"],
        "c": ["contested", "russian"],
        "share": {"range": [0, 100, 10]},
    },
    "attributes": {
        "vis": {"u": {"reduce": 2, "withdraw": 5}, "s": {"ease": 2, "lift": 4}},
        "flat": {"s": {}},
        "cost": {"share": "linear"},
    },
    "interests": {
        "us": {"weights": {"s": 2, "u": 3}, "scores": {"s": {"keep": 10}, "u": {"withdraw": 9}}},
        "ru": {"weights": {"s": 1, "share": 1}, "scores": {"s": {"lift": 10}, "share": "linear"}},
    },
}


def instance(rules=(), quantities=None, red_lines=None, interests=None):
    data = copy.deepcopy(BASE)
    data["rules"] = list(rules)
    data["quantities"] = quantities or {}
    data["red_lines"] = red_lines or {}
    if interests:
        data["interests"].update(interests)
    return make_instance(data)


def checked_rule(text: str, **kw) -> A.Expr:
    return check(instance([text], **kw)).rules[0].expr


def problems(*rules: str, error=RuleTypeError, **kw) -> tuple[Problem, ...]:
    with pytest.raises(SpecError) as info:
        check(instance(rules, **kw))
    assert type(info.value) is error
    return info.value.problems


def one(rule: str, **kw) -> Problem:
    (p,) = problems(rule, **kw)
    return p


def at(line: int, index: int) -> Source:
    """Where character ``index`` of the text on ``line`` of the test file is."""
    return Source(PATH, line, COL + 1 + index)


# --- resolution ------------------------------------------------------------------------------


def test_option_comparisons_resolve_to_option_tests() -> None:
    assert checked_rule("s == ease") == A.OptionTest("s", "==", ("ease",), ("ease",))
    assert checked_rule("s != ease") == A.OptionTest("s", "!=", ("ease",), ("keep", "lift"))
    assert checked_rule("s >= ease") == A.OptionTest("s", ">=", ("ease",), ("ease", "lift"))
    assert checked_rule("s < lift") == A.OptionTest("s", "<", ("lift",), ("keep", "ease"))
    assert checked_rule("s > lift") == A.OptionTest("s", ">", ("lift",), ())
    # The option on the left: the comparison is turned around.
    assert checked_rule("ease < s") == A.OptionTest("s", ">", ("ease",), ("lift",))
    assert checked_rule("s in {lift, keep}") == A.OptionTest(
        "s", "in", ("lift", "keep"), ("keep", "lift")
    )
    assert checked_rule("share in {10, 0}") == A.OptionTest("share", "in", (10, 0), (0, 10))


def test_range_issue_is_a_number() -> None:
    assert checked_rule("share >= 20") == A.Compare(">=", A.IssueValue("share"), A.Number(20))


def test_calls_resolve() -> None:
    e = checked_rule(
        "vis(u) + total(vis) + level(s) + score(us, u) + count(c == russian, true) > utility(ru)"
    )
    left = e.left  # type: ignore[attr-defined]
    assert left.first == A.AttributeOf("vis", "u")
    assert [t for _, t in left.rest] == [
        A.Total("vis"),
        A.Level("s"),
        A.ScoreOf("us", "u"),
        A.Count((A.OptionTest("c", "==", ("russian",), ("russian",)), A.BoolConst(True))),
    ]
    assert e.right == A.UtilityOf("ru")  # type: ignore[attr-defined]


def test_an_option_named_like_a_quantity_is_the_option_next_to_its_issue() -> None:
    data = copy.deepcopy(BASE)
    data["issues"]["monitoring"] = ["none", "monitors", "full"]
    data["quantities"] = {"monitors": "level(s)"}
    data["rules"] = ["monitoring >= monitors", "monitors >= 1"]
    rules = check(make_instance(data)).rules
    assert rules[0].expr == A.OptionTest("monitoring", ">=", ("monitors",), ("monitors", "full"))
    assert rules[1].expr == A.Compare(">=", A.QuantityRef("monitors"), A.Number(1))


def test_checked_instance_contents() -> None:
    inst = make_instance(HELSINKI)
    checked = check(inst)
    assert list(checked.quantities) == ["russia_visible", "us_visible"]
    assert checked.quantities["us_visible"] == A.AttributeOf("visibility", "sanctions")
    assert [r.rule for r in checked.rules] == list(inst.rules)
    assert checked.red_lines["russia"][0].expr == A.OptionTest(
        "crimea", "==", ("russian",), ("russian",)
    )
    assert [r.rule for r in checked.all_rules()] == list(inst.all_rules())
    win, credit = checked.terms["us"]
    assert win.value == A.Number(Fraction(25))
    assert win.when == A.Compare(">=", A.QuantityRef("russia_visible"), A.Number(3))
    assert credit.when is None
    assert credit.value == A.BinaryOp("*", A.Number(2), A.QuantityRef("russia_visible"))
    assert checked.terms["russia"] == ()


def test_every_party_has_red_lines_and_terms_entries() -> None:
    checked = check(instance(red_lines={"us": ["s == keep"]}))
    assert set(checked.red_lines) == {"us", "ru", "eu"}
    assert checked.red_lines["eu"] == ()
    assert set(checked.terms) == {"us", "ru", "eu"}


def test_checked_trees_render_and_recheck_to_equal_trees() -> None:
    checked = check(make_instance(HELSINKI))
    for rule in checked.all_rules():
        assert check_expression(checked, render(rule.expr), "rule") == rule.expr


def test_depends_on() -> None:
    checked = check(
        instance(
            quantities={"q": "vis(u) + 1", "r": "q * 2 + vis(c)", "k": "flat(s) + total(flat)"}
        )
    )
    dep = checked.depends_on
    assert dep(checked.quantities["q"]) == {"u"}
    assert dep(checked.quantities["r"]) == {"u"}  # vis has no table for c: constant 0
    assert dep(checked.quantities["k"]) == set()  # all-zero tables
    assert dep(check_expression(checked, "utility(us)")) == {"s", "u"}
    assert dep(check_expression(checked, "utility(ru)")) == {"s", "share"}
    assert dep(check_expression(checked, "utility(eu) + score(eu, s)")) == set()
    assert dep(check_expression(checked, "total(vis)")) == {"s", "u"}
    assert dep(check_expression(checked, "share > 3 or level(c) == 1")) == {"share", "c"}


def test_utility_depends_on_its_terms() -> None:
    interests = {"eu": {"terms": [{"value": "level(c)", "when": "share > 50"}]}}
    checked = check(instance(interests=interests))
    assert checked.depends_on(A.UtilityOf("eu")) == {"c", "share"}


def test_score_of_a_party_without_interest_is_allowed() -> None:
    assert checked_rule("score(eu, s) == 0") == A.Compare("==", A.ScoreOf("eu", "s"), A.Number(0))


# --- linearity -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rule",
    [
        "vis(u) * score(us, s) >= 1",  # two factors, one issue each
        "level(s) * level(s) * level(s) >= 1",  # one issue only
        "level(s) * level(u) * 3 >= 1",  # times a constant
        "utility(us) * 2 >= 1",
        "(level(s) * level(u) + 1) * (2 - 1) >= 1",
        "level(s) * flat(u) * level(c) >= 0",  # flat(u) is constant 0
        "share / 3 >= 1",
        "share / (2 * count(true, 1 < 2)) >= 1",  # constant divisor, though not a literal
        "share / (total(flat) + 1) >= 1",
    ],
)
def test_allowed_products_and_divisions(rule: str) -> None:
    check(instance([rule]))


@pytest.mark.parametrize(
    ("rule", "product"),
    [
        ("level(s) * level(u) * level(c) > 1", "level(s) * level(u) * level(c)"),
        ("total(vis) * level(c) > 1", "total(vis) * level(c)"),
        ("utility(us) * level(c) > 1", "utility(us) * level(c)"),
        ("2 * (level(s) + level(u)) * level(c) > 1", "2 * (level(s) + level(u)) * level(c)"),
    ],
)
def test_nonlinear_products(rule: str, product: str) -> None:
    p = one(rule)
    assert p.message.startswith(f"nonlinear product '{product}'")
    assert p.source == at(1, 0)


def test_division_by_non_constant_and_by_zero() -> None:
    p1, p2, p3 = problems("share / level(c) > 1", "share / (3 - 3) > 1", "1 / count(false) > 0")
    assert p1.message == "division by 'level(c)', which depends on issue c"
    assert p1.source == at(1, 8)
    assert p2.message == "division by zero: '3 - 3' is 0"
    assert p2.source == at(2, 8)
    assert p3.message == "division by zero: 'count(false)' is 0"


# --- name and type errors --------------------------------------------------------------------


def test_unknown_name_with_did_you_mean() -> None:
    p = one("shar > 3")
    assert p.message == "unknown name 'shar'"
    assert p.hint == "did you mean 'share'?"
    assert p.source == at(1, 0)
    q = one("level(s) > qq + 1", quantities={"qqq": "1"})
    assert q.hint == "did you mean 'qqq'?"
    assert q.source == at(2, 11)  # the quantity's text is on line 1


def test_option_of_the_issue_did_you_mean_uses_that_issues_options() -> None:
    p = one("u == withdrw")
    assert p.message == "'withdrw' is not an option of issue 'u'"
    assert p.hint == "did you mean 'withdraw'?"
    assert p.source == at(1, 5)
    p = one("u == kep")  # 'keep' is an option of s, not of u: no suggestion from s
    assert p.hint == "options of u: cont, reduce, withdraw"


def test_option_of_another_issue() -> None:
    p = one("c == withdraw")
    assert p.message == "'withdraw' is not an option of issue 'c' (it is an option of 'u')"
    p = one("withdraw != c")
    assert p.source == at(1, 0)


def test_option_outside_a_comparison() -> None:
    p = one("count(withdraw) > 0")
    assert p.message == "option 'withdraw' of issue 'u' can only be used compared with its issue"
    assert p.source == at(1, 6)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("s > 2", "issue 's' has options, not numbers"),
        ("s == share", "issue 's' has options and cannot be compared with 'share'"),
        ("s + 1 > 2", "issue 's' has options, not a number"),
        ("us > 1", "'us' is a party: write utility(us) or score(us, issue)"),
        ("vis > 1", "'vis' is an attribute: write vis(issue) or total(vis)"),
        ("level(s) + 1", "a rule must be a condition, but this is a number"),
        ("(s == keep) + 1 > 0", "expected a number, but 's == keep' is a condition"),
        ("level(s) and c == russian", "expected a condition, but 'level(s)' is a number"),
        ("(s == keep) == (c == russian)", "'==' compares numbers, not conditions"),
        ("not level(s)", "expected a condition, but 'level(s)' is a number"),
        ("count(level(s)) > 0", "expected a condition, but 'level(s)' is a number"),
        ("count() > 0", "count() needs at least one condition"),
        ("visibility(u) > 0", "unknown function 'visibility'"),
        ("s(u) > 0", "'s' is an issue, not a function"),
        ("level(s, u) > 0", "level() takes 1 argument (an issue), got 2"),
        ("score(us) > 0", "score() takes 2 arguments (a party and an issue), got 1"),
        ("level(ss) > 0", "unknown issue 'ss'"),
        ("level(1) > 0", "expected the name of an issue"),
        ("total(viz) > 0", "unknown attribute 'viz'"),
        ("score(uss, s) > 0", "unknown party 'uss'"),
        ("level > 0", "unknown name 'level'"),
        ("(level(s)) in {keep}", "'in' needs an issue on its left"),
        ("share in {5}", "'5' is not a value of issue 'share' (integers 0 to 100 by 10)"),
        ("share in {keep}", "'keep' is not a value of issue 'share'"),
        ("s in {keep, 2}", "issue 's' has options, not numbers"),
        ("c in {russian, lift}", "'lift' is not an option of issue 'c' (it is an option of 's')"),
    ],
)
def test_type_errors(rule: str, message: str) -> None:
    assert one(rule).message.startswith(message)


def test_did_you_mean_for_functions_and_arguments() -> None:
    assert one("viss(u) > 0").hint == "did you mean 'vis'?"
    assert one("levl(u) > 0").hint == "did you mean 'level'?"
    assert one("score(uss, s) > 0").hint == "did you mean 'us'?"
    assert one("level(shar) > 0").hint == "did you mean 'share'?"
    assert one("total(viz) > 0").hint == "did you mean 'vis'?"


def test_utility_only_in_rules_and_red_lines() -> None:
    check(instance(["utility(us) > 1"], red_lines={"ru": ["utility(ru) >= utility(us)"]}))
    (p,) = problems(quantities={"q": "utility(us)"})
    assert p.message == "utility() can only be used in rules and red lines, not in a quantity"
    for term, kind in [
        ({"value": "utility(ru)"}, "term value"),
        ({"value": 1, "when": "utility(ru) > 1"}, "condition"),
    ]:
        (p,) = problems(interests={"eu": {"terms": [term]}})
        assert p.message.endswith(f"not in a {kind}")


def test_quantities_and_values_are_numbers_conditions_are_conditions() -> None:
    (p,) = problems(quantities={"q": "c == russian"})
    assert p.message == "a quantity must be a number, but this is a condition"
    (p,) = problems(interests={"eu": {"terms": [{"value": "share > 1"}]}})
    assert p.message == "a term value must be a number, but this is a condition"
    (p,) = problems(interests={"eu": {"terms": [{"value": 1, "when": "share"}]}})
    assert p.message == "a term's 'when' must be a condition, but this is a number"
    (p,) = problems(red_lines={"us": ["share"]})
    assert p.message == "a red line must be a condition, but this is a number"


def test_cycles_are_reported_once_with_the_path() -> None:
    ps = problems(quantities={"a": "b + 1", "b": "c * 2", "c": "a + level(s)", "d": "a + 1"})
    assert [p.message for p in ps] == ["quantity 'a' depends on itself: a -> b -> c -> a"]
    assert ps[0].source == at(3, 0)  # in c's text, where it uses a
    (p,) = problems(quantities={"a": "a + 1"})
    assert p.message == "quantity 'a' depends on itself: a -> a"


def test_a_bad_quantity_causes_no_follow_up_errors() -> None:
    ps = problems("q > 1 and r > 1", quantities={"q": "nope + 1", "r": "q * 2"})
    assert [p.message for p in ps] == ["unknown name 'nope'"]


def test_a_bad_term_causes_no_follow_up_errors_in_utility() -> None:
    interests = {"eu": {"terms": [{"value": "nope"}]}}
    ps = problems("utility(eu) / 0 > 1", interests=interests)
    assert [p.message for p in ps] == ["unknown name 'nope'"]


def test_all_problems_are_collected_and_sorted() -> None:
    ps = problems(
        "s == kep",
        "level(s) * level(u) * level(c) > 1",
        "utility(ru) + 1",
        quantities={"q": "shar"},
        red_lines={"us": ["u == withdrw and foo(s)"]},
    )
    # Lines: quantity 1, red line 2, rules 3, 4, 5.
    assert [(p.source.line, p.source.col) for p in ps] == [  # type: ignore[union-attr]
        (1, 6),
        (2, 11),
        (2, 23),
        (3, 11),
        (4, 6),
        (5, 6),
    ]
    assert all(p.source and p.source.path == PATH for p in ps)


def test_syntax_and_type_errors_together_raise_spec_error() -> None:
    ps = problems("s == kep", "a +", error=SpecError)
    assert [p.source.line for p in ps] == [1, 2]  # type: ignore[union-attr]
    ps = problems("a +", "(", error=RuleSyntaxError)
    assert len(ps) == 2


def test_problem_renders_file_position_message_hint_and_caret() -> None:
    with pytest.raises(RuleTypeError) as info:
        check(instance(["u == withdrw"]))
    text = str(info.value).splitlines()
    assert text[0] == (
        f"{PATH}:1:11: error: 'withdrw' is not an option of issue 'u' (did you mean 'withdraw'?)"
    )
    assert text[2].index("^") == text[1].index("withdrw")


def test_errors_without_source_name_their_text() -> None:
    data = copy.deepcopy(BASE)
    data["rules"] = ["u == withdrw"]
    with pytest.raises(RuleTypeError) as info:
        check(make_instance(data, sources=False))
    assert info.value.first.source == Source("<rule 'rule 0'>", 1, 6)


def test_check_expression() -> None:
    checked = check(instance())
    assert check_expression(checked, "level(s) + 1", "quantity") == A.Sum(
        A.Level("s"), (("+", A.Number(1)),)
    )
    assert check_expression(checked, "utility(us)") == A.UtilityOf("us")
    with pytest.raises(RuleTypeError, match="must be a condition"):
        check_expression(checked, "level(s)", "rule")
    with pytest.raises(RuleSyntaxError):
        check_expression(checked, "level(s) +")


def test_resolved_trees_are_not_rechecked() -> None:
    checked = check(instance(["s == keep"]))
    c = __import__("dealopt.rules.check", fromlist=["_Checker"])
    with pytest.raises(TypeError, match="check parsed trees only"):
        c._Checker(checked.instance).expr(checked.rules[0].expr, None)
    assert parse("s == keep") != checked.rules[0].expr
