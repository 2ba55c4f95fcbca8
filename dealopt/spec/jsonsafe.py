"""Reading untrusted JSON files as strict JSON (RFC 8259), with a source position for every
value and the limits of :mod:`dealopt.spec.yamlsafe`.

A ``.json`` file is JSON, not YAML that happens to accept JSON: a trailing comma, a comment,
a single-quoted string or a bare word is an error at its line and column. Numbers are exact
(an ``int``, or a :class:`~decimal.Decimal` from the number's own text, never a binary float)
and obey the same length and exponent limits as in YAML files; nesting depth and the number of
values are capped as there, so every file is read in time and memory linear in its size.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from dealopt.errors import Problem, Source, SpecError
from dealopt.spec import yamlsafe
from dealopt.spec.yamlsafe import Located, PathKey, scalar_value

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
# A string without escapes or control characters: the common case, matched in one step.
_PLAIN_STRING = re.compile(r'"([^"\\\x00-\x1f]*)"')
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_HEX4 = re.compile(r"[0-9a-fA-F]{4}")
_WORDS = {"true": True, "false": False, "null": None}


class _Reader:
    def __init__(self, text: str, located: Located):
        self.text = text
        self.located = located
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.values = 0

    def source(self, pos: int) -> Source:
        line = bisect.bisect_right(self.starts, pos)
        return Source(self.located.path, line, pos - self.starts[line - 1] + 1)

    def error(self, pos: int, message: str) -> SpecError:
        source = self.source(pos)
        return SpecError([Problem(source, message, line_text=self.located.line_text(source))])

    def invalid(self, pos: int, expected: str) -> SpecError:
        found = "the end of the file" if pos >= len(self.text) else repr(self.text[pos])
        return self.error(pos, f"invalid JSON: expected {expected}, found {found}")

    def skip(self, pos: int) -> int:
        match = _WS.match(self.text, pos)
        assert match is not None  # the pattern matches the empty string
        return match.end()

    def value(self, pos: int, path: PathKey, depth: int) -> tuple[Any, int]:
        """The value starting at ``pos`` (no leading whitespace), and the position after it."""
        self.values += 1
        if self.values > yamlsafe.MAX_NODES:
            raise self.error(pos, f"the file has more than {yamlsafe.MAX_NODES} values")
        if depth > yamlsafe.MAX_DEPTH:
            raise self.error(pos, f"nesting deeper than {yamlsafe.MAX_DEPTH} levels")
        self.located.positions[path] = self.source(pos)
        char = self.text[pos : pos + 1]
        if char == "{":
            return self.mapping(pos, path, depth)
        if char == "[":
            return self.sequence(pos, path, depth)
        if char == '"':
            text, end, escaped = self.string(pos)
            self.located.col_offsets[path] = None if escaped else 1
            return text, end
        number = _NUMBER.match(self.text, pos)
        if number:
            try:
                return scalar_value(number.group(), None), number.end()
            except ValueError as exc:
                raise self.error(pos, str(exc)) from None
        for word, meaning in _WORDS.items():
            if self.text.startswith(word, pos):
                return meaning, pos + len(word)
        raise self.invalid(pos, "a value (an object, array, string, number, true, false or null)")

    def mapping(self, pos: int, path: PathKey, depth: int) -> tuple[dict[str, Any], int]:
        out: dict[str, Any] = {}
        pos = self.skip(pos + 1)
        if self.text.startswith("}", pos):
            return out, pos + 1
        while True:
            if not self.text.startswith('"', pos):
                # ``out`` holds a member only when a comma led here
                trailing = " (no comma after the last member)" if out else ""
                raise self.invalid(pos, "a key in double quotes" + trailing)
            key_pos = pos
            key, pos, _ = self.string(pos)
            if key in out:
                first = self.located.key_positions[(*path, key)]
                raise self.error(
                    key_pos, f"duplicate key {key!r} (first defined at line {first.line})"
                )
            self.located.key_positions[(*path, key)] = self.source(key_pos)
            pos = self.skip(pos)
            if not self.text.startswith(":", pos):
                raise self.invalid(pos, "':' after the key")
            pos = self.skip(pos + 1)
            out[key], pos = self.value(pos, (*path, key), depth + 1)
            pos = self.skip(pos)
            if self.text.startswith("}", pos):
                return out, pos + 1
            if not self.text.startswith(",", pos):
                raise self.invalid(pos, "',' or '}'")
            pos = self.skip(pos + 1)

    def sequence(self, pos: int, path: PathKey, depth: int) -> tuple[list[Any], int]:
        out: list[Any] = []
        pos = self.skip(pos + 1)
        if self.text.startswith("]", pos):
            return out, pos + 1
        while True:
            if self.text.startswith("]", pos):  # only after a comma: empty arrays return above
                raise self.invalid(pos, "a value (no comma after the last element)")
            item, pos = self.value(pos, (*path, len(out)), depth + 1)
            out.append(item)
            pos = self.skip(pos)
            if self.text.startswith("]", pos):
                return out, pos + 1
            if not self.text.startswith(",", pos):
                raise self.invalid(pos, "',' or ']'")
            pos = self.skip(pos + 1)

    def string(self, pos: int) -> tuple[str, int, bool]:
        """The string whose opening quote is at ``pos``, the position after it, and whether
        it had escapes (then its characters' columns differ from the text's)."""
        plain = _PLAIN_STRING.match(self.text, pos)
        if plain:
            return plain.group(1), plain.end(), False
        parts: list[str] = []
        i = pos + 1
        text = self.text
        while True:
            if i >= len(text):
                raise self.error(pos, "invalid JSON: a string without its closing '\"'")
            char = text[i]
            if char == '"':
                return "".join(parts), i + 1, True
            if char < " ":
                raise self.error(
                    i, f"invalid JSON: control character {char!r} in a string (write it escaped)"
                )
            if char != "\\":
                parts.append(char)
                i += 1
                continue
            code = text[i + 1 : i + 2]
            if code in _ESCAPES:
                parts.append(_ESCAPES[code])
                i += 2
                continue
            if code != "u":
                raise self.error(i, f"invalid JSON: unknown escape '\\{code}' in a string")
            unit, i = self.hex4(i)
            if 0xD800 <= unit < 0xDC00 and text.startswith("\\u", i):
                low, after = self.hex4(i)
                if 0xDC00 <= low < 0xE000:
                    parts.append(chr(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)))
                    i = after
                    continue
            if 0xD800 <= unit < 0xE000:
                raise self.error(
                    i - 6, "invalid JSON: a lone surrogate escape (not a Unicode character)"
                )
            parts.append(chr(unit))

    def hex4(self, i: int) -> tuple[int, int]:
        """The code unit of the ``\\uXXXX`` escape at ``i``, and the position after it."""
        digits = _HEX4.match(self.text, i + 2)
        if digits is None:
            raise self.error(i, "invalid JSON: '\\u' must be followed by four hex digits")
        return int(digits.group(), 16), i + 6


def parse_json(text: str, path: str) -> Located:
    """Parse strict JSON text into :class:`Located` data (the caller checks the size)."""
    lines = text.splitlines()
    located = Located(data=None, path=path, lines=lines, file_lines={path: lines})
    reader = _Reader(text, located)
    # RFC 8259 lets a parser ignore a byte order mark; editors on Windows write one.
    pos = reader.skip(1 if text.startswith("\ufeff") else 0)
    if pos >= len(text):
        raise SpecError([Problem(Source(path, 1, 1), "the file is empty")])
    located.data, pos = reader.value(pos, (), 0)
    pos = reader.skip(pos)
    if pos < len(text):
        raise reader.invalid(pos, "the end of the file after the JSON value")
    return located
