"""The progress bar of long commands, on a terminal only (rich, imported when one is shown).

A bar of the time budget when there is a ``--time-limit`` (full at the deadline), a pulsing
bar without one, the phase and how far it is, and the wall time since the command started.
In a pipe or a file nothing is written: the output stays clean for ``--format json``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from dealopt.progress import Deadline, Progress


@contextmanager
def terminal_progress(deadline: Deadline, stream: IO[str] | None = None) -> Iterator[Progress]:
    """A :class:`~dealopt.progress.Progress` on ``deadline`` that draws a bar on ``stream``
    (default stderr) while the block runs, when ``stream`` is a terminal; quiet otherwise."""
    stream = sys.stderr if stream is None else stream
    if not stream.isatty():
        yield Progress(deadline)
        return
    from rich.console import Console
    from rich.progress import Progress as Bar
    from rich.progress import ProgressColumn, SpinnerColumn, TextColumn
    from rich.progress_bar import ProgressBar
    from rich.text import Text

    class Budget(ProgressColumn):
        """The share of the time budget used, read from the deadline at every refresh."""

        def render(self, task: Any) -> Any:
            if deadline.seconds is None:
                return ProgressBar(total=None, pulse=True, width=24, animation_time=task.get_time())
            used = min(deadline.elapsed(), deadline.seconds)
            return ProgressBar(total=deadline.seconds, completed=used, width=24)

    class Clock(ProgressColumn):
        def render(self, task: Any) -> Any:
            limit = "" if deadline.seconds is None else f" of {deadline.seconds:g} s"
            return Text(f"{deadline.elapsed():.1f} s{limit}", style="progress.elapsed")

    console = Console(file=stream, stderr=stream is sys.stderr)
    columns = (SpinnerColumn(), Budget(), Clock(), TextColumn("{task.description}"))
    with Bar(*columns, console=console, transient=True, refresh_per_second=8) as bar:
        task = bar.add_task("starting", total=None)

        shown = [""]

        def listen(phase: str, detail: str, elapsed: float) -> None:
            bar.update(task, description=f"{phase}: {detail}" if detail else phase)
            if phase != shown[0]:  # drawn at once: a phase shorter than a refresh still shows
                shown[0] = phase
                bar.refresh()

        yield Progress(deadline, listen)
