"""A sample of feasible deals with exact utilities: the grey cloud behind a frontier plot.

Not a proof of anything: it only hints at the feasible-but-dominated region. Where the bundle
space is small enough to enumerate, the feasible deals come from the enumeration backend (all
of them, or a uniform sample of them); elsewhere, random deals are drawn and kept when the rules
oracle finds them feasible, with a cap on the attempts. When the rules and red lines are so
tight that random deals are almost never feasible (the 2015 Iran model: none in 5,000), the
solver is asked instead: each draw fixes a random part of a random deal and asks CP-SAT for any
feasible completion. Every kept deal is re-checked by the oracle, and its utilities are the
oracle's exact ones. ``FeasibleSample.method`` says which way the deals came, and ``note``
why a sample is empty.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction

from dealopt.progress import Deadline
from dealopt.rules.oracle import Oracle
from dealopt.spec.model import Deal, Instance

ENUMERATE_MAX = 1_000_000
"""Bundle spaces up to this many deals are enumerated (about a second at the largest)."""
LIST_MAX = 50_000
"""With more feasible deals than this, drawing random deals finds them fast enough."""
SOLVER_SECONDS = 3.0
"""At most this long asking the solver for feasible deals when random draws find too few."""


@dataclass(frozen=True)
class SampledDeal:
    """A feasible deal and every party's exact utility of it."""

    deal: Mapping[str, object]
    utilities: Mapping[str, Fraction]


@dataclass(frozen=True)
class FeasibleSample:
    """Feasible deals drawn from an instance.

    ``complete`` is True when ``deals`` holds every feasible deal of the instance;
    ``feasible`` is the exact number of feasible deals when known (enumerated), else None;
    ``attempts`` counts the random deals drawn (0 when enumerated). ``method`` is
    ``"enumerated"``, ``"random"`` or ``"solver"`` (random draws, then solver completions);
    ``note`` says why no deal was sampled (time limit, nothing feasible), else "".
    """

    deals: tuple[SampledDeal, ...]
    complete: bool
    feasible: int | None
    attempts: int
    method: str = "random"
    note: str = ""

    def __len__(self) -> int:
        return len(self.deals)

    def __iter__(self) -> Iterator[SampledDeal]:
        return iter(self.deals)


