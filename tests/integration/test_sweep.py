"""dealopt sweep end to end: Helsinki scenarios against dealopt.solve, the command line, and
the same rows from a real Dask cluster (a scheduler and two workers on 127.0.0.1)."""

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import dealopt
from dealopt.spec.uncertainty import apply
from dealopt.sweep.engine import Engine
from dealopt.sweep.scenarios import sample

ROOT = Path(__file__).resolve().parents[2]
HELSINKI = ROOT / "instances" / "helsinki2018.yaml"
NAMES = ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian")


@pytest.fixture(scope="module")
def helsinki():
    return dealopt.load(HELSINKI)


def test_helsinki_scenarios_equal_solve(helsinki):
    scenarios = sample(helsinki.uncertainty, 12, "lhs", seed=11)
    engine = Engine(helsinki, scenarios.numbers, scenarios.decimals, scenarios.red_lines)
    assert engine.solve_reason is None  # the fast way
    for row, outcome in enumerate(engine.run(scenarios)):
        one = apply(helsinki, scenarios.numbers_of(row), scenarios.dropped(row))
        result = dealopt.solve(one, all_deals=True)
        assert outcome.status == str(result.status)
        assert (outcome.frontier_size, outcome.zone_size) == (
            len(result.frontier),
            len(result.zone),
        )
        key = lambda d: tuple(d[i] for i in helsinki.issues)  # noqa: E731
        assert set(outcome.zone) == {
            key(d) for i in result.zone for d in result.frontier[i].all_deals
        }
        for name in NAMES:
            point = result.solution(name)
            assert outcome.solutions[name].utilities == tuple(point.utilities.values())
            assert outcome.solutions[name].deal in {key(d) for d in point.all_deals}


def test_helsinki_utility_matrices_equal_the_oracle(helsinki):
    """Every feasible deal's utilities as the fast way computes them (polynomials from the
    oracle's evaluator, an integer matrix product) against the rules oracle of the scenario's
    own instance, in random scenarios and at the file's own numbers."""
    from fractions import Fraction

    import numpy as np

    from dealopt.rules.oracle import Oracle, utility
    from dealopt.spec.uncertainty import number_paths

    scenarios = sample(helsinki.uncertainty, 3, "mc", seed=23)
    written = number_paths(helsinki)
    own = np.array(
        [
            [
                int(written[p].scaleb(d))
                for p, d in zip(scenarios.numbers, scenarios.decimals, strict=True)
            ]
        ]
    )
    scenarios = type(scenarios)(
        scenarios.numbers,
        scenarios.decimals,
        np.vstack([scenarios.values, own]),
        scenarios.red_lines,
        np.vstack([scenarios.holds, np.ones((1, len(scenarios.red_lines)), dtype=bool)]),
    )
    engine = Engine(helsinki, scenarios.numbers, scenarios.decimals, scenarios.red_lines)
    engine.prepare(scenarios)
    for row in range(len(scenarios)):
        dropped = scenarios.dropped(row)
        config = engine._config(dropped)
        monomials, _ = engine._utilities(config, scenarios, [row])
        checked = Oracle(apply(helsinki, scenarios.numbers_of(row), dropped)).checked
        for k, party in enumerate(helsinki.parties):
            mine = config.matrices[k] @ monomials[0]
            for i, deal in enumerate(config.deals):
                assert Fraction(int(mine[i]), config.scale) == utility(party, deal, checked)


def test_the_file_numbers_alone_give_solves_answer(helsinki, tmp_path):
    # One scenario with every number as written and every red line in force is the file.
    table = tmp_path / "t.csv"
    table.write_text("parties.russia.no_deal,red_lines.russia.0\n45,1\n", encoding="utf-8")
    [outcome] = dealopt.sweep(helsinki, scenarios=table).outcomes
    solved = dealopt.solve(helsinki)
    assert outcome.zone_size == len(solved.zone) == 14
    nash = solved.solution("nash")
    assert outcome.solutions["nash"].utilities == tuple(nash.utilities.values())


def run_cli(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "dealopt.cli", *args], cwd=cwd, capture_output=True, text=True
    )


