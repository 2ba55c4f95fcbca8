"""GENIUS scenarios (a domain XML file and one profile XML file per party) to and from instances.

Import (:func:`load`, :func:`to_data`) follows GENIUS's own semantics, not a reinterpretation:

- GENIUS's utility of a deal is ``min(1, Σ_issue weight × evaluation)``, where a discrete
  issue's evaluation is its value's ``evaluation`` divided by the largest evaluation of that
  issue (0 for every value when that largest evaluation is below 0.00001), an integer issue's is
  ``offset + slope × (value − lowerbound)`` clipped to 0..1, and a real issue's comes from its
  linear (clipped), constant or triangular evaluator. Weights are used as written (GENIUS does
  not rescale them when it reads a profile); the reservation value is on that same 0..1 scale.
- The instance states that utility exactly, times one whole number ``K`` shared by all parties:
  weights are GENIUS's weights as written, each score is ``K × evaluation / largest evaluation``
  and each ``no_deal`` is ``K × reservation value``. ``K`` is the smallest whole number that makes
  every score a terminating decimal (1 when they all terminate already), so nothing is rounded.
- Where a party's weights let a deal go above 1, GENIUS caps it at 1; the instance then carries
  one term per such deal that brings it back to exactly ``K``.
- Discrete values become options (names made into identifiers; the original names are kept in
  the issue's label and description), integer issues become range issues, real issues are
  refused unless a discretisation step is given. The discount factor is recorded in the
  descriptions and otherwise ignored: it discounts over negotiation time, and a one-shot deal
  has none.

Export (:func:`to_xml`, :func:`export`) writes a domain and one profile per party for instances
whose utilities are additive (weights and scores, plus at most a GENIUS-style cap at the top), and
refuses, naming them, red lines, rules and other terms. Each profile also carries ``dealopt_*``
attributes (ignored by GENIUS and negmas) from which :func:`load` restores the instance exactly;
a file whose GENIUS numbers no longer match them (edited after export) is read as plain GENIUS.

XML is parsed with :mod:`defusedxml`: no entity is ever expanded and no external reference is
followed; every problem is a :class:`~dealopt.errors.SpecError` naming the file and line.
"""

from __future__ import annotations

import math
import re
import unicodedata
import xml.etree.ElementTree as ET  # writing only; reading goes through defusedxml
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any
from xml.parsers.expat import ExpatError

from defusedxml import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser
from defusedxml.ElementTree import ParseError as DefusedParseError

from dealopt.errors import Problem, Source, SpecError
from dealopt.spec.loader import KEYWORDS, MAX_RANGE_VALUES, RESERVED
from dealopt.spec.model import LINEAR, Instance, Value

__all__ = [
    "GeniusFiles",
    "export",
    "load",
    "to_data",
    "to_xml",
    "to_yaml_text",
]

MAX_FILE_BYTES = 64 * 2**20
#: At most this many deals may sit above GENIUS's cap of 1 (one term each); more is refused.
MAX_CAP_DEALS = 1000
#: Decimal places of an exported weight or reservation value that is not a terminating decimal
#: (GENIUS reads them as doubles, which hold about 17 significant digits).
EXPORT_PLACES = 18
#: An exact exported number may have at most this many decimal places.
MAX_EXACT_PLACES = 50
#: GENIUS treats an issue whose largest evaluation is below this as all zero.
GENIUS_EVAL_FLOOR = Decimal("0.00001")
MAX_NAME = 64
META = "dealopt_"

# ============================================================================ XML reading


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    line: int
    col: int
    children: list[_Node] = field(default_factory=list)

    def kids(self, tag: str) -> list[_Node]:
        return [c for c in self.children if c.tag == tag]

    def descendants(self, tag: str) -> Iterator[_Node]:
        """Every element below this one named ``tag``, in document order."""
        for c in self.children:
            if c.tag == tag:
                yield c
            yield from c.descendants(tag)


class _Builder:
    """An ElementTree parser target that keeps each element's line and column."""

    def __init__(self) -> None:
        self.parser: Any = None
        self.stack: list[_Node] = []
        self.root: _Node | None = None

    def start(self, tag: str, attrs: Mapping[str, str]) -> None:
        expat = self.parser.parser
        node = _Node(tag, dict(attrs), expat.CurrentLineNumber, expat.CurrentColumnNumber + 1)
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def end(self, tag: str) -> None:
        self.stack.pop()

    def close(self) -> _Node | None:
        return self.root


@dataclass
class _Xml:
    """One parsed file: its root element and its lines (for error messages)."""

    path: str
    root: _Node
    lines: list[str]

    def problem(self, node: _Node | None, message: str, hint: str | None = None) -> Problem:
        if node is None:
            return Problem(Source(self.path, 1, 1), message, hint)
        source = Source(self.path, node.line, node.col)
        text = self.lines[node.line - 1] if 0 < node.line <= len(self.lines) else None
        return Problem(source, message, hint, text)

    def error(self, node: _Node | None, message: str, hint: str | None = None) -> SpecError:
        return SpecError([self.problem(node, message, hint)])


