"""Lowering a checked instance to the solver-neutral :class:`CompiledModel`.

Two ideas keep the model small and exact:

* Any subexpression that depends on at most one issue is a table over that issue's values.
  It is compiled by *evaluating it with the rules oracle* at each value, so the compiler and
  the oracle cannot disagree on its meaning, and it costs no auxiliary variable: a number
  becomes ``Σ table[v] · x_v`` over the issue's one-hot variables, a condition the
  disjunction of the ``x_v`` for which it holds.
* Every other numeric expression is an exact affine form over Booleans (``Fraction``
  coefficients), so a product with a Boolean (a term's ``when``) or of two one-issue tables
  is linearised exactly with conjunctions.

Objectives are scaled to integers by the least common denominator of their coefficients; when
that would exceed the safe integer range the compiler rounds at the largest safe scale and
reports the resulting utility error as the model's ``resolution``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from dealopt.compile.model import (
    BoolAnd,
    CompiledModel,
    Constraint,
    Definition,
    Label,
    LinearConstraint,
    LinExpr,
    Lit,
    ReifiedLinear,
    Require,
)
from dealopt.errors import OracleRejectedError, Problem, SpecError
from dealopt.rules import ast
from dealopt.rules.bounds import MAX_TABULATED, value_set
from dealopt.rules.oracle import Oracle
from dealopt.rules.oracle import evaluate as rules_evaluate
from dealopt.rules.oracle import joint_table as rules_joint_table
from dealopt.rules.oracle import table as rules_table
from dealopt.rules.parser import locate
from dealopt.spec.model import Deal, Instance, PairTable, Rule, Text, Value, pair_value

#: Objectives are kept below this in absolute value (leaves room for sums and combinations).
SAFE_OBJECTIVE = 2**50

#: A comparison whose exact integer form reaches past this (long decimals in a rule or an
#: attribute) is compiled as a table over the issues it reads instead, when that table is
#: small: a table is exact at any magnitude and on every backend (the MILP backends resolve
#: integers only up to 2**18, decision 33).
TABLE_FROM = 2**18

#: The most combinations of option values such a table may have.
TABLE_LIMIT = 16384

#: No linear form may reach past this: every backend holds its sums in 64-bit integers.
LINEAR_LIMIT = 2**62

Affine = tuple[dict[int, Fraction], Fraction]
Cond = bool | Lit


@dataclass(frozen=True)
class Decoder:
    """The inverse data of compilation: variable values back to deals and utilities."""

    issues: tuple[str, ...]
    values: tuple[tuple[Value, ...], ...]
    choices: tuple[tuple[int, ...], ...]
    scales: tuple[Fraction, ...]
    parties: tuple[str, ...]

    def deal(self, values: Sequence[int]) -> dict[str, Value]:
        """The deal a full variable assignment encodes."""
        out: dict[str, Value] = {}
        for issue, options, group in zip(self.issues, self.values, self.choices, strict=True):
            chosen = [options[k] for k, var in enumerate(group) if values[var]]
            if len(chosen) != 1:
                raise OracleRejectedError(f"issue '{issue}' has {len(chosen)} options chosen")
            out[issue] = chosen[0]
        return out

    def encode(self, deal: Deal) -> list[int]:
        """The decision variables of a deal (auxiliaries left 0)."""
        size = 1 + max((v for g in self.choices for v in g), default=-1)
        out = [0] * size
        for issue, options, group in zip(self.issues, self.values, self.choices, strict=True):
            out[group[options.index(deal[issue])]] = 1
        return out

    def utility(self, party_index: int, objective_value: int) -> Fraction:
        """A scaled objective value as the party's utility."""
        return Fraction(objective_value) / self.scales[party_index]


