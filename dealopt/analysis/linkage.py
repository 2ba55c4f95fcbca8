"""Linkage: which groups of issues must be negotiated together for a zone to exist.

Sebenius ("Negotiation arithmetic", 1983; domain.md §1.7): adding issues can create a zone of
possible agreement, subtracting them can destroy one. The instance names issue groups
(``groups:``); issues in no group form one more group, ``(ungrouped)``.

For a set ``S`` of groups, *S linked* means: the issues of ``S`` are negotiated, every other
issue is held at its status quo (assumption literals fixing it; nothing is rebuilt). Computed:

* each group alone, everything linked, and everything but one group ("without g", Sebenius's
  subtraction): the zone (frontier inside the no-deal bounds) and its Nash deal;
* with at most :data:`MAX_SUBSETS_GROUPS` groups, every subset of groups: whether an acceptable
  deal exists (one feasibility solve each), and from that the *minimal linkages*: the smallest
  sets of groups whose linking opens a zone (no proper subset does).

The effect is reported when the whole has a zone but no group alone has one ("a zone exists
only when issues are linked"), and, per group, whether it is needed (in every minimal linkage).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from dealopt.analysis.space import Space
from dealopt.analysis.zone import Zone

MAX_SUBSETS_GROUPS = 8
"""Every subset of groups is checked when there are at most this many groups (255 solves)."""
UNGROUPED = "(ungrouped)"


@dataclass(frozen=True)
class Linked:
    """One set of linked groups: its issues, whether an acceptable deal exists, its zone."""

    groups: tuple[str, ...]
    issues: tuple[str, ...]
    acceptable: bool
    zone: Zone | None = None  # computed for singles, "without" sets and the whole


@dataclass(frozen=True)
class Linkage:
    """The linkage analysis (see the module docstring)."""

    groups: dict[str, tuple[str, ...]]
    alone: tuple[Linked, ...]
    without: tuple[Linked, ...]
    linked: Linked
    subsets: tuple[Linked, ...]  # every subset (empty when there are too many groups)
    minimal: tuple[tuple[str, ...], ...]

    @property
    def effect(self) -> bool:
        """Sebenius's effect: a zone exists when everything is linked and no group alone."""
        return self.linked.acceptable and not any(g.acceptable for g in self.alone)

    @property
    def needed(self) -> tuple[str, ...]:
        """Groups in every minimal linkage: without any one of them there is no zone."""
        if not self.minimal:
            return ()
        return tuple(g for g in self.groups if all(g in m for m in self.minimal))


def issue_groups(space: Space) -> dict[str, tuple[str, ...]]:
    """The instance's groups in file order, plus ``(ungrouped)`` for issues in none."""
    groups = {name: tuple(issues) for name, issues in space.instance.groups.items()}
    seen = {i for issues in groups.values() for i in issues}
    rest = tuple(i for i in space.issues if i not in seen)
    if rest:
        groups[UNGROUPED] = rest
    return groups


def _linked(space: Space, groups: dict, names: tuple[str, ...], *, zone: bool) -> Linked:
    free = {i for g in names for i in groups[g]}
    issues = tuple(i for i in space.issues if i in free)
    fixed = space.hold_at_status_quo([i for i in space.issues if i not in free])
    if zone:
        z = space.zone(assumptions=fixed)
        return Linked(names, issues, len(z) > 0, z)
    return Linked(names, issues, space.find(fixed) is not None)


def linkage(space: Space, whole: Zone | None = None) -> Linkage | None:
    """The linkage analysis, or None when the instance names no groups."""
    if not space.instance.groups:
        return None
    groups = issue_groups(space)
    names = tuple(groups)
    alone = tuple(_linked(space, groups, (g,), zone=True) for g in names)
    without = tuple(
        _linked(space, groups, tuple(h for h in names if h != g), zone=True) for g in names
    )
    if whole is None:
        linked = _linked(space, groups, names, zone=True)
    else:
        linked = Linked(names, space.issues, len(whole) > 0, whole)
    known = {s.groups: s for s in (*alone, *without, linked)}
    subsets: list[Linked] = []
    if len(names) <= MAX_SUBSETS_GROUPS:
        for size in range(1, len(names) + 1):
            for combo in combinations(names, size):
                subsets.append(known.get(combo) or _linked(space, groups, combo, zone=False))
        opening = [s.groups for s in subsets if s.acceptable]
    else:
        opening = [s.groups for s in known.values() if s.acceptable]
    minimal = tuple(m for m in opening if not any(set(o) < set(m) for o in opening if o != m))
    return Linkage(groups, alone, without, linked, tuple(subsets), minimal)
