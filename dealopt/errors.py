"""The errors dealopt raises.

Every error a user can cause by a bad instance file is a :class:`SpecError` carrying one or
more :class:`Problem` s, each with a file, line and column. Errors subclass the matching
built-in, so ``except ValueError`` keeps working for library users.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """Where a node of an instance file starts: 1-based line and column."""

    path: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"

    def shifted(self, offset: int) -> Source:
        """The position ``offset`` characters further on the same line."""
        return Source(self.path, self.line, self.col + offset)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an instance: where, what, and the nearest valid name if any."""

    source: Source | None
    message: str
    hint: str | None = None
    # The text of the line, for the caret display; None when unknown.
    line_text: str | None = None

    def render(self) -> str:
        where = f"{self.source}: " if self.source else ""
        out = f"{where}error: {self.message}"
        if self.hint:
            out += f" ({self.hint})"
        if self.line_text is not None and self.source is not None:
            text, col = _window(self.line_text, self.source.col)
            out += f"\n    {text}\n    {' ' * (col - 1)}^"
        return out


#: Characters of a long line shown around the caret (a machine-written file may hold
#: megabytes on one line).
LINE_WINDOW = 100


def _window(text: str, col: int) -> tuple[str, int]:
    """At most :data:`LINE_WINDOW` characters of ``text`` around column ``col``, marked with
    '...' where cut, and the column in what is shown."""
    if len(text) <= LINE_WINDOW:
        return text, col
    start = max(0, min(col - 1 - LINE_WINDOW // 2, len(text) - LINE_WINDOW))
    prefix = "..." if start else ""
    suffix = "..." if start + LINE_WINDOW < len(text) else ""
    return prefix + text[start : start + LINE_WINDOW] + suffix, col - start + len(prefix)


class DealoptError(Exception):
    """Base of every error dealopt raises on purpose."""


class SpecError(DealoptError, ValueError):
    """An instance is invalid. Carries every problem found, in file order."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(p.render() for p in self.problems))

    @property
    def first(self) -> Problem:
        return self.problems[0]


class RuleSyntaxError(SpecError):
    """A rule, condition, quantity or term value does not parse."""


class RuleTypeError(SpecError):
    """A rule parses but names something unknown or mixes types."""


class BackendUnavailableError(DealoptError, ImportError):
    """A backend's solver package is not installed; the message says how to install it."""


class ScaleOverflowError(DealoptError, OverflowError):
    """Exact integer scaling would exceed a backend's integer range."""


class OracleRejectedError(DealoptError, AssertionError):
    """A backend returned a deal the rules oracle rejects: a bug in dealopt, please report."""


class UsageError(DealoptError, ValueError):
    """The library or CLI was called with arguments that make no sense together."""


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """'did you mean 'x'?' for the closest candidate, or None when nothing is close."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None