class _Compiler:
    def __init__(self, instance: Instance, oracle: Oracle):
        self.instance = instance
        self.oracle = oracle
        self.checked = oracle.checked
        self.num_vars = 0
        self.choices: list[tuple[int, ...]] = []
        self.option_var: dict[tuple[str, Value], int] = {}
        self.definitions: list[Definition] = []
        self.constraints: list[Constraint] = []
        self.true_var: int | None = None
        self._and_cache: dict[tuple[Lit, ...], int] = {}
        self._or_cache: dict[tuple[Lit, ...], int] = {}
        self._numeric_cache: dict[int, Affine] = {}
        self._utility_cache: dict[str, Affine] = {}
        self._group_of: dict[int, int] = {}
        # The text being compiled (a rule, red line or term), for positions in errors.
        self.where: Text | None = None
        for g, (name, issue) in enumerate(instance.issues.items()):
            group = []
            for value in issue.values:
                var = self.new_var()
                self.option_var[(name, value)] = var
                self._group_of[var] = g
                group.append(var)
            self.choices.append(tuple(group))

    # ------------------------------------------------------------------ variables

    def new_var(self) -> int:
        self.num_vars += 1
        return self.num_vars - 1

    def conj(self, lits: Sequence[Cond]) -> Cond:
        real: list[Lit] = []
        for lit in lits:
            if lit is False:
                return False
            if lit is not True:
                real.append(lit)  # type: ignore[arg-type]
        key = tuple(sorted(set(real)))
        if not key:
            return True
        if len(key) == 1:
            return key[0]
        if any((v, not p) in key for v, p in key):
            return False
        if key not in self._and_cache:
            var = self.new_var()
            self.definitions.append(BoolAnd(var, key))
            self._and_cache[key] = var
        return (self._and_cache[key], True)

    def disj(self, lits: Sequence[Cond]) -> Cond:
        negated = [_neg(lit) for lit in lits]
        return _neg(self.conj(negated))

    # ------------------------------------------------------------------ one-issue tables

    def table(self, expr: ast.Expr, issue: str) -> tuple[object, ...]:
        """``expr`` at each value of ``issue``: exact, since it depends on no other issue."""
        return rules_table(expr, issue, self.checked)

    def constant(self, expr: ast.Expr) -> object:
        return rules_evaluate(expr, self.instance.status_quo, self.checked)

    def single_issue(self, expr: ast.Expr) -> str | bool | None:
        """The one issue ``expr`` depends on, None if none, False if several."""
        deps = self.checked.depends_on(expr)
        if len(deps) > 1:
            return False
        return next(iter(deps)) if deps else None

    def table_affine(self, issue: str, table: Sequence[Fraction]) -> Affine:
        base = min(table)
        terms = {
            self.option_var[(issue, v)]: Fraction(t) - base
            for v, t in zip(self.instance.issues[issue].values, table, strict=True)
            if t != base
        }
        return terms, Fraction(base)

    def table_cond(self, issue: str, table: Sequence[object]) -> Cond:
        values = self.instance.issues[issue].values
        yes = [self.option_var[(issue, v)] for v, t in zip(values, table, strict=True) if t]
        if len(yes) == len(values):
            return True
        if not yes:
            return False
        if len(yes) * 2 > len(values):  # the shorter disjunction, negated
            no = [self.option_var[(issue, v)] for v, t in zip(values, table, strict=True) if not t]
            return _neg(self.disj([(v, True) for v in no]))
        return self.disj([(v, True) for v in yes])

    # ------------------------------------------------------------------ numbers

    def numeric(self, expr: ast.Expr) -> Affine:
        key = id(expr)
        if key not in self._numeric_cache:
            self._numeric_cache[key] = self._numeric(expr)
        return self._numeric_cache[key]

    def _numeric(self, expr: ast.Expr) -> Affine:
        dep = self.single_issue(expr)
        if dep is None:
            return {}, Fraction(self.constant(expr))
        if isinstance(dep, str):
            return self.table_affine(dep, [Fraction(t) for t in self.table(expr, dep)])
        if isinstance(expr, ast.Sum):
            acc = self.numeric(expr.first)
            for op, term in expr.rest:
                acc = _add(acc, self.numeric(term), 1 if op == "+" else -1)
            return acc
        if isinstance(expr, ast.Negate):
            return _scale(self.numeric(expr.operand), Fraction(-1))
        if isinstance(expr, ast.BinaryOp):
            left, right = self.numeric(expr.left), self.numeric(expr.right)
            if expr.op == "/":
                return _scale(left, 1 / right[1])
            if not left[0]:
                return _scale(right, left[1])
            if not right[0]:
                return _scale(left, right[1])
            return self.product(expr.left, expr.right)
        if isinstance(expr, ast.QuantityRef):
            return self.numeric(self.checked.quantities[expr.name])
        if isinstance(expr, ast.UtilityOf):
            return self.utility(expr.party)
        if isinstance(expr, ast.Total):
            acc: Affine = ({}, Fraction(0))
            for issue in self.instance.issues:
                table = [
                    self.instance.attributes[expr.attribute].of(issue, v)
                    for v in self.instance.issues[issue].values
                ]
                acc = _add(acc, self.table_affine(issue, [Fraction(t) for t in table]), 1)
            for pair, t in self.instance.attributes[expr.attribute].pairs.items():
                acc = _add(acc, self.pair_affine(pair, t), 1)
            return acc
        if isinstance(expr, ast.Count):
            acc = ({}, Fraction(0))
            for cond in expr.conditions:
                acc = _add(acc, self.lit_affine(self.condition(cond)), 1)
            return acc
        if isinstance(expr, ast.Piecewise):
            return self.piecewise(expr)
        if isinstance(expr, ast.AttributeOf) and expr.pair is not None:
            return self.pair_affine(
                expr.pair, self.instance.attributes[expr.attribute].pairs[expr.pair]
            )
        raise OracleRejectedError(f"cannot compile numeric node {type(expr).__name__}")

    def pair_affine(
        self, pair: tuple[str, str], table: PairTable, weight: Fraction = Fraction(1)
    ) -> Affine:
        """A table over two issues, exactly: each nonzero entry on the conjunction of its two
        options (as a pairwise product is compiled)."""
        a, b = pair
        terms: dict[int, Fraction] = {}
        for va in self.instance.issues[a].values:
            for vb in self.instance.issues[b].values:
                x = weight * Fraction(pair_value(table, va, vb))
                if x:
                    both = self.conj(
                        [(self.option_var[(a, va)], True), (self.option_var[(b, vb)], True)]
                    )
                    assert not isinstance(both, bool)
                    terms[both[0]] = terms.get(both[0], Fraction(0)) + x
        return terms, Fraction(0)

    def piecewise(self, expr: ast.Piecewise) -> Affine:
        """``f(arg)`` over several issues, exactly: one reified ``arg == v`` per value ``v`` the
        argument can take (the checker bounded how many), weighted by ``f(v)``."""
        values = value_set(expr.arg, self.checked, MAX_TABULATED)
        assert values is not None and len(values) <= MAX_TABULATED, "the checker refuses this"
        arg = self.numeric(expr.arg)
        ordered = sorted(values)
        base = expr.at(ordered[0])
        acc: Affine = ({}, base)
        for v in ordered:
            y = expr.at(v) - base
            if y:
                holds = self.reify(_add(arg, ({}, v), -1), "==")
                acc = _add(acc, _scale(self.lit_affine(holds), y), 1)
        return acc

    def lit_affine(self, cond: Cond) -> Affine:
        if isinstance(cond, bool):
            return {}, Fraction(int(cond))
        var, positive = cond
        return ({var: Fraction(1)}, Fraction(0)) if positive else ({var: Fraction(-1)}, Fraction(1))

    def product(self, left: ast.Expr, right: ast.Expr) -> Affine:
        """A product of two one-issue factors on different issues, via pair conjunctions."""
        a, b = self.single_issue(left), self.single_issue(right)
        assert isinstance(a, str) and isinstance(b, str), "the checker admits only this case"
        ta = [Fraction(t) for t in self.table(left, a)]
        tb = [Fraction(t) for t in self.table(right, b)]
        terms: dict[int, Fraction] = {}
        for va, xa in zip(self.instance.issues[a].values, ta, strict=True):
            for vb, xb in zip(self.instance.issues[b].values, tb, strict=True):
                if xa * xb:
                    both = self.conj(
                        [(self.option_var[(a, va)], True), (self.option_var[(b, vb)], True)]
                    )
                    assert not isinstance(both, bool)
                    terms[both[0]] = terms.get(both[0], Fraction(0)) + xa * xb
        return terms, Fraction(0)

    def times_cond(self, value: Affine, cond: Cond) -> Affine:
        """``value × [cond]`` exactly: each Boolean atom conjoined with the condition."""
        if cond is True:
            return value
        if cond is False:
            return {}, Fraction(0)
        out = _scale(self.lit_affine(cond), value[1])
        for var, coef in value[0].items():
            both = self.conj([(var, True), cond])
            out = _add(out, _scale(self.lit_affine(both), coef), 1)
        return out

    def utility(self, party: str) -> Affine:
        if party in self._utility_cache:
            return self._utility_cache[party]
        acc: Affine = ({}, Fraction(0))
        interest = self.instance.interests.get(party)
        if interest is not None:
            for issue, weight in interest.weights.items():
                table = [
                    Fraction(weight) * Fraction(interest.score(issue, v))
                    for v in self.instance.issues[issue].values
                ]
                acc = _add(acc, self.table_affine(issue, table), 1)
            for pair, t in interest.pairs.items():
                weight = Fraction(interest.pair_weights[pair])
                acc = _add(acc, self.pair_affine(pair, t, weight), 1)
            outer = self.where  # a rule may read a utility: restore its position after
            for term in self.checked.terms[party]:
                value = term.term.value
                self.where = value if isinstance(value, Text) else None
                amount = self.numeric(term.value)
                self.where = term.term.when
                cond: Cond = True if term.when is None else self.condition(term.when)
                acc = _add(acc, self.times_cond(amount, cond), 1)
            self.where = outer
            if interest.scale != 1:
                acc = _scale(acc, 1 / Fraction(interest.scale))
        self._utility_cache[party] = acc
        return acc

    # ------------------------------------------------------------------ conditions

    def condition(self, expr: ast.Expr) -> Cond:
        dep = self.single_issue(expr)
        if dep is None:
            return bool(self.constant(expr))
        if isinstance(dep, str):
            return self.table_cond(dep, self.table(expr, dep))
        if isinstance(expr, ast.BoolOp):
            parts = [self.condition(e) for e in expr.operands]
            return self.conj(parts) if expr.op == "and" else self.disj(parts)
        if isinstance(expr, ast.Not):
            return _neg(self.condition(expr.operand))
        if isinstance(expr, ast.Implies):
            return self.disj([_neg(self.condition(expr.left)), self.condition(expr.right)])
        if isinstance(expr, ast.Iff):
            a, b = self.condition(expr.left), self.condition(expr.right)
            return self.disj([self.conj([a, b]), self.conj([_neg(a), _neg(b)])])
        if isinstance(expr, ast.Compare):
            return self.compare(expr)
        raise OracleRejectedError(f"cannot compile condition node {type(expr).__name__}")

    def linear_parts(self, expr: ast.Compare) -> tuple[LinExpr, int | None, int | None]:
        """``left op right`` as ``lo <= e <= hi`` with ``e`` integer (``!=`` handled by caller)."""
        diff = _add(self.numeric(expr.left), self.numeric(expr.right), -1)
        return self.affine_parts(diff, expr.op)

    def affine_parts(self, diff: Affine, op: str) -> tuple[LinExpr, int | None, int | None]:
        """``diff op 0`` as ``lo <= e <= hi`` with ``e`` integer (``!=`` as ``==``)."""
        terms, const = diff
        scale = _lcm_denominators([*terms.values(), const])
        int_terms = tuple(sorted((v, int(c * scale)) for v, c in terms.items() if c))
        linexpr = LinExpr(int_terms, 0)
        rhs = -const * scale  # e op rhs, rhs an integer
        assert rhs.denominator == 1
        r = int(rhs)
        lo, hi = {
            ">=": (r, None),
            ">": (r + 1, None),
            "<=": (None, r),
            "<": (None, r - 1),
            "==": (r, r),
            "!=": (r, r),
        }[op]
        return linexpr, lo, hi

    def compare(self, expr: ast.Compare) -> Cond:
        diff = _add(self.numeric(expr.left), self.numeric(expr.right), -1)
        return self.reify(diff, expr.op, expr)

    def reify(self, diff: Affine, op: str, expr: ast.Compare | None = None) -> Cond:
        """The condition ``diff op 0``: a constant when the bounds decide it, else a Boolean.
        ``expr``, the comparison it came from, lets a form too wide for a solver be tabulated."""
        linexpr, lo, hi = self.affine_parts(diff, op)
        bounds = self.expr_bounds(linexpr)
        if (lo is None or bounds[0] >= lo) and (hi is None or bounds[1] <= hi):
            holds: Cond = True
        elif (lo is not None and bounds[1] < lo) or (hi is not None and bounds[0] > hi):
            holds = False
        elif (
            expr is not None
            and (issues := self.tabulated_issues(expr, linexpr, lo, hi, bounds)) is not None
        ):
            return self.joint_cond(expr, issues)  # the whole comparison, `!=` included
        else:
            var = self.new_var()
            self.definitions.append(ReifiedLinear(var, linexpr, lo, hi, bounds))
            holds = (var, True)
        return _neg(holds) if op == "!=" else holds

    def tabulated_issues(
        self,
        expr: ast.Compare,
        linexpr: LinExpr,
        lo: int | None,
        hi: int | None,
        bounds: tuple[int, int],
    ) -> list[str] | None:
        """The issues to tabulate the comparison over, when its integer form is too wide for
        a solver to hold exactly; None when the integer form is fine.

        Raises :class:`SpecError` at the rule when the form is beyond every backend and the
        table too large.
        """
        reach = max(
            sum(abs(c) for _, c in linexpr.terms) + abs(linexpr.constant),
            *(abs(b) for b in (lo, hi, *bounds) if b is not None),
        )
        if reach <= TABLE_FROM:
            return None
        issues = sorted(self.checked.depends_on(expr), key=list(self.instance.issues).index)
        size = math.prod(len(self.instance.issues[i].values) for i in issues)
        if size <= TABLE_LIMIT:
            return issues
        if reach <= LINEAR_LIMIT:
            return None
        raise SpecError([self.too_wide(expr, reach, issues, size)])

    def joint_cond(self, expr: ast.Expr, issues: Sequence[str]) -> Cond:
        """A condition over several issues from its exact value at every combination."""
        yes: list[list[Cond]] = []
        no: list[list[Cond]] = []
        for combo, holds in rules_joint_table(expr, issues, self.checked):
            lits: list[Cond] = [
                (self.option_var[(i, v)], True) for i, v in zip(issues, combo, strict=True)
            ]
            (yes if holds else no).append(lits)
        if len(yes) <= len(no):
            return self.disj([self.conj(lits) for lits in yes])
        return _neg(self.disj([self.conj(lits) for lits in no]))

    def forbid(self, expr: ast.Expr, issues: Sequence[str], label: Label) -> None:
        """A hard comparison as no-good rows over the issues it reads: one row per smallest
        forbidden prefix of option values (a prefix all of whose completions break it), so a
        MILP gets short rows and no auxiliary variables."""
        table = dict(rules_joint_table(expr, issues, self.checked))
        options = [self.instance.issues[i].values for i in issues]

        def visit(prefix: tuple[Value, ...]) -> bool:
            """Adds the rows below ``prefix``; True when every completion is forbidden (and
            then leaves the row to the caller, which may forbid a shorter prefix)."""
            depth = len(prefix)
            if depth == len(issues):
                return not table[prefix]
            below = [v for v in options[depth] if visit((*prefix, v))]
            if len(below) == len(options[depth]):
                return True
            for v in below:
                self.no_good((*prefix, v), issues, label)
            return False

        if visit(()):
            self.constraints.append(LinearConstraint(LinExpr(), 1, None, label, (0, 0)))

    def no_good(self, prefix: Sequence[Value], issues: Sequence[str], label: Label) -> None:
        terms = tuple(
            sorted((self.option_var[(i, v)], 1) for i, v in zip(issues, prefix, strict=False))
        )
        k = len(terms)
        self.constraints.append(LinearConstraint(LinExpr(terms, 0), None, k - 1, label, (0, k)))

    def too_wide(self, expr: ast.Expr, reach: int, issues: Sequence[str], size: int) -> Problem:
        where = self.where
        source, line = (None, None) if where is None else locate(where, expr.span[0])
        return Problem(
            source,
            f"this comparison needs integers up to {float(reach):.3g} to be stated exactly "
            f"(more than 64-bit solvers hold), and it reads {len(issues)} issues with {size} "
            "combinations of options, too many to tabulate",
            "write its decimals with fewer digits (15 significant digits are exact on every "
            "backend), or split it into comparisons that read fewer issues",
            line,
        )

    def expr_bounds(self, expr: LinExpr) -> tuple[int, int]:
        """Min and max of ``expr`` over all deals: per issue the extreme option, exactly."""
        per_group: dict[int, list[int]] = {}
        lo = hi = expr.constant
        for var, coef in expr.terms:
            g = self._group_of.get(var)
            if g is None:  # an auxiliary Boolean
                lo += min(0, coef)
                hi += max(0, coef)
            else:
                per_group.setdefault(g, [0] * len(self.choices[g]))
                per_group[g][self.choices[g].index(var)] += coef
        for coefs in per_group.values():
            lo += min(coefs)
            hi += max(coefs)
        return lo, hi

    # ------------------------------------------------------------------ rules

    def require(self, expr: ast.Expr, label: Label) -> None:
        if isinstance(expr, ast.BoolOp) and expr.op == "and":
            for part in expr.operands:
                self.require(part, label)
            return
        if isinstance(expr, ast.Compare) and expr.op != "!=" and self.single_issue(expr) is False:
            linexpr, lo, hi = self.linear_parts(expr)
            bounds = self.expr_bounds(linexpr)
            issues = self.tabulated_issues(expr, linexpr, lo, hi, bounds)
            if issues is None:
                self.constraints.append(LinearConstraint(linexpr, lo, hi, label, bounds))
            else:
                self.forbid(expr, issues, label)
            return
        self.require_cond(self.condition(expr), label)

    def require_cond(self, cond: Cond, label: Label) -> None:
        if cond is True:
            return
        if cond is False:  # no deal satisfies it: keep it, labelled, so it can be explained
            self.constraints.append(LinearConstraint(LinExpr(), 1, None, label, (0, 0)))
            return
        self.constraints.append(Require(cond, label))


