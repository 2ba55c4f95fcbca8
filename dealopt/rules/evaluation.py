"""Exact evaluation of checked expressions and utilities, with :class:`fractions.Fraction`.

The bottom of the rules layer: it reads checked trees (:mod:`dealopt.rules.ast`) and nothing
else of the layer, so the checker (constant divisors) and the oracle can both use it and data
flows one way: parser -> check -> oracle, with this module beneath them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import Any, Protocol

from dealopt.rules import ast
from dealopt.rules.ast import CheckedTerm
from dealopt.spec.model import Deal, Instance

Result = Fraction | bool


class Env(Protocol):
    """What evaluation reads: the instance, checked quantities and checked terms by party.

    A :class:`~dealopt.rules.ast.CheckedInstance` is one.
    """

    @property
    def instance(self) -> Instance: ...
    @property
    def quantities(self) -> Mapping[str, ast.Expr]: ...
    @property
    def terms(self) -> Mapping[str, Iterable[CheckedTerm]]: ...


def evaluate(expr: ast.Expr, deal: Deal, env: Env) -> Result:
    """The value of checked ``expr`` on ``deal`` (not validated): a Fraction or a bool."""
    v = _Evaluation(env, deal).value(expr)
    return v if isinstance(v, bool) else Fraction(v)


def _exact(x: object) -> int | Fraction:
    """``x`` exactly: an ``int`` when whole, else a Fraction. Whole numbers stay ``int``
    inside an evaluation because int arithmetic is much faster (an addition: 1.1 µs as
    Fractions, under 0.04 µs as ints, timeit);
    the results leave as Fractions (:func:`evaluate`, :meth:`_Evaluation.utility`)."""
    if type(x) is int:
        return x
    q = x if type(x) is Fraction else Fraction(x)  # type: ignore[arg-type]
    return q.numerator if q.denominator == 1 else q


def utility(party: str, deal: Deal, env: Env) -> Fraction:
    """(Σ_issue weight × score(chosen value) + Σ terms whose ``when`` holds (or have none))
    / the interest's ``scale``."""
    return _Evaluation(env, deal).utility(party)


WeightedScores = Mapping[str, Mapping[str, Mapping[object, int | Fraction]]]
"""``{party: {issue: {value: weight × score}}}``, whole numbers as ``int`` (faster sums)."""


def weighted_scores(instance: Instance) -> WeightedScores:
    """Every party's ``weight × score`` for every value of every issue it weighs."""
    out: dict[str, dict[str, dict[object, int | Fraction]]] = {}
    for party, interest in instance.interests.items():
        out[party] = {}
        for issue, weight in interest.weights.items():
            row: dict[object, int | Fraction] = {}
            for value in instance.issues[issue].values:
                x = Fraction(weight) * Fraction(interest.score(issue, value))
                row[value] = x.numerator if x.denominator == 1 else x
            out[party][issue] = row
    return out


