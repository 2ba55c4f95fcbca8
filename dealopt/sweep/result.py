"""What :func:`dealopt.sweep` returns: the outcomes of every scenario and what they add up to.

The numbers (docs/sweep.md explains each, with SMAA's names beside them):

* the probability that the zone is non-empty, with a Wilson 95% interval;
* per deal that is in some scenario's zone: its acceptability (share of scenarios in whose
  zone it is: SMAA's acceptability index), the share in which it is Pareto-optimal and is each
  bargaining solution, and its central parameters (the mean scenario where it is the Nash deal:
  SMAA's central weights);
* the stability of the answer: the share of each Nash deal and each Nash alignment, with Monte
  Carlo standard errors ``sqrt(p (1 - p) / n)``;
* sensitivity: the partial rank correlation (PRCC) of each uncertain number with the zone's
  existence, each party's Nash utility and whether the Nash deal and the Nash alignment are
  the most frequent ones; with Sobol' sampling, Sobol' indices of the same outcomes
  (:mod:`dealopt.sweep.sensitivity`).

Shares are over every scenario run: a ``partial`` scenario is counted (its proven deals count,
what it could not prove does not), never dropped; ``partial`` is reported beside.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from dealopt.result import SOLUTION_NAMES
from dealopt.sweep.engine import DealKey, Outcome, Solution
from dealopt.sweep.scenarios import Scenarios
from dealopt.sweep.sensitivity import SobolIndex

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

SCHEMA = "dealopt.sweep/1"
Z95 = 1.959963984540054


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a share ``k / n`` (95% by default)."""
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def standard_error(p: float, n: int) -> float:
    """The Monte Carlo standard error of a share ``p`` over ``n`` scenarios."""
    return math.sqrt(p * (1 - p) / n) if n else float("nan")


STATUSES = ("complete", "partial", "no-feasible-deal", "no-acceptable-deal")
"""A scenario's status, stored as its index here."""
_WAYS = ("fast", "solve")
_LIMIT = 2**63


def _exact_columns(rows: list[list[Fraction | None]]) -> tuple[np.ndarray, np.ndarray]:
    """Exact numbers as numerator and denominator arrays: int64 where every one fits, Python
    integers (object) otherwise; None as 0/0."""
    numerators = [[0 if x is None else x.numerator for x in r] for r in rows]
    denominators = [[0 if x is None else x.denominator for x in r] for r in rows]
    out = []
    for table in (numerators, denominators):
        try:
            out.append(np.array(table, dtype=np.int64))
        except OverflowError:
            out.append(np.array(table, dtype=object))
    return out[0], out[1]


def _fraction(numerator: Any, denominator: Any) -> Fraction | None:
    return None if denominator == 0 else Fraction(int(numerator), int(denominator))


@dataclass(frozen=True)
class Record:
    """One scenario's row of the experiments table, read back from a :class:`Tally` (an
    :class:`~dealopt.sweep.engine.Outcome` without its lists of frontier and zone deals)."""

    index: int
    status: str
    frontier_size: int
    zone_size: int
    zone_deals: int
    no_deal: tuple[Fraction, ...]
    solutions: Mapping[str, Solution | None]
    nash_alignment: str | None
    way: str


