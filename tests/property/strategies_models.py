"""Hypothesis strategies for small random CompiledModels, and a plain-Python brute force.

The brute force deliberately shares no code with the backends: ``itertools.product`` over the
groups, definitions evaluated one by one with ``LinExpr.value``, an O(n²)-ish dominance check.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from fractions import Fraction

from hypothesis import strategies as st

from dealopt.compile.model import (
    BoolAnd,
    BoolOr,
    CompiledModel,
    Label,
    LinearConstraint,
    LinExpr,
    Lit,
    ReifiedLinear,
    Require,
)

RULE = Label("rule", text="random")


def _range(expr: LinExpr) -> tuple[int, int]:
    lo = expr.constant + sum(min(c, 0) for _, c in expr.terms)
    hi = expr.constant + sum(max(c, 0) for _, c in expr.terms)
    return lo, hi


def _linexpr(draw: st.DrawFn, variables: Sequence[int], coef: int, size: int) -> LinExpr:
    terms = draw(
        st.lists(
            st.tuples(st.sampled_from(variables), st.integers(-coef, coef)),
            min_size=1,
            max_size=size,
        )
    )
    return LinExpr(tuple(terms), draw(st.integers(-3, 3)))


def _interval(draw: st.DrawFn, lo: int, hi: int) -> tuple[int | None, int | None]:
    a = draw(st.one_of(st.none(), st.integers(lo - 1, hi + 1)))
    b = draw(st.one_of(st.none(), st.integers(lo - 1, hi + 1)))
    if a is not None and b is not None and a > b:
        a, b = b, a
    return a, b


@st.composite
def compiled_models(
    draw: st.DrawFn,
    *,
    objectives: tuple[int, int] = (2, 4),
    min_groups: int = 2,
    max_groups: int = 6,
    max_options: int = 4,
    max_deals: int = 4096,
    max_definitions: int = 4,
    max_constraints: int = 3,
    coef: int = 6,
) -> CompiledModel:
    """A random small model: one-hot groups, definitions over earlier variables, constraints
    (Require and LinearConstraint) and integer objectives with negative coefficients too."""
    sizes: list[int] = []
    # Sizes drawn from a list, not shrunk towards 1: most examples should have real spaces.
    options = st.sampled_from([max_options, max_options - 1, 2, 1][: max(1, max_options)])
    for _ in range(draw(st.integers(min(min_groups, max_groups), max_groups))):
        size = max(1, draw(options))
        if _product(sizes) * size > max_deals:
            break
        sizes.append(size)
    choices, n = [], 0
    for size in sizes:
        choices.append(tuple(range(n, n + size)))
        n += size
    definitions = []
    for _ in range(draw(st.integers(0, max_definitions))):
        earlier = list(range(n))
        kind = draw(st.sampled_from(["linear", "and", "or"]))
        if kind == "linear":
            expr = _linexpr(draw, earlier, 4, 4)
            lo, hi = _interval(draw, *_range(expr))
            definitions.append(ReifiedLinear(n, expr, lo, hi, _range(expr)))
        else:
            lits = draw(
                st.lists(st.tuples(st.sampled_from(earlier), st.booleans()), min_size=0, max_size=3)
            )
            cls = BoolAnd if kind == "and" else BoolOr
            definitions.append(cls(n, tuple(lits)))
        n += 1
    every = list(range(n))
    constraints: list[Require | LinearConstraint] = []
    for _ in range(draw(st.integers(0, max_constraints))):
        if draw(st.booleans()):
            constraints.append(Require((draw(st.sampled_from(every)), draw(st.booleans())), RULE))
        else:
            expr = _linexpr(draw, every, 4, 4)
            lo, hi = _interval(draw, *_range(expr))
            constraints.append(LinearConstraint(expr, lo, hi, RULE, _range(expr)))
    objs = []
    for _ in range(draw(st.integers(*objectives))):
        # Dense: a coefficient for every variable, so frontiers have several points.
        cs = draw(st.lists(st.integers(-coef, coef), min_size=n, max_size=n))
        terms = tuple((v, c) for v, c in zip(every, cs, strict=True) if c)
        objs.append(LinExpr(terms, draw(st.integers(-3, 3))))
    return CompiledModel(
        num_vars=n,
        choices=tuple(choices),
        definitions=tuple(definitions),
        constraints=tuple(constraints),
        objectives=tuple(objs),
        scales=tuple(Fraction(1) for _ in objs),
        objective_bounds=tuple(_range(e) for e in objs),
    )


def _product(sizes: Sequence[int]) -> int:
    out = 1
    for s in sizes:
        out *= s
    return out


# Brute force ------------------------------------------------------------------------------------


def _holds(lit: Lit, values: Sequence[int]) -> bool:
    return bool(values[lit[0]]) == lit[1]


def _within(x: int, lo: int | None, hi: int | None) -> bool:
    return (lo is None or x >= lo) and (hi is None or x <= hi)


def all_deals(model: CompiledModel) -> Iterator[tuple[tuple[int, ...], bool]]:
    """Every deal's full 0/1 values in ``itertools.product`` order, and whether it is feasible."""
    for picks in itertools.product(*model.choices):
        values = [0] * model.num_vars
        for v in picks:
            values[v] = 1
        for d in model.definitions:
            if isinstance(d, ReifiedLinear):
                values[d.var] = int(_within(d.expr.value(values), d.lo, d.hi))
            elif isinstance(d, BoolAnd):
                values[d.var] = int(all(_holds(x, values) for x in d.literals))
            else:
                assert isinstance(d, BoolOr)
                values[d.var] = int(any(_holds(x, values) for x in d.literals))
        ok = all(
            _holds(c.literal, values)
            if isinstance(c, Require)
            else _within(c.expr.value(values), c.lo, c.hi)
            for c in model.constraints
        )
        yield tuple(values), ok


def feasible_deals(
    model: CompiledModel, bounds: dict[int, tuple[int | None, int | None]] | None = None
) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """``(values, objectives)`` of every feasible deal inside the objective bounds, in order."""
    out = []
    for values, ok in all_deals(model):
        if not ok:
            continue
        objs = tuple(e.value(values) for e in model.objectives)
        if all(_within(objs[k], lo, hi) for k, (lo, hi) in (bounds or {}).items()):
            out.append((values, objs))
    return out


def brute_frontier(
    model: CompiledModel, bounds: dict[int, tuple[int | None, int | None]] | None = None
) -> dict[tuple[int, ...], tuple[int, ...]]:
    """Nondominated objective vector -> the first deal (in enumeration order) attaining it."""
    first: dict[tuple[int, ...], tuple[int, ...]] = {}
    for values, objs in feasible_deals(model, bounds):
        first.setdefault(objs, values)
    # In lexicographically descending order a vector can only be dominated by an earlier one,
    # and then also by an earlier nondominated one: compare against the frontier so far.
    nd: list[tuple[int, ...]] = []
    for y in sorted(first, reverse=True):
        if not any(all(a >= b for a, b in zip(o, y, strict=True)) for o in nd):
            nd.append(y)
    return {y: first[y] for y in nd}
