"""Reading untrusted YAML and JSON files into plain data, with a source position for every node.

PyYAML's safe *composer* builds the node graph (no Python objects are ever constructed), and
this module turns nodes into data itself, so that:

* numbers are exact: a plain scalar that looks like a number becomes an ``int`` or a
  :class:`~decimal.Decimal` from its own text, never a binary float;
* scalars follow the YAML 1.2 core schema: ``yes``, ``no``, ``on`` and ``off`` stay strings (an
  option named ``no`` must not turn into ``False``); only ``true``/``false`` are Booleans;
* duplicate keys are errors (YAML silently keeps the last one);
* explicit tags (``!!python/object``, but also ``!!str``) are refused, so nothing can name
  Python code and no value means something other than what it looks like;
* numbers longer than :data:`MAX_NUMBER_CHARS` or with an exponent beyond
  :data:`MAX_EXPONENT` are refused (``1e999999999`` would otherwise hang later arithmetic);
* file size, nesting depth and alias expansion are capped: a "billion laughs" file fails at
  once with a clear message instead of exhausting memory.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from dealopt.errors import Problem, Source, SpecError

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_NODES = 200_000  # after alias expansion
MAX_DEPTH = 64
MAX_NUMBER_CHARS = 1000  # characters of a number's text
MAX_EXPONENT = 1000  # a nonzero number lies within 1e-1000 .. 1e1000 in magnitude

PathKey = tuple[Any, ...]

_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)")
_DECIMAL = re.compile(r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?")
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


@dataclass
class Located:
    """Plain data read from one file, and where each part of it came from.

    ``positions[path]`` is where the value at ``path`` starts; ``key_positions[path]`` where
    the mapping key that leads to ``path`` starts; ``col_offsets[path]`` the column offset of
    a string's first character (1 after a quote, None for a multi-line string).
    """

    data: Any
    path: str
    positions: dict[PathKey, Source] = field(default_factory=dict)
    key_positions: dict[PathKey, Source] = field(default_factory=dict)
    col_offsets: dict[PathKey, int | None] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    # Every file's lines, for caret displays of positions in a base file of ``extends``.
    file_lines: dict[str, list[str]] = field(default_factory=dict)

    def where(self, path: PathKey, *, key: bool = False) -> Source | None:
        """The closest known position to ``path`` (the key's, when ``key``)."""
        if key and path in self.key_positions:
            return self.key_positions[path]
        while True:
            if path in self.positions:
                return self.positions[path]
            if not path:
                return None
            path = path[:-1]

    def line_text(self, source: Source | None) -> str | None:
        if source is None:
            return None
        lines = self.file_lines.get(source.path, self.lines if source.path == self.path else [])
        return lines[source.line - 1] if 0 < source.line <= len(lines) else None


def _source(path: str, mark: yaml.Mark) -> Source:
    return Source(path, mark.line + 1, mark.column + 1)


def scalar_value(text: str, style: str | None) -> Any:
    """A scalar's value under dealopt's rules (YAML 1.2 core schema, exact numbers).

    Raises :class:`ValueError` for a number that is too long or too large/small to be safe.
    """
    if style is not None:  # quoted or block: always a string
        return text
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    number = _INT.fullmatch(text) or _DECIMAL.fullmatch(text)
    if number and len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"a number longer than {MAX_NUMBER_CHARS} characters")
    if _INT.fullmatch(text):
        return int(text.replace("_", ""))
    if number:
        try:
            value = Decimal(text.replace("_", ""))
        except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
            return text
        # A zero's exponent counts too: format(Decimal("0e-999999999"), "f") is 1 GB long.
        exponent = value.adjusted() if value else value.as_tuple().exponent
        if abs(exponent) > MAX_EXPONENT:  # type: ignore[arg-type]
            raise ValueError(
                f"the number {text} is out of range (its decimal exponent must lie between "
                f"-{MAX_EXPONENT} and {MAX_EXPONENT})"
            )
        return value
    return text


# The C composer (libyaml) when PyYAML was built with it: about 10x faster on large files.
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _first_tag(text: str, loader: type) -> yaml.Event | None:
    """The first event that carries a tag written in the file, if any.

    Tags are looked for in the event stream, where a written tag is still distinguishable:
    on a node, ``!!float 1.5`` and ``!<tag:yaml.org,2002:int> 3`` carry the very tag the
    plain value would resolve to, and ``! 3`` none at all. Every tag starts with ``!``, so a
    file without one needs no second pass. ``loader`` must be the one that composed the text:
    libyaml refuses some files PyYAML reads (``!!fl[oat 1.5``).
    """
    if "!" not in text:
        return None
    for event in yaml.parse(text, Loader=loader):
        if getattr(event, "tag", None) is not None:
            return event
    return None