class Tally:
    """What a sweep keeps, fed the outcomes batch by batch in scenario order.

    Per scenario, in compact arrays (the experiments table): status, frontier and zone sizes,
    the number of zone deals, the no-deal values and each solution's utilities as exact
    numerators and denominators (int64 where they fit), each solution's deal and the Nash
    alignment as small integer ids. Per deal: how many scenarios have it in the zone, on the
    frontier, and as each solution. The frontier and zone deal lists of a scenario are only
    counted, not kept, except in the full :class:`Outcome` of the first ``keep_outcomes``
    scenarios; the frontier points of the first ``keep_frontiers`` are kept for the picture.
    Memory is then a few hundred bytes per scenario, whatever the size of its zone.
    """

    def __init__(self, parties: int, keep_outcomes: int = 0, capacity: int | None = None):
        self.parties = parties
        self.keep_outcomes = keep_outcomes
        # With the number of scenarios known, the arrays are made once and filled in place:
        # no copy of the whole table when it is read.
        self.capacity = capacity
        self._arrays: dict[str, np.ndarray] | None = None
        self.n = 0
        self.deal_keys: list[DealKey] = []
        self._deal_ids: dict[DealKey, int] = {}
        self.alignment_names: list[str] = []
        self._alignment_ids: dict[str, int] = {}
        # dict.fromkeys / Counter order: ties in a ranking keep the order first seen, the same
        # in every process (a set's order follows the string hash seed).
        self.zone: Counter[DealKey] = Counter()
        self.pareto: Counter[DealKey] = Counter()
        self.kept: list[Outcome] = []
        self.frontiers: list[tuple[tuple[Fraction, ...], ...]] = []
        self._chunks: list[dict[str, np.ndarray]] = []
        self._columns: dict[str, np.ndarray] | None = None

    def _deal_id(self, key: DealKey) -> int:
        k = self._deal_ids.get(key)
        if k is None:
            k = self._deal_ids[key] = len(self.deal_keys)
            self.deal_keys.append(key)
        return k

    def add(self, outcomes: Sequence[Outcome]) -> None:
        """Count a batch of outcomes (the next scenarios in order)."""
        if not outcomes:
            return
        statuses, sizes, ways, alignments, ids, no_deal, utilities = [], [], [], [], [], [], []
        none = [None] * self.parties
        for o in outcomes:
            self.zone.update(list(dict.fromkeys(o.zone)))
            self.pareto.update(list(dict.fromkeys(o.frontier)))
            statuses.append(STATUSES.index(o.status))
            ways.append(_WAYS.index(o.way))
            sizes.append((o.index, o.frontier_size, o.zone_size, len(o.zone)))
            a = o.nash_alignment
            if a is None:
                alignments.append(-1)
            else:
                k = self._alignment_ids.get(a)
                if k is None:
                    k = self._alignment_ids[a] = len(self.alignment_names)
                    self.alignment_names.append(a)
                alignments.append(k)
            row_ids, row_utilities = [], []
            for name in SOLUTION_NAMES:
                s = o.solutions[name]
                row_ids.append(-1 if s is None else self._deal_id(s.deal))
                row_utilities.extend(none if s is None else s.utilities)
            ids.append(row_ids)
            utilities.append(row_utilities)
            no_deal.append(list(o.no_deal))
            if o.index < self.keep_outcomes:
                self.kept.append(o)
            if o.frontier_points is not None:
                self.frontiers.append(o.frontier_points)
        d_num, d_den = _exact_columns(no_deal)
        u_num, u_den = _exact_columns(utilities)
        shape = (len(outcomes), len(SOLUTION_NAMES), self.parties)
        self._store(
            {
                "sizes": np.array(sizes, dtype=np.int64).reshape(len(outcomes), 4),
                "status": np.array(statuses, dtype=np.int8),
                "way": np.array(ways, dtype=np.int8),
                "alignment": np.array(alignments, dtype=np.int32),
                "deal": np.array(ids, dtype=np.int32).reshape(len(outcomes), -1),
                "no_deal_num": d_num.reshape(len(outcomes), self.parties),
                "no_deal_den": d_den.reshape(len(outcomes), self.parties),
                "utility_num": u_num.reshape(shape),
                "utility_den": u_den.reshape(shape),
            }
        )
        self._columns = None
        self.n += len(outcomes)

    def _store(self, chunk: dict[str, np.ndarray]) -> None:
        rows = len(chunk["status"])
        if self.capacity is None or self.n + rows > self.capacity:
            if self._arrays is not None:  # more than announced: back to joining chunks
                self._chunks.append({k: a[: self.n] for k, a in self._arrays.items()})
                self._arrays, self.capacity = None, None
            self._chunks.append(chunk)
            return
        if self._arrays is None:
            self._arrays = {
                k: np.empty((self.capacity, *v.shape[1:]), dtype=v.dtype) for k, v in chunk.items()
            }
        for k, v in chunk.items():
            if v.dtype == object and self._arrays[k].dtype != object:
                self._arrays[k] = self._arrays[k].astype(object)  # a number beyond int64
            self._arrays[k][self.n : self.n + rows] = v

    @property
    def columns(self) -> dict[str, np.ndarray]:
        """The per-scenario arrays, one row per scenario (see the class docstring)."""
        if self._arrays is not None:
            return {k: a[: self.n] for k, a in self._arrays.items()}
        if self._columns is None:
            if not self._chunks:
                return {}
            joined = {k: np.concatenate([c[k] for c in self._chunks]) for k in self._chunks[0]}
            self._chunks = [joined]
            self._columns = joined
        return self._columns

    def record(self, row: int) -> Record:
        """Scenario ``row``'s outcome, without its lists of deals."""
        c = self.columns
        index, frontier_size, zone_size, zone_deals = (int(x) for x in c["sizes"][row])
        solutions: dict[str, Solution | None] = {}
        for k, name in enumerate(SOLUTION_NAMES):
            deal = int(c["deal"][row, k])
            if deal < 0:
                solutions[name] = None
                continue
            num, den = c["utility_num"][row, k], c["utility_den"][row, k]
            values = tuple(_fraction(a, b) for a, b in zip(num, den, strict=True))
            solutions[name] = Solution(self.deal_keys[deal], values)  # type: ignore[arg-type]
        a = int(c["alignment"][row])
        return Record(
            index=index,
            status=STATUSES[int(c["status"][row])],
            frontier_size=frontier_size,
            zone_size=zone_size,
            zone_deals=zone_deals,
            no_deal=tuple(
                _fraction(a, b)  # type: ignore[misc]
                for a, b in zip(c["no_deal_num"][row], c["no_deal_den"][row], strict=True)
            ),
            solutions=solutions,
            nash_alignment=None if a < 0 else self.alignment_names[a],
            way=_WAYS[int(c["way"][row])],
        )

    def records(self) -> Iterator[Record]:
        """Every scenario's :meth:`record`, in order."""
        for row in range(self.n):
            yield self.record(row)


