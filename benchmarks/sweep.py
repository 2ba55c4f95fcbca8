"""``sweep``: Helsinki's uncertainty section, many sampled scenarios, each exact.

* ``dealopt.sweep`` on :data:`SCENARIOS` Monte Carlo scenarios (seed 0), in this process
  (``workers=1``) and on two local worker processes, wall and CPU time;
* ``dealopt.solve`` on each of :data:`SOLVES` of the same scenarios' instances, in the same run,
  for the per-scenario ratio (the sweep's seconds per scenario against solve's);
* peak memory (``ru_maxrss``) of a fresh process that sweeps each of :data:`MEMORY` scenario
  counts in one process as the command line does (outcomes counted as they come back, none
  kept whole) and writes the summary: what each more scenario costs.

Targets (issue 13): 10,000 scenarios under :data:`TARGET` seconds of wall time on a 2-core
machine; the sweep at least :data:`RATIO` times faster per scenario than calling
``dealopt.solve`` on each. The rows name the load average: the machines are shared.
"""

from __future__ import annotations

import time

import dealopt
from benchmarks.record import Row, load1, seconds
from benchmarks.suite import HELSINKI, cpu_seconds, print_table, verdict

SCENARIOS = 10_000
SOLVES = 200
TARGET = 5.0
RATIO = 100.0
MEMORY = (20_000, 100_000)
MEMORY_TARGET_GIB = 2.0  # for 10^6 scenarios (issue 13); smaller sizes measured here

_PEAK = """
import resource, sys
import dealopt
instance = dealopt.load(sys.argv[1])
dealopt.sweep(instance, samples=int(sys.argv[2]), seed=0, workers=1, keep_outcomes=0).text()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_memory(n: int) -> tuple[float, float]:
    """Peak resident memory (GiB) and wall seconds of a fresh process sweeping ``n`` scenarios."""
    import subprocess
    import sys

    wall = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, str(HELSINKI), str(n)],
        capture_output=True,
        text=True,
        check=True,
    )
    kib = int(done.stdout.split()[-1])  # Linux: kilobytes
    return kib / 2**20, time.perf_counter() - wall


def bench_sweep(quick: bool) -> list[Row]:
    from dealopt.spec.uncertainty import apply
    from dealopt.sweep.scenarios import sample

    n = 300 if quick else SCENARIOS
    solves = 5 if quick else SOLVES
    instance = dealopt.load(HELSINKI)
    rows: list[Row] = []
    timings: dict[str, tuple[float, float, float, object]] = {}
    cases = ((f"sweep, {n} scenarios, 1 process", 1),
             (f"sweep, {n} scenarios, 2 workers", 2))  # fmt: skip
    reference = None
    for case, workers in cases:
        load, cpu, wall = load1(), cpu_seconds(), time.perf_counter()
        result = dealopt.sweep(instance, samples=n, seed=0, workers=workers)
        timings[case] = (time.perf_counter() - wall, cpu_seconds() - cpu, load, result)
        outcomes = list(result.records())  # type: ignore[attr-defined]
        if reference is None:
            reference = outcomes
        elif outcomes != reference:
            raise AssertionError(f"{case}: outcomes differ from the first case's")
    scenarios = sample(instance.uncertainty, solves, "mc", 0)
    load, cpu, wall = load1(), cpu_seconds(), time.perf_counter()
    for row in range(solves):
        dealopt.solve(apply(instance, scenarios.numbers_of(row), scenarios.dropped(row)))
    solve_wall = time.perf_counter() - wall
    solve_cpu = cpu_seconds() - cpu
    per_solve = solve_wall / solves
    for case, (wall_s, cpu_s, load, result) in timings.items():
        per = wall_s / n
        ratio = per_solve / per
        target, met = "", ""
        if not quick:
            target = f"< {TARGET:g} s; >= {RATIO:g}x per scenario"
            met = verdict(wall_s < TARGET and ratio >= RATIO, f"{wall_s:.1f} s, {ratio:.0f}x")
        rows.append(
            Row(
                "sweep",
                case,
                backend="fast" if result.solve_reason is None else "solve",  # type: ignore[attr-defined]
                repeats=1,
                median_s=wall_s,
                min_s=wall_s,
                cpu_s=cpu_s,
                status=",".join(f"{k} {v}" for k, v in result.statuses.items()),  # type: ignore[attr-defined]
                target=target,
                met=met,
                ratio=f"{ratio:.0f}x",
                note=f"{per * 1000:.2f} ms per scenario; solve {per_solve * 1000:.0f} ms",
                load1=load,
            )
        )
    rows.append(
        Row(
            "sweep",
            f"dealopt.solve, {solves} of the scenarios",
            backend="auto",
            repeats=1,
            median_s=solve_wall,
            min_s=solve_wall,
            cpu_s=solve_cpu,
            load1=load,
            note=f"{per_solve * 1000:.0f} ms per scenario",
        )
    )
    for size in () if quick else MEMORY:
        load = load1()
        gib, wall_s = peak_memory(size)
        rows.append(
            Row(
                "sweep",
                f"peak memory, {size:,} scenarios, fresh process",
                backend="fast",
                repeats=1,
                median_s=wall_s,
                min_s=wall_s,
                load1=load,
                note=f"max RSS {gib:.2f} GiB (target for 10^6: < {MEMORY_TARGET_GIB:g} GiB)",
            )
        )
    print_table(
        "sweep: Helsinki's uncertainty section, Monte Carlo, seed 0 (one run each, side by side)",
        ["case", "way", "wall s", "CPU s", "ratio", "met", "load", "note"],
        [
            [
                r.case,
                r.backend,
                seconds(r.median_s),
                seconds(r.cpu_s),
                r.ratio,
                r.met,
                r.load1,
                r.note,
            ]
            for r in rows
        ],
    )
    return rows
