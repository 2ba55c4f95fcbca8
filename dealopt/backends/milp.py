"""The MILP form of a compiled model, and the session that drives any MILP solver over it.

:func:`linear_form` lowers a :class:`CompiledModel` to linear rows over integer columns once;
the ``highs`` and ``pyomo`` backends and :func:`dealopt.pyomo.deal_block` all build from it, so
there is one linearisation to get right:

* one 0/1 column per model variable, ``Σ x = 1`` per choice group;
* ``b <-> lo <= e <= hi`` as big-M rows whose M come from the interval bounds of ``e`` (the
  compiler's ``bounds``, cut by the one-hot range of ``e``), never a blanket constant; the
  ``not`` side, ``e <= lo - 1 or e >= hi + 1``, is an exact disjunction with one extra 0/1
  column choosing the side (fixed to 0 when ``b`` holds, so every deal has one column vector);
* ``b <-> and(l)`` and ``b <-> or(l)`` as the standard rows ``b <= l_i``, ``b >= Σ l - (n-1)``
  and ``b >= l_i``, ``b <= Σ l``;
* for products of options (an ``and`` of options of different issues, as interaction terms
  compile), one more row per option ``a`` and issue ``B``: ``Σ_b y_ab <= x_a`` over one product
  ``y_ab`` per option ``b`` of ``B`` (``= x_a`` when every option of ``B`` has one and each is
  ``x_a and x_b`` alone). Each
  product implies ``x_a`` and its own ``x_b``, and ``B`` has one option, so the row holds for
  every deal: it cuts no deal, only fractional points of the relaxation (decision 66);
* one integer column per objective tied to its expression by an equality row, so per-solve
  objective bounds are column bounds and the objective is a cost vector on those columns.

:class:`MilpSession` drives a MILP solver over that form: bounds and assumptions become column
bounds, weights become costs, in place. The objectives are integers, so gaps are 0 relative and
half a unit absolute. Weights whose sum would reach past :data:`EXACT_OBJECTIVE` are split into
lexicographic stages when one weight dominates (the frontier's lexicographic solves), to keep
each proof within float precision. Every solution is rounded, checked exactly against the
compiled model in Python (choices, every definition, every constraint, bounds, assumptions) and
its objectives recomputed as integers; the solver's float objective is never reported. A
solution that breaks the model is solved again with tighter tolerances, and the session raises
if that does not help.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from dealopt.backends.base import (
    NO_BOUNDS,
    BackendSolution,
    Bounds,
    SolveOptions,
    SolveStatus,
    check_request,
    deal_key,
    expr_range,
    model_reach,
)
from dealopt.compile.model import (
    BoolAnd,
    BoolOr,
    CompiledModel,
    LinearConstraint,
    LinExpr,
    Lit,
    ReifiedLinear,
    Require,
)
from dealopt.errors import OracleRejectedError, UsageError

# The MILP form ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """``lo <= Σ coef × column <= hi`` (``None``: open side); ``origin`` says what it encodes:
    ``("choice", group)``, ``("definition", i)``, ``("constraint", i)`` or ``("objective", k)``."""

    terms: tuple[tuple[int, int], ...]
    lo: int | None
    hi: int | None
    origin: tuple[str, int]


@dataclass(frozen=True)
class LinearForm:
    """A compiled model as integer columns and linear rows.

    Columns ``0 .. num_vars - 1`` are the model's variables; ``side_cols`` maps a definition
    index to its disjunction column; ``objective_cols[k]`` is objective ``k``'s column (empty
    without objective columns); ``false_col`` is a column fixed to 0 that a row can require to
    be 1 (a constraint no deal meets), or None.
    """

    model: CompiledModel
    col_bounds: tuple[tuple[int, int], ...]
    rows: tuple[Row, ...]
    side_cols: Mapping[int, int]
    objective_cols: tuple[int, ...]
    false_col: int | None

    @property
    def num_cols(self) -> int:
        return len(self.col_bounds)

    def columns(self, values: Sequence[int]) -> list[int]:
        """Every column's value for a full 0/1 assignment of the model's variables."""
        out = [*values, *([0] * (self.num_cols - len(values)))]
        for i, col in self.side_cols.items():
            d = self.model.definitions[i]
            assert isinstance(d, ReifiedLinear)
            # The side column is 1 when the condition fails from below.
            out[col] = int(not values[d.var] and d.lo is not None and d.expr.value(values) < d.lo)
        for k, col in enumerate(self.objective_cols):
            out[col] = self.model.objectives[k].value(values)
        return out


class _FormBuilder:
    def __init__(self, model: CompiledModel):
        self.model = model
        self.cols: list[tuple[int, int]] = [(0, 1)] * model.num_vars
        self.rows: list[Row] = []
        self.side_cols: dict[int, int] = {}
        self.false_col: int | None = None

    def col(self, lo: int, hi: int) -> int:
        self.cols.append((lo, hi))
        return len(self.cols) - 1

    def row(self, terms: Mapping[int, int], lo: int | None, hi: int | None, origin: Any) -> None:
        merged = tuple(sorted((v, c) for v, c in terms.items() if c))
        if lo is None and hi is None:  # no bound: nothing to state
            return
        if not merged:  # a constant row: keep it only when it can fail
            if (lo is not None and lo > 0) or (hi is not None and hi < 0):
                self.never(origin)
            return
        self.rows.append(Row(merged, lo, hi, origin))

    def never(self, origin: Any) -> None:
        """A row no deal satisfies (kept, so the infeasibility has a labelled origin)."""
        if self.false_col is None:
            self.false_col = self.col(0, 0)
        self.rows.append(Row(((self.false_col, 1),), 1, None, origin))

    def literals(self, lits: Sequence[Lit], sign: int) -> tuple[dict[int, int], int]:
        """``sign × Σ lits`` as (coefficients, constant): a negated literal is ``1 - x``."""
        coef: dict[int, int] = {}
        const = 0
        for v, positive in lits:
            coef[v] = coef.get(v, 0) + (sign if positive else -sign)
            const += 0 if positive else sign
        return coef, const

    def definition(self, i: int, d: Any) -> None:
        origin = ("definition", i)
        b = d.var
        if isinstance(d, BoolAnd | BoolOr):
            n = len(d.literals)
            if n == 0:  # and() is true, or() is false
                self.row({b: 1}, int(isinstance(d, BoolAnd)), int(isinstance(d, BoolAnd)), origin)
                return
            each_lo, each_hi = (None, 0) if isinstance(d, BoolAnd) else (0, None)
            for lit in d.literals:  # b <= l (and), b >= l (or)
                coef, const = self.literals([lit], -1)
                coef[b] = coef.get(b, 0) + 1
                self.row(coef, _shift(each_lo, -const), _shift(each_hi, -const), origin)
            coef, const = self.literals(d.literals, -1)
            coef[b] = coef.get(b, 0) + 1
            if isinstance(d, BoolAnd):  # b >= Σ l - (n - 1)
                self.row(coef, -(n - 1) - const, None, origin)
            else:  # b <= Σ l
                self.row(coef, None, -const, origin)
        elif isinstance(d, ReifiedLinear):
            self.reified(i, d)
        else:  # pragma: no cover - the compiler only emits the three kinds
            raise TypeError(f"unknown definition {d!r}")

    def reified(self, i: int, d: ReifiedLinear) -> None:
        """``b <-> lo <= e <= hi`` with big-M from the interval ``[emin, emax]`` of ``e``."""
        origin, b = ("definition", i), d.var
        emin, emax = _cut(d.bounds, expr_range(d.expr, self.model))
        lo = emin if d.lo is None else max(d.lo, emin)
        hi = emax if d.hi is None else min(d.hi, emax)
        if lo > hi:  # never holds
            self.row({b: 1}, 0, 0, origin)
            return
        if lo == emin and hi == emax:  # always holds
            self.row({b: 1}, 1, 1, origin)
            return
        c = d.expr.constant

        def e_plus(*extra: tuple[int, int]) -> dict[int, int]:
            """The terms of ``e`` plus ``extra`` (``e``'s constant goes to the row bounds)."""
            out = dict(_merge(d.expr))
            for v, x in extra:
                out[v] = out.get(v, 0) + x
            return out

        # b = 1  =>  lo <= e <= hi
        if lo > emin:  # e - (lo - emin) b >= emin
            self.row(e_plus((b, -(lo - emin))), emin - c, None, origin)
        if hi < emax:  # e + (emax - hi) b <= emax
            self.row(e_plus((b, emax - hi)), None, emax - c, origin)
        # b = 0  =>  e <= lo - 1  or  e >= hi + 1
        if hi == emax:  # only the lower side can fail: e - (emax - lo + 1) b <= lo - 1
            self.row(e_plus((b, -(emax - lo + 1))), None, lo - 1 - c, origin)
        elif lo == emin:  # only the upper side can fail: e + (hi + 1 - emin) b >= hi + 1
            self.row(e_plus((b, hi + 1 - emin)), hi + 1 - c, None, origin)
        else:  # both: z = 1 picks e <= lo - 1, z = 0 picks e >= hi + 1
            z = self.side_cols[i] = self.col(0, 1)
            m1, m2 = emax - lo + 1, hi + 1 - emin
            # e <= lo - 1 + m1 (b + 1 - z)  and  e >= hi + 1 - m2 (b + z)
            self.row(e_plus((b, -m1), (z, m1)), None, emax - c, origin)
            self.row(e_plus((b, m2), (z, m2)), hi + 1 - c, None, origin)
            self.row({b: 1, z: 1}, None, 1, origin)

    def products(self) -> None:
        """``Σ_b y_ab <= x_a`` (``=`` when complete) for each option ``a`` and issue ``B``
        over ``and`` definitions of options of different issues (see the module docstring)."""
        model = self.model
        group_of = {v: g for g, group in enumerate(model.choices) for v in group}
        # (a, B) -> {b: (y, definition index)}: one product per option b, the first.
        buckets: dict[tuple[int, int], dict[int, tuple[int, int]]] = {}
        for i, d in enumerate(model.definitions):
            if not isinstance(d, BoolAnd) or len(d.literals) < 2:
                continue
            if not all(positive and v in group_of for v, positive in d.literals):
                continue
            for a, _ in d.literals:
                for b, _ in d.literals:
                    if group_of[a] != group_of[b]:
                        buckets.setdefault((a, group_of[b]), {}).setdefault(b, (d.var, i))
        for (a, g), products in buckets.items():
            if len(products) < 2:  # one product: its own row y <= x_a says as much
                continue
            terms = dict.fromkeys((y for y, _ in products.values()), 1)
            terms[a] = -1
            # "=" only when each product is x_a and x_b alone: a product of three options
            # can be 0 while x_a and x_b are 1.
            complete = len(products) == len(model.choices[g]) and all(
                len(model.definitions[i].literals) == 2 for _, i in products.values()
            )
            first = min(i for _, i in products.values())
            self.row(terms, 0 if complete else None, 0, ("definition", first))

    def constraint(self, i: int, c: Any) -> None:
        origin = ("constraint", i)
        if isinstance(c, Require):
            v, positive = c.literal
            self.row({v: 1}, 1 if positive else None, None if positive else 0, origin)
        elif isinstance(c, LinearConstraint):
            # Not its ``bounds`` field: that has a default, (0, 0), that need not be a range.
            emin, emax = expr_range(c.expr, self.model)
            lo = emin if c.lo is None else max(c.lo, emin)
            hi = emax if c.hi is None else min(c.hi, emax)
            if lo > hi:
                self.never(origin)
                return
            k = c.expr.constant
            self.row(dict(_merge(c.expr)), _shift(c.lo, -k), _shift(c.hi, -k), origin)
        else:  # pragma: no cover - the compiler only emits the two kinds
            raise TypeError(f"unknown constraint {c!r}")


def linear_form(model: CompiledModel, *, objective_columns: bool = True) -> LinearForm:
    """Lower ``model`` to integer columns and linear rows (see the module docstring)."""
    f = _FormBuilder(model)
    for g, group in enumerate(model.choices):
        f.row(dict.fromkeys(group, 1), 1, 1, ("choice", g))
    for i, d in enumerate(model.definitions):
        f.definition(i, d)
    f.products()
    for i, c in enumerate(model.constraints):
        f.constraint(i, c)
    objective_cols = []
    if objective_columns:
        for k, e in enumerate(model.objectives):
            y = f.col(*expr_range(e, model))
            terms = {v: -c for v, c in _merge(e)}
            terms[y] = 1
            f.row(terms, e.constant, e.constant, ("objective", k))
            objective_cols.append(y)
    return LinearForm(
        model, tuple(f.cols), tuple(f.rows), f.side_cols, tuple(objective_cols), f.false_col
    )


def _merge(e: LinExpr) -> list[tuple[int, int]]:
    coef: dict[int, int] = {}
    for v, c in e.terms:
        coef[v] = coef.get(v, 0) + c
    return sorted(coef.items())


def _shift(x: int | None, by: int) -> int | None:
    return None if x is None else x + by


def _cut(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    """The intersection of two valid ranges of the same expression."""
    return max(a[0], b[0]), min(a[1], b[1])


# Exact checks of a rounded solution -----------------------------------------------------------


def violation(model: CompiledModel, values: Sequence[int]) -> str | None:
    """What ``values`` breaks in ``model`` (None when nothing): checked exactly, in order.

    Every choice group has one option, every defined variable equals its definition computed
    from the values before it, and every constraint holds.
    """
    if len(values) != model.num_vars or any(x not in (0, 1) for x in values):
        return f"not a 0/1 assignment of {model.num_vars} variables"
    for g, group in enumerate(model.choices):
        if sum(values[v] for v in group) != 1:
            return f"choice group {g} has {sum(values[v] for v in group)} options"
    for i, d in enumerate(model.definitions):
        if isinstance(d, ReifiedLinear):
            truth = _within(d.expr.value(values), d.lo, d.hi)
        elif isinstance(d, BoolAnd):
            truth = all(values[v] == p for v, p in d.literals)
        else:
            truth = any(values[v] == p for v, p in d.literals)
        if values[d.var] != truth:
            return f"definition {i} (variable {d.var}) does not hold"
    for i, c in enumerate(model.constraints):
        if isinstance(c, Require):
            ok = values[c.literal[0]] == c.literal[1]
        else:
            ok = _within(c.expr.value(values), c.lo, c.hi)
        if not ok:
            return f"constraint {i} ({c.label}) is broken"
    return None


def _within(x: int, lo: int | None, hi: int | None) -> bool:
    return (lo is None or x >= lo) and (hi is None or x <= hi)


def objective_box(model: CompiledModel, bounds: Bounds) -> list[tuple[int, int]] | None:
    """Each objective's valid range cut by ``bounds``; None when one is empty."""
    out = []
    for k, e in enumerate(model.objectives):
        lo, hi = expr_range(e, model)
        blo, bhi = bounds.get(k, (None, None))
        lo, hi = max(lo, blo if blo is not None else lo), min(hi, bhi if bhi is not None else hi)
        if lo > hi:
            return None
        out.append((lo, hi))
    return out


def fixings(assumptions: Sequence[Lit]) -> dict[int, int] | None:
    """Assumption literals as ``{variable: value}``; None when two contradict."""
    out: dict[int, int] = {}
    for v, positive in assumptions:
        if out.setdefault(v, int(positive)) != int(positive):
            return None
    return out


def lexicographic_stages(
    weights: Mapping[int, int], box: Sequence[tuple[int, int]], limit: int
) -> list[dict[int, int]]:
    """Split ``Σ w_k f_k`` into lexicographic stages when its values exceed ``limit``.

    A weight larger than everything the other terms can vary by (``|w_k| > Σ |w_j| × span_j``)
    makes the weighted optimum the lexicographic one: first ``f_k`` (in the weight's
    direction), then the rest. Each stage then has small values, which a float MILP can prove
    optimal to the unit. Without such a dominant weight the sum is solved as it is.
    """
    rest = {k: w for k, w in weights.items() if w}
    stages = []
    while rest:
        magnitude = sum(abs(w) * max(abs(box[k][0]), abs(box[k][1])) for k, w in rest.items())
        if magnitude <= limit or len(rest) == 1:
            break
        k = max(rest, key=lambda j: (abs(rest[j]), -j))
        others = sum(abs(w) * (box[j][1] - box[j][0]) for j, w in rest.items() if j != k)
        if abs(rest[k]) <= others:
            break
        stages.append({k: 1 if rest.pop(k) > 0 else -1})
    if rest or not stages:
        stages.append(rest)
    return stages


@contextmanager
def silenced_stdout() -> Iterator[None]:
    """Send file descriptor 1 to /dev/null: solver libraries print banners from C, and
    dealopt's stdout may be JSON in a pipe."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


# The shared MILP session ------------------------------------------------------------------

MILP_EXACT = 2**18
"""Largest objective value or coefficient a float MILP solver is trusted to resolve to one unit.

With an integrality tolerance of 1e-7 a row reaching 2**18 moves by at most 0.03 of a unit; past
it a "relaxed" 0/1 column could hide a better deal or fake a bound. The tolerance cannot be
tightened instead: below the float noise of a row (1e-9 at 5e7) HiGHS calls feasible models
infeasible. Utilities are rounded to this range and settled exactly (decision 30); rules that
reach further are refused before solving (decisions 27, 33).
"""

EXACT_OBJECTIVE = 2**24
"""Weighted objectives reaching beyond this are split into lexicographic stages when they can be.

A float MILP solver proves bounds with tolerances near 1e-9 relative; below 2**24 their error
stays far below the half unit that separates two integer objective values.
"""

TIGHTER = 2
"""Attempts per solve: a rounded solution that breaks the model is solved again with tighter
feasibility tolerances (attempt 1); if it still breaks the model the session raises."""

START_STEPS = 20
"""Most rounds of one-issue changes when a start is repaired (each a batch of every neighbour);
each round must improve the start, so this only bounds the time."""

START_CELLS = 1 << 24
"""No start is repaired when one batch of neighbours (options x variables) has more cells."""

Outcome = tuple[str, Sequence[float] | None]
"""A native run: ``"optimal"``, ``"infeasible"`` or ``"limit"``, and every column's value
(None when the run found no solution)."""


class MilpSession:
    """Solving a :class:`LinearForm` with a MILP solver; subclasses supply the native hooks.

    Per solve the objective columns get the bounds, the assumption literals fix their
    columns, and the weights become costs on the objective columns, all in place. Weights
    with a dominant entry over a large range are solved as lexicographic stages (see
    :func:`lexicographic_stages`). Each run's solution is rounded and checked exactly.
    """

    name = "milp"

    def __init__(self, model: CompiledModel, options: SolveOptions):
        self.model = model
        self.calls = 0
        self._options = options
        check_exact_range(model, self.name)
        self.form = linear_form(model)
        self._evaluator: Any = None

    # Hooks ----------------------------------------------------------------------------------

    def _set_bounds(self, cols: Sequence[int], lo: Sequence[int], hi: Sequence[int]) -> None:
        raise NotImplementedError

    def _run(
        self,
        weights: Mapping[int, int],
        attempt: int,
        start: Sequence[int] | None,
        time_limit: float | None,
    ) -> Outcome:
        """Maximise ``Σ weights[k] × column(objective k)``; ``start``: every column's value."""
        raise NotImplementedError

    def _add_cut(self, cols: Sequence[int], hi: int) -> None:
        """Add the row ``Σ cols <= hi`` until :meth:`_drop_cuts`."""
        raise NotImplementedError

    def _drop_cuts(self) -> None:
        raise NotImplementedError

    # Driver ---------------------------------------------------------------------------------

    def _apply(self, box: Sequence[tuple[int, int]], fixed: Mapping[int, int]) -> None:
        cols = [*self.form.objective_cols, *sorted(fixed)]
        lo = [*(b[0] for b in box), *(fixed[v] for v in sorted(fixed))]
        hi = [*(b[1] for b in box), *(fixed[v] for v in sorted(fixed))]
        self._set_bounds(cols, lo, hi)

    def _release(self, fixed: Mapping[int, int]) -> None:
        self._set_bounds(sorted(fixed), [0] * len(fixed), [1] * len(fixed))

    def _optimise(
        self,
        weights: Mapping[int, int],
        box: Sequence[tuple[int, int]],
        fixed: Mapping[int, int],
        hint: Sequence[int] | None,
        time_limit: float | None,
    ) -> tuple[SolveStatus, tuple[int, ...] | None]:
        """One run under the current bounds, its solution checked exactly."""
        start = None if hint is None else self.form.columns(hint)
        problem = ""
        for attempt in range(TIGHTER):
            native, cols = self._run(weights, attempt, start, time_limit)
            if native == "infeasible":
                return SolveStatus.INFEASIBLE, None
            if cols is None:
                return SolveStatus.UNKNOWN, None
            values = tuple(round(x) for x in cols[: self.model.num_vars])
            problem = self._problem(values, cols, box, fixed) or ""
            if not problem:
                status = SolveStatus.OPTIMAL if native == "optimal" else SolveStatus.FEASIBLE
                return status, values
            if native != "optimal":  # a limit was hit: no time to try again
                return SolveStatus.UNKNOWN, None
        raise OracleRejectedError(
            f"the {self.name} backend returned a near-feasible solution that breaks the model "
            f"even at the tightest tolerances: {problem} (a dealopt bug, please report)"
        )

    def _inside(
        self, values: Sequence[int], box: Sequence[tuple[int, int]], fixed: Mapping[int, int]
    ) -> bool:
        """Whether the deal ``values`` meets the objective box and the assumptions (the hint
        is a solution of an earlier solve, so the model itself is not checked here)."""
        return all(
            lo <= e.value(values) <= hi
            for e, (lo, hi) in zip(self.model.objectives, box, strict=True)
        ) and all(values[v] == x for v, x in fixed.items())

    def _start(
        self,
        hint: Sequence[int],
        weights: Mapping[int, int],
        box: Sequence[tuple[int, int]],
        fixed: Mapping[int, int],
    ) -> tuple[int, ...] | None:
        """A feasible start inside ``box`` near a hint outside it, or None (no start).

        The previous point, the usual hint, lies outside the region the next solve asks about,
        and HiGHS then starts without an incumbent; with presolve off that first stage was the
        cost of exactness (decision 65). So: the best of the hint's neighbours (one issue
        changed) that is feasible and inside the box, then hill climbing by one change at a
        time while ``Σ weights × objectives`` improves. Deals are evaluated exactly in batches;
        a start is only a candidate for the solver, never an answer, so this changes no result.
        """
        batch = self._batch()
        if batch is None:
            return None
        import numpy as np

        model = self.model
        digits = deal_key(model, hint)
        if any(d >= len(g) for d, g in zip(digits, model.choices, strict=True)):
            return None  # not a deal: no option chosen in some group
        base = np.asarray(digits, dtype=np.int64)
        sizes = [len(g) for g in model.choices]
        if sum(sizes) * model.num_vars > START_CELLS:
            return None  # a batch of every neighbour would not be cheap
        ks = [k for k, w in sorted(weights.items()) if w]
        current: tuple[int, tuple[int, ...]] | None = None  # (score, values)
        for _ in range(START_STEPS):
            cand = np.repeat(base[None, :], sum(sizes), axis=0)
            row = 0
            for g, size in enumerate(sizes):
                cand[row : row + size, g] = np.arange(size)
                row += size
            vals = batch.values(cand)
            ok = batch.feasible(vals, cand)
            objs = np.stack([e.value(cand, vals) for e in batch.objectives], axis=1)
            for k, (lo, hi) in enumerate(box):
                ok &= (objs[:, k] >= lo) & (objs[:, k] <= hi)
            for v, x in fixed.items():
                ok &= vals[:, v] == bool(x)
            rows = np.flatnonzero(ok)
            if not len(rows):
                break
            # Exact Python integers: the weights of a lexicographic solve can be large.
            scores = [sum(weights[k] * int(o[k]) for k in ks) for o in objs[rows].tolist()]
            i = max(range(len(rows)), key=lambda j: (scores[j], -j))
            if current is not None and scores[i] <= current[0]:
                break
            best = int(rows[i])
            current = scores[i], tuple(int(x) for x in vals[best])
            base = cand[best]
        return None if current is None else current[1]

    def _batch(self) -> Any:
        """The model's batch evaluator, made on first use; None when the model's variables
        are not all functions of the deal (then no start is repaired)."""
        if self._evaluator is None:
            from dealopt.backends.batch import BatchEvaluator

            try:
                self._evaluator = BatchEvaluator(self.model)
            except (UsageError, ArithmeticError):
                self._evaluator = False
        return self._evaluator or None

    def _problem(
        self,
        values: tuple[int, ...],
        cols: Sequence[float],
        box: Sequence[tuple[int, int]],
        fixed: Mapping[int, int],
    ) -> str | None:
        broken = violation(self.model, values)
        if broken:
            return broken
        for k, e in enumerate(self.model.objectives):
            exact = e.value(values)
            if not box[k][0] <= exact <= box[k][1]:
                return f"objective {k} = {exact} is outside {box[k]}"
            if abs(cols[self.form.objective_cols[k]] - exact) > 0.5:
                return f"objective column {k} is {cols[self.form.objective_cols[k]]}, not {exact}"
        if any(values[v] != x for v, x in fixed.items()):
            return "an assumption does not hold"
        return None

    def solve(
        self,
        weights: Mapping[int, int],
        *,
        bounds: Bounds = NO_BOUNDS,
        assumptions: Sequence[Lit] = (),
        hint: Sequence[int] | None = None,
        time_limit: float | None = None,
    ) -> BackendSolution:
        """Maximise ``Σ weights[k] × objective_k``; see :meth:`Session.solve`."""
        check_request(self.model, weights, bounds)
        if hint is not None and len(hint) != self.model.num_vars:
            raise ValueError(f"a hint needs {self.model.num_vars} values, got {len(hint)}")
        self.calls += 1
        box = objective_box(self.model, bounds)
        fixed = fixings(assumptions)
        if box is None or fixed is None:
            return BackendSolution(SolveStatus.INFEASIBLE)
        if not self.form.num_cols:  # no issue and no objective: the one empty deal
            return BackendSolution(SolveStatus.OPTIMAL, (), ())
        deadline = None if time_limit is None else time.perf_counter() + time_limit
        if hint is not None and weights and not self._inside(hint, box, fixed):
            hint = self._start(hint, weights, box, fixed)
        stages = lexicographic_stages(weights, box, EXACT_OBJECTIVE)
        status, best = SolveStatus.OPTIMAL, None
        self._apply(box, fixed)
        try:
            for n, stage in enumerate(stages):
                left = None if deadline is None else deadline - time.perf_counter()
                if left is not None and left <= 0:
                    status = SolveStatus.FEASIBLE if best is not None else SolveStatus.UNKNOWN
                    break
                status, values = self._optimise(stage, box, fixed, hint, left)
                if values is None and best is not None:  # a limit in a later stage
                    if status is SolveStatus.INFEASIBLE:  # cannot be: `best` is feasible
                        raise RuntimeError(f"{self.name}: a stage lost its own optimum (a bug)")
                    status = SolveStatus.FEASIBLE
                if values is None:
                    break
                best = hint = values
                if status is not SolveStatus.OPTIMAL:
                    break
                if n + 1 < len(stages):  # later stages keep this stage's optimum
                    (k,) = stage
                    top = self.model.objectives[k].value(values)
                    box = [(top, top) if j == k else b for j, b in enumerate(box)]
                    self._apply(box, {})
        finally:
            self._release(fixed)
        if best is None:
            return BackendSolution(status)
        return BackendSolution(status, best, tuple(e.value(best) for e in self.model.objectives))

    def solutions(
        self,
        *,
        bounds: Bounds = NO_BOUNDS,
        assumptions: Sequence[Lit] = (),
        limit: int,
    ) -> tuple[list[tuple[int, ...]], bool]:
        """Up to ``limit`` distinct feasible deals, found one by one with no-good cuts on the
        options (removed again afterwards); sorted in enumeration order."""
        check_request(self.model, {}, bounds)
        self.calls += 1
        if limit < 0:
            raise ValueError(f"limit must be >= 0, got {limit}")
        box = objective_box(self.model, bounds)
        fixed = fixings(assumptions)
        if box is None or fixed is None:
            return [], True
        if not self.form.num_cols:
            return ([()] if limit else []), limit >= 1
        groups = len(self.model.choices)
        found: list[tuple[int, ...]] = []
        self._apply(box, fixed)
        try:
            while len(found) <= limit:  # one more than asked proves the list incomplete
                status, values = self._optimise({}, box, fixed, None, None)
                if values is None:
                    if status is not SolveStatus.INFEASIBLE:
                        raise RuntimeError(f"a feasibility run without a limit ended {status}")
                    break
                found.append(values)
                if groups == 0:  # the one empty deal
                    break
                # Not this combination of options again.
                chosen = [v for group in self.model.choices for v in group if values[v]]
                self._add_cut(chosen, groups - 1)
        finally:
            self._drop_cuts()
            self._release(fixed)
        found.sort(key=lambda v: deal_key(self.model, v))
        return found[:limit], len(found) <= limit


def check_exact_range(model: CompiledModel, backend: str) -> None:
    """Refuse, before solving, a model a float MILP solver cannot prove exactly.

    Raises :class:`~dealopt.errors.UsageError` naming the backends that can when a value or
    coefficient reaches past :data:`MILP_EXACT`. Utilities never do: the compiler rounds them to
    this range for these backends (``objective_limit``) and the frontier is settled exactly
    afterwards. Rules can: a comparison of long decimals over too many issues to tabulate.
    """
    reach = model_reach(model)
    if reach > MILP_EXACT:
        raise UsageError(
            f"the {backend} backend cannot prove this frontier exactly: the exact integer form "
            f"of a rule or red line reaches {reach:.3g} (long decimals), and a float MILP "
            f"solver resolves one unit only up to 2**18; use --backend cpsat or "
            f"--backend enumerate (or auto), which are exact at this scale"
        )
