"""Safe reading of GENIUS XML files (defusedxml) and the exact number helpers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # writing only; reading goes through defusedxml
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any
from xml.parsers.expat import ExpatError

from defusedxml import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser
from defusedxml.ElementTree import ParseError as DefusedParseError

from dealopt.errors import Problem, Source, SpecError
from dealopt.spec.yamlsafe import MAX_EXPONENT, MAX_NUMBER_CHARS, read_bounded

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
#: Elements may nest at most this deep (GENIUS files nest about 5 deep).
MAX_XML_DEPTH = 64
#: A file may have at most this many elements (the largest ANAC domains have a few thousand).
MAX_XML_ELEMENTS = 200_000
# A GENIUS number: ASCII digits only (Python's Decimal() and int() accept any Unicode digit,
# '1_000' and 'Infinity'; Java's Double.parseDouble, which GENIUS uses, none of them).
_NUMBER = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")

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
        # An explicit stack, not recursion: depth must never meet Python's recursion limit.
        stack = list(reversed(self.children))
        while stack:
            c = stack.pop()
            if c.tag == tag:
                yield c
            stack.extend(reversed(c.children))


class _TooBig(Exception):
    """Raised from the parser's callbacks: the file nests too deep or has too many elements."""

    def __init__(self, line: int, col: int, message: str):
        super().__init__(message)
        self.line, self.col, self.message = line, col, message


class _Builder:
    """An ElementTree parser target that keeps each element's line and column."""

    def __init__(self) -> None:
        self.parser: Any = None
        self.stack: list[_Node] = []
        self.root: _Node | None = None
        self.count = 0

    def start(self, tag: str, attrs: Mapping[str, str]) -> None:
        expat = self.parser.parser
        line, col = expat.CurrentLineNumber, expat.CurrentColumnNumber + 1
        self.count += 1
        if len(self.stack) >= MAX_XML_DEPTH:
            raise _TooBig(line, col, f"XML elements nested deeper than {MAX_XML_DEPTH} levels")
        if self.count > MAX_XML_ELEMENTS:
            raise _TooBig(line, col, f"more than {MAX_XML_ELEMENTS} XML elements")
        node = _Node(tag, dict(attrs), line, col)
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
    raw = read_bounded(path, MAX_FILE_BYTES)
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
    except _TooBig as exc:
        raise fail(exc.line, exc.col, exc.message) from None
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
        return _parse_number(text)
    except ValueError as exc:
        raise xml.error(node, f"'{attr}' of <{node.tag}>{_for(what)} {exc}") from None


def _parse_number(text: str) -> Decimal:
    """A number written in ASCII as GENIUS writes them (``0.25``, ``1.0E-5``), exactly.

    Raises :class:`ValueError` saying what is wrong: not a number, non-ASCII digits, or too
    long or too large/small to be safe (the limits of instance files).
    """
    stripped = text.strip(" \t\r\n")
    if not _NUMBER.fullmatch(stripped):
        if any(c.isdigit() and not c.isascii() for c in stripped):
            raise ValueError(f"must be a number in ASCII digits (0-9), got {text!r}")
        raise ValueError(f"must be a number, got {text!r}")
    if len(stripped) > MAX_NUMBER_CHARS:
        raise ValueError(f"must be a number of at most {MAX_NUMBER_CHARS} characters")
    value = Decimal(stripped)
    exponent = value.adjusted() if value else value.as_tuple().exponent  # a zero's too
    if abs(exponent) > MAX_EXPONENT:  # type: ignore[arg-type]
        raise ValueError(
            f"must lie within 1e-{MAX_EXPONENT} and 1e{MAX_EXPONENT} in magnitude, got {text!r}"
        )
    return value


def _parse_int(text: str) -> int:
    """A whole number in ASCII digits; :class:`ValueError` otherwise (``int()`` would take
    '١٢' and '1_000')."""
    value = _parse_number(text)
    if value != value.to_integral_value():
        raise ValueError(f"must be a whole number, got {text!r}")
    return int(value)


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
