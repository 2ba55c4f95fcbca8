"""One wall-clock budget per command, and one way for long work to say what it is doing.

A command (``dealopt solve``, ``report``, ``explain``, ``evaluate``) makes one
:class:`Deadline` when it starts, before it reads the file, and hands a :class:`Progress`
holding it to every phase it runs (solve, explain, evaluate, sample). The phases share the
deadline: ``--time-limit`` bounds the whole command's wall time, and the times reported are
wall times since the command started. A phase that finds the deadline passed stops, and its
result says so (partial frontier, analysis not computed, cloud left out).

The library layers call :meth:`Progress.phase` and :meth:`Progress.note` and know nothing of
how (or whether) that is shown: the terminal bar is :mod:`dealopt.report.progress_bar`. This
module imports nothing but the standard library.
"""

from __future__ import annotations

import time
from collections.abc import Callable

Listener = Callable[[str, str, float], None]
"""``listener(phase, detail, elapsed_seconds)``, called when the phase or its detail change."""


class Deadline:
    """A wall-clock budget: ``seconds`` from ``start`` (None: no limit).

    ``clock`` is :func:`time.perf_counter` (wall time, monotonic); tests pass their own.
    """

    def __init__(
        self,
        seconds: float | None = None,
        *,
        clock: Callable[[], float] | None = None,
    ):
        if seconds is not None and seconds <= 0:
            from dealopt.errors import UsageError

            raise UsageError(f"time limit must be positive, got {seconds}")
        self.seconds = seconds
        # Looked up at each call, not bound here, so a test can patch this module's `time`.
        self.clock = clock or (lambda: time.perf_counter())
        self.start = self.clock()

    def elapsed(self) -> float:
        """Wall seconds since the deadline was made."""
        return self.clock() - self.start

    def remaining(self) -> float | None:
        """Seconds left (zero or less once passed); None without a limit."""
        if self.seconds is None:
            return None
        return self.seconds - self.elapsed()

    @property
    def passed(self) -> bool:
        left = self.remaining()
        return left is not None and left <= 0

    def __repr__(self) -> str:
        return f"Deadline(seconds={self.seconds}, elapsed={self.elapsed():.3f})"


class Progress:
    """Where a command is: its :class:`Deadline`, its phase, and a listener to tell.

    Without a listener it only keeps the deadline (a pipe, a library call).
    """

    def __init__(self, deadline: Deadline | None = None, listener: Listener | None = None):
        self.deadline = deadline or Deadline()
        self.listener = listener
        self.current = ""
        # The first count of the current phase (elapsed seconds, count): the rate's start.
        self._counted: tuple[float, int] | None = None

    @classmethod
    def of(cls, progress: Progress | None, time_limit: float | None) -> Progress:
        """The ``progress`` a caller passed, or a quiet one with a deadline of ``time_limit``.

        Passing both is refused: a shared deadline's limit was set where it was made.
        """
        if progress is None:
            return cls(Deadline(time_limit))
        if time_limit is not None:
            from dealopt.errors import UsageError

            raise UsageError("give the time limit to the Progress's Deadline, not both")
        return progress

    def phase(self, name: str, detail: str = "") -> None:
        """Enter phase ``name`` ("searching the frontier", "explaining: backbone", ...)."""
        self.current = name
        self._counted = None
        self._tell(detail)

    def note(self, detail: str) -> None:
        """Say how far the current phase is ("12 frontier points, 40 solver calls")."""
        self._tell(detail)

    def count(self, done: int, total: int, unit: str = "scenarios") -> None:
        """Say how many of ``total`` items the current phase has done, and about how long the
        rest will take at the rate since its first count ("1,200 of 10,000 scenarios, about
        4 s left")."""
        now = self.deadline.elapsed()
        if self._counted is None:
            self._counted = (now, done)
        since, first = self._counted
        detail = f"{done:,} of {total:,} {unit}"
        if done > first and now > since and done < total:
            left = (total - done) * (now - since) / (done - first)
            detail += f", about {left:.0f} s left"
        self.note(detail)

    def frontier(self, points: int, calls: int, elapsed: float) -> None:
        """The frontier algorithms' callback (``progress(points, calls, elapsed)``)."""
        self.note(f"{points} frontier point{'s' * (points != 1)}, {calls} solver calls")

    def _tell(self, detail: str) -> None:
        if self.listener is not None:
            self.listener(self.current, detail, self.deadline.elapsed())