def _neg(cond: Cond) -> Cond:
    if isinstance(cond, bool):
        return not cond
    return (cond[0], not cond[1])


def _add(a: Affine, b: Affine, sign: int) -> Affine:
    terms = dict(a[0])
    for var, coef in b[0].items():
        terms[var] = terms.get(var, Fraction(0)) + sign * coef
        if not terms[var]:
            del terms[var]
    return terms, a[1] + sign * b[1]


def _scale(a: Affine, k: Fraction) -> Affine:
    if not k:
        return {}, Fraction(0)
    return {v: c * k for v, c in a[0].items()}, a[1] * k


def _lcm_denominators(values: Sequence[Fraction]) -> int:
    out = 1
    for v in values:
        out = math.lcm(out, Fraction(v).denominator)
    return out


def _exact_scale(values: Sequence[Fraction]) -> Fraction:
    """The smallest scale that makes every value an integer: the least common denominator
    over the greatest common numerator, so a weight of 1e400 costs one unit, not 400 digits."""
    lcm = _lcm_denominators(values)
    gcd = math.gcd(*(int(v * lcm) for v in values))
    return Fraction(lcm, gcd or 1)


def _decimal_scale(magnitude: Fraction, limit: int) -> Fraction:
    """The largest power of ten (of any sign) keeping ``magnitude`` × it within ``limit``.
    In integers: a float ratio underflows for weights like 1e400."""
    # log10 estimated from digit counts, then corrected by exact comparisons.
    k = len(str(limit)) - (len(str(magnitude.numerator)) - len(str(magnitude.denominator)))
    while magnitude * Fraction(10) ** k > limit:
        k -= 1
    while magnitude * Fraction(10) ** (k + 1) <= limit:
        k += 1
    return Fraction(10) ** k


