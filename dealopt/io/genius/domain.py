"""GENIUS domains and profiles as read from their files, and their evaluations."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from dealopt.io.genius.xml import (
    GENIUS_EVAL_FLOOR,
    MAX_NAME,
    _decimal,
    _exact,
    _integer,
    _Node,
    _read_xml,
    _text,
    _Xml,
)
from dealopt.spec.loader import MAX_RANGE_VALUES

# ============================================================================ names


_NON_NAME = re.compile(r"[^a-z0-9]+")


class _Namer:
    """Deterministic identifiers: sanitised, unique in file order (later ones get _2, _3...)."""

    def __init__(self, reserved: frozenset[str]):
        self.reserved = reserved
        self.taken: set[str] = set()

    def __call__(self, text: str, prefix: str) -> str:
        ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        base = _NON_NAME.sub("_", ascii_text.lower()).strip("_")
        if not base:
            base = prefix
        elif base[0].isdigit():
            base = prefix + base
        base = base[:MAX_NAME].rstrip("_") or prefix
        if base in self.reserved:
            base += "_"
        name, k = base, 2
        while name in self.taken:
            name, k = f"{base}_{k}", k + 1
        self.taken.add(name)
        return name


def _stem(path: Path) -> str:
    return path.name[: -len(path.suffix)] if path.suffix else path.name


def _scenario_name(domain: Path) -> str:
    stem = _stem(domain)
    return re.sub(r"[-_ .]*domain$", "", stem, flags=re.IGNORECASE) or stem


def _party_label(profile: Path, scenario: str) -> str:
    stem = _stem(profile)
    if scenario and stem.lower().startswith(scenario.lower()):
        rest = stem[len(scenario) :].strip("-_ .")
        if rest:
            stem = rest
    return re.sub(r"^profile[-_ .]+(?=.)", "", stem, flags=re.IGNORECASE)


# ============================================================================ the GENIUS model


@dataclass
class _GIssue:
    """An issue of the domain, in GENIUS terms."""

    index: int
    name: str
    kind: str  # "discrete" | "integer" | "real"
    node: _Node
    values: tuple[str, ...] = ()  # discrete
    lo: Decimal = Decimal(0)  # integer / real bounds
    hi: Decimal = Decimal(0)


@dataclass
class _GDomain:
    xml: _Xml
    issues: list[_GIssue]
    objectives: set[int]


@dataclass
class _GProfile:
    xml: _Xml
    weights: dict[int, tuple[Decimal, _Node]]
    issues: dict[int, _Node]
    reservation: Decimal | None
    discount: Decimal | None


_TYPES = ("discrete", "integer", "real")


def _issue_kind(xml: _Xml, node: _Node) -> str:
    """GENIUS's reading: ``type`` wins; no ``type`` means discrete."""
    kind = (node.attrs.get("type") or "discrete").strip().lower()
    if kind not in _TYPES:
        raise xml.error(
            node, f"unknown issue type {kind!r}; GENIUS issues are discrete, integer or real"
        )
    return kind


def _read_domain(path: Path) -> _GDomain:
    xml = _read_xml(path)
    root = xml.root
    top = next(iter([root] if root.tag == "objective" else root.descendants("objective")), None)
    if top is None:
        raise xml.error(root, f"no <objective> element: {xml.path} is not a GENIUS domain")
    issues: list[_GIssue] = []
    seen: dict[int, _GIssue] = {}
    objectives = {_integer(xml, top, "index")} if "index" in top.attrs else set()
    for obj in top.descendants("objective"):
        objectives.add(_integer(xml, obj, "index"))
    for node in top.descendants("issue"):
        index = _integer(xml, node, "index", "issue")
        name = node.attrs.get("name")
        if name is None:
            raise xml.error(node, "<issue> has no 'name' attribute")
        if index in seen:
            raise xml.error(
                node, f"issue index {index} is used twice (also by '{seen[index].name}')"
            )
        kind = _issue_kind(xml, node)
        issue = _GIssue(index, name, kind, node)
        if kind == "discrete":
            values: list[str] = []
            for item in node.kids("item"):
                value = item.attrs.get("value")
                if value is None:
                    raise xml.error(item, f"<item> of issue '{name}' has no 'value' attribute")
                if value in values:
                    raise xml.error(item, f"value {value!r} is listed twice in issue '{name}'")
                values.append(value)
            if not values:
                raise xml.error(node, f"discrete issue '{name}' has no <item> values")
            issue.values = tuple(values)
        else:
            bounds = node if "lowerbound" in node.attrs else next(iter(node.kids("range")), node)
            what = f"issue '{name}'"
            if kind == "integer":
                issue.lo = Decimal(_integer(xml, bounds, "lowerbound", what))
                issue.hi = Decimal(_integer(xml, bounds, "upperbound", what))
            else:
                issue.lo = _decimal(xml, bounds, "lowerbound", what)
                issue.hi = _decimal(xml, bounds, "upperbound", what)
            if issue.lo > issue.hi:
                raise xml.error(
                    bounds, f"issue '{name}' has lowerbound {issue.lo} > upperbound {issue.hi}"
                )
            if kind == "integer" and issue.hi - issue.lo + 1 > MAX_RANGE_VALUES:
                raise xml.error(bounds, f"issue '{name}' has more than {MAX_RANGE_VALUES} values")
        seen[index] = issue
        issues.append(issue)
    if not issues:
        raise xml.error(top, f"the domain in {xml.path} has no <issue>")
    objectives -= set(seen)
    return _GDomain(xml, issues, objectives)


