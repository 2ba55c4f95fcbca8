"""Hypothesis strategies: random small instances as instance-file data (for ``dealopt.instance``).

Every instance uses the whole rule language: option tests (``==``, ``!=``, order comparisons,
``in``), ``and``/``or``/``not``/``->``/``<->``, attributes, ``total``, ``level``, ``score``,
``count``, quantities, pairwise products, division by a constant, and ``utility(p)`` in red lines
and rules. Expressions come from :mod:`strategies_rules` (well-typed and linear by
construction) and are rendered to text, so the spec loader and the rule parser see them as a
user's file would.

Bundle spaces stay small (at most :data:`MAX_DEALS` deals) so a test can enumerate them with
the rules oracle.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from strategies_rules import World, condition, numeric, single_issue

import dealopt
from dealopt.rules import ast as A
from dealopt.rules import render
from dealopt.rules.oracle import Oracle

OPTION_POOL = ["a", "b", "c", "d", "e", "f"]
MAX_DEALS = 1024


def decimals(lo: int = -30, hi: int = 30) -> st.SearchStrategy[Decimal]:
    """Exact decimals such as ``-3``, ``2.5``, ``0.25`` or ``-1.7``."""
    return st.builds(
        lambda k, d: Decimal(k) / d, st.integers(lo, hi), st.sampled_from([1, 1, 2, 4, 10])
    )


def _table(draw: st.DrawFn, values: tuple, ranged: bool) -> Any:
    """A score or attribute table: some values with decimals (unlisted count 0), or linear."""
    if ranged and draw(st.integers(0, 2)) == 0:
        return "linear"
    # most values scored (an empty table would make the utility constant)
    return {v: draw(decimals()) for v in values if draw(st.integers(0, 4)) < 4}


def _text(expr: A.Expr) -> str:
    return render(expr)


@st.composite
def instance_data(draw: st.DrawFn, max_deals: int = MAX_DEALS) -> dict[str, Any]:
    """A random small instance as data shaped like an instance file.

    2-4 parties, 1-6 issues of 1-4 values (some integer ranges), random weights and scores
    (negative and decimal too), attributes, quantities, terms (with and without ``when``, one
    pairwise product now and then), red lines (some with ``utility(p)``), rules, and random
    no-deal values (or none: the status quo's utility).
    """
    issues: dict[str, dict[str, Any]] = {}
    values_of: dict[str, tuple] = {}
    ranges: set[str] = set()
    space = 1
    for k in range(draw(st.sampled_from([4, 5, 3, 6, 2, 1]))):
        size = draw(st.sampled_from([3, 4, 2, 3, 4, 1]))
        if space * size > max_deals:
            break
        space *= size
        name = f"i{k}"
        if draw(st.integers(0, 2)) == 2:
            lo, step = draw(st.integers(-5, 5)), draw(st.integers(1, 3))
            values: tuple = tuple(range(lo, lo + step * size, step))
            hi = values[-1] + draw(st.integers(0, step - 1))  # hi need not be on the grid
            doc: dict[str, Any] = {"range": [lo, hi, step] if step > 1 else [lo, hi]}
            ranges.add(name)
        else:
            values = tuple(
                draw(
                    st.lists(
                        st.sampled_from(OPTION_POOL), min_size=size, max_size=size, unique=True
                    )
                )
            )
            doc = {"options": list(values)}
        if draw(st.booleans()):
            doc["status_quo"] = draw(st.sampled_from(values))
        issues[name] = doc
        values_of[name] = values
    if not issues:  # the first draw was too large: one small issue
        issues["i0"] = {"options": ["a", "b"]}
        values_of["i0"] = ("a", "b")
    names = list(issues)
    parties = [f"p{k}" for k in range(draw(st.integers(2, 4)))]
    attributes = [f"v{k}" for k in range(draw(st.integers(1, 2)))]
    world = World(dict(values_of), ranges, attributes, parties, [])

    attribute_docs = {}
    for v in attributes:
        chosen = draw(st.lists(st.sampled_from(names), unique=True, min_size=1))
        attribute_docs[v] = {i: _table(draw, values_of[i], i in ranges) for i in chosen}

    quantities: dict[str, str] = {}
    for k in range(draw(st.integers(0, 2))):
        quantities[f"q{k}"] = _text(numeric(draw, world, 1))
        world.quantities.append(f"q{k}")

    interests: dict[str, Any] = {}
    for p in parties:
        if draw(st.integers(0, 5)) == 5:
            continue  # a party without interests: utility 0 everywhere
        scored = [i for i in names if draw(st.integers(0, 3)) < 3] or names[:1]
        scores = {i: _table(draw, values_of[i], i in ranges) for i in scored}
        weights = {i: draw(decimals(-6, 6)) for i in scored if draw(st.booleans())}
        terms: list[dict[str, Any]] = []
        for t in range(draw(st.integers(0, 2))):
            term: dict[str, Any] = {"label": f"term {t}"}
            kind = draw(st.integers(0, 2))
            if kind == 0:
                term["value"] = draw(decimals())
            elif kind == 1:
                term["value"] = _text(numeric(draw, world, 1))
            else:  # a pairwise interaction: two factors on one issue each
                a, b = draw(st.sampled_from(names)), draw(st.sampled_from(names))
                product = A.BinaryOp(
                    "*", single_issue(draw, world, a, 1), single_issue(draw, world, b, 1)
                )
                term["value"] = _text(product)
            if draw(st.booleans()):
                term["when"] = _text(condition(draw, world, 1))
            terms.append(term)
        interests[p] = {"scores": scores, "weights": weights, "terms": terms}

    party_docs: dict[str, dict[str, Any]] = {}
    for p in parties:
        doc = {"label": f"Party {p}"}
        choice = draw(st.integers(0, 3))
        if choice == 1:
            doc["no_deal"] = draw(decimals())
        elif choice == 2:
            doc["no_deal"] = draw(decimals(-300, 300))
        elif choice == 3:
            doc["no_deal"] = Decimal(-(10**6))  # below everything: the zone is the frontier
        party_docs[p] = doc
    # Hard rules last, so that they can be fitted to an anchor deal: a rule false on the anchor
    # is negated, most of the time, so most instances keep feasible deals (and some have none).
    data: dict[str, Any] = {
        "dealopt": 1,
        "name": "random",
        "parties": party_docs,
        "issues": issues,
        "attributes": attribute_docs,
        "quantities": quantities,
        "interests": interests,
    }
    oracle = Oracle(dealopt.instance(data))
    anchor = {i: draw(st.sampled_from(values_of[i])) for i in names}

    def hard() -> str:
        rule = condition(draw, world, 2, True)
        if draw(st.booleans()):
            other = condition(draw, world, 1, True)
            rule = A.Implies(other, rule) if draw(st.booleans()) else A.BoolOp("or", (rule, other))
        text = _text(rule)
        if not oracle.evaluate(text, anchor) and draw(st.integers(0, 4)) < 4:
            text = _text(A.Not(rule))
        return text

    red_lines: dict[str, list[dict[str, str]]] = {}
    for p in parties:
        n = draw(st.sampled_from([0, 1, 1, 2]))
        if n:
            red_lines[p] = [{"label": f"{p} line {k}", "rule": hard()} for k in range(n)]
    rules = [{"label": f"rule {k}", "rule": hard()} for k in range(draw(st.integers(0, 2)))]
    return {**data, "red_lines": red_lines, "rules": rules}


def long_decimals() -> st.SearchStrategy[Decimal]:
    """16-digit decimals close to small integers, as machine-written files carry them: too
    fine for an exact integer scale, so the compiler must round (a nonzero resolution)."""
    return st.builds(
        lambda base, tiny: Decimal(base) + Decimal(tiny).scaleb(-16),
        st.integers(-3, 5),
        st.integers(-99, 99),
    )


@st.composite
def long_decimal_data(draw: st.DrawFn) -> dict[str, Any]:
    """A small instance whose scores are :func:`long_decimals` (near ties included)."""
    issues = {
        f"i{k}": {"options": OPTION_POOL[: draw(st.integers(2, 3))]}
        for k in range(draw(st.integers(1, 4)))
    }
    parties = [f"p{k}" for k in range(draw(st.integers(2, 3)))]
    interests = {
        p: {
            "scores": {
                i: {o: draw(long_decimals()) for o in doc["options"]} for i, doc in issues.items()
            }
        }
        for p in parties
    }
    party_docs = {p: {"no_deal": draw(st.sampled_from([-1000, 0, 2]))} for p in parties}
    return {
        "dealopt": 1,
        "name": "long decimals",
        "parties": party_docs,
        "issues": issues,
        "interests": interests,
    }
