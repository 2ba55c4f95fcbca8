"""The instance as users write it: typed, immutable, every node with its source position.

These classes know no solver and no rule grammar: expressions are kept as :class:`Text`
(the user's own string and where it starts); the rules layer parses and checks them.
All numbers are exact :class:`~decimal.Decimal` s read from the file's own text.
"""

from __future__ import annotations

import copyreg
from collections.abc import Collection, Iterator, Mapping
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
    #: Display text of options (free text); an option without one is shown by its name.
    option_labels: Mapping[str, str] = field(default_factory=frozen_map)

    def option_label(self, value: Value) -> str:
        """How ``value`` reads: its label, else its name."""
        return self.option_labels.get(str(value), str(value))

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


#: A table over two issues: ``table[first_value][second_value]``; unlisted pairs count 0.
PairTable = Mapping[Value, Mapping[Value, Decimal]]
#: The two issues of a pair table, in the order written (``"first,second"``).
Pair = tuple[str, str]


def pair_value(table: PairTable, first: Value, second: Value) -> Decimal:
    """The entry of a two-issue table (0 when unlisted)."""
    return table.get(first, {}).get(second, Decimal(0))


@dataclass(frozen=True)
class Attribute:
    """A number attached to options: ``tables[issue][value]``; unlisted values count 0.

    ``pairs`` holds tables over two issues (``pairs[(a, b)][value_a][value_b]``), used by
    ``attribute(a, b)`` and counted in ``total(attribute)``.
    """

    name: str
    tables: Mapping[str, Table]
    source: Source | None = field(default=None, compare=False)
    pairs: Mapping[Pair, PairTable] = field(default_factory=frozen_map)

    def of_pair(self, pair: Pair, deal: Mapping[str, Value]) -> Decimal:
        """The pair table's entry for the deal's values of both issues."""
        return pair_value(self.pairs[pair], deal[pair[0]], deal[pair[1]])

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
    """A party's utility: (Σ weight × score(chosen value) + Σ terms) / ``scale``.

    ``pairs``: scores over two issues (``pairs[(a, b)][value_a][value_b]``), each weighted by
    ``pair_weights[(a, b)]`` (default 1) and added to the sum. ``scale`` (positive, default 1)
    divides the whole sum: it puts the utility on the scale the analyst reads (GENIUS's 0..1
    for an import) while the scores keep the numbers written; ``no_deal`` is on the divided
    scale.
    """

    party: str
    weights: Mapping[str, Decimal]
    scores: Mapping[str, Table]
    terms: tuple[Term, ...] = ()
    source: Source | None = field(default=None, compare=False)
    pairs: Mapping[Pair, PairTable] = field(default_factory=frozen_map)
    pair_weights: Mapping[Pair, Decimal] = field(default_factory=frozen_map)
    scale: Decimal = Decimal(1)

    def pair_part(self, deal: Mapping[str, Value]) -> Decimal:
        """Σ weight × pair score of the deal, over the pair tables."""
        return sum(
            (
                self.pair_weights[p] * pair_value(t, deal[p[0]], deal[p[1]])
                for p, t in self.pairs.items()
            ),
            Decimal(0),
        )

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
class AtLeast:
    """At least ``count`` of ``parties`` must accept."""

    count: int
    parties: tuple[str, ...]
    label: str
    source: Source | None = field(default=None, compare=False)

    def holds(self, accepting: Collection[str]) -> bool:
        return sum(p in accepting for p in self.parties) >= self.count


@dataclass(frozen=True)
class Weighted:
    """The accepting parties hold at least ``share`` of the total weight, ``including`` all
    of the parties listed there."""

    weights: Mapping[str, Decimal]
    share: Decimal
    including: tuple[str, ...]
    label: str
    source: Source | None = field(default=None, compare=False)

    def holds(self, accepting: Collection[str]) -> bool:
        if not all(p in accepting for p in self.including):
            return False
        total = sum(self.weights.values(), Decimal(0))
        held = sum((w for p, w in self.weights.items() if p in accepting), Decimal(0))
        return held >= self.share * total  # exact: Decimals of the file, no rounding


