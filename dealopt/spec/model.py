"""The instance as users write it: typed, immutable, every node with its source position.

These classes know no solver and no rule grammar: expressions are kept as :class:`Text`
(the user's own string and where it starts); the rules layer parses and checks them.
All numbers are exact :class:`~decimal.Decimal` s read from the file's own text.
"""

from __future__ import annotations

import copyreg
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

from dealopt.errors import Source

if TYPE_CHECKING:
    from dealopt.spec.uncertainty import Uncertainty

#: The value chosen on an issue: an option name, or an integer for a range issue.
Value = str | int
#: A deal: one value for every issue, by issue name.
Deal = Mapping[str, Value]

LINEAR: Literal["linear"] = "linear"


# Read-only views pickle as the dict they show, so instances travel to worker processes
# (``dealopt sweep --workers``, Dask).
def _view(data: dict) -> Mapping:
    return MappingProxyType(data)


copyreg.pickle(MappingProxyType, lambda view: (_view, (dict(view),)))


def frozen_map(data: Mapping | None = None) -> Mapping:
    """A read-only view of a fresh dict (insertion order kept: it is the file's order)."""
    return MappingProxyType(dict(data or {}))


@dataclass(frozen=True)
class Text:
    """An expression as the user wrote it (rule, condition, quantity or term value)."""

    text: str
    source: Source | None = field(default=None, compare=False)
    # Offset to add to a character index in ``text`` to get the file column (quoted strings
    # start one column after the quote). None when the string spans lines.
    col_offset: int | None = field(default=0, compare=False)

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Party:
    """A negotiating side. ``no_deal`` None means: its utility of the status-quo deal."""

    name: str
    label: str
    no_deal: Decimal | None = None
    description: str | None = None
    source: Source | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Issue:
    """One thing a deal decides: ordered options, or an integer range ``lo..hi`` by ``step``."""

    name: str
    values: tuple[Value, ...]
    status_quo: Value
    label: str
    kind: Literal["options", "range"] = "options"
    description: str | None = None
    source: Source | None = field(default=None, compare=False)

    @property
    def size(self) -> int:
        return len(self.values)

    def level(self, value: Value) -> int:
        """0-based position of ``value`` in the issue's order."""
        return self.values.index(value)

    @property
    def is_range(self) -> bool:
        return self.kind == "range"


#: A table from an issue's values to numbers; unlisted values count 0. Or ``"linear"``
#: (the value itself, range issues only).
Table = Mapping[Value, Decimal] | Literal["linear"]


@dataclass(frozen=True)
class Attribute:
    """A number attached to options: ``tables[issue][value]``; unlisted values count 0."""

    name: str
    tables: Mapping[str, Table]
    source: Source | None = field(default=None, compare=False)

    def of(self, issue: str, value: Value) -> Decimal:
        table = self.tables.get(issue)
        if table is None:
            return Decimal(0)
        if table == LINEAR:
            return Decimal(value)  # type: ignore[arg-type]
        return table.get(value, Decimal(0))  # type: ignore[union-attr]


@dataclass(frozen=True)
class Quantity:
    """A named numeric expression over the deal."""

    name: str
    expr: Text
    source: Source | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Term:
    """An extra utility term: ``value`` (number or numeric expression) when ``when`` holds."""

    label: str
    value: Decimal | Text
    when: Text | None = None
    source: Source | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Interest:
    """A party's utility: Σ weight × score(chosen value) + Σ terms."""

    party: str
    weights: Mapping[str, Decimal]
    scores: Mapping[str, Table]
    terms: tuple[Term, ...] = ()
    source: Source | None = field(default=None, compare=False)

    def score(self, issue: str, value: Value) -> Decimal:
        table = self.scores.get(issue)
        if table is None:
            return Decimal(0)
        if table == LINEAR:
            return Decimal(value)  # type: ignore[arg-type]
        return table.get(value, Decimal(0))  # type: ignore[union-attr]


@dataclass(frozen=True)
class Rule:
    """A hard rule: of the deal space (``owner`` None) or a party's red line."""

    label: str
    rule: Text
    owner: str | None = None
    description: str | None = None
    source: Source | None = field(default=None, compare=False)

    @property
    def kind(self) -> Literal["rule", "red_line"]:
        return "rule" if self.owner is None else "red_line"


@dataclass(frozen=True)
class NamedDeal:
    """A deal written in the instance: a proposal on the table, a deal signed, a sketch.

    ``choices`` holds the options the file states; :meth:`deal` fills every other issue with
    its status quo.
    """

    name: str
    label: str
    choices: Mapping[str, Value]
    description: str | None = None
    sources: tuple[str, ...] = ()
    source: Source | None = field(default=None, compare=False)

    def deal(self, issues: Mapping[str, Issue]) -> dict[str, Value]:
        """The whole deal: the stated options, the status quo on every other issue."""
        return {name: self.choices.get(name, issue.status_quo) for name, issue in issues.items()}


@dataclass(frozen=True)
class Instance:
    """A whole negotiation: parties, issues, interests, red lines and rules.

    Mappings keep the file's order and are read-only. Build one from a file with
    :func:`dealopt.load`, or from Python data with :func:`dealopt.spec.from_data`.
    """

    name: str
    parties: Mapping[str, Party]
    issues: Mapping[str, Issue]
    interests: Mapping[str, Interest]
    attributes: Mapping[str, Attribute] = field(default_factory=frozen_map)
    quantities: Mapping[str, Quantity] = field(default_factory=frozen_map)
    red_lines: Mapping[str, tuple[Rule, ...]] = field(default_factory=frozen_map)
    rules: tuple[Rule, ...] = ()
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=frozen_map)
    deals: Mapping[str, NamedDeal] = field(default_factory=frozen_map)
    description: str | None = None
    path: str | None = field(default=None, compare=False)
    #: Distributions on its numbers (the ``uncertainty`` section), for ``dealopt sweep``.
    uncertainty: Uncertainty | None = None

    @property
    def status_quo(self) -> dict[str, Value]:
        """The status-quo deal."""
        return {name: issue.status_quo for name, issue in self.issues.items()}

    @property
    def bundle_space_size(self) -> int:
        """The exact number of deals (product of the issues' sizes)."""
        n = 1
        for issue in self.issues.values():
            n *= issue.size
        return n

    def all_rules(self) -> Iterator[Rule]:
        """Every rule of the deal space, then every red line, in file order."""
        yield from self.rules
        for lines in self.red_lines.values():
            yield from lines