def _read_xml(path: Path) -> _Xml:
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SpecError([Problem(None, f"cannot read {name}: {exc.strerror or exc}")]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise SpecError([Problem(None, f"{name} is larger than {MAX_FILE_BYTES} bytes")])
    lines = raw.decode("utf-8", errors="replace").splitlines()
    builder = _Builder()
    parser = DefusedXMLParser(
        target=builder, forbid_dtd=False, forbid_entities=True, forbid_external=True
    )
    builder.parser = parser

    def fail(line: int, col: int, message: str) -> SpecError:
        text = lines[line - 1] if 0 < line <= len(lines) else None
        return SpecError([Problem(Source(name, line, max(col, 1)), message, None, text)])

    try:
        parser.feed(raw)
        root = parser.close()
    except EntitiesForbidden as exc:
        expat = parser.parser
        raise fail(
            expat.CurrentLineNumber,
            expat.CurrentColumnNumber + 1,
            f"XML entity declarations are not allowed (entity {exc.name!r}): dealopt never "
            "expands entities, which would let a file like 'billion laughs' exhaust memory; "
            "GENIUS files need none",
        ) from None
    except ExternalReferenceForbidden as exc:
        expat = parser.parser
        raise fail(
            expat.CurrentLineNumber,
            expat.CurrentColumnNumber + 1,
            f"external XML references are not allowed ({exc.system_id!r}): dealopt reads "
            "nothing but the file it is given",
        ) from None
    except DefusedXmlException as exc:  # pragma: no cover - DTDs are allowed, others above
        expat = parser.parser
        raise fail(expat.CurrentLineNumber, 1, f"unsafe XML refused: {exc}") from None
    except (DefusedParseError, ET.ParseError, ExpatError) as exc:
        line, col = getattr(exc, "position", (1, 0))
        message = re.sub(r": line \d+, column \d+$", "", str(exc))
        raise fail(line, col + 1, f"malformed XML: {message}") from None
    if root is None:  # pragma: no cover - expat reports an empty document itself
        raise fail(1, 1, "malformed XML: no element found")
    return _Xml(name, root, lines)


# ============================================================================ numbers


def _decimal(xml: _Xml, node: _Node, attr: str, what: str | None = None) -> Decimal:
    """A required numeric attribute, exactly as written."""
    text = node.attrs.get(attr)
    if text is None:
        raise xml.error(node, f"<{node.tag}> has no '{attr}' attribute{_for(what)}")
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise xml.error(
            node, f"'{attr}' of <{node.tag}>{_for(what)} must be a number, got {text!r}"
        )
    return value


def _integer(xml: _Xml, node: _Node, attr: str, what: str | None = None) -> int:
    value = _decimal(xml, node, attr, what)
    if value != value.to_integral_value():
        raise xml.error(
            node, f"'{attr}' of <{node.tag}>{_for(what)} must be a whole number, got {value}"
        )
    return int(value)


def _for(what: str | None) -> str:
    return f" ({what})" if what else ""


def _terminates(q: Fraction) -> bool:
    return _odd_part(q.denominator) == 1


def _odd_part(d: int) -> int:
    """``d`` without its factors 2 and 5."""
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d


def _exact(q: Fraction) -> Decimal:
    """The terminating decimal equal to ``q`` (which must terminate)."""
    d, places = q.denominator, 0
    while (10**places) % d:
        places += 1
    digits = q.numerator * (10**places // d)
    return Decimal(f"{digits}E-{places}") if places else Decimal(digits)


def _rounded(q: Fraction, places: int = EXPORT_PLACES) -> Decimal:
    scaled = q * 10**places
    n = round(scaled)  # half to even
    return Decimal(f"{n}E-{places}")


def _places(q: Fraction) -> int:
    d, places = q.denominator, 0
    while (10**places) % d:
        places += 1
    return places


def _text(value: Decimal | Fraction | int) -> str:
    """A number as plain decimal text: no exponent, no trailing zeros."""
    if isinstance(value, Fraction):
        value = _exact(value)
    if isinstance(value, int):
        return str(value)
    s = format(value, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _number(value: Decimal | Fraction | int) -> Decimal | int:
    """A number for the instance document: an int when whole, else an exact Decimal."""
    text = _text(value)
    return int(text) if "." not in text else Decimal(text)


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
    count = int((issue.hi - issue.lo) / real_step) + 1
    if count > MAX_RANGE_VALUES:
        raise xml.error(
            issue.node,
            f"issue '{issue.name}' would have {count} values at step {real_step} "
            f"(more than {MAX_RANGE_VALUES})",
        )
    values = [issue.lo + k * real_step for k in range(count)]
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


# ============================================================================ import


def load(
    domain: str | Path,
    profiles: Sequence[str | Path],
    *,
    real_step: str | Decimal | None = None,
    genius_scale: bool = False,
) -> Instance:
    """Read a GENIUS scenario (domain file and one profile file per party), return the checked
    instance. See the module docstring for the mapping; ``real_step`` discretises real issues;
    ``genius_scale`` ignores the ``dealopt_*`` attributes of files written by :func:`export`.
    """
    from dealopt.api import instance

    data = to_data(domain, profiles, real_step=real_step, genius_scale=genius_scale)
    return instance(data, str(domain))


def to_data(
    domain: str | Path,
    profiles: Sequence[str | Path],
    *,
    real_step: str | Decimal | None = None,
    genius_scale: bool = False,
) -> dict[str, Any]:
    """The instance document (plain data, as an instance file holds it) of a GENIUS scenario."""
    if not profiles:
        raise SpecError([Problem(None, "a GENIUS scenario needs at least one profile file")])
    step = _step(real_step)
    gdomain = _read_domain(Path(domain))
    gprofiles = [(Path(p), _read_profile(Path(p), gdomain)) for p in profiles]
    note = ""
    if not genius_scale and _has_metadata(gdomain, [g for _, g in gprofiles]):
        restored = _restore(gdomain, [g for _, g in gprofiles])
        if restored is not None:
            return restored
        note = (
            "The files carry dealopt_* attributes from `dealopt export genius`, but their "
            "GENIUS numbers no longer match them (edited after export?), so they were read as "
            "a plain GENIUS scenario.\n"
        )
    return _plain(Path(domain), gdomain, gprofiles, step, note)


def _step(real_step: str | Decimal | None) -> Decimal | None:
    if real_step is None:
        return None
    try:
        step = Decimal(str(real_step).strip())
    except InvalidOperation:
        step = Decimal("NaN")
    if not step.is_finite() or step <= 0:
        raise SpecError([Problem(None, f"--real-step must be a positive number, got {real_step}")])
    return step


def _plain(
    domain_path: Path,
    gdomain: _GDomain,
    gprofiles: list[tuple[Path, _GProfile]],
    step: Decimal | None,
    note: str,
) -> dict[str, Any]:
    scenario = _scenario_name(domain_path)
    names = _Namer(RESERVED)
    # Issues: values as GENIUS sees them, and dealopt's values for them.
    grids: list[tuple[Any, ...]] = []
    issue_names: list[str] = []
    value_names: list[dict[Any, Value]] = []
    issues_doc: dict[str, Any] = {}
    for issue in gdomain.issues:
        grid = _grid(issue, step, gdomain.xml)
        name = names(issue.name, "issue_")
        options = _Namer(KEYWORDS)
        if issue.kind == "integer":
            mapping: dict[Any, Value] = {v: v for v in grid}
            doc: dict[str, Any] = {"range": [grid[0], grid[-1]]}
            desc = (
                f"GENIUS integer issue {issue.name!r} (index {issue.index}), "
                f"{grid[0]} to {grid[-1]}."
            )
        else:
            if issue.kind == "discrete":
                mapping = {v: options(v, "v") for v in grid}
                desc = f"GENIUS discrete issue {issue.name!r} (index {issue.index})."
            else:
                mapping = {
                    v: options(_text(v).replace("-", "minus_").replace(".", "_"), "v") for v in grid
                }
                desc = (
                    f"GENIUS real issue {issue.name!r} (index {issue.index}), {issue.lo} to "
                    f"{issue.hi}, discretised here at step {step} (from the lowerbound; the "
                    "upperbound is always included)."
                )
            doc = {"options": list(mapping.values())}
            desc += " Options: " + ", ".join(f"{n} = {_quote(v)}" for v, n in mapping.items())
            desc += "."
        doc = {"label": issue.name, "description": desc, **doc}
        issues_doc[name] = doc
        grids.append(grid)
        issue_names.append(name)
        value_names.append(mapping)
    # Parties: every normalised evaluation, exactly.
    parties: list[tuple[str, Path, _GProfile, list[_Evaluated]]] = []
    for path, profile in gprofiles:
        label = _party_label(path, scenario)
        name = names(label, "party_")
        evaluated = [
            _evaluate(issue, profile, grid, profile.xml)
            for issue, grid in zip(gdomain.issues, grids, strict=True)
        ]
        parties.append((name, path, profile, evaluated))
    scale = math.lcm(
        1,
        *(
            _odd_part(q.denominator)
            for *_, evaluated in parties
            for ev in evaluated
            for q in ev.normalised.values()
        ),
    )
    k = Fraction(scale)
    parties_doc: dict[str, Any] = {}
    interests: dict[str, Any] = {}
    cap_notes: list[str] = []
    discounts: list[str] = []
    for name, path, profile, evaluated in parties:
        reservation = profile.reservation if profile.reservation is not None else Decimal(0)
        discount = profile.discount if profile.discount is not None else Decimal(1)
        discounts.append(f"{name} {_text(discount)}")
        weights = {i: _number(ev.weight) for i, ev in zip(issue_names, evaluated, strict=True)}
        scores = {
            i: {value_names[j][v]: _number(k * q) for v, q in evaluated[j].normalised.items()}
            for j, i in enumerate(issue_names)
        }
        contributions = [
            [(value_names[j][v], Fraction(ev.weight) * q) for v, q in ev.normalised.items()]
            for j, ev in enumerate(evaluated)
        ]
        terms = _cap_terms(issue_names, [[(v, k * c) for v, c in vs] for vs in contributions], k)
        interest: dict[str, Any] = {"weights": weights, "scores": scores}
        if terms is None:
            raise profile.xml.error(
                None,
                f"more than {MAX_CAP_DEALS} deals have a GENIUS utility above 1 for profile "
                f"{path.name} (its weights sum to {_text(_weight_sum(profile))}); "
                "GENIUS caps each at 1, which dealopt states one deal at a time: rescale the "
                "weights so that they sum to at most 1",
            )
        if terms:
            interest["terms"] = terms
            top = sum(max(c for _, c in vs) for vs in contributions)
            cap_notes.append(
                f"{name}: its best deal is worth {_text(_rounded(top, 20))} before the cap, "
                f"{len(terms)} deal(s) exceed 1"
            )
        interests[name] = interest
        notes = [
            f"GENIUS profile {path.name}.",
            f"Reservation value {_text(reservation)}"
            + (" (none given: GENIUS's default 0)" if profile.reservation is None else "")
            + f" on GENIUS's 0..1 scale, so no_deal = {scale} × {_text(reservation)}.",
            f"Discount factor {_text(discount)}"
            + (" (none given: GENIUS's default 1)" if profile.discount is None else "")
            + ": not used, since GENIUS discounts utilities over negotiation time and a "
            "one-shot deal has none.",
        ]
        notes += [
            f"Issue {gdomain.issues[j].name!r}: {ev.note}."
            for j, ev in enumerate(evaluated)
            if ev.note
        ]
        parties_doc[name] = {
            "label": _party_label(path, scenario),
            "description": " ".join(notes),
            "no_deal": _number(k * Fraction(reservation)),
        }
    description = note + _plain_description(
        domain_path, [p for p, _ in gprofiles], scale, cap_notes, discounts
    )
    return {
        "dealopt": 1,
        "name": scenario,
        "description": description,
        "parties": parties_doc,
        "issues": issues_doc,
        "interests": interests,
    }


def _weight_sum(profile: _GProfile) -> Decimal:
    return sum((w for w, _ in profile.weights.values()), Decimal(0))


def _quote(value: Any) -> str:
    return repr(value) if isinstance(value, str) else _text(value)


def _plain_description(
    domain: Path, profiles: list[Path], scale: int, caps: list[str], discounts: list[str]
) -> str:
    files = ", ".join(p.name for p in profiles)
    if scale == 1:
        scale_text = (
            "Utilities here are GENIUS utilities exactly: each weight is GENIUS's weight as "
            "written, each score is the value's evaluation divided by the largest evaluation of "
            "its issue (GENIUS's normalisation, a terminating decimal for every value), and "
            "each no_deal is the reservation value."
        )
    else:
        scale_text = (
            f"Utilities here are {scale} × the GENIUS utility: each weight is GENIUS's weight "
            f"as written, each score is {scale} × the value's evaluation divided by the largest "
            f"evaluation of its issue (GENIUS's normalisation), and each no_deal is {scale} × "
            f"the reservation value. {scale} is the smallest whole number that makes every "
            "score a terminating decimal, so nothing is rounded."
        )
    text = (
        f"Imported from the GENIUS scenario {domain.name} with the profiles {files} "
        "(dealopt import genius). GENIUS's utility of a deal is the sum over issues of weight "
        "× normalised evaluation, on 0..1. " + scale_text
    )
    if caps:
        text += (
            " GENIUS caps utilities at 1; a term per deal above 1 brings it back to the cap "
            f"({scale}) here: " + "; ".join(caps) + "."
        )
    text += (
        " Discount factors (" + ", ".join(discounts) + ") are not used: GENIUS discounts "
        "utilities over negotiation time, and a one-shot deal has no time."
        " GENIUS has no status quo: each issue's status_quo here is its first value (the "
        "no_deal values are given, so it only matters to the exchange-structure analysis)."
    )
    return text


def _cap_terms(
    issue_names: Sequence[str],
    contributions: Sequence[Sequence[tuple[Value, Fraction]]],
    cap: Fraction,
) -> list[dict[str, Any]] | None:
    """One term per deal whose additive utility exceeds ``cap``, bringing it back to ``cap``.

    None when more than :data:`MAX_CAP_DEALS` deals exceed it.
    """
    above = _deals_above(contributions, cap, MAX_CAP_DEALS)
    if above is None:
        return None
    terms = []
    for n, (deal, total) in enumerate(above, start=1):
        when = " and ".join(f"{i} == {v}" for i, v in zip(issue_names, deal, strict=True))
        terms.append(
            {
                "label": f"GENIUS caps utility at 1 (deal {n} of {len(above)} above it)",
                "when": when,
                "value": _number(cap - total),
            }
        )
    return terms


def _deals_above(
    contributions: Sequence[Sequence[tuple[Value, Fraction]]], threshold: Fraction, limit: int
) -> list[tuple[tuple[Value, ...], Fraction]] | None:
    """Every deal whose summed contribution exceeds ``threshold`` (issue order, then value
    order), by a depth-first search pruned by the best the remaining issues can add."""
    n = len(contributions)
    best_rest = [Fraction(0)] * (n + 1)
    for j in range(n - 1, -1, -1):
        best_rest[j] = best_rest[j + 1] + max(c for _, c in contributions[j])
    out: list[tuple[tuple[Value, ...], Fraction]] = []
    chosen: list[Value] = []

    def walk(j: int, total: Fraction) -> bool:
        if total + best_rest[j] <= threshold:
            return True
        if j == n:
            out.append((tuple(chosen), total))
            return len(out) <= limit
        for value, c in contributions[j]:
            chosen.append(value)
            ok = walk(j + 1, total + c)
            chosen.pop()
            if not ok:
                return False
        return True

    return out if walk(0, Fraction(0)) else None


# ---------------------------------------------------------------------------- restoring


def _has_metadata(domain: _GDomain, profiles: Sequence[_GProfile]) -> bool:
    return f"{META}name" in domain.xml.root.attrs and all(
        f"{META}party" in p.xml.root.attrs for p in profiles
    )


def _restore(domain: _GDomain, profiles: Sequence[_GProfile]) -> dict[str, Any] | None:
    """The instance a file set written by :func:`to_xml` came from, or None when the GENIUS
    numbers in the files are no longer the ones :func:`to_xml` would write for it."""
    from dealopt.api import instance as build

    try:
        data = _restored_data(domain, profiles)
        restored = build(data, domain.xml.path)
        files = _numbers(restored)
    except (SpecError, ValueError, KeyError, InvalidOperation):
        return None
    held = {p: n.key() for p, n in _file_numbers(domain, profiles).items()}
    if held != {p: n.key() for p, n in files.items()}:
        return None
    return data


def _restored_data(domain: _GDomain, profiles: Sequence[_GProfile]) -> dict[str, Any]:
    root = domain.xml.root.attrs
    issues: dict[str, Any] = {}
    names: list[str] = []
    kinds: list[bool] = []
    for issue in domain.issues:
        a = issue.node.attrs
        name = a[f"{META}name"]
        doc: dict[str, Any] = {"label": a.get(f"{META}label", issue.name)}
        if f"{META}description" in a:
            doc["description"] = a[f"{META}description"]
        if f"{META}range" in a:
            lo, hi, step = (int(x) for x in a[f"{META}range"].split())
            doc["range"] = [lo, hi, step]
        else:
            doc["options"] = list(issue.values)
        sq = a.get(f"{META}status_quo")
        if sq is not None:
            doc["status_quo"] = int(sq) if "range" in doc else sq
        issues[name] = doc
        names.append(name)
        kinds.append("range" in doc)
    parties: dict[str, Any] = {}
    interests: dict[str, Any] = {}
    for profile in profiles:
        a = profile.xml.root.attrs
        party = a[f"{META}party"]
        pdoc: dict[str, Any] = {}
        for key in ("label", "description"):
            if f"{META}{key}" in a:
                pdoc[key] = a[f"{META}{key}"]
        if f"{META}no_deal" in a:
            pdoc["no_deal"] = _number(Decimal(a[f"{META}no_deal"]))
        parties[party] = pdoc
        weights: dict[str, Any] = {}
        scores: dict[str, Any] = {}
        for issue, name, is_range in zip(domain.issues, names, kinds, strict=True):
            node = profile.issues[issue.index]
            if f"{META}weight" not in node.attrs:
                continue
            weights[name] = _number(Decimal(node.attrs[f"{META}weight"]))
            if node.attrs.get(f"{META}scores") == LINEAR:
                scores[name] = LINEAR
                continue
            table: dict[Any, Any] = {}
            for item in node.kids("item"):
                if f"{META}score" in item.attrs:
                    key = int(item.attrs["value"]) if is_range else item.attrs["value"]
                    table[key] = _number(Decimal(item.attrs[f"{META}score"]))
            scores[name] = table
        interest: dict[str, Any] = {"weights": weights, "scores": scores}
        if f"{META}cap" in a:
            cap = Fraction(Decimal(a[f"{META}cap"]))
            contributions = _contributions_from(issues, names, weights, scores)
            terms = _cap_terms(names, contributions, cap)
            if terms:
                interest["terms"] = terms
        interests[party] = interest
    data: dict[str, Any] = {"dealopt": 1, "name": root[f"{META}name"]}
    if f"{META}description" in root:
        data["description"] = root[f"{META}description"]
    data.update({"parties": parties, "issues": issues, "interests": interests})
    return data


def _contributions_from(
    issues: Mapping[str, Any], names: Sequence[str], weights: Mapping, scores: Mapping
) -> list[list[tuple[Value, Fraction]]]:
    out = []
    for name in names:
        doc = issues[name]
        if "range" in doc:
            lo, hi, step = doc["range"]
            values: list[Value] = list(range(lo, hi + 1, step))
        else:
            values = list(doc["options"])
        w = Fraction(weights.get(name, 0))
        table = scores.get(name, {})
        row = []
        for v in values:
            s = Fraction(v) if table == LINEAR else Fraction(table.get(v, 0))  # type: ignore[arg-type]
            row.append((v, w * s))
        out.append(row)
    return out


# ============================================================================ export


@dataclass(frozen=True)
class GeniusFiles:
    """A GENIUS scenario written from an instance: XML texts and what the reader should know."""

    domain: str
    profiles: Mapping[str, str]  # party name -> profile XML text, in instance order
    notes: tuple[str, ...]


@dataclass
class _PartyNumbers:
    """What a profile says, in GENIUS's terms: every number as written (exact decimals)."""

    weights: dict[int, Decimal]
    evaluations: dict[int, dict[str, Decimal]]
    reservation: Decimal
    # dealopt's own view, for the metadata and the notes
    offset: Fraction = Fraction(0)
    scale: Fraction = Fraction(1)
    cap: Fraction | None = None
    rounded: list[str] = field(default_factory=list)

    def key(self) -> tuple:
        return (self.weights, self.evaluations, self.reservation)


def export(instance: Instance, directory: str | Path) -> tuple[list[Path], tuple[str, ...]]:
    """Write ``instance`` as a GENIUS scenario into ``directory`` (created if missing):
    ``domain.xml`` and ``profile-<party>.xml`` per party. Returns the paths written and notes
    for the reader (numbers rounded, parts of the instance left out).

    Raises :class:`~dealopt.errors.SpecError` naming everything GENIUS cannot express.
    """
    files = to_xml(instance)
    out = Path(directory)
    try:
        out.mkdir(parents=True, exist_ok=True)
        written = [out / "domain.xml"]
        written[0].write_text(files.domain, encoding="utf-8")
        for party, text in files.profiles.items():
            path = out / f"profile-{party}.xml"
            path.write_text(text, encoding="utf-8")
            written.append(path)
    except OSError as exc:
        raise SpecError([Problem(None, f"cannot write to {out}: {exc.strerror or exc}")]) from None
    return written, files.notes


def to_xml(instance: Instance) -> GeniusFiles:
    """The GENIUS domain and profiles of an additive instance (see the module docstring)."""
    numbers = _numbers(instance)
    notes = [n for p in numbers.values() for n in p.rounded]
    left_out = [
        f"{len(instance.attributes)} attribute(s)" if instance.attributes else "",
        f"{len(instance.quantities)} quantit(y/ies)" if instance.quantities else "",
        f"{len(instance.groups)} group(s)" if instance.groups else "",
    ]
    left_out = [x for x in left_out if x]
    if left_out:
        notes.append(
            "not written (no rule or term uses them, so no utility depends on them; GENIUS has "
            "no place for them): " + ", ".join(left_out)
        )
    return GeniusFiles(
        _domain_xml(instance),
        {p: _profile_xml(instance, p, numbers[p]) for p in instance.parties},
        tuple(notes),
    )


def _genius_names(instance: Instance) -> dict[str, str]:
    """GENIUS issue names: the labels when they are distinct and non-empty, else the names."""
    labels = [i.label.strip() for i in instance.issues.values()]
    if all(labels) and len(set(labels)) == len(labels):
        return dict(zip(instance.issues, labels, strict=True))
    return {n: n for n in instance.issues}


def _value_text(value: Value) -> str:
    return str(value)


def _domain_xml(instance: Instance) -> str:
    root = ET.Element("negotiation_template", {f"{META}name": instance.name})
    if instance.description is not None:
        root.set(f"{META}description", instance.description)
    space = ET.SubElement(root, "utility_space", {"number_of_issues": str(len(instance.issues))})
    objective = ET.SubElement(
        space,
        "objective",
        {
            "index": "0",
            "etype": "objective",
            "type": "objective",
            "description": "",
            "name": "root",
        },
    )
    gnames = _genius_names(instance)
    for k, (name, issue) in enumerate(instance.issues.items(), start=1):
        attrs = {
            "index": str(k),
            "etype": "discrete",
            "type": "discrete",
            "vtype": "discrete",
            "name": gnames[name],
            f"{META}name": name,
            f"{META}label": issue.label,
            f"{META}status_quo": _value_text(issue.status_quo),
        }
        if issue.description is not None:
            attrs[f"{META}description"] = issue.description
        if issue.is_range:
            step = issue.values[1] - issue.values[0] if issue.size > 1 else 1  # type: ignore[operator]
            attrs[f"{META}range"] = f"{issue.values[0]} {issue.values[-1]} {step}"
        node = ET.SubElement(objective, "issue", attrs)
        for j, value in enumerate(issue.values, start=1):
            text = _value_text(value)
            ET.SubElement(
                node, "item", {"index": str(j), "value": text, "cost": "0", "description": text}
            )
    return _serialise(root)


def _profile_xml(instance: Instance, party: str, numbers: _PartyNumbers) -> str:
    p = instance.parties[party]
    interest = instance.interests.get(party)
    attrs = {
        f"{META}party": party,
        f"{META}label": p.label,
        f"{META}offset": _text(_exact_or_rounded(numbers.offset)),
        f"{META}scale": _text(_exact_or_rounded(numbers.scale)),
    }
    if p.description is not None:
        attrs[f"{META}description"] = p.description
    if p.no_deal is not None:
        attrs[f"{META}no_deal"] = _text(p.no_deal)
    if numbers.cap is not None:
        attrs[f"{META}cap"] = _text(numbers.cap)
    root = ET.Element("utility_space", attrs)
    objective = ET.SubElement(
        root,
        "objective",
        {
            "index": "0",
            "etype": "objective",
            "type": "objective",
            "description": "",
            "name": "root",
        },
    )
    gnames = _genius_names(instance)
    for k, (name, issue) in enumerate(instance.issues.items(), start=1):
        iattrs = {
            "index": str(k),
            "etype": "discrete",
            "type": "discrete",
            "vtype": "discrete",
            "name": gnames[name],
        }
        table = interest.scores.get(name) if interest else None
        if interest is not None and name in interest.scores:
            iattrs[f"{META}weight"] = _text(interest.weights[name])
            if table == LINEAR:
                iattrs[f"{META}scores"] = LINEAR
        node = ET.SubElement(objective, "issue", iattrs)
        evaluations = numbers.evaluations[k]
        for j, value in enumerate(issue.values, start=1):
            text = _value_text(value)
            item = {
                "index": str(j),
                "value": text,
                "cost": "0",
                "evaluation": _text(evaluations[text]),
            }
            if isinstance(table, Mapping) and value in table:
                item[f"{META}score"] = _text(table[value])
            ET.SubElement(node, "item", item)
    for k in range(1, len(instance.issues) + 1):
        ET.SubElement(objective, "weight", {"index": str(k), "value": _text(numbers.weights[k])})
    ET.SubElement(root, "discount_factor", {"value": "1"})
    ET.SubElement(root, "reservation", {"value": _text(numbers.reservation)})
    return _serialise(root)


def _serialise(root: ET.Element) -> str:
    ET.indent(root, space="    ")
    return ET.tostring(root, encoding="unicode") + "\n"


def _exact_or_rounded(q: Fraction) -> Decimal:
    if _terminates(q) and _places(q) <= MAX_EXACT_PLACES:
        return _exact(q)
    return _rounded(q)


def _numbers(instance: Instance) -> dict[str, _PartyNumbers]:
    """The GENIUS numbers of every party's profile; raises naming what GENIUS cannot hold."""
    from dealopt.rules import check
    from dealopt.rules.oracle import Oracle

    checked = check(instance)
    problems: list[Problem] = []
    for r in instance.rules:
        problems.append(
            Problem(r.source, f"rule {r.label!r}: GENIUS has no rules of the deal space")
        )
    for party, lines in instance.red_lines.items():
        for r in lines:
            problems.append(
                Problem(
                    r.source,
                    f"red line {r.label!r} of party '{party}': GENIUS profiles have no red lines",
                )
            )
    caps: dict[str, Fraction | None] = {}
    for party in instance.parties:
        cap, bad = _cap_of(instance, party, checked.terms.get(party, ()))
        caps[party] = cap
        problems += bad
    if problems:
        raise SpecError(
            [
                Problem(
                    None,
                    f"instance {instance.name!r} cannot be written as a GENIUS scenario: GENIUS "
                    "profiles are additive (weights × evaluations, capped at 1)",
                ),
                *problems,
            ]
        )
    oracle = Oracle(instance)
    return {
        party: _party_numbers(instance, party, caps[party], oracle.no_deal(party))
        for party in instance.parties
    }


def _contribution_rows(instance: Instance, party: str) -> list[list[tuple[Value, Fraction]]]:
    interest = instance.interests.get(party)
    rows = []
    for name, issue in instance.issues.items():
        if interest is None or name not in interest.scores:
            rows.append([(v, Fraction(0)) for v in issue.values])
            continue
        w = Fraction(interest.weights[name])
        rows.append([(v, w * Fraction(interest.score(name, v))) for v in issue.values])
    return rows


def _cap_of(instance: Instance, party: str, terms: Sequence[Any]) -> tuple[Fraction | None, list]:
    """The level at which ``party``'s terms cap its additive utility (None: no terms), or the
    problems that say why the terms are no such cap."""
    from dealopt.rules import ast

    if not terms:
        return None, []
    issue_names = list(instance.issues)
    deals: dict[tuple[Value, ...], Fraction] = {}
    bad = []
    for t in terms:
        deal = _single_deal(t.when, issue_names, ast)
        if deal is None or not isinstance(t.value, ast.Number) or t.value.value >= 0:
            bad.append(
                Problem(
                    t.term.source,
                    f"term {t.term.label!r} of party '{party}': GENIUS profiles have no terms "
                    "(only a cap: a negative constant on single deals that brings each back "
                    "to one common level)",
                )
            )
            continue
        deals[deal] = deals.get(deal, Fraction(0)) + t.value.value
    if bad:
        return None, bad
    rows = _contribution_rows(instance, party)
    positions = [{v: c for v, c in row} for row in rows]

    def additive(deal: tuple[Value, ...]) -> Fraction:
        return sum((positions[j][v] for j, v in enumerate(deal)), Fraction(0))

    levels = {additive(d) + c for d, c in deals.items()}
    cap = min(levels)
    above = _deals_above(rows, cap, len(deals))
    if len(levels) != 1 or above is None or {d for d, _ in above} != set(deals):
        first = next(t for t in terms)
        return None, [
            Problem(
                first.term.source,
                f"the terms of party '{party}' are not a utility cap (every deal above one "
                "level brought back to it, and no other deal changed): GENIUS profiles have "
                "no terms",
            )
        ]
    return cap, []


def _single_deal(when: Any, issue_names: list[str], ast: Any) -> tuple[Value, ...] | None:
    """The deal a condition pins down (``a == x and b == y ...`` over every issue), or None."""
    if when is None:
        return None
    parts = when.operands if isinstance(when, ast.BoolOp) and when.op == "and" else (when,)
    chosen: dict[str, Value] = {}
    for part in parts:
        if not isinstance(part, ast.OptionTest) or len(part.allowed) != 1:
            return None
        if part.issue in chosen:
            return None
        chosen[part.issue] = part.allowed[0]
    if set(chosen) != set(issue_names):
        return None
    return tuple(chosen[i] for i in issue_names)


def _party_numbers(
    instance: Instance, party: str, cap: Fraction | None, no_deal: Fraction
) -> _PartyNumbers:
    """GENIUS utility = (additive utility − offset) / scale, capped at 1 (see the docs)."""
    interest = instance.interests.get(party)
    rows = _contribution_rows(instance, party)
    evaluations: dict[int, dict[str, Decimal]] = {}
    factors: list[Fraction] = []  # contribution = factor × evaluation + shift
    tops: list[Fraction] = []
    offset = Fraction(0)
    for k, ((name, issue), row) in enumerate(zip(instance.issues.items(), rows, strict=True), 1):
        raw: list[Fraction]
        if interest is not None and name in interest.scores:
            w = Fraction(interest.weights[name])
            scores = [Fraction(interest.score(name, v)) for v in issue.values]
        else:
            w, scores = Fraction(0), [Fraction(0)] * issue.size
        if w >= 0 and min(scores) >= 0:
            raw, factor, shift = scores, w, Fraction(0)  # evaluations are the scores
        else:
            low = min(c for _, c in row)
            raw, factor, shift = [c - low for _, c in row], Fraction(1), low
        top = max(raw)
        if 0 < top < GENIUS_EVAL_FLOOR:  # GENIUS would count the issue as all zero
            lift = 10 ** (-(Decimal(top.numerator) / top.denominator).adjusted())
            raw = [x * lift for x in raw]
            factor, top = factor / lift, top * lift
        evaluations[k] = {_value_text(v): _exact(x) for v, x in zip(issue.values, raw, strict=True)}
        factors.append(factor)
        tops.append(top)
        offset += shift
    best = sum((f * t for f, t in zip(factors, tops, strict=True)), Fraction(0)) + offset
    level = cap if cap is not None else best
    scale = level - offset
    if scale <= 0:
        raise SpecError(
            [
                Problem(
                    instance.parties[party].source,
                    f"party '{party}' gets the same utility from every deal"
                    + (" below its cap" if cap is not None else "")
                    + ": a GENIUS profile needs a best deal worth more than its worst",
                )
            ]
        )
    exact = {k: f * t / scale for k, (f, t) in enumerate(zip(factors, tops, strict=True), 1)}
    rounded: list[str] = []
    if all(_terminates(w) and _places(w) <= MAX_EXACT_PLACES for w in exact.values()):
        weights = {k: _exact(w) for k, w in exact.items()}
    else:
        weights = {k: _rounded(w) for k, w in exact.items()}
        if cap is None:  # keep GENIUS's best deal at exactly 1
            heaviest = max(weights, key=lambda k: (weights[k], -k))
            weights[heaviest] += 1 - sum(weights.values())
        error = sum(abs(Fraction(weights[k]) - w) for k, w in exact.items())
        rounded.append(
            f"party '{party}': its GENIUS weights are not terminating decimals; written to "
            f"{EXPORT_PLACES} decimal places (GENIUS reads doubles), so its GENIUS utilities "
            f"differ from the exact ones by at most {_text(_rounded(error, EXPORT_PLACES + 4))}"
        )
    r = (no_deal - offset) / scale
    if _terminates(r) and _places(r) <= MAX_EXACT_PLACES:
        reservation = _exact(r)
    else:
        reservation = _rounded(r)
        rounded.append(
            f"party '{party}': its reservation value {float(r)!r} is not a terminating "
            f"decimal; written to {EXPORT_PLACES} decimal places"
        )
    return _PartyNumbers(weights, evaluations, reservation, offset, scale, cap, rounded)


def _file_numbers(domain: _GDomain, profiles: Sequence[_GProfile]) -> dict[str, _PartyNumbers]:
    """The GENIUS numbers as the files hold them, keyed like :func:`_numbers`."""
    out = {}
    for profile in profiles:
        weights = {i: w for i, (w, _) in profile.weights.items()}
        evaluations: dict[int, dict[str, Decimal]] = {}
        for issue in domain.issues:
            node = profile.issues[issue.index]
            evaluations[issue.index] = {
                item.attrs["value"]: Decimal(item.attrs["evaluation"]) for item in node.kids("item")
            }
        reservation = profile.reservation if profile.reservation is not None else Decimal(0)
        out[profile.xml.root.attrs[f"{META}party"]] = _PartyNumbers(
            weights, evaluations, reservation
        )
    return out


# ============================================================================ YAML


def to_yaml_text(data: Mapping[str, Any], header: str | None = None) -> str:
    """An instance document as YAML that :func:`dealopt.load` reads back to the same numbers
    (exact decimals written as plain decimal text, multi-line strings as literal blocks)."""
    import yaml

    class _Dumper(yaml.SafeDumper):
        pass

    def decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
        text = _text(value)
        tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
        return dumper.represent_scalar(tag, text)

    def string(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(Decimal, decimal)
    _Dumper.add_representer(str, string)
    text = yaml.dump(
        dict(data),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=None,
    )
    if header:
        text = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines()) + text
    return text
