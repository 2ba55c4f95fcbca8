"""The peer comparison of ``python -m benchmarks``: dealopt side by side with its peers.

Groups (``GROUPS``):

* ``additive``: dealopt ``enumerate`` and ``auto`` against negmas' ``pareto_frontier`` on
  two-party additive spaces (:func:`benchmarks.families.two_party`, no red lines, no-deal 0);
* ``families``: the negotiation family (:func:`benchmarks.families_multi.multi_party`), 2
  parties up to k = 60 and 3-4 parties up to k = 20 at three red-line densities, against
  negmas on the same utilities (red lines as a filter on its outcomes) where enumerable;
* ``anchors``: dealopt ``cpsat``, ``highs`` and ``auto`` against pyaugmecon 2.0.1 + HiGHS and
  pymoo NSGA-II (recall and hypervolume ratio) on MOIP anchors;
* ``genius``: the GENIUS scenarios in ``shared/anchors/genius``, against negmas;
* ``scale``: the real scale (issue 17), one method at a time, each run limited to
  :data:`SCALE_LIMIT` seconds (or ``--limit`` when larger): the six larger shared anchors,
  Kirlik-style knapsacks (:mod:`benchmarks.kirlik`: 3 objectives with 100 items, 4 with 40 and
  50), the 3- and 4-party families at k = 12 and 20 and the 2-party family at k = 80 and 100;
  dealopt's default and its exact backends, and pyaugmecon where it is installed.

Every run is a fresh process (peak RSS is its own; a per-run time limit kills it); the methods
of one instance are interleaved round by round; the median of the rounds is reported.  Exact
methods that finish must return the same frontier: a disagreement makes :func:`report`
return 2 after the rows are saved.  Results go to
``benchmarks/results/<date>-<machine>-compare[-quick].csv``, the plots to
``benchmarks/results/compare[-quick]-time-vs-*.png``.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import statistics
import sys
from dataclasses import asdict, dataclass, field, fields
from fractions import Fraction
from pathlib import Path
from typing import Any

import dealopt
from benchmarks import peers
from benchmarks.families import two_party
from benchmarks.families_multi import DENSITIES
from benchmarks.record import RESULTS, load1, machine, seconds, table

# The shared anchors sit beside the repository (../shared), as in CI.
ANCHORS = Path(__file__).resolve().parents[1].parent / "shared" / "anchors" / "moip" / "json"
GENIUS = ANCHORS.parents[1] / "genius"
GROUPS = ("additive", "families", "anchors", "genius", "scale")
SEED = 1
NEGMAS_TARGET = 10.0


@dataclass
class CompareRow:
    """One method on one instance: medians over the rounds."""

    family: str
    case: str
    method: str
    exact: bool
    bundle_space: int
    repeats: int = 0
    median_s: float | None = None
    min_s: float | None = None
    peak_mib: float | None = None
    points: int | None = None
    solver_calls: int | None = None
    calls_per_point: float | None = None
    status: str = ""
    agrees: str = ""
    recall: float | None = None
    hv_ratio: float | None = None
    ratio: str = ""
    note: str = ""
    load1: str = ""
    walls: list[float] = field(default_factory=list, repr=False)


# --- point sets --------------------------------------------------------------------------------


def as_key(point: list[Any]) -> tuple[Fraction, ...]:
    return tuple(Fraction(v) if isinstance(v, str) else Fraction(v).limit_denominator(10**6)
                 for v in point)  # fmt: skip


def same_set(a: list[list[Any]], b: list[list[Any]], tol: float = 1e-9) -> bool:
    """Equal as sets of vectors, coordinate by coordinate within ``tol`` (relative above 1)."""
    sa = sorted({tuple(float(Fraction(v)) for v in p) for p in a})
    sb = sorted({tuple(float(Fraction(v)) for v in p) for p in b})
    return len(sa) == len(sb) and all(
        abs(x - y) <= tol * max(1.0, abs(x)) for p, q in zip(sa, sb, strict=True) for x, y in
        zip(p, q, strict=True)
    )  # fmt: skip


def hypervolume(points: list[tuple[float, ...]], ref: tuple[float, ...]) -> float:
    """Hypervolume (maximisation) dominated by ``points`` above ``ref``: exact sweep for two
    objectives, pymoo's HV indicator for more."""
    pts = [p for p in points if all(x > r for x, r in zip(p, ref, strict=True))]
    if not pts:
        return 0.0
    if len(ref) == 2:
        area, best_y = 0.0, ref[1]
        for x, y in sorted(set(pts), reverse=True):  # x descending
            if y > best_y:
                area += (x - ref[0]) * (y - best_y)
                best_y = y
        return area
    import numpy as np
    from pymoo.indicators.hv import HV

    return float(HV(ref_point=-np.array(ref, dtype=float))(-np.array(pts, dtype=float)))


