"""The enumeration backend: every deal, vectorised with numpy.

The oracle for the other backends and the fast path for small bundle spaces. At build time it
walks the whole bundle space (the cartesian product of the choice groups, as a mixed-radix index
with the last group varying fastest, i.e. ``itertools.product`` order) in chunks, computes the
definitions in order, drops the deals that break a constraint, and keeps the feasible deals'
objective matrix and packed 0/1 values. Every solve is then masks and an argmax.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Mapping, Sequence

import numpy as np

from dealopt.backends.base import (
    DEFAULT_OPTIONS,
    NO_BOUNDS,
    BackendSolution,
    Bounds,
    BuildStopped,
    Feature,
    SolveOptions,
    SolveStatus,
    check_request,
)
from dealopt.backends.batch import INT64_SAFE, BatchEvaluator
from dealopt.compile.model import CompiledModel
from dealopt.errors import UsageError

MAX_DEALS = 5_000_000
"""The largest bundle space the backend agrees to enumerate."""
CHUNK = 1 << 16
"""Deals evaluated at once: bounds the working memory."""


class EnumerateBackend:
    """Brute force over the whole bundle space (at most :data:`MAX_DEALS` deals)."""

    name = "enumerate"
    features = frozenset({Feature.ASSUMPTIONS, Feature.ENUMERATE})

    def is_available(self) -> bool:
        """Whether ``numpy`` is installed (not imported)."""
        return importlib.util.find_spec("numpy") is not None

    def build(
        self, model: CompiledModel, options: SolveOptions = DEFAULT_OPTIONS
    ) -> EnumerateSession:
        """Enumerate ``model``'s bundle space once; raises :class:`UsageError` when too large."""
        return EnumerateSession(model, options)


