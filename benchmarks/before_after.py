"""Before and after a change: the same solves timed on two source trees, side by side.

``python -m benchmarks.before_after BEFORE_TREE AFTER_TREE [--rounds R] [--anchors DIR]``

Each case (an instance file and a backend) runs in a fresh process per tree, the two trees
interleaved round by round so that load on the machine hits both alike; the table gives the
median wall time of ``dealopt.solve`` (import and file reading excluded) per tree and their
ratio, and checks that both trees return the same frontier. The cases: Helsinki on every
backend, negotiation-family instances (2 and 3 parties) and the small public MOIP anchors when
a folder of them is given.
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
path, backend = {path!r}, {backend!r}
if path.endswith('.json') and 'moip' in path:
    from dealopt.io import moip
    instance = moip.load(path)
else:
    instance = dealopt.load(path)
start = time.perf_counter()
result = dealopt.solve(instance, backend=backend)
took = time.perf_counter() - start
points = sorted(tuple(str(u) for u in p.utilities.values()) for p in result.frontier)
print(json.dumps({{"seconds": took, "points": points, "status": result.status.value}}))
"""


def _run(tree: Path, path: Path, backend: str) -> dict:
    code = _RUN.format(tree=str(tree), path=str(path), backend=backend)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tempfile.gettempdir()
    )
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _cases(folder: Path, before: Path, anchors: Path | None) -> list[tuple[str, Path, str]]:
    from benchmarks.families_multi import multi_party
    from dealopt.io.genius.read import to_yaml_text

    # The older tree's copy: a newer file may use sections the older code does not know.
    helsinki = before / "instances" / "helsinki2018.yaml"
    cases = [(f"helsinki {b}", helsinki, b) for b in ("enumerate", "cpsat", "highs", "pyomo")]
    for parties, k in ((2, 12), (3, 8)):
        path = folder / f"family-{parties}p-k{k}.yaml"
        path.write_text(to_yaml_text(multi_party(parties, k, seed=1)), encoding="utf-8")
        cases += [(f"family {parties}p k={k} {b}", path, b) for b in ("cpsat", "highs")]
    if anchors is not None:
        for name in (
            "Kirlik14_KP_p-3_n-10_ins-1.json",
            "Kirlik14_KP_p-3_n-20_ins-1.json",
            "pyaugmecon_2kp50.json",
            "Tuyttens00_AP_n10.json",
        ):
            path = anchors / name
            if path.exists():
                cases += [(f"{path.stem} {b}", path, b) for b in ("cpsat", "highs")]
    return cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--anchors", type=Path, default=None, help="folder of MOIP JSON anchors")
    args = parser.parse_args(argv)
    # Absolute: each case runs in a fresh process inside a temporary directory.
    args.before, args.after = args.before.resolve(), args.after.resolve()
    if args.anchors is not None:
        args.anchors = args.anchors.resolve()
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        cases = _cases(Path(tmp), args.before, args.anchors)
        print("| case | before (s) | after (s) | after / before | same frontier |")
        print("|---|---:|---:|---:|---|")
        for name, path, backend in cases:
            times: dict[str, list[float]] = {"before": [], "after": []}
            fronts: dict[str, object] = {}
            for _ in range(args.rounds):
                for label, tree in (("before", args.before), ("after", args.after)):
                    out = _run(tree, path, backend)
                    if "error" in out:
                        fronts[label] = out["error"]
                        continue
                    times[label].append(out["seconds"])
                    fronts[label] = out["points"]
            if not times["before"] or not times["after"]:
                print(f"| {name} | {fronts.get('before')} | {fronts.get('after')} | - | - |")
                continue
            b, a = statistics.median(times["before"]), statistics.median(times["after"])
            same = fronts["before"] == fronts["after"]
            worst = max(worst, a / b)
            print(f"| {name} | {b:.3f} | {a:.3f} | {a / b:.2f} | {'yes' if same else 'NO'} |")
    print(f"\nworst ratio after / before: {worst:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
