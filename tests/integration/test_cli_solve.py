"""``dealopt solve`` end to end: statuses, formats, output files, errors and exit statuses.

Most runs go through ``typer.testing.CliRunner`` on ``dealopt.cli.app``. Errors are reported by
the console entry point ``dealopt.cli.main`` (the ``dealopt`` script and ``python -m
dealopt.cli``), which turns dealopt's exceptions into one message and an exit status; those
runs call ``main`` in-process with ``sys.argv`` set, or start a subprocess.

The small instance is the one of ``tests/unit/test_handworked.py`` (worked out by hand there):
9 frontier points, zone = points 2-5, Nash = Kalai-Smorodinsky = utilitarian = point 3
(8, 7.5), egalitarian = point 4 (7, 8).
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dealopt.cli import app, main

ROOT = Path(__file__).resolve().parents[2]
HELSINKI = ROOT / "instances" / "helsinki2018.yaml"
RESULT_SCHEMA = ROOT / "docs" / "result-schema.json"

HAND = """\
dealopt: 1
name: hand-worked
parties:
  buyer: {label: The buyer, no_deal: 3}
  seller: {label: The seller}
issues:
  price: {options: [low, mid, high]}
  delivery: {options: [slow, fast]}
  warranty: {range: [0, 2]}
interests:
  buyer:
    weights: {price: 2}
    scores:
      price: {low: 5, mid: 3, high: 0}
      delivery: {fast: 2}
      warranty: linear
  seller:
    scores:
      price: {mid: 4, high: 7}
      delivery: {slow: 2, fast: 0.5}
      warranty: {0: 3, 1: 2}
    terms:
      - label: fast delivery with a warranty
        when: "delivery == fast and warranty >= 1"
        value: -1.5
red_lines:
  seller:
    - {label: no fast delivery at a low price, rule: "not (price == low and delivery == fast)"}
