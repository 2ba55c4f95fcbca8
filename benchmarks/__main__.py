"""``python -m benchmarks [--quick] [--only NAME ...]``: the whole benchmark suite, one command.

Two kinds of benchmark run in turn:

* dealopt on its own (``cli``, ``family``, ``negmas``, ``profile``, ``knobs``, ``evaluate``,
  ``language``, ``sweep``, ``parallel``; ``suite.py``, ``knobs.py``, ``evaluate.py``,
  ``language.py``, ``sweep.py``, ``parallel.py``): markdown tables, one CSV row per case in
  ``benchmarks/results/<date>-<machine>.csv`` (``...-quick.csv`` with ``--quick``);
* dealopt side by side with its peers (``additive``, ``families``, ``anchors``, ``genius``,
  ``scale``;
  ``compare.py``): every method of an instance in a fresh process, interleaved round by round,
  medians; rows in ``...-compare[-quick].csv`` and log-log plots in ``benchmarks/results/``.
  Exact methods that disagree make the command exit with status 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.record import RESULTS, Row, load1, machine, write

# Imported when run, not here: the comparison's worker processes are spawned, and a spawned
# child re-imports this module; importing dealopt, OR-Tools or pandas here would count in
# every child's peak memory.
BENCHMARKS = {
    "cli": "benchmarks.suite:bench_cli",
    "family": "benchmarks.suite:bench_family",
    "negmas": "benchmarks.suite:bench_negmas",
    "profile": "benchmarks.suite:bench_profile",
    "knobs": "benchmarks.knobs:bench_knobs",
    "evaluate": "benchmarks.evaluate:bench_evaluate",
    "language": "benchmarks.language:bench_language",
    "sweep": "benchmarks.sweep:bench_sweep",
    "sweep-warm": "benchmarks.sweep:bench_warm_start",
    "sweep-workers": "benchmarks.sweep:bench_sweep_workers",
    "parallel": "benchmarks.parallel:bench_parallel",
}
PEER_GROUPS = ("additive", "families", "anchors", "genius", "scale")  # benchmarks.compare.GROUPS
NAMES = (*BENCHMARKS, *PEER_GROUPS)
ON_REQUEST = ("scale",)
"""Groups that run only when named with ``--only`` (hours of runs at the real scale)."""


def _function(name: str) -> Callable[[bool], list[Row]]:
    module, _, attribute = BENCHMARKS[name].partition(":")
    return getattr(importlib.import_module(module), attribute)  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick", action="store_true", help="small sizes, one round: under 5 minutes (for CI)"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=NAMES,
        metavar="NAME",
        help=f"run only this benchmark (repeatable): {', '.join(NAMES)} ({', '.join(ON_REQUEST)}: "
        "only when named)",
    )
    parser.add_argument(
        "--limit", type=float, default=120.0, help="per-run time limit of the peer comparison (s)"
    )
    parser.add_argument(
        "--rounds", type=int, default=None, help="peer comparison rounds (default 3; 1 if quick)"
    )
    parser.add_argument("--threads", type=int, default=1, help="dealopt threads in the comparison")
    parser.add_argument(
        "--match", default=None, help="comparison cases whose name this regular expression finds"
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="directory of the CSV files")
    parser.add_argument("--no-save", action="store_true", help="write no CSV and no plot")
    args = parser.parse_args(argv)

    mode = "quick" if args.quick else "full"
    names = args.only or [n for n in NAMES if n not in ON_REQUEST]
    m = machine()
    print(f"# dealopt benchmarks ({mode}): {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"\nMachine: {m.describe()}; load average at start {load1()}")
    started, start_time = time.perf_counter(), dt.datetime.now()
    saved, path = 0, None
    for name in (n for n in names if n in BENCHMARKS):
        rows = _function(name)(args.quick)
        if not args.no_save:  # after each benchmark, so an interrupted run keeps its rows
            path = write(rows, mode, args.results, start_time)
            saved += len(rows)
    if path is not None:
        shown = path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
        print(f"\n{saved} rows appended to {shown}")
    status = 0
    groups = tuple(n for n in names if n in PEER_GROUPS)
    if groups:
        from benchmarks import compare

        print("\n## dealopt and its peers, side by side", flush=True)
        status = compare.report(
            quick=args.quick,
            limit=args.limit,
            threads=args.threads,
            only=groups,
            rounds=args.rounds,
            results=None if args.no_save else args.results,
            match=args.match,
        )
    print(f"\nTotal {time.perf_counter() - started:.1f} s; load average at end {load1()}")
    return status


if __name__ == "__main__":
    sys.exit(main())
