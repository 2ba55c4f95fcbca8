"""Conflicts: minimal sets of rules, red lines and no-deal conditions that cannot hold together.

A *conflict* is an unsatisfiable set of elements every proper subset of which is
satisfiable: a minimal unsatisfiable subset (MUS). Elements are the user's rules, red lines
and no-deal conditions (:mod:`dealopt.analysis.switches`); one session of the switched model
answers every "can these hold together?" question by assumptions.

Algorithm.

1. *First core.* Check all elements together. A backend that reports cores (CP-SAT's
   ``sufficient_assumptions_for_infeasibility``) gives an unsatisfiable subset, usually far
   from minimal; otherwise the core is the whole set.
2. *Shrink* (deletion with core refinement): for each element ``e`` of the current core ``C``,
   check ``C - {e}``. Satisfiable: ``e`` is necessary and stays (it stays necessary in every
   subset of ``C`` that keeps it, by monotonicity). Unsatisfiable: continue with the core of
   that check (a subset of ``C - {e}``). The result is minimal; it is checked once more as a
   whole with a plain solve, and every "satisfiable" answer comes with a deal that the oracle
   re-checks against the subset's rules.
3. *More conflicts* (hitting-set duality, as in MARCO/CAMUS): a conflict not yet found must
   leave out at least one element of every conflict found, so it lies inside ``All - H`` for a
   minimal hitting set ``H`` of the found conflicts. For each minimal hitting set, smallest
   first: if ``All - H`` is unsatisfiable, shrink it inside ``All - H`` to a new conflict;
   if every ``All - H`` is satisfiable, the conflicts found are all there are (``complete``).
   Stops at ``max_conflicts`` (or the hitting-set cap), then ``complete`` is False.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dealopt.analysis.space import Space, TimeUp
from dealopt.analysis.switches import Element, Switched, build_switched
from dealopt.errors import OracleRejectedError

MAX_HITTING_SETS = 5000
"""At most this many minimal hitting sets are tried in one round (then ``complete`` is False)."""


@dataclass(frozen=True)
class Conflict:
    """One minimal conflict: its elements, in element order."""

    elements: tuple[Element, ...]

    def __len__(self) -> int:
        return len(self.elements)


@dataclass(frozen=True)
class Conflicts:
    """The minimal conflicts found (smallest first), and whether they are all there are.

    ``status`` is ``"no-feasible-deal"``, ``"no-acceptable-deal"`` or ``"none"`` (acceptable
    deals exist: nothing conflicts). ``stopped`` says why the search ended early, if it did.
    """

    status: str
    conflicts: tuple[Conflict, ...]
    complete: bool
    checks: int
    stopped: str | None = None


def find_conflicts(
    space: Space,
    *,
    max_conflicts: int = 5,
    feasible: bool | None = None,
    acceptable: bool | None = None,
    switched: Switched | None = None,
) -> Conflicts:
    """The minimal conflicts of ``space`` (up to ``max_conflicts``); see the module docstring.

    ``feasible`` / ``acceptable`` may pass what the caller already knows (else one solve each).
    """
    if acceptable is None:
        acceptable = space.find() is not None
    if acceptable:
        return Conflicts("none", (), True, 0)
    if feasible is None:
        feasible = space.find(bounds={}) is not None
    status = "no-acceptable-deal" if feasible else "no-feasible-deal"
    sw = switched or build_switched(space)
    everything = frozenset(range(len(sw.elements)))
    found: list[frozenset[int]] = []
    complete, stopped = False, None
    try:
        sat, core = _check(sw, everything)
        if sat:  # the switched model disagrees with the plain one: a bug
            raise OracleRejectedError("all rules hold together in the switched model, not alone")
        found.append(shrink(sw, core if core is not None else everything))
        while len(found) < max_conflicts:
            new = _next_conflict(sw, everything, found)
            if new is None:
                complete = True
                break
            found.append(new)
        else:
            # The cap is reached; the list is complete only if nothing else exists.
            complete = _next_conflict(sw, everything, found, probe_only=True) is None
    except TimeUp as stop:
        stopped = str(stop)
    except _TooMany:
        stopped = "hitting-set cap"
    ordered = sorted(found, key=lambda s: (len(s), sorted(s)))
    conflicts = tuple(Conflict(tuple(sw.elements[i] for i in sorted(s))) for s in ordered)
    return Conflicts(status, conflicts, complete, sw.checks, stopped)


class _TooMany(Exception):
    pass


def _check(sw: Switched, subset: frozenset[int]) -> tuple[bool, frozenset[int] | None]:
    return sw.check(subset)


def shrink(sw: Switched, core: Iterable[int]) -> frozenset[int]:
    """A minimal unsatisfiable subset of the unsatisfiable ``core`` (deletion, refinement)."""
    current = set(core)
    necessary: set[int] = set()
    while True:
        candidates = sorted(current - necessary)
        if not candidates:
            break
        e = candidates[0]
        sat, sub = _check(sw, frozenset(current - {e}))
        if sat:
            necessary.add(e)
        else:
            current = set(sub) if sub is not None else current - {e}
            necessary &= current
    result = frozenset(current)
    sat, _ = sw.check(result)  # a plain re-check of the whole, without relying on cores
    if sat:
        raise OracleRejectedError(f"a conflict turned out satisfiable: {sorted(result)}")
    return result


def minimal_hitting_sets(sets: Sequence[frozenset[int]], cap: int) -> list[frozenset[int]]:
    """Every minimal set meeting each of ``sets`` (Berge's algorithm), smallest first."""
    hitting: list[frozenset[int]] = [frozenset()]
    for s in sets:
        grown: set[frozenset[int]] = set()
        for h in hitting:
            if h & s:
                grown.add(h)
            else:
                grown.update(h | {e} for e in s)
        minimal = [h for h in grown if not any(o < h for o in grown)]
        if len(minimal) > cap:
            raise _TooMany
        hitting = minimal
    return sorted(hitting, key=lambda h: (len(h), sorted(h)))


def _next_conflict(
    sw: Switched,
    everything: frozenset[int],
    found: Sequence[frozenset[int]],
    *,
    probe_only: bool = False,
) -> frozenset[int] | None:
    """A conflict not in ``found`` (None when there is none); see step 3 of the docstring.

    With ``probe_only``, return ``everything`` as soon as some unsatisfiable seed shows that a
    further conflict exists, without shrinking it.
    """
    for h in minimal_hitting_sets(found, MAX_HITTING_SETS):
        seed = everything - h
        sat, core = _check(sw, seed)
        if not sat:
            if probe_only:
                return everything
            return shrink(sw, core if core is not None else seed)
    return None