# --- running -------------------------------------------------------------------------------------


def measure(
    family: str,
    case: str,
    spec: dict[str, Any],
    methods: dict[str, tuple[str, tuple, bool]],
    repeats: int,
    limit: float,
    bundle_space: int,
) -> list[CompareRow]:
    """``repeats`` rounds, each running every method once (interleaved)."""
    rows = {name: CompareRow(family, case, name, exact, bundle_space) for name, (_, _, exact)
            in methods.items()}  # fmt: skip
    answers: dict[str, list[dict[str, Any]]] = {name: [] for name in methods}
    loads: dict[str, list[float]] = {name: [] for name in methods}
    for r in range(repeats):
        for name, (method, args, _) in methods.items():
            if answers[name] and answers[name][-1]["status"] not in ("complete", "approximate"):
                continue  # skipped, failed or timed out: do not repeat
            loads[name].append(load1())
            a = peers.isolated(method, spec, *args, limit=limit)
            answers[name].append(a)
            count = len({tuple(x) for x in a.get("points") or []})
            print(f"  [{r + 1}/{repeats}] {case} | {name}: {a.get('status')} "
                  f"{a.get('seconds', 0):.3f} s, {count} points, load {loads[name][-1]}",
                  flush=True)  # fmt: skip
    for name, row in rows.items():
        got = answers[name]
        last = got[-1]
        row.status = last["status"]
        row.note = last.get("note", "")
        row.load1 = "/".join(f"{x:.2f}" for x in loads[name])
        ok = [a for a in got if "seconds" in a and a["status"] in ("complete", "approximate")]
        if not ok:
            if "seconds" in last:
                row.median_s = last["seconds"]
            if last.get("points") is not None:  # stopped early: the points proven by then
                row.points = len({tuple(p) for p in last["points"]})
                row.solver_calls = last.get("calls")
            continue
        row.walls = [a["seconds"] for a in ok]
        row.repeats = len(ok)
        row.median_s = statistics.median(row.walls)
        row.min_s = min(row.walls)
        row.peak_mib = max(a.get("peak_mib", 0) for a in ok)
        row.points = len({tuple(p) for p in last["points"]})
        if last.get("calls") is not None:
            row.solver_calls = last["calls"]
            row.calls_per_point = round(last["calls"] / max(row.points, 1), 3)
        row._points = last["points"]  # type: ignore[attr-defined]
    return list(rows.values())


def check(rows: list[CompareRow], failures: list[str]) -> None:
    """Exact methods that completed must agree; approximate ones get recall and HV ratio."""
    exact = [r for r in rows if r.exact and r.status == "complete"]
    if not exact:
        return
    ref_row = exact[0]
    ref = ref_row._points  # type: ignore[attr-defined]
    for r in exact:
        same = same_set(r._points, ref)  # type: ignore[attr-defined]
        r.agrees = "yes" if same else f"NO (vs {ref_row.method})"
        if not same:
            failures.append(f"{r.case}: {r.method} and {ref_row.method} disagree on the frontier")
    approximate = [r for r in rows if not r.exact and hasattr(r, "_points")]
    if not approximate:
        return  # (the hypervolume of 3+ objectives needs pymoo: only then)
    truth = {tuple(float(Fraction(v)) for v in p) for p in ref}
    low = tuple(min(p[k] for p in truth) - 1 for k in range(len(next(iter(truth)))))
    full = hypervolume(sorted(truth), low)
    for r in approximate:
        found = {tuple(float(v) for v in p) for p in r._points}  # type: ignore[attr-defined]
        r.recall = round(len(found & truth) / len(truth), 4)
        r.hv_ratio = round(hypervolume(sorted(found), low) / full, 6) if full else None
        r.agrees = f"{len(found & truth)}/{len(truth)} exact points"


def ratios(rows: list[CompareRow], peer: str, ours: list[str]) -> None:
    by = {r.method: r for r in rows}
    p = by.get(peer)
    if p is None or p.median_s is None or p.status != "complete":
        return
    for name in ours:
        r = by.get(name)
        if r is not None and r.median_s and r.status == "complete":
            r.ratio = (r.ratio + "; " if r.ratio else "") + f"{peer} / this = " \
                f"{p.median_s / r.median_s:.1f}x"  # fmt: skip


