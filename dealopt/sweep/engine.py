"""Each scenario's exact outcome: status, frontier, zone, bargaining solutions, Nash alignment.

Two ways, one answer (the tests hold them to ``dealopt.solve`` on the scenario's instance):

* **fast** (``numpy``), when no rule, red line or ``when`` condition reads an uncertain number
  and the bundle space can be enumerated: the feasible deals are the same in every scenario
  with the same red lines, so they are enumerated once per red-line configuration (by the
  ``enumerate`` backend, as ``solve`` would); each party's utility of each deal is an exact
  polynomial in the uncertain numbers (:mod:`dealopt.rules.symbolic`), and a batch of
  scenarios is evaluated at once as an integer matrix product (every number scaled to an
  integer, so the product is exact; a bound check refuses any batch that could overflow).
  The frontier and the zone are then filtered on those exact integers;
* **solve**: otherwise, each scenario's instance goes through :func:`dealopt.solve`.

Either way the bargaining solutions are :data:`dealopt.analysis.bargaining.SOLUTIONS`, the
alignment is :func:`dealopt.analysis.alignments.structure`, and every reported deal is
re-checked by the rules oracle of the scenario's own instance (feasible under its red lines,
utilities recomputed exactly); a disagreement raises :class:`OracleRejectedError`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from dealopt.analysis.alignments import structure, words
from dealopt.analysis.bargaining import SOLUTIONS
from dealopt.errors import OracleRejectedError
from dealopt.result import SOLUTION_NAMES
from dealopt.rules.check import check, renumbered
from dealopt.rules.oracle import Oracle, utility
from dealopt.spec.model import Instance, Value
from dealopt.spec.uncertainty import apply, number_paths
from dealopt.sweep.scenarios import Scenarios

DealKey = tuple[Value, ...]
"""A deal as its values in issue order (hashable, compact)."""

FAST_MAX_FEASIBLE = 200_000
"""The most feasible deals the fast way holds per red-line configuration."""
_SAFE = 2.0**62
DEFAULT_CAP = 1000
VERIFY_POINTS = math.inf
"""Scenarios in which the oracle recomputes a reported deal's utilities before its utility
polynomials are trusted for that deal: every one. The project's rule is that every reported
deal is re-checked by the rules oracle; a finite count (3 measured) is only a probabilistic
confirmation (decision 61)."""
"""Deals listed per zone point on the solve way (``all_deals_cap``)."""


@dataclass(frozen=True)
class Solution:
    """A bargaining solution in one scenario: its deal and exact utilities (party order)."""

    deal: DealKey
    utilities: tuple[Fraction, ...]


@dataclass(frozen=True)
class Outcome:
    """One scenario's exact result.

    ``status`` as :class:`dealopt.Status` (``partial``: the search hit its time limit; every
    reported deal is still proven). ``frontier`` and ``zone`` hold every deal attaining a
    frontier / zone point (``frontier_size``, ``zone_size``: the number of points).
    ``solutions[name]`` is None when the zone is empty. ``nash_alignment`` names the exchange
    structure of the Nash deal in words. ``no_deal`` is each party's no-deal value.
    """

    index: int
    status: str
    frontier_size: int
    zone_size: int
    frontier: tuple[DealKey, ...]
    zone: tuple[DealKey, ...]
    solutions: Mapping[str, Solution | None]
    nash_alignment: str | None
    no_deal: tuple[Fraction, ...]
    way: str
    #: The frontier's utility vectors (party order), kept for the first ``keep_frontiers``
    #: scenarios only (for the picture); None otherwise.
    frontier_points: tuple[tuple[Fraction, ...], ...] | None = None


@dataclass
class _Config:
    """The feasible deals of one red-line configuration and their utility matrices."""

    dropped: tuple[str, ...]
    deals: list[dict]
    keys: list[DealKey]
    oracle: Oracle
    monomials: list[tuple[int, ...]]
    matrices: list  # per party: scipy CSR, integer coefficients (utility × scale)
    bounds: list  # per party: the same, absolute values as floats (overflow bound)
    no_deal: list  # per party: ("param", j) | ("const", int) | ("poly", CSR row)
    scale: int
    feasible: set[int] = field(default_factory=set)  # rows the oracle found feasible
    #: Rows whose utility polynomials the oracle confirmed in this many distinct scenarios.
    verified: dict[int, int] = field(default_factory=dict)


class Engine:
    """Outcomes of scenarios of one instance (built once per process, reused per batch)."""

    def __init__(
        self,
        instance: Instance,
        numbers: Sequence[str],
        decimals: Sequence[int],
        red_lines: Sequence[str] = (),
        *,
        backend: str = "auto",
        time_limit: float | None = None,
        fast: bool = True,
        keep_frontiers: int = 0,
    ):
        from dealopt.rules.symbolic import conditions_read

        self.instance = instance
        self.checked = check(instance)
        self.parties = tuple(instance.parties)
        self.issues = tuple(instance.issues)
        # Party names, not labels: an alignment is a short key in tables and JSON.
        self.labels = {p: p for p in self.parties}
        self.numbers = tuple(numbers)
        self.decimals = tuple(decimals)
        self.red_lines = tuple(red_lines)
        self.backend = backend
        self.time_limit = time_limit
        self.keep_frontiers = keep_frontiers
        self._configs: dict[tuple[str, ...], _Config | None] = {}
        # A deal's utility polynomials do not depend on the red lines in force: built once,
        # shared by every configuration the deal is feasible in.
        self._polys: dict[DealKey, dict] = {}
        self._known = frozenset(number_paths(instance))
        reason = None
        if not fast:
            reason = "asked for"
        else:
            from dealopt.backends.enumerate import MAX_DEALS

            read = conditions_read(self.checked, self.numbers)
            if read:
                reason = f"a rule or condition reads the uncertain '{read[0]}'"
            elif instance.bundle_space_size > MAX_DEALS:
                reason = f"the bundle space has {instance.bundle_space_size:,} deals"
        #: Why scenarios go through ``dealopt.solve`` one by one (None: the fast way).
        self.solve_reason = reason

    # ------------------------------------------------------------------ public

    def run(self, scenarios: Scenarios) -> list[Outcome]:
        """The outcome of every scenario of the batch, in order."""
        if tuple(scenarios.numbers) != self.numbers or tuple(scenarios.red_lines) != self.red_lines:
            raise ValueError("the batch's paths differ from the engine's")
        out: list[Outcome | None] = [None] * len(scenarios)
        groups: dict[tuple[str, ...], list[int]] = {}
        for row in range(len(scenarios)):
            groups.setdefault(scenarios.dropped(row), []).append(row)
        for dropped, rows in groups.items():
            config = self._config(dropped) if self.solve_reason is None else None
            if config is None:
                for row in rows:
                    out[row] = self._solve(scenarios, row)
                continue
            u = self._utilities(config, scenarios, rows)
            if u is None:  # could overflow int64: the exact way, one by one
                for row in rows:
                    out[row] = self._solve(scenarios, row)
                continue
            utilities, no_deal = u
            for k, row in enumerate(rows):
                out[row] = self._fast(config, scenarios, row, utilities[:, k, :], no_deal[k])
        return out  # type: ignore[return-value]

    def prepare(self, scenarios: Scenarios) -> None:
        """Build the fast way's configuration of every red-line pattern among ``scenarios``
        now (once, before any timing or pickling to workers), not on first use."""
        if self.solve_reason is not None or len(scenarios) == 0:
            return
        holds = np.asarray(scenarios.holds, dtype=bool).reshape(len(scenarios), -1)
        for pattern in np.unique(holds, axis=0):
            dropped = tuple(p for k, p in enumerate(self.red_lines) if not pattern[k])
            self._config(dropped)
        # The polynomials served only to share work between these configurations: kept, they
        # would be pickled to every worker (hundreds of thousands of fractions).
        self._polys.clear()

    def scenario_instance(self, scenarios: Scenarios, row: int) -> Instance:
        """The ordinary instance of scenario ``row``: its numbers written in, red lines dropped."""
        return apply(
            self.instance, scenarios.numbers_of(row), scenarios.dropped(row), known=self._known
        )

    # ------------------------------------------------------------------ the solve way

    def _solve(self, scenarios: Scenarios, row: int) -> Outcome:
        from dealopt.pipeline import solve

        instance = self.scenario_instance(scenarios, row)
        result = solve(
            instance,
            backend=self.backend,
            time_limit=self.time_limit,
            all_deals=True,
            all_deals_cap=DEFAULT_CAP,
        )

        def deals_of(point) -> list[DealKey]:
            found = point.all_deals if point.all_deals else (point.deal,)
            keys = [self._key(d) for d in found]
            return sorted(keys, key=self._position)

        frontier: list[DealKey] = []
        zone: list[DealKey] = []
        for i, point in enumerate(result.frontier):
            keys = deals_of(point)
            frontier.extend(keys)
            if i in result.zone:
                zone.extend(keys)
        solutions: dict[str, Solution | None] = {}
        for name in SOLUTION_NAMES:
            point = result.solution(name)
            if point is None:
                solutions[name] = None
                continue
            first = deals_of(point)[0]
            solutions[name] = Solution(first, tuple(point.utilities[p] for p in self.parties))
        nash = solutions["nash"]
        return Outcome(
            index=scenarios.first + row,
            status=str(result.status),
            frontier_size=len(result.frontier),
            frontier_points=tuple(
                tuple(p.utilities[q] for q in self.parties) for p in result.frontier
            )
            if scenarios.first + row < self.keep_frontiers
            else None,
            zone_size=len(result.zone),
            frontier=tuple(frontier),
            zone=tuple(zone),
            solutions=solutions,
            nash_alignment=None if nash is None else self._alignment(instance, nash.deal),
            no_deal=tuple(result.no_deal[p] for p in self.parties),
            way="solve",
        )

    def _position(self, key: DealKey) -> tuple[int, ...]:
        """The deal's place in the bundle space's order (the enumeration order)."""
        return tuple(
            self.instance.issues[name].level(value)
            for name, value in zip(self.issues, key, strict=True)
        )

    # ------------------------------------------------------------------ the fast way

    def _config(self, dropped: tuple[str, ...]) -> _Config | None:
        if dropped in self._configs:
            return self._configs[dropped]
        from dealopt.analysis.setup import setup

        instance = apply(self.instance, {}, dropped)
        ready = setup(instance, backend="enumerate")
        values, complete = ready.session.solutions(limit=FAST_MAX_FEASIBLE)
        if not complete:
            self._configs[dropped] = None
            return None
        deals = [ready.decoder.deal(v) for v in values]
        config = self._matrices(dropped, deals, ready.oracle)
        self._configs[dropped] = config
        return config

    def _matrices(self, dropped: tuple[str, ...], deals: list[dict], oracle: Oracle) -> _Config:
        from scipy.sparse import csr_matrix

        from dealopt.rules.symbolic import Poly, utility_polynomials

        unknowns = {p: j for j, p in enumerate(self.numbers)}
        checked = oracle.checked
        polys = []
        for d in deals:
            key = self._key(d)
            if key not in self._polys:
                self._polys[key] = utility_polynomials(checked, d, unknowns)
            polys.append(self._polys[key])
        no_deal_spec: list = []
        for p in self.parties:
            path = f"parties.{p}.no_deal"
            written = self.instance.parties[p].no_deal
            if path in unknowns:
                no_deal_spec.append(("param", unknowns[path]))
            elif written is not None:
                no_deal_spec.append(("const", Fraction(written)))
            else:
                sq = utility_polynomials(checked, self.instance.status_quo, unknowns)[p]
                no_deal_spec.append(("poly", sq))
        monomials: dict[tuple[int, ...], int] = {}

        def denominator(m: tuple[int, ...]) -> int:
            return 10 ** sum(self.decimals[j] for j in m)

        scale = 1
        every: list[Poly] = [q[p] for q in polys for p in self.parties]
        every += [x[1] for x in no_deal_spec if x[0] == "poly"]
        for poly in every:
            for m, c in poly.terms.items():
                monomials.setdefault(m, len(monomials))
                scale = math.lcm(scale, (c / denominator(m)).denominator)
        for x in no_deal_spec:
            if x[0] == "param":
                scale = math.lcm(scale, 10 ** self.decimals[x[1]])
            elif x[0] == "const":
                scale = math.lcm(scale, x[1].denominator)
        columns = list(monomials)
        if not columns:
            columns = [()]
            monomials[()] = 0

        def matrix(rows: Sequence[Poly]):
            data, ri, ci, fl = [], [], [], []
            for r, poly in enumerate(rows):
                for m, c in poly.terms.items():
                    v = c * scale / denominator(m)
                    assert v.denominator == 1
                    data.append(int(v.numerator))
                    fl.append(abs(float(v.numerator)))
                    ri.append(r)
                    ci.append(monomials[m])
            big = max((abs(x) for x in data), default=0) >= 2**62
            shape = (len(rows), len(columns))
            exact = None if big else csr_matrix((np.array(data, dtype=np.int64), (ri, ci)), shape)
            return exact, csr_matrix((np.array(fl, dtype=float), (ri, ci)), shape)

        matrices, bounds = [], []
        for p in self.parties:
            exact, bound = matrix([q[p] for q in polys])
            matrices.append(exact)
            bounds.append(bound)
        no_deal = []
        for x in no_deal_spec:
            if x[0] == "poly":
                no_deal.append(("poly", *matrix([x[1]])))
            elif x[0] == "const":
                no_deal.append(("const", int(x[1] * scale)))
            else:
                no_deal.append(x)
        return _Config(
            dropped=dropped,
            deals=deals,
            keys=[self._key(d) for d in deals],
            oracle=oracle,
            monomials=columns,
            matrices=matrices,
            bounds=bounds,
            no_deal=no_deal,
            scale=scale,
        )

    def _utilities(
        self, config: _Config, scenarios: Scenarios, rows: list[int]
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """Utilities × scale, ``(deals, scenarios, parties)``, and no-deal values × scale,
        ``(scenarios, parties)``, as exact int64; None when int64 could overflow."""
        values = scenarios.values[rows]
        b = len(rows)
        monomial_values = np.ones((len(config.monomials), b), dtype=np.int64)
        magnitude = np.ones((len(config.monomials), b), dtype=float)
        for k, m in enumerate(config.monomials):
            for j in m:
                monomial_values[k] *= values[:, j]
                magnitude[k] *= np.abs(values[:, j].astype(float))
        if magnitude.size and magnitude.max() >= _SAFE:
            return None
        out = np.zeros((len(config.deals), b, len(self.parties)), dtype=np.int64)
        for k in range(len(self.parties)):
            exact = config.matrices[k]
            if exact is None or (config.bounds[k] @ magnitude).max(initial=0) >= _SAFE:
                return None
            out[:, :, k] = exact @ monomial_values
        no_deal = np.zeros((b, len(self.parties)), dtype=object)
        for k, spec in enumerate(config.no_deal):
            if spec[0] == "const":
                no_deal[:, k] = spec[1]
            elif spec[0] == "param":
                j = spec[1]
                factor = config.scale // 10 ** self.decimals[j]
                no_deal[:, k] = [int(v) * factor for v in values[:, j]]
            else:
                exact, bound = spec[1], spec[2]
                if exact is None or (bound @ magnitude).max(initial=0) >= _SAFE:
                    return None
                no_deal[:, k] = [int(v) for v in (exact @ monomial_values)[0]]
        if b and max(abs(int(x)) for x in no_deal.ravel()) >= _SAFE:
            return None
        return out, no_deal

    def _fast(
        self,
        config: _Config,
        scenarios: Scenarios,
        row: int,
        u: np.ndarray,
        d: Sequence[int],
    ) -> Outcome:
        index = scenarios.first + row
        scale = config.scale
        d = [int(x) for x in d]
        if len(config.deals) == 0:
            return self._empty(index, "no-feasible-deal", d, scale)
        mask = nondominated_rows(u)
        rows = np.flatnonzero(mask)
        frontier_points = _points(u, rows)
        acceptable = np.all(u[rows] >= np.array(d, dtype=object).astype(np.int64), axis=1)
        zone_rows = rows[acceptable]
        zone_points = _points(u, zone_rows)
        frontier = tuple(config.keys[i] for i in rows)
        zone = tuple(config.keys[i] for i in zone_rows)
        if not zone_points:
            status = "no-acceptable-deal"
            solutions: dict[str, Solution | None] = dict.fromkeys(SOLUTION_NAMES)
            instance = None
        else:
            status = "complete"
            vectors = [[int(x) for x in u[first]] for first in zone_points]
            instance = self.scenario_instance(scenarios, row)
            oracle: Oracle | None = None
            solutions = {}
            seen: dict[int, Solution] = {}
            for name in SOLUTION_NAMES:
                k = SOLUTIONS[name](vectors, d)
                first = zone_points[k]  # type: ignore[index]
                if first not in seen:
                    if config.verified.get(first, 0) < VERIFY_POINTS and oracle is None:
                        oracle = Oracle(renumbered(config.oracle.checked, instance))
                    seen[first] = self._checked(config, oracle, first, vectors[k], scale)  # type: ignore[index]
                solutions[name] = seen[first]
            if oracle is not None:
                for p, x in zip(self.parties, d, strict=True):
                    if oracle.no_deal(p) != Fraction(x, scale):
                        raise OracleRejectedError(f"the sweep's no-deal value of {p} is wrong")
        nash = solutions["nash"]
        return Outcome(
            index=index,
            status=status,
            frontier_size=len(frontier_points),
            frontier_points=tuple(
                tuple(Fraction(int(x), scale) for x in u[k]) for k in frontier_points
            )
            if index < self.keep_frontiers
            else None,
            zone_size=len(zone_points),
            frontier=frontier,
            zone=zone,
            solutions=solutions,
            nash_alignment=None
            if nash is None or instance is None
            else self._alignment(instance, nash.deal),
            no_deal=tuple(Fraction(x, scale) for x in d),
            way="fast",
        )

    def _checked(
        self, config: _Config, oracle: Oracle | None, row: int, vector: Sequence[int], scale: int
    ) -> Solution:
        """The deal of ``row`` re-checked by the rules oracle: no rule or red line in force
        broken (once per deal and configuration: feasibility does not depend on the scenario
        here), and, in the first :data:`VERIFY_POINTS` scenarios that report it (every one by
        default), the utilities the scenario's oracle computes equal to the sweep's."""
        deal = config.deals[row]
        if row not in config.feasible:
            # No condition reads an uncertain number (the fast way's premise), so feasibility
            # is the same in every scenario of the configuration: checked once per deal.
            broken = config.oracle.violations(deal)
            if broken:
                raise OracleRejectedError(
                    f"the sweep reported a deal that breaks {broken[0].label!r}"
                )
            config.feasible.add(row)
        mine = tuple(Fraction(x, scale) for x in vector)
        if config.verified.get(row, 0) < VERIFY_POINTS:
            assert oracle is not None
            if tuple(utility(p, deal, oracle.checked) for p in self.parties) != mine:
                raise OracleRejectedError(f"the sweep's utilities {mine} differ from the oracle's")
            config.verified[row] = config.verified.get(row, 0) + 1
        return Solution(config.keys[row], mine)

    def _empty(self, index: int, status: str, d: Sequence[int], scale: int) -> Outcome:
        return Outcome(
            index=index,
            status=status,
            frontier_size=0,
            zone_size=0,
            frontier=(),
            zone=(),
            solutions=dict.fromkeys(SOLUTION_NAMES),
            nash_alignment=None,
            no_deal=tuple(Fraction(x, scale) for x in d),
            way="fast",
        )

    # ------------------------------------------------------------------ shared

    def _key(self, deal: Mapping[str, Value]) -> DealKey:
        return tuple(deal[name] for name in self.issues)

    def _alignment(self, instance: Instance, key: DealKey) -> str:
        deal = dict(zip(self.issues, key, strict=True))
        return words(structure(instance, deal), self.labels, unmoved=False)


def nondominated_rows(u: np.ndarray) -> np.ndarray:
    """Mask of the rows of ``u`` (deals × parties, exact integers) that no other row
    dominates (at least as good for every party, better for one): every deal attaining a
    frontier point."""
    n, k = u.shape
    order = np.lexsort(tuple(-u[:, j] for j in range(k - 1, -1, -1)))
    s = u[order]
    same = np.zeros(n, dtype=bool)
    same[1:] = np.all(s[1:] == s[:-1], axis=1)
    if k == 1:
        new = np.zeros(n, dtype=bool)
        new[0] = True
    elif k == 2:
        # Sorted by the first utility (then the second) descending, a row is on the frontier
        # when its second utility beats every earlier row's.
        best = np.maximum.accumulate(s[:, 1])
        new = np.ones(n, dtype=bool)
        new[1:] = s[1:, 1] > best[:-1]
    else:
        new = np.zeros(n, dtype=bool)
        kept: list[np.ndarray] = []
        for i in range(n):
            if same[i]:
                continue
            if kept and np.any(np.all(np.array(kept) >= s[i], axis=1)):
                continue
            new[i] = True
            kept.append(s[i])
    # Equal rows share the verdict of the first of their run.
    start = np.maximum.accumulate(np.where(same, 0, np.arange(n)))
    out = np.zeros(n, dtype=bool)
    out[order] = new[start]
    return out


def _points(u: np.ndarray, rows: np.ndarray) -> list[int]:
    """The distinct utility vectors among ``rows``, lexicographically descending, each as the
    first row (in enumeration order) that attains it."""
    if len(rows) == 0:
        return []
    k = u.shape[1]
    sub = u[rows]
    order = np.lexsort((rows, *(-sub[:, j] for j in range(k - 1, -1, -1))))
    s = sub[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = np.any(s[1:] != s[:-1], axis=1)
    return [int(rows[order[i]]) for i in np.flatnonzero(first)]
