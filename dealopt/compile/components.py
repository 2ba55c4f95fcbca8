"""Independent components of a compiled model, and each component as a model of its own.

Choice groups (issues) that no definition or constraint reads together contribute to the
objectives independently: a deal's objective vector is the sum of its components' parts. The
``merge`` backend and the merge frontier algorithm (:mod:`dealopt.frontier.merge`) build on
this; it is pure structure, solver-neutral.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from dealopt.compile.model import (
    BoolAnd,
    BoolOr,
    CompiledModel,
    Constraint,
    Definition,
    LinearConstraint,
    LinExpr,
    Lit,
    ReifiedLinear,
    Require,
)


@dataclass(frozen=True)
class Component:
    """Choice groups (indices), and the definitions and constraints among their variables."""

    groups: tuple[int, ...]
    variables: tuple[int, ...]
    definitions: tuple[Definition, ...]
    constraints: tuple[Constraint, ...]


def _definition_vars(d: Definition) -> list[int]:
    if isinstance(d, ReifiedLinear):
        return [d.var, *(v for v, _ in d.expr.terms)]
    return [d.var, *(v for v, _ in d.literals)]


def _constraint_vars(c: Constraint) -> list[int]:
    if isinstance(c, Require):
        return [c.literal[0]]
    return [v for v, _ in c.expr.terms]


def components(model: CompiledModel, lifted: Sequence[Constraint] = ()) -> list[Component]:
    """The model's independent components: groups joined by any definition or constraint
    (except the ``lifted`` ones, which then belong to no component: see :func:`split`)."""
    skip = {id(c) for c in lifted}
    parent = list(range(model.num_vars))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(xs: Sequence[int]) -> None:
        if xs:
            root = find(xs[0])
            for x in xs[1:]:
                parent[find(x)] = root

    for group in model.choices:
        union(list(group))
    for d in model.definitions:
        union(_definition_vars(d))
    for c in model.constraints:
        if id(c) not in skip:
            union(_constraint_vars(c))
    by_root: dict[int, list[int]] = {}
    for g, group in enumerate(model.choices):
        if group:
            by_root.setdefault(find(group[0]), []).append(g)
    # Variables that no group reaches (constants such as an empty conjunction) join the first
    # component: they take the same value in every deal.
    if not by_root:  # no issue at all: one component of constants
        by_root[-1] = []
    first = next(iter(by_root))

    def home(v: int | None) -> int:
        r = first if v is None else find(v)
        return r if r in by_root else first

    variables: dict[int, list[int]] = {r: [] for r in by_root}
    for v in range(model.num_vars):
        variables[home(v)].append(v)
    defs: dict[int, list[Definition]] = {r: [] for r in by_root}
    for d in model.definitions:
        defs[home(d.var)].append(d)
    cons: dict[int, list[Constraint]] = {r: [] for r in by_root}
    for c in model.constraints:
        if id(c) in skip:
            continue
        vs = _constraint_vars(c)
        cons[home(vs[0] if vs else None)].append(c)
    return [
        Component(tuple(by_root[r]), tuple(variables[r]), tuple(defs[r]), tuple(cons[r]))
        for r in by_root
    ]


@dataclass(frozen=True)
class Split:
    """Components of a model once some one-sided linear constraints are *lifted*: taken out
    of the components and carried as extra objectives instead (``extra``, each with the lower
    bound ``floors[e]`` a deal must reach), as a knapsack's capacity is carried in its states
    by a dynamic programme. ``extra`` holds ``-expr`` (bound ``constant - hi``) for ``expr <=
    hi`` and ``expr`` (bound ``lo - constant``) for ``expr >= lo``, without constants."""

    components: tuple[Component, ...]
    extra: tuple[LinExpr, ...] = ()
    floors: tuple[int, ...] = ()


def split(model: CompiledModel, above: int, most: int) -> Split:
    """The model's components, with capacity-like constraints lifted where that pays.

    A constraint is lifted when it is linear and one-sided, reads variables of several choice
    groups, and its component (nothing lifted) has more than ``above`` option combinations;
    if more than ``most`` constraints qualify, none is (each one adds a state dimension).
    Lifting is exact for any signs of the coefficients: a partial deal that uses no more of
    the constraint's room and is no worse on every objective than another can replace it.
    """
    whole = components(model)
    group_of = {v: g for g, group in enumerate(model.choices) for v in group}
    big = {v for c in whole if size(model, c) > above for v in c.variables}
    lift = [
        c
        for c in model.constraints
        if isinstance(c, LinearConstraint)
        and (c.lo is None) != (c.hi is None)
        and c.expr.terms
        and all(v in group_of for v, _ in c.expr.terms)
        and len({group_of[v] for v, _ in c.expr.terms}) > 1
        and c.expr.terms[0][0] in big
    ]
    if not lift or len(lift) > most:
        return Split(tuple(whole))
    parts = components(model, lift)
    if len(parts) <= len(whole):
        return Split(tuple(whole))
    extra, floors = [], []
    for c in lift:
        k = c.expr.constant
        if c.hi is not None:
            extra.append(LinExpr(tuple((v, -a) for v, a in c.expr.terms)))
            floors.append(k - c.hi)
        else:
            assert c.lo is not None
            extra.append(LinExpr(c.expr.terms))
            floors.append(c.lo - k)
    return Split(tuple(parts), tuple(extra), tuple(floors))


def size(model: CompiledModel, comp: Component) -> int:
    """The number of option combinations of the component's issues."""
    n = 1
    for g in comp.groups:
        n *= len(model.choices[g])
    return n