def _label(rule: Rule, index: int) -> Label:
    return Label(
        kind=rule.kind,
        owner=rule.owner,
        index=index,
        text=rule.rule.text,
        source=str(rule.source) if rule.source else None,
    )


def _objective(c: _Compiler, affine: Affine, limit: int) -> tuple[LinExpr, Fraction, Fraction]:
    """Scale an affine utility to integers: exact when safe, else rounded with a resolution."""
    terms, const = affine
    scale = _exact_scale([*terms.values(), const])
    magnitude = sum(abs(x) for x in terms.values()) + abs(const)
    if magnitude * scale > limit:
        scale = _decimal_scale(max(magnitude, Fraction(1)), limit)
    scaled = {v: x * scale for v, x in terms.items()}
    rounded = {v: round(x) for v, x in scaled.items()}
    error_by_group: dict[int | None, Fraction] = {}
    for v, x in scaled.items():
        err = abs(x - rounded[v])
        g = c._group_of.get(v)
        if g is None:
            error_by_group[None] = error_by_group.get(None, Fraction(0)) + err
        else:
            error_by_group[g] = max(error_by_group.get(g, Fraction(0)), err)
    const_scaled = const * scale
    const_err = abs(const_scaled - round(const_scaled))
    resolution = (sum(error_by_group.values(), Fraction(0)) + const_err) / scale
    expr = LinExpr(tuple(sorted((v, r) for v, r in rounded.items() if r)), round(const_scaled))
    return expr, scale, resolution


