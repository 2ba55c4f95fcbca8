"""The backbone: what every acceptable deal has in common.

Over ALL acceptable deals (feasible, every party at least its no-deal value), not only the
frontier: for each issue, the options that occur in at least one acceptable deal ("possible"),
the option forced when only one is possible, and, since options are ordered, the tightest
bounds that hold in every acceptable deal ("sanctions is at least quiet_relief").

Algorithm (exact, no sampling): an option is possible exactly when the model with the no-deal
conditions as objective lower bounds (``Space.floors``) and an assumption literal forcing that
option is satisfiable. One feasibility solve per option, except that every acceptable deal
already seen (passed in, or found by an earlier solve) marks all of its options possible
without a solve. The found deals are oracle-checked. Solver calls: at most one per option not
seen in a known acceptable deal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from dealopt.analysis.space import Space
from dealopt.spec.model import Value


@dataclass(frozen=True)
class IssueBackbone:
    """One issue over every acceptable deal.

    ``possible``: the values that occur in at least one acceptable deal, in the issue's order;
    ``excluded``: the others. ``forced``: the value when only one is possible. ``at_least`` /
    ``at_most``: the lowest / highest possible value, given only when it cuts off values at the
    low / high end of the issue's order. ``uncertain``: values found only within the rounding
    resolution (empty for exact models).
    """

    issue: str
    values: tuple[Value, ...]
    possible: tuple[Value, ...]
    status_quo: Value
    uncertain: tuple[Value, ...] = ()

    @property
    def excluded(self) -> tuple[Value, ...]:
        return tuple(v for v in self.values if v not in self.possible)

    @property
    def forced(self) -> Value | None:
        return self.possible[0] if len(self.possible) == 1 else None

    @property
    def at_least(self) -> Value | None:
        if not self.possible or self.possible[0] == self.values[0]:
            return None
        return self.possible[0]

    @property
    def at_most(self) -> Value | None:
        if not self.possible or self.possible[-1] == self.values[-1]:
            return None
        return self.possible[-1]

    @property
    def gaps(self) -> tuple[Value, ...]:
        """Excluded values strictly between the lowest and the highest possible one."""
        if not self.possible:
            return ()
        lo, hi = self.values.index(self.possible[0]), self.values.index(self.possible[-1])
        return tuple(v for v in self.values[lo : hi + 1] if v not in self.possible)

    def sentence(self) -> str | None:
        """The issue's backbone in words, or None when every value is possible."""
        i = self.issue
        if not self.possible:
            return f"{i}: no acceptable deal"
        if self.forced is not None:
            return f"{i} is {self.forced} in every acceptable deal"
        if not self.excluded:
            return None
        parts = []
        if self.at_least is not None and self.at_most is not None:
            parts.append(f"between {self.at_least} and {self.at_most}")
        elif self.at_least is not None:
            parts.append(f"at least {self.at_least}")
        elif self.at_most is not None:
            parts.append(f"at most {self.at_most}")
        if self.gaps:
            parts.append(f"never {_or(self.gaps)}")
        text = f"{i} is {' and '.join(parts)}"
        if len(self.possible) <= 3:
            text += f" ({_or(self.possible)})"
        return text + " in every acceptable deal"


def _or(values: Iterable[Value]) -> str:
    items = [str(v) for v in values]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


@dataclass(frozen=True)
class Backbone:
    """The backbone of every issue, and how it was computed."""

    issues: tuple[IssueBackbone, ...]
    any_acceptable: bool
    solves: int
    seeded_from: int

    def issue(self, name: str) -> IssueBackbone:
        return next(b for b in self.issues if b.issue == name)

    @property
    def forced(self) -> dict[str, Value]:
        return {b.issue: b.forced for b in self.issues if b.forced is not None}

    def sentences(self) -> list[str]:
        return [s for b in self.issues if (s := b.sentence()) is not None]


def backbone(space: Space, known: Iterable[Mapping[str, Value]] = ()) -> Backbone:
    """The backbone over every acceptable deal of ``space``; see the module docstring.

    ``known`` may hold acceptable deals found elsewhere (each is re-checked by the oracle and
    used only if acceptable); their options need no solve.
    """
    possible: dict[str, set[Value]] = {i: set() for i in space.issues}
    uncertain: dict[str, set[Value]] = {i: set() for i in space.issues}
    seeded = 0
    for deal in known:
        if space.oracle.is_acceptable(deal):
            seeded += 1
            for i in space.issues:
                possible[i].add(deal[i])
    solves = 0
    for issue in space.issues:
        for value in space.instance.issues[issue].values:
            if value in possible[issue] or value in uncertain[issue]:
                continue
            solves += 1
            found = space.find([space.lit(issue, value)])
            if found is None:
                continue
            deal, utilities = found
            target = possible if space.acceptable(utilities) else uncertain
            for i in space.issues:
                target[i].add(deal[i])
    issues = []
    for name, issue in space.instance.issues.items():
        issues.append(
            IssueBackbone(
                issue=name,
                values=issue.values,
                possible=tuple(v for v in issue.values if v in possible[name]),
                status_quo=issue.status_quo,
                uncertain=tuple(
                    v for v in issue.values if v in uncertain[name] and v not in possible[name]
                ),
            )
        )
    any_acceptable = any(b.possible for b in issues)
    return Backbone(tuple(issues), any_acceptable, solves, seeded)