# --- the benchmark ----------------------------------------------------------------------------


def additive_cases(quick: bool) -> list[tuple[int, int]]:
    """(issues, options) of the enumerable spaces."""
    return [(6, 5), (7, 5)] if quick else [(7, 5), (8, 5), (6, 10)]


def anchor_cases(quick: bool) -> list[str]:
    """MOIP anchors: knapsack with 2, 3 and 4 objectives, assignment with 3."""
    if quick:
        return ["vOptLib_UKP_2KP50-11", "Kirlik14_KP_p-3_n-10_ins-1"]
    return [
        "vOptLib_UKP_2KP50-11",
        "pyaugmecon_2kp50",
        "Kirlik14_KP_p-3_n-20_ins-1",
        "Kirlik14_KP_p-4_n-10_ins-1",
        "Kirlik14_AP_p-3_n-5_ins-1",
    ]


TWO_PARTY_KS = (8, 12, 20, 30, 40, 60)
MULTI_PARTY_KS = (8, 12, 20)


def family_cases(quick: bool) -> list[tuple[int, int, str]]:
    """(parties, issues, red-line density) of the negotiation family
    (:func:`benchmarks.families_multi.multi_party`): 2 parties with k = 8 ... 60, 3 and 4
    parties with k = 8, 12, 20, each at the three densities."""
    if quick:
        return [(2, 8, "third"), (2, 12, "third"), (3, 8, "third")]
    return [
        (n, k, d)
        for n, ks in ((2, TWO_PARTY_KS), (3, MULTI_PARTY_KS), (4, MULTI_PARTY_KS))
        for k in ks
        for d in DENSITIES
    ]


SCALE_LIMIT = 600.0
"""Seconds per run in the ``scale`` group."""
SCALE_ANCHORS = (
    "pyaugmecon_2kp250",
    "pyaugmecon_3kp40",
    "pyaugmecon_3kp50",
    "Kirlik14_KP_p-3_n-60_ins-1",
    "Kirlik14_AP_p-3_n-20_ins-1",
    "Tuyttens00_AP_n20",
)
SCALE_KNAPSACKS = ((3, 100), (4, 40), (4, 50))
"""(objectives, items) of the generated Kirlik-style knapsacks (seed :data:`SEED`)."""
SCALE_FAMILIES = ((3, 12), (3, 20), (4, 12), (4, 20), (2, 80), (2, 100))
"""(parties, issues) of the family at the real scale (red lines: a third of the issues)."""


def scale_cases() -> list[tuple[str, dict[str, Any], list[str]]]:
    """(case name, instance spec, dealopt backends) of the ``scale`` group: ``auto`` and, where
    it picks something else, ``cpsat``; ``highs`` on the anchors where ``auto`` is ``cpsat``
    (one method at a time at minutes per run: no method twice under two names)."""
    import tempfile

    from benchmarks.kirlik import write

    cases: list[tuple[str, dict[str, Any]]] = []
    for anchor in SCALE_ANCHORS:
        cases.append((anchor, {"kind": "moip", "path": str(ANCHORS / f"{anchor}.json")}))
    folder = Path(tempfile.mkdtemp(prefix="dealopt-kirlik-"))
    for objectives, items in SCALE_KNAPSACKS:
        path = write(objectives, items, SEED, folder)
        name = f"Kirlik-style KP p{objectives} n{items} (seed {SEED})"
        cases.append((name, {"kind": "moip", "path": str(path)}))
    for parties, k in SCALE_FAMILIES:
        name = family_name(parties, k, "third")
        cases.append((name, {"kind": "multi", "params": [parties, k, SEED, "third"], "name": name}))
    out = []
    for name, spec in cases:
        picked = _auto_picks(spec)
        if picked != "cpsat":
            backends = ["auto", "cpsat"]
        elif spec["kind"] == "moip":
            backends = ["auto", "highs"]
        else:
            backends = ["auto"]
        out.append((f"{name} (auto: {picked})", spec, backends))
    return out


def _auto_picks(spec: dict[str, Any]) -> str:
    """The backend ``auto`` builds for the instance."""
    from dealopt.backends import get_backend
    from dealopt.compile.compiler import compile_instance

    model, _ = compile_instance(peers._instance(spec))
    session = get_backend("auto").build(model)
    return type(session).__module__.rsplit(".", 1)[-1]


