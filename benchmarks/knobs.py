"""CP-SAT parameters against the per-call cost of the epsilon-constraint frontier.

The family benchmark spends nearly all its time in CP-SAT, one lexicographic solve per
frontier point. This takes one instance of the family, picks evenly spaced bounds
``f2 >= b`` between the two ends of its frontier, and solves each bound's step
(``max M*f1 + f2`` s.t. ``f2 >= b``, the combined solve that ``Run.lexmax`` makes) under several
CP-SAT settings, interleaved bound by bound so load hits every setting alike. Every setting
must return the same optimum. It reaches into the CP-SAT session's solver parameters, which
dealopt does not expose: a measurement for developers, not an interface.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import dealopt
from benchmarks.families import two_party
from benchmarks.record import Row, load1
from benchmarks.suite import SEED, interleaved, print_table

SETTINGS: dict[str, tuple[int | None, dict[str, Any]]] = {
    "default (2 workers here)": (None, {}),
    "1 worker": (1, {}),
    "1 worker, presolve off": (1, {"cp_model_presolve": False}),
    "1 worker, linearization_level 2": (1, {"linearization_level": 2}),
    "1 worker, presolve off, linearization 2": (
        1,
        {"cp_model_presolve": False, "linearization_level": 2},
    ),
    "2 workers, presolve off, linearization 2": (
        2,
        {"cp_model_presolve": False, "linearization_level": 2},
    ),
}


def bench_knobs(quick: bool) -> list[Row]:
    from dealopt.compile.compiler import compile_instance
    from dealopt.frontier.runner import Run
    from dealopt.rules.oracle import Oracle

    k, samples = (8, 10) if quick else (30, 40)
    instance = dealopt.instance(two_party(k, SEED), name=f"two-party-{k}")
    model, _ = compile_instance(instance, Oracle(instance))
    runs = {name: Run(_session(model, name), None, None) for name in SETTINGS}
    probe = next(iter(runs.values()))
    top = probe.lexmax(0, [1], {}, None)  # best for party a
    end = probe.lexmax(1, [0], {}, None)  # best for party b
    assert top is not None and end is not None and top.objectives and end.objectives
    lo, hi = top.objectives[1], end.objectives[1]
    bounds = [lo + (hi - lo) * i // samples for i in range(samples)]
    times: dict[str, list[float]] = {name: [] for name in runs}
    found: dict[str, list[Any]] = {name: [] for name in runs}
    load = load1()
    for b in bounds:
        for name, run in runs.items():
            start = time.perf_counter()
            solution = run.lexmax(0, [1], {1: (b, None)}, None)
            times[name].append(time.perf_counter() - start)
            found[name].append(None if solution is None else solution.objectives)
    base = statistics.median(times["1 worker"])
    reference = found["1 worker"]
    rows = []
    for name in runs:
        per_call = statistics.median(times[name])
        rows.append(
            Row(
                "knobs",
                f"two-party k={k}: one epsilon-constraint step, {name}",
                backend="cpsat",
                threads=str(SETTINGS[name][0] or "default"),
                repeats=samples,
                median_s=per_call,
                min_s=min(times[name]),
                ratio=f"{per_call / base:.2f}",
                status="same optima" if found[name] == reference else "DIFFERENT optima",
                note=f"{samples} bounds f2 >= b between the frontier's ends; "
                f"sum {sum(times[name]):.2f} s",
                load1=load,
            )
        )
    print_table(
        f"5. CP-SAT settings, per epsilon-constraint step on two-party k={k} "
        f"({samples} bounds, interleaved)",
        ["setting", "median ms per call", "min ms", "vs 1 worker", "optima", "load"],
        [
            [
                name,
                f"{1000 * (r.median_s or 0):.1f}",
                f"{1000 * (r.min_s or 0):.1f}",
                r.ratio,
                r.status,
                r.load1,
            ]
            for name, r in zip(runs, rows, strict=True)
        ],
    )
    rows += _whole_frontier(model, k, 1 if quick else 2)
    return rows


FRONTIER_SETTINGS = (
    "default (2 workers here)",
    "1 worker",
    "1 worker, presolve off, linearization 2",
)


def _session(model: Any, name: str) -> Any:
    from dealopt.backends import SolveOptions, get_backend

    threads, params = SETTINGS[name]
    session = get_backend("cpsat").build(model, SolveOptions(threads=threads))
    for key, value in params.items():
        setattr(session._solver.parameters, key, value)  # private: see the docstring
    return session


def _whole_frontier(model: Any, k: int, repeats: int) -> list[Row]:
    """The whole epsilon-constraint search (``pareto_frontier`` alone: no compile, no oracle
    re-check) under the main settings, interleaved."""
    from dealopt.frontier import pareto_frontier

    timings = interleaved(
        {name: (lambda n=name: pareto_frontier(_session(model, n))) for name in FRONTIER_SETTINGS},
        repeats,
    )
    reference = [p.objectives for p in timings["1 worker"].value.points]
    base = statistics.median(timings["1 worker"].wall)
    rows = []
    for name, t in timings.items():
        found = t.value
        same = [p.objectives for p in found.points] == reference
        rows.append(
            t.row(
                "knobs",
                f"two-party k={k}: whole frontier search, {name}",
                backend="cpsat",
                threads=str(SETTINGS[name][0] or "default"),
                points=len(found.points),
                solver_calls=found.solver_calls,
                status="complete" if found.complete else f"partial ({found.stopped})",
                ratio=f"{statistics.median(t.wall) / base:.2f}",
                note="pareto_frontier only (no compile, no oracle re-check); "
                + ("same frontier" if same else "DIFFERENT frontier"),
            )
        )
    print_table(
        f"5b. CP-SAT settings, whole frontier search on two-party k={k} "
        f"(median of {repeats}, interleaved)",
        ["setting", "wall s", "CPU s", "vs 1 worker", "N", "calls", "status", "load", "note"],
        [
            [
                name,
                f"{r.median_s:.2f}",
                f"{r.cpu_s:.2f}",
                r.ratio,
                r.points,
                r.solver_calls,
                r.status,
                r.load1,
                r.note,
            ]
            for name, r in zip(FRONTIER_SETTINGS, rows, strict=True)
        ],
    )
    return rows