def compile_instance(
    instance: Instance, oracle: Oracle | None = None, *, objective_limit: int | None = None
) -> tuple[CompiledModel, Decoder]:
    """Compile an instance to a :class:`CompiledModel` and the :class:`Decoder` that maps
    solutions back to deals. Rules and red lines become labelled hard constraints; each
    party's utility one integer objective, exact when it fits within ``objective_limit``
    (default :data:`SAFE_OBJECTIVE`) and otherwise rounded with a stated resolution."""
    oracle = oracle or Oracle(instance)
    c = _Compiler(instance, oracle)
    for k, checked in enumerate(c.checked.rules):
        c.where = checked.rule.rule
        c.require(checked.expr, _label(checked.rule, k))
    for lines in c.checked.red_lines.values():
        for k, checked in enumerate(lines):
            c.where = checked.rule.rule
            c.require(checked.expr, _label(checked.rule, k))
    objectives, scales, resolution, bounds = [], [], [], []
    for party in instance.parties:
        expr, scale, res = _objective(c, c.utility(party), objective_limit or SAFE_OBJECTIVE)
        objectives.append(expr)
        scales.append(scale)
        resolution.append(res)
        bounds.append(c.expr_bounds(expr))
    model = CompiledModel(
        num_vars=c.num_vars,
        choices=tuple(c.choices),
        definitions=tuple(c.definitions),
        constraints=tuple(c.constraints),
        objectives=tuple(objectives),
        scales=tuple(scales),
        objective_bounds=tuple(bounds),
        resolution=tuple(resolution),
        var_names={v: f"{i}={val}" for (i, val), v in c.option_var.items()},
    )
    decoder = Decoder(
        issues=tuple(instance.issues),
        values=tuple(issue.values for issue in instance.issues.values()),
        choices=tuple(c.choices),
        scales=tuple(scales),
        parties=tuple(instance.parties),
    )
    return model, decoder


__all__ = ["Decoder", "compile_instance"]