def genius_cases() -> list[tuple[str, str, list[str]]]:
    out = []
    for folder in sorted(p for p in GENIUS.iterdir() if p.is_dir()) if GENIUS.is_dir() else []:
        files = sorted(folder.glob("*.xml"))
        domain = [f for f in files if "domain" in f.name.lower()]
        if len(domain) == 1:
            out.append((folder.name, str(domain[0]), [str(f) for f in files if f != domain[0]]))
    return out


def run(
    quick: bool,
    limit: float,
    threads: int,
    only: tuple[str, ...] = GROUPS,
    rounds: int | None = None,
    match: str | None = None,
) -> tuple[list[CompareRow], list[str]]:
    """Every case of the groups in ``only`` (whose name ``match``, a regular expression,
    finds, when given); returns the rows and the exact disagreements."""
    repeats = rounds or (1 if quick else 3)

    def wanted(name: str) -> bool:
        return match is None or re.search(match, name) is not None

    rows: list[CompareRow] = []
    failures: list[str] = []
    for k, options in additive_cases(quick) if "additive" in only else []:
        data = two_party(k, SEED, options=options, red_lines=0, no_deal=0)
        name = f"additive {options}^{k}"
        if not wanted(name):
            continue
        spec = {"kind": "family", "data": data, "name": name}
        size = dealopt.instance(data, name=name).bundle_space_size
        case = f"{name} = {size:,} deals"
        print(f"\n{case}", flush=True)
        got = measure(
            "negotiation (negmas)",
            case,
            spec,
            {
                "dealopt enumerate": ("dealopt", ("enumerate", threads, limit), True),
                "dealopt auto": ("dealopt", ("auto", threads, limit), True),
                "negmas pareto_frontier": ("negmas", (limit,), True),
            },
            repeats,
            limit,
            size,
        )
        check(got, failures)
        ratios(got, "negmas pareto_frontier", ["dealopt enumerate", "dealopt auto"])
        rows += got
    for parties, k, density in family_cases(quick) if "families" in only else []:
        if wanted(family_name(parties, k, density)):
            rows += _family(parties, k, density, threads, limit, repeats, failures)
    for anchor in anchor_cases(quick) if "anchors" in only else []:
        if not wanted(anchor):
            continue
        path = str(ANCHORS / f"{anchor}.json")
        spec = {"kind": "moip", "path": path}
        from dealopt.io.moip import load

        size = load(path).bundle_space_size
        data = peers.moip_data(path)
        case = f"{anchor} ({len(data['objectives'])} obj, {len(data['objectives'][0])} items)"
        print(f"\n{case}", flush=True)
        methods = {
            f"dealopt {b}": ("dealopt", (b, threads, limit), True)
            for b in ("cpsat", "highs", "auto")
        }
        methods["pyaugmecon + HiGHS"] = ("pyaugmecon", (limit,), True)
        methods["pymoo NSGA-II"] = ("nsga2", (limit,), False)
        got = measure("MOIP anchor", case, spec, methods, repeats, limit, size)
        check(got, failures)
        ratios(got, "pyaugmecon + HiGHS", ["dealopt cpsat", "dealopt highs", "dealopt auto"])
        ratios(got, "pymoo NSGA-II", ["dealopt cpsat", "dealopt highs", "dealopt auto"])
        rows += got
    for name, spec, backends in scale_cases() if "scale" in only else []:
        if not wanted(name):
            continue
        size = peers._instance(spec).bundle_space_size
        print(f"\n{name}", flush=True)
        methods = {
            f"dealopt {b}": ("dealopt", (b, threads, max(limit, SCALE_LIMIT)), True)
            for b in backends
        }
        if spec["kind"] == "moip":
            methods["pyaugmecon + HiGHS"] = ("pyaugmecon", (max(limit, SCALE_LIMIT),), True)
        # One round unless asked for more: runs of minutes each, on a shared machine.
        got = measure("real scale", name, spec, methods, rounds or 1, max(limit, SCALE_LIMIT), size)
        check(got, failures)
        ratios(got, "pyaugmecon + HiGHS", [m for m in methods if m.startswith("dealopt")])
        rows += got
    for scenario, domain, profiles in genius_cases() if "genius" in only else []:
        if not wanted(f"GENIUS {scenario}"):
            continue
        spec = {"kind": "genius", "domain": domain, "profiles": profiles}
        size = peers._instance(spec).bundle_space_size
        case = f"GENIUS {scenario} = {size:,} deals"
        print(f"\n{case}", flush=True)
        methods = {
            "dealopt enumerate": ("dealopt", ("enumerate", threads, limit), True),
            "dealopt cpsat": ("dealopt", ("cpsat", threads, limit), True),
            "dealopt auto": ("dealopt", ("auto", threads, limit), True),
            "negmas pareto_frontier": ("negmas_table", (limit,), True),
        }
        got = measure("GENIUS", case, spec, methods, repeats, limit, size)
        check(got, failures)
        ratios(got, "negmas pareto_frontier", DEALOPT_VS_NEGMAS)
        rows += got
    return rows, failures