def test_cli_formats(tmp_path):
    done = run_cli("sweep", str(HELSINKI), "-n", "30", "--workers", "1", "-f", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    import jsonschema

    schema = json.loads((ROOT / "docs" / "sweep-schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    assert data["schema"] == "dealopt.sweep/1" and data["scenarios_run"] == 30
    assert set(data["scenarios"][0]) >= {"parameters", "status", "zone_size", "solutions"}
    assert set(data["scenarios"][0]["solutions"]) == set(NAMES)
    assert done.stderr == ""  # no progress bar in a pipe
    out = tmp_path / "rows.parquet"
    png = tmp_path / "sweep.png"
    done = run_cli("sweep", str(HELSINKI), "-n", "30", "--workers", "1", "-f", "parquet",
                   "-o", str(out), "--plot", str(png))  # fmt: skip
    assert done.returncode == 0, done.stderr
    import pandas as pd

    frame = pd.read_parquet(out)
    assert len(frame) == 30 and "parties.us.no_deal" in frame.columns
    assert png.stat().st_size > 10_000
    # the table round-trips as scenarios: the same rows again
    csv = tmp_path / "rows.csv"
    frame[["parties.us.no_deal", "parties.russia.no_deal"]].to_csv(csv, index=False)
    done = run_cli("sweep", str(HELSINKI), "--scenarios", str(csv), "--workers", "1", "-f", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 31


def test_cli_bad_input_is_one_message(tmp_path):
    bad = tmp_path / "bad.yaml"
    base = tmp_path / "base.yaml"
    shutil.copy(HELSINKI, base)
    bad.write_text(
        "dealopt: 1\nextends: base.yaml\nuncertainty:\n"
        "  parties.rusia.no_deal: {uniform: [1, 2]}\n",
        encoding="utf-8",
    )
    done = run_cli("sweep", str(bad))
    assert done.returncode == 1
    assert "bad.yaml:4:3:" in done.stderr and "parties.russia.no_deal" in done.stderr
    assert "Traceback" not in done.stderr
    table = tmp_path / "t.csv"
    table.write_text("parties.us.no_dea\n1\n", encoding="utf-8")
    done = run_cli("sweep", str(HELSINKI), "--scenarios", str(table))
    assert done.returncode == 1 and "t.csv:1:1:" in done.stderr and "Traceback" not in done.stderr


# --------------------------------------------------------------------------- Dask


def test_dask_gives_the_same_rows_as_a_local_run(dask_cluster, helsinki):
    client, _, _ = dask_cluster
    local = dealopt.sweep(helsinki, samples=2, seed=5, method="sobol", workers=1, batch_size=6)
    remote = dealopt.sweep(helsinki, samples=2, seed=5, method="sobol", client=client, batch_size=6)
    assert remote.outcomes == local.outcomes
    # the solve way too: every scenario through dealopt.solve on the workers
    slow_local = dealopt.sweep(helsinki, samples=4, seed=2, fast=False, batch_size=1)
    slow_remote = dealopt.sweep(
        helsinki, samples=4, seed=2, fast=False, client=client, batch_size=1
    )
    assert [o.solutions for o in slow_remote.outcomes] == [o.solutions for o in slow_local.outcomes]


def test_cli_scheduler_option(dask_cluster):
    _, address, _ = dask_cluster
    args = ["sweep", str(HELSINKI), "-n", "25", "--seed", "9", "-f", "csv"]
    remote = run_cli(*args, "--scheduler", address)
    local = run_cli(*args, "--workers", "1")
    assert remote.returncode == 0, remote.stderr
    assert remote.stdout == local.stdout
    unreachable = run_cli(*args, "--scheduler", "tcp://127.0.0.1:9")
    assert unreachable.returncode == 1 and "cannot reach the Dask scheduler" in unreachable.stderr


def test_same_seed_same_document_whatever_the_hash_seed():
    import os

    docs = []
    for hash_seed in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-m", "dealopt.cli", "sweep", str(HELSINKI), "-n", "60", "-f", "json"],
            cwd=ROOT, capture_output=True, text=True,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        data = json.loads(done.stdout)
        data.pop("seconds")
        docs.append(data)
    assert docs[0] == docs[1]


def test_ctrl_c_reports_the_scenarios_done(tmp_path):
    import signal

    out = tmp_path / "partial.json"
    # Past the engine's preparation: 15 s is ample on a quiet machine; on a loaded one a Ctrl-C
    # can still come first (nothing done yet: no file, a non-zero exit), so wait longer and retry.
    for wait in (15, 45, 120):
        process = subprocess.Popen(
            [sys.executable, "-m", "dealopt.cli", "sweep", str(HELSINKI), "-n", "200000",
             "--workers", "1", "-f", "json", "-o", str(out)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        time.sleep(wait)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=240)
        if process.returncode == 0 or out.exists():
            break
    assert process.returncode == 0, stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["interrupted"] is True
    assert 0 < data["scenarios_run"] < 200_000 == data["scenarios_requested"]
    assert [s["index"] for s in data["scenarios"]] == list(range(data["scenarios_run"]))


def test_a_worker_lost_mid_run_has_its_batches_run_again(dask_cluster, helsinki):
    import threading

    client, _, (dask, file, log, started) = dask_cluster
    extra = subprocess.Popen(
        [dask, "worker", "--scheduler-file", str(file), "--nthreads", "1", "--host", "127.0.0.1",
         "--no-dashboard"], stdout=log, stderr=log,
    )  # fmt: skip
    started.append(extra)  # stopped by the fixture too, if still alive
    client.wait_for_workers(3, timeout=90)
    local = dealopt.sweep(helsinki, samples=120, seed=4, workers=1, batch_size=4)
    done = {}
    reached = threading.Event()

    def progress(count, total):
        if count >= 40:  # batches are on the workers by now
            reached.set()

    run = threading.Thread(
        target=lambda: done.setdefault(
            "remote",
            dealopt.sweep(helsinki, samples=120, seed=4, client=client, batch_size=4,
                          progress=progress),
        )
    )  # fmt: skip
    run.start()
    assert reached.wait(300)
    assert extra.poll() is None
    extra.kill()  # the worker dies with whatever batch it holds
    run.join(timeout=300)
    assert "remote" in done
    assert done["remote"].outcomes == local.outcomes


def test_the_report_says_how_sure_the_answer_is(tmp_path):
    page = tmp_path / "helsinki.html"
    done = run_cli("report", str(HELSINKI), "-o", str(page), "--no-explain",
                   "--sweep-samples", "60")  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = page.read_text(encoding="utf-8")
    assert "<section id='robustness'><h2>How sure is the answer?</h2>" in text
    assert "60 scenarios (mc, seed 0)" in text and "The zone is non-empty in <b>" in text
    done = run_cli("report", str(HELSINKI), "-o", str(page), "--no-explain",
                   "--sweep-samples", "0")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "id='robustness'" not in page.read_text(encoding="utf-8")
