"""The syntax tree of the rule language.

Every node is a frozen dataclass with a ``span``: the ``(start, end)`` character indices of the
node in the text it was parsed from. Spans are left out of equality and ``repr``, so two trees
are equal when they say the same thing, wherever they were written.

There are two families of nodes:

* what :func:`dealopt.rules.parse` produces: numbers, names, calls, operators. A bare
  :class:`Name` or :class:`Call` says nothing yet about what it names.
* what :func:`dealopt.rules.check` produces: the same operators, but every :class:`Name`,
  :class:`Call` and :class:`InSet` replaced by a resolved node that says what it is
  (:class:`IssueValue`, :class:`OptionTest`, :class:`QuantityRef`, :class:`AttributeOf`,
  :class:`Total`, :class:`Level`, :class:`UtilityOf`, :class:`ScoreOf`, :class:`Count`).
  A checked tree holds no :class:`Name`, :class:`Call` or :class:`InSet`.

The checked trees of a whole instance are gathered in a :class:`CheckedInstance`, with
:meth:`CheckedInstance.depends_on`: which issues an expression depends on.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from fractions import Fraction
from typing import Any, Literal

from dealopt.spec.model import Instance, Rule, Term, Value

CompareOp = Literal["==", "!=", "<", "<=", ">", ">="]
COMPARE_OPS: tuple[str, ...] = ("==", "!=", "<", "<=", ">", ">=")
#: What each comparison operator computes.
COMPARE_FUNCS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
#: ``a op b`` is ``b FLIPPED[op] a``.
FLIPPED: dict[str, str] = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
#: The names a call can have besides attribute names.
BUILTINS: tuple[str, ...] = (
    "level",
    "total",
    "utility",
    "score",
    "count",
    "piecewise",
    "start",
    "moved",
)
KEYWORDS: frozenset[str] = frozenset({"and", "or", "not", "in", "true", "false"})


@dataclass(frozen=True)
class Expr:
    """Base of every node. ``span`` is ``(start, end)`` in the source text, ignored by ``==``."""

    span: tuple[int, int] = field(default=(0, 0), compare=False, repr=False, kw_only=True)


# --- nodes of both families ------------------------------------------------------------------


@dataclass(frozen=True)
class Number(Expr):
    """A number literal, exact. Parsed numbers are never negative (``-3`` is a Negate)."""

    value: Fraction


@dataclass(frozen=True)
class BoolConst(Expr):
    """``true`` or ``false``."""

    value: bool


@dataclass(frozen=True)
class Sum(Expr):
    """``first ± term ± term ...``: a chain of ``+`` and ``-``, kept flat (left to right).

    ``rest`` holds ``(op, term)`` pairs with ``op`` ``"+"`` or ``"-"``. A parenthesised sum
    inside a sum stays a nested :class:`Sum`.
    """

    first: Expr
    rest: tuple[tuple[Literal["+", "-"], Expr], ...]


@dataclass(frozen=True)
class BinaryOp(Expr):
    """``left * right`` or ``left / right`` (``op`` is ``"*"`` or ``"/"``), left-associative.

    In a checked tree, a ``*`` has a constant factor or two factors that each depend on at most
    one issue; a ``/`` has a constant, nonzero right side.
    """

    op: Literal["*", "/"]
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Negate(Expr):
    """Unary minus: ``-operand``."""

    operand: Expr


@dataclass(frozen=True)
class Compare(Expr):
    """``left op right`` with ``op`` one of ``== != < <= > >=``.

    In a checked tree both sides are numeric: comparisons of an issue with its options become
    :class:`OptionTest`.
    """

    op: CompareOp
    left: Expr
    right: Expr


@dataclass(frozen=True)
class BoolOp(Expr):
    """``a and b and ...`` or ``a or b or ...`` (``op`` is ``"and"`` or ``"or"``), flat.

    A parenthesised ``and`` inside an ``and`` stays a nested :class:`BoolOp`.
    """

    op: Literal["and", "or"]
    operands: tuple[Expr, ...]


@dataclass(frozen=True)
class Not(Expr):
    """``not operand``."""

    operand: Expr


@dataclass(frozen=True)
class Implies(Expr):
    """``left -> right`` (right-associative: ``a -> b -> c`` is ``a -> (b -> c)``)."""

    left: Expr
    right: Expr


@dataclass(frozen=True)
class Iff(Expr):
    """``left <-> right`` (left-associative, the lowest precedence)."""

    left: Expr
    right: Expr


# --- parse-only nodes: resolved away by the checker ------------------------------------------


@dataclass(frozen=True)
class Name(Expr):
    """A bare name, not yet resolved (issue, quantity or option)."""

    name: str


@dataclass(frozen=True)
class Call(Expr):
    """``name(arg, ...)``, not yet resolved (a builtin or an attribute)."""

    name: str
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class InSet(Expr):
    """``left in {item, ...}``; items are :class:`Name`, :class:`Number` or negated
    :class:`Number` nodes (``-3``, for range issues below zero)."""

    left: Expr
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class ListLit(Expr):
    """``[item, ...]``: only the breakpoints of ``piecewise`` (and their pairs) use it."""

    items: tuple[Expr, ...]


# --- resolved nodes: what the checker produces -----------------------------------------------


@dataclass(frozen=True)
class IssueValue(Expr):
    """A range issue used as a number: the chosen integer."""

    issue: str


@dataclass(frozen=True)
class OptionTest(Expr):
    """A condition on one issue's chosen value.

    ``op`` is a comparison operator (``issue op options[0]``) or ``"in"``
    (``issue in {options...}``), kept so the text can be rendered back. ``allowed`` is what a
    compiler needs: every value of the issue (in the issue's order) for which the test holds.
    """

    issue: str
    op: Literal["==", "!=", "<", "<=", ">", ">=", "in"]
    options: tuple[Value, ...]
    allowed: tuple[Value, ...]


@dataclass(frozen=True)
class QuantityRef(Expr):
    """A named quantity; its checked tree is ``CheckedInstance.quantities[name]``."""

    name: str


@dataclass(frozen=True)
class AttributeOf(Expr):
    """``attribute(issue)``: the attribute of the chosen value (unlisted values count 0);
    ``attribute(issue, second)``: the entry of its table over the two issues (``pair``, the
    issues in the order the table is written)."""

    attribute: str
    issue: str
    second: str | None = None

    @property
    def pair(self) -> tuple[str, str] | None:
        return None if self.second is None else (self.issue, self.second)


@dataclass(frozen=True)
class Total(Expr):
    """``total(attribute)``: the attribute of the chosen values, summed over all issues."""

    attribute: str


@dataclass(frozen=True)
class Level(Expr):
    """``level(issue)``: 0-based position of the chosen value in the issue's order."""

    issue: str


@dataclass(frozen=True)
class UtilityOf(Expr):
    """``utility(party)``: the party's whole utility (weighted scores plus terms)."""

    party: str


@dataclass(frozen=True)
class ScoreOf(Expr):
    """``score(party, issue)``: the party's (unweighted) score of the chosen value; 0 if none."""

    party: str
    issue: str


@dataclass(frozen=True)
class Count(Expr):
    """``count(cond, ...)``: how many of the conditions hold."""

    conditions: tuple[Expr, ...]


@dataclass(frozen=True)
class Piecewise(Expr):
    """``piecewise(arg, [[x0, y0], [x1, y1], ...])``: the piecewise-linear function through
    the breakpoints (``x`` strictly increasing), constant before the first and after the last,
    applied to the numeric ``arg``. Exact: see :meth:`at`."""

    arg: Expr
    points: tuple[tuple[Fraction, Fraction], ...]

    def at(self, x: Fraction) -> Fraction:
        """The function's value at ``x``, exactly (linear interpolation in Fractions)."""
        pts = self.points
        if x <= pts[0][0]:
            return pts[0][1]
        for (x0, y0), (x1, y1) in itertools.pairwise(pts):
            if x <= x1:
                return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
        return pts[-1][1]


def children(expr: Expr) -> tuple[Expr, ...]:
    """The direct subexpressions of a node, left to right."""
    out: list[Expr] = []
    for f in fields(expr):
        value = getattr(expr, f.name)
        if isinstance(value, Expr):
            out.append(value)
        elif isinstance(value, tuple):
            for item in value:
                if isinstance(item, Expr):
                    out.append(item)
                elif isinstance(item, tuple):  # Sum.rest: (op, term) pairs
                    out.extend(x for x in item if isinstance(x, Expr))
    return tuple(out)


def walk(expr: Expr) -> list[Expr]:
    """Every node of the tree, parents before children (iterative: no recursion limit)."""
    out: list[Expr] = []
    stack = [expr]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(children(node)))
    return out


