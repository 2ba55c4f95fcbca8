"""The solver-neutral compiled model that every backend builds from.

Everything here is integers and indices: no issue names, no decimals, no solver. The model is

* ``num_vars`` Boolean variables, indexed ``0 .. num_vars - 1``;
* ``choices``: one exactly-one group per issue (the one-hot option variables; these are the
  *decision* variables, every other variable is defined from them);
* ``definitions``: auxiliary Booleans, each fully defined (``<->``) from variables of earlier
  groups or definitions, in an order where every definition only reads variables that are
  decision variables or defined earlier. Because every auxiliary is a function of the deal,
  a backend may enumerate deals and compute the auxiliaries in order (``enumerate`` does);
* ``constraints``: the hard constraints (rules and red lines), each with a :class:`Label`;
* ``objectives``: one integer linear objective per party (maximised), the party's utility
  times ``scales[k]``: ``utility_k = value_k / scales[k]`` exactly.

A literal is ``(var, True)`` for the variable, ``(var, False)`` for its negation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

Lit = tuple[int, bool]


@dataclass(frozen=True)
class Label:
    """Where a compiled constraint comes from, for messages and conflict explanations.

    ``kind`` is ``"rule"``, ``"red_line"``, ``"no_deal"`` or ``"issue"``; ``owner`` the party
    (red lines, no-deal conditions); ``index`` the position in the owner's list; ``text`` the
    user's own rule text; ``source`` ``file:line:col``.
    """

    kind: str
    owner: str | None = None
    index: int | None = None
    text: str = ""
    source: str | None = None

    def __str__(self) -> str:
        who = f"{self.owner} " if self.owner else ""
        where = f" ({self.source})" if self.source else ""
        return f"{who}{self.kind.replace('_', ' ')} {self.text!r}{where}"


@dataclass(frozen=True)
class LinExpr:
    """``Σ coef × var + constant`` with integer coefficients."""

    terms: tuple[tuple[int, int], ...] = ()
    constant: int = 0

    def value(self, values: Sequence[int]) -> int:
        return self.constant + sum(c * values[v] for v, c in self.terms)


@dataclass(frozen=True)
class ReifiedLinear:
    """``var <-> (lo <= expr <= hi)``; a missing bound is unbounded.

    ``bounds`` is ``(min, max)`` of ``expr`` over all deals, tight enough for a big-M.
    """

    var: int
    expr: LinExpr
    lo: int | None
    hi: int | None
    bounds: tuple[int, int]


@dataclass(frozen=True)
class BoolAnd:
    """``var <-> all(literals)`` (an empty conjunction is true)."""

    var: int
    literals: tuple[Lit, ...]


@dataclass(frozen=True)
class BoolOr:
    """``var <-> any(literals)`` (an empty disjunction is false)."""

    var: int
    literals: tuple[Lit, ...]


Definition = ReifiedLinear | BoolAnd | BoolOr


@dataclass(frozen=True)
class Require:
    """A hard constraint: ``literal`` must hold."""

    literal: Lit
    label: Label


@dataclass(frozen=True)
class LinearConstraint:
    """A hard constraint: ``lo <= expr <= hi`` (a missing bound is unbounded)."""

    expr: LinExpr
    lo: int | None
    hi: int | None
    label: Label
    bounds: tuple[int, int] = (0, 0)


Constraint = Require | LinearConstraint


@dataclass(frozen=True)
class CompiledModel:
    """A deal space as integers: see the module docstring."""

    num_vars: int
    choices: tuple[tuple[int, ...], ...]
    definitions: tuple[Definition, ...]
    constraints: tuple[Constraint, ...]
    objectives: tuple[LinExpr, ...]
    scales: tuple[Fraction, ...]
    # (min, max) of each objective over all deals, ignoring constraints.
    objective_bounds: tuple[tuple[int, int], ...]
    # Largest possible utility error per party from rounding (0 when exact): the resolution.
    resolution: tuple[Fraction, ...] = ()
    var_names: Mapping[int, str] = field(default_factory=dict, compare=False)

    @property
    def bundle_space_size(self) -> int:
        n = 1
        for group in self.choices:
            n *= len(group)
        return n


Sense = Literal["max", "min"]
