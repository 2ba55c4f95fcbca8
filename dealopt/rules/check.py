"""Name and type checking: parsed trees → resolved, typed, linear trees.

:func:`check` parses and checks every quantity, term, red line and rule of an instance, collects
every problem, and raises them together (one :class:`~dealopt.errors.SpecError`) or returns a
:class:`CheckedInstance`: the resolved trees a compiler walks. In a checked tree

* every name is resolved (see :mod:`dealopt.rules.ast`); there is no ``Name``/``Call``/``InSet``;
* rules, red lines and ``when`` conditions are conditions, quantities and term values numbers;
* ``utility(p)`` appears only in rules and red lines;
* every product has a constant factor or two factors depending on one issue each, every
  division a constant, nonzero divisor;
* quantities do not depend on themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import ClassVar, Literal, NamedTuple

from dealopt.errors import Problem, RuleSyntaxError, RuleTypeError, SpecError, did_you_mean
from dealopt.rules import ast
from dealopt.rules.ast import CheckedInstance, CheckedRule, CheckedTerm, node_deps
from dealopt.rules.evaluation import evaluate
from dealopt.rules.parser import KIND_WORDS, Kind, locate, parse
from dealopt.rules.render import render
from dealopt.spec.model import Instance, Rule, Term, Text, frozen_map

NUM, BOOL, ERR = "a number", "a condition", "error"


def check(instance: Instance) -> CheckedInstance:
    """Parse and check every expression of ``instance``.

    Raises one :class:`RuleSyntaxError` (only syntax problems), :class:`RuleTypeError` (only
    name/type problems) or :class:`SpecError` (both) carrying every problem, in file order.
    """
    c = _Checker(instance)
    for name in instance.quantities:
        c.quantity(name)
    for party, interest in instance.interests.items():
        for term in interest.terms:
            c.term(party, term)
    for party in instance.parties:
        c.terms.setdefault(party, [])
    rules = [c.rule(rule, "rule", f"<rule '{rule.label}'>") for rule in instance.rules]
    red_lines = {
        party: [c.rule(r, "red_line", f"<red line of {party} '{r.label}'>") for r in lines]
        for party, lines in instance.red_lines.items()
    }
    for party in instance.parties:
        red_lines.setdefault(party, [])
    c.raise_problems()
    checked = CheckedInstance(
        instance=instance,
        quantities=frozen_map({n: c.quantities[n] for n in instance.quantities}),
        rules=tuple(r for r in rules if r is not None),
        red_lines=frozen_map({p: tuple(x for x in v if x) for p, v in red_lines.items()}),
        terms=frozen_map({p: tuple(ts) for p, ts in c.terms.items()}),
        quantity_deps=frozen_map(c.quantity_deps),
        utility_deps=frozen_map({p: c.utility_deps(p) for p in c.terms}),
    )
    c.check_tabulated(checked)
    c.raise_problems()
    return checked


def check_expression(
    checked: CheckedInstance, text: str | Text, kind: Kind = "expression"
) -> ast.Expr:
    """Parse and check one more expression against an already checked instance.

    ``kind`` says what it must be: ``"rule"``/``"red_line"``/``"when"`` a condition,
    ``"quantity"``/``"value"`` a number, ``"expression"`` either; ``utility()`` is allowed in
    rules, red lines and expressions.
    """
    c = _Checker(checked.instance, checked)
    text = text if isinstance(text, Text) else Text(text, source=None)
    typed = c.text(text, kind, "<expression>")
    c.raise_problems()
    c.check_tabulated(checked)
    c.raise_problems()
    assert typed is not None
    return typed.expr


# --- the checker -----------------------------------------------------------------------------


class _Typed(NamedTuple):
    expr: ast.Expr
    type: str  # NUM, BOOL or ERR (already reported: stay silent above it)
    deps: frozenset[str]


_NONE: frozenset[str] = frozenset()


@dataclass
class _Scope:
    """One text being checked: where its errors point, and what it may use."""

    text: Text
    kind: Kind
    where: str


class _Checker:
    """Checks the texts of one instance; problems accumulate in ``problems``.

    Also the environment the evaluator needs for constant divisors: ``instance``,
    ``quantities`` (checked so far) and ``terms``.
    """

    def __init__(self, instance: Instance, seed: CheckedInstance | None = None):
        self.instance = instance
        self.problems: list[tuple[Problem, Literal["syntax", "type"]]] = []
        self.quantities: dict[str, ast.Expr] = dict(seed.quantities) if seed else {}
        self.quantity_deps: dict[str, frozenset[str]] = dict(seed.quantity_deps) if seed else {}
        self.terms: dict[str, list[CheckedTerm]] = (
            {p: list(t) for p, t in seed.terms.items()} if seed else {}
        )
        self.failed_quantities: set[str] = set()
        self.tabulated: list[tuple[_Scope, ast.Piecewise]] = []
        self.failed_parties: set[str] = set()  # some term did not check
        self._visiting: list[str] = []
        self._owners: dict[str, list[str]] = {}  # option name -> issues having it
        for issue in instance.issues.values():
            for value in issue.values:
                if isinstance(value, str):
                    self._owners.setdefault(value, []).append(issue.name)

    # -- problems --

    def error(self, scope: _Scope, span: tuple[int, int], message: str, hint: str | None = None):
        source, line = locate(scope.text, span[0], scope.where)
        self.problems.append((Problem(source, message, hint, line), "type"))

    def raise_problems(self) -> None:
        if not self.problems:
            return
        kinds = {k for _, k in self.problems}
        problems = sorted(
            (p for p, _ in self.problems),
            key=lambda p: (
                p.source is None,
                p.source and (p.source.path, p.source.line, p.source.col),
            ),
        )
        if kinds == {"syntax"}:
            raise RuleSyntaxError(problems)
        raise (RuleTypeError if kinds == {"type"} else SpecError)(problems)

    # -- the texts of an instance --

    def text(self, text: Text, kind: Kind, where: str) -> _Typed | None:
        """Parse and check one text; None when it has problems (already recorded)."""
        try:
            tree = parse(text, kind, where=where)
        except RuleSyntaxError as exc:
            self.problems.extend((p, "syntax") for p in exc.problems)
            return None
        scope = _Scope(text, kind, where)
        typed = self.expr(tree, scope)
        want = {"quantity": NUM, "value": NUM, "expression": typed.type}.get(kind, BOOL)
        if typed.type == ERR:
            return None
        if typed.type != want:
            what = "a term's 'when'" if kind == "when" else f"a {KIND_WORDS[kind]}"
            self.error(scope, tree.span, f"{what} must be {want}, but this is {typed.type}")
            return None
        return typed

    def quantity(self, name: str) -> _Typed | None:
        """Check quantity ``name`` (once), first checking the quantities it uses."""
        if name in self.quantities:
            return _Typed(self.quantities[name], NUM, self.quantity_deps[name])
        if name in self.failed_quantities:
            return None
        self._visiting.append(name)
        typed = self.text(self.instance.quantities[name].expr, "quantity", f"<quantity {name}>")
        self._visiting.pop()
        if typed is None:
            self.failed_quantities.add(name)
        else:
            self.quantities[name] = typed.expr
            self.quantity_deps[name] = typed.deps
        return typed

    def term(self, party: str, term: Term) -> None:
        where = f"<term of {party} '{term.label}'>"
        when = None if term.when is None else self.text(term.when, "when", where)
        if isinstance(term.value, Text):
            value = self.text(term.value, "value", where)
        else:
            value = _Typed(ast.Number(Fraction(term.value)), NUM, _NONE)
        if value is None or (term.when is not None and when is None):
            self.failed_parties.add(party)
            return
        self.terms.setdefault(party, []).append(
            CheckedTerm(term, None if when is None else when.expr, value.expr)
        )

    def utility_deps(self, party: str) -> frozenset[str]:
        interest = self.instance.interests.get(party)
        out: set[str] = set()
        if interest is not None:
            for issue, weight in interest.weights.items():
                values = self.instance.issues[issue].values
                if weight != 0 and ast.varies(interest.score(issue, v) for v in values):
                    out.add(issue)
            for pair in interest.pairs:
                out.update(pair)
        for t in self.terms.get(party, ()):
            nodes = ast.walk(t.value) + (ast.walk(t.when) if t.when is not None else [])
            out |= node_deps(nodes, self.instance, self.quantity_deps, {})
        return frozenset(out)

    def rule(self, rule: Rule, kind: Kind, where: str) -> CheckedRule | None:
        typed = self.text(rule.rule, kind, where)
        return None if typed is None else CheckedRule(rule, typed.expr)

    # -- expressions --

    def expr(self, e: ast.Expr, s: _Scope) -> _Typed:
        match e:
            case ast.Number() | ast.BoolConst():
                return _Typed(e, NUM if isinstance(e, ast.Number) else BOOL, _NONE)
            case ast.Name():
                return self.name(e, s)
            case ast.Call():
                return self.call(e, s)
            case ast.BinaryOp(op=op, left=left, right=right):
                return self.binary(e, op, self.expr(left, s), self.expr(right, s), s)
            case ast.Compare():
                return self.compare(e, s)
            case ast.InSet():
                return self.in_set(e, s)
            case ast.ListLit():
                self.error(
                    s,
                    e.span,
                    "a list [...] is only allowed as the breakpoints of piecewise()",
                    "write piecewise(quantity, [[x0, y0], [x1, y1], ...])",
                )
                return _Typed(e, ERR, _NONE)
            case ast.Sum() | ast.Negate() | ast.BoolOp() | ast.Not() | ast.Implies() | ast.Iff():
                # Operators whose operands all have the type of the result.
                want = NUM if isinstance(e, ast.Sum | ast.Negate) else BOOL
                parts = [self.expr(child, s) for child in ast.children(e)]
                if not self.need(parts, want, s):
                    return _Typed(e, ERR, _NONE)
                return _Typed(ast.with_children(e, [p.expr for p in parts]), want, _union(parts))
        # Resolved nodes are not re-checked: check the text they render to.
        raise TypeError(f"cannot check {type(e).__name__}: check parsed trees only")

    def need(self, parts: list[_Typed], want: str, s: _Scope) -> bool:
        """True if every part is ``want``; reports each mismatch (errors stay silent)."""
        ok = True
        for p in parts:
            if p.type == ERR:
                ok = False
            elif p.type != want:
                ok = False
                self.error(s, p.expr.span, f"expected {want}, but '{render(p.expr)}' is {p.type}")
        return ok

    def binary(self, e: ast.Expr, op: str, a: _Typed, b: _Typed, s: _Scope) -> _Typed:
        if not self.need([a, b], NUM, s):
            return _Typed(e, ERR, _NONE)
        new = ast.BinaryOp(op, a.expr, b.expr, span=e.span)  # type: ignore[arg-type]
        if op == "*":
            if a.deps and b.deps and (len(a.deps) > 1 or len(b.deps) > 1):
                self.error(
                    s,
                    e.span,
                    f"nonlinear product '{render(new)}': '{render(a.expr)}' depends on "
                    f"{_issues(a.deps)} and '{render(b.expr)}' on {_issues(b.deps)}",
                    "a product needs a constant factor, or two factors that each depend on "
                    "one issue only",
                )
                return _Typed(e, ERR, _NONE)
            return _Typed(new, NUM, a.deps | b.deps)
        if b.deps:
            self.error(
                s,
                b.expr.span,
                f"division by '{render(b.expr)}', which depends on {_issues(b.deps)}",
                "divide only by a constant; multiply the comparison out instead: "
                "'a / b >= 2' is 'a >= 2 * b' when b > 0",
            )
            return _Typed(e, ERR, _NONE)
        if evaluate(b.expr, self.instance.status_quo, self) == 0:
            self.error(s, b.expr.span, f"division by zero: '{render(b.expr)}' is 0")
            return _Typed(e, ERR, _NONE)
        return _Typed(new, NUM, a.deps)

    def name(self, e: ast.Name, s: _Scope) -> _Typed:
        n, inst = e.name, self.instance
        if n in inst.quantities:
            if n in self._visiting:
                cycle = [*self._visiting[self._visiting.index(n) :], n]
                self.error(s, e.span, f"quantity '{n}' depends on itself: {' -> '.join(cycle)}")
                return _Typed(e, ERR, _NONE)
            typed = self.quantity(n)
            if typed is None:
                return _Typed(e, ERR, _NONE)
            return _Typed(ast.QuantityRef(n, span=e.span), NUM, typed.deps)
        if n in inst.issues:
            issue = inst.issues[n]
            if issue.is_range:
                return _Typed(ast.IssueValue(n, span=e.span), NUM, frozenset({n}))
            self.error(
                s,
                e.span,
                f"issue '{n}' has options, not a number: compare it with one of them "
                f"('{n} == {issue.values[0]}') or use level({n})",
            )
        elif n in self._owners:
            owner = self._owners[n][0]
            self.error(
                s,
                e.span,
                f"option '{n}' of issue '{owner}' can only be used compared with its issue",
                f"write e.g. '{owner} == {n}'",
            )
        elif n in inst.staged:
            stages = inst.staged[n]
            self.error(
                s,
                e.span,
                f"issue '{n}' is staged: name one of its stages, as {stages[0]}",
                f"its stages: {', '.join(stages)}; or use start({n}), moved({n})",
            )
        elif n in inst.parties:
            self.error(s, e.span, f"'{n}' is a party: write utility({n}) or score({n}, issue)")
        elif n in inst.attributes:
            self.error(s, e.span, f"'{n}' is an attribute: write {n}(issue) or total({n})")
        else:
            hint = did_you_mean(n, [*inst.issues, *inst.quantities])
            self.error(s, e.span, f"unknown name '{n}'", hint)
        return _Typed(e, ERR, _NONE)

    # -- comparisons and option tests --

    def options_issue(self, e: ast.Expr) -> str | None:
        """The issue ``e`` names if it is a bare name of an issue with options."""
        if isinstance(e, ast.Name) and e.name not in self.instance.quantities:
            issue = self.instance.issues.get(e.name)
            if issue is not None and not issue.is_range:
                return e.name
        return None

    def is_option(self, e: ast.Expr, issue: str) -> bool:
        return isinstance(e, ast.Name) and e.name in self.instance.issues[issue].values

    def compare(self, e: ast.Compare, s: _Scope) -> _Typed:
        left, right = self.options_issue(e.left), self.options_issue(e.right)
        if left and self.is_option(e.right, left):
            return self.option_test(left, e.op, (e.right.name,), e.span)  # type: ignore[attr-defined]
        if right and self.is_option(e.left, right):
            name = e.left.name  # type: ignore[attr-defined]
            return self.option_test(right, ast.FLIPPED[e.op], (name,), e.span)
        if left or right:
            issue, other = (left, e.right) if left else (right, e.left)
            self.not_option(issue, other, s)  # type: ignore[arg-type]
            return _Typed(e, ERR, _NONE)
        a, b = self.expr(e.left, s), self.expr(e.right, s)
        if a.type == b.type == BOOL:
            self.error(
                s,
                e.span,
                f"'{e.op}' compares numbers, not conditions",
                "write 'a <-> b' for 'a and b agree', 'not (a <-> b)' for 'they differ'",
            )
            return _Typed(e, ERR, _NONE)
        if not self.need([a, b], NUM, s):
            return _Typed(e, ERR, _NONE)
        return _Typed(ast.Compare(e.op, a.expr, b.expr, span=e.span), BOOL, a.deps | b.deps)

    def option_test(self, issue: str, op: str, options: tuple, span: tuple[int, int]) -> _Typed:
        values = self.instance.issues[issue].values
        if op == "in":
            allowed = tuple(v for v in values if v in options)
        else:
            k = values.index(options[0])
            allowed = tuple(v for i, v in enumerate(values) if ast.COMPARE_FUNCS[op](i, k))
        test = ast.OptionTest(issue, op, options, allowed, span=span)  # type: ignore[arg-type]
        return _Typed(test, BOOL, frozenset({issue}))

    def not_option(self, issue: str, other: ast.Expr, s: _Scope) -> None:
        """Report why ``other`` cannot be compared with options issue ``issue``."""
        options = [str(v) for v in self.instance.issues[issue].values]
        listing = (
            f"options of {issue}: {', '.join(options[:8])}{' ...' if len(options) > 8 else ''}"
        )
        if not isinstance(other, ast.Name):
            self.error(
                s,
                other.span,
                f"issue '{issue}' has options, not numbers: compare it with one of its "
                f"options, or compare level({issue})",
                listing,
            )
            return
        n = other.name
        hint = did_you_mean(n, options) or listing
        if n in self._owners:
            owners = "', '".join(self._owners[n])
            msg = f"'{n}' is not an option of issue '{issue}' (it is an option of '{owners}')"
        elif n in self.instance.issues or n in self.instance.quantities:
            msg = f"issue '{issue}' has options and cannot be compared with '{n}'"
            hint = f"compare level({issue}) with it, or compare {issue} with one of its options"
        else:
            msg = f"'{n}' is not an option of issue '{issue}'"
        self.error(s, other.span, msg, hint)

    def in_set(self, e: ast.InSet, s: _Scope) -> _Typed:
        left = e.left
        if not isinstance(left, ast.Name) or left.name not in self.instance.issues:
            hint = (
                did_you_mean(left.name, self.instance.issues)
                if isinstance(left, ast.Name)
                else None
            )
            self.error(
                s, left.span, "'in' needs an issue on its left, as in 'issue in {a, b}'", hint
            )
            return _Typed(e, ERR, _NONE)
        issue = self.instance.issues[left.name]
        ok, options = True, []
        for item in e.items:
            if issue.is_range:
                value = _literal(item)
                if value is not None and value in issue.values:
                    options.append(int(value))
                    continue
                lo, hi = issue.values[0], issue.values[-1]
                step = issue.values[1] - lo if len(issue.values) > 1 else 1  # type: ignore[operator]
                self.error(
                    s,
                    item.span,
                    f"'{render(item)}' is not a value of issue '{issue.name}' "
                    f"(integers {lo} to {hi} by {step})",
                )
            elif self.is_option(item, issue.name):
                options.append(item.name)  # type: ignore[attr-defined]
                continue
            else:
                self.not_option(issue.name, item, s)
            ok = False
        if not ok:
            return _Typed(e, ERR, _NONE)
        return self.option_test(issue.name, "in", tuple(options), e.span)

    # -- calls --

    _ARGS: ClassVar[dict[str, tuple[str, ...]]] = {
        "level": ("issue",),
        "total": ("attribute",),
        "utility": ("party",),
        "score": ("party", "issue"),
    }

    def call(self, e: ast.Call, s: _Scope) -> _Typed:
        inst, fn = self.instance, e.name
        if fn == "piecewise":
            return self.piecewise(e, s)
        if fn in ("start", "moved"):
            return self.stage_call(e, s)
        if fn == "count":
            if not e.args:
                self.error(s, e.span, "count() needs at least one condition")
                return _Typed(e, ERR, _NONE)
            parts = [self.expr(a, s) for a in e.args]
            if not self.need(parts, BOOL, s):
                return _Typed(e, ERR, _NONE)
            return _Typed(ast.Count(tuple(p.expr for p in parts), span=e.span), NUM, _union(parts))
        kinds = self._ARGS.get(fn) or (("issue",) if fn in inst.attributes else None)
        if kinds is None:
            what = (
                "an issue" if fn in inst.issues else "a quantity" if fn in inst.quantities else ""
            )
            message = f"'{fn}' is {what}, not a function" if what else f"unknown function '{fn}'"
            hint = did_you_mean(fn, [*ast.BUILTINS, *inst.attributes])
            self.error(s, e.span, message, hint)
            return _Typed(e, ERR, _NONE)
        if fn in inst.attributes and len(e.args) == 2:
            return self.pair_attribute(e, s)
        if len(e.args) != len(kinds):
            wanted = " and ".join(f"an {k}" if k[0] in "aeiou" else f"a {k}" for k in kinds)
            n = len(kinds)
            self.error(
                s,
                e.span,
                f"{fn}() takes {n} argument{'s' if n > 1 else ''} ({wanted}), got {len(e.args)}",
            )
            return _Typed(e, ERR, _NONE)
        names = [self.name_arg(a, k, s) for a, k in zip(e.args, kinds, strict=True)]
        if None in names:
            return _Typed(e, ERR, _NONE)
        if fn == "utility" and s.kind not in ("rule", "red_line", "expression"):
            self.error(
                s,
                e.span,
                f"utility() can only be used in rules and red lines, not in a {KIND_WORDS[s.kind]}",
            )
            return _Typed(e, ERR, _NONE)
        if fn == "utility" and names[0] in self.failed_parties:
            return _Typed(e, ERR, _NONE)  # its terms did not check: already reported
        make = {"level": ast.Level, "total": ast.Total, "utility": ast.UtilityOf}.get(fn)
        if fn == "score":
            make = ast.ScoreOf
        elif make is None:  # an attribute
            make, names = ast.AttributeOf, [fn, *names]
        node = make(*names, span=e.span)
        udeps = {names[0]: self.utility_deps(names[0])} if fn == "utility" else {}
        return _Typed(node, NUM, node_deps([node], inst, self.quantity_deps, udeps))  # type: ignore[arg-type]

    def stage_call(self, e: ast.Call, s: _Scope) -> _Typed:
        """``start(issue)``: how many stages a staged issue stays at its status quo before it
        first moves (the number of stages if it never does); ``moved(issue)``: it leaves the
        status quo in some stage. Both are written out in option tests on its stages, so every
        later layer sees only what it already knows."""
        inst = self.instance
        arg = e.args[0] if len(e.args) == 1 else None
        if not isinstance(arg, ast.Name) or arg.name not in inst.staged:
            if isinstance(arg, ast.Name):
                message = f"{e.name}() takes a staged issue; '{arg.name}' is not one"
            else:
                message = f"{e.name}() takes one argument, a staged issue"
            hint = did_you_mean(arg.name, inst.staged) if isinstance(arg, ast.Name) else None
            if hint is None and inst.staged:
                hint = f"staged issues: {', '.join(inst.staged)}"
            self.error(s, e.span, message, hint)
            return _Typed(e, ERR, _NONE)
        names = inst.staged[arg.name]
        sq = inst.issues[names[0]].status_quo
        values = inst.issues[names[0]].values
        deps = frozenset(names)
        if e.name == "moved":
            moved = tuple(v for v in values if v != sq)
            tests = [ast.OptionTest(n, "!=", (sq,), moved, span=e.span) for n in names]
            node: ast.Expr = tests[0] if len(tests) == 1 else ast.BoolOp("or", tuple(tests))
            return _Typed(replace(node, span=e.span), BOOL, deps)
        still = [ast.OptionTest(n, "==", (sq,), (sq,), span=e.span) for n in names]
        prefixes = [
            still[0] if k == 0 else ast.BoolOp("and", tuple(still[: k + 1]), span=e.span)
            for k in range(len(still))
        ]
        return _Typed(ast.Count(tuple(prefixes), span=e.span), NUM, deps)

    def pair_attribute(self, e: ast.Call, s: _Scope) -> _Typed:
        """``attribute(a, b)``: the attribute's table over issues a and b (either order)."""
        names = [self.name_arg(a, "issue", s) for a in e.args]
        if None in names:
            return _Typed(e, ERR, _NONE)
        attr = self.instance.attributes[e.name]
        a, b = names
        pair = (a, b) if (a, b) in attr.pairs else (b, a) if (b, a) in attr.pairs else None
        if pair is None:
            have = [f"{e.name}({x}, {y})" for x, y in attr.pairs]
            self.error(
                s,
                e.span,
                f"attribute '{e.name}' has no table over issues {a} and {b}",
                f"it has {', '.join(have)}" if have else "give one as '" + f"{a},{b}': {{...}}",
            )
            return _Typed(e, ERR, _NONE)
        node = ast.AttributeOf(e.name, pair[0], pair[1], span=e.span)
        return _Typed(node, NUM, frozenset(pair))

    def piecewise(self, e: ast.Call, s: _Scope) -> _Typed:
        """``piecewise(arg, [[x0, y0], ...])``: a numeric ``arg``, at least two breakpoints of
        constant numbers with strictly increasing ``x``."""
        usage = "write piecewise(quantity, [[x0, y0], [x1, y1], ...]) with x0 < x1 < ..."
        if len(e.args) != 2 or not isinstance(e.args[1], ast.ListLit):
            self.error(
                s,
                e.span,
                "piecewise() takes 2 arguments (a number and a list of [x, y] breakpoints), "
                f"got {len(e.args) if len(e.args) != 2 else 'no list'}",
                usage,
            )
            return _Typed(e, ERR, _NONE)
        arg = self.expr(e.args[0], s)
        if not self.need([arg], NUM, s):
            return _Typed(e, ERR, _NONE)
        from dealopt.rules.evaluation import evaluate

        points: list[tuple[Fraction, Fraction]] = []
        for item in e.args[1].items:
            if not isinstance(item, ast.ListLit) or len(item.items) != 2:
                self.error(s, item.span, "expected a breakpoint [x, y] of two numbers", usage)
                return _Typed(e, ERR, _NONE)
            pair = [self.expr(x, s) for x in item.items]
            if not self.need(pair, NUM, s):
                return _Typed(e, ERR, _NONE)
            if any(p.deps for p in pair):
                bad = next(p for p in pair if p.deps)
                self.error(
                    s,
                    bad.expr.span,
                    f"a breakpoint must be a constant, but '{render(bad.expr)}' depends on "
                    f"{_issues(bad.deps)}",
                    usage,
                )
                return _Typed(e, ERR, _NONE)
            x, y = (evaluate(p.expr, self.instance.status_quo, self) for p in pair)
            assert not isinstance(x, bool) and not isinstance(y, bool)
            if points and x <= points[-1][0]:
                self.error(
                    s,
                    item.span,
                    f"breakpoint x values must increase: {_number(x)} comes after "
                    f"{_number(points[-1][0])}",
                    usage,
                )
                return _Typed(e, ERR, _NONE)
            points.append((Fraction(x), Fraction(y)))
        if len(points) < 2:
            self.error(s, e.args[1].span, "piecewise() needs at least two breakpoints", usage)
            return _Typed(e, ERR, _NONE)
        node = ast.Piecewise(arg.expr, tuple(points), span=e.span)
        if len(arg.deps) > 1:
            self.tabulated.append((s, node))
        return _Typed(node, NUM, arg.deps)

    def check_tabulated(self, checked: CheckedInstance) -> None:
        """Each piecewise() over several issues is compiled by tabulating its argument's
        values: refuse, at its position, an argument with too many of them."""
        from dealopt.rules.bounds import MAX_TABULATED, VALUE_SET_CAP, value_set

        for s, node in self.tabulated:
            values = value_set(node.arg, checked, MAX_TABULATED)
            if values is None or len(values) > MAX_TABULATED:
                size = f"more than {VALUE_SET_CAP:,}" if values is None else f"{len(values):,}"
                self.error(
                    s,
                    node.arg.span,
                    f"piecewise() over '{render(node.arg)}' would tabulate {size} values "
                    f"(at most {MAX_TABULATED:,})",
                    "apply piecewise() to fewer issues (one issue is always fine), use a "
                    "coarser range step, or split the quantity into parts",
                )

    def name_arg(self, arg: ast.Expr, kind: str, s: _Scope) -> str | None:
        """The name ``arg`` gives, if it is the name of a ``kind`` (issue, party, attribute)."""
        inst = self.instance
        known = {"issue": inst.issues, "party": inst.parties, "attribute": inst.attributes}[kind]
        if isinstance(arg, ast.Name) and arg.name in known:
            return arg.name
        if isinstance(arg, ast.Name):
            message = f"unknown {kind} '{arg.name}'"
            hint = did_you_mean(arg.name, known)
        else:
            message, hint = (
                f"expected the name of {'an' if kind[0] in 'aeiou' else 'a'} {kind}",
                None,
            )
        self.error(s, arg.span, message, hint)
        return None


