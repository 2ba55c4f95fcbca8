"""The exact evaluator: the oracle every other layer is checked against.

Everything is computed with :class:`fractions.Fraction`, never a float: ``1 / 3`` stays a
third. :func:`evaluate` works on checked trees; :class:`Oracle` wraps a checked instance and
answers utilities, violations, feasibility and acceptability for concrete deals.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from fractions import Fraction

from dealopt.errors import UsageError, did_you_mean
from dealopt.rules import ast
from dealopt.rules.check import CheckedInstance, check, check_expression
from dealopt.rules.evaluation import Result, WeightedScores, _Evaluation, weighted_scores
from dealopt.rules.evaluation import evaluate as evaluate  # re-exported: the oracle's entry
from dealopt.rules.evaluation import utility as utility
from dealopt.rules.parser import Kind
from dealopt.spec.model import Deal, Instance, Rule, Text, Value


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
