"""Getting an instance ready to solve: checked, compiled, and built once in a backend.

`dealopt.solve` and `dealopt explain` both start here, so option checks, the oracle, the
compiled model and the backend session are made in one place.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from dealopt.backends.base import Session, SolveOptions
from dealopt.compile.compiler import Decoder, compile_instance
from dealopt.compile.model import CompiledModel
from dealopt.errors import UsageError
from dealopt.frontier.settle import nondominated as nondominated  # re-exported
from dealopt.rules.oracle import Oracle
from dealopt.spec.model import Instance


@dataclass(frozen=True)
class Setup:
    """An instance with its oracle, compiled model, decoder and one backend session."""

    instance: Instance
    oracle: Oracle
    model: CompiledModel
    decoder: Decoder
    session: Session
    options: SolveOptions
    #: The backend that actually runs (``auto`` resolved).
    backend_name: str
    started: float = field(default_factory=time.perf_counter)


def check_limits(time_limit: float | None, threads: int | None) -> None:
    """Refuse option values that make no sense, with one clear message."""
    if time_limit is not None and time_limit <= 0:
        raise UsageError(f"time limit must be positive, got {time_limit}")
    if threads is not None and threads < 1:
        raise UsageError(f"threads must be at least 1, got {threads}")


def setup(
    instance: Instance,
    *,
    backend: str = "auto",
    time_limit: float | None = None,
    threads: int | None = None,
    seed: int | None = None,
) -> Setup:
    """Check options, build the oracle, compile, and build one session of ``backend``."""
    from dealopt.backends import get_backend

    check_limits(time_limit, threads)
    started = time.perf_counter()
    oracle = Oracle(instance)
    chosen = get_backend(backend)
    # A float MILP backend resolves a smaller integer range: its utilities are rounded to that
    # range and the frontier settled exactly afterwards (dealopt.frontier.settle).
    limit = getattr(chosen, "objective_limit", None)
    model, decoder = compile_instance(instance, oracle, objective_limit=limit)
    deadline = None if time_limit is None else started + time_limit
    options = SolveOptions(threads=threads, seed=seed, deadline=deadline)
    session = chosen.build(model, options)
    name = getattr(session, "backend_name", None) or type(session).__module__.rsplit(".", 1)[-1]
    return Setup(instance, oracle, model, decoder, session, options, name, started)


def objective_floor(model: CompiledModel, k: int, value: Fraction) -> int:
    """The least value of objective ``k`` whose utility can be at least ``value``.

    A utility is ``objective / scale`` exactly when the model's resolution is 0, and the
    objective is an integer, so ``utility >= value`` holds exactly when ``objective >=
    ceil(value × scale)``; a rounded model widens the bound by its resolution (the deals found
    are then settled with the oracle).
    """
    slack = model.resolution[k] if model.resolution else Fraction(0)
    return math.ceil((value - slack) * model.scales[k])


def zone_boxes(
    model: CompiledModel,
    parties: Sequence[str],
    no_deal: Mapping[str, Fraction],
    coalitions: Sequence[frozenset[str]],
) -> list[dict[int, tuple[int | None, int | None]]]:
    """The acceptable deals as a union of objective boxes: per winning coalition, its parties'
    no-deal values as lower bounds (:func:`objective_floor`). A box is closed under
    domination (a deal dominating one in it is in it), so the frontier inside a box is the
    frontier's part in it."""
    return [
        {k: (objective_floor(model, k, no_deal[p]), None) for k, p in enumerate(parties) if p in c}
        for c in coalitions
    ]
