"""Deals evaluated in batches with numpy: the 0/1 values, feasibility and objectives of many
deals given as the chosen option of every choice group.

The ``enumerate`` backend walks the whole bundle space with it; the MILP backends use it to
repair a warm start (a few neighbours of the previous deal). Exact integer arithmetic (int64,
refused past 2^62), definitions computed in order, as the compiled model defines them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dealopt.backends.base import expr_range
from dealopt.compile.model import (
    BoolAnd,
    BoolOr,
    CompiledModel,
    LinearConstraint,
    LinExpr,
    ReifiedLinear,
    Require,
)
from dealopt.errors import ScaleOverflowError, UsageError

INT64_SAFE = 2**62
"""Expressions reaching this are refused: int64 sums of them could overflow."""


@dataclass(frozen=True)
class _Linear:
    """A linear expression split for speed: one lookup table per choice group it reads."""

    constant: int
    tables: tuple[tuple[int, np.ndarray], ...]  # (group, coefficient per option)
    aux: tuple[tuple[int, int], ...]  # (defined variable, coefficient)

    def value(
        self, digits: np.ndarray, vals: np.ndarray, rows: np.ndarray | None = None
    ) -> np.ndarray:
        """The expression on every deal, or with ``rows`` on those rows of ``vals`` only
        (``digits`` then already holds just those rows)."""
        out = np.full(len(digits), self.constant, dtype=np.int64)
        for g, table in self.tables:
            out += table[digits[:, g]]
        for v, c in self.aux:
            out += c * (vals[:, v] if rows is None else vals[rows, v])
        return out


class BatchEvaluator:
    """One compiled model, ready to evaluate batches of deals.

    A deal is a row of ``digits``: the chosen position in every choice group. Raises
    :class:`UsageError` when some variable is not a function of the deal (see
    :func:`check_structure`) and :class:`ScaleOverflowError` past int64.
    """

    def __init__(self, model: CompiledModel):
        self.model = model
        self._where = check_structure(model)
        self._groups = [np.asarray(g, dtype=np.int64) for g in model.choices]
        # Every linear expression compiled once, not once per batch.
        self._def_exprs = [
            self.linear(d.expr) if isinstance(d, ReifiedLinear) else None for d in model.definitions
        ]
        # No-good rows (``sum of k options <= k - 1``: "not all of these at once") are
        # gathered into one lookup table per set of groups they read: a rule stated over many
        # combinations compiles to thousands of them, and evaluating each as a linear
        # expression over the whole space was 97% of the enumerate build (decision 90).
        radix = np.array([len(g) for g in model.choices], dtype=np.int64)
        self._forbidden, general = no_good_tables(model, self._where, radix)
        self._constraints = [
            (c, self.linear(c.expr) if isinstance(c, LinearConstraint) else None) for c in general
        ]
        self.objectives = [self.linear(e) for e in model.objectives]

    def linear(self, e: LinExpr) -> _Linear:
        """``e`` as lookup tables over the choice groups it reads."""
        lo, hi = expr_range(e)
        if max(-lo, hi) >= INT64_SAFE:
            raise ScaleOverflowError(f"a linear expression reaches {max(-lo, hi)}: beyond int64")
        tables: dict[int, np.ndarray] = {}
        aux: dict[int, int] = {}
        for v, c in e.terms:
            where = self._where[v]
            if where is None:
                aux[v] = aux.get(v, 0) + c
            else:
                g, pos = where
                tables.setdefault(g, np.zeros(len(self.model.choices[g]), dtype=np.int64))
                tables[g][pos] += c
        return _Linear(e.constant, tuple(tables.items()), tuple(aux.items()))

    def values(self, digits: np.ndarray) -> np.ndarray:
        """The 0/1 values (a bool matrix, one row per deal) of the deals ``digits``."""
        model = self.model
        n = len(digits)
        # Column-major: definitions read and write whole columns, now contiguous.
        vals = np.zeros((n, model.num_vars), dtype=bool, order="F")
        rows = np.arange(n)
        for g, group in enumerate(self._groups):
            vals[rows, group[digits[:, g]]] = True
        for d, linear in zip(model.definitions, self._def_exprs, strict=True):
            if isinstance(d, ReifiedLinear):
                assert linear is not None
                e = linear.value(digits, vals)
                col = np.ones(n, dtype=bool)
                if d.lo is not None:
                    col &= e >= d.lo
                if d.hi is not None:
                    col &= e <= d.hi
            elif isinstance(d, BoolAnd):
                col = np.ones(n, dtype=bool)
                for v, pos in d.literals:
                    col &= vals[:, v] == pos
            elif isinstance(d, BoolOr):
                col = np.zeros(n, dtype=bool)
                for v, pos in d.literals:
                    col |= vals[:, v] == pos
            else:  # pragma: no cover - the compiler only emits the three kinds above
                raise TypeError(f"unknown definition {d!r}")
            vals[:, d.var] = col
        return vals

    def feasible(self, vals: np.ndarray, digits: np.ndarray) -> np.ndarray:
        """Which deals satisfy every constraint."""
        ok = np.ones(len(vals), dtype=bool)
        for groups, strides, forbidden in self._forbidden:
            ok &= ~forbidden[digits[:, groups] @ strides]
        for c, linear in self._constraints:
            if isinstance(c, Require):
                v, pos = c.literal
                ok &= vals[:, v] == pos
            elif isinstance(c, LinearConstraint):
                assert linear is not None
                e = linear.value(digits, vals)
                if c.lo is not None:
                    ok &= e >= c.lo
                if c.hi is not None:
                    ok &= e <= c.hi
            else:  # pragma: no cover - the compiler only emits the two kinds above
                raise TypeError(f"unknown constraint {c!r}")
        return ok


def check_structure(model: CompiledModel) -> list[tuple[int, int] | None]:
    """Where each variable sits: ``(group, position)`` or None for a definition.

    Evaluating a deal needs every variable to be a function of it: in exactly one choice group
    or defined once, from variables decided or defined before it.
    """
    where: list[tuple[int, int] | None] = [None] * model.num_vars
    known = [False] * model.num_vars
    for g, group in enumerate(model.choices):
        for pos, v in enumerate(group):
            if known[v]:
                raise UsageError(f"variable {v} appears in two choice groups")
            where[v], known[v] = (g, pos), True
    for d in model.definitions:
        reads = (
            [v for v, _ in d.expr.terms]
            if isinstance(d, ReifiedLinear)
            else [v for v, _ in d.literals]
        )
        if not all(known[v] for v in reads):
            raise UsageError(f"definition of variable {d.var} reads a variable defined later")
        if known[d.var]:
            raise UsageError(f"variable {d.var} is defined twice")
        known[d.var] = True
    if not all(known):
        raise UsageError(f"variable {known.index(False)} is neither an option nor defined")
    return where


NO_GOOD_TABLE_LIMIT = 1 << 22
"""The largest product of option counts a no-good lookup table covers (4 MiB of booleans)."""


def no_good_tables(
    model: CompiledModel, where: list[tuple[int, int] | None], radix: np.ndarray
) -> tuple[list[tuple[np.ndarray, np.ndarray, np.ndarray]], list[object]]:
    """Splits the constraints into no-good lookup tables and the rest.

    A no-good is ``x_1 + ... + x_k <= k - 1`` over options of ``k`` distinct choice groups:
    exactly one option per group is chosen, so it forbids exactly the deals choosing all ``k``.
    Returns ``(groups, strides, forbidden)`` per set of groups, ``forbidden`` indexed by the
    mixed-radix number of the deal's positions in those groups, and the other constraints.
    """
    rows: dict[tuple[int, ...], list[tuple[int, ...]]] = {}
    general: list[object] = []
    for c in model.constraints:
        placed = _no_good(c, where)
        if placed is None:
            general.append(c)
            continue
        groups = tuple(sorted(placed))
        if _product([int(radix[g]) for g in groups]) > NO_GOOD_TABLE_LIMIT:
            general.append(c)
            continue
        rows.setdefault(groups, []).append(tuple(placed[g] for g in groups))
    tables = []
    for groups, combos in rows.items():
        sizes = [int(radix[g]) for g in groups]
        strides = np.array([_product(sizes[i + 1 :]) for i in range(len(sizes))], dtype=np.int64)
        forbidden = np.zeros(_product(sizes), dtype=bool)
        forbidden[np.asarray(combos, dtype=np.int64) @ strides] = True
        tables.append((np.asarray(groups, dtype=np.int64), strides, forbidden))
    return tables, general


def _no_good(c: object, where: list[tuple[int, int] | None]) -> dict[int, int] | None:
    """``{group: position}`` when ``c`` is a no-good over options of distinct groups."""
    if not isinstance(c, LinearConstraint) or c.lo is not None or c.hi is None:
        return None
    e = c.expr
    if e.constant != 0 or not e.terms or c.hi != len(e.terms) - 1:
        return None
    placed: dict[int, int] = {}
    for v, coef in e.terms:
        at = where[v]
        if coef != 1 or at is None or at[0] in placed:
            return None
        placed[at[0]] = at[1]
    return placed


def _product(numbers: list[int]) -> int:
    out = 1
    for x in numbers:
        out *= x
    return out
