"""dealopt.solve and `dealopt solve` with the frontier searched in slices on two local worker
processes and on a real Dask cluster (a scheduler and two workers on 127.0.0.1): the same
frontier as the serial run and as a brute force over every deal, for 2 and 3 parties."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from random_deals import brute_force, random_instance

import dealopt
from dealopt.analysis.setup import setup
from dealopt.frontier import pareto_frontier
from dealopt.frontier.regions import Problem, frontier_in_regions

ROOT = Path(__file__).resolve().parents[2]


def vectors(result: dealopt.Result) -> list[tuple]:
    return [tuple(p.utilities.values()) for p in result.frontier]


@pytest.mark.parametrize(("parties", "seed"), [(2, 21), (3, 22)])
def test_two_local_workers_give_the_serial_and_brute_force_frontier(parties, seed):
    issues, options = 5, 4
    data, scores, weights = random_instance(parties, issues, options, seed)
    instance = dealopt.instance(data)
    serial = dealopt.solve(instance, backend="cpsat")
    pooled = dealopt.solve(instance, backend="cpsat", workers=2)
    assert pooled.status == serial.status == "complete"
    assert vectors(pooled) == vectors(serial)
    expected = brute_force(parties, issues, options, scores, weights)
    assert set(vectors(pooled)) == expected
    assert pooled.stats.regions >= 1 and serial.stats.regions == 0
    assert pooled.stats.solver_calls > 0
    # the zone and the bargaining solutions follow from the same points
    assert pooled.zone == serial.zone
    assert {n: vectors(pooled)[i] for n, i in pooled.solutions.items() if i is not None} == {
        n: vectors(serial)[i] for n, i in serial.solutions.items() if i is not None
    }


@pytest.mark.parametrize(
    ("parties", "backend"), [(2, "cpsat"), (3, "cpsat"), (4, "cpsat"), (3, "highs"), (4, "highs")]
)
def test_tasks_of_one_solve_on_two_processes(parties, backend):
    # Two objectives: every task makes one solve and comes back, the most sharing and cutting
    # there can be. Three or more: CP-SAT runs on threads of this process; HiGHS on a worker
    # process beside this one, zone by zone.
    data, scores, weights = random_instance(parties, 5, 4, 50 + parties)
    ready = setup(dealopt.instance(data), backend=backend, threads=1)
    problem = Problem(backend, ready.model, ready.options)
    found = frontier_in_regions(ready.session, problem, {}, workers=2, budget=0.0)
    assert found.complete and found.regions >= 2
    serial = pareto_frontier(ready.session, fast_path=False)
    assert [p.objectives for p in found.points] == [p.objectives for p in serial.points]
    utilities = {
        tuple(ready.decoder.utility(k, o) for k, o in enumerate(p.objectives)) for p in found.points
    }
    assert utilities == brute_force(parties, 5, 4, scores, weights)


def test_dask_cluster_gives_the_serial_frontier(dask_cluster):
    client, _, _ = dask_cluster
    for parties, seed in ((2, 31), (3, 32)):
        data, scores, weights = random_instance(parties, 5, 4, seed)
        instance = dealopt.instance(data)
        serial = dealopt.solve(instance, backend="cpsat")
        remote = dealopt.solve(instance, backend="cpsat", client=client)
        assert remote.status == serial.status
        assert vectors(remote) == vectors(serial)
        assert set(vectors(remote)) == brute_force(parties, 5, 4, scores, weights)
        assert remote.stats.regions >= 1


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "dealopt.cli", *args], cwd=ROOT, capture_output=True, text=True
    )


def test_cli_workers_and_scheduler(dask_cluster, tmp_path):
    _, address, _ = dask_cluster
    data, _, _ = random_instance(3, 5, 4, 41)
    file = tmp_path / "random.yaml"
    file.write_text(yaml.safe_dump(data), encoding="utf-8")
    args = ["solve", str(file), "--backend", "cpsat", "-f", "json"]
    runs = [run_cli(*args), run_cli(*args, "-w", "2"), run_cli(*args, "--scheduler", address)]
    for done in runs:
        assert done.returncode == 0, done.stderr
    documents = [json.loads(done.stdout) for done in runs]
    points = [[p["utilities"] for p in d["frontier"]] for d in documents]
    assert points[0] == points[1] == points[2]
    assert documents[0]["stats"]["regions"] == 0 and documents[1]["stats"]["regions"] >= 1
    unreachable = run_cli(*args, "--scheduler", "tcp://127.0.0.1:9")
    assert unreachable.returncode == 1 and "cannot reach the Dask scheduler" in unreachable.stderr
    assert "Traceback" not in unreachable.stderr
    bad = run_cli(*args, "--workers", "0")
    assert bad.returncode != 0 and "Traceback" not in bad.stderr


def family_file(tmp_path, parties: int, k: int) -> Path:
    sys.path.insert(0, str(ROOT))
    from benchmarks.families_multi import multi_party

    file = tmp_path / f"family-{parties}-{k}.yaml"
    file.write_text(yaml.safe_dump(multi_party(parties, k, 1, "third")), encoding="utf-8")
    return file


def test_ctrl_c_returns_the_points_proven_marked_partial(tmp_path):
    import signal
    import time

    file = family_file(tmp_path, 3, 12)  # minutes of work: far from done when interrupted
    process = subprocess.Popen(
        [sys.executable, "-m", "dealopt.cli", "solve", str(file), "--backend", "cpsat",
         "--workers", "2", "-f", "json"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    time.sleep(20)  # past the workers' start, even on a loaded machine
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    document = json.loads(stdout)
    assert document["status"] == "partial" and document["stats"]["stopped"] == "interrupted"
    assert document["frontier"]  # the points proven before Ctrl-C
    vectors = [tuple(float(u) for u in p["utilities"].values()) for p in document["frontier"]]
    for v in vectors:  # every one nondominated among those reported
        assert not any(w != v and all(a >= b for a, b in zip(w, v, strict=True)) for w in vectors)


def test_a_time_limit_covers_the_whole_parallel_search(tmp_path):
    import time

    file = family_file(tmp_path, 3, 12)
    start = time.perf_counter()
    done = run_cli("solve", str(file), "--backend", "cpsat", "-w", "2", "-t", "8", "-f", "json")
    took = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["status"] == "partial" and document["stats"]["stopped"] == "time limit"
    assert took < 8 + 15  # the workers stop themselves; start-up and exit on a loaded machine
