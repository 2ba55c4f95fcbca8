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
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from dealopt.result import SOLUTION_NAMES
from dealopt.sweep.engine import DealKey, Outcome
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
    ``len(outcomes)``), ``outcomes`` their exact results in the same order. ``requested`` is
    the number asked for; ``solve_reason`` says why scenarios went through ``dealopt.solve``
    one by one (None: the fast way).
    """

    instance_name: str
    parties: Mapping[str, str]
    issues: tuple[str, ...]
    scenarios: Scenarios
    outcomes: tuple[Outcome, ...]
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
        return len(self.outcomes)

    @cached_property
    def statuses(self) -> dict[str, int]:
        return dict(Counter(o.status for o in self.outcomes))

    @property
    def partial(self) -> int:
        return self.statuses.get("partial", 0)

    @cached_property
    def zone_probability(self) -> tuple[float, float, float]:
        """P(the zone is non-empty) and its Wilson 95% interval."""
        k = sum(1 for o in self.outcomes if o.zone_size > 0)
        lo, hi = wilson(k, self.n)
        return (k / self.n if self.n else float("nan"), lo, hi)

    def _deal(self, key: DealKey) -> dict[str, Any]:
        return dict(zip(self.issues, key, strict=True))

    @cached_property
    def deal_shares(self) -> list[DealShares]:
        """Every deal in some zone, most acceptable first (ties: the order first seen)."""
        n = self.n
        zone: Counter[DealKey] = Counter()
        pareto: Counter[DealKey] = Counter()
        solutions: dict[str, Counter[DealKey]] = {name: Counter() for name in SOLUTION_NAMES}
        nash_rows: dict[DealKey, list[int]] = {}
        for row, o in enumerate(self.outcomes):
            # dict.fromkeys, not set: ties in the ranking keep the order first seen, the same
            # in every process (a set's order follows the string hash seed).
            zone.update(list(dict.fromkeys(o.zone)))
            pareto.update(list(dict.fromkeys(o.frontier)))
            for name in SOLUTION_NAMES:
                s = o.solutions[name]
                if s is not None:
                    solutions[name][s.deal] += 1
                    if name == "nash":
                        nash_rows.setdefault(s.deal, []).append(row)
        values = self.parameter_array
        out = []
        for key, count in sorted(zone.items(), key=lambda kv: -kv[1]):
            rows = nash_rows.get(key)
            central = None
            if rows:
                means = values[rows].mean(axis=0)
                central = {p: float(means[j]) for j, p in enumerate(self.scenarios.paths)}
            out.append(
                DealShares(
                    self._deal(key),
                    count / n,
                    pareto[key] / n,
                    {name: solutions[name][key] / n for name in SOLUTION_NAMES},
                    central,
                )
            )
        return out

    @cached_property
    def nash_deals(self) -> list[tuple[dict[str, Any], float, float]]:
        """Each Nash deal with its share and standard error, most frequent first."""
        counts = Counter(
            o.solutions["nash"].deal for o in self.outcomes if o.solutions["nash"] is not None
        )
        return [(self._deal(k), c / self.n, standard_error(c / self.n, self.n))
                for k, c in counts.most_common()]  # fmt: skip

    @cached_property
    def alignments(self) -> list[tuple[str, float, float]]:
        """Each Nash alignment (in words) with its share and standard error, most frequent
        first; scenarios without a Nash deal count as ``(empty zone)``."""
        counts = Counter(o.nash_alignment or "(empty zone)" for o in self.outcomes)
        return [
            (a, c / self.n, standard_error(c / self.n, self.n)) for a, c in counts.most_common()
        ]

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
        out = {"zone_exists": np.array([o.zone_size > 0 for o in self.outcomes], dtype=float)}
        for k, p in enumerate(self.parties):
            out[f"nash_utility_{p}"] = np.array(
                [float(o.solutions["nash"].utilities[k]) if o.solutions["nash"] else np.nan
                 for o in self.outcomes]
            )  # fmt: skip
        top = self.alignments[0][0] if self.alignments else None
        out["nash_alignment_is_top"] = np.array(
            [o.nash_alignment == top for o in self.outcomes], dtype=float
        )
        deal = next(iter(self.nash_deals), None)
        key = None if deal is None else tuple(deal[0][i] for i in self.issues)
        out["nash_deal_is_top"] = np.array(
            [o.solutions["nash"] is not None and o.solutions["nash"].deal == key
             for o in self.outcomes], dtype=float
        )  # fmt: skip
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
            y[empty] = [float(self.outcomes[i].no_deal[k]) for i in empty]
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


def prcc(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Partial rank correlation of each column of ``x`` with ``y`` (rows where ``y`` is NaN
    left out; NaN for a constant column or outcome): the correlation of the ranks of ``x_j``
    and ``y`` once the ranks of the other columns are regressed out, read off the inverse of
    the rank correlation matrix."""
    from scipy.stats import rankdata

    keep = ~np.isnan(y)
    x, y = x[keep], y[keep]
    m = x.shape[1]
    out = np.full(m, np.nan)
    if len(y) < 3 or np.ptp(y) == 0:
        return out
    varying = [j for j in range(m) if np.ptp(x[:, j]) > 0]
    if not varying:
        return out
    ranks = np.column_stack([rankdata(x[:, j]) for j in varying] + [rankdata(y)])
    corr = np.corrcoef(ranks, rowvar=False)
    inv = np.linalg.pinv(corr)
    last = len(varying)
    for k, j in enumerate(varying):
        denominator = inv[k, k] * inv[last, last]
        if denominator > 0:
            out[j] = float(np.clip(-inv[k, last] / math.sqrt(denominator), -1, 1))
    return out