def _literal(e: ast.Expr) -> Fraction | None:
    """The value of a number literal, possibly negated (an item of ``in {...}``)."""
    if isinstance(e, ast.Negate) and isinstance(e.operand, ast.Number):
        return -e.operand.value
    return e.value if isinstance(e, ast.Number) else None


def _number(value: Fraction) -> str:
    return render(ast.Number(value)) if value >= 0 else "-" + render(ast.Number(-value))


def _union(parts: Iterable[_Typed]) -> frozenset[str]:
    out: frozenset[str] = _NONE
    for p in parts:
        out |= p.deps
    return out


def _issues(deps: frozenset[str]) -> str:
    names = sorted(deps)
    return ("issue " if len(names) == 1 else "issues ") + ", ".join(names)


def renumbered(checked: CheckedInstance, instance: Instance) -> CheckedInstance:
    """The checked trees of ``checked`` for ``instance``: a copy of ``checked.instance`` with
    other numbers (weights, scores, attributes, no-deal values, constant term values,
    quantities that are plain numbers) and possibly fewer red lines, but the same expressions
    (a sweep's scenario).

    Expressions name tables and read their numbers only when evaluated, so their trees carry
    over; constant term values and plain-number quantities are renewed. Nothing is parsed again.
    """
    from dealopt.spec.uncertainty import plain_number

    quantities = dict(checked.quantities)
    for name, quantity in instance.quantities.items():
        constant = plain_number(quantity.expr.text)
        if constant is not None and name in quantities:
            quantities[name] = ast.Number(Fraction(constant))
    terms = {}
    for party, checked_terms in checked.terms.items():
        interest = instance.interests.get(party)
        renewed = []
        for k, t in enumerate(checked_terms):
            term = interest.terms[k] if interest is not None else t.term
            value = (
                ast.Number(Fraction(term.value)) if not isinstance(term.value, Text) else t.value
            )
            renewed.append(CheckedTerm(term, t.when, value))
        terms[party] = tuple(renewed)
    red_lines = {
        party: tuple(r for r in lines if r.rule in instance.red_lines.get(party, ()))
        for party, lines in checked.red_lines.items()
    }
    return CheckedInstance(
        instance=instance,
        quantities=frozen_map(quantities),
        rules=checked.rules,
        red_lines=frozen_map(red_lines),
        terms=frozen_map(terms),
        quantity_deps=checked.quantity_deps,
        utility_deps=checked.utility_deps,
    )
