"""The rule-language parser and renderer: trees, precedence, spans, syntax errors."""

from __future__ import annotations

from fractions import Fraction

import pytest

from dealopt.errors import Problem, RuleSyntaxError, Source
from dealopt.rules import parse, render
from dealopt.rules.ast import (
    BinaryOp,
    BoolConst,
    BoolOp,
    Call,
    Compare,
    Iff,
    Implies,
    InSet,
    Name,
    Negate,
    Not,
    Number,
    Sum,
)
from dealopt.rules.parser import MAX_DEPTH
from dealopt.spec.model import Text

a, b, c, d = Name("a"), Name("b"), Name("c"), Name("d")


def n(x: str | int) -> Number:
    return Number(Fraction(str(x)))


# --- trees -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("3", n(3)),
        ("2.5", n("2.5")),
        ("0.125", Number(Fraction(1, 8))),
        ("true", BoolConst(True)),
        ("false", BoolConst(False)),
        ("sanctions", Name("sanctions")),
        ("_x9", Name("_x9")),
        ("andy", Name("andy")),  # a keyword prefix is still a name
        ("a + b", Sum(a, (("+", b),))),
        ("a - b + c", Sum(a, (("-", b), ("+", c)))),
        ("a - (b + c)", Sum(a, (("-", Sum(b, (("+", c),))),))),
        ("a * b / c", BinaryOp("/", BinaryOp("*", a, b), c)),
        ("a / (b * c)", BinaryOp("/", a, BinaryOp("*", b, c))),
        ("a + b * c", Sum(a, (("+", BinaryOp("*", b, c)),))),
        ("(a + b) * c", BinaryOp("*", Sum(a, (("+", b),)), c)),
        ("-a * b", BinaryOp("*", Negate(a), b)),
        ("--3", Negate(Negate(n(3)))),
        ("a - -b", Sum(a, (("-", Negate(b)),))),
        ("a == b", Compare("==", a, b)),
        ("a != b", Compare("!=", a, b)),
        ("a<-1", Compare("<", a, Negate(n(1)))),  # '<-' is '<' then '-', not an arrow
        ("a <= b + 1", Compare("<=", a, Sum(b, (("+", n(1)),)))),
        ("a > b", Compare(">", a, b)),
        ("a >= b", Compare(">=", a, b)),
        ("x in {a, 3}", InSet(Name("x"), (a, n(3)))),
        ("f()", Call("f", ())),
        ("count(a == b, c)", Call("count", (Compare("==", a, b), c))),
        ("score(us, s)", Call("score", (Name("us"), Name("s")))),
        ("not a", Not(a)),
        ("not not a", Not(Not(a))),
        ("not a == b", Not(Compare("==", a, b))),
        ("a and b and c", BoolOp("and", (a, b, c))),
        ("a and (b and c)", BoolOp("and", (a, BoolOp("and", (b, c))))),
        ("a or b and c", BoolOp("or", (a, BoolOp("and", (b, c))))),
        ("not a and b", BoolOp("and", (Not(a), b))),
        ("a or b -> c", Implies(BoolOp("or", (a, b)), c)),
        ("a -> b -> c", Implies(a, Implies(b, c))),
        ("(a -> b) -> c", Implies(Implies(a, b), c)),
        ("a <-> b <-> c", Iff(Iff(a, b), c)),
        ("a -> b <-> c -> d", Iff(Implies(a, b), Implies(c, d))),
        ("a<->b", Iff(a, b)),
        ("a->b", Implies(a, b)),
        ("  a\n  and b ", BoolOp("and", (a, b))),
    ],
)
def test_parse_trees(text: str, tree) -> None:
    assert parse(text) == tree
    assert parse(render(tree)) == tree


def test_numbers_are_exact() -> None:
    value = parse("0.1").value  # type: ignore[attr-defined]
    assert value == Fraction(1, 10)
    assert isinstance(value, Fraction)
    assert parse("123456789012345678901234567890.5").value == Fraction(  # type: ignore[attr-defined]
        246913578024691357802469135781, 2
    )


def test_spans_point_at_the_text() -> None:
    e = parse("a + (b * c) == 1")
    assert e.span == (0, 16)
    product = e.left.rest[0][1]  # type: ignore[attr-defined]
    assert product.span == (4, 11)  # the parentheses are part of it
    assert e.right.span == (15, 16)  # type: ignore[attr-defined]
    # Equality ignores spans.
    assert parse("a+b") == parse("a  +  b")


def test_parse_accepts_text_objects() -> None:
    assert parse(Text("a == b", Source("f.yaml", 1, 1))) == Compare("==", a, b)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a and (b and c)", "a and (b and c)"),
        ("(a or b) and c", "(a or b) and c"),
        ("a - (b - c)", "a - (b - c)"),
        ("a - b - c", "a - b - c"),
        ("(a - b) - c", "(a - b) - c"),  # a nested chain keeps its shape
        ("-(a + b) * c", "-(a + b) * c"),
        ("((a))", "a"),
        ("(a == b) == c", "(a == b) == c"),
        ("x in {a,b}", "x in {a, b}"),
        ("not (a and b)", "not (a and b)"),
        ("count(a,b or c)", "count(a, b or c)"),
        ("2.50 * a", "2.5 * a"),
        ("(a -> b) <-> c", "a -> b <-> c"),
        ("a -> (b <-> c)", "a -> (b <-> c)"),
    ],
)
def test_render_minimal_parentheses(text: str, expected: str) -> None:
    assert render(parse(text)) == expected


