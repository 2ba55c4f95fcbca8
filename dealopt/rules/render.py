"""Syntax tree → text, with the fewest parentheses that keep the tree's shape.

``parse(render(e)) == e`` for every parsed tree ``e``; a checked tree renders to text that
parses and checks back to an equal tree. Flat chains (:class:`~dealopt.rules.ast.Sum`,
:class:`~dealopt.rules.ast.BoolOp`) nested inside a chain of the same kind keep their
parentheses, so the nesting survives the round trip.
"""

from __future__ import annotations

from fractions import Fraction

from dealopt.rules import ast

# Precedence levels, low to high (a node binds at its level; operands need at least theirs).
IFF, IMPLIES, OR, AND, NOT, CMP, SUM, PROD, NEG, ATOM = range(1, 11)


def render(expr: ast.Expr) -> str:
    """The expression as rule-language text."""
    return _render(expr)[0]


def number_text(value: Fraction) -> str | None:
    """``|value|`` as a decimal literal, or None when it has no finite decimal expansion."""
    num, den = abs(value.numerator), value.denominator
    twos = fives = 0
    rest = den
    while rest % 2 == 0:
        rest //= 2
        twos += 1
    while rest % 5 == 0:
        rest //= 5
        fives += 1
    if rest != 1:
        return None
    digits = max(twos, fives)
    text = str(num * 10**digits // den)
    if digits:
        text = text.rjust(digits + 1, "0")
        text = f"{text[:-digits]}.{text[-digits:]}"
    return text


def _wrap(expr: ast.Expr, least: int) -> str:
    text, prec = _render(expr)
    return text if prec >= least else f"({text})"


def _value(value: object) -> str:
    return str(value)


def _signed(value: Fraction) -> str:
    """A breakpoint coordinate: a signed decimal literal, or a division for a third."""
    return render(ast.Number(value)) if value >= 0 else "-" + render(ast.Number(-value))


def _render(e: ast.Expr) -> tuple[str, int]:
    match e:
        case ast.Number(value=v):
            text = number_text(v)
            if text is None:  # 1/3 is no literal: write it as a division
                return _render(
                    ast.BinaryOp("/", ast.Number(abs(v.numerator)), ast.Number(v.denominator))
                )
            return (f"-{text}", NEG) if v < 0 else (text, ATOM)
        case ast.BoolConst(value=v):
            return ("true" if v else "false"), ATOM
        case ast.Name(name=n) | ast.IssueValue(issue=n) | ast.QuantityRef(name=n):
            return n, ATOM
        case ast.Iff(left=a, right=b):
            return f"{_wrap(a, IFF)} <-> {_wrap(b, IMPLIES)}", IFF
        case ast.Implies(left=a, right=b):
            return f"{_wrap(a, OR)} -> {_wrap(b, IMPLIES)}", IMPLIES
        case ast.BoolOp(op="or", operands=ops):
            return " or ".join(_wrap(o, AND) for o in ops), OR
        case ast.BoolOp(op="and", operands=ops):
            return " and ".join(_wrap(o, NOT) for o in ops), AND
        case ast.Not(operand=a):
            return f"not {_wrap(a, NOT)}", NOT
        case ast.Compare(op=op, left=a, right=b):
            return f"{_wrap(a, SUM)} {op} {_wrap(b, SUM)}", CMP
        case ast.InSet(left=a, items=items):
            return f"{_wrap(a, SUM)} in {{{', '.join(render(i) for i in items)}}}", CMP
        case ast.OptionTest(issue=issue, op="in", options=options):
            return f"{issue} in {{{', '.join(_value(o) for o in options)}}}", CMP
        case ast.OptionTest(issue=issue, op=op, options=options):
            return f"{issue} {op} {_value(options[0])}", CMP
        case ast.Sum(first=first, rest=rest):
            parts = [_wrap(first, PROD)]  # a Sum first in a Sum keeps its parentheses
            parts += [f"{op} {_wrap(term, PROD)}" for op, term in rest]
            return " ".join(parts), SUM
        case ast.BinaryOp(op=op, left=a, right=b):
            return f"{_wrap(a, PROD)} {op} {_wrap(b, NEG)}", PROD
        case ast.Negate(operand=a):
            return f"-{_wrap(a, NEG)}", NEG
        case ast.ListLit(items=items):
            return f"[{', '.join(render(i) for i in items)}]", ATOM
        case ast.Piecewise(arg=arg, points=points):
            pairs = ", ".join(f"[{_signed(x)}, {_signed(y)}]" for x, y in points)
            return f"piecewise({render(arg)}, [{pairs}])", ATOM
        case ast.Call(name=name, args=args):
            return f"{name}({', '.join(render(a) for a in args)})", ATOM
        case ast.Count(conditions=args):
            return f"count({', '.join(render(a) for a in args)})", ATOM
        case ast.AttributeOf(attribute=attr, issue=issue, second=second) if second is not None:
            return f"{attr}({issue}, {second})", ATOM
        case ast.AttributeOf(attribute=attr, issue=issue):
            return f"{attr}({issue})", ATOM
        case ast.Total(attribute=attr):
            return f"total({attr})", ATOM
        case ast.Level(issue=issue):
            return f"level({issue})", ATOM
        case ast.UtilityOf(party=party):
            return f"utility({party})", ATOM
        case ast.ScoreOf(party=party, issue=issue):
            return f"score({party}, {issue})", ATOM
    raise TypeError(f"not a rule-language node: {e!r}")
