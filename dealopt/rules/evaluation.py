"""Exact evaluation of checked expressions and utilities, with :class:`fractions.Fraction`.

The bottom of the rules layer: it reads checked trees (:mod:`dealopt.rules.ast`) and nothing
else of the layer, so the checker (constant divisors) and the oracle can both use it and data
flows one way: parser -> check -> oracle, with this module beneath them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Protocol

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
    inside an evaluation because int arithmetic is about ten times faster than Fraction's;
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
        inst, deal = self.env.instance, self.deal
        match e:
            case ast.Number(value=v):
                return _exact(v)
            case ast.BoolConst(value=v):
                return v
            case ast.Sum(first=first, rest=rest):
                total = self.num(first)
                for op, term in rest:
                    total = total + self.num(term) if op == "+" else total - self.num(term)
                return total
            case ast.BinaryOp(op="*", left=a, right=b):
                return self.num(a) * self.num(b)
            case ast.BinaryOp(op="/", left=a, right=b):
                x, y = self.num(a), self.num(b)
                if type(x) is int and type(y) is int:  # int / int would be a float
                    return _exact(Fraction(x, y))
                return x / y
            case ast.Negate(operand=a):
                return -self.num(a)
            case ast.Compare(op=op, left=a, right=b):
                x, y = self.num(a), self.num(b)
                return ast.COMPARE_FUNCS[op](x, y)
            case ast.BoolOp(op="and", operands=ops):
                return all(self.cond(o) for o in ops)
            case ast.BoolOp(op="or", operands=ops):
                return any(self.cond(o) for o in ops)
            case ast.Not(operand=a):
                return not self.cond(a)
            case ast.Implies(left=a, right=b):
                return not self.cond(a) or self.cond(b)
            case ast.Iff(left=a, right=b):
                return self.cond(a) == self.cond(b)
            case ast.OptionTest(issue=i, allowed=allowed):
                return deal[i] in allowed
            case ast.IssueValue(issue=i):
                return _exact(deal[i])
            case ast.Level(issue=i):
                return _exact(inst.issues[i].level(deal[i]))
            case ast.AttributeOf(attribute=a, issue=i, second=j) if j is not None:
                return _exact(inst.attributes[a].of_pair((i, j), deal))
            case ast.AttributeOf(attribute=a, issue=i):
                return _exact(inst.attributes[a].of(i, deal[i]))
            case ast.Total(attribute=a):
                attr = inst.attributes[a]
                singles = sum((_exact(attr.of(i, deal[i])) for i in attr.tables if i in deal), 0)
                return singles + sum((_exact(attr.of_pair(p, deal)) for p in attr.pairs), 0)
            case ast.ScoreOf(party=p, issue=i):
                interest = inst.interests.get(p)
                return _exact(interest.score(i, deal[i])) if interest else 0
            case ast.Count(conditions=conds):
                return sum(1 for c in conds if self.cond(c))
            case ast.Piecewise(arg=a):
                return e.at(self.num(a))
            case ast.QuantityRef(name=n):
                key = ("quantity", n)
                if key not in self.cache:
                    self.cache[key] = self.num(self.env.quantities[n])
                return self.cache[key]
            case ast.UtilityOf(party=p):
                return self.utility(p)
        raise TypeError(f"cannot evaluate {type(e).__name__}: evaluate checked trees only")

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