def test_render_numbers_without_decimal_literal() -> None:
    assert render(Number(Fraction(1, 3))) == "1 / 3"
    assert render(BinaryOp("*", Number(Fraction(2, 3)), a)) == "2 / 3 * a"
    assert render(BinaryOp("*", a, Number(Fraction(2, 3)))) == "a * (2 / 3)"
    assert render(Number(Fraction(-7, 4))) == "-1.75"
    assert render(Number(Fraction(1, 16))) == "0.0625"


# --- syntax errors ---------------------------------------------------------------------------


def error(text: str | Text) -> Problem:
    with pytest.raises(RuleSyntaxError) as info:
        parse(text)
    assert len(info.value.problems) == 1
    return info.value.first


def test_error_column_in_the_file() -> None:
    # The string starts at column 12 of line 7, one column after its quote.
    p = error(Text("a + * b", Source("f.yaml", 7, 12), col_offset=1))
    assert p.source == Source("f.yaml", 7, 13 + 4)
    assert p.message == "unexpected '*' after '+'; expected a number, a name or '('"
    # The caret sits under the '*'.
    rendered = p.render().splitlines()
    assert rendered[0].startswith("f.yaml:7:17: error: ")
    assert rendered[2].index("^") == rendered[1].index("*")


def test_error_in_multiline_text_points_at_its_start() -> None:
    p = error(Text("a +\n* b", Source("f.yaml", 7, 12), col_offset=None))
    assert p.source == Source("f.yaml", 7, 12)


def test_error_without_source_is_located_in_the_text() -> None:
    p = error("a and\n  b c")
    assert p.source == Source("<expression>", 2, 5)
    assert p.line_text == "  b c"
    assert error(Text("a b", None)).source == Source("<expression>", 1, 3)
    with pytest.raises(RuleSyntaxError) as info:
        parse("a b", where="<rule 'x'>")
    assert info.value.first.source == Source("<rule 'x'>", 1, 3)


@pytest.mark.parametrize(
    ("text", "col", "message"),
    [
        ("a +", 4, "unexpected end of rule after '+'; expected a number, a name or '('"),
        ("", 1, "empty rule; expected a number, a name, '(' or 'not'"),
        ("a b", 3, "unexpected name 'b' after 'a'; expected an operator or the end of the rule"),
        ("3 3", 3, "unexpected number 3 after '3'"),
        ("(a", 3, "unexpected end of rule after 'a'; expected an operator or ')'"),
        ("a)", 2, "unexpected ')' after 'a'"),
        ("x in {a b}", 9, "unexpected name 'b' after 'a'; expected ',' or '}'"),
        ("x in a", 6, "unexpected name 'a' after 'in'; expected '{'"),
        ("x in {", 7, "expected an option name or a number"),
        ("f(a,", 5, "unexpected end of rule after ','"),
        ("a -> ", 6, "unexpected end of rule after '->'"),
        ("a = b", 3, "unexpected character '='"),
        ("A == b", 1, "unexpected character 'A'"),
        ("a == 'b'", 6, "unexpected character '''"),
        ("a == 2.", 7, "unexpected character '.'"),
        ("and == 1", 1, "unexpected 'and' at the start of the rule"),
        ("a == in", 6, "unexpected 'in' after '=='"),
    ],
)
def test_syntax_error_messages(text: str, col: int, message: str) -> None:
    p = error(text)
    assert p.source is not None
    assert p.source.col == col
    assert message in p.message
    assert "NAME" not in p.message and "LPAR" not in p.message  # no lark token names


@pytest.mark.parametrize("text", ["a < b < c", "a == b != c", "not a >= 1 <= 2"])
def test_chained_comparison_is_a_syntax_error(text: str) -> None:
    p = error(text)
    assert p.hint is not None and "cannot be chained" in p.hint


@pytest.mark.parametrize("word", ["and", "or", "not", "in", "true", "false"])
def test_keywords_are_reserved(word: str) -> None:
    with pytest.raises(RuleSyntaxError):
        parse(f"x in {{{word}}}")
    assert parse(f"{word}_ == {word}x") == Compare("==", Name(f"{word}_"), Name(f"{word}x"))
    if word not in ("true", "false"):  # level(true) parses; the checker refuses it
        with pytest.raises(RuleSyntaxError):
            parse(f"level({word}) > 1")


def test_reserved_word_hint() -> None:
    assert error("in == 1").hint == "'in' is a reserved word and cannot be used as a name"


def test_hints_for_other_languages_operators() -> None:
    assert error("a && b").hint == "write 'and'"
    assert error("a || b").hint == "write 'or'"
    assert "'=='" in (error("a = b").hint or "")


def test_kind_chooses_the_words() -> None:
    with pytest.raises(RuleSyntaxError, match="unexpected end of quantity after"):
        parse("a +", "quantity")
    with pytest.raises(RuleSyntaxError, match="empty condition"):
        parse(" ", "when")


def test_too_deep_is_an_error_not_a_crash() -> None:
    parse("-" * (MAX_DEPTH - 1) + "1")
    with pytest.raises(RuleSyntaxError, match="nested too deeply"):
        parse("-" * (MAX_DEPTH + 10) + "1")
    with pytest.raises(RuleSyntaxError, match="nested too deeply"):
        parse("(" * 5000 + "a" + ")" * 5000 + " and" + " not" * 3000 + " b")


def test_long_flat_chains_are_fine() -> None:
    e = parse(" + ".join(f"x{i}" for i in range(2000)))
    assert isinstance(e, Sum) and len(e.rest) == 1999
    e = parse(" and ".join(f"x{i} == y" for i in range(1000)))
    assert isinstance(e, BoolOp) and len(e.operands) == 1000
    assert parse(render(e)) == e
