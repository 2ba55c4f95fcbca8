"""``python -m benchmarks [--quick] [--only NAME ...]``: run the benchmarks, print markdown
tables and append one CSV row per case to ``benchmarks/results/<date>-<machine>.csv``
(``...-quick.csv`` for ``--quick``)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.knobs import bench_knobs
from benchmarks.record import RESULTS, Row, load1, machine, write
from benchmarks.suite import bench_cli, bench_family, bench_negmas, bench_profile

BENCHMARKS: dict[str, Callable[[bool], list[Row]]] = {
    "cli": bench_cli,
    "family": bench_family,
    "negmas": bench_negmas,
    "profile": bench_profile,
    "knobs": bench_knobs,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes, one repeat: under a minute (for CI)"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=sorted(BENCHMARKS),
        metavar="NAME",
        help=f"run only this benchmark (repeatable): {', '.join(BENCHMARKS)}",
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="directory of the CSV files")
    parser.add_argument("--no-save", action="store_true", help="do not write the CSV")
    args = parser.parse_args(argv)

    mode = "quick" if args.quick else "full"
    names = args.only or list(BENCHMARKS)
    m = machine()
    print(f"# dealopt benchmarks ({mode}): {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"\nMachine: {m.describe()}; load average at start {load1()}")
    started, start_time = time.perf_counter(), dt.datetime.now()
    saved, path = 0, None
    for name in names:
        rows = BENCHMARKS[name](args.quick)
        if not args.no_save:  # after each benchmark, so an interrupted run keeps its rows
            path = write(rows, mode, args.results, start_time)
            saved += len(rows)
    if path is not None:
        shown = path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
        print(f"\n{saved} rows appended to {shown}")
    print(f"\nTotal {time.perf_counter() - started:.1f} s; load average at end {load1()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
