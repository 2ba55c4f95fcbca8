"""The deal space of an instance as a Pyomo ``Block``, for policy models written in Pyomo.

>>> import pyomo.environ as pyo
>>> from dealopt.pyomo import deal_block, chosen_deal
>>> m = pyo.ConcreteModel()                                        # doctest: +SKIP
>>> m.deal = deal_block("instances/helsinki2018.yaml")             # doctest: +SKIP
>>> m.goal = pyo.Objective(expr=m.deal.utility["us"], sense=pyo.maximize)  # doctest: +SKIP

The block is built from the compiled model (:func:`dealopt.compile.compile_instance`) through
the same MILP form as the ``highs`` and ``pyomo`` backends, so there is one lowering of the
rule language. Pyomo is imported inside the functions.
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path
from typing import Any

from dealopt.backends.milp import linear_form
from dealopt.compile.model import LinExpr
from dealopt.spec.model import Instance, Value


def deal_block(instance: Instance | str | Path) -> Any:
    """A Pyomo ``Block`` holding one deal of ``instance``: options, utilities, rules, red lines.

    Components (names in the words of docs/format.md):

    ``options``
        The set of ``(issue, option)`` pairs (an integer issue's options are its levels).
    ``choose[issue, option]``
        Binary: 1 when the deal picks that option. ``one_option[issue]`` makes it one per issue.
    ``utility[party]``
        Each party's utility as an ``Expression`` of ``choose`` (and ``aux``). The instance's
        numbers are exact decimals; they become floats here, and only here, at the boundary to
        Pyomo (exact decimals everywhere else).
    ``rules[index, part]``, ``red_lines[party, index, part]``
        The instance's rules and each party's red lines, ``index`` their position in the file;
        a rule the compiler split (``a and b``) has several ``part`` s. ``deactivate()`` one to
        drop it; ``labels`` maps each key to the rule's own text.
    ``acceptable[party]``
        ``utility >= no-deal value``, deactivated: activate it to keep to acceptable deals.
        Stated on the integer-scaled utility, so it is exact (up to the instance's resolution).
    ``aux``, ``side``, ``definitions``
        The auxiliary Booleans of compound conditions, fully defined from ``choose``, and the
        rows defining them (big-M with tight bounds).

    ``instance`` is an :class:`~dealopt.spec.model.Instance` or a path to an instance file.
    Read the chosen deal back with :func:`chosen_deal` and check it with
    ``dealopt.rules.Oracle(instance).violations(deal)``.
    """
    import pyomo.environ as pyo

    from dealopt.compile.compiler import compile_instance
    from dealopt.rules.oracle import Oracle

    if isinstance(instance, str | Path):
        from dealopt.api import load

        instance = load(instance)
    oracle = Oracle(instance)
    model, decoder = compile_instance(instance, oracle)
    form = linear_form(model, objective_columns=False)

    b = pyo.Block(concrete=True)
    b.doc = f"dealopt deal space of {instance.name!r}"
    option_of: dict[int, tuple[str, Value]] = {}
    for issue, values, group in zip(decoder.issues, decoder.values, decoder.choices, strict=True):
        for value, var in zip(values, group, strict=True):
            option_of[var] = (issue, value)
    b.issues = pyo.Set(initialize=list(decoder.issues), ordered=True)
    b.options = pyo.Set(initialize=list(option_of.values()), dimen=2, ordered=True)
    b.choose = pyo.Var(b.options, within=pyo.Binary)
    aux = [v for v in range(model.num_vars) if v not in option_of]
    b.aux = pyo.Var(aux, within=pyo.Binary)
    b.side = pyo.Var(sorted(form.side_cols), within=pyo.Binary)
    side_of = {col: i for i, col in form.side_cols.items()}
    if form.false_col is not None:
        b.never = pyo.Var(within=pyo.Binary, bounds=(0, 0))

    def column(col: int) -> Any:
        if col in option_of:
            return b.choose[option_of[col]]
        if col < model.num_vars:
            return b.aux[col]
        if col in side_of:
            return b.side[side_of[col]]
        return b.never

    def expr(terms: Any, scale: Fraction = Fraction(1), constant: int = 0) -> Any:
        return sum(float(c / scale) * column(v) for v, c in terms) + float(constant / scale)

    b.one_option = pyo.Constraint(b.issues)
    b.definitions = pyo.Constraint(pyo.Any)
    b.rules = pyo.Constraint(pyo.Any)
    b.red_lines = pyo.Constraint(pyo.Any)
    b.labels = {}
    parts: dict[tuple, int] = {}
    for row in form.rows:
        kind, i = row.origin
        rel = (row.lo, expr(row.terms), row.hi)
        if kind == "choice":
            b.one_option[decoder.issues[i]] = rel
        elif kind == "definition":
            key = (i, parts.setdefault(("definition", i), 0))
            parts[("definition", i)] += 1
            b.definitions[key] = rel
        else:
            label = model.constraints[i].label
            owner = (label.owner,) if label.kind == "red_line" else ()
            where = (label.kind, *owner, label.index)
            key = (*owner, label.index, parts.get(where, 0))
            parts[where] = key[-1] + 1
            target = b.red_lines if label.kind == "red_line" else b.rules
            target[key] = rel
            b.labels[key] = label.text
    b.utility = pyo.Expression(
        list(decoder.parties),
        rule=lambda _b, p: _utility(expr, model.objectives[decoder.parties.index(p)], decoder, p),
    )

    def acceptable(_b: Any, party: str) -> Any:
        k = decoder.parties.index(party)
        e = model.objectives[k]
        # objective_k / scale_k >= no_deal  <=>  objective_k >= ceil(no_deal × scale_k)
        floor = math.ceil(Fraction(oracle.no_deal(party)) * decoder.scales[k])
        if not e.terms:  # a constant utility: Pyomo refuses constant rows, so use `never`
            if not hasattr(b, "never"):
                b.never = pyo.Var(within=pyo.Binary, bounds=(0, 0))
            return b.never >= (0 if e.constant >= floor else 1)
        return sum(c * column(v) for v, c in e.terms) >= floor - e.constant

    b.acceptable = pyo.Constraint(list(decoder.parties), rule=acceptable)
    b.acceptable.deactivate()
    return b


def _utility(expr: Any, objective: LinExpr, decoder: Any, party: str) -> Any:
    k = decoder.parties.index(party)
    return expr(objective.terms, decoder.scales[k], objective.constant)


def chosen_deal(block: Any) -> dict[str, Value]:
    """The deal a solved :func:`deal_block` holds: ``{issue: option}`` (values rounded)."""
    deal: dict[str, Value] = {}
    for issue, value in block.options:
        if round(block.choose[issue, value].value or 0) == 1:
            if issue in deal:
                raise ValueError(f"issue {issue!r} has two options chosen")
            deal[issue] = value
    missing = [i for i in block.issues if i not in deal]
    if missing:
        raise ValueError(f"no option chosen for {', '.join(missing)}: is the model solved?")
    return deal


__all__ = ["chosen_deal", "deal_block"]