@dataclass(frozen=True)
class Acceptance:
    """Who must prefer a deal to no deal for it to pass: every clause must hold.

    ``unanimous`` (no ``acceptance`` section): every party. A party "accepts" a feasible
    deal when its utility is at least its no-deal value. The rule is monotone (a larger set
    of accepting parties never fails where a smaller one passes), which is what keeps the
    zone equal to the Pareto-optimal deals the rule passes.
    """

    veto: tuple[str, ...] = ()
    at_least: tuple[AtLeast, ...] = ()
    weighted: tuple[Weighted, ...] = ()
    unanimous: bool = True
    source: Source | None = field(default=None, compare=False)

    def passes(self, accepting: Collection[str], parties: Collection[str]) -> bool:
        """True when a deal that exactly ``accepting`` accept (among ``parties``) passes."""
        if self.unanimous:
            return all(p in accepting for p in parties)
        return (
            all(p in accepting for p in self.veto)
            and all(c.holds(accepting) for c in self.at_least)
            and all(c.holds(accepting) for c in self.weighted)
        )

    def counted(self, parties: Collection[str]) -> tuple[str, ...]:
        """The parties whose acceptance the rule looks at (in ``parties``' order)."""
        if self.unanimous:
            return tuple(parties)
        named = set(self.veto)
        for c in self.at_least:
            named.update(c.parties)
        for w in self.weighted:
            named.update(p for p, x in w.weights.items() if x)
            named.update(w.including)
        return tuple(p for p in parties if p in named)


def schedule(
    deal: Mapping[str, Value], staged: Mapping[str, tuple[str, ...]]
) -> dict[str, dict[str, Value]]:
    """The staged issues of a deal as a schedule: staged issue -> stage -> option."""
    return {
        base: {name.split("@", 1)[1]: deal[name] for name in names}
        for base, names in staged.items()
    }


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
    acceptance: Acceptance = field(default_factory=Acceptance)
    #: The stages, in order (empty: none), and each staged issue's issues, one per stage
    #: (``{"sanctions": ("sanctions@before", "sanctions@after")}``). ``issues`` holds the
    #: per-stage issues, not the staged issue itself: that is all the other layers see.
    stages: tuple[str, ...] = ()
    staged: Mapping[str, tuple[str, ...]] = field(default_factory=frozen_map)
    description: str | None = None
    path: str | None = field(default=None, compare=False)
    #: Distributions on its numbers (the ``uncertainty`` section), for ``dealopt sweep``.
    uncertainty: Uncertainty | None = None
    #: False for a negotiation without a status quo (``status_quo: none``, as every GENIUS
    #: import): every party's ``no_deal`` is then given, and outputs word deals by the options
    #: they choose, never as moves. ``status_quo`` below is then only a reference deal (each
    #: issue's first value) for the analyses that need one internally.
    has_status_quo: bool = True

    def __repr__(self) -> str:
        # one line: the whole instance (every table and rule) is far too long to print
        n, m = len(self.parties), len(self.issues)
        return (
            f"<Instance {self.name!r}: {n} part{'y' if n == 1 else 'ies'}, "
            f"{m} issue{'' if m == 1 else 's'}, {self.bundle_space_size:,} possible deals>"
        )

    def _repr_html_(self) -> str:
        """The notebook view: name, parties and issues with their options."""
        from html import escape

        parties = "".join(
            f"<tr><td>{escape(n)}</td><td>{escape(p.label)}</td></tr>"
            for n, p in self.parties.items()
        )
        issues = "".join(
            f"<tr><td>{escape(n)}</td><td>{escape(', '.join(map(str, i.values[:12])))}"
            f"{' ...' if len(i.values) > 12 else ''}</td></tr>"
            for n, i in self.issues.items()
        )
        return (
            f"<p><b>{escape(self.name)}</b>: {self.bundle_space_size:,} possible deals</p>"
            f"<table><tr><th>party</th><th>label</th></tr>{parties}</table>"
            f"<table><tr><th>issue</th><th>options</th></tr>{issues}</table>"
        )

    @property
    def status_quo(self) -> dict[str, Value]:
        """The status-quo deal (without one, ``has_status_quo`` False: a reference deal)."""
        return {name: issue.status_quo for name, issue in self.issues.items()}

    def at_status_quo(self, issue: str, value: Value) -> bool:
        """True when ``value`` is ``issue``'s status quo (never, without a status quo)."""
        return self.has_status_quo and value == self.issues[issue].status_quo

    def schedule(self, deal: Deal) -> dict[str, dict[str, Value]]:
        """A staged deal as a schedule: staged issue -> stage -> option (empty unstaged)."""
        return schedule(deal, self.staged)

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
