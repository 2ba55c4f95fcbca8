"""Where the time of one ``dealopt.solve`` goes, phase by phase (cProfile).

    python -m benchmarks.profile helsinki --backend cpsat
    python -m benchmarks.profile family:30 --backend cpsat --threads 2
    python -m benchmarks.profile additive:8 --backend enumerate --json
    python -m benchmarks.profile negotiation:3:20:third --backend cpsat --time-limit 120
    python -m benchmarks.profile kirlik:3:100 --backend auto --time-limit 600 --top 15

Run it in a fresh interpreter (``python -m benchmarks`` does): the first phase is the imports
that a command-line run pays (dealopt, numpy, OR-Tools with the pandas it pulls in), timed
before profiling starts. The other phases come from one profiled run and are disjoint:

* ``load``: reading and checking the instance (``dealopt.load`` / ``dealopt.instance``);
* ``oracle + compile``: building the rules oracle and compiling the solver-neutral model;
* ``backend build``: the CP-SAT model, or the whole enumeration of the bundle space;
* ``solver (native CP-SAT)``: time inside OR-Tools' C++ ``solve``;
* ``solver calls (Python side)``: setting bounds, objective and hints, reading solutions;
* ``frontier algorithm``: the rest of the frontier search (for ``enumerate``: its
  nondominated filter);
* ``oracle re-check``: decoding every frontier deal and re-checking rules and utilities
  exactly with Fractions;
* ``zone, solutions, result``: the rest of ``dealopt.solve``.

cProfile slows pure-Python code more than native code, so Python phases are overstated a
little; the shares are still the right order.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import time
from typing import Any


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__)
    parser.add_argument(
        "case",
        help="helsinki, family:K, additive:K, negotiation:PARTIES:K:DENSITY, moip:PATH (a MOIP "
        "JSON file) or kirlik:OBJECTIVES:ITEMS (benchmarks/kirlik.py, seed 1)",
    )
    parser.add_argument("--backend", default="cpsat")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--time-limit", type=float, default=None, help="seconds for the solve")
    parser.add_argument("--json", action="store_true", help="print the phases as JSON")
    parser.add_argument("--top", type=int, default=0, help="also print the top N functions")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    import dealopt
    import dealopt.frontier
    import dealopt.pipeline
    from dealopt.backends import get_backend

    get_backend(args.backend)
    if args.backend in ("cpsat", "auto"):
        from ortools.sat.python import cp_model  # noqa: F401  (pulls in pandas)
    import numpy  # noqa: F401

    imports = time.perf_counter() - start

    from benchmarks.families import two_party
    from benchmarks.suite import HELSINKI, SEED

    name, _, k = args.case.partition(":")
    if name == "helsinki":
        make = lambda: dealopt.load(HELSINKI)  # noqa: E731
    elif name in ("family", "additive"):
        extra: dict[str, Any] = {"red_lines": 0, "no_deal": 0} if name == "additive" else {}
        data = two_party(int(k), SEED, **extra)
        make = lambda: dealopt.instance(data, name=args.case)  # noqa: E731
    elif name == "negotiation":
        from benchmarks.families_multi import multi_party

        parties, issues, density = k.split(":")
        data = multi_party(int(parties), int(issues), SEED, density)
        make = lambda: dealopt.instance(data, name=args.case)  # noqa: E731
    elif name == "moip":
        from dealopt.io import moip

        make = lambda: moip.load(k)  # noqa: E731
    elif name == "kirlik":
        from benchmarks.kirlik import knapsack
        from dealopt.io import moip

        objectives, items = k.split(":")
        data = knapsack(int(objectives), int(items), SEED)
        make = lambda: moip.from_data(data)  # noqa: E731
    else:
        parser.error(f"unknown case {args.case!r}")

    profiler = cProfile.Profile()
    profiler.enable()
    instance = make()
    result = dealopt.solve(
        instance, backend=args.backend, threads=args.threads, time_limit=args.time_limit
    )
    profiler.disable()
    stats = pstats.Stats(profiler)
    phases, note = split(stats, imports)
    report = {
        "case": args.case,
        "backend": result.stats.backend,
        "threads": args.threads,
        "points": len(result.frontier),
        "calls": result.stats.solver_calls,
        "phases": phases,
        "note": note,
    }
    if args.json:
        print(json.dumps(report))
    else:
        print(
            f"{args.case} {result.stats.backend}: N={report['points']} calls={report['calls']} "
            f"{result.status}"
        )
        for phase, secs in phases.items():
            print(f"  {phase:32s} {secs:8.3f} s  {100 * secs / phases['total']:5.1f}%")
        print(f"  {note}")
        if args.top:
            stats.sort_stats("tottime").print_stats(args.top)
    return 0


def split(stats: pstats.Stats, imports: float) -> tuple[dict[str, float], str]:
    """The disjoint phases of one profiled load + solve, in seconds."""
    from dealopt import api, pipeline
    from dealopt.compile import compiler
    from dealopt.frontier import pareto
    from dealopt.rules.oracle import Oracle

    table: dict[tuple, tuple] = stats.stats  # type: ignore[attr-defined]

    def key(fn: Any) -> tuple[str, int, str]:
        code = (fn.__func__ if hasattr(fn, "__func__") else fn).__code__
        return code.co_filename, code.co_firstlineno, code.co_name

    def cum(fn: Any) -> float:
        entry = table.get(key(fn))
        return entry[3] if entry else 0.0

    def cum_from(fn: Any, caller: Any) -> float:
        entry = table.get(key(fn))
        return entry[4].get(key(caller), (0, 0, 0, 0.0))[3] if entry else 0.0

    native, native_calls = 0.0, 0
    for (_, _, func), (_, nc, tt, _, _) in table.items():
        if "cp_model_helper.solve" in func:
            native += tt
            native_calls += nc
    session_solve = build = 0.0
    try:
        from dealopt.backends.cpsat import CpSatSession

        session_solve += cum(CpSatSession.solve)
        build += cum(CpSatSession.__init__)
    except ImportError:  # pragma: no cover - ortools missing
        pass
    from dealopt.backends.enumerate import EnumerateSession

    build += cum(EnumerateSession.__init__)
    load = cum(api.load) + cum(api.instance)
    solve = cum(pipeline.solve)
    compile_ = cum(Oracle.__init__) + cum(compiler.compile_instance)
    frontier = cum(pareto.pareto_frontier)
    recheck = cum(pipeline._checked_deal) + cum_from(Oracle.utilities, pipeline.solve)
    phases = {
        "imports (before profiling)": imports,
        "load": load,
        "oracle + compile": compile_,
        "backend build": build,
        "solver (native CP-SAT)": native,
        "solver calls (Python side)": max(session_solve - native, 0.0),
        "frontier algorithm": max(frontier - session_solve, 0.0),
        "oracle re-check": recheck,
        "zone, solutions, result": max(solve - compile_ - build - frontier - recheck, 0.0),
    }
    phases["total"] = imports + load + solve
    note = ""
    if native_calls:
        note = f"mean native CP-SAT solve {1000 * native / native_calls:.1f} ms"
    return {k: round(v, 4) for k, v in phases.items()}, note


if __name__ == "__main__":
    sys.exit(main())