def _read_profile(path: Path, domain: _GDomain) -> _GProfile:
    xml = _read_xml(path)
    root = xml.root
    by_index = {i.index: i for i in domain.issues}
    if root.tag != "utility_space":
        raise xml.error(
            root, f"root element is <{root.tag}>, not <utility_space>: not a GENIUS profile"
        )

    def single(tag: str) -> Decimal | None:
        nodes = ([root] if root.tag == tag else []) + list(root.descendants(tag))
        if len(nodes) > 1:
            raise xml.error(nodes[1], f"more than one <{tag}> element")
        return _decimal(xml, nodes[0], "value") if nodes else None

    reservation, discount = single("reservation"), single("discount_factor")
    weights: dict[int, tuple[Decimal, _Node]] = {}
    for node in root.descendants("weight"):
        index = _integer(xml, node, "index", "weight")
        if index in weights:
            raise xml.error(node, f"two weights for index {index}")
        if index not in by_index and index not in domain.objectives:
            raise xml.error(
                node,
                f"weight for index {index}, which is no issue of the domain {domain.xml.path}",
            )
        weights[index] = (_decimal(xml, node, "value", f"weight of index {index}"), node)
    issues: dict[int, _Node] = {}
    for node in root.descendants("issue"):
        index = _integer(xml, node, "index", "issue")
        name = node.attrs.get("name")
        issue = by_index.get(index)
        if issue is None:
            raise xml.error(
                node,
                f"issue {name!r} (index {index}) is not in the domain {domain.xml.path}",
                _domain_issues(domain),
            )
        if name is not None and name != issue.name:
            raise xml.error(
                node,
                f"issue index {index} is named {name!r} here but {issue.name!r} in the "
                f"domain {domain.xml.path}",
            )
        if index in issues:
            raise xml.error(node, f"issue '{issue.name}' (index {index}) appears twice")
        kind = _issue_kind(xml, node) if "type" in node.attrs else issue.kind
        if kind != issue.kind:
            raise xml.error(
                node, f"issue '{issue.name}' is {kind} here but {issue.kind} in the domain"
            )
        issues[index] = node
    for issue in domain.issues:
        if issue.index not in issues:
            raise xml.error(
                root,
                f"the profile has no evaluation of issue '{issue.name}' (index {issue.index}); "
                "GENIUS needs one for every issue of the domain",
            )
        if issue.index not in weights:
            raise xml.error(
                issues[issue.index],
                f"the profile has no weight for issue '{issue.name}' (index {issue.index})",
            )
    return _GProfile(xml, weights, issues, reservation, discount)


def _domain_issues(domain: _GDomain) -> str:
    return "the domain's issues: " + ", ".join(f"{i.index} {i.name!r}" for i in domain.issues)


# ---------------------------------------------------------------------------- evaluations


@dataclass
class _Evaluated:
    """One party's view of one issue: weight, GENIUS value -> normalised evaluation."""

    weight: Decimal
    normalised: dict[Any, Fraction]
    note: str = ""


def _grid(issue: _GIssue, real_step: Decimal | None, xml: _Xml) -> tuple[Any, ...]:
    """The values of a GENIUS issue as dealopt will list them."""
    if issue.kind == "discrete":
        return issue.values
    if issue.kind == "integer":
        return tuple(range(int(issue.lo), int(issue.hi) + 1))
    if real_step is None:
        raise xml.error(
            issue.node,
            f"issue '{issue.name}' is real-valued ({issue.lo} to {issue.hi}); dealopt needs "
            "discrete options: pass --real-step STEP (real_step=...) to discretise it at "
            "lowerbound, lowerbound + STEP, ..., upperbound",
        )
    # In fractions: Decimal arithmetic rounds to 28 significant digits, which could drop or
    # shift a grid value of long decimals.
    lo, step = Fraction(issue.lo), Fraction(real_step)
    count = math.floor((Fraction(issue.hi) - lo) / step) + 1
    if count > MAX_RANGE_VALUES:
        raise xml.error(
            issue.node,
            f"issue '{issue.name}' would have {count} values at step {real_step} "
            f"(more than {MAX_RANGE_VALUES})",
        )
    values = [_exact(lo + k * step) for k in range(count)]
    if values[-1] != issue.hi:
        values.append(issue.hi)
    return tuple(values)