def depth(expr: Expr) -> int:
    """The height of the tree (a leaf has depth 1), computed without recursion."""
    best = 0
    stack = [(expr, 1)]
    while stack:
        node, d = stack.pop()
        best = max(best, d)
        stack.extend((child, d + 1) for child in children(node))
    return best


def with_children(expr: Expr, new: tuple[Expr, ...] | list[Expr]) -> Expr:
    """A copy of ``expr`` (same span) with its direct subexpressions replaced, in the order
    :func:`children` lists them: the generic way to rebuild a tree bottom-up."""
    it = iter(new)

    def swap(x: object) -> object:
        if isinstance(x, Expr):
            return next(it)
        if isinstance(x, tuple):
            return tuple(swap(y) for y in x)
        return x

    return replace(expr, **{f.name: swap(getattr(expr, f.name)) for f in fields(expr)})


# --- a checked instance: what the compiler reads --------------------------------------------


@dataclass(frozen=True)
class CheckedRule:
    """A rule or red line of the instance and its checked condition."""

    rule: Rule
    expr: Expr


@dataclass(frozen=True)
class CheckedTerm:
    """A utility term: its checked condition (None: always) and checked numeric value."""

    term: Term
    when: Expr | None
    value: Expr


@dataclass(frozen=True)
class CheckedInstance:
    """An instance with every expression parsed, resolved and type-checked.

    ``quantities``: checked tree of each quantity, by name (file order). ``rules``: the rules,
    in ``instance.rules`` order. ``red_lines`` and ``terms``: by party, for every party (empty
    when it has none). ``quantity_deps`` / ``utility_deps``: the issues each quantity / each
    party's utility depends on.
    """

    instance: Instance
    quantities: Mapping[str, Expr]
    rules: tuple[CheckedRule, ...]
    red_lines: Mapping[str, tuple[CheckedRule, ...]]
    terms: Mapping[str, tuple[CheckedTerm, ...]]
    quantity_deps: Mapping[str, frozenset[str]] = field(repr=False)
    utility_deps: Mapping[str, frozenset[str]] = field(repr=False)

    def depends_on(self, expr: Expr) -> frozenset[str]:
        """The issues whose choice can change the value of ``expr`` (through quantities and
        ``utility()`` too). Empty means constant. A sound over-approximation: an issue whose
        table is constant (all zero, say) is left out, a single-valued issue is not."""
        return node_deps(walk(expr), self.instance, self.quantity_deps, self.utility_deps)

    def all_rules(self) -> Iterator[CheckedRule]:
        """Every rule, then every red line, in file order (as ``Instance.all_rules``)."""
        yield from self.rules
        for lines in self.red_lines.values():
            yield from lines