def feasible_sample(
    instance: Instance,
    n: int = 1000,
    seed: int = 0,
    *,
    max_attempts: int = 5000,
    enumerate_max: int = ENUMERATE_MAX,
    deadline: Deadline | None = None,
) -> FeasibleSample:
    """Up to ``n`` feasible deals of ``instance``, drawn reproducibly from ``seed``.

    Parameters
    ----------
    n
        The most deals to return.
    seed
        Seed of the random draws: the same seed gives the same sample.
    max_attempts
        Random deals drawn at most, when the space is too large to enumerate.
    enumerate_max
        Enumerate bundle spaces up to this many deals (needs numpy).
    deadline
        The command's shared deadline: nothing is sampled once it has passed, and the solver
        stops at it.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    if deadline is not None and deadline.passed:
        return FeasibleSample((), False, None, 0, "none", "not sampled: the time limit had passed")
    oracle = Oracle(instance)
    rng = random.Random(seed)
    if instance.bundle_space_size <= enumerate_max:
        listed = _enumerated(instance, oracle)
        if listed is not None:
            picked = listed if len(listed) <= n else rng.sample(listed, n)
            deals = tuple(_sampled(oracle, d) for d in picked)
            note = "" if deals else "no deal is feasible"
            return FeasibleSample(
                deals, len(picked) == len(listed), len(listed), 0, "enumerated", note
            )
    drawn = _drawn(instance, oracle, rng, n, max_attempts)
    if len(drawn) >= min(n, MIN_RANDOM):
        return drawn
    return _solved(instance, oracle, rng, n, drawn, deadline)


MIN_RANDOM = 50
"""Fewer random feasible deals than this (or than asked for) and the solver is asked too."""


def _solved(
    instance: Instance,
    oracle: Oracle,
    rng: random.Random,
    n: int,
    drawn: FeasibleSample,
    deadline: Deadline | None,
) -> FeasibleSample:
    """Add feasible deals from the solver to what random draws found: each solve starts from
    a random deal (the hint), assumes a random share of its issues (fewer after an infeasible
    draw, more after a repeated one) and takes the feasible deal the solver finds. Without
    CP-SAT, the draws stand."""
    import importlib.util
    import time

    from dealopt.backends.base import SolveStatus

    if importlib.util.find_spec("ortools") is None:
        return drawn
    from dealopt.backends import get_backend
    from dealopt.compile.compiler import compile_instance

    model, decoder = compile_instance(instance, oracle)
    session = get_backend("cpsat").build(model)
    issues = [(name, issue.values) for name, issue in instance.issues.items()]
    deals = list(drawn.deals)
    seen = {tuple(d.deal.values()) for d in deals}
    fixed = len(issues) // 2
    stop = time.perf_counter() + SOLVER_SECONDS
    misses = 0
    while len(deals) < n and misses < max(200, 20 * n):
        left = stop - time.perf_counter()
        budget = None if deadline is None else deadline.remaining()
        if budget is not None:
            left = min(left, budget)
        if left <= 0:
            break
        # A random deal as the solver's starting point, and a random part of it assumed:
        # the answer is a feasible deal near a random one.
        target = [rng.randrange(len(values)) for _, values in issues]
        hint = [0] * model.num_vars
        for g, pos in enumerate(target):
            hint[model.choices[g][pos]] = 1
        picked = rng.sample(range(len(issues)), fixed)
        lits = [(model.choices[g][target[g]], True) for g in picked]
        solution = session.solve({}, assumptions=lits, hint=hint, time_limit=left)
        if solution.status is not SolveStatus.OPTIMAL or solution.values is None:
            if solution.status is SolveStatus.INFEASIBLE and fixed == 0:
                break  # no deal is feasible at all
            fixed = max(0, fixed - 1)
            misses += 1
            continue
        deal = decoder.deal(solution.values)
        key = tuple(deal.values())
        if key in seen:
            misses += 1
            fixed = min(len(issues), fixed + 1)
            continue
        seen.add(key)
        deals.append(_sampled(oracle, deal))
        fixed = min(len(issues), fixed + 1)
    note = "" if deals else "no feasible deal found"
    return FeasibleSample(tuple(deals), False, None, drawn.attempts, "solver", note)


def _enumerated(instance: Instance, oracle: Oracle) -> list[dict] | None:
    """Every feasible deal, in enumeration order; None when there are too many to list."""
    import importlib.util

    if importlib.util.find_spec("numpy") is None:
        return None
    from dealopt.backends.enumerate import EnumerateSession
    from dealopt.compile.compiler import compile_instance

    model, decoder = compile_instance(instance, oracle)
    session = EnumerateSession(model)
    if session.num_feasible > LIST_MAX:
        return None
    values, _ = session.solutions(limit=session.num_feasible)
    return [decoder.deal(v) for v in values]


def _drawn(
    instance: Instance, oracle: Oracle, rng: random.Random, n: int, max_attempts: int
) -> FeasibleSample:
    issues = [(name, issue.values) for name, issue in instance.issues.items()]
    seen: set[tuple] = set()
    deals = []
    attempts = 0
    while len(deals) < n and attempts < max_attempts:
        attempts += 1
        deal = {name: rng.choice(values) for name, values in issues}
        key = tuple(deal.values())
        if key in seen:
            continue
        seen.add(key)
        if oracle.is_feasible(deal):
            deals.append(_sampled(oracle, deal))
    note = "" if deals else f"no feasible deal in {attempts:,} random draws"
    return FeasibleSample(tuple(deals), False, None, attempts, "random", note)


def _sampled(oracle: Oracle, deal: Deal) -> SampledDeal:
    # The oracle re-checks what the enumeration found: the sample is feasible by construction.
    if not oracle.is_feasible(deal):  # pragma: no cover - would be a compiler bug
        from dealopt.errors import OracleRejectedError

        raise OracleRejectedError(f"the enumeration returned an infeasible deal: {deal}")
    return SampledDeal(dict(deal), oracle.utilities(deal))