DEALOPT_VS_NEGMAS = ["dealopt enumerate", "dealopt cpsat", "dealopt auto"]
ENUMERABLE = 10**6
"""Spaces up to this size also run dealopt ``enumerate`` and negmas (enumeration)."""


def family_name(parties: int, k: int, density: str) -> str:
    return f"{parties} parties, 5^{k}, red lines {density}"


def _family(
    parties: int,
    k: int,
    density: str,
    threads: int,
    limit: float,
    repeats: int,
    failures: list[str],
) -> list[CompareRow]:
    """One instance of the negotiation family: dealopt against negmas on the same utilities,
    red lines as a filter on negmas' outcomes; beyond :data:`ENUMERABLE` deals dealopt's
    solver backends alone (negmas is reported as skipped)."""
    name = family_name(parties, k, density)
    spec = {"kind": "multi", "params": [parties, k, SEED, density], "name": name}
    size = peers._instance(spec).bundle_space_size
    small = size <= ENUMERABLE
    methods: dict[str, tuple[str, tuple, bool]] = {}
    if small:
        methods["dealopt enumerate"] = ("dealopt", ("enumerate", threads, limit), True)
    methods["dealopt cpsat"] = ("dealopt", ("cpsat", threads, limit), True)
    if small or (parties == 2 and k <= 12):
        # Above 10^6 deals auto is cpsat (the same call); measured where it chooses.
        methods["dealopt auto"] = ("dealopt", ("auto", threads, limit), True)
    if parties == 2 and small:
        methods["dealopt highs"] = ("dealopt", ("highs", threads, limit), True)
    if small:
        methods["negmas pareto_frontier"] = ("negmas_table", (limit,), True)
    case = f"{name} = {size:.3g} deals" if size > ENUMERABLE else f"{name} = {size:,} deals"
    print(f"\n{case}", flush=True)
    got = measure(f"negotiation, {parties} parties", case, spec, methods, repeats, limit, size)
    check(got, failures)
    ratios(got, "negmas pareto_frontier", DEALOPT_VS_NEGMAS)
    if not small:
        got.append(CompareRow(f"negotiation, {parties} parties", case, "negmas pareto_frontier",
                              True, size, status="skipped: not enumerable here"))  # fmt: skip
    return got


HEADER = ["date", "time", "machine", "cpu", "cores", "mem_gib", "python", "commit", "mode"]


def save(rows: list[CompareRow], mode: str, directory: Path = RESULTS) -> Path:
    m = machine()
    now = dt.datetime.now()
    path = directory / f"{now:%Y-%m-%d}-{m.slug}-{mode}.csv"
    directory.mkdir(parents=True, exist_ok=True)
    names = [f.name for f in fields(CompareRow) if f.name != "walls"] + ["walls"]
    new = not path.exists()
    with path.open("a", newline="") as f:
        out = csv.writer(f)
        if new:
            out.writerow(HEADER + names)
        common = [f"{now:%Y-%m-%d}", f"{now:%H:%M:%S}", m.slug, m.cpu, m.cores,
                  f"{m.mem_gib:.1f}", m.python, m.commit, mode]  # fmt: skip
        for r in rows:
            d = asdict(r)
            d["walls"] = "/".join(f"{w:.4f}" for w in r.walls)
            out.writerow(common + [_fmt(d[n]) for n in names])
    return path


def _fmt(v: object) -> object:
    if v is None:
        return ""
    return f"{v:.4f}" if isinstance(v, float) else v


def markdown(rows: list[CompareRow]) -> str:
    header = ["instance", "method", "median s", "peak MiB", "N", "calls", "calls/N", "status",
              "exact agree / recall", "HV ratio", "ratio", "load"]  # fmt: skip
    lines = [
        [
            r.case,
            r.method,
            seconds(r.median_s),
            None if r.peak_mib is None else f"{r.peak_mib:.0f}",
            r.points,
            r.solver_calls,
            r.calls_per_point,
            r.status,
            r.agrees,
            r.hv_ratio,
            r.ratio,
            r.load1,
        ]
        for r in rows
    ]
    return table(header, lines)


