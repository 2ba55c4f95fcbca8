"""Adapters that run dealopt and its peers on the same instance data, each in its own process.

Every method is a function ``spec -> dict`` where ``spec`` describes the instance as plain data
(a generated two-party family dict or the path of a MOIP anchor JSON) and the answer holds
``points`` (utility vectors, in party / objective order, maximised), ``seconds`` (the wall time
of the method's own call, imports and model building excluded unless said), ``calls`` (solver
calls, when the method has them), ``status`` and ``note``.  :func:`isolated` runs one of them in
a fresh (spawned) Python process so that the peak memory (:func:`peak_mib`) is the method's own
and a per-run time limit can kill it.  pyaugmecon runs in its own Python 3.12 virtual environment
(:data:`PYAUGMECON_PYTHON`) through a generated driver script.

A peer that cannot be imported answers ``status="skipped: <reason>"``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import multiprocessing as mp
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

from benchmarks.families import PARTIES, additive_tables


def _pyaugmecon_python() -> Path:
    """``$PYAUGMECON_PYTHON``; else ``.venv-pyaugmecon`` in the repository's root; else this
    interpreter when it has pyaugmecon (``pip install -e '.[bench]'`` on Python 3.12+)."""
    if "PYAUGMECON_PYTHON" in os.environ:
        return Path(os.environ["PYAUGMECON_PYTHON"])
    venv = Path(__file__).resolve().parents[1] / ".venv-pyaugmecon" / "bin" / "python"
    if not venv.exists() and importlib.util.find_spec("pyaugmecon") is not None:
        return Path(sys.executable)
    return venv


PYAUGMECON_PYTHON = _pyaugmecon_python()
"""A Python 3.12 interpreter with ``pyaugmecon==2.0.1`` and ``highspy`` installed, e.g.
``python3.12 -m venv .venv-pyaugmecon &&
.venv-pyaugmecon/bin/pip install pyaugmecon==2.0.1 highspy`` (in the repository's root)."""

NSGA2_POP = 100
NSGA2_GENERATIONS = 200
NSGA2_SEED = 1

Answer = dict[str, Any]


# --- instance data ----------------------------------------------------------------------------


def moip_data(path: str) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _instance(spec: dict[str, Any]) -> Any:
    import dealopt

    if spec["kind"] == "moip":
        from dealopt.io.moip import load

        return load(spec["path"])
    if spec["kind"] == "genius":
        from dealopt.io.genius import load as load_genius

        return load_genius(spec["domain"], spec["profiles"])
    if spec["kind"] == "multi":
        from benchmarks.families_multi import multi_party

        return dealopt.instance(multi_party(*spec["params"]), name=spec["name"])
    return dealopt.instance(spec["data"], name=spec["name"])


# --- dealopt -----------------------------------------------------------------------------------


def run_dealopt(spec: dict[str, Any], backend: str, threads: int, limit: float) -> Answer:
    """``dealopt.solve`` (the whole call: compile, frontier, oracle re-check, zone).

    The modules ``solve`` imports lazily (backends, frontier, the solver library) are imported
    before the clock starts, as the peers' are."""
    import importlib

    import dealopt
    import dealopt.analysis.bargaining
    import dealopt.frontier
    from dealopt.backends import get_backend

    get_backend(backend)
    for library in ("numpy", "ortools.sat.python.cp_model", "highspy"):
        with contextlib.suppress(ImportError):
            importlib.import_module(library)
    instance = _instance(spec)
    started = time.perf_counter()
    result = dealopt.solve(instance, backend=backend, threads=threads, time_limit=limit)
    seconds = time.perf_counter() - started
    parties = list(result.parties)
    points = [[str(f.utilities[p]) for p in parties] for f in result.frontier]
    zone = [points[i] for i in result.zone]
    return {
        "points": points,
        "zone": zone,
        "seconds": seconds,
        "calls": result.stats.solver_calls,
        "status": str(result.status),
        "note": f"{result.stats.backend}, {result.stats.algorithm}",
    }


# --- negmas ------------------------------------------------------------------------------------


def negmas_additive(data: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    """negmas ``LinearAdditiveUtilityFunction`` s with the weight and score tables of an
    additive two-party instance dict, and the issues; raises ImportError without negmas.

    Reserved value 0 = the instance's no-deal 0, and every utility is >= 0, so negmas' drop of
    outcomes below the reservation values drops nothing (its frontier is then the same set as
    dealopt's frontier and zone)."""
    from negmas import make_issue, make_os
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.value_fun import TableFun

    issues, levels, weights, scores = additive_tables(data)
    space = [make_issue(values=levels, name=x) for x in issues]
    outcome_space = make_os(space)
    ufuns = [
        LinearAdditiveUtilityFunction(
            values={x: TableFun(dict(scores[p][x])) for x in issues},
            weights={x: float(weights[p][x]) for x in issues},
            outcome_space=outcome_space,
            reserved_value=0.0,
        )
        for p in PARTIES
    ]
    return ufuns, space


def run_negmas(spec: dict[str, Any], limit: float) -> Answer:
    """negmas' ``pareto_frontier`` (enumeration) on :func:`negmas_additive` utilities."""
    try:
        import negmas
        from negmas.preferences.ops import pareto_frontier

        ufuns, space = negmas_additive(spec["data"])
    except ImportError as e:
        return {"status": f"skipped: negmas not importable ({e}); pip install negmas"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # negmas warns that the space is large
        started = time.perf_counter()
        frontier, _ = pareto_frontier(ufuns, issues=space)
        seconds = time.perf_counter() - started
    return {
        "points": [[float(u) for u in p] for p in frontier],
        "seconds": seconds,
        "status": "complete",
        "note": f"negmas {negmas.__version__} pareto_frontier (ufun building not timed)",
    }


def _table_problem(spec: dict[str, Any]) -> tuple[list[str], list[list[str]], list[str], Any, Any]:
    """Issues, option lists, parties, a utility function ``(party, outcome) -> float`` and a
    red-line filter ``outcome -> bool`` for a 3-4 party family or a GENIUS scenario, computed
    from the plain tables (not by dealopt)."""
    from fractions import Fraction

    if spec["kind"] == "multi":
        from benchmarks.families_multi import holds, multi_party_parts

        data, lines, terms = multi_party_parts(*spec["params"])
    else:
        from dealopt.io.genius import to_data

        data, lines, terms = to_data(spec["domain"], spec["profiles"]), {}, {}
    issues = list(data["issues"])
    options = [list(data["issues"][x]["options"]) for x in issues]
    parties = list(data["parties"])
    where = {x: i for i, x in enumerate(issues)}
    table = {
        p: [
            {
                o: Fraction(str(data["interests"][p].get("weights", {}).get(x, 1)))
                * Fraction(str(data["interests"][p]["scores"][x].get(o, 0)))
                for o in opts
            }
            for x, opts in zip(issues, options, strict=True)
        ]
        for p in parties
    }
    # GENIUS: utility = min(K, additive sum), K = the largest score (GENIUS's 1 times K).
    cap = (
        max(Fraction(str(v)) for it in data["interests"].values() for t in it["scores"].values()
            for v in t.values())
        if spec["kind"] == "genius" else None
    )  # fmt: skip
    lvl = [{o: n for n, o in enumerate(opts)} for opts in options]
    flat = [(p, line) for p, v in lines.items() for line in v]
    raw = {p: {x: [data["interests"][p]["scores"][x][o] for o in options[where[x]]] for x in issues}
           for p in parties} if flat else {}  # fmt: skip

    def utility(p: str, outcome: tuple) -> float:
        u = sum(t[o] for t, o in zip(table[p], outcome, strict=True))
        for xi, li, xj, lj, v in terms.get(p, []):
            if (
                lvl[where[xi]][outcome[where[xi]]] >= li
                and lvl[where[xj]][outcome[where[xj]]] >= lj
            ):
                u += v
        return float(min(u, cap) if cap is not None else u)

    def feasible(outcome: tuple) -> bool:
        if not flat:
            return True
        level = {x: lvl[i][outcome[i]] for i, x in enumerate(issues)}
        return all(holds(line, level, raw) for _, line in flat)

    return issues, options, parties, utility, feasible


def run_negmas_table(spec: dict[str, Any], limit: float) -> Answer:
    """negmas' ``pareto_frontier`` on the outcomes that satisfy every red line (the red lines
    filter the enumerated outcome list, inside the clock), with one ``MappingUtilityFunction``
    per party whose mapping is a Python function of the outcome (additive tables + interaction
    terms, or GENIUS's capped sum); reserved value -1 (every utility is >= 0, so negmas drops
    nothing)."""
    import itertools

    try:
        import negmas
        from negmas import make_issue, make_os
        from negmas.preferences import MappingUtilityFunction
        from negmas.preferences.ops import pareto_frontier
    except ImportError as e:
        return {"status": f"skipped: negmas not importable ({e}); pip install negmas"}
    issues, options, parties, utility, feasible = _table_problem(spec)
    space = make_os([make_issue(values=o, name=x) for x, o in zip(issues, options, strict=True)])
    ufuns = [
        MappingUtilityFunction(lambda o, p=p: utility(p, tuple(o)), outcome_space=space,
                               reserved_value=-1.0)
        for p in parties
    ]  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        started = time.perf_counter()
        outcomes = [o for o in itertools.product(*options) if feasible(o)]
        frontier, _ = pareto_frontier(ufuns, outcomes=outcomes)
        seconds = time.perf_counter() - started
    return {
        "points": [[float(u) for u in p] for p in frontier],
        "seconds": seconds,
        "status": "complete",
        "note": f"negmas {negmas.__version__} pareto_frontier on {len(outcomes)} outcomes "
        "(red-line filter timed)",
    }


# --- pymoo NSGA-II -----------------------------------------------------------------------------


def run_nsga2(spec: dict[str, Any], limit: float) -> Answer:
    """pymoo NSGA-II, binary encoding, pop :data:`NSGA2_POP` x :data:`NSGA2_GENERATIONS`
    generations, constraints as G = Ax - b <= 0 (equalities as two rows)."""
    try:
        import numpy as np
        import pymoo
        from pymoo.algorithms.moo.nsga2 import NSGA2
        from pymoo.core.problem import Problem
        from pymoo.operators.crossover.pntx import TwoPointCrossover
        from pymoo.operators.mutation.bitflip import BitflipMutation
        from pymoo.operators.sampling.rnd import BinaryRandomSampling
        from pymoo.optimize import minimize
    except ImportError as e:
        return {"status": f"skipped: pymoo not importable ({e}); pip install pymoo"}
    data = moip_data(spec["path"])
    sign = 1 if data["sense"] == "max" else -1
    c = sign * np.array(data["objectives"], dtype=float)
    rows, rhs = [], []
    for con in data.get("constraints", []):
        a, b = np.array(con["coefs"], dtype=float), float(con["rhs"])
        if con["op"] in ("<=", "=="):
            rows.append(a)
            rhs.append(b)
        if con["op"] in (">=", "=="):
            rows.append(-a)
            rhs.append(-b)
    a_mat, b_vec = np.array(rows), np.array(rhs)

    class Knap(Problem):
        def __init__(self) -> None:
            super().__init__(n_var=c.shape[1], n_obj=c.shape[0], n_ieq_constr=len(rows), xl=0, xu=1,
                             vtype=bool)  # fmt: skip

        def _evaluate(self, x: Any, out: dict, *args: Any, **kwargs: Any) -> None:
            xf = x.astype(float)
            out["F"] = -(xf @ c.T)
            out["G"] = xf @ a_mat.T - b_vec

    algorithm = NSGA2(
        pop_size=NSGA2_POP,
        sampling=BinaryRandomSampling(),
        crossover=TwoPointCrossover(),
        mutation=BitflipMutation(),
        eliminate_duplicates=True,
    )
    started = time.perf_counter()
    res = minimize(Knap(), algorithm, ("n_gen", NSGA2_GENERATIONS), seed=NSGA2_SEED, verbose=False)
    seconds = time.perf_counter() - started
    points = [] if res.F is None else [[round(-v) for v in f] for f in np.atleast_2d(res.F)]
    return {
        "points": points,
        "seconds": seconds,
        "status": "approximate",
        "note": f"pymoo {pymoo.__version__} NSGA-II pop {NSGA2_POP} x {NSGA2_GENERATIONS} gen, "
        f"seed {NSGA2_SEED}",
    }


# --- pyaugmecon (own Python 3.12 environment, subprocess) --------------------------------------

DRIVER = r"""
import json, resource, sys, time


def hwm_kib():  # peak RSS of this exec'd image (ru_maxrss would include the parent's at fork)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


import multiprocessing as mp
mp.set_start_method("spawn", force=True)  # 2.0.1 on 3.12 crashes with fork and >1 worker
import pyomo.environ as pyo
from pyaugmecon import PyAugmecon, __version__

spec = json.load(open(sys.argv[1]))
data = json.load(open(spec["path"]))
sign = 1 if data["sense"] == "max" else -1
n = len(data["objectives"][0])
m = pyo.ConcreteModel()
m.ITEMS = pyo.Set(initialize=range(n))
m.x = pyo.Var(m.ITEMS, within=pyo.Binary)
m.cons = pyo.ConstraintList()
for c in data.get("constraints", []):
    lhs = sum(int(a) * m.x[i] for i, a in enumerate(c["coefs"]) if a)
    op, rhs = c["op"], int(c["rhs"])
    m.cons.add(lhs <= rhs if op == "<=" else lhs >= rhs if op == ">=" else lhs == rhs)
m.obj_list = pyo.ObjectiveList()
for row in data["objectives"]:
    m.obj_list.add(expr=sum(sign * int(a) * m.x[i] for i, a in enumerate(row) if a),
                   sense=pyo.maximize)
for o in m.obj_list.values():
    o.deactivate()
cfg = dict(name=data["name"], workers=spec["workers"], solver_name="highs",
           solver_options={"mip_rel_gap": 0}, progress_bar=False, log_to_console=False,
           write_csv=False, artifact_folder=spec["artifacts"])
t = time.perf_counter()
res = PyAugmecon(m, cfg).solve()
wall = time.perf_counter() - t
out = dict(version=__version__, seconds=wall,
           points=[[round(float(v)) for v in p] for p in res.points],
           models_solved=res.models_solved, models_infeasible=res.models_infeasible,
           maxrss_kib=max(hwm_kib(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
print("RESULT " + json.dumps(out), flush=True)
"""


def run_pyaugmecon(spec: dict[str, Any], limit: float, workers: int = 1) -> Answer:
    """pyaugmecon 2.0.1 + HiGHS (``mip_rel_gap=0``, default "exact" mode) in a subprocess of
    :data:`PYAUGMECON_PYTHON`; the time is its ``solve()`` (Pyomo model built before the
    clock starts, interpreter start-up excluded); memory is the subprocess' peak RSS."""
    if not PYAUGMECON_PYTHON.exists():
        return {"status": f"skipped: no Python 3.12 with pyaugmecon at {PYAUGMECON_PYTHON}"}
    with tempfile.TemporaryDirectory(prefix="dealopt-pyaug-") as tmp:
        driver, spec_file = Path(tmp, "driver.py"), Path(tmp, "spec.json")
        driver.write_text(DRIVER)
        spec_file.write_text(
            json.dumps({"path": spec["path"], "workers": workers, "artifacts": tmp + "/logs"})
        )
        try:
            done = subprocess.run(
                [str(PYAUGMECON_PYTHON), str(driver), str(spec_file)],
                capture_output=True,
                text=True,
                timeout=limit + 30,  # + start-up and Pyomo model building
                cwd=tmp,
            )
        except subprocess.TimeoutExpired:
            return {"status": "timeout", "seconds": limit}
    lines = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["?"]
        if "No module named" in tail[0]:
            return {"status": f"skipped: {tail[0]}"}
        return {"status": f"error: {tail[0][:200]}"}
    out = json.loads(lines[0][len("RESULT ") :])
    status = "complete" if out["seconds"] <= limit else "timeout"
    return {
        "points": out["points"],
        "seconds": out["seconds"],
        "calls": out["models_solved"],
        "status": status,
        "peak_mib": out["maxrss_kib"] / 1024,
        "note": f"pyaugmecon {out['version']} + HiGHS, workers {workers}, "
        f"{out['models_infeasible']} infeasible models",
    }


# --- isolation: a fresh process per run ------------------------------------------------------

METHODS = {
    "dealopt": run_dealopt,
    "negmas": run_negmas,
    "negmas_table": run_negmas_table,
    "nsga2": run_nsga2,
}


def peak_mib() -> float:
    """This process's peak resident memory in MiB.

    Linux's ``VmHWM``, which starts afresh at ``exec``; ``ru_maxrss`` does not: a spawned child
    (fork, then exec) would report at least its parent's size at the fork.
    """
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(conn: Any, method: str, args: tuple) -> None:
    try:
        answer = METHODS[method](*args)
    except Exception as e:
        import traceback

        where = traceback.extract_tb(e.__traceback__)[-1]
        place = f"{Path(where.filename).name}:{where.lineno}"
        answer = {"status": f"error: {type(e).__name__}: {e} at {place}"[:300]}
    answer.setdefault("peak_mib", peak_mib())
    conn.send(answer)
    conn.close()


def isolated(method: str, *args: Any, limit: float) -> Answer:
    """Run ``METHODS[method](*args)`` in a spawned process; kill it after ``limit`` + 60 s
    (imports and model building included), and call a run over ``limit`` a timeout."""
    if method == "pyaugmecon":
        return run_pyaugmecon(*args)
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, method, args))
    proc.start()
    child.close()
    timeout: Answer = {"status": "timeout", "seconds": limit}
    answer: Answer = parent.recv() if parent.poll(limit + 60) else timeout
    if proc.is_alive():
        proc.kill()
    proc.join()
    if answer.get("seconds", 0) > limit and answer.get("status") == "complete":
        answer["status"] = "timeout"
    return answer