class EnumerateSession:
    """Every feasible deal of one model, held as an objective matrix and packed values."""

    features = EnumerateBackend.features

    def __init__(self, model: CompiledModel, options: SolveOptions = DEFAULT_OPTIONS):
        size = model.bundle_space_size
        if size > MAX_DEALS:
            raise UsageError(
                f"the bundle space has {size:,} deals; the enumerate backend handles at most "
                f"{MAX_DEALS:,}: use the cpsat backend"
            )
        self.model = model
        self.calls = 0
        self._batch = BatchEvaluator(model)
        self._radix = np.array([len(g) for g in model.choices], dtype=np.int64)
        # Last group varies fastest, as in itertools.product.
        self._stride = np.array(
            [int(np.prod(self._radix[g + 1 :])) for g in range(len(model.choices))], dtype=np.int64
        )
        obj_exprs = self._batch.objectives
        objs, numbers = [], []
        for start in range(0, size, CHUNK):
            if options.deadline is not None and time.perf_counter() > options.deadline:
                raise BuildStopped("time limit")  # nothing is proven until every deal is seen
            idx = np.arange(start, min(size, start + CHUNK), dtype=np.int64)
            vals, digits = self._evaluate(idx)
            ok = self._batch.feasible(vals, digits)
            # Objectives of the feasible rows only, reading just the columns they need (not
            # a copy of the whole deals x variables matrix).
            rows = None if ok.all() else np.flatnonzero(ok)
            some = digits if rows is None else digits[rows]
            objs.append(
                np.stack([e.value(some, vals, rows) for e in obj_exprs], axis=1)
                if model.objectives
                else np.zeros((len(some), 0), dtype=np.int64)
            )
            numbers.append(idx if rows is None else idx[rows])
        k = len(model.objectives)
        self._obj = np.concatenate(objs) if objs else np.zeros((0, k), dtype=np.int64)
        # Each feasible deal's number in the bundle space; its 0/1 values are recomputed when
        # asked for (a frontier needs a few; packing all of them up front cost a third of
        # the build).
        self._number = np.concatenate(numbers) if numbers else np.zeros(0, dtype=np.int64)
        self._packed_cache: np.ndarray | None = None

    @property
    def num_feasible(self) -> int:
        """How many deals satisfy every constraint."""
        return len(self._obj)

    def _evaluate(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """0/1 values (bool matrix) and chosen positions of the deals numbered ``idx``."""
        digits = (idx[:, None] // self._stride[None, :]) % self._radix[None, :]
        return self._batch.values(digits), digits

    # Solving ------------------------------------------------------------------------------

    @property
    def _packed(self) -> np.ndarray:
        """Every feasible deal's 0/1 values, bit-packed; made on first use (assumptions)."""
        if self._packed_cache is None:
            width = (self.model.num_vars + 7) // 8
            parts = [np.zeros((0, width), dtype=np.uint8)]
            for start in range(0, len(self._number), CHUNK):
                vals, _ = self._evaluate(self._number[start : start + CHUNK])
                parts.append(np.packbits(vals, axis=1))
            self._packed_cache = np.concatenate(parts)
        return self._packed_cache

    def _column(self, v: int) -> np.ndarray:
        return ((self._packed[:, v >> 3] >> (7 - (v & 7))) & 1).astype(bool)

    def _mask(self, bounds: Bounds, assumptions: Sequence[tuple[int, bool]]) -> np.ndarray:
        mask = np.ones(len(self._obj), dtype=bool)
        for k, (lo, hi) in bounds.items():
            if lo is not None:
                mask &= self._obj[:, k] >= lo
            if hi is not None:
                mask &= self._obj[:, k] <= hi
        for v, pos in assumptions:
            mask &= self._column(v) == pos
        return mask

    def _values(self, row: int) -> tuple[int, ...]:
        return self._values_of(np.array([row]))[0]

    def _values_of(self, rows: np.ndarray) -> list[tuple[int, ...]]:
        """The 0/1 values of the feasible deals at ``rows``, evaluated in one batch."""
        if self._packed_cache is not None:
            bits = np.unpackbits(self._packed_cache[rows], axis=1, count=self.model.num_vars)
        else:
            bits = np.concatenate(
                [np.zeros((0, self.model.num_vars), dtype=bool)]
                + [
                    self._evaluate(self._number[rows[s : s + CHUNK]])[0]
                    for s in range(0, len(rows), CHUNK)
                ]
            )
        return [tuple(row) for row in bits.astype(int).tolist()]

    def solve(
        self,
        weights: Mapping[int, int],
        *,
        bounds: Bounds = NO_BOUNDS,
        assumptions: Sequence[tuple[int, bool]] = (),
        hint: Sequence[int] | None = None,
        time_limit: float | None = None,
    ) -> BackendSolution:
        """Maximise ``Σ weights[k] × objective_k``; ties go to the first deal in enumeration
        order. ``hint`` and ``time_limit`` are ignored (the work was done at build time)."""
        check_request(self.model, weights, bounds)
        self.calls += 1
        rows = np.flatnonzero(self._mask(bounds, assumptions))
        if len(rows) == 0:
            return BackendSolution(SolveStatus.INFEASIBLE)
        ks = [k for k, w in sorted(weights.items()) if w]
        best = 0
        if ks:
            sub = self._obj[np.ix_(rows, ks)]
            reach = sum(abs(weights[k]) for k in ks) * int(np.abs(sub).max(initial=0))
            if reach >= INT64_SAFE:  # exact Python integers instead of overflowing int64
                score = sub.astype(object) @ np.array([weights[k] for k in ks], dtype=object)
                best = max(range(len(score)), key=lambda i: (score[i], -i))
            else:
                w = np.array([weights[k] for k in ks], dtype=np.int64)
                best = int(np.argmax(sub @ w))  # argmax returns the first maximum
        row = int(rows[best])
        return BackendSolution(
            SolveStatus.OPTIMAL, self._values(row), tuple(int(x) for x in self._obj[row])
        )

    def solutions(
        self,
        *,
        bounds: Bounds = NO_BOUNDS,
        assumptions: Sequence[tuple[int, bool]] = (),
        limit: int,
    ) -> tuple[list[tuple[int, ...]], bool]:
        """Up to ``limit`` feasible deals in enumeration order; see :meth:`Session.solutions`."""
        check_request(self.model, {}, bounds)
        self.calls += 1
        if limit < 0:
            raise ValueError(f"limit must be >= 0, got {limit}")
        rows = np.flatnonzero(self._mask(bounds, assumptions))
        return self._values_of(rows[:limit]), len(rows) <= limit

    def nondominated(
        self, bounds: Bounds = NO_BOUNDS
    ) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
        """Every nondominated objective vector within ``bounds``, with its first deal.

        Sorted lexicographically descending by objectives; see
        :meth:`EnumeratingSession.nondominated`.
        """
        check_request(self.model, {}, bounds)
        self.calls += 1
        if bounds:
            rows = np.flatnonzero(self._mask(bounds, ()))
            objs = self._obj[rows]
        else:  # no copy of the whole matrix
            rows, objs = np.arange(len(self._obj)), self._obj
        if len(rows) == 0:
            return []
        live = _not_beaten_by_pivots(objs)
        objs, rows = objs[live], rows[live]
        key = _lex_key(objs)
        if key is not None:
            # One int64 key per vector: unique() is a single sort, and its first index per
            # key is the first deal (rows ascend). Reversed: lexicographically descending.
            _, first = np.unique(key, return_index=True)
            pick = first[::-1]
        else:  # too many distinct values to pack: sort on every column
            order = np.lexsort((rows, *(-objs[:, k] for k in reversed(range(objs.shape[1])))))
            sorted_objs = objs[order]
            new = np.ones(len(order), dtype=bool)
            new[1:] = (sorted_objs[1:] != sorted_objs[:-1]).any(axis=1)
            pick = order[new]
        objs, rows = objs[pick], rows[pick]
        keep = nondominated_mask(objs, presorted=True)
        return [
            (tuple(o), values)
            for o, values in zip(objs[keep].tolist(), self._values_of(rows[keep]), strict=True)
        ]


def nondominated_mask(
    points: np.ndarray, *, presorted: bool = False, block: int = 1024
) -> np.ndarray:
    """Which rows of ``points`` no other row dominates (maximisation); rows must be distinct.

    ``presorted`` promises that the rows are in lexicographically descending order.

    Two objectives: sort lexicographically descending and sweep (a row survives iff its f2
    beats every earlier f2). Three or more: sort by sum descending, so that a row can only be
    dominated by an earlier one, then take blocks of rows in that order: a block's rows not
    dominated by an earlier row of the block are nondominated, and they remove every later
    row they dominate at once (high-sum rows dominate many, so the rest shrinks fast).
    """
    n, k = points.shape
    keep = np.zeros(n, dtype=bool)
    if n == 0:
        return keep
    if k <= 1:
        keep[np.argmax(points[:, 0]) if k else 0] = True
        return keep
    if k == 2:
        order = np.arange(n) if presorted else np.lexsort((-points[:, 1], -points[:, 0]))
        f2 = points[order, 1]
        best_before = np.maximum.accumulate(np.concatenate(([f2[0]], f2[:-1])))
        survive = f2 > best_before
        survive[0] = True
        keep[order[survive]] = True
        return keep
    if _exact_in_float(points):
        return _dimension_sweep(points)
    # Float sums are only an order: rounding is monotone, so a dominating row's sum is never
    # smaller, and ties fall back to lexicographic order, where a dominating row comes first.
    total = points.astype(np.float64).sum(axis=1)
    if presorted:
        order = np.lexsort((np.arange(n), -total))
    else:
        order = np.lexsort((*(-points[:, j] for j in reversed(range(k))), -total))
    rest, rest_idx = points[order], order
    while len(rest):
        # Small blocks while the rest is large: each block's cost is |new| x |rest|.
        size = int(np.clip((1 << 22) // len(rest), 8, block))
        x, xi = rest[:size], rest_idx[:size]
        dominated = np.tril((x[None, :, :] >= x[:, None, :]).all(axis=2), -1).any(axis=1)
        new = x[~dominated]
        keep[xi[~dominated]] = True
        rest, rest_idx = rest[size:], rest_idx[size:]
        if len(rest) and len(new):
            alive = np.ones(len(rest), dtype=bool)
            step = max(1, (1 << 22) // (len(new) * k))  # bounds the broadcast to ~4M booleans
            for s in range(0, len(rest), step):
                r = rest[s : s + step]
                alive[s : s + step] = ~(new[None, :, :] >= r[:, None, :]).all(axis=2).any(axis=1)
            rest, rest_idx = rest[alive], rest_idx[alive]
    return keep


FLOAT_EXACT = 1 << 53
"""Integers below this in magnitude are exact as binary64 floats."""


def _exact_in_float(points: np.ndarray) -> bool:
    """Whether every entry is an integer that converts to a float without rounding, so that a
    float comparison decides dominance exactly."""
    if points.dtype.kind not in "iu":
        return False
    # max and min, not abs: abs of the smallest int64 overflows.
    if not len(points):
        return False
    return int(points.min()) > -FLOAT_EXACT and int(points.max()) < FLOAT_EXACT


def _dimension_sweep(points: np.ndarray) -> np.ndarray:
    """Nondominated rows of distinct integer rows (maximisation) by moocore's compiled
    dimension sweep: O(n log n) for three objectives, O(n log^(k-2) n) beyond (Kung, Luccio and
    Preparata 1975), against the blocked O(n x front) filter below; the caller has checked that
    the integers are exact as floats, which is all moocore compares."""
    import moocore  # only the merge and enumeration paths need it

    return np.asarray(
        moocore.is_nondominated(points.astype(np.float64), maximise=True, keep_weakly=True),
        dtype=bool,
    )


FEW_REFERENCES = 1024
"""Up to this many reference rows, :func:`covered_mask` tests row by row instead of a sweep."""


def covered_mask(points: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Which rows of ``points`` some row of ``reference`` weakly dominates (maximisation:
    at least as large in every column).

    Up to :data:`FEW_REFERENCES` reference rows are tested one by one. Beyond, one dimension
    sweep over both sets at once: each query row gets two more columns, its rank
    ``r`` and ``-r``, so no two query rows are comparable, and each reference row gets ``n`` in
    both, so a reference row dominates a query row exactly when it is at least as large in the
    original columns. A query row is then dominated in the union exactly when it is covered.
    """
    n = len(points)
    out = np.zeros(n, dtype=bool)
    if not n or not len(reference):
        return out
    if len(reference) <= FEW_REFERENCES:
        # Few reference rows (the merge engine's archive): one exact pass per row, each over
        # the rows still uncovered, beats the sweep over the union (5x at 300 x 100,000).
        live = np.arange(n)
        cols = [np.ascontiguousarray(points[:, j]) for j in range(points.shape[1])]
        for v in reference:
            below = cols[0] <= v[0]
            for j in range(1, len(cols)):
                below &= cols[j] <= v[j]
            if below.any():  # compacted only when some row is covered
                out[live[below]] = True
                live = live[~below]
                cols = [c[~below] for c in cols]
        return out
    if _exact_in_float(points) and _exact_in_float(reference):
        rank = np.arange(n, dtype=np.int64)[:, None]
        queries = np.hstack([points, rank, -rank])
        refs = np.hstack([reference, np.full((len(reference), 2), n, dtype=np.int64)])
        both = np.vstack([queries, refs])
        return ~_dimension_sweep(both)[:n]
    step = max(1, (1 << 22) // (len(reference) * points.shape[1]))
    for s in range(0, n, step):
        u = points[s : s + step]
        out[s : s + step] = (reference[None, :, :] >= u[:, None, :]).all(axis=2).any(axis=1)
    return out


PIVOT_WEIGHTS = 16
"""Random positive weightings whose best deals serve as pivots (beside each objective alone and
the plain sum): they drop 79-99% of the deals on the benchmark families (most with 2 parties)."""


def _not_beaten_by_pivots(points: np.ndarray) -> np.ndarray:
    """Indices of the rows no *pivot* dominates, in order: a cheap first cut before the exact
    filter. Pivots are rows (so feasible vectors) that maximise a positive weighting; a row one
    of them dominates cannot be nondominated, and rows equal to a pivot stay."""
    n, p = points.shape
    if n < 4096 or p < 2:  # the exact filter alone is fast enough
        return np.arange(n)
    rng = np.random.default_rng(0)  # fixed: the same cut on every run
    weights = np.vstack((np.ones((1, p)), np.eye(p), rng.integers(1, 10, size=(PIVOT_WEIGHTS, p))))
    # Floats only choose the pivots; the dominance tests below are exact integer comparisons.
    best = np.argmax(weights @ points.T.astype(np.float64), axis=1)
    keep = np.arange(n)
    cols = [np.ascontiguousarray(points[:, j]) for j in range(p)]
    for v in points[np.unique(best)]:
        below, equal = cols[0] <= v[0], cols[0] == v[0]
        for j in range(1, p):
            below &= cols[j] <= v[j]
            equal &= cols[j] == v[j]
        live = ~below | equal
        keep = keep[live]
        cols = [c[live] for c in cols]
    return keep


def _lex_key(points: np.ndarray) -> np.ndarray | None:
    """An int64 per row that sorts like the rows (lexicographically), or None if none fits.

    The columns are packed in mixed radix, the first most significant: as offsets from the
    column's minimum when the spans fit, else as ranks among the column's distinct values.
    """
    if len(points) == 0:
        return np.zeros(0, dtype=np.int64)
    lo, hi = points.min(axis=0), points.max(axis=0)
    spans = [int(b) - int(a) + 1 for a, b in zip(lo, hi, strict=True)]
    if _product(spans) < 2**63:
        digits = [(points[:, j] - lo[j], spans[j]) for j in range(points.shape[1])]
    else:
        columns = [np.unique(points[:, j], return_inverse=True) for j in range(points.shape[1])]
        if _product([len(v) for v, _ in columns]) >= 2**63:
            return None
        digits = [(inverse.reshape(-1), len(v)) for v, inverse in columns]
    key = np.zeros(len(points), dtype=np.int64)
    for digit, base in digits:
        key = key * base + digit
    return key


def _product(numbers: list[int]) -> int:
    out = 1
    for x in numbers:
        out *= x
    return out
