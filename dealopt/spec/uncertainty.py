"""The ``uncertainty`` section: distributions on the numbers of an instance, by path.

A path names one number of the document as it is written (``parties.us.no_deal``,
``interests.us.weights.sanctions``, ``interests.russia.scores.crimea.status_quo``,
``attributes.visibility.iran_syria.forces_100km``, ``interests.us.terms.2.value``,
``quantities.crimea_threshold`` for a quantity that is a plain number), a group of
numbers for a relative spread (``interests.us.weights``), or a red line for the probability that
it holds (``red_lines.russia.0``). This module knows no solver and no sampling: it checks the
section against the instance (every problem with ``file:line:col`` and the nearest valid path)
and writes a scenario's numbers into an ordinary :class:`~dealopt.spec.model.Instance`
(:func:`apply`).
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import pairwise
from typing import Any, Literal

from dealopt.errors import Source, UsageError, did_you_mean
from dealopt.spec.model import LINEAR, Attribute, Instance, Interest, frozen_map

Kind = Literal["uniform", "triangular", "normal", "discrete", "spread", "holds"]
KINDS: tuple[Kind, ...] = ("uniform", "triangular", "normal", "discrete", "spread", "holds")
#: Extra decimal places a sampled number keeps beyond the most written in its distribution.
EXTRA_DECIMALS = 2
MAX_DECIMALS = 12


@dataclass(frozen=True)
class Uncertain:
    """One entry of the ``uncertainty`` section.

    ``kind`` and its numbers: ``uniform`` (lo, hi); ``triangular`` (lo, mode, hi); ``normal``
    (mean, sd) truncated to ``bounds`` (None: unbounded on that side); ``discrete`` ``values``
    with ``probabilities``; ``spread`` (s,): every member times ``1 + U(-s, s)``, renormalised
    to the members' written sum when ``normalise``; ``holds`` (p,): a red line holds with
    probability p. ``members`` are the number paths it draws (one, except for a spread;
    none for ``holds``), ``base`` their values in the file (None: not written). Sampled
    numbers are rounded to ``decimals`` places, so every scenario stays exact decimals.
    """

    path: str
    kind: Kind
    numbers: tuple[Decimal, ...] = ()
    bounds: tuple[Decimal | None, Decimal | None] = (None, None)
    values: tuple[Decimal, ...] = ()
    probabilities: tuple[Decimal, ...] = ()
    normalise: bool = False
    members: tuple[str, ...] = ()
    base: tuple[Decimal | None, ...] = ()
    decimals: int = 0
    label: str | None = None
    source: Source | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Uncertainty:
    """The checked ``uncertainty`` section: its entries in file order."""

    entries: tuple[Uncertain, ...]

    @property
    def numbers(self) -> tuple[str, ...]:
        """Every uncertain number's path, in file order (a spread's members in theirs)."""
        return tuple(p for e in self.entries for p in e.members)

    @property
    def red_lines(self) -> tuple[str, ...]:
        """The paths of the red lines that may not hold."""
        return tuple(e.path for e in self.entries if e.kind == "holds")

    @property
    def paths(self) -> tuple[str, ...]:
        """Every path a scenario gives a value to: the numbers, then the red lines."""
        return (*self.numbers, *self.red_lines)


# ----------------------------------------------------------------------------- paths


def number_paths(instance: Instance) -> dict[str, Decimal | None]:
    """Every number of ``instance`` a path can name, with its value in the file (None for a
    ``no_deal`` left out: the party's utility of the status quo)."""
    out: dict[str, Decimal | None] = {}
    for name, party in instance.parties.items():
        out[f"parties.{name}.no_deal"] = party.no_deal
    for name, interest in instance.interests.items():
        for issue in interest.scores:
            out[f"interests.{name}.weights.{issue}"] = interest.weights[issue]
        for issue, table in interest.scores.items():
            if table == LINEAR:
                continue
            for value in instance.issues[issue].values:
                out[f"interests.{name}.scores.{issue}.{value}"] = interest.score(issue, value)
        for k, term in enumerate(interest.terms):
            if isinstance(term.value, Decimal):
                out[f"interests.{name}.terms.{k}.value"] = term.value
    for name, attribute in instance.attributes.items():
        for issue, table in attribute.tables.items():
            if table == LINEAR:
                continue
            for value in instance.issues[issue].values:
                out[f"attributes.{name}.{issue}.{value}"] = attribute.of(issue, value)
    for name, quantity in instance.quantities.items():
        # A quantity that is a plain number is a named constant: the way a rule's or red
        # line's threshold becomes uncertain (decision 74).
        constant = plain_number(quantity.expr.text)
        if constant is not None:
            out[f"quantities.{name}"] = constant
    return out


def plain_number(text: str) -> Decimal | None:
    """``text`` as a number when it is nothing else (``3``, ``-2.5``), else None."""
    try:
        value = Decimal(text.strip())
    except ArithmeticError:
        return None
    return value if value.is_finite() else None


def red_line_paths(instance: Instance) -> list[str]:
    """``red_lines.<party>.<index>`` for every red line."""
    return [
        f"red_lines.{p}.{k}" for p, lines in instance.red_lines.items() for k in range(len(lines))
    ]


def group_members(path: str, numbers: Iterable[str]) -> list[str]:
    """The number paths under the group ``path`` (``interests.us.weights``), in order."""
    prefix = path + "."
    return [p for p in numbers if p.startswith(prefix)]


def nearest_path(path: str, instance: Instance, *, groups: bool = False) -> str | None:
    """'did you mean ...?' for the valid path closest to ``path``."""
    numbers = list(number_paths(instance))
    candidates = numbers + red_line_paths(instance)
    if groups:
        candidates += sorted({p.rsplit(".", k)[0] for p in numbers for k in (1, 2)})
    # Compare with the paths that share the most leading segments: difflib on thousands of
    # long paths is slow, and a typo is usually in one segment.
    parts = path.split(".")
    for depth in range(len(parts) - 1, -1, -1):
        prefix = ".".join(parts[:depth])
        near = [c for c in candidates if c.startswith(prefix)] if depth else candidates
        if near:
            return did_you_mean(path, near[:2000])
    return None


# ----------------------------------------------------------------------------- checking

Add = Callable[..., None]
"""``add(path, message, hint=None, *, key=False)``: records a problem at a document path."""


def check_section(docs: Mapping[str, Any], instance: Instance, add: Add) -> Uncertainty:
    """Check the ``uncertainty`` documents against ``instance``; problems go to ``add``."""
    numbers = number_paths(instance)
    red_lines = set(red_line_paths(instance))
    owner: dict[str, str] = {}
    entries = []
    for path, doc in docs.items():
        at = ("uncertainty", path)
        given = [k for k in KINDS if getattr(doc, k) is not None]
        if len(given) != 1:
            got = ", ".join(given) if given else "none"
            add(at, f"'{path}': give exactly one of {', '.join(KINDS)} (got {got})", key=True)
            continue
        kind: Kind = given[0]
        if path in red_lines:
            members: list[str] = []
            if kind != "holds":
                add(
                    (*at, kind),
                    f"'{path}' is a red line: give 'holds' (its probability), not {kind!r}",
                    key=True,
                )
                continue
        elif path in numbers:
            members = [path]
            if kind == "holds":
                add((*at, kind), f"'holds' is for red lines; '{path}' is a number", key=True)
                continue
        else:
            members = group_members(path, numbers)
            if not members:
                add(at, f"unknown path '{path}': it names no number, group of numbers or red line",
                    nearest_path(path, instance, groups=True), key=True)  # fmt: skip
                continue
            if kind != "spread":
                add((*at, kind), f"'{path}' is a group of {len(members)} numbers: only 'spread' "
                    "applies to a group (or name one number)", key=True)  # fmt: skip
                continue
        clash = next((m for m in members if m in owner), None)
        if clash is not None:
            add(at, f"'{clash}' is already uncertain through '{owner[clash]}'", key=True)
            continue
        entry = _entry(path, kind, doc, members, numbers, at, add)
        if entry is not None:
            for m in members:
                owner[m] = path
            entries.append(entry)
    return Uncertainty(tuple(entries))


def _entry(
    path: str,
    kind: Kind,
    doc: Any,
    members: list[str],
    numbers: Mapping[str, Decimal | None],
    at: tuple,
    add: Add,
) -> Uncertain | None:
    base = tuple(numbers[m] for m in members)
    where = (*at, kind)
    written: list[Decimal] = []
    out: dict[str, Any] = {}
    if kind in ("uniform", "triangular"):
        xs = [Decimal(x) for x in getattr(doc, kind)]
        n = 2 if kind == "uniform" else 3
        shape = "[lo, hi]" if n == 2 else "[lo, mode, hi]"
        if len(xs) != n:
            add(where, f"{kind} takes {shape}, got {len(xs)} numbers")
            return None
        if not xs[0] < xs[-1] or not all(a <= b for a, b in pairwise(xs)):
            add(
                where, f"{kind} {shape} needs lo < hi" + (" and lo <= mode <= hi" if n == 3 else "")
            )
            return None
        out["numbers"], written = tuple(xs), xs
    elif kind == "normal":
        d = doc.normal
        lo = None if d.min is None else Decimal(d.min)
        hi = None if d.max is None else Decimal(d.max)
        if Decimal(d.sd) <= 0:
            add((*where, "sd"), f"normal: sd must be positive, got {d.sd}")
            return None
        if lo is not None and hi is not None and not lo < hi:
            add(where, "normal: min must be below max")
            return None
        out["numbers"] = (Decimal(d.mean), Decimal(d.sd))
        out["bounds"] = (lo, hi)
        written = [x for x in (Decimal(d.mean), Decimal(d.sd), lo, hi) if x is not None]
    elif kind == "discrete":
        d = doc.discrete
        values, ps = [Decimal(v) for v in d.values], [Decimal(p) for p in d.p]
        if len(values) != len(ps):
            add(where, f"discrete: {len(values)} values but {len(ps)} probabilities in 'p'")
            return None
        if any(p < 0 for p in ps) or sum(ps) != 1:
            add(
                (*where, "p"),
                f"discrete: probabilities must be >= 0 and sum to exactly 1, got {sum(ps)}",
            )
            return None
        out["values"], out["probabilities"] = tuple(values), tuple(ps)
        written = values
    elif kind == "spread":
        s = Decimal(doc.spread)
        if not 0 <= s < 1:
            add(where, f"spread must be at least 0 and below 1 (a share of each number), got {s}")
            return None
        missing = [m for m, b in zip(members, base, strict=True) if b is None]
        if missing:
            add(where, f"spread needs the number written in the file; '{missing[0]}' is not "
                "(give an absolute distribution such as uniform)")  # fmt: skip
            return None
        out["numbers"] = (s,)
        out["normalise"] = doc.normalise == "sum"
        if out["normalise"] and sum(b for b in base if b is not None) == 0:
            add((*at, "normalise"), "normalise: the group's numbers sum to 0 in the file")
            return None
        written = [b for b in base if b is not None]
    else:  # holds
        p = Decimal(doc.holds)
        if not 0 <= p <= 1:
            add(where, f"holds is a probability between 0 and 1, got {p}")
            return None
        out["numbers"] = (p,)
    if doc.normalise is not None and kind != "spread":
        add((*at, "normalise"), "'normalise' goes with 'spread' only", key=True)
        return None
    decimals = max((_places(x) for x in written), default=0)
    if kind != "discrete":
        decimals += EXTRA_DECIMALS
    if doc.decimals is not None:
        if not 0 <= doc.decimals <= MAX_DECIMALS:
            add((*at, "decimals"), f"decimals must be 0 to {MAX_DECIMALS}, got {doc.decimals}")
            return None
        decimals = (
            max(doc.decimals, max((_places(x) for x in written), default=0))
            if kind == "discrete"
            else doc.decimals
        )
    return Uncertain(path=path, kind=kind, members=tuple(members), base=base,
                     decimals=min(decimals, MAX_DECIMALS), label=doc.label, **out)  # fmt: skip


def _places(x: Decimal) -> int:
    """Decimal places written (``0.20`` has 2, ``45`` and ``1e3`` none)."""
    exponent = x.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


# ----------------------------------------------------------------------------- applying


def apply(
    instance: Instance,
    values: Mapping[str, Decimal],
    dropped: Iterable[str] = (),
    *,
    known: Container[str] | None = None,
) -> Instance:
    """``instance`` with the numbers at ``values``' paths replaced and the red lines at the
    ``dropped`` paths removed: an ordinary instance (no ``uncertainty``) that any command reads.

    Raises :class:`UsageError` on a path that names no number (or red line) of the instance.
    ``known`` may pass :func:`number_paths` of ``instance`` when applying many scenarios.
    """
    if known is None:
        known = number_paths(instance)
    parties = dict(instance.parties)
    quantities = dict(instance.quantities)
    interests = {p: _InterestEdit(i) for p, i in instance.interests.items()}
    attributes = {a: {i: dict(t) if t != LINEAR else t for i, t in x.tables.items()}
                  for a, x in instance.attributes.items()}  # fmt: skip
    touched_attributes: set[str] = set()
    for path, value in values.items():
        if path not in known:
            hint = nearest_path(path, instance)
            raise UsageError(
                f"'{path}' names no number of the instance" + (f" ({hint})" if hint else "")
            )
        value = Decimal(value)
        parts = path.split(".")
        if parts[0] == "parties":
            parties[parts[1]] = replace(parties[parts[1]], no_deal=value)
        elif parts[0] == "quantities":
            q = quantities[parts[1]]
            # Fixed-point text: the rule language has no exponent.
            quantities[parts[1]] = replace(q, expr=replace(q.expr, text=format(value, "f")))
        elif parts[0] == "interests":
            edit = interests[parts[1]]
            if parts[2] == "weights":
                edit.weights[parts[3]] = value
            elif parts[2] == "scores":
                edit.set_score(parts[3], _value(instance, parts[3], parts[4]), value)
            else:
                edit.terms[int(parts[3])] = value
        else:
            attributes[parts[1]][parts[2]][_value(instance, parts[2], parts[3])] = value  # type: ignore[index]
            touched_attributes.add(parts[1])
    red_lines = {p: list(lines) for p, lines in instance.red_lines.items()}
    gone: dict[str, set[int]] = {}
    valid_red_lines = set(red_line_paths(instance))
    for path in dropped:
        if path not in valid_red_lines:
            raise UsageError(f"'{path}' names no red line of the instance")
        _, party, k = path.split(".")
        gone.setdefault(party, set()).add(int(k))
    for party, ks in gone.items():
        red_lines[party] = [r for k, r in enumerate(red_lines[party]) if k not in ks]
    new_attributes = {
        a: _attribute(x, attributes[a]) if a in touched_attributes else x
        for a, x in instance.attributes.items()
    }
    return replace(
        instance,
        parties=frozen_map(parties),
        quantities=frozen_map(quantities),
        interests=frozen_map({p: e.build() for p, e in interests.items()}),
        attributes=frozen_map(new_attributes),
        red_lines=frozen_map({p: tuple(v) for p, v in red_lines.items()}),
        uncertainty=None,
    )


def _attribute(old: Attribute, tables: Mapping) -> Attribute:
    frozen = {i: t if t == LINEAR else frozen_map(t) for i, t in tables.items()}
    return Attribute(old.name, frozen_map(frozen), old.source)


def _value(instance: Instance, issue: str, text: str) -> str | int:
    """A path segment as a value of ``issue`` (range issues: the integer)."""
    return int(text) if instance.issues[issue].is_range else text


class _InterestEdit:
    """A party's interest with some numbers replaced; unchanged interests are kept as they are."""

    def __init__(self, interest: Interest):
        self.interest = interest
        self.weights: dict[str, Decimal] = {}
        self.scores: dict[str, dict] = {}
        self.terms: dict[int, Decimal] = {}

    def set_score(self, issue: str, value: str | int, number: Decimal) -> None:
        if issue not in self.scores:
            self.scores[issue] = dict(self.interest.scores[issue])  # type: ignore[arg-type]
        self.scores[issue][value] = number

    def build(self) -> Interest:
        i = self.interest
        if not (self.weights or self.scores or self.terms):
            return i
        weights = {**i.weights, **self.weights}
        scores = {
            k: frozen_map(self.scores[k]) if k in self.scores else t for k, t in i.scores.items()
        }
        terms = tuple(
            replace(t, value=self.terms[k]) if k in self.terms else t for k, t in enumerate(i.terms)
        )
        # replace, not a new Interest: the scale and the tables over two issues stay
        return replace(i, weights=frozen_map(weights), scores=frozen_map(scores), terms=terms)


__all__ = [
    "KINDS",
    "Uncertain",
    "Uncertainty",
    "apply",
    "group_members",
    "nearest_path",
    "number_paths",
    "plain_number",
    "red_line_paths",
]
