"""Hypothesis strategies: small random instances and well-typed, linear rule expressions.

Expressions are generated as parse-level trees (:class:`Name`, :class:`Call`, ...) that the
checker accepts: products have a constant factor or two factors on one issue each, divisions a
positive constant. Names come from disjoint pools (issues ``i*``, options ``a``..``f``, shared
between issues on purpose, quantities ``q*``, parties ``p*``, attributes ``v*``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from hypothesis import strategies as st

from dealopt.rules import ast as A
from dealopt.rules import render
from dealopt.spec.model import (
    LINEAR,
    Attribute,
    Instance,
    Interest,
    Issue,
    Party,
    Quantity,
    Term,
    Text,
    frozen_map,
)

OPTION_POOL = ["a", "b", "c", "d", "e", "f"]
OPS = list(A.COMPARE_OPS)


@dataclass
class World:
    """The names an expression may use."""

    issues: dict[str, tuple]  # name -> values
    ranges: set[str]
    attributes: list[str]
    parties: list[str]
    quantities: list[str]


def _pick(draw, items):
    items = tuple(items)
    return items[draw(st.integers(0, len(items) - 1))]


def number(draw) -> A.Number:
    """A non-negative decimal literal."""
    return A.Number(Fraction(draw(st.integers(0, 40)), _pick(draw, (1, 1, 2, 4, 10, 100))))


def literal(value: int) -> A.Expr:
    """An integer as the parser reads it: ``-3`` is a negated literal."""
    n = A.Number(Fraction(abs(value)))
    return A.Negate(n) if value < 0 else n


def decimals() -> st.SearchStrategy[Decimal]:
    return st.builds(lambda k, d: Decimal(k) / d, st.integers(-30, 30), st.sampled_from([1, 2, 10]))


# Generators are plain functions of hypothesis' ``draw``, not nested strategies: building
# recursive strategy objects per instance made generation the bottleneck.


def leaf_on(draw, w: World, issue: str) -> A.Expr:
    """A numeric leaf depending on ``issue`` only."""
    choice = draw(st.integers(0, 3 if issue in w.ranges else 2))
    if choice == 0:
        return A.Call("level", (A.Name(issue),))
    if choice == 1:
        return A.Call(_pick(draw, w.attributes), (A.Name(issue),))
    if choice == 2:
        return A.Call("score", (A.Name(_pick(draw, w.parties)), A.Name(issue)))
    return A.Name(issue)


def condition_on(draw, w: World, issue: str) -> A.Expr:
    """A condition on ``issue`` only: an option test, or a numeric comparison."""
    values = w.issues[issue]
    ranged = issue in w.ranges

    def item() -> A.Expr:
        value = _pick(draw, values)
        return literal(value) if ranged else A.Name(value)

    choice = draw(st.integers(0, 2))
    if choice == 0:
        k = draw(st.integers(1, 3))
        return A.InSet(A.Name(issue), tuple(item() for _ in range(k)))
    op = _pick(draw, OPS)
    if choice == 1:
        if not ranged and draw(st.booleans()):
            return A.Compare(op, item(), A.Name(issue))  # the option on the left
        return A.Compare(op, A.Name(issue), item())
    return A.Compare(op, leaf_on(draw, w, issue), number(draw))


def single_issue(draw, w: World, issue: str, depth: int) -> A.Expr:
    """A numeric expression depending on ``issue`` only (any function of it is allowed)."""
    choice = draw(st.integers(0, 5)) if depth > 0 else draw(st.integers(4, 5))
    sub = lambda: single_issue(draw, w, issue, depth - 1)  # noqa: E731
    if choice == 0:
        return A.BinaryOp("*", sub(), sub())
    if choice == 1:
        return A.Sum(sub(), ((_pick(draw, "+-"), sub()),))
    if choice == 2:
        return A.Negate(sub())
    if choice == 3:
        k = draw(st.integers(1, 2))
        return A.Call("count", tuple(condition_on(draw, w, issue) for _ in range(k)))
    if choice == 4:
        return leaf_on(draw, w, issue)
    return number(draw)


def numeric_leaf(draw, w: World, utility: bool) -> A.Expr:
    choice = draw(st.integers(0, 4))
    if choice == 0 or (choice == 3 and not w.quantities) or (choice == 4 and not utility):
        return leaf_on(draw, w, _pick(draw, sorted(w.issues)))
    if choice == 1:
        return number(draw)
    if choice == 2:
        return A.Call("total", (A.Name(_pick(draw, w.attributes)),))
    if choice == 3:
        return A.Name(_pick(draw, w.quantities))
    return A.Call("utility", (A.Name(_pick(draw, w.parties)),))


def numeric(draw, w: World, depth: int, utility: bool = False) -> A.Expr:
    """A numeric expression over several issues, kept linear."""
    # Operators first: hypothesis leans towards small choices, and leaves come anyway.
    choice = draw(st.integers(0, 9)) if depth > 0 else 9
    sub = lambda: numeric(draw, w, depth - 1, utility)  # noqa: E731
    if choice == 0:
        k = draw(st.integers(1, 2))
        return A.Sum(sub(), tuple((_pick(draw, "+-"), sub()) for _ in range(k)))
    if choice == 1:
        i, j = _pick(draw, sorted(w.issues)), _pick(draw, sorted(w.issues))
        return A.BinaryOp("*", single_issue(draw, w, i, 1), single_issue(draw, w, j, 1))
    if choice == 2:
        return A.Negate(sub())
    if choice == 3:
        return A.BinaryOp("*", number(draw), sub())
    if choice == 4:
        return A.BinaryOp("*", sub(), number(draw))
    if choice == 5:
        divisor = number(draw)
        return A.BinaryOp("/", sub(), divisor if divisor.value else A.Number(Fraction(3)))
    if choice == 6:
        k = draw(st.integers(1, 3))
        return A.Call("count", tuple(condition(draw, w, depth - 1, utility) for _ in range(k)))
    return numeric_leaf(draw, w, utility)


def condition(draw, w: World, depth: int, utility: bool = False) -> A.Expr:
    """A condition over several issues."""
    choice = draw(st.integers(0, 6)) if depth > 0 else draw(st.integers(4, 6))
    sub = lambda: condition(draw, w, depth - 1, utility)  # noqa: E731
    if choice == 0:
        k = draw(st.integers(2, 3))
        return A.BoolOp(_pick(draw, ("and", "or")), tuple(sub() for _ in range(k)))
    if choice == 1:
        return A.Implies(sub(), sub()) if draw(st.booleans()) else A.Iff(sub(), sub())
    if choice == 2:
        return A.Not(sub())
    if choice == 3:
        return A.BoolConst(draw(st.booleans()))
    if choice == 4:
        return condition_on(draw, w, _pick(draw, sorted(w.issues)))
    num = lambda: numeric(draw, w, min(depth, 1), utility)  # noqa: E731
    return A.Compare(_pick(draw, OPS), num(), num())


@st.composite
def numerics(draw, w: World, depth: int = 2, utility: bool = True) -> A.Expr:
    return numeric(draw, w, depth, utility)


@st.composite
def conditions(draw, w: World, depth: int = 2, utility: bool = True) -> A.Expr:
    return condition(draw, w, depth, utility)


@st.composite
def expressions(draw, w: World, depth: int = 2, utility: bool = True) -> A.Expr:
    if draw(st.booleans()):
        return numeric(draw, w, depth, utility)
    return condition(draw, w, depth, utility)


def _table(values: tuple, draw) -> object:
    if isinstance(values[0], int) and draw(st.booleans()):
        return LINEAR
    chosen = draw(st.lists(st.sampled_from(values), unique=True, max_size=len(values)))
    return frozen_map({v: draw(decimals()) for v in chosen})


@st.composite
def worlds_and_instances(draw) -> tuple[World, Instance]:
    """A random small instance, and the names its expressions may use."""
    n_issues = draw(st.integers(2, 4))
    issues: dict[str, Issue] = {}
    ranges: set[str] = set()
    for k in range(n_issues):
        name = f"i{k}"
        if draw(st.booleans()):
            lo, step, n = draw(st.integers(-5, 5)), draw(st.integers(1, 3)), draw(st.integers(2, 4))
            values: tuple = tuple(range(lo, lo + step * n, step))
            ranges.add(name)
            kind = "range"
        else:
            values = tuple(
                draw(st.lists(st.sampled_from(OPTION_POOL), min_size=2, max_size=4, unique=True))
            )
            kind = "options"
        issues[name] = Issue(name, values, draw(st.sampled_from(values)), name, kind)  # type: ignore[arg-type]
    parties = [f"p{k}" for k in range(draw(st.integers(1, 3)))]
    attributes = [f"v{k}" for k in range(draw(st.integers(1, 2)))]
    world = World({n: i.values for n, i in issues.items()}, ranges, attributes, parties, [])
    some_issues = st.lists(st.sampled_from(list(issues)), unique=True)
    attrs = {
        v: Attribute(v, frozen_map({i: _table(issues[i].values, draw) for i in draw(some_issues)}))
        for v in attributes
    }
    quantities = {}
    for k in range(draw(st.integers(0, 3))):
        expr = numeric(draw, world, 1)
        quantities[f"q{k}"] = Quantity(f"q{k}", Text(render(expr)))
        world.quantities.append(f"q{k}")
    interests = {}
    for p in parties:
        if draw(st.integers(0, 3)) == 3:
            continue  # a party without interest
        scored = draw(some_issues)
        terms = []
        for t in range(draw(st.integers(0, 2))):
            value = (
                draw(decimals()) if draw(st.booleans()) else Text(render(numeric(draw, world, 1)))
            )
            when = Text(render(condition(draw, world, 1))) if draw(st.booleans()) else None
            terms.append(Term(f"t{t}", value, when))
        interests[p] = Interest(
            p,
            frozen_map({i: draw(decimals()) for i in scored}),
            frozen_map({i: _table(issues[i].values, draw) for i in scored}),
            tuple(terms),
        )
    no_deal = st.none() | decimals()
    instance = Instance(
        name="random",
        parties=frozen_map({p: Party(p, p, draw(no_deal)) for p in parties}),
        issues=frozen_map(issues),
        interests=frozen_map(interests),
        attributes=frozen_map(attrs),
        quantities=frozen_map(quantities),
    )
    return world, instance


@st.composite
def deals(draw, instance: Instance) -> dict:
    return {name: draw(st.sampled_from(issue.values)) for name, issue in instance.issues.items()}