def _evaluate(issue: _GIssue, profile: _GProfile, values: Sequence[Any], xml: _Xml) -> _Evaluated:
    node = profile.issues[issue.index]
    weight = profile.weights[issue.index][0]
    if issue.kind == "discrete":
        raw: dict[Any, Decimal] = {}
        for item in node.kids("item"):
            value = item.attrs.get("value")
            if value is None:
                raise xml.error(item, f"<item> of issue '{issue.name}' has no 'value' attribute")
            if value not in issue.values:
                raise xml.error(
                    item,
                    f"evaluation for unknown value {value!r} of issue '{issue.name}'",
                    "the domain's values: " + ", ".join(repr(v) for v in issue.values),
                )
            if value in raw:
                raise xml.error(item, f"two evaluations for value {value!r} of '{issue.name}'")
            if "evaluation" not in item.attrs or item.attrs["evaluation"] == "null":
                raise xml.error(
                    item, f"value {value!r} of issue '{issue.name}' has no 'evaluation'"
                )
            raw[value] = _decimal(xml, item, "evaluation", f"value {value!r}")
        missing = [v for v in issue.values if v not in raw]
        if missing:
            raise xml.error(
                node,
                f"issue '{issue.name}' has no evaluation for value {missing[0]!r}"
                + (f" (nor {len(missing) - 1} more)" if len(missing) > 1 else ""),
            )
        top = max(raw.values())
        if top < GENIUS_EVAL_FLOOR:
            return _Evaluated(
                weight,
                {v: Fraction(0) for v in values},
                f"its largest evaluation ({top}) is below 0.00001, so GENIUS counts it as 0",
            )
        return _Evaluated(weight, {v: Fraction(raw[v]) / Fraction(top) for v in values})
    evaluators = node.kids("evaluator")
    if issue.kind == "integer":
        slope = offset = Decimal(0)
        if evaluators:
            slope = _decimal(xml, evaluators[0], "slope", f"issue '{issue.name}'")
            offset = _decimal(xml, evaluators[0], "offset", f"issue '{issue.name}'")
        lower = (
            Decimal(_integer(xml, node, "lowerbound", f"issue '{issue.name}'"))
            if "lowerbound" in node.attrs
            else issue.lo
        )
        normalised = {
            v: _clip(Fraction(offset) + Fraction(slope) * (v - Fraction(lower))) for v in values
        }
        return _Evaluated(
            weight, normalised, f"offset {offset} + slope {slope} × (value − {lower})"
        )
    if not evaluators:
        raise xml.error(node, f"real issue '{issue.name}' has no <evaluator>")
    ev = evaluators[0]
    ftype = (ev.attrs.get("ftype") or "").lower()
    what = f"issue '{issue.name}'"
    params = {
        k: Fraction(_decimal(xml, ev, f"parameter{k}", what))
        for k in range(4)
        if f"parameter{k}" in ev.attrs
    }
    if ftype == "linear":
        p0 = Fraction(_decimal(xml, ev, "parameter0", what))
        p1 = Fraction(_decimal(xml, ev, "parameter1", what))
        normalised = {v: _clip(p0 + p1 * Fraction(v)) for v in values}
        note = f"linear {_text(p1)} × value + {_text(p0)}, clipped to 0..1"
    elif ftype == "constant":
        p0 = Fraction(_decimal(xml, ev, "parameter0", what))
        normalised = {v: p0 for v in values}
        note = f"constant {_text(p0)}"
    elif ftype == "triangular" and {0, 1, 2} <= set(params):
        lower, upper, peak = params[0], params[1], params[2]
        normalised = {v: _triangular(Fraction(v), lower, upper, peak) for v in values}
        note = f"triangular from {_text(lower)} to {_text(upper)}, top at {_text(peak)}"
    else:
        raise xml.error(
            ev,
            f"evaluator type {ftype or None!r} of real issue '{issue.name}' is not supported "
            "(linear, constant and triangular are)",
        )
    return _Evaluated(weight, normalised, note)


def _clip(q: Fraction) -> Fraction:
    return min(max(q, Fraction(0)), Fraction(1))


def _triangular(x: Fraction, lower: Fraction, upper: Fraction, peak: Fraction) -> Fraction:
    if x < lower:
        return Fraction(0)
    if x < peak:
        return (x - lower) / (peak - lower)
    if x < upper:
        return 1 - (x - peak) / (upper - peak)
    return Fraction(0)
