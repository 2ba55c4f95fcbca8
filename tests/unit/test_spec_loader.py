"""The spec loader: one small bad file per kind of problem, with exact positions and messages;
exact numbers; JSON = YAML = Python data; defaults; the `dealopt check` command."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from dealopt import spec
from dealopt.cli import app
from dealopt.errors import Problem, SpecError

VALID = """\
dealopt: 1
name: Toy
parties:
  us: {label: United States}
  them: {no_deal: 10}
issues:
  price: {range: [0, 100, 10], status_quo: 50}
  color: {options: [red, green, blue]}
attributes:
  cost:
    color: {green: 2, blue: 5}
    price: linear
quantities:
  total_cost: "cost(color) + price"
interests:
  us:
    weights: {price: -1, color: 2}
    scores:
      price: linear
      color: {red: 0, green: 50, blue: 100}
    terms:
      - {label: bonus, when: "color == blue", value: 25}
      - {value: "2 * total_cost"}
  them:
    scores: {price: linear}
red_lines:
  them:
    - {rule: price >= 30}
rules:
  - {label: no cheap blue, rule: "color == blue -> price >= 50"}
groups:
  money: [price]
"""

# A minimal head that later lines extend; line numbers below count from its first line.
HEAD = """\
dealopt: 1
name: t
parties:
  a: {}
  b: {}
issues:
  x: {options: [p, q, r]}
