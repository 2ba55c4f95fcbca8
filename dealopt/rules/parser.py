"""Text → syntax tree, with syntax errors in plain words at the exact file position.

The grammar is ``grammar.lark``, parsed LALR(1) by lark; nothing is ever ``eval``-ed. Tree nodes
are built by callbacks while lark parses (no recursive tree walk), so very deep input cannot
overflow the Python stack before :data:`MAX_DEPTH` rejects it.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Literal

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from dealopt.errors import Problem, RuleSyntaxError, Source
from dealopt.rules import ast
from dealopt.spec.model import Text

#: What a text is used as; says which words errors use and, in the checker, what is allowed.
#: ``"expression"``: any type, ``utility()`` allowed (ad hoc expressions, not instance texts).
Kind = Literal["rule", "red_line", "when", "quantity", "value", "expression"]
KIND_WORDS: dict[str, str] = {
    "rule": "rule",
    "red_line": "red line",
    "when": "condition",
    "quantity": "quantity",
    "value": "term value",
    "expression": "expression",
}
#: Deeper trees are refused: every later layer walks trees recursively.
MAX_DEPTH = 150

_OPERAND = {"NUMBER", "NAME", "LPAR", "LSQB", "MINUS", "NOT", "TRUE", "FALSE"}
_COMPARE = {"EQ", "NE", "LT", "LE", "GT", "GE"}
_OPERATORS = {"PLUS", "MINUS", "STAR", "SLASH", "AND", "OR", "IMPLIES", "IFF", "IN", *_COMPARE}
_WORDS = {
    "NUMBER": "a number",
    "NAME": "a name",
    "RPAR": "')'",
    "RBRACE": "'}'",
    "COMMA": "','",
    "LBRACE": "'{'",
    "LPAR": "'('",
    "RSQB": "']'",
    "LSQB": "'['",
}
_CHAR_HINTS = {
    "=": "write '==' to compare",
    "!": "write 'not' for negation, '!=' for 'differs from'",
    "&": "write 'and'",
    "|": "write 'or'",
    "'": "names and options are written without quotes",
    '"': "names and options are written without quotes",
}


def locate(text: Text, index: int, where: str | None = None) -> tuple[Source, str | None]:
    """The file position of character ``index`` of ``text``, and a line for the caret display.

    Without a source (an expression built in Python), the position is within the text itself,
    in a pseudo-file named ``where`` (default ``<expression>``).
    """
    s = text.text
    index = max(0, min(index, len(s)))
    if text.source is None:
        line = s.count("\n", 0, index) + 1
        start = s.rfind("\n", 0, index) + 1
        end = s.find("\n", index)
        line_text = s[start : end if end >= 0 else len(s)]
        return Source(where or "<expression>", line, index - start + 1), line_text
    if text.col_offset is None or "\n" in s:
        # A multi-line string: its columns in the file are unknown, point at its start.
        return text.source, None
    col = text.source.col + text.col_offset + index
    # Pad so the caret (placed by file column) falls under the right character.
    return text.source.shifted(text.col_offset + index), " " * (col - 1 - index) + s


@cache
def _lark() -> Lark:
    grammar = resources.files("dealopt.rules").joinpath("grammar.lark").read_text("utf-8")
    # The basic lexer (not the contextual one) so keywords stay reserved in every position.
    return Lark(grammar, parser="lalr", lexer="basic", transformer=_Build(), start="start")


def _span(*parts: object) -> tuple[int, int]:
    starts, ends = [], []
    for part in parts:
        if isinstance(part, Token):
            starts.append(part.start_pos)
            ends.append(part.end_pos)
        elif isinstance(part, ast.Expr):
            starts.append(part.span[0])
            ends.append(part.span[1])
    return (min(starts), max(ends))


class _Build(Transformer):
    """lark callbacks: parse-tree rules → :mod:`dealopt.rules.ast` nodes."""

    def iff(self, c):
        return ast.Iff(c[0], c[2], span=_span(*c))

    def implies(self, c):
        return ast.Implies(c[0], c[2], span=_span(*c))

    def or_expr(self, c):
        return ast.BoolOp("or", tuple(c[::2]), span=_span(*c))

    def and_expr(self, c):
        return ast.BoolOp("and", tuple(c[::2]), span=_span(*c))

    def not_expr(self, c):
        return ast.Not(c[1], span=_span(*c))

    def compare(self, c):
        return ast.Compare(str(c[1]), c[0], c[2], span=_span(*c))  # type: ignore[arg-type]

    def in_set(self, c):
        return ast.InSet(c[0], c[3], span=_span(*c))

    def negative_item(self, c):
        number = ast.Number(Fraction(str(c[1])), span=_span(c[1]))
        return ast.Negate(number, span=_span(*c))

    def items(self, c):
        return tuple(c[::2])

    def sum(self, c):
        rest = tuple((str(c[i]), c[i + 1]) for i in range(1, len(c), 2))
        return ast.Sum(c[0], rest, span=_span(*c))  # type: ignore[arg-type]

    def product(self, c):
        return ast.BinaryOp(str(c[1]), c[0], c[2], span=_span(*c))  # type: ignore[arg-type]

    def negate(self, c):
        return ast.Negate(c[1], span=_span(*c))

    def number(self, c):
        return ast.Number(Fraction(str(c[0])), span=_span(*c))

    def name(self, c):
        return ast.Name(str(c[0]), span=_span(*c))

    def true(self, c):
        return ast.BoolConst(True, span=_span(*c))

    def false(self, c):
        return ast.BoolConst(False, span=_span(*c))

    def call(self, c):
        args = c[2] if c[2] is not None else ()
        return ast.Call(str(c[0]), args, span=_span(*c))

    def args(self, c):
        return tuple(c[::2])

    def list_(self, c):
        items = c[1] if c[1] is not None else ()
        return ast.ListLit(items, span=_span(*c))

    def paren(self, c):
        return dataclasses.replace(c[1], span=_span(*c))


def parse(text: str | Text, kind: Kind = "rule", *, where: str | None = None) -> ast.Expr:
    """Parse one rule, condition, quantity or term value into an unresolved tree.

    ``kind`` only chooses the words of error messages (see :data:`Kind`); ``where`` names the
    text in errors when it has no source position. Raises :class:`RuleSyntaxError`.
    """
    if not isinstance(text, Text):
        text = Text(text, source=None)
    try:
        tree = _lark().parse(text.text)
    except UnexpectedInput as exc:
        raise RuleSyntaxError([_problem(text, kind, exc, where)]) from None
    if ast.depth(tree) > MAX_DEPTH:
        source, line = locate(text, 0, where)
        message = f"{KIND_WORDS[kind]} is nested too deeply (more than {MAX_DEPTH} levels)"
        raise RuleSyntaxError([Problem(source, message, None, line)])
    return tree


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _expected(accepts: set[str], kind: Kind) -> str:
    """Plain words for a set of acceptable terminals."""
    words: list[str] = []
    if {"NUMBER", "NAME", "LPAR"} <= accepts:
        words += ["a number", "a name", "'('"] + (["'not'"] if "NOT" in accepts else [])
        accepts = accepts - _OPERAND
    elif {"NUMBER", "NAME"} <= accepts:
        words.append("an option name or a number")
        accepts = accepts - {"NUMBER", "NAME", "MINUS"}
    if len(accepts & _OPERATORS) > 1:
        words.append("an operator")
        accepts = accepts - _OPERATORS
    for terminal in sorted(accepts):
        if terminal == "$END":
            continue
        words.append(_WORDS.get(terminal) or f"'{_lark().get_terminal(terminal).pattern.value}'")
    if "$END" in accepts:
        words.append(f"the end of the {KIND_WORDS[kind]}")
    return _join(words) if words else "nothing more"


def _describe(token: Token) -> str:
    if token.type == "NAME":
        return f"name '{token}'"
    if token.type == "NUMBER":
        return f"number {token}"
    return f"'{token}'"


def _before(text: str, pos: int) -> tuple[Token | None, set[str]]:
    """The token before ``pos``, and the terminals that may follow it.

    Replayed on a fresh parser because lark reports what the *failing* state accepts, after
    reductions made on the bad lookahead: that can miss most of what was possible.
    """
    prev = None
    parser = _lark().parse_interactive(text)
    try:
        for token in _lark().lex(text):
            if token.end_pos > pos:
                break
            parser.feed_token(token)
            prev = token
    except UnexpectedInput:  # pragma: no cover - the prefix parsed before the error
        pass
    return prev, set(parser.accepts())


def _problem(text: Text, kind: Kind, exc: UnexpectedInput, where: str | None) -> Problem:
    words = KIND_WORDS[kind]
    hint = None
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream
        char = text.text[pos]
        message = f"unexpected character '{char}'"
        if char.isalpha() and not char.islower():
            hint = "names are written in lower case: letters a-z, digits and '_'"
        else:
            hint = _CHAR_HINTS.get(char)
    elif isinstance(exc, UnexpectedToken):
        token = exc.token
        at_end = token.type == "$END"
        pos = len(text.text) if at_end else token.start_pos
        prev, accepts = _before(text.text, pos)
        if prev is not None and prev.type == "NAME" and len(accepts) > 1:
            accepts.discard("LPAR")  # a call: true, but noise in "expected an operator ..."
        expected = _expected(accepts or set(exc.expected), kind)
        after = f" after '{prev}'" if prev is not None else f" at the start of the {words}"
        if at_end and prev is None:
            message = f"empty {words}; expected {expected}"
        elif at_end:
            message = f"unexpected end of {words}{after}; expected {expected}"
        else:
            message = f"unexpected {_describe(token)}{after}; expected {expected}"
            if token.type in _COMPARE and not accepts & _COMPARE:
                hint = "comparisons cannot be chained: join them with 'and' (a < b and b < c)"
            elif str(token) in ast.KEYWORDS and "NAME" in accepts:
                hint = f"'{token}' is a reserved word and cannot be used as a name"
    else:  # pragma: no cover - UnexpectedEOF is not raised by the LALR parser
        assert isinstance(exc, UnexpectedEOF)
        pos = len(text.text)
        message = f"unexpected end of {words}"
    source, line = locate(text, pos, where)
    return Problem(source, message, hint, line)