def submodel(model: CompiledModel, comp: Component, extra: Sequence[LinExpr] = ()) -> CompiledModel:
    """The component as a model of its own: its variables renumbered in ``comp.variables``
    order, its definitions and constraints, and each objective's part over its variables
    (constants are left to the whole model), then each ``extra`` objective's part (the lifted
    constraints of a :class:`Split`, scale 1)."""
    local = {v: i for i, v in enumerate(comp.variables)}
    mine = set(comp.variables)

    def lin(e: LinExpr, constant: int = 0) -> LinExpr:
        return LinExpr(tuple((local[v], c) for v, c in e.terms if v in mine), constant)

    def lit(x: Lit) -> Lit:
        return (local[x[0]], x[1])

    definitions: list[Definition] = []
    for d in comp.definitions:
        if isinstance(d, ReifiedLinear):
            expr = lin(d.expr, d.expr.constant)
            definitions.append(ReifiedLinear(local[d.var], expr, d.lo, d.hi, d.bounds))
        elif isinstance(d, BoolAnd):
            definitions.append(BoolAnd(local[d.var], tuple(lit(x) for x in d.literals)))
        else:
            assert isinstance(d, BoolOr)
            definitions.append(BoolOr(local[d.var], tuple(lit(x) for x in d.literals)))
    constraints: list[Constraint] = []
    for c in comp.constraints:
        if isinstance(c, Require):
            constraints.append(Require(lit(c.literal), c.label))
        else:
            assert isinstance(c, LinearConstraint)
            e = LinExpr(tuple((local[v], k) for v, k in c.expr.terms), c.expr.constant)
            constraints.append(LinearConstraint(e, c.lo, c.hi, c.label, c.bounds))
    objectives = tuple(lin(e) for e in (*model.objectives, *extra))
    choices = tuple(tuple(local[v] for v in model.choices[g]) for g in comp.groups)
    bounds = []
    for e in objectives:  # per choice group its extreme option, auxiliaries 0 or 1
        lo = hi = 0
        in_group = {v: g for g, group in enumerate(choices) for v in group}
        per: dict[int, list[int]] = {}
        for v, c in e.terms:
            if v in in_group:
                g = in_group[v]
                per.setdefault(g, [0] * len(choices[g]))[choices[g].index(v)] += c
            else:
                lo, hi = lo + min(0, c), hi + max(0, c)
        for cs in per.values():
            lo, hi = lo + min(cs), hi + max(cs)
        bounds.append((lo, hi))
    return CompiledModel(
        num_vars=len(comp.variables),
        choices=choices,
        definitions=tuple(definitions),
        constraints=tuple(constraints),
        objectives=objectives,
        scales=(*model.scales, *(Fraction(1) for _ in extra)),
        objective_bounds=tuple(bounds),
        resolution=(*model.resolution, *(Fraction(0) for _ in extra))
        if model.resolution
        else model.resolution,
    )


def fix(model: CompiledModel, group: int, option: int) -> CompiledModel | None:
    """The model with choice group ``group`` fixed to its ``option``-th option, or None when no
    deal has that option (a rule or red line is then violated whatever the rest is).

    The group leaves ``choices``; its variables, and every definition the fix decides, become
    constants (``BoolAnd(v, ())`` true, ``BoolOr(v, ())`` false, first among the
    definitions), and every expression reads them as constants: so a constraint or interaction
    term that tied this issue to others ties nothing any more, and :func:`components` can split
    what was one component. Variable indices are unchanged, so a deal of the fixed model is a
    deal of ``model``. Objective constants take the fixed part (:func:`submodel` leaves
    constants to the whole model).
    """
    known: dict[int, int] = {v: int(i == option) for i, v in enumerate(model.choices[group])}

    def lin(e: LinExpr) -> LinExpr:
        k = e.constant + sum(c * known[v] for v, c in e.terms if v in known)
        return LinExpr(tuple((v, c) for v, c in e.terms if v not in known), k)

    def truth(x: Lit) -> bool | None:
        return None if x[0] not in known else (known[x[0]] == 1) == x[1]

    definitions: list[Definition] = []
    for d in model.definitions:
        if isinstance(d, ReifiedLinear):
            e = lin(d.expr)
            if e.terms:
                definitions.append(ReifiedLinear(d.var, e, d.lo, d.hi, d.bounds))
            else:
                ok = (d.lo is None or e.constant >= d.lo) and (d.hi is None or e.constant <= d.hi)
                known[d.var] = int(ok)
            continue
        decided = [truth(x) for x in d.literals]
        rest = tuple(x for x, t in zip(d.literals, decided, strict=True) if t is None)
        stop = isinstance(d, BoolOr)  # the literal value that decides: true for Or
        if stop in decided:
            known[d.var] = int(stop)
        elif not rest:
            known[d.var] = int(not stop)
        else:
            definitions.append(type(d)(d.var, rest))
    constraints: list[Constraint] = []
    for c in model.constraints:
        if isinstance(c, Require):
            t = truth(c.literal)
            if t is False:
                return None
            if t is None:
                constraints.append(c)
            continue
        e = lin(c.expr)
        if e.terms:
            constraints.append(LinearConstraint(e, c.lo, c.hi, c.label, c.bounds))
        elif (c.lo is not None and e.constant < c.lo) or (c.hi is not None and e.constant > c.hi):
            return None
    constants: list[Definition] = [
        BoolAnd(v, ()) if x else BoolOr(v, ()) for v, x in sorted(known.items())
    ]
    return CompiledModel(
        num_vars=model.num_vars,
        choices=tuple(g for i, g in enumerate(model.choices) if i != group),
        definitions=(*constants, *definitions),
        constraints=tuple(constraints),
        objectives=tuple(lin(e) for e in model.objectives),
        scales=model.scales,
        objective_bounds=model.objective_bounds,
        resolution=model.resolution,
        var_names=model.var_names,
    )


__all__ = ["Component", "Split", "components", "fix", "size", "split", "submodel"]
