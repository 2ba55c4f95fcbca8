"""Interval bounds of an expression over all deals (rules ignored), for big-M constants.

Always sound: the interval contains the value of every deal. Tight where cheap: a
subexpression that depends on at most one issue gets its exact range by evaluating it on every
value of that issue; sums add their parts' intervals; products multiply intervals, which is exact
for the pairwise products a checked tree allows (two factors on two different issues vary
independently). Only parts that share issues (a sum of two terms on the same two issues, a
count of conditions on several issues) can make the interval wider than the true range.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from dealopt.rules import ast
from dealopt.rules.check import CheckedInstance
from dealopt.rules.oracle import evaluate, table
from dealopt.spec.model import Value, pair_value

Interval = tuple[Fraction, Fraction]
#: A piecewise() over several issues is compiled with one Boolean per value of its argument:
#: at most this many values.
MAX_TABULATED = 1000
#: value_set gives up (None) past this many values, so checking stays fast.
VALUE_SET_CAP = 100_000


def bounds(expr: ast.Expr, checked: CheckedInstance) -> Interval:
    """``(min, max)`` of checked ``expr`` over all deals; a condition counts as 0 or 1."""
    return _Bounds(checked).of(expr)


def pinned_deal(when: ast.Expr | None, issues: Sequence[str]) -> tuple[Value, ...] | None:
    """The one deal a checked condition allows when it is ``a == x and b == y ...`` over every
    issue (a range issue's as ``issue == n``), in ``issues``' order; else None."""
    if when is None:
        return None
    parts = when.operands if isinstance(when, ast.BoolOp) and when.op == "and" else (when,)
    chosen: dict[str, Value] = {}
    for part in parts:
        match part:
            case ast.OptionTest(issue=issue, allowed=allowed) if len(allowed) == 1:
                value: Value = allowed[0]
            case ast.Compare(op="==", left=ast.IssueValue(issue=issue), right=ast.Number(value=n)):
                if n.denominator != 1:
                    return None
                value = n.numerator
            case _:
                return None
        if issue in chosen:
            return None
        chosen[issue] = value
    if set(chosen) != set(issues):
        return None
    return tuple(chosen[i] for i in issues)


def _pair_values(instance, table, pair) -> list[Fraction]:
    """Every entry of a two-issue table over all pairs of values (unlisted pairs count 0)."""
    first, second = instance.issues[pair[0]].values, instance.issues[pair[1]].values
    return [Fraction(pair_value(table, a, b)) for a in first for b in second]


def _point(value: Fraction | bool) -> Fraction:
    return Fraction(int(value)) if isinstance(value, bool) else value


def _mul(a: Interval, b: Interval) -> Interval:
    corners = [a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]]
    return min(corners), max(corners)


def _hull(*intervals: Interval) -> Interval:
    return min(i[0] for i in intervals), max(i[1] for i in intervals)


class _Bounds:
    """One bounds computation; remembers the bounds of quantities and utilities."""

    def __init__(self, checked: CheckedInstance):
        self.checked = checked
        self.cache: dict[tuple[str, str], Interval] = {}

    def of(self, e: ast.Expr) -> Interval:
        checked = self.checked
        deps = checked.depends_on(e)
        if len(deps) <= 1:
            # Exact: evaluate on every value of the one issue (or once, if constant).
            if deps:
                values = [_point(v) for v in table(e, next(iter(deps)), checked)]
            else:
                values = [_point(evaluate(e, checked.instance.status_quo, checked))]
            return min(values), max(values)
        match e:
            case ast.Sum(first=first, rest=rest):
                lo, hi = self.of(first)
                for op, term in rest:
                    tlo, thi = self.of(term)
                    lo, hi = (lo + tlo, hi + thi) if op == "+" else (lo - thi, hi - tlo)
                return lo, hi
            case ast.BinaryOp(op="*", left=a, right=b):
                return _mul(self.of(a), self.of(b))
            case ast.BinaryOp(op="/", left=a, right=b):
                c = self.of(b)[0]  # a checked divisor is a nonzero constant
                return _mul(self.of(a), (1 / c, 1 / c))
            case ast.Negate(operand=a):
                lo, hi = self.of(a)
                return -hi, -lo
            case ast.Count(conditions=conds):
                parts = [self.of(c) for c in conds]
                return sum((p[0] for p in parts), Fraction(0)), sum(
                    (p[1] for p in parts), Fraction(0)
                )
            case ast.QuantityRef(name=n):
                return self._cached(("quantity", n), lambda: self.of(checked.quantities[n]))
            case ast.UtilityOf(party=p):
                return self._cached(("utility", p), lambda: self._utility(p))
            case ast.AttributeOf(attribute=a, second=j) if j is not None:
                t = checked.instance.attributes[a].pairs[e.pair]  # type: ignore[index]
                vals = _pair_values(checked.instance, t, e.pair)
                return min(vals), max(vals)
            case ast.Piecewise(arg=a, points=points):
                lo, hi = self.of(a)
                # A piecewise-linear function's extremes on [lo, hi] lie at the ends or at a
                # breakpoint inside.
                xs = [lo, hi, *(x for x, _ in points if lo < x < hi)]
                ys = [e.at(x) for x in xs]
                return min(ys), max(ys)
            case ast.Total(attribute=a):
                attr = checked.instance.attributes[a]
                lo = hi = Fraction(0)
                for issue in attr.tables:
                    if issue in checked.instance.issues:
                        vals = [
                            Fraction(attr.of(issue, v))
                            for v in checked.instance.issues[issue].values
                        ]
                        lo, hi = lo + min(vals), hi + max(vals)
                for pair, t in attr.pairs.items():
                    vals = _pair_values(checked.instance, t, pair)
                    lo, hi = lo + min(vals), hi + max(vals)
                return lo, hi
        # Any other condition on several issues: true or false.
        return Fraction(0), Fraction(1)

    def _cached(self, key: tuple[str, str], compute) -> Interval:
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]

    def _utility(self, party: str) -> Interval:
        inst = self.checked.instance
        lo = hi = Fraction(0)
        interest = inst.interests.get(party)
        if interest is not None:
            for issue, weight in interest.weights.items():
                vals = [
                    Fraction(weight) * Fraction(interest.score(issue, v))
                    for v in inst.issues[issue].values
                ]
                lo, hi = lo + min(vals), hi + max(vals)
            for pair, t in interest.pairs.items():
                w = Fraction(interest.pair_weights[pair])
                vals = [w * x for x in _pair_values(inst, t, pair)]
                lo, hi = lo + min(vals), hi + max(vals)
        # Constant terms each on one whole deal (GENIUS's cap at 1): a deal is one of them at
        # most, so together they add one deal's total or nothing, not the sum of them all.
        pinned: dict[tuple[Value, ...], Fraction] = {}
        others = []
        for term in self.checked.terms.get(party, ()):
            deal = pinned_deal(term.when, list(inst.issues))
            if deal is not None and isinstance(term.value, ast.Number):
                pinned[deal] = pinned.get(deal, Fraction(0)) + term.value.value
            else:
                others.append(term)
        if pinned:
            lo += min(Fraction(0), *pinned.values())
            hi += max(Fraction(0), *pinned.values())
        for term in others:
            value = self.of(term.value)
            if term.when is not None:
                when = self.of(term.when)
                if when == (1, 1):
                    pass
                elif when == (0, 0):
                    value = (Fraction(0), Fraction(0))
                else:
                    value = _hull(value, (Fraction(0), Fraction(0)))
            lo, hi = lo + value[0], hi + value[1]
        if interest is not None and interest.scale != 1:
            lo, hi = lo / Fraction(interest.scale), hi / Fraction(interest.scale)
        return lo, hi


def value_set(
    expr: ast.Expr, checked: CheckedInstance, limit: int = VALUE_SET_CAP
) -> frozenset[Fraction] | None:
    """Every value numeric ``expr`` can take over all deals (rules ignored), or a superset of
    it where parts share issues; None when it would hold more than ``VALUE_SET_CAP`` values.

    Sums and products combine their parts' sets; a part on at most one issue is evaluated on
    every value of that issue, exactly as :func:`bounds` does.
    """
    try:
        return frozenset(_Values(checked, max(limit, VALUE_SET_CAP)).of(expr))
    except _TooMany:
        return None


class _TooMany(Exception):
    pass


class _Values:
    def __init__(self, checked: CheckedInstance, cap: int):
        self.checked, self.cap = checked, cap

    def combine(self, a: set[Fraction], b: set[Fraction], op) -> set[Fraction]:
        if len(a) * len(b) > self.cap * 10:
            raise _TooMany
        out = {op(x, y) for x in a for y in b}
        if len(out) > self.cap:
            raise _TooMany
        return out

    def of(self, e: ast.Expr) -> set[Fraction]:
        checked = self.checked
        deps = checked.depends_on(e)
        if len(deps) <= 1:
            if deps:
                return {_point(v) for v in table(e, next(iter(deps)), checked)}
            return {_point(evaluate(e, checked.instance.status_quo, checked))}
        match e:
            case ast.Sum(first=first, rest=rest):
                acc = self.of(first)
                for op, term in rest:
                    part = self.of(term)
                    acc = self.combine(
                        acc, part, (lambda x, y: x + y) if op == "+" else (lambda x, y: x - y)
                    )
                return acc
            case ast.BinaryOp(op="*", left=a, right=b):
                return self.combine(self.of(a), self.of(b), lambda x, y: x * y)
            case ast.BinaryOp(op="/", left=a, right=b):
                c = next(iter(self.of(b)))  # a checked divisor is a nonzero constant
                return {x / c for x in self.of(a)}
            case ast.Negate(operand=a):
                return {-x for x in self.of(a)}
            case ast.Count(conditions=conds):
                acc = {Fraction(0)}
                for c in conds:
                    acc = self.combine(acc, self.of(c), lambda x, y: x + y)
                return acc
            case ast.QuantityRef(name=n):
                return self.of(checked.quantities[n])
            case ast.Piecewise(arg=a):
                return {e.at(x) for x in self.of(a)}
            case ast.AttributeOf(attribute=a, second=j) if j is not None:
                t = checked.instance.attributes[a].pairs[e.pair]  # type: ignore[index]
                return set(_pair_values(checked.instance, t, e.pair))
            case ast.Total(attribute=a):
                attr = checked.instance.attributes[a]
                acc = {Fraction(0)}
                for issue in attr.tables:
                    if issue in checked.instance.issues:
                        vals = {
                            Fraction(attr.of(issue, v))
                            for v in checked.instance.issues[issue].values
                        }
                        acc = self.combine(acc, vals, lambda x, y: x + y)
                for pair, t in attr.pairs.items():
                    vals = set(_pair_values(checked.instance, t, pair))
                    acc = self.combine(acc, vals, lambda x, y: x + y)
                return acc
            case ast.UtilityOf(party=p):
                return self._utility(p)
        # Any other condition on several issues: true or false.
        return {Fraction(0), Fraction(1)}

    def _utility(self, party: str) -> set[Fraction]:
        inst = self.checked.instance
        acc = {Fraction(0)}
        interest = inst.interests.get(party)
        if interest is not None:
            for issue, weight in interest.weights.items():
                vals = {
                    Fraction(weight) * Fraction(interest.score(issue, v))
                    for v in inst.issues[issue].values
                }
                acc = self.combine(acc, vals, lambda x, y: x + y)
            for pair, t in interest.pairs.items():
                w = Fraction(interest.pair_weights[pair])
                vals = {w * x for x in _pair_values(inst, t, pair)}
                acc = self.combine(acc, vals, lambda x, y: x + y)
        for term in self.checked.terms.get(party, ()):
            value = self.of(term.value)
            if term.when is not None and self.of(term.when) != {Fraction(1)}:
                value = value | {Fraction(0)}
            acc = self.combine(acc, value, lambda x, y: x + y)
        if interest is not None and interest.scale != 1:
            acc = {x / Fraction(interest.scale) for x in acc}
        return acc


def utility_bounds(checked: CheckedInstance) -> dict[str, Interval]:
    """Every party's ``(min, max)`` utility over all deals (rules and red lines ignored).

    Exact for weighted scores (each issue's best and worst option); terms add their interval
    bounds, so an instance with terms on several issues may get a wider, still sound, range.
    """
    b = _Bounds(checked)
    return {party: b.of(ast.UtilityOf(party)) for party in checked.instance.parties}