_TOO_MANY = (
    f"the file expands to more than {MAX_NODES} values (aliases expanding exponentially?); "
    "refusing to read it"
)


class _Converter:
    def __init__(self, located: Located):
        self.located = located
        self.nodes = 0

    def error(self, mark: yaml.Mark, message: str) -> SpecError:
        source = _source(self.located.path, mark)
        return SpecError([Problem(source, message, line_text=self.located.line_text(source))])

    def convert(self, node: yaml.Node, path: PathKey, depth: int, stack: tuple[int, ...]) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.error(node.start_mark, _TOO_MANY)
        if depth > MAX_DEPTH:
            raise self.error(node.start_mark, f"nesting deeper than {MAX_DEPTH} levels")
        if id(node) in stack:
            raise self.error(node.start_mark, "an alias refers to a node that contains it")
        self.located.positions[path] = _source(self.located.path, node.start_mark)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        stack = (*stack, id(node))
        if isinstance(node, yaml.SequenceNode):
            return [
                self.convert(item, (*path, i), depth + 1, stack)
                for i, item in enumerate(node.value)
            ]
        assert isinstance(node, yaml.MappingNode)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise self.error(key_node.start_mark, "YAML merge keys ('<<') are not supported")
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.error(key_node.start_mark, "a mapping key must be a plain name")
            key = self.scalar_of(key_node)
            if isinstance(key, Decimal) and key == key.to_integral_value():
                key = int(key)
            if key in out:
                first = self.located.key_positions[(*path, key)]
                raise self.error(
                    key_node.start_mark,
                    f"duplicate key {key!r} (first defined at line {first.line}); "
                    "YAML would silently keep only the last one",
                )
            self.located.key_positions[(*path, key)] = _source(
                self.located.path, key_node.start_mark
            )
            out[key] = self.convert(value_node, (*path, key), depth + 1, stack)
        return out

    def scalar_of(self, node: yaml.ScalarNode) -> Any:
        try:
            return scalar_value(node.value, node.style or None)
        except ValueError as exc:
            raise self.error(node.start_mark, str(exc)) from None

    def scalar(self, node: yaml.ScalarNode, path: PathKey) -> Any:
        value = self.scalar_of(node)
        if isinstance(value, str):
            one_line = node.start_mark.line == node.end_mark.line
            offset: int | None
            if not one_line or node.style in ("|", ">"):
                offset = None
            else:
                offset = 1 if node.style in ("'", '"') else 0
            self.located.col_offsets[path] = offset
        return value


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``, refusing anything else or more than ``limit``.

    A device (``/dev/zero``) or a FIFO has no size to check beforehand, and a FIFO without a
    writer blocks ``open`` itself: so the file is opened without blocking, must be a regular
    file, and is read in chunks up to ``limit`` + 1 bytes whatever its size claims to be.
    Raises :class:`SpecError` at ``path:1:1``.
    """

    def fail(message: str) -> SpecError:
        return SpecError([Problem(Source(str(path), 1, 1), message)])

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except (OSError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise fail(f"cannot read file: {why}") from None
    try:
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                kind = next((name for test, name in _KINDS if test(info.st_mode)), "special")
                raise fail(f"not a regular file (it is {kind}); dealopt reads regular files only")
            if info.st_size > limit:
                raise fail(f"file is {info.st_size} bytes; the limit is {limit}")
            chunks: list[bytes] = []
            total = 0
            while total <= limit:
                chunk = os.read(fd, min(limit + 1 - total, 1 << 20))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
        except OSError as exc:
            raise fail(f"cannot read file: {exc.strerror}") from None
    finally:
        os.close(fd)
    if total > limit:  # it grew after the size check
        raise fail(f"file is larger than the limit of {limit} bytes")
    return b"".join(chunks)


def read_text(path: Path) -> str:
    """The file's text, refusing files that are too large, not regular files or not UTF-8."""
    raw = read_bounded(path, MAX_FILE_BYTES)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError(
            [Problem(Source(str(path), 1, 1), f"file is not UTF-8 text (byte {exc.start})")]
        ) from None