"""
# (buyer, seller) utilities of the frontier, in its order, as exact text
FRONTIER = [
    ("12", "2"),
    ("11", "4"),
    ("10", "5"),
    ("8", "7.5"),
    ("7", "8"),
    ("6", "9"),
    ("2", "10.5"),
    ("1", "11"),
    ("0", "12"),
]
ZONE = [2, 3, 4, 5]
SOLUTIONS = {"nash": 3, "kalai_smorodinsky": 3, "egalitarian": 4, "utilitarian": 3}

NO_ACCEPTABLE = HAND.replace("{label: The buyer, no_deal: 3}", "{label: The buyer, no_deal: 12.5}")
NO_FEASIBLE = (
    HAND + 'rules:\n  - {label: fast and cheap, rule: "delivery == fast and price == low"}\n'
)
# an issue nobody cares about: every frontier point is reached by exactly two deals
TWO_DEALS_EACH = HAND.replace(
    "  warranty: {range: [0, 2]}\n",
    "  warranty: {range: [0, 2]}\n  colour: {options: [red, blue]}\n",
)

runner = CliRunner()


@pytest.fixture
def write(tmp_path):
    def write(text: str, name: str = "instance.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def solve(*args: object) -> object:
    result = runner.invoke(app, ["solve", *map(str, args)])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def run_main(monkeypatch, capsys, *args: object) -> tuple[int, str, str]:
    """``dealopt ARGS`` through the console entry point, in-process."""
    monkeypatch.setattr(sys, "argv", ["dealopt", *map(str, args)])
    with pytest.raises(SystemExit) as stop:
        main()
    out, err = capsys.readouterr()
    code = stop.value.code
    return (0 if code is None else code), out, err


def validate(document: dict) -> None:
    """Check a JSON result against docs/result-schema.json (or the documented keys)."""
    if RESULT_SCHEMA.is_file():
        import jsonschema

        schema = json.loads(RESULT_SCHEMA.read_text(encoding="utf-8"))
        jsonschema.validate(document, schema)
    assert document["schema"] == "dealopt.result/1"
    for key in ("instance", "parties", "status", "frontier", "zone", "solutions", "stats"):
        assert key in document
    for party in document["parties"]:
        assert {"name", "label", "no_deal"} <= set(party)
    for point in document["frontier"]:
        assert {"deal", "utilities", "acceptable"} <= set(point)
    assert set(document["solutions"]) == {"nash", "kalai_smorodinsky", "egalitarian", "utilitarian"}
    stats = document["stats"]
    assert {"backend", "algorithm", "solver_calls", "seconds", "bundle_space_size"} <= set(stats)


def exact_utilities(document: dict) -> list[tuple[str, str]]:
    return [
        (p["utilities_exact"]["buyer"], p["utilities_exact"]["seller"])
        for p in document["frontier"]
    ]


# --- formats ------------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["auto", "cpsat", "enumerate"])
def test_table(write, backend):
    result = solve(write(HAND), "--backend", backend)
    assert result.exit_code == 0, result.output
    out = result.stdout
    # the paragraph is wrapped (a hyphenated word may break after its hyphen): unwrap it
    paragraph = " ".join(out.split("\n\n")[0].replace("-\n", "-").split())
    assert paragraph.startswith("hand-worked: 18 possible deals. The frontier has 9 Pareto-optimal")
    assert "complete: every Pareto-optimal deal was found and proven" in paragraph
    assert "4 points are acceptable to every party" in paragraph
    assert "The Nash deal gives The buyer 8 (no deal 3), The seller 7.5 (no deal 5)" in paragraph
    assert "It moves price low -> mid; delivery slow -> fast." in paragraph
    table = out.split("\n\n", 1)[1]
    assert table.splitlines()[0].strip() == "zone"
    rows = {}
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.split("│")]
        if cells[0].isdigit():
            rows[int(cells[0])] = cells[1:]
    assert sorted(rows) == [1, 2, 3, 4]  # the zone only, its deals numbered from 1
    # sol, buyer, seller; then the deal (how much of it is shown is the report's choice)
    assert rows[1][:3] == ["", "10", "5"]
    assert rows[2][:3] == ["NKU", "8", "7.5"]
    assert rows[3][:3] == ["E", "7", "8"]
    assert rows[4][:3] == ["", "6", "9"]
    assert {"price=mid", "delivery=fast"} <= set(rows[2][3].split())
    assert {"price=mid", "warranty=1"} <= set(rows[3][3].split())
    assert "sol: N Nash, K Kalai-Smorodinsky, E egalitarian, U utilitarian" in table


@pytest.mark.parametrize("backend", ["cpsat", "enumerate"])
def test_json(write, backend):
    result = solve(write(HAND), "--format", "json", "--backend", backend, "--threads", 1)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    validate(document)
    assert document["instance"] == "hand-worked"
    assert document["status"] == "complete"
    assert document["issues"] == ["price", "delivery", "warranty"]
    assert [(p["name"], p["label"], p["no_deal"]) for p in document["parties"]] == [
        ("buyer", "The buyer", 3),
        ("seller", "The seller", 5),
    ]
    assert exact_utilities(document) == FRONTIER
    assert document["frontier"][3]["utilities"] == {"buyer": 8, "seller": 7.5}
    assert document["frontier"][3]["deal"] == {"price": "mid", "delivery": "fast", "warranty": 0}
    assert [p["acceptable"] for p in document["frontier"]] == [i in ZONE for i in range(9)]
    assert document["zone"] == ZONE
    assert document["solutions"] == SOLUTIONS
    stats = document["stats"]
    assert stats["backend"] == backend
    assert stats["bundle_space_size"] == 18
    assert stats["solver_calls"] >= 1 and stats["seconds"] >= 0
    assert stats["stopped"] is None
    assert "all_deals" not in document["frontier"][0]


@pytest.mark.parametrize("backend", ["cpsat", "enumerate", "merge"])
def test_zone_only(write, backend):
    """--zone-only lists the zone's points only (the hand-worked ZONE), says so in its status
    and words, and picks the same solutions; an empty zone is no-acceptable-deal."""
    result = solve(write(HAND), "--format", "json", "--backend", backend, "--zone-only")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    validate(document)
    assert document["status"] == "zone"
    assert document["solutions_over"] == "whole zone"
    assert document["stats"]["zone_only"] is True
    assert exact_utilities(document) == [FRONTIER[i] for i in ZONE]
    assert document["zone"] == [0, 1, 2, 3]
    assert all(p["acceptable"] for p in document["frontier"])
    shift = ZONE[0]
    assert document["solutions"] == {k: v - shift for k, v in SOLUTIONS.items()}
    text = solve(write(HAND), "--backend", backend, "--zone-only").stdout
    paragraph = " ".join(text.split("\n\n")[0].replace("-\n", "-").split())
    assert "Only the zone was searched" in paragraph
    assert "the frontier outside the zone was not searched" in paragraph
    empty = json.loads(solve(write(NO_ACCEPTABLE), "-f", "json", "--zone-only").stdout)
    assert empty["status"] == "no-acceptable-deal" and empty["frontier"] == []


def test_csv(write):
    result = solve(write(HAND), "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    header, body = rows[0], rows[1:]
    assert header == [
        "deal",
        "price",
        "delivery",
        "warranty",
        "buyer",
        "seller",
        "acceptable",
        "solutions",
    ]
    assert len(body) == 9  # one row per frontier deal
    assert [(r[4], r[5]) for r in body] == FRONTIER
    # one deal numbering everywhere: the zone's deals from 1 (points 2-5 of the frontier)
    assert [r[0] for r in body] == ["", "", "1", "2", "3", "4", "", "", ""]
    assert [r[6] for r in body] == ["true" if i in ZONE else "false" for i in range(9)]
    assert body[3][1:4] == ["mid", "fast", "0"]
    assert set(body[3][7].split()) == {"nash", "kalai_smorodinsky", "utilitarian"}
    assert body[4][7] == "egalitarian"
    assert all(r[7] == "" for i, r in enumerate(body) if i not in (3, 4))


# A seller's term of -4/3: utilities that no decimal writes exactly
THIRDS = HAND.replace("value: -1.5", 'value: "-4 / 3"')


def test_csv_numbers_are_numbers_a_spreadsheet_reads(write):
    """Issue 15: utilities such as 6611/76 came out as text; now decimals, rounded."""
    rows = list(csv.reader(io.StringIO(solve(write(THIRDS), "-f", "csv").stdout)))
    header, body = rows[0], rows[1:]
    buyer, seller = header.index("buyer"), header.index("seller")
    for row in body:
        for cell in (row[buyer], row[seller]):
            float(cell)  # raises on "31/6"
            assert "/" not in cell and "~" not in cell
    # mid, fast, warranty 1: seller 4 + 0.5 + 2 - 4/3 = 31/6, to 6 places
    (row,) = [r for r in body if r[1:4] == ["mid", "fast", "1"]]
    assert row[seller] == "5.166667" and row[buyer] == "9"
    document = json.loads(solve(write(THIRDS), "-f", "json").stdout)
    exact = [p["utilities_exact"]["seller"] for p in document["frontier"]]
    assert "31/6" in exact  # exact stays in the JSON field that says so


def test_table_rounds_and_says_so_once(write):
    text = solve(write(THIRDS)).stdout
    assert "5.17" in text and "~" not in text and "31/6" not in text
    assert text.count("Numbers are rounded to 2 decimals") == 1
    assert "rounded" not in solve(write(HAND)).stdout  # nothing rounded: nothing said


def test_one_deal_numbering_in_table_json_and_csv(write):
    path = write(HAND)
    table = solve(path).stdout
    rows = [[c.strip() for c in line.split("│")] for line in table.splitlines()]
    rows = [r for r in rows if r[0].isdigit()]
    assert [r[0] for r in rows] == ["1", "2", "3", "4"]  # the zone, numbered from 1
    assert rows[1][1] == "NKU" and rows[2][1] == "E"  # Nash is deal 2 of the zone
    assert table.count("Deals are numbered from 1") == 1  # explained once
    document = json.loads(solve(path, "-f", "json").stdout)
    numbers = [p["number"] for p in document["frontier"]]
    assert numbers == [None, None, 1, 2, 3, 4, None, None, None]
    nash = document["frontier"][document["solutions"]["nash"]]
    assert nash["number"] == 2


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_output_file(write, tmp_path, fmt):
    target = tmp_path / f"out.{fmt}"
    result = solve(write(HAND), "--format", fmt, "--output", target)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    text = target.read_text(encoding="utf-8")
    again = solve(write(HAND), "--format", fmt)
    if fmt == "json":  # equal but for the timing
        a, b = json.loads(text), json.loads(again.stdout)
        validate(a)
        del a["stats"]["seconds"], b["stats"]["seconds"]
        assert a == b
    else:
        assert text == again.stdout


def test_all_deals(write):
    path = write(TWO_DEALS_EACH)
    document = json.loads(solve(path, "--format", "json", "--all-deals").stdout)
    validate(document)
    assert exact_utilities(document) == FRONTIER
    for point in document["frontier"]:
        assert point["all_deals_complete"] is True
        assert len(point["all_deals"]) == 2
        assert {d["colour"] for d in point["all_deals"]} == {"red", "blue"}
        assert point["deal"] in point["all_deals"]
        for deal in point["all_deals"]:
            assert {k: v for k, v in deal.items() if k != "colour"} == {
                k: v for k, v in point["deal"].items() if k != "colour"
            }
    capped = json.loads(solve(path, "-f", "json", "--all-deals", "--all-deals-cap", 1).stdout)
    validate(capped)
    for point in capped["frontier"]:
        assert point["all_deals_complete"] is False
        assert len(point["all_deals"]) == 1


# --- statuses -----------------------------------------------------------------------------------


def test_status_no_acceptable_deal(write):
    path = write(NO_ACCEPTABLE)
    document = json.loads(solve(path, "-f", "json").stdout)
    validate(document)
    assert document["status"] == "no-acceptable-deal"
    assert exact_utilities(document) == FRONTIER
    assert document["zone"] == []
    assert set(document["solutions"].values()) == {None}
    table = solve(path)
    assert table.exit_code == 0  # an answer, not an error
    text = " ".join(table.stdout.split())
    assert "None of them gives every party at least its no-deal value: there is no zone." in text
    assert "frontier (no point is acceptable to every party)" in text


def test_status_no_feasible_deal(write):
    path = write(NO_FEASIBLE)
    document = json.loads(solve(path, "-f", "json").stdout)
    validate(document)
    assert document["status"] == "no-feasible-deal"
    assert document["frontier"] == [] and document["zone"] == []
    assert set(document["solutions"].values()) == {None}
    table = solve(path)
    assert table.exit_code == 0
    assert "No deal satisfies every rule and red line together (proven)." in table.stdout
    rows = list(csv.reader(io.StringIO(solve(path, "-f", "csv").stdout)))
    assert len(rows) == 1  # the header only


def test_status_partial_deterministic(write, monkeypatch):
    """A time limit that runs out after exactly two proven points (the clock is patched)."""
    from dealopt.frontier import runner as frontier_runner

    real_remaining = frontier_runner.Run.remaining

    def remaining(self):
        if len(self.points) >= 2:
            raise frontier_runner.Stop("time limit")
        return real_remaining(self)

    monkeypatch.setattr(frontier_runner.Run, "remaining", remaining)
    path = write(HAND)
    args = (path, "--backend", "cpsat", "--time-limit", 60, "--threads", 1)
    document = json.loads(solve(*args, "-f", "json").stdout)
    validate(document)
    assert document["status"] == "partial"
    assert document["stats"]["stopped"] == "time limit"
    found = exact_utilities(document)
    assert len(found) == 2
    assert set(found) <= set(FRONTIER)  # whatever is listed is proven nondominated
    assert found == sorted(found, key=lambda u: tuple(float(x) for x in u), reverse=True)
    text = " ".join(solve(*args).stdout.split())
    assert (
        "The search stopped early (time limit): 2 Pareto-optimal points were proven so far" in text
    )
    assert "Everything below is over the points proven so far, not the whole frontier." in text


def test_partial_solutions_say_they_are_over_the_points_so_far(write, monkeypatch):
    """Issue 15: `solve -t` said "The Nash deal gives..." from 4 of 83 points, as if final."""
    from dealopt.frontier import runner as frontier_runner

    real_remaining = frontier_runner.Run.remaining

    def remaining(self):
        if len(self.points) >= 5:
            raise frontier_runner.Stop("time limit")
        return real_remaining(self)

    monkeypatch.setattr(frontier_runner.Run, "remaining", remaining)
    args = (write(HAND), "--backend", "cpsat", "--time-limit", 60, "--threads", 1)
    document = json.loads(solve(*args, "-f", "json").stdout)
    validate(document)
    assert document["status"] == "partial" and document["zone"]
    assert document["solutions_over"] == "points proven so far"
    text = " ".join(solve(*args).stdout.split())
    assert "The Nash deal gives" not in text
    assert "The Nash deal over the points proven so far gives" in text
    assert "of the points proven so far" in text and "acceptable to every party" in text
    assert "zone, over the points proven so far (the search stopped early)" in text
    complete = json.loads(solve(write(HAND), "-f", "json").stdout)
    assert complete["solutions_over"] == "whole frontier"


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def perf_counter(self) -> float:
        return self.now


def test_solver_stopping_just_short_of_the_time_limit_is_not_an_interrupt(write, monkeypatch):
    """CP-SAT may return UNKNOWN some milliseconds before its limit: that is the time limit."""
    import dealopt.progress
    from dealopt.backends import SolveStatus
    from dealopt.backends.base import BackendSolution
    from dealopt.backends.cpsat import CpSatSession
    from dealopt.frontier import runner as frontier_runner

    clock = _Clock()  # the only clock of the run: compiling and loading take no time
    monkeypatch.setattr(frontier_runner, "time", clock)
    monkeypatch.setattr(dealopt.progress, "time", clock)
    real_solve = CpSatSession.solve

    def solve(self, weights, *, time_limit=None, **kwargs):
        if self.calls == 0:  # the first solve proves a point in 0.3 s
            clock.now += 0.3
            return real_solve(self, weights, time_limit=time_limit, **kwargs)
        self.calls += 1  # the next one stops 40 ms short of its limit, without a solution
        clock.now += time_limit - 0.04
        return BackendSolution(SolveStatus.UNKNOWN)

    monkeypatch.setattr(CpSatSession, "solve", solve)
    result = solve_cli_json(write(HAND), "--backend", "cpsat", "--time-limit", 0.5)
    assert result["status"] == "partial"
    assert result["stats"]["stopped"] == "time limit"
    assert set(exact_utilities(result)) <= set(FRONTIER)


def solve_cli_json(*args: object) -> dict:
    result = solve(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    validate(document)
    return document


def _knapsack(items: int, seed: int) -> str:
    """A two-party 0/1 knapsack with hundreds of frontier points: too big for a short limit."""
    rng = random.Random(seed)
    a = [rng.randint(10, 100) for _ in range(items)]
    b = [rng.randint(10, 100) for _ in range(items)]
    w = [rng.randint(10, 100) for _ in range(items)]
    lines = ["dealopt: 1", "name: knapsack", "parties:", "  a: {no_deal: -1}", "  b: {no_deal: -1}"]
    lines += ["issues:"] + [f"  x{i}: {{options: [out, packed]}}" for i in range(items)]
    lines += ["attributes:", "  weight:"] + [f"    x{i}: {{packed: {w[i]}}}" for i in range(items)]
    lines += ["interests:"]
    for party, values in (("a", a), ("b", b)):
        lines += [f"  {party}:", "    scores:"]
        lines += [f"      x{i}: {{packed: {values[i]}}}" for i in range(items)]
    lines += ["rules:", f'  - {{label: capacity, rule: "total(weight) <= {sum(w) // 2}"}}']
    return "\n".join(lines) + "\n"


def test_status_partial_real_time_limit(write):
    path = write(_knapsack(120, seed=7))
    result = solve(path, "-f", "json", "--backend", "cpsat", "--time-limit", 0.5, "--threads", 1)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    validate(document)
    assert document["status"] == "partial"
    assert document["stats"]["stopped"] == "time limit"
    utilities = [(p["utilities"]["a"], p["utilities"]["b"]) for p in document["frontier"]]
    for u in utilities:  # the listed points do not dominate each other
        assert not any(v != u and v[0] >= u[0] and v[1] >= u[1] for v in utilities)


# --- errors and exit statuses ------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["--bogus"],
        ["--format", "xml"],
        ["--threads", "many"],
        ["--time-limit"],
        [],  # no file
    ],
    ids=["unknown-option", "bad-format", "bad-threads", "missing-value", "missing-file-argument"],
)
def test_bad_flags_exit_2(write, args):
    path = [] if args == [] else [str(write(HAND))]
    result = runner.invoke(app, ["solve", *path, *args])
    assert result.exit_code == 2, result.output
    assert "Error" in result.output


def test_bad_flag_through_the_entry_point(write, monkeypatch, capsys):
    code, _, err = run_main(monkeypatch, capsys, "solve", write(HAND), "--bogus")
    assert code == 2
    assert "No such option" in err and "Traceback" not in err


def test_missing_file(monkeypatch, capsys, tmp_path):
    missing = tmp_path / "nowhere.yaml"
    code, out, err = run_main(monkeypatch, capsys, "solve", missing)
    assert code == 1
    assert out == ""
    assert f"{missing}:1:1: error: cannot read file" in err
    assert "Traceback" not in err


def test_invalid_instance(write, monkeypatch, capsys):
    bad = HAND.replace('rule: "not (price == low and delivery == fast)"', 'rule: "price == lwo"')
    path = write(bad)
    line = bad.splitlines().index(next(x for x in bad.splitlines() if "lwo" in x)) + 1
    col = bad.splitlines()[line - 1].index("lwo") + 1
    code, out, err = run_main(monkeypatch, capsys, "solve", path)
    assert code == 1
    assert out == ""
    assert f"{path}:{line}:{col}: error:" in err
    assert "'lwo' is not an option of issue 'price' (did you mean 'low'?)" in err
    assert err.rstrip().endswith("^")  # the line, with a caret under the column
    assert "Traceback" not in err


def test_unknown_backend(write, monkeypatch, capsys):
    code, _, err = run_main(monkeypatch, capsys, "solve", write(HAND), "--backend", "cpsta")
    assert code == 1
    assert "unknown backend 'cpsta'" in err
    assert "did you mean 'cpsat'?" in err
    assert "Traceback" not in err


def test_bad_option_value(write, monkeypatch, capsys):
    code, _, err = run_main(monkeypatch, capsys, "solve", write(HAND), "--threads", "0")
    assert code == 1
    assert "threads must be at least 1" in err and "Traceback" not in err


def test_success_through_the_entry_point(write, monkeypatch, capsys):
    code, out, err = run_main(monkeypatch, capsys, "solve", write(HAND), "-f", "csv")
    assert code == 0
    assert len(out.splitlines()) == 10
    assert err == ""


# --- subprocesses -------------------------------------------------------------------------------


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONWARNINGS", None)
    return env


def test_module_help_in_a_subprocess():
    done = subprocess.run(
        [sys.executable, "-m", "dealopt.cli", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_env(),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Exit statuses" in done.stdout
    assert "solve" in done.stdout


def test_script_solve_in_a_subprocess(write):
    script = Path(sys.executable).with_name("dealopt")
    if not script.exists():
        pytest.skip(f"no dealopt script next to {sys.executable}")
    done = subprocess.run(
        [str(script), "solve", str(write(HAND)), "--format", "json"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["solutions"] == SOLUTIONS
    assert done.stderr == ""  # no progress line in a pipe


HEAVY = (
    "ortools",
    "highspy",
    "pyomo",
    "pandas",
    "matplotlib",
    "plotly",
    "scipy",
    "dask",
    "distributed",
)
PROBE = """
import sys
from dealopt.cli import main

for argv in (["dealopt", "--help"], ["dealopt", "check", {path!r}]):
    sys.argv = argv
    try:
        main()
    except SystemExit as stop:
        assert stop.code in (0, None), (argv, stop.code)
print(sorted(m for m in sys.modules if m.split(".")[0] in {heavy!r}))
"""


def test_help_and_check_import_no_solver_or_pandas():
    code = PROBE.format(path=str(HELSINKI), heavy=set(HEAVY))
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_env(),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert "ok: Helsinki summit, July 2018" in done.stdout
    assert lines[-1] == "[]"
