"""``evaluate``: judging one deal, in-process (``dealopt.evaluate``), wall and CPU time.

* Helsinki's two named deals (576,000 deals, ``auto`` = enumerate);
* the two-party family (:func:`benchmarks.families.two_party`, seed :data:`SEED`) at k = 29
  issues (1.9 × 10^20 deals) with CP-SAT: its status quo (feasible, dominated), and the deal
  with every issue at its second option (``o1``), one single deal per run.

Target: one deal of a 10^20-deal space in under :data:`TARGET` seconds, the whole evaluation
(max-min gain, the frontier of the box above the deal for dominance and Nash, the nearest
feasible deals when it is infeasible).
"""

from __future__ import annotations

import dealopt
from benchmarks.families import two_party
from benchmarks.record import Row, median, seconds
from benchmarks.suite import HELSINKI, SEED, interleaved, print_table, verdict

TARGET = 10.0
"""Seconds for one deal of the 10^20-deal family."""


def bench_evaluate(quick: bool) -> list[Row]:
    repeats = 1 if quick else 3
    k = 10 if quick else 29
    helsinki = dealopt.load(HELSINKI)
    family = dealopt.instance(two_party(k, SEED), name=f"two-party-{k}")
    second = {name: "o1" for name in family.issues}
    cases = {
        "helsinki, 2 named deals": lambda: dealopt.evaluate(helsinki),
        f"two-party k={k}, status quo": lambda: dealopt.evaluate(
            family, {}, backend="cpsat", threads=1
        ),
        f"two-party k={k}, every issue o1": lambda: dealopt.evaluate(
            family, second, backend="cpsat", threads=1
        ),
    }
    timings = interleaved(cases, repeats)
    rows = []
    for case, t in timings.items():
        ev = t.value
        assert isinstance(ev, dealopt.Evaluation)
        wall = median(t.wall)
        first = ev.deals[0]
        size = (
            helsinki.bundle_space_size if case.startswith("helsinki") else family.bundle_space_size
        )
        notes = [
            f"{size:.2e} deals",
            "feasible" if first.feasible else "infeasible",
            f"dominated by {first.dominated_by}",
        ]
        target, met = "", ""
        if not case.startswith("helsinki") and not quick:
            target = f"< {TARGET:g} s"
            met = verdict(wall < TARGET, f"{wall / TARGET:.1f}x over")
        rows.append(
            t.row(
                "evaluate",
                case,
                backend=ev.backend,
                threads="1" if ev.backend == "cpsat" else "",
                solver_calls=ev.solver_calls,
                status="complete" if all(d.frontier_complete for d in ev.deals) else "partial",
                target=target,
                met=met,
                note="; ".join(notes),
            )
        )
    print_table(
        f"evaluate: dealopt.evaluate in-process (median of {repeats}, interleaved)",
        ["case", "backend", "wall s", "min s", "CPU s", "calls", "status", "met", "load", "note"],
        [
            [
                r.case,
                r.backend,
                seconds(r.median_s),
                seconds(r.min_s),
                seconds(r.cpu_s),
                r.solver_calls,
                r.status,
                r.met,
                r.load1,
                r.note,
            ]
            for r in rows
        ],
    )
    return rows
