"""A sample of feasible deals with exact utilities: the grey cloud behind a frontier plot.

Not a proof of anything: it only hints at the feasible-but-dominated region. Where the bundle
space is small enough to enumerate, the feasible deals come from the enumeration backend (all
of them, or a uniform sample of them); elsewhere, random deals are drawn and kept when the rules
oracle finds them feasible, with a cap on the attempts. Every kept deal is re-checked by the
oracle, and its utilities are the oracle's exact ones.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction

from dealopt.rules.oracle import Oracle
from dealopt.spec.model import Deal, Instance

ENUMERATE_MAX = 1_000_000
"""Bundle spaces up to this many deals are enumerated (about a second at the largest)."""
LIST_MAX = 50_000
"""With more feasible deals than this, drawing random deals finds them fast enough."""


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
    ``attempts`` counts the random deals drawn (0 when enumerated).
    """

    deals: tuple[SampledDeal, ...]
    complete: bool
    feasible: int | None
    attempts: int

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
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    oracle = Oracle(instance)
    rng = random.Random(seed)
    if instance.bundle_space_size <= enumerate_max:
        listed = _enumerated(instance, oracle)
        if listed is not None:
            picked = listed if len(listed) <= n else rng.sample(listed, n)
            deals = tuple(_sampled(oracle, d) for d in picked)
            return FeasibleSample(deals, len(picked) == len(listed), len(listed), 0)
    return _drawn(instance, oracle, rng, n, max_attempts)


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
    return FeasibleSample(tuple(deals), False, None, attempts)


def _sampled(oracle: Oracle, deal: Deal) -> SampledDeal:
    # The oracle re-checks what the enumeration found: the sample is feasible by construction.
    if not oracle.is_feasible(deal):  # pragma: no cover - would be a compiler bug
        from dealopt.errors import OracleRejectedError

        raise OracleRejectedError(f"the enumeration returned an infeasible deal: {deal}")
    return SampledDeal(dict(deal), oracle.utilities(deal))