@dataclass(frozen=True)
class DealShares:
    """One deal's shares over the scenarios (see the module docstring)."""

    deal: Mapping[str, Any]
    acceptability: float
    pareto: float
    solutions: Mapping[str, float]
    central: Mapping[str, float] | None


@dataclass(frozen=True)
class SweepResult:
    """The outcomes of a sweep, scenario by scenario, and their aggregates.

    ``scenarios`` holds the scenarios run (all of them unless ``interrupted``: then the first
    ``n``), ``tally`` their exact results in the same order, compactly (:class:`Tally`).
    ``requested`` is the number asked for; ``solve_reason`` says why scenarios went through
    ``dealopt.solve`` one by one (None: the fast way).
    """

    instance_name: str
    parties: Mapping[str, str]
    issues: tuple[str, ...]
    scenarios: Scenarios
    tally: Tally
    requested: int
    interrupted: bool
    method: str | None
    seed: int | None
    source: str
    solve_reason: str | None
    seconds: float
    extra: Mapping[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ counts

    @property
    def n(self) -> int:
        return self.tally.n

    @property
    def outcomes(self) -> tuple[Outcome, ...]:
        """The full outcomes (with every frontier and zone deal) of the first
        ``keep_outcomes`` scenarios (see :func:`dealopt.sweep`); every other number covers
        every scenario."""
        return tuple(self.tally.kept)

    def records(self) -> Iterator[Record]:
        """Every scenario's outcome without its lists of deals, in order."""
        return self.tally.records()

    @cached_property
    def statuses(self) -> dict[str, int]:
        status = self.tally.columns.get("status", np.zeros(0, dtype=np.int8))
        return _first_seen_counts(status, STATUSES, by_count=False)

    @property
    def partial(self) -> int:
        return self.statuses.get("partial", 0)

    @cached_property
    def zone_probability(self) -> tuple[float, float, float]:
        """P(the zone is non-empty) and its Wilson 95% interval."""
        k = int((self._sizes[:, 2] > 0).sum())
        lo, hi = wilson(k, self.n)
        return (k / self.n if self.n else float("nan"), lo, hi)

    def _deal(self, key: DealKey) -> dict[str, Any]:
        return dict(zip(self.issues, key, strict=True))

    @property
    def _sizes(self) -> np.ndarray:
        return self.tally.columns.get("sizes", np.zeros((0, 4), dtype=np.int64))

    @property
    def _solution_ids(self) -> np.ndarray:
        return self.tally.columns.get("deal", np.zeros((0, len(SOLUTION_NAMES)), dtype=np.int32))

    @cached_property
    def deal_shares(self) -> list[DealShares]:
        """Every deal in some zone, most acceptable first (ties: the order first seen)."""
        n = self.n
        keys = self.tally.deal_keys
        ids = self._solution_ids
        counts = {
            name: np.bincount(ids[:, k][ids[:, k] >= 0], minlength=len(keys))
            for k, name in enumerate(SOLUTION_NAMES)
        }
        nash = ids[:, 0]
        position = {key: k for k, key in enumerate(keys)}
        values = self.parameter_array
        out = []
        for key, count in sorted(self.tally.zone.items(), key=lambda kv: -kv[1]):
            k = position.get(key)
            central = None
            shares = dict.fromkeys(SOLUTION_NAMES, 0.0)
            if k is not None:
                shares = {name: int(counts[name][k]) / n for name in SOLUTION_NAMES}
                rows = np.flatnonzero(nash == k)
                if len(rows):
                    means = values[rows].mean(axis=0)
                    central = {p: float(means[j]) for j, p in enumerate(self.scenarios.paths)}
            out.append(
                DealShares(self._deal(key), count / n, self.tally.pareto[key] / n, shares, central)
            )
        return out

    @cached_property
    def nash_deals(self) -> list[tuple[dict[str, Any], float, float]]:
        """Each Nash deal with its share and standard error, most frequent first."""
        nash = self._solution_ids[:, 0]
        counts = _first_seen_counts(nash[nash >= 0], self.tally.deal_keys)
        return [(self._deal(k), c / self.n, standard_error(c / self.n, self.n))
                for k, c in counts.items()]  # fmt: skip

    @cached_property
    def alignments(self) -> list[tuple[str, float, float]]:
        """Each Nash alignment (in words) with its share and standard error, most frequent
        first; scenarios without a Nash deal count as ``(empty zone)``."""
        names = [*self.tally.alignment_names, "(empty zone)"]
        ids = self.tally.columns.get("alignment", np.zeros(0, dtype=np.int32)).astype(np.int64)
        # No Nash deal, or one that moves nothing (no words): counted as "(empty zone)".
        blank = [k for k, a in enumerate(self.tally.alignment_names) if not a]
        ids = np.where((ids < 0) | np.isin(ids, blank), len(names) - 1, ids)
        counts = _first_seen_counts(ids, names)
        return [(a, c / self.n, standard_error(c / self.n, self.n)) for a, c in counts.items()]

    # ------------------------------------------------------------------ sensitivity

    @cached_property
    def parameter_array(self) -> np.ndarray:
        """The scenarios' parameters as floats (numbers, then red lines as 1/0), one row each."""
        s = self.scenarios
        numbers = s.values[: self.n].astype(float) / np.power(10.0, np.array(s.decimals))
        return np.hstack([numbers, s.holds[: self.n].astype(float)])

    @cached_property
    def outcome_arrays(self) -> dict[str, np.ndarray]:
        """The outcomes the sensitivity is measured on (NaN where undefined)."""
        out = {"zone_exists": (self._sizes[:, 2] > 0).astype(float)}
        columns = self.tally.columns
        for k, p in enumerate(self.parties):
            if not columns:
                out[f"nash_utility_{p}"] = np.zeros(0)
                continue
            out[f"nash_utility_{p}"] = _floats(
                columns["utility_num"][:, 0, k], columns["utility_den"][:, 0, k]
            )
        top = self.alignments[0][0] if self.alignments else None
        names = self.tally.alignment_names
        ids = columns.get("alignment", np.zeros(0, dtype=np.int32))
        top_id = names.index(top) if top in names else -2
        out["nash_alignment_is_top"] = (ids == top_id).astype(float)
        nash = self._solution_ids[:, 0]
        top_deal = next(
            iter(_first_seen_counts(nash[nash >= 0], range(len(self.tally.deal_keys)))), -2
        )
        out["nash_deal_is_top"] = (nash == top_deal).astype(float)
        return out

    @cached_property
    def sensitivity(self) -> dict[str, dict[str, float]]:
        """PRCC of each parameter (path) with each outcome: ``{outcome: {path: prcc}}``."""
        x = self.parameter_array
        return {name: dict(zip(self.scenarios.paths, prcc(x, y), strict=True))
                for name, y in self.outcome_arrays.items()}  # fmt: skip

    @cached_property
    def sobol(self) -> dict[str, dict[str, SobolIndex]] | None:
        """Sobol' indices of each path for each outcome of :attr:`outcome_arrays`,
        ``{outcome: {path: SobolIndex}}``, when the scenarios are a whole Saltelli design
        (``method="sobol"``, not interrupted); None otherwise. The design needs every
        scenario's outcome: where the zone is empty, a party's Nash utility is its no-deal
        value (what it gets without a deal)."""
        from dealopt.sweep.sensitivity import base_samples, sobol_table

        paths = self.scenarios.paths
        if self.method != "sobol" or self.interrupted or base_samples(self.n, len(paths)) is None:
            return None
        outcomes = dict(self.outcome_arrays)
        for k, p in enumerate(self.parties):
            y = outcomes[f"nash_utility_{p}"].copy()
            empty = np.flatnonzero(np.isnan(y))
            columns = self.tally.columns
            no_deal = _floats(columns["no_deal_num"][:, k], columns["no_deal_den"][:, k])
            y[empty] = no_deal[empty]
            outcomes[f"nash_utility_{p}"] = y
        return sobol_table(outcomes, paths, self.seed)

    @property
    def sensitivity_method(self) -> str:
        """The sensitivity measure the outputs show: ``"sobol"`` (Sobol' indices, when the
        scenarios are a Saltelli design) or ``"prcc"`` (:attr:`sensitivity`)."""
        return "prcc" if self.sobol is None else "sobol"

    # ------------------------------------------------------------------ outputs

    def experiments(self) -> pd.DataFrame:
        """One row per scenario: its parameters and outcomes (EMA's experiments table)."""
        from dealopt.report.sweep import experiments_frame

        return experiments_frame(self)

    def deals(self) -> pd.DataFrame:
        """One row per deal in some zone: acceptability, Pareto and solution shares."""
        from dealopt.report.sweep import deals_frame

        return deals_frame(self)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data in the documented ``dealopt.sweep/1`` schema."""
        from dealopt.report.sweep import sweep_to_dict

        return sweep_to_dict(self)

    def to_json(self, indent: int | None = 2) -> str:
        import json

        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def text(self) -> str:
        """The summary a person reads (what ``dealopt sweep`` prints)."""
        from dealopt.report.sweep import sweep_text

        return sweep_text(self)

    def plot(self, **options: Any) -> Figure:
        """Acceptability bars and a tornado chart of the sensitivities."""
        from dealopt.report.sweep import sweep_figure

        return sweep_figure(self, **options)


def _first_seen_counts(
    ids: np.ndarray, names: Sequence[Any], *, by_count: bool = True
) -> dict[Any, int]:
    """``Counter(names[i] for i in ids).most_common()`` as a dict, from an array: by count,
    ties in the order first seen (``by_count=False``: in the order first seen)."""
    if len(ids) == 0:
        return {}
    unique, first, counts = np.unique(ids, return_index=True, return_counts=True)
    order = sorted(range(len(unique)), key=lambda k: (-counts[k] if by_count else 0, first[k]))
    return {names[int(unique[k])]: int(counts[k]) for k in order}


def _floats(numerators: np.ndarray, denominators: np.ndarray) -> np.ndarray:
    """Each ``numerator / denominator`` as the nearest double (NaN where the denominator is 0,
    i.e. no number): one IEEE division where both are exact doubles, else through Fraction."""
    out = np.full(len(numerators), np.nan)
    has = denominators != 0
    if numerators.dtype != object and denominators.dtype != object:
        exact = has & (np.abs(numerators) < 2**53) & (denominators < 2**53)
        out[exact] = numerators[exact].astype(float) / denominators[exact].astype(float)
        rest = np.flatnonzero(has & ~exact)
    else:
        rest = np.flatnonzero(has)
    for k in rest:
        out[k] = float(Fraction(int(numerators[k]), int(denominators[k])))
    return out


def prcc(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Partial rank correlation of each column of ``x`` with ``y`` (rows where ``y`` is NaN
    left out; NaN for a constant column or outcome): the correlation of the ranks of ``x_j``
    and ``y`` once the ranks of the other columns are regressed out, read off the inverse of
    the rank correlation matrix."""
    from scipy.stats import rankdata

    keep = ~np.isnan(y)
    if not keep.all():  # a copy of the parameters only when rows are left out
        x, y = x[keep], y[keep]
    m = x.shape[1]
    out = np.full(m, np.nan)
    if len(y) < 3 or np.ptp(y) == 0:
        return out
    varying = [j for j in range(m) if np.ptp(x[:, j]) > 0]
    if not varying:
        return out
    # Filled column by column: one (scenarios × parameters) array at a time, not two.
    ranks = np.empty((len(y), len(varying) + 1))
    for k, j in enumerate(varying):
        ranks[:, k] = rankdata(x[:, j])
    ranks[:, -1] = rankdata(y)
    corr = np.corrcoef(ranks, rowvar=False)
    inv = np.linalg.pinv(corr)
    last = len(varying)
    for k, j in enumerate(varying):
        denominator = inv[k, k] * inv[last, last]
        if denominator > 0:
            out[j] = float(np.clip(-inv[k, last] / math.sqrt(denominator), -1, 1))
    return out