def _compose(text: str) -> tuple[yaml.Node | None, type]:
    """The text's node graph, and the loader class that composed it."""
    try:
        loader = _COMPOSER(text)
        try:
            return loader.get_single_node(), _COMPOSER
        finally:
            loader.dispose()
    except yaml.YAMLError:
        if _COMPOSER is yaml.SafeLoader:
            raise
    # libyaml's messages are terser (a tab is "found character that cannot start any token"
    # one line later): re-read the bad file with PyYAML's composer for its precise message.
    loader = yaml.SafeLoader(text)
    try:
        return loader.get_single_node(), yaml.SafeLoader
    finally:
        loader.dispose()


def parse_text(text: str, path: str) -> Located:
    """Parse text into :class:`Located` data: strict JSON when ``path`` ends in ``.json``
    (:mod:`dealopt.spec.jsonsafe`), YAML otherwise."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise SpecError([Problem(Source(path, 1, 1), f"text longer than {MAX_FILE_BYTES} bytes")])
    if path.lower().endswith(".json"):
        from dealopt.spec.jsonsafe import parse_json  # imports this module for its limits

        return parse_json(text, path)
    lines = text.splitlines()
    located = Located(data=None, path=path, lines=lines, file_lines={path: lines})
    try:
        node, loader = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        source = _source(path, mark) if mark else Source(path, 1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        hint = _yaml_hint(what, exc.context or "")
        raise SpecError(
            [Problem(source, f"invalid YAML: {what}", hint, line_text=located.line_text(source))]
        )
    except yaml.YAMLError as exc:
        raise SpecError([Problem(Source(path, 1, 1), f"invalid YAML: {exc}")])
    except RecursionError:
        raise SpecError([Problem(Source(path, 1, 1), "invalid YAML: nested too deeply")])
    if node is None:
        raise SpecError([Problem(Source(path, 1, 1), "the file is empty")])
    converter = _Converter(located)
    tagged = _first_tag(text, loader)
    if tagged is not None:
        shown = tagged.tag.replace("tag:yaml.org,2002:", "!!", 1)
        raise converter.error(
            tagged.start_mark,
            f"tag '{shown}' is not allowed in instance files (no tags: write plain values)",
        )
    sizes: dict[int, int] = {}
    if _expanded_size(node, sizes, set(), 0) > MAX_NODES:
        # Name the innermost value that is too big alone: usually the line of the bomb.
        while True:
            children = _children(node)
            big = next((c for c in children if sizes.get(id(c), 0) > MAX_NODES), None)
            if big is None:
                break
            node = big
        raise converter.error(node.start_mark, _TOO_MANY)
    located.data = converter.convert(node, (), 0, ())
    return located


def _yaml_hint(problem: str, context: str) -> str | None:
    """What the YAML parser's words usually mean in an instance file, and the fix."""
    if problem.startswith("expected ',' or '}', but got") or (
        problem.startswith("expected ',' or ']', but got")
    ):
        return (
            "inside a {...} or [...] on one line, a value cannot hold an unquoted '{', '[' or "
            "','; quote it: rule: \"price in {low, mid}\""
        )
    if "expected <block end>" in problem:
        return (
            "this line's indentation does not match the lines above it: indent it as its "
            "siblings, with spaces"
        )
    if "mapping values are not allowed here" in problem:
        return "a value holds ': '; quote it, or put the key on a line of its own"
    if "found character '\\t'" in problem or "found character '\t'" in problem:
        return "indent with spaces: YAML does not allow tabs"
    if "could not find expected ':'" in problem or "simple key" in context:
        return "a key needs ': ' after it; a value holding ':' or '#' must be quoted"
    if "found undefined alias" in problem or "found unexpected end of stream" in problem:
        return "an unclosed quote or bracket above this line, or a stray '*' or '&': quote it"
    return None


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _expanded_size(node: yaml.Node, sizes: dict[int, int], active: set[int], depth: int) -> int:
    """How many values ``node`` becomes once every alias is expanded (stops counting past
    :data:`MAX_NODES`). Linear in the size of the node graph, so an alias bomb is found before
    anything is expanded. Cycles and excess depth count as nothing: the converter reports them
    with their positions."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in active or depth > MAX_DEPTH:
        return 0
    active.add(key)
    total = 1
    for child in _children(node):
        total += _expanded_size(child, sizes, active, depth + 1)
        if total > MAX_NODES:
            break
    active.discard(key)
    sizes[key] = total
    return total
