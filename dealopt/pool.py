"""Tasks on local worker processes or on a Dask cluster: the one way dealopt fans work out
(sweep batches, frontier regions).

A :class:`Pool` is made with a *payload*: the prepared, picklable thing every task needs (a
sweep's engine, a compiled model with its backend). It reaches each worker once - at a local
process's start, or scattered to every Dask worker - and a worker keeps the payload of the
latest ``token`` it was given, so later tasks of the same run reuse it (and whatever they
cached on it). A task is ``fn(payload, *args)``; ``fn`` must be importable by name.

Local workers are started with ``spawn`` (no fork of a threaded solver) and ignore Ctrl-C: the
parent stops them itself (no traceback per worker).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from typing import Any

# One payload per process and run: installed on a worker's first task (or at its start), reused.
_PAYLOADS: dict[str, Any] = {}


def new_token() -> str:
    """A name for one run's payload, unique across processes and time."""
    return f"{os.getpid()}-{time.time_ns()}"


def payload(token: str, sent: Any = None) -> Any:
    """The payload of run ``token`` in this process: the one installed, else ``sent``."""
    cached = _PAYLOADS.get(token)
    if cached is None:
        if sent is None:
            raise RuntimeError("a task reached a worker without its payload")
        _PAYLOADS.clear()  # one run at a time per process: bounded memory
        _PAYLOADS[token] = cached = sent
    return cached


def _call(fn: Callable[..., Any], token: str, sent: Any, *args: Any) -> Any:
    return fn(payload(token, sent), *args)


def _install(token: str, sent: Any) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _PAYLOADS.clear()
    _PAYLOADS[token] = sent


class Pool:
    """``workers`` local processes, or the workers of a Dask ``client`` when one is given."""

    def __init__(self, token: str, sent: Any, *, workers: int = 1, client: Any = None):
        self.token = token
        self.client = client
        self._pending: set = set()
        if client is not None:
            [self._shared] = client.scatter([sent], broadcast=True)
            self.workers = max(1, len(client.scheduler_info().get("workers", {})))
            self._pool = None
        else:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.workers = workers
            self._shared = None
            self._pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_install,
                initargs=(token, sent),
            )

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Start ``fn(payload, *args)`` on some worker; a future with ``result()``."""
        if self._pool is not None:
            future = self._pool.submit(_call, fn, self.token, None, *args)
        else:
            future = self.client.submit(_call, fn, self.token, self._shared, *args, pure=False)
        self._pending.add(future)
        return future

    def wait(self, futures: Iterable[Any], timeout: float | None = None) -> tuple[set, set]:
        """``(done, not_done)`` once one of ``futures`` is done or ``timeout`` seconds passed."""
        futures = list(futures)
        if self._pool is not None:
            from concurrent.futures import FIRST_COMPLETED
            from concurrent.futures import wait as wait_local

            done, rest = wait_local(futures, timeout=timeout, return_when=FIRST_COMPLETED)
        else:
            from distributed import wait as wait_dask

            try:
                done, rest = wait_dask(futures, timeout=timeout, return_when="FIRST_COMPLETED")
            except TimeoutError:
                done = {f for f in futures if f.done()}
                rest = set(futures) - done
        self._pending -= set(done)
        return set(done), set(rest)

    def result(self, future: Any) -> Any:
        """The result of ``future`` (waiting for it)."""
        out = future.result()
        self._pending.discard(future)
        return out

    def close(self, *, cancel: bool = False) -> None:
        """Shut the pool down; ``cancel`` drops the tasks still queued or running."""
        if self._pool is None:
            if cancel and self._pending:
                self.client.cancel(list(self._pending))
            self._pending.clear()
            return
        if not cancel:
            self._pool.shutdown(wait=True)
            return
        # The executor has no public way to stop a running task, and waiting for them would
        # hold Ctrl-C (or a passed deadline) for as long as they run.
        running = getattr(self._pool, "_processes", None)
        processes = list(running.values()) if isinstance(running, dict) else []
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        self._pending.clear()