class _Evaluation:
    """One deal's evaluation; remembers quantities and utilities already computed.

    ``scores`` (from :func:`weighted_scores`) saves recomputing the weighted scores per deal.
    """

    def __init__(self, env: Env, deal: Deal, scores: WeightedScores | None = None):
        self.env, self.deal, self.scores = env, deal, scores
        self.cache: dict[tuple[str, str], Fraction | int] = {}

    def num(self, e: ast.Expr) -> Fraction | int:
        v = self.value(e)
        assert not isinstance(v, bool), f"not a number: {e!r}"
        return v

    def cond(self, e: ast.Expr) -> bool:
        v = self.value(e)
        assert isinstance(v, bool), f"not a condition: {e!r}"
        return v

    def value(self, e: ast.Expr) -> Result:
        # One dictionary lookup by node type: a match statement tries its cases in turn, and
        # the re-check of a large frontier evaluates millions of nodes.
        handler = _HANDLERS.get(type(e)) or _handler(type(e))
        return handler(self, e)

    def _v_sum(self, e: ast.Sum) -> Result:
        total = self.num(e.first)
        for op, term in e.rest:
            total = total + self.num(term) if op == "+" else total - self.num(term)
        return total

    def _v_binary(self, e: ast.BinaryOp) -> Result:
        x, y = self.num(e.left), self.num(e.right)
        if e.op == "*":
            return x * y
        if type(x) is int and type(y) is int:  # int / int would be a float
            return _exact(Fraction(x, y))
        return x / y

    def _v_compare(self, e: ast.Compare) -> Result:
        return ast.COMPARE_FUNCS[e.op](self.num(e.left), self.num(e.right))

    def _v_boolop(self, e: ast.BoolOp) -> Result:
        if e.op == "and":
            return all(self.cond(o) for o in e.operands)
        return any(self.cond(o) for o in e.operands)

    def _v_attribute(self, e: ast.AttributeOf) -> Result:
        attribute = self.env.instance.attributes[e.attribute]
        if e.second is not None:
            return _exact(attribute.of_pair((e.issue, e.second), self.deal))
        return _exact(attribute.of(e.issue, self.deal[e.issue]))

    def _v_total(self, e: ast.Total) -> Result:
        attr, deal = self.env.instance.attributes[e.attribute], self.deal
        singles = sum((_exact(attr.of(i, deal[i])) for i in attr.tables if i in deal), 0)
        return singles + sum((_exact(attr.of_pair(p, deal)) for p in attr.pairs), 0)

    def _v_score(self, e: ast.ScoreOf) -> Result:
        interest = self.env.instance.interests.get(e.party)
        return _exact(interest.score(e.issue, self.deal[e.issue])) if interest else 0

    def _v_quantity(self, e: ast.QuantityRef) -> Result:
        key = ("quantity", e.name)
        if key not in self.cache:
            self.cache[key] = self.num(self.env.quantities[e.name])
        return self.cache[key]

    def utility(self, party: str) -> Fraction:
        key = ("utility", party)
        if key in self.cache:
            return self.cache[key]
        inst = self.env.instance
        total: int | Fraction = 0
        interest = inst.interests.get(party)
        if interest is None:
            pass
        elif self.scores is not None:
            table = self.scores[party]
            total += sum(table[issue][self.deal[issue]] for issue in table)
        else:
            for issue, weight in interest.weights.items():
                total += _exact(weight) * _exact(interest.score(issue, self.deal[issue]))
        if interest is not None and interest.pairs:
            total += _exact(interest.pair_part(self.deal))
        for term in self.env.terms.get(party, ()):
            if term.when is None or self.cond(term.when):
                total += self.num(term.value)
        exact = Fraction(total)
        if interest is not None and interest.scale != 1:
            exact /= Fraction(interest.scale)
        self.cache[key] = exact
        return exact


_Handler = Callable[[_Evaluation, Any], Result]

_HANDLERS: dict[type, _Handler] = {
    ast.Number: lambda ev, e: _exact(e.value),
    ast.BoolConst: lambda ev, e: e.value,
    ast.Sum: _Evaluation._v_sum,
    ast.BinaryOp: _Evaluation._v_binary,
    ast.Negate: lambda ev, e: -ev.num(e.operand),
    ast.Compare: _Evaluation._v_compare,
    ast.BoolOp: _Evaluation._v_boolop,
    ast.Not: lambda ev, e: not ev.cond(e.operand),
    ast.Implies: lambda ev, e: not ev.cond(e.left) or ev.cond(e.right),
    ast.Iff: lambda ev, e: ev.cond(e.left) == ev.cond(e.right),
    ast.OptionTest: lambda ev, e: ev.deal[e.issue] in e.allowed,
    ast.IssueValue: lambda ev, e: _exact(ev.deal[e.issue]),
    ast.Level: lambda ev, e: _exact(ev.env.instance.issues[e.issue].level(ev.deal[e.issue])),
    ast.AttributeOf: _Evaluation._v_attribute,
    ast.Total: _Evaluation._v_total,
    ast.ScoreOf: _Evaluation._v_score,
    ast.Count: lambda ev, e: sum(1 for c in e.conditions if ev.cond(c)),
    ast.Piecewise: lambda ev, e: e.at(ev.num(e.arg)),
    ast.QuantityRef: _Evaluation._v_quantity,
    ast.UtilityOf: lambda ev, e: ev.utility(e.party),
}
"""How each kind of checked node evaluates, by its exact type."""


def _handler(kind: type) -> _Handler:
    """The handler of a subclass of a node type (found once, then remembered)."""
    for base in kind.__mro__:
        if base in _HANDLERS:
            _HANDLERS[kind] = _HANDLERS[base]
            return _HANDLERS[kind]
    raise TypeError(f"cannot evaluate {kind.__name__}: evaluate checked trees only")
