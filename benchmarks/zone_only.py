"""The zone-only search against the full frontier: solver calls and time, side by side.

``python -m benchmarks.zone_only [--rounds R] [--backends auto,cpsat] [--limit SECONDS]``

Each case (an instance, a backend, full or zone-only) runs in a fresh process, the two modes
interleaved round by round so that load on the machine hits both alike; the table gives the
median wall time of ``dealopt.solve`` (import and file reading excluded), the solver calls, the
points each mode lists, and checks that the zone-only points are exactly the full run's zone.
The cases: Helsinki and negotiation-family instances with 2, 3 and 4 parties.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_RUN = """
import json, sys, time
sys.path.insert(0, {tree!r})
import dealopt
instance = dealopt.load({path!r})
start = time.perf_counter()
result = dealopt.solve(instance, backend={backend!r}, zone_only={zone_only!r},
                       time_limit={limit!r}, threads=1)
took = time.perf_counter() - start
zone = sorted(tuple(str(result.frontier[i].utilities[p]) for p in result.parties)
              for i in result.zone)
print(json.dumps({{"seconds": took, "zone": zone, "points": len(result.frontier),
                   "calls": result.stats.solver_calls, "status": result.status.value,
                   "backend": result.stats.backend}}))
"""


def _run(path: Path, backend: str, zone_only: bool, limit: float) -> dict:
    code = _RUN.format(
        tree=str(ROOT), path=str(path), backend=backend, zone_only=zone_only, limit=limit
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tempfile.gettempdir()
    )
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _cases(folder: Path) -> list[tuple[str, Path]]:
    from benchmarks.families_multi import multi_party
    from dealopt.io.genius.read import to_yaml_text

    cases = [("helsinki", ROOT / "instances" / "helsinki2018.yaml")]
    for parties, k in ((2, 12), (2, 20), (3, 8), (3, 12), (4, 8)):
        path = folder / f"family-{parties}p-k{k}.yaml"
        path.write_text(to_yaml_text(multi_party(parties, k, seed=1)), encoding="utf-8")
        cases.append((f"family {parties}p k={k}", path))
    return cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backends", default="auto,cpsat")
    parser.add_argument("--limit", type=float, default=300.0, help="seconds per solve")
    parser.add_argument("--only", default=None, help="run only cases whose name contains this")
    args = parser.parse_args(argv)
    wrong = 0
    with tempfile.TemporaryDirectory() as tmp:
        print(
            "| case | backend | full: points, calls, s | zone only: points, calls, s "
            "| time zone / full | calls zone / full | same zone |"
        )
        print("|---|---|---|---|---:|---:|---|")
        for name, path in _cases(Path(tmp)):
            if args.only and args.only not in name:
                continue
            for backend in args.backends.split(","):
                times: dict[bool, list[float]] = {False: [], True: []}
                out: dict[bool, dict] = {}
                for _ in range(args.rounds):
                    for zone_only in (False, True):
                        got = _run(path, backend, zone_only, args.limit)
                        out[zone_only] = got
                        if "error" not in got:
                            times[zone_only].append(got["seconds"])
                if not times[False] or not times[True]:
                    print(f"| {name} | {backend} | {out[False]} | {out[True]} | - | - | - |")
                    continue
                full, zone = out[False], out[True]
                tf, tz = statistics.median(times[False]), statistics.median(times[True])
                done = full["status"] != "partial" and zone["status"] != "partial"
                same = full["zone"] == zone["zone"]
                wrong += done and not same
                print(
                    f"| {name} | {full['backend']} | {full['points']:,}, {full['calls']:,}, "
                    f"{tf:.2f}{'' if full['status'] != 'partial' else ' (partial)'} "
                    f"| {zone['points']:,}, {zone['calls']:,}, {tz:.2f}"
                    f"{'' if zone['status'] != 'partial' else ' (partial)'} | {tz / tf:.2f} "
                    f"| {zone['calls'] / max(full['calls'], 1):.2f} "
                    f"| {('yes' if same else 'NO') if done else '-'} |",
                    flush=True,
                )
    return 1 if wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
