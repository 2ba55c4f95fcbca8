"""``parallel``: the frontier searched on two cores at once (issue 17, item 2).

The 3-party negotiation family (``families_multi.multi_party``, k = 12, red lines at a third,
seed 1) with the ``cpsat`` backend: one process (``workers=1``, the serial search) against two
workers (``workers=2``: two threads of this process with CP-SAT), each run a fresh
interpreter, the cases interleaved round by round, medians; then the same on a Dask cluster of
two single-threaded worker processes started on this machine (one round: the frontier must be
identical). Every run's frontier must equal the first one's (the command fails otherwise).

Target (issue 17): two workers at least :data:`TARGET` times faster than one. The rows name the
1-minute load average: the machine is shared, and a busy machine starves the workers. Each
round also times the machine's own ceiling: a pure-Python loop alone, then two copies at once
(two fresh interpreters); ``2 x alone / both`` is the most two workers could gain, and the
speed-up is also given as a share of it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from statistics import median

from benchmarks.record import Row, load1
from benchmarks.suite import print_table, verdict

TARGET = 1.7
ROUNDS = 3

_RUN = """
import hashlib, json, sys, time
import dealopt
from benchmarks.families_multi import multi_party
parties, k, workers, dask = (int(a) for a in sys.argv[1:5])
instance = dealopt.instance(multi_party(parties, k, 1, "third"))
client = cluster = None
if dask:
    from distributed import Client, LocalCluster
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None)
    client = Client(cluster)
start = time.perf_counter()
result = dealopt.solve(instance, backend="cpsat", threads=1, workers=workers, client=client)
took = time.perf_counter() - start
points = sorted(tuple(str(u) for u in p.utilities.values()) for p in result.frontier)
digest = hashlib.sha256(json.dumps(points).encode()).hexdigest()
print(json.dumps({"seconds": took, "points": len(points), "digest": digest,
                  "calls": result.stats.solver_calls, "regions": result.stats.regions,
                  "status": str(result.status)}))
if client is not None:
    client.close()
    cluster.close()
"""


_CPU = """
total = 0
for i in range(CPU_LOOP):
    total += i * i % 7
"""

CPU_LOOP = 60_000_000
"""Iterations of the pure-Python loop that measures the machine's ceiling (about 15 s alone)."""


def _cpu(copies: int) -> float:
    """Wall seconds for ``copies`` fresh interpreters running the loop at once."""
    code = _CPU.replace("CPU_LOOP", str(CPU_LOOP))
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(copies)]
    for proc in procs:
        if proc.wait() != 0:
            raise RuntimeError("the CPU loop failed")
    return time.perf_counter() - start


def _run(parties: int, k: int, workers: int, dask: bool) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(parties), str(k), str(workers), str(int(dask))],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_parallel(quick: bool) -> list[Row]:
    k = 8 if quick else 12
    rounds = 1 if quick else ROUNDS
    cases = {
        f"3 parties k={k}, cpsat, 1 process": (1, False),
        f"3 parties k={k}, cpsat, 2 workers": (2, False),
    }
    runs: dict[str, list[tuple[dict, float]]] = {case: [] for case in cases}
    ceiling: dict[int, list[tuple[float, float]]] = {1: [], 2: []}
    for _ in range(rounds):
        for case, (workers, dask) in cases.items():
            load = load1()
            runs[case].append((_run(3, k, workers, dask), load))
        for copies in (1, 2):
            load = load1()
            ceiling[copies].append((_cpu(copies), load))
    dask_case = f"3 parties k={k}, cpsat, Dask cluster of 2 workers"
    try:
        import distributed  # noqa: F401

        runs[dask_case] = [(_run(3, k, 2, True), load1())]
    except ImportError:
        pass
    first = next(iter(runs.values()))[0][0]
    for case, done in runs.items():
        for out, _ in done:
            if (out["digest"], out["status"]) != (first["digest"], first["status"]):
                raise AssertionError(f"{case}: the frontier differs from the first run's")
    serial = median(out["seconds"] for out, _ in runs[next(iter(cases))])
    alone = median(t for t, _ in ceiling[1])
    both = median(t for t, _ in ceiling[2])
    most = 2 * alone / both  # the throughput of two jobs at once over one alone
    rows, lines = [], []
    for case, done in runs.items():
        wall = [out["seconds"] for out, _ in done]
        out = done[-1][0]
        ratio = serial / median(wall)
        share = f"{ratio / most:.0%} of the ceiling" if "process" not in case else ""
        target = met = ""
        if "2 workers" in case and "Dask" not in case and not quick:
            target = f">= {TARGET:g}x against 1 process"
            met = verdict(ratio >= TARGET, f"{ratio:.2f}x")
        loads = median(load for _, load in done)
        rows.append(
            Row(
                "parallel",
                case,
                backend="cpsat",
                repeats=len(wall),
                median_s=median(wall),
                min_s=min(wall),
                points=out["points"],
                solver_calls=out["calls"],
                status=out["status"],
                target=target,
                met=met,
                ratio=f"{ratio:.2f}x",
                note=f"{out['regions']} regions; rounds {', '.join(f'{w:.1f}' for w in wall)} s"
                + (f"; {share}" if share else ""),
                load1=loads,
            )
        )
        lines.append(
            [case, len(wall), f"{median(wall):.1f}", out["points"], out["calls"],
             out["regions"], f"{ratio:.2f}x", share, f"{loads:.1f}", met]
        )  # fmt: skip
    for copies, label in ((1, "pure-Python loop alone"), (2, "two pure-Python loops at once")):
        wall = [t for t, _ in ceiling[copies]]
        loads = median(load for _, load in ceiling[copies])
        note = f"rounds {', '.join(f'{w:.1f}' for w in wall)} s"
        if copies == 2:
            note += f"; ceiling 2 x alone / both = {most:.2f}x"
        rows.append(
            Row("parallel", f"ceiling: {label}", repeats=len(wall), median_s=median(wall),
                min_s=min(wall), ratio=f"{most:.2f}x" if copies == 2 else "", note=note,
                load1=loads)
        )  # fmt: skip
        lines.append(
            [f"ceiling: {label}", len(wall), f"{median(wall):.1f}", "", "", "",
             f"{most:.2f}x" if copies == 2 else "", "", f"{loads:.1f}", ""]
        )  # fmt: skip
    print_table(
        "Frontier searched at once: 1 process against 2 workers (median wall seconds)",
        ["case", "rounds", "seconds", "points", "solver calls", "regions", "speed-up",
         "share of the ceiling", "load", "target met"],
        lines,
    )  # fmt: skip
    return rows
