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
from dealopt.rules.check import check
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
"""Deals listed per zone point on the solve way (``all_deals_cap``)."""
CHUNK_CELLS = 1 << 20
"""Scenarios × deals × parties per numpy chunk of the frontier filter (8 MB of int64)."""


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
    #: Reported rows' utilities as exact integer terms (-1: the status quo), see Engine._exact.
    exact: dict[int, list] = field(default_factory=dict)
    #: Per party: the largest |coefficient × scale| of each monomial over the deals.
    column_max: dict[int, np.ndarray] = field(default_factory=dict)


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
        written = number_paths(instance)
        self._known = frozenset(written)
        # The file's own numbers (a no-deal left out reads as 0: no utility reads it).
        self._written = tuple(Fraction(written.get(p) or 0) for p in self.numbers)
        # The Nash deal's exchange structure by the signs it compares (see _alignment_of).
        self._signs: dict[DealKey, list] = {}
        self._structures: dict[tuple, str] = {}
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
            monomials, no_deal = u
            for row, outcome in zip(
                rows, self._fast(config, scenarios, rows, monomials, no_deal), strict=True
            ):
                out[row] = outcome
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
        from dealopt.rules.symbolic import unknowns as shared_unknowns

        unknowns = {p: j for j, p in enumerate(self.numbers)}
        checked = oracle.checked
        # The tables' numbers are the file's in every configuration: products shared.
        table = shared_unknowns(unknowns)
        polys = []
        for d in deals:
            key = self._key(d)
            if key not in self._polys:
                self._polys[key] = utility_polynomials(checked, d, table)
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
        seen: set[tuple[tuple[int, ...], Fraction]] = set()
        for poly in every:
            for m, c in poly.terms.items():
                if (m, c) in seen:  # the same coefficients recur in many deals
                    continue
                seen.add((m, c))
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

        scaled: dict[tuple[tuple[int, ...], Fraction], int] = {}

        def matrix(rows: Sequence[Poly]):
            data, ri, ci, fl = [], [], [], []
            for r, poly in enumerate(rows):
                for m, c in poly.terms.items():
                    x = scaled.get((m, c))
                    if x is None:
                        v = c * scale / denominator(m)
                        assert v.denominator == 1
                        x = scaled[(m, c)] = int(v.numerator)
                    data.append(x)
                    fl.append(abs(float(x)))
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
        """The monomials' values, ``(scenarios, monomials)``, and the no-deal values × scale,
        ``(scenarios, parties)``, as exact int64; None when a utility × scale could leave
        int64 (each deal's is then ``Σ |coefficient| × |monomial|`` at most: bounded here)."""
        values = scenarios.values[rows]
        b = len(rows)
        monomial_values = np.ones((b, len(config.monomials)), dtype=np.int64)
        magnitude = np.ones((b, len(config.monomials)), dtype=float)
        for k, m in enumerate(config.monomials):
            for j in m:
                monomial_values[:, k] *= values[:, j]
                magnitude[:, k] *= np.abs(values[:, j].astype(float))
        if magnitude.size and magnitude.max() >= _SAFE:
            return None
        largest = magnitude.max(axis=0, initial=0)
        for k in range(len(self.parties)):
            exact, bound = config.matrices[k], config.bounds[k]
            if exact is None:
                return None
            # A cheap bound first (every deal's largest coefficient per monomial); the
            # per-scenario one only when that is not enough.
            if k not in config.column_max:
                column = bound.max(axis=0).toarray().ravel() if bound.nnz else largest * 0
                config.column_max[k] = column
            if float(config.column_max[k] @ largest) >= _SAFE and (
                (bound @ magnitude.T).max(initial=0) >= _SAFE
            ):
                return None
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
                if exact is None or (bound @ magnitude.T).max(initial=0) >= _SAFE:
                    return None
                no_deal[:, k] = [int(v) for v in (exact @ monomial_values.T)[0]]
        if b and max(abs(int(x)) for x in no_deal.ravel()) >= _SAFE:
            return None
        return monomial_values, np.array(no_deal.tolist(), dtype=np.int64).reshape(b, -1)

    def _fast(
        self,
        config: _Config,
        scenarios: Scenarios,
        rows: list[int],
        monomials: np.ndarray,
        d64: np.ndarray,
    ) -> list[Outcome]:
        """The outcomes of scenarios ``rows`` of one red-line configuration from their
        monomials' values and no-deal values × scale (exact int64, see :meth:`_utilities`):
        per chunk of scenarios, the utilities as one integer matrix product per party and
        the frontier, zone and solutions at once in numpy, then each scenario's outcome."""
        out: list[Outcome] = []
        if len(config.deals) == 0:
            return [
                self._empty(scenarios.first + r, "no-feasible-deal", d64[k].tolist(), config.scale)
                for k, r in enumerate(rows)
            ]
        values = scenarios.values[rows].tolist()
        # A chunk's arrays are scenarios x deals x parties int64: bounded to a few megabytes.
        chunk = max(1, CHUNK_CELLS // max(1, len(config.deals) * len(self.parties)))
        for start in range(0, len(rows), chunk):
            stop = min(start + chunk, len(rows))
            u = np.empty((stop - start, len(config.deals), len(self.parties)), dtype=np.int64)
            for k, matrix in enumerate(config.matrices):
                u[:, :, k] = (matrix @ monomials[start:stop].T).T
            d = d64[start:stop]
            done = None
            if len(self.parties) == 2:
                done = self._two(config, scenarios, rows[start:stop], values[start:stop], u, d)
            if done is None:
                done = [
                    self._one(config, scenarios, rows[start + c], values[start + c], u[c], d[c])
                    for c in range(stop - start)
                ]
            out.extend(done)
        return out

    def _two(
        self,
        config: _Config,
        scenarios: Scenarios,
        rows: list[int],
        values: list[list[int]],
        u: np.ndarray,
        d: np.ndarray,
    ) -> list[Outcome] | None:
        """Two parties, a chunk of scenarios at once: frontier, zone and the four bargaining
        solutions in numpy (:func:`dealopt.analysis.bargaining.two_party_solutions`); None
        when an integer product could leave int64."""
        from dealopt.analysis.bargaining import two_party_solutions

        c_n = u.shape[0]
        columns = np.flatnonzero(_candidates(u))
        v = u[:, columns, :]
        order, on, same, first, s0, s1 = _sorted_frontier(v)
        point = on & ~same  # each frontier point once, where its run of equal deals starts
        ok = (s0 >= d[:, 0:1]) & (s1 >= d[:, 1:2])
        zone_point = point & ok
        width = max(1, int(zone_point.sum(axis=1).max(initial=0)))
        at, place = np.nonzero(zone_point)
        slot = (np.cumsum(zone_point, axis=1) - 1)[at, place]
        spot = np.zeros((c_n, width), dtype=np.intp)
        valid = np.zeros((c_n, width), dtype=bool)
        spot[at, slot] = place
        valid[at, slot] = True
        zu = np.stack(
            [np.take_along_axis(s0, spot, axis=1), np.take_along_axis(s1, spot, axis=1)], axis=2
        )
        chosen = two_party_solutions(zu, valid, d)
        if chosen is None:
            return None
        # Every deal attaining a frontier (zone) point, in enumeration order per scenario.
        deal_of = columns[order]
        frontier_mask = np.zeros(u.shape[:2], dtype=bool)
        zone_mask = np.zeros(u.shape[:2], dtype=bool)
        fa, fp = np.nonzero(on)
        frontier_mask[fa, deal_of[fa, fp]] = True
        zone_mask[fa, deal_of[fa, fp]] = ok[fa, fp]
        fa, fr = np.nonzero(frontier_mask)
        f_cut = np.searchsorted(fa, np.arange(c_n + 1)).tolist()
        in_zone = zone_mask[fa, fr].tolist()
        fr_list = fr.tolist()
        sizes = point.sum(axis=1).tolist()
        zone_sizes = zone_point.sum(axis=1).tolist()
        # Each solution's sorted place, deal (the first in enumeration order) and utilities.
        take = np.arange(c_n)
        picked = {}
        for name in SOLUTION_NAMES:
            j = spot[take, np.maximum(chosen[name], 0)]
            picked[name] = list(
                zip(
                    columns[first[take, j]].tolist(),
                    s0[take, j].tolist(),
                    s1[take, j].tolist(),
                    strict=True,
                )
            )
        d_list = d.tolist()
        keys = config.keys
        out = []
        for c in range(c_n):
            lo, hi = f_cut[c], f_cut[c + 1]
            deal_rows = fr_list[lo:hi]
            flags = in_zone[lo:hi]
            solutions: dict[str, Solution | None] = {}
            seen: dict[int, Solution] = {}
            if zone_sizes[c] == 0:
                solutions = dict.fromkeys(SOLUTION_NAMES)
            else:
                self._check_no_deal(config, values[c], d_list[c])
                for name in SOLUTION_NAMES:
                    deal_row, x0, x1 = picked[name][c]
                    if deal_row not in seen:
                        seen[deal_row] = self._checked(config, deal_row, (x0, x1), values[c])
                    solutions[name] = seen[deal_row]
            index = scenarios.first + rows[c]
            points = None
            if index < self.keep_frontiers:
                scale = config.scale
                points = tuple(
                    (Fraction(int(s0[c, j]), scale), Fraction(int(s1[c, j]), scale))
                    for j in np.flatnonzero(point[c]).tolist()
                )
            out.append(
                self._outcome(
                    config,
                    scenarios,
                    rows[c],
                    values[c],
                    sizes[c],
                    zone_sizes[c],
                    tuple(keys[r] for r in deal_rows),
                    tuple(keys[r] for r, z in zip(deal_rows, flags, strict=True) if z),
                    solutions,
                    d_list[c],
                    points,
                )
            )
        return out

    def _outcome(
        self,
        config: _Config,
        scenarios: Scenarios,
        row: int,
        values: list[int],
        frontier_size: int,
        zone_size: int,
        frontier: tuple[DealKey, ...],
        zone: tuple[DealKey, ...],
        solutions: dict[str, Solution | None],
        d: list[int],
        points: tuple | None,
    ) -> Outcome:
        return Outcome(
            index=scenarios.first + row,
            status="complete" if zone_size else "no-acceptable-deal",
            frontier_size=frontier_size,
            frontier_points=points,
            zone_size=zone_size,
            frontier=frontier,
            zone=zone,
            solutions=solutions,
            nash_alignment=self._alignment_of(scenarios, row, values, solutions["nash"]),
            no_deal=tuple(Fraction(x, config.scale) for x in d),
            way="fast",
        )

    def _one(
        self,
        config: _Config,
        scenarios: Scenarios,
        row: int,
        values: list[int],
        u: np.ndarray,
        d_row: np.ndarray,
    ) -> Outcome:
        """One scenario in Python integers (any number of parties)."""
        frontier_rows = np.flatnonzero(nondominated_rows(u)).tolist()
        vectors = u[frontier_rows].tolist()
        d = d_row.tolist()
        first: dict[tuple[int, ...], int] = {}
        for r, vec in zip(frontier_rows, vectors, strict=True):
            first.setdefault(tuple(vec), r)  # rows ascend: the first deal in enumeration order
        points = sorted(first, reverse=True)  # lexicographically descending, as the frontier

        def acceptable(vec: Sequence[int]) -> bool:
            return all(x >= y for x, y in zip(vec, d, strict=True))

        zone_points = [vec for vec in points if acceptable(vec)]
        keys = config.keys
        solutions: dict[str, Solution | None] = dict.fromkeys(SOLUTION_NAMES)
        if zone_points:
            self._check_no_deal(config, values, d)
            seen: dict[int, Solution] = {}
            for name in SOLUTION_NAMES:
                k = SOLUTIONS[name](zone_points, d)
                deal_row = first[zone_points[k]]  # type: ignore[index]
                if deal_row not in seen:
                    seen[deal_row] = self._checked(config, deal_row, zone_points[k], values)  # type: ignore[index]
                solutions[name] = seen[deal_row]
        index = scenarios.first + row
        scale = config.scale
        zone = tuple(
            keys[r] for r, vec in zip(frontier_rows, vectors, strict=True) if acceptable(vec)
        )
        return self._outcome(
            config,
            scenarios,
            row,
            values,
            len(points),
            len(zone_points),
            tuple(keys[r] for r in frontier_rows),
            zone,
            solutions,
            d,
            tuple(tuple(Fraction(x, scale) for x in vec) for vec in points)
            if index < self.keep_frontiers
            else None,
        )

    def _exact(self, config: _Config, row: int | None) -> list:
        """Each party's utility of deal ``row`` (None: the status quo, for the parties whose
        no-deal value is its utility; None for the others) as integer terms
        ``(coefficient × scale / 10^places, unknowns)``, from polynomials built afresh by the
        oracle's own evaluator and confirmed equal to the oracle's utility at the file's own
        numbers (once per deal and configuration in this process)."""
        key = -1 if row is None else row
        cached = config.exact.get(key)
        if cached is not None:
            return cached
        from dealopt.rules.symbolic import utility_polynomials

        unknowns = {p: j for j, p in enumerate(self.numbers)}
        checked = config.oracle.checked
        deal = self.instance.status_quo if row is None else config.deals[row]
        polys = utility_polynomials(checked, deal, unknowns)
        written = [self._written[j] for j in range(len(self.numbers))]
        terms: list = []
        for k, p in enumerate(self.parties):
            if row is None and config.no_deal[k][0] != "poly":
                terms.append(None)  # a written (or sampled) no-deal value: no polynomial
                continue
            poly = polys[p]
            at_file = Fraction(0)
            party_terms = []
            for m, c in poly.terms.items():
                x = c
                for j in m:
                    x *= written[j]
                at_file += x
                v = c * config.scale / 10 ** sum(self.decimals[j] for j in m)
                if v.denominator != 1:
                    raise OracleRejectedError("the sweep's utility scale does not fit the oracle's")
                party_terms.append((int(v), m))
            oracle = utility(p, deal, checked)
            if at_file != oracle:
                raise OracleRejectedError(
                    f"the sweep's utility polynomial of {p} gives {at_file} at the file's own "
                    f"numbers, the oracle {oracle}"
                )
            terms.append(party_terms)
        config.exact[key] = terms
        return terms

    def _check_no_deal(self, config: _Config, values: list[int], d: list[int]) -> None:
        """The no-deal values the scenario's zone was cut at, recomputed exactly: a written
        (or sampled) value as written, else the status quo's utility (see :meth:`_exact`)."""
        sq = None
        for k, spec in enumerate(config.no_deal):
            if spec[0] == "param":
                want = values[spec[1]] * (config.scale // 10 ** self.decimals[spec[1]])
            elif spec[0] == "const":
                want = spec[1]
            else:
                sq = sq or self._exact(config, None)
                want = _evaluate(sq[k], values)
            if want != d[k]:
                raise OracleRejectedError(
                    f"the sweep's no-deal value of {self.parties[k]} is wrong"
                )

    def _checked(
        self, config: _Config, row: int, vector: Sequence[int], values: list[int]
    ) -> Solution:
        """The deal of ``row`` re-checked by the rules oracle: no rule or red line in force
        broken (once per deal and configuration: feasibility does not depend on the scenario
        here), and its utilities in this scenario recomputed exactly, in Python integers, from
        its utility polynomials (:meth:`_exact`), independently of the batch's int64 matrix
        product."""
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
        exact = self._exact(config, row)
        for k, x in enumerate(vector):
            if _evaluate(exact[k], values) != x:
                raise OracleRejectedError(
                    f"the sweep's utility of {self.parties[k]} differs from the oracle's"
                )
        return Solution(config.keys[row], tuple(Fraction(x, config.scale) for x in vector))

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

    def _alignment_of(
        self, scenarios: Scenarios, row: int, values: list[int], nash: Solution | None
    ) -> str | None:
        """The Nash deal's alignment in words. :func:`structure` compares, for every issue the
        deal moves and every party weighing it, ``weight × score(deal)`` with ``weight ×
        score(status quo)``: its answer is a function of the signs of ``weight`` and of
        ``score(deal) - score(status quo)``. Those signs are computed exactly from the
        scenario's numbers, and the words are cached by deal and signs; a new pair is computed
        by :func:`structure` on the scenario's own instance."""
        if nash is None:
            return None
        plan = self._signs.get(nash.deal)
        if plan is None:
            plan = self._signs[nash.deal] = self._sign_plan(nash.deal)
        signs = tuple(
            _sign(_at(w, values)) * _sign_difference(_at(now, values), _at(before, values))
            for w, now, before in plan
        )
        key = (nash.deal, signs)
        said = self._structures.get(key)
        if said is None:
            instance = self.scenario_instance(scenarios, row)
            said = self._structures[key] = self._alignment(instance, nash.deal)
        return said

    def _sign_plan(self, key: DealKey) -> list:
        """Per (moved issue, party weighing it), in :func:`structure`'s order: where its
        weight, its score of the deal's option and of the status quo's come from (a column of
        the scenario's numbers, or a constant of the file)."""
        column = {p: j for j, p in enumerate(self.numbers)}

        def source(path: str, written: object) -> tuple:
            j = column.get(path)
            if j is None:
                x = Fraction(written)  # type: ignore[arg-type]
                return (None, x.numerator, x.denominator)
            return (j, 0, 10 ** self.decimals[j])

        plan = []
        for name, value in zip(self.issues, key, strict=True):
            issue = self.instance.issues[name]
            sq = issue.status_quo
            if value == sq:
                continue
            for party in self.parties:
                interest = self.instance.interests.get(party)
                if interest is None or name not in interest.weights:
                    continue
                scores = f"interests.{party}.scores.{name}"
                plan.append(
                    (
                        source(f"interests.{party}.weights.{name}", interest.weights[name]),
                        source(f"{scores}.{value}", interest.score(name, value)),
                        source(f"{scores}.{sq}", interest.score(name, sq)),
                    )
                )
        return plan

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
        from dealopt.backends.enumerate import nondominated_mask

        new = np.zeros(n, dtype=bool)
        first = np.flatnonzero(~same)  # distinct rows, still lexicographically descending
        new[first[nondominated_mask(s[first], presorted=True)]] = True
    # Equal rows share the verdict of the first of their run.
    start = np.maximum.accumulate(np.where(same, 0, np.arange(n)))
    out = np.zeros(n, dtype=bool)
    out[order] = new[start]
    return out


def _candidates(u: np.ndarray) -> np.ndarray:
    """The deals (columns of ``u``: scenarios × deals × 2, exact integers) that no anchor
    dominates in at least one scenario. A dominated deal is on no frontier, so the rest can be
    dropped. Any deal is a sound anchor; good ones are each scenario's best deals for either
    party and for the sum (found in floats: only the choice of anchor is
    approximate, the dominance test is exact)."""
    take = np.arange(len(u))
    f0, f1 = u[:, :, 0].astype(float), u[:, :, 1].astype(float)
    # More weighted sums (1:2, 2:1, ...) were measured: no faster on Helsinki.
    best = [f0.argmax(axis=1), f1.argmax(axis=1), (f0 + f1).argmax(axis=1)]
    dominated = np.zeros(u.shape[:2], dtype=bool)
    for k in best:
        a = u[take, k]
        x, y = a[:, 0:1], a[:, 1:2]
        dominated |= (x >= u[:, :, 0]) & (y >= u[:, :, 1]) & ((x > u[:, :, 0]) | (y > u[:, :, 1]))
    return ~dominated.all(axis=0)


def _sorted_frontier(u: np.ndarray) -> tuple[np.ndarray, ...]:
    """Two parties, per scenario of ``u`` (scenarios × deals × 2, exact integers): the order
    sorting the deals by the first utility, then the second, descending; in that order, which
    deals attain a frontier point and which repeat the previous deal's vector; and at the start
    of each run of equal vectors, its first deal in enumeration order (the column). As
    :func:`nondominated_rows`: a deal is on the frontier when its second utility beats every
    earlier deal's, and equal deals share the first one's verdict. Also the two utilities in
    that order."""
    c, n, _ = u.shape
    low, high = int(u[:, :, 1].min(initial=0)), int(u[:, :, 1].max(initial=0))
    span = high - low + 1
    top = int(np.abs(u[:, :, 0]).max(initial=0))
    if (top + 1) * span < 2**62:
        # One exact int64 key instead of two: half the sorting.
        order = np.argsort(-(u[:, :, 0] * span + (u[:, :, 1] - low)), axis=1)
    else:
        order = np.lexsort((-u[:, :, 1], -u[:, :, 0]), axis=-1)
    s0 = np.take_along_axis(u[:, :, 0], order, axis=1)
    s1 = np.take_along_axis(u[:, :, 1], order, axis=1)
    best = np.maximum.accumulate(s1, axis=1)
    new = np.ones((c, n), dtype=bool)
    new[:, 1:] = s1[:, 1:] > best[:, :-1]
    same = np.zeros((c, n), dtype=bool)
    same[:, 1:] = (s0[:, 1:] == s0[:, :-1]) & (s1[:, 1:] == s1[:, :-1])
    start = np.maximum.accumulate(np.where(same, 0, np.arange(n)), axis=1)
    # The sort need not be stable: each run's first deal is the smallest column in the run.
    first = np.zeros((c, n), dtype=np.intp)
    if n:
        starts = np.flatnonzero(~same.ravel())
        first.ravel()[starts] = np.minimum.reduceat(order.ravel(), starts)
    return order, np.take_along_axis(new, start, axis=1), same, first, s0, s1


def _evaluate(terms: list[tuple[int, tuple[int, ...]]], values: list[int]) -> int:
    """``Σ coefficient × Π values[j]`` in Python integers (exact, no overflow)."""
    total = 0
    for c, m in terms:
        for j in m:
            c *= values[j]
        total += c
    return total


def _at(source: tuple, values: list[int]) -> tuple[int, int]:
    """A number of a sign plan as ``(numerator, denominator)`` in this scenario."""
    j, numerator, denominator = source
    return (numerator if j is None else values[j], denominator)


def _sign(x: tuple[int, int]) -> int:
    return (x[0] > 0) - (x[0] < 0)


def _sign_difference(a: tuple[int, int], b: tuple[int, int]) -> int:
    """The sign of ``a - b`` for fractions with positive denominators."""
    diff = a[0] * b[1] - b[0] * a[1]
    return (diff > 0) - (diff < 0)
