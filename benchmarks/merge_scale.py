"""The negotiation families of issue 17 on two source trees, side by side (the merge engine).

``python -m benchmarks.merge_scale BEFORE AFTER [--rounds R] [--limit S] [--only PARTIES:K]``

Cases: the 2-party family at k = 60 (:func:`benchmarks.families.two_party`, seed 1), and the
3-party family at k = 20 and the 4-party family at k = 12
(:func:`benchmarks.families_multi.multi_party`, red lines a third, seed 1). Each run is a
fresh process with ``backend="auto"``, ``threads=1`` and the time limit, the two trees
interleaved round by round so that load hits both alike; the table gives the median wall time
of ``dealopt.solve`` (imports and instance building excluded), the status, the points and
whether both trees found the same frontier (exact utilities).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

_RUN = """
import json, sys, time
sys.path.insert(0, {tree!r})
import dealopt
from benchmarks.families import two_party
from benchmarks.families_multi import multi_party
parties, k, limit = {parties!r}, {k!r}, {limit!r}
data = two_party(k, 1) if parties == 2 else multi_party(parties, k, 1, "third")
instance = dealopt.instance(data)
start = time.perf_counter()
result = dealopt.solve(instance, backend="auto", threads=1, time_limit=limit)
took = time.perf_counter() - start
points = sorted(tuple(str(u) for u in p.utilities.values()) for p in result.frontier)
print(json.dumps({{"seconds": took, "points": points, "status": result.status.value,
                  "backend": result.stats.backend}}))
"""

CASES = ((2, 60), (3, 20), (4, 12))


def _run(tree: Path, parties: int, k: int, limit: float) -> dict:
    code = _RUN.format(tree=str(tree), parties=parties, k=k, limit=limit)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tempfile.gettempdir()
    )
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _cell(out: dict, times: list[float]) -> str:
    if "error" in out:
        return out["error"]
    med = statistics.median(times)
    return f"{med:.2f}, {out['status']} ({out['backend']}), {len(out['points']):,}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit", type=float, default=120.0, help="seconds per solve")
    parser.add_argument(
        "--only", action="append", default=[], help="a case PARTIES:K (repeatable; default all)"
    )
    args = parser.parse_args(argv)
    cases = [(int(a), int(b)) for a, b in (o.split(":") for o in args.only)] or list(CASES)
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    print(
        "| case | before: s, status, points | after: s, status, points | before / after "
        "| same frontier |"
    )
    print("|---|---|---|---:|---|")
    for parties, k in cases:
        times: dict[str, list[float]] = {"before": [], "after": []}
        last: dict[str, dict] = {}
        for _ in range(args.rounds):
            for label, tree in trees.items():
                out = _run(tree, parties, k, args.limit)
                last[label] = out
                if "error" not in out:
                    times[label].append(out["seconds"])

        cells = {label: _cell(last[label], times[label]) for label in trees}
        ok = all(times[label] for label in trees)
        ratio = statistics.median(times["before"]) / statistics.median(times["after"]) if ok else 0
        same = ok and last["before"]["points"] == last["after"]["points"]
        print(
            f"| {parties} parties, k = {k} | {cells['before']} | {cells['after']} | "
            f"{ratio:.1f}x | {'yes' if same else 'no'} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
