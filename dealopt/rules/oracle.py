"""The exact evaluator: the oracle every other layer is checked against.

Everything is computed with :class:`fractions.Fraction`, never a float: ``1 / 3`` stays a
third. :func:`evaluate` works on checked trees; :class:`Oracle` wraps a checked instance and
answers utilities, violations, feasibility and acceptability for concrete deals.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from typing import Protocol

from dealopt.errors import UsageError, did_you_mean
from dealopt.rules import ast
from dealopt.rules.check import CheckedInstance, CheckedTerm, check, check_expression
from dealopt.rules.parser import Kind
from dealopt.spec.model import Deal, Instance, Rule, Text, Value

Result = Fraction | bool


class Env(Protocol):
    """What evaluation reads: the instance, checked quantities and checked terms by party.

    A :class:`~dealopt.rules.check.CheckedInstance` is one.
    """

    @property
    def instance(self) -> Instance: ...
    @property
    def quantities(self) -> Mapping[str, ast.Expr]: ...
    @property
    def terms(self) -> Mapping[str, Iterable[CheckedTerm]]: ...


def evaluate(expr: ast.Expr, deal: Deal, env: Env) -> Result:
    """The value of checked ``expr`` on ``deal`` (not validated): a Fraction or a bool."""
    return _Evaluation(env, deal).value(expr)


def utility(party: str, deal: Deal, env: Env) -> Fraction:
    """Σ_issue weight × score(chosen value) + Σ terms whose ``when`` holds (or have none)."""
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
        self.cache: dict[tuple[str, str], Fraction] = {}

    def num(self, e: ast.Expr) -> Fraction:
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
                return Fraction(v)
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
                return self.num(a) / self.num(b)
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
                return Fraction(deal[i])  # type: ignore[arg-type]
            case ast.Level(issue=i):
                return Fraction(inst.issues[i].level(deal[i]))
            case ast.AttributeOf(attribute=a, issue=i, second=j) if j is not None:
                return Fraction(inst.attributes[a].of_pair((i, j), deal))
            case ast.AttributeOf(attribute=a, issue=i):
                return Fraction(inst.attributes[a].of(i, deal[i]))
            case ast.Total(attribute=a):
                attr = inst.attributes[a]
                singles = sum(
                    (Fraction(attr.of(i, deal[i])) for i in attr.tables if i in deal), Fraction(0)
                )
                return singles + sum((Fraction(attr.of_pair(p, deal)) for p in attr.pairs), 0)
            case ast.ScoreOf(party=p, issue=i):
                interest = inst.interests.get(p)
                return Fraction(interest.score(i, deal[i])) if interest else Fraction(0)
            case ast.Count(conditions=conds):
                return Fraction(sum(self.cond(c) for c in conds))
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
        inst, total = self.env.instance, Fraction(0)
        interest = inst.interests.get(party)
        if interest is None:
            pass
        elif self.scores is not None:
            table = self.scores[party]
            total += sum(table[issue][self.deal[issue]] for issue in table)
        else:
            for issue, weight in interest.weights.items():
                total += Fraction(weight) * Fraction(interest.score(issue, self.deal[issue]))
        if interest is not None and interest.pairs:
            total += Fraction(interest.pair_part(self.deal))
        for term in self.env.terms.get(party, ()):
            if term.when is None or self.cond(term.when):
                total += self.num(term.value)
        self.cache[key] = total
        return total


def table(expr: ast.Expr, issue: str, checked: CheckedInstance) -> tuple[Result, ...]:
    """The value of ``expr`` for each value of ``issue`` (in the issue's order), the other
    issues at their status quo. Exact when ``checked.depends_on(expr) <= {issue}``."""
    deal = dict(checked.instance.status_quo)
    out = []
    for value in checked.instance.issues[issue].values:
        deal[issue] = value
        out.append(evaluate(expr, deal, checked))
    return tuple(out)


def joint_table(
    expr: ast.Expr, issues: Sequence[str], checked: CheckedInstance
) -> Iterator[tuple[tuple[Value, ...], Result]]:
    """``expr`` at every combination of the values of ``issues`` (``itertools.product`` order),
    the other issues at their status quo. Exact when ``checked.depends_on(expr) <= set(issues)``.
    """
    deal = dict(checked.instance.status_quo)
    options = [checked.instance.issues[i].values for i in issues]
    for combo in itertools.product(*options):
        deal.update(zip(issues, combo, strict=True))
        yield combo, evaluate(expr, deal, checked)


class Oracle:
    """Exact answers about concrete deals of one instance (checks the instance first)."""

    def __init__(self, instance: Instance | CheckedInstance):
        self.checked = instance if isinstance(instance, CheckedInstance) else check(instance)
        self.instance = self.checked.instance
        self._scores: WeightedScores | None = None

    def _run(self, deal: Deal) -> _Evaluation:
        if self._scores is None:  # on first use: an oracle asked about no deal never pays
            self._scores = weighted_scores(self.instance)
        return _Evaluation(self.checked, deal, self._scores)

    def expression(self, text: str | Text, kind: Kind = "expression") -> ast.Expr:
        """Parse and check an extra expression against this instance (see ``check_expression``)."""
        return check_expression(self.checked, text, kind)

    def validate_deal(self, deal: Deal) -> None:
        """Raise :class:`UsageError` unless ``deal`` gives a valid value to exactly every issue."""
        problems = []
        issues = self.instance.issues
        for name, issue in issues.items():
            if name not in deal:
                problems.append(f"the deal has no value for issue '{name}'")
                continue
            value = deal[name]
            valid = (
                isinstance(value, int) and not isinstance(value, bool)
                if issue.is_range
                else isinstance(value, str)
            ) and value in issue.values
            if not valid:
                hint = did_you_mean(str(value), [str(v) for v in issue.values])
                problems.append(
                    f"{value!r} is not a value of issue '{name}'" + (f" ({hint})" if hint else "")
                )
        for name in deal:
            if name not in issues:
                hint = did_you_mean(str(name), issues)
                problems.append(f"unknown issue '{name}'" + (f" ({hint})" if hint else ""))
        if problems:
            raise UsageError("invalid deal: " + "; ".join(problems))

    def evaluate(self, expr: ast.Expr | str | Text, deal: Deal) -> Result:
        """The value of ``expr`` (a checked tree, or text: checked first) on ``deal``."""
        if not isinstance(expr, ast.Expr):
            expr = self.expression(expr)
        self.validate_deal(deal)
        return evaluate(expr, deal, self.checked)

    def utility(self, party: str, deal: Deal) -> Fraction:
        """``party``'s exact utility of ``deal``."""
        self._party(party)
        self.validate_deal(deal)
        return self._run(deal).utility(party)

    def utilities(self, deal: Deal) -> dict[str, Fraction]:
        """Every party's utility of ``deal``, by party, in file order."""
        self.validate_deal(deal)
        run = self._run(deal)
        return {party: run.utility(party) for party in self.instance.parties}

    def no_deal(self, party: str) -> Fraction:
        """``party``'s no-deal value: its ``no_deal``, or its utility of the status quo."""
        p = self._party(party)
        if p is not None and p.no_deal is not None:
            return Fraction(p.no_deal)
        return utility(party, self.instance.status_quo, self.checked)

    def violations(self, deal: Deal) -> list[Rule]:
        """The rules and red lines ``deal`` breaks, rules first, in file order."""
        self.validate_deal(deal)
        run = self._run(deal)
        return [r.rule for r in self.checked.all_rules() if not run.cond(r.expr)]

    def is_feasible(self, deal: Deal) -> bool:
        """True if ``deal`` breaks no rule and no red line."""
        return not self.violations(deal)

    def accepting(self, deal: Deal) -> tuple[str, ...]:
        """The parties whose utility of ``deal`` is at least their no-deal value."""
        return tuple(p for p, u in self.utilities(deal).items() if u >= self.no_deal(p))

    def is_acceptable(self, deal: Deal) -> bool:
        """Feasible, and passed by the instance's acceptance rule (default: every party's
        utility at least its no-deal value)."""
        if not self.is_feasible(deal):
            return False
        return self.instance.acceptance.passes(self.accepting(deal), self.instance.parties)

    def _party(self, party: str):
        if party not in self.instance.parties:
            hint = did_you_mean(party, self.instance.parties)
            raise UsageError(f"unknown party '{party}'" + (f" ({hint})" if hint else ""))
        return self.instance.parties[party]