"""  # 7 lines


def write(tmp_path: Path, text: str, name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str, name: str = "bad.yaml") -> tuple[Problem, ...]:
    path = write(tmp_path, text, name)
    with pytest.raises(SpecError) as info:
        spec.load(path)
    return info.value.problems


def one(tmp_path: Path, text: str) -> Problem:
    found = problems(tmp_path, text)
    assert len(found) == 1, [p.render() for p in found]
    return found[0]


def at(problem: Problem) -> tuple[int, int]:
    assert problem.source is not None
    return problem.source.line, problem.source.col


# ----------------------------------------------------------------------------- a valid file


def test_valid_file_loads_with_everything_in_place(tmp_path):
    inst = spec.load(write(tmp_path, VALID, "ok.yaml"))
    assert inst.name == "Toy"
    assert list(inst.parties) == ["us", "them"]
    assert inst.parties["us"].label == "United States"
    assert inst.parties["them"].label == "them"  # label defaults to the key
    assert inst.parties["us"].no_deal is None  # default: utility of the status quo
    assert inst.parties["them"].no_deal == Decimal(10)
    price, color = inst.issues["price"], inst.issues["color"]
    assert price.values == tuple(range(0, 101, 10)) and price.is_range
    assert price.status_quo == 50
    assert color.values == ("red", "green", "blue") and color.kind == "options"
    assert color.status_quo == "red"  # defaults to the first option
    assert inst.status_quo == {"price": 50, "color": "red"}
    assert inst.bundle_space_size == 33
    assert inst.attributes["cost"].of("color", "blue") == 5
    assert inst.attributes["cost"].of("color", "red") == 0  # unlisted counts 0
    assert inst.attributes["cost"].of("price", 70) == 70  # linear
    assert inst.quantities["total_cost"].expr.text == "cost(color) + price"
    us, them = inst.interests["us"], inst.interests["them"]
    assert us.weights == {"price": Decimal(-1), "color": Decimal(2)}
    assert them.weights == {"price": Decimal(1)}  # scores without a weight: weight 1
    assert us.score("color", "green") == 50 and us.score("price", 30) == 30
    assert us.terms[0].label == "bonus" and us.terms[0].value == Decimal(25)
    assert us.terms[0].when is not None and us.terms[0].when.text == "color == blue"
    assert us.terms[1].label == "2 * total_cost"  # label defaults to the value
    assert us.terms[1].when is None
    (red_line,) = inst.red_lines["them"]
    assert red_line.label == "price >= 30"  # label defaults to the rule text
    assert red_line.owner == "them" and red_line.kind == "red_line"
    assert inst.rules[0].label == "no cheap blue" and inst.rules[0].kind == "rule"
    assert inst.groups == {"money": ("price",)}
    assert [r.rule.text for r in inst.all_rules()] == [
        "color == blue -> price >= 50",
        "price >= 30",
    ]


def test_expression_texts_know_their_file_column(tmp_path):
    inst = spec.load(write(tmp_path, VALID, "ok.yaml"))
    rule = inst.rules[0].rule
    # line 30: `  - {label: no cheap blue, rule: "color == blue -> price >= 50"}`
    assert (rule.source.line, rule.source.col) == (30, 34)
    assert rule.col_offset == 1  # the quote: text index 0 is column 35
    plain = inst.red_lines["them"][0].rule
    assert (plain.source.line, plain.source.col) == (28, 14) and plain.col_offset == 0


# ----------------------------------------------------------------------------- one problem each


def test_unknown_top_level_key_with_did_you_mean(tmp_path):
    p = one(tmp_path, HEAD + "intrests: {}\n")
    assert at(p) == (8, 1)
    assert p.message.startswith("unknown key 'intrests' at the top level; expected one of: ")
    assert "interests" in p.message and "red_lines" in p.message
    assert p.hint == "did you mean 'interests'?"


def test_unknown_nested_key_lists_the_keys_of_that_place(tmp_path):
    p = one(tmp_path, HEAD.replace("a: {}", "a: {lable: A}"))
    assert at(p) == (4, 7)
    assert p.message == (
        "unknown key 'lable' in 'parties.a'; expected one of: label, description, no_deal"
    )
    assert p.hint == "did you mean 'label'?"


def test_unknown_key_in_a_term(tmp_path):
    p = one(tmp_path, HEAD + "interests:\n  a:\n    terms:\n      - {whn: x == p, value: 1}\n")
    assert at(p) == (11, 10)
    assert "unknown key 'whn' in 'interests.a.terms.0'; expected one of: label, when, value" in (
        p.message
    )
    assert p.hint == "did you mean 'when'?"


def test_unknown_key_under_a_party_named_like_a_field(tmp_path):
    # The party is called 'terms': its keys are an interest's, not a term's.
    text = HEAD.replace("b: {}", "terms: {}") + "interests:\n  terms: {wieghts: {}}\n"
    p = one(tmp_path, text)
    assert at(p) == (9, 11)
    assert p.message.endswith("expected one of: weights, scores, terms, stage_weights, scale")
    assert p.hint == "did you mean 'weights'?"


def test_duplicate_yaml_key(tmp_path):
    p = one(tmp_path, HEAD + "issues:\n  y: {options: [u]}\n")
    assert at(p) == (8, 1)
    assert p.message == (
        "duplicate key 'issues' (first defined at line 6); "
        "YAML would silently keep only the last one"
    )


def test_duplicate_key_in_a_flow_mapping(tmp_path):
    p = one(tmp_path, HEAD.replace("a: {}", "a: {label: A, label: B}"))
    assert at(p) == (4, 17)
    assert p.message.startswith("duplicate key 'label' (first defined at line 4)")


def test_duplicate_option(tmp_path):
    p = one(tmp_path, HEAD.replace("[p, q, r]", "[p, q, p]"))
    assert at(p) == (7, 23)
    assert p.message == "option 'p' listed twice in issue 'x'"


def test_name_clash_between_party_and_issue(tmp_path):
    p = one(tmp_path, HEAD + "  a: {options: [u]}\n")
    assert at(p) == (8, 3)
    assert p.message == "name 'a' is used for both a party and an issue"


def test_name_clash_between_issue_and_quantity(tmp_path):
    p = one(tmp_path, HEAD + "quantities:\n  x: level(x)\n")
    assert at(p) == (9, 3)
    assert p.message == "name 'x' is used for both an issue and a quantity"


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (HEAD + "  count: {options: [u]}\n", (8, 3), "'count' is a word of the rule language "
         "and cannot name an issue"),
        (HEAD.replace("b: {}", "and: {}"), (5, 3), "'and' is a word of the rule language "
         "and cannot name a party"),
        (HEAD + "attributes:\n  total: {}\n", (9, 3), "'total' is a word of the rule language "
         "and cannot name an attribute"),
        (HEAD + "quantities:\n  utility: level(x)\n", (9, 3), "'utility' is a word of the "
         "rule language and cannot name a quantity"),
        (HEAD.replace("[p, q, r]", "[p, 'not', r]"), (7, 20), "'not' is a word of the rule "
         "language and cannot name an option"),
    ],
)  # fmt: skip
def test_reserved_word_as_a_name(tmp_path, text, where, message):
    p = one(tmp_path, text)
    assert at(p) == where
    assert p.message == message


def test_score_table_with_an_unknown_option(tmp_path):
    p = one(tmp_path, HEAD + "interests:\n  a:\n    scores:\n      x: {p: 1, qq: 2}\n")
    assert at(p) == (11, 17)
    assert p.message == "'qq' is not an option of issue 'x'"
    assert p.hint == "did you mean 'q'?"


def test_attribute_table_with_an_unknown_option(tmp_path):
    p = one(tmp_path, HEAD + "attributes:\n  vis:\n    x: {rr: 1}\n")
    assert at(p) == (10, 9)
    assert p.message == "'rr' is not an option of issue 'x'"
    assert p.hint == "did you mean 'r'?"


def test_range_table_with_a_value_off_the_grid(tmp_path):
    text = HEAD + "  y: {range: [0, 10, 5]}\ninterests:\n  a:\n    scores: {y: {0: 1, 7: 3}}\n"
    p = one(tmp_path, text)
    assert at(p) == (11, 24)
    assert p.message == "7 is not a value of issue 'y'"
    assert p.hint == "integers 0 to 10 by 5"


def test_range_table_keys_may_be_quoted_integers(tmp_path):
    # JSON object keys are always strings: "5" names the value 5 of a range issue.
    text = HEAD + "  y: {range: [0, 10, 5]}\ninterests:\n  a:\n    scores: {y: {'5': 1, 10: 2}}\n"
    inst = spec.load(write(tmp_path, text))
    assert dict(inst.interests["a"].scores["y"]) == {5: Decimal(1), 10: Decimal(2)}


def test_range_table_key_given_twice(tmp_path):
    text = HEAD + "  y: {range: [0, 10, 5]}\ninterests:\n  a:\n    scores: {y: {5: 1, '5': 2}}\n"
    p = one(tmp_path, text)
    assert at(p) == (11, 24)  # the quote of '5'
    assert p.message == "value 5 is listed twice in the table for issue 'y'"


def test_quoted_integer_is_not_an_option(tmp_path):
    p = one(tmp_path, HEAD + "interests:\n  a:\n    scores: {x: {'3': 1}}\n")
    assert at(p) == (10, 18)
    assert p.message == "'3' is not an option of issue 'x'"


def test_weights_and_scores_for_unknown_issues(tmp_path):
    text = HEAD + "interests:\n  a:\n    weights: {y: 1}\n    scores: {xx: {p: 1}}\n"
    first, second = problems(tmp_path, text)
    assert (at(first), first.message, first.hint) == ((10, 15), "unknown issue 'y'", None)
    assert (at(second), second.message) == ((11, 14), "unknown issue 'xx'")
    assert second.hint == "did you mean 'x'?"


def test_weight_without_scores(tmp_path):
    p = one(tmp_path, HEAD + "interests:\n  a:\n    weights: {x: 2}\n")
    assert at(p) == (10, 15)
    assert p.message.startswith("weight for issue 'x' but no scores for it in 'a'")


@pytest.mark.parametrize(
    ("issue", "where", "message", "hint"),
    [
        ("{options: [p, q], status_quo: s}", (8, 36), "status_quo 's' is not a value of issue "
         "'y'", None),
        ("{options: [pp, q], status_quo: p}", (8, 37), "status_quo 'p' is not a value of issue "
         "'y'", "did you mean 'pp'?"),
        ("{range: [0, 10, 2], status_quo: 5}", (8, 38), "status_quo 5 is not a value of issue "
         "'y'", None),
    ],
)  # fmt: skip
def test_status_quo_outside_the_options(tmp_path, issue, where, message, hint):
    p = one(tmp_path, HEAD + f"  y: {issue}\n")
    assert (at(p), p.message, p.hint) == (where, message, hint)


def test_empty_option_list(tmp_path):
    p = one(tmp_path, HEAD.replace("[p, q, r]", "[]"))
    assert at(p) == (7, 16)
    assert p.message == "issue 'x' has an empty option list"


def test_issue_with_both_or_neither_options_and_range(tmp_path):
    text = HEAD + "  y: {options: [u], range: [0, 1]}\n  z: {label: Z}\n"
    first, second = problems(tmp_path, text)
    assert (at(first), first.message) == (
        (8, 6),
        "issue 'y' needs exactly one of 'options' or 'range'",
    )
    assert (at(second), second.message) == (
        (9, 6),
        "issue 'z' needs exactly one of 'options' or 'range'",
    )


@pytest.mark.parametrize(
    ("rng", "where", "message"),
    [
        ("[0, 10, 0]", (8, 22), "range step must be positive, got 0"),
        ("[0, 10, -2]", (8, 22), "range step must be positive, got -2"),
        ("[10, 0]", (8, 14), "range lo (10) is greater than hi (0)"),
        ("[0]", (8, 14), "'range' must be [lo, hi] or [lo, hi, step]"),
        ("[0, 1, 1, 1]", (8, 14), "'range' must be [lo, hi] or [lo, hi, step]"),
        ("[0, 100000]", (8, 14), "range has more than 100000 values"),
        ("[0, 10.5]", (8, 18), "'issues.y.range.1': expected an integer, got the number 10.5"),
        ("['0', 10]", (8, 15), "'issues.y.range.0': expected an integer, got the string '0'"),
    ],
)
def test_bad_ranges(tmp_path, rng, where, message):
    p = one(tmp_path, HEAD + f"  y: {{range: {rng}}}\n")
    assert (at(p), p.message) == (where, message)


def test_range_of_exactly_100000_values_is_fine(tmp_path):
    inst = spec.load(write(tmp_path, HEAD + "  y: {range: [1, 100000]}\n"))
    assert inst.issues["y"].size == 100_000


@pytest.mark.parametrize(
    ("first_line", "message"),
    [
        ("dealopt: 2", "unsupported format version 2; this dealopt reads version 1"),
        ("dealopt: '1'", "unsupported format version '1'; this dealopt reads version 1"),
        ("dealopt: true", "unsupported format version true; this dealopt reads version 1"),
    ],
)
def test_unsupported_version(tmp_path, first_line, message):
    p = one(tmp_path, HEAD.replace("dealopt: 1", first_line))
    assert (at(p), p.message) == ((1, 10), message)


def test_missing_version(tmp_path):
    p = one(tmp_path, HEAD.replace("dealopt: 1\n", ""))
    assert (at(p), p.message) == ((1, 1), "missing the format version: add 'dealopt: 1' at the top")


def test_missing_required_keys(tmp_path):
    p = one(tmp_path, "dealopt: 1\nname: t\nparties: {a: {}}\n")
    assert (at(p), p.message) == ((1, 1), "missing key 'issues' at the top level")
    p = one(tmp_path, HEAD + "rules:\n  - {label: L}\n")
    assert (at(p), p.message) == ((9, 5), "missing key 'rule' in 'rules.0'")


def test_empty_parties(tmp_path):
    p = one(tmp_path, HEAD.replace("  a: {}\n  b: {}\n", "").replace("parties:", "parties: {}"))
    assert (at(p), p.message) == ((3, 10), "'parties' must not be empty")


def test_unknown_party_in_red_lines(tmp_path):
    p = one(tmp_path, HEAD + "red_lines:\n  c:\n    - {rule: x == p}\n")
    assert (at(p), p.message, p.hint) == ((9, 3), "unknown party 'c'", None)


def test_unknown_party_in_interests(tmp_path):
    p = one(tmp_path, HEAD + "interests:\n  bb: {}\n")
    assert (at(p), p.message, p.hint) == ((9, 3), "unknown party 'bb'", "did you mean 'b'?")


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (HEAD + "  Y: {options: [u]}\n", (8, 3), "'Y' is not a valid name in 'issues'"),
        (HEAD.replace("[p, q, r]", "[p, Q, r]"), (7, 20),
         "'Q' is not a valid name in 'issues.x.options'"),
        (HEAD.replace("b: {}", "2b: {}"), (5, 3), "'2b' is not a valid name in 'parties'"),
        (HEAD + "interests:\n  a:\n    scores: {x: {P: 1}}\n", (10, 18),
         "'P' is not a valid name in 'interests.a.scores.x'"),
        (HEAD + "groups:\n  g: [x, Some issue]\n", (9, 10),
         "'Some issue' is not a valid name in 'groups.g'"),
    ],
)  # fmt: skip
def test_invalid_names(tmp_path, text, where, message):
    p = one(tmp_path, text)
    assert at(p) == where
    assert p.message.startswith(message + ": names are lower-case identifiers")


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (HEAD.replace("a: {}", "a: {no_deal: '3'}"), (4, 16),
         "'parties.a.no_deal': expected a number, got the string '3'"),
        (HEAD.replace("a: {}", 'a: {no_deal: "3"}'), (4, 16),
         "'parties.a.no_deal': expected a number, got the string '3'"),
        (HEAD.replace("a: {}", "a: {no_deal: true}"), (4, 16),
         "'parties.a.no_deal': expected a number, got the boolean true"),
        (HEAD.replace("a: {}", "a: {no_deal: 0x10}"), (4, 16),
         "'parties.a.no_deal': expected a number, got the string '0x10'"),
        (HEAD + "interests:\n  a:\n    weights: {x: '2'}\n    scores: {x: {p: 1}}\n", (10, 18),
         "'interests.a.weights.x': expected a number, got the string '2'"),
        (HEAD + "interests:\n  a:\n    scores: {x: {p: '1'}}\n", (10, 21),
         # a number, or a row of a table over two issues
         "'interests.a.scores.x.p': expected a number or a mapping (key: value), got the "
         "string '1'"),
        (HEAD.replace("name: t", "name: 3"), (2, 7), "'name': expected a string, got the number 3"),
        (HEAD.replace("[p, q, r]", "[p, 3, r]"), (7, 20),
         "'issues.x.options.1': expected a string, got the number 3"),
        (HEAD + "rules: {rule: x == p}\n", (8, 8),
         "'rules': expected a list, got a mapping"),
        (HEAD.replace("a: {}", "a: [1]"), (4, 6),
         "'parties.a': expected a mapping (key: value), got a list"),
        (HEAD + "quantities:\n  q: ''\n", (9, 6),
         "'quantities.q': expected a non-empty string or a number, got the string ''"),
        (HEAD + "rules:\n  - {rule: true}\n", (9, 12),
         "'rules.0.rule': expected a string, got the boolean true"),
        (HEAD + "interests:\n  a:\n    scores: {x: 5}\n", (10, 17),
         "'interests.a.scores.x': expected a mapping (key: value) or 'linear', got the number 5"),
    ],
)  # fmt: skip
def test_wrong_types(tmp_path, text, where, message):
    p = one(tmp_path, text)
    assert (at(p), p.message) == (where, message)


def test_linear_on_an_option_issue(tmp_path):
    p = one(tmp_path, HEAD + "interests:\n  a:\n    scores: {x: linear}\n")
    assert at(p) == (10, 17)
    assert p.message == "'linear' needs a range issue; 'x' has options: give a table"


def test_linear_attribute_on_an_option_issue(tmp_path):
    p = one(tmp_path, HEAD + "attributes:\n  cost: {x: linear}\n")
    assert at(p) == (9, 13)
    assert p.message == "'linear' needs a range issue; 'x' has options: give a table"


def test_unknown_group_member(tmp_path):
    p = one(tmp_path, HEAD + "groups:\n  g: [x, xx]\n")
    assert (at(p), p.message, p.hint) == ((9, 10), "unknown issue 'xx'", "did you mean 'x'?")


def test_group_lists_an_issue_twice(tmp_path):
    p = one(tmp_path, HEAD + "groups:\n  g: [x, x]\n")
    assert (at(p), p.message) == ((9, 6), "group 'g' lists an issue twice")


def test_not_a_mapping_at_the_top(tmp_path):
    p = one(tmp_path, "- dealopt\n- 1\n")
    assert (at(p), p.message) == ((1, 1), "an instance must be a mapping (key: value), got a list")


# ----------------------------------------------------------------------------- many problems


def test_every_meaning_problem_is_reported_in_file_order(tmp_path):
    text = (
        HEAD
        + "  y: {options: []}\n"  # 8
        + "  z: {range: [5, 1]}\n"  # 9
        + "interests:\n"  # 10
        + "  c: {}\n"  # 11
        + "  a:\n"  # 12
        + "    weights: {x: 1}\n"  # 13
        + "groups:\n"  # 14
        + "  g: [w]\n"  # 15
        + "red_lines:\n"  # 16
        + "  d: []\n"  # 17
    )
    found = problems(tmp_path, text)
    assert [at(p) for p in found] == [(8, 16), (9, 14), (11, 3), (13, 15), (15, 7), (17, 3)]
    assert [p.message.split(";")[0] for p in found] == [
        "issue 'y' has an empty option list",
        "range lo (5) is greater than hi (1)",
        "unknown party 'c'",
        "weight for issue 'x' but no scores for it in 'a'",
        "unknown issue 'w'",
        "unknown party 'd'",
    ]
    # An issue that failed to build is reported once, where it is defined, not where used.
    assert "unknown issue 'y'" not in str(
        problems(tmp_path, HEAD + "  y: {options: []}\ngroups:\n  g: [y]\n")[0]
    )


def test_every_structure_problem_is_reported_and_meaning_waits(tmp_path):
    text = (
        HEAD.replace("a: {}", "a: {no_deal: x}")  # 4: a string for a number
        + "interests:\n"  # 8
        + "  nobody: {}\n"  # 9: a meaning problem: not reported yet
        + "foo: 1\n"  # 10
        + "bar: 2\n"  # 11
    )
    found = problems(tmp_path, text)
    assert [at(p) for p in found] == [(4, 16), (10, 1), (11, 1)]
    assert found[1].message.startswith("unknown key 'foo'")
    assert found[2].message.startswith("unknown key 'bar'")
    assert not any("nobody" in p.message for p in found)


def test_the_error_text_shows_file_line_col_caret_and_hint(tmp_path):
    path = write(tmp_path, HEAD + "interests:\n  bb: {}\n")
    with pytest.raises(SpecError) as info:
        spec.load(path)
    assert str(info.value) == (
        f"{path}:9:3: error: unknown party 'bb' (did you mean 'b'?)\n      bb: {{}}\n      ^"
    )
    assert isinstance(info.value, ValueError)  # library users may catch ValueError


# ----------------------------------------------------------------------------- exact numbers


def test_numbers_are_exact_decimals(tmp_path):
    text = HEAD.replace("a: {}", "a: {no_deal: 0.1}").replace("b: {}", "b: {no_deal: 1e3}")
    text += "interests:\n  a:\n    weights: {x: 0.1234567890123456}\n"
    text += "    scores: {x: {p: 0.3, q: -2.50, r: 1_000}}\n"
    inst = spec.load(write(tmp_path, text))
    a, b = inst.parties["a"].no_deal, inst.parties["b"].no_deal
    assert type(a) is Decimal and str(a) == "0.1" and a == Decimal("0.1")
    assert type(b) is Decimal and b == 1000
    weight = inst.interests["a"].weights["x"]
    assert type(weight) is Decimal and str(weight) == "0.1234567890123456"
    scores = inst.interests["a"].scores["x"]
    assert scores == {"p": Decimal("0.3"), "q": Decimal("-2.5"), "r": Decimal(1000)}
    assert all(type(v) is Decimal for v in scores.values())
    assert scores["p"] + Decimal("0.3") + Decimal("0.3") - Decimal("0.9") == 0  # not a float


def test_yaml_11_booleans_are_option_names(tmp_path):
    inst = spec.load(write(tmp_path, HEAD.replace("[p, q, r]", "[no, yes, on, off, y, n]")))
    assert inst.issues["x"].values == ("no", "yes", "on", "off", "y", "n")


def test_true_is_a_boolean_not_a_name(tmp_path):
    p = one(tmp_path, HEAD.replace("[p, q, r]", "[p, true]"))
    assert (at(p), p.message) == (
        (7, 20),
        "'issues.x.options.1': expected a string, got the boolean true",
    )


# ----------------------------------------------------------------------------- JSON and Python


def test_json_loads_the_same_instance_as_yaml(tmp_path):
    data = yaml.safe_load(VALID)
    yaml_inst = spec.load(write(tmp_path, VALID, "ok.yaml"))
    json_inst = spec.load(write(tmp_path, json.dumps(data, indent=2), "ok.json"))
    assert json_inst == yaml_inst
    assert json_inst.issues["price"].values == yaml_inst.issues["price"].values
    assert type(json_inst.parties["them"].no_deal) is Decimal


def test_json_range_tables_use_string_keys(tmp_path):
    text = json.dumps(
        {
            "dealopt": 1,
            "name": "j",
            "parties": {"a": {}},
            "issues": {"share": {"range": [0, 20, 10]}},
            "interests": {"a": {"weights": {"share": 0.5}, "scores": {"share": {"10": 1.25}}}},
        }
    )
    inst = spec.load(write(tmp_path, text, "j.json"))
    assert dict(inst.interests["a"].scores["share"]) == {10: Decimal("1.25")}
    assert str(inst.interests["a"].weights["share"]) == "0.5"


def test_json_errors_have_positions(tmp_path):
    text = '{\n  "dealopt": 1,\n  "name": "j",\n  "parties": {"a": {"no_deal": "3"}},\n'
    text += '  "issues": {"x": {"options": ["p"]}}\n}\n'
    p = one(tmp_path, text)
    assert (at(p), p.message) == (
        (4, 32),
        "'parties.a.no_deal': expected a number, got the string '3'",
    )


def test_from_data_equals_the_yaml_file(tmp_path):
    data = yaml.safe_load(VALID)  # PyYAML gives floats, ints and str: from_data converts
    data["parties"]["them"]["no_deal"] = 0.1
    data["interests"]["us"]["weights"]["color"] = 2.675
    text = VALID.replace("them: {no_deal: 10}", "them: {no_deal: 0.1}").replace(
        "color: 2}", "color: 2.675}"
    )
    from_file = spec.load(write(tmp_path, text, "ok.yaml"))
    built = spec.from_data(data)
    assert built == from_file
    assert str(built.parties["them"].no_deal) == "0.1"  # the repr, not the binary expansion
    assert str(built.interests["us"].weights["color"]) == "2.675"
    assert built.path == "<data>" and built.parties["us"].source is None


def test_from_data_reports_problems_without_positions():
    with pytest.raises(SpecError) as info:
        spec.from_data({"dealopt": 1, "name": "t", "parties": {"a": {}}, "issues": {"x": {}}})
    (p,) = info.value.problems
    assert p.source is None
    assert p.message == "issue 'x' needs exactly one of 'options' or 'range'"


def test_from_data_refuses_nan():
    data = {"dealopt": 1, "name": "t", "parties": {"a": {"no_deal": float("nan")}}}
    data["issues"] = {"x": {"options": ["p"]}}
    with pytest.raises(SpecError, match="expected a number"):
        spec.from_data(data)


def test_from_data_refuses_extends():
    data = {"dealopt": 1, "extends": "base.yaml", "name": "t", "parties": {"a": {}}}
    data["issues"] = {"x": {"options": ["p"]}}
    with pytest.raises(SpecError) as info:
        spec.from_data(data)
    assert info.value.problems[0].message == (
        "'extends' works in files only; merge the data in Python instead"
    )


def test_loads_reads_text(tmp_path):
    inst = spec.loads(VALID, "inline.yaml")
    assert inst == spec.load(write(tmp_path, VALID, "ok.yaml"))
    assert inst.path == "inline.yaml"


# ----------------------------------------------------------------------------- dealopt check


def test_cli_check_bad_file_exits_1_with_position(tmp_path):
    path = write(tmp_path, HEAD + "intrests: {}\n")
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    assert f"{path}:8:1: error: unknown key 'intrests'" in result.stderr
    assert "did you mean 'interests'?" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_cli_check_missing_file_exits_1(tmp_path):
    result = CliRunner().invoke(app, ["check", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert "nope.yaml:1:1: error: cannot read file" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_cli_check_unknown_option_exits_2():
    result = CliRunner().invoke(app, ["check", "--bogus"])
    assert result.exit_code == 2
    assert "--bogus" in result.stderr


def test_cli_check_as_a_process(tmp_path):
    path = write(tmp_path, HEAD + "interests:\n  bb: {}\n")
    run = subprocess.run(
        [sys.executable, "-m", "dealopt.cli", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1
    assert f"{path}:9:3: error: unknown party 'bb'" in run.stderr
    assert "Traceback" not in run.stderr
    bogus = subprocess.run(
        [sys.executable, "-m", "dealopt.cli", "check", "--bogus"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bogus.returncode == 2
    assert "Traceback" not in bogus.stderr


def test_cli_check_valid_file_exits_0(tmp_path):
    result = CliRunner().invoke(app, ["check", str(write(tmp_path, VALID, "ok.yaml"))])
    assert result.exit_code == 0, result.stderr
    assert "ok: Toy" in result.stdout


# ----------------------------------------------------------------------------- docs/format.md

FORMAT_MD = Path(__file__).resolve().parents[2] / "docs" / "format.md"


def _blocks(language: str) -> list[str]:
    text = FORMAT_MD.read_text(encoding="utf-8")
    fence = f"```{language}\n"
    out = []
    while fence in text:
        text = text.split(fence, 1)[1]
        block, text = text.split("```\n", 1)
        out.append(block)
    return out


def test_format_reference_examples_load_and_mean_what_they_say(tmp_path):
    import dealopt
    from dealopt.rules import Oracle

    blocks = _blocks("yaml")
    example = blocks[0]
    scenario = next(b for b in blocks if "extends: sale.yaml" in b)
    uncertainty = next(b for b in blocks if b.lstrip().startswith("uncertainty:"))
    # The uncertainty example names Helsinki's numbers: it loads over that file.
    helsinki = FORMAT_MD.parents[1] / "instances" / "helsinki2018.yaml"
    write(tmp_path, helsinki.read_text(encoding="utf-8"), "helsinki.yaml")
    swept = dealopt.load(
        write(tmp_path, "dealopt: 1\nextends: helsinki.yaml\n" + uncertainty, "swept.yaml")
    )
    assert "parties.russia.no_deal" in swept.uncertainty.numbers
    base = dealopt.load(write(tmp_path, example, "sale.yaml"))  # every stage, rules included
    oracle = Oracle(base)
    deal = {"price": 10500, "warranty": "six_months", "delivery": "pickup"}
    assert oracle.utility("seller", deal) == Decimal("103.5")
    assert oracle.utility("buyer", deal) == -75
    assert oracle.is_acceptable(deal)
    assert base.red_lines["buyer"][0].label == "price > 11000 -> warranty >= six_months"
    weak = dealopt.load(write(tmp_path, scenario, "sale-weak.yaml"))
    assert weak.parties["seller"].no_deal == 80 and weak.parties["seller"].label == "Seller"
    assert weak.issues["price"].values[0] == 7000 and weak.issues["price"].status_quo == 12000
    assert "seller" not in weak.red_lines


def test_format_reference_error_example_is_what_dealopt_prints(tmp_path):
    example = _blocks("yaml")[0]
    (shown,) = _blocks("text")
    bad = example.replace("six_months: 30", "six_month: 30")
    path = write(tmp_path, bad, "sale.yaml")
    with pytest.raises(SpecError) as info:
        spec.load(path)
    assert str(info.value).replace(str(path), "sale.yaml") == shown.rstrip("\n")