def targets(rows: list[CompareRow]) -> str:
    """The issue's targets, computed from the rows of this run."""
    out = ["### Targets (computed from this run)", ""]
    by_case: dict[str, dict[str, CompareRow]] = {}
    for r in rows:
        by_case.setdefault(r.case, {})[r.method] = r

    def done(r: CompareRow | None) -> bool:
        return r is not None and r.status == "complete" and bool(r.median_s)

    out.append("negmas `pareto_frontier` / dealopt, every enumerable space of 10^5+ deals "
               "(target >= 10x):")  # fmt: skip
    for case, m in by_case.items():
        peer = m.get("negmas pareto_frontier")
        if not done(peer) or m[peer.method].bundle_space < 10**5:  # type: ignore[union-attr]
            continue
        for name in ("dealopt auto", "dealopt enumerate"):
            r = m.get(name)
            if done(r):
                x = peer.median_s / r.median_s  # type: ignore[operator,union-attr]
                out.append(f"- {case}, {name}: {x:.1f}x {'met' if x >= 10 else 'MISSED'}")
    out += ["", "pyaugmecon + HiGHS / dealopt highs (same solver), anchors both complete "
            "(target > 1x); calls per point:"]  # fmt: skip
    for case, m in by_case.items():
        peer, ours = m.get("pyaugmecon + HiGHS"), m.get("dealopt highs")
        if done(peer) and done(ours):
            x = peer.median_s / ours.median_s  # type: ignore[operator,union-attr]
            out.append(
                f"- {case}: {x:.2f}x {'met' if x > 1 else 'MISSED'}; calls/point dealopt "
                f"{ours.calls_per_point}, pyaugmecon {peer.calls_per_point}"  # type: ignore[union-attr]
            )
        elif peer is not None and ours is not None:
            out.append(f"- {case}: dealopt highs {ours.status}, pyaugmecon {peer.status}")
    out += ["", "Solver calls per frontier point, dealopt cpsat on the negotiation family "
            "(targets: <= 1.1 for 2 parties, <= 3 for 3):"]  # fmt: skip
    for parties in (2, 3, 4):
        mine = [
            r
            for r in rows
            if r.family == f"negotiation, {parties} parties"
            and r.method == "dealopt cpsat"
            and done(r)
            and r.points
        ]
        if not mine:
            continue
        mean = statistics.mean(r.solver_calls / r.points for r in mine)  # type: ignore[operator]
        calls = sum(r.solver_calls or 0 for r in mine)
        points = sum(r.points or 0 for r in mine)
        out.append(
            f"- {parties} parties: mean {mean:.3f} over {len(mine)} complete instances "
            f"({calls:,} calls / {points:,} points = {calls / points:.3f})"
        )
        cut = [
            r
            for r in rows
            if r.family == f"negotiation, {parties} parties"
            and r.method == "dealopt cpsat"
            and r.status == "partial"
        ]
        if cut:
            out.append("  stopped by the time limit (proven points so far): " + ", ".join(
                f"{r.case.split(' = ')[0]}: {r.points} points, {r.solver_calls} calls"
                for r in cut))  # fmt: skip
    huge = [r for r in rows if r.bundle_space >= 10**20 and r.method.startswith("dealopt")]
    if huge:
        out += ["", "Spaces of 10^20+ deals (not enumerable):"]
        out += [f"- {r.case}, {r.method}: {r.status}, {r.points} points, "
                f"{seconds(r.median_s)} s" for r in huge]  # fmt: skip
    return "\n".join(out)


def report(
    *,
    quick: bool,
    limit: float,
    threads: int,
    only: tuple[str, ...],
    rounds: int | None,
    results: Path | None,
    match: str | None = None,
) -> int:
    """Run the groups, print the table and the targets, save rows and plots (unless
    ``results`` is None); 2 when exact methods disagreed, else 0."""
    mode = "compare-quick" if quick else "compare"
    rows, failures = run(quick, limit, threads, only, rounds, match)
    print("\n" + markdown(rows))
    print("\n" + targets(rows))
    if results is not None:
        path = save(rows, mode, results)
        print(f"\n{len(rows)} rows appended to {path}")
        try:
            from benchmarks.plots import plot

            for png in plot(rows, results, mode):
                print(f"plot: {png}")
        except ImportError as e:
            print(f"plots skipped: {e}")
    if failures:
        print("\nEXACT METHODS DISAGREE:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 2
    return 0