def varies(values: Iterable[object]) -> bool:
    return len(set(values)) > 1


def node_deps(
    nodes: Iterable[Expr],
    instance: Instance,
    quantity_deps: Mapping[str, frozenset[str]],
    utility_deps: Mapping[str, frozenset[str]],
) -> frozenset[str]:
    """The issues the given nodes depend on, each node taken alone (not its children): the
    leaves' own dependencies, with those of quantities and utilities looked up."""
    out: set[str] = set()
    for node in nodes:
        match node:
            case Level(issue=i) | IssueValue(issue=i) | OptionTest(issue=i):
                out.add(i)
            case AttributeOf(attribute=a, issue=i, second=j) if j is not None:
                out.update((i, j))
            case AttributeOf(attribute=a, issue=i):
                attr, issue = instance.attributes[a], instance.issues[i]
                if varies(attr.of(i, v) for v in issue.values):
                    out.add(i)
            case Total(attribute=a):
                attr = instance.attributes[a]
                for pair in attr.pairs:
                    out.update(pair)
                out.update(
                    i
                    for i in attr.tables
                    if i in instance.issues
                    and varies(attr.of(i, v) for v in instance.issues[i].values)
                )
            case ScoreOf(party=p, issue=i):
                interest = instance.interests.get(p)
                if interest and varies(interest.score(i, v) for v in instance.issues[i].values):
                    out.add(i)
            case QuantityRef(name=n):
                out.update(quantity_deps.get(n, ()))
            case UtilityOf(party=p):
                out.update(utility_deps.get(p, ()))
    return frozenset(out)
