"""``dealopt explain`` end to end on the Helsinki instance and its empty-zone variant.

The numbers checked against Helsinki come from the hand check in the header of
``instances/helsinki2018.yaml`` (a brute force over all 576,000 deals, independent of
dealopt): 14 zone points and 14 zone deals in two exchange structures that differ only in
whether Crimea moves (10 deals agree_to_disagree, 4 status quo); 819 acceptable deals; every
acceptable deal has verification >= third_party_monitors, timing at_helsinki or russia_first
and a publicly announced Russian step; Syria-only (ukraine group at the status quo) zone of 7
points, Ukraine-only 8 points, no zone without the economic issues; the zone empty above a US
no-deal value of 74.1. The empty-zone variant raises that value to 75.

Runs go through ``typer.testing.CliRunner`` (one per format and file, shared by the tests);
errors through the console entry point ``dealopt.cli.main``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dealopt.cli import app, main

ROOT = Path(__file__).resolve().parents[2]
HELSINKI = ROOT / "instances" / "helsinki2018.yaml"
EMPTY = ROOT / "instances" / "helsinki2018_empty_zone.yaml"


def invoke(*args: object):
    result = CliRunner().invoke(app, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return result


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def helsinki_text() -> str:
    return invoke("explain", HELSINKI).stdout


@pytest.fixture(scope="module")
def helsinki_json() -> dict:
    return json.loads(invoke("explain", HELSINKI, "--format", "json").stdout)


@pytest.fixture(scope="module")
def empty_text() -> str:
    return invoke("explain", EMPTY).stdout


@pytest.fixture(scope="module")
def empty_json() -> dict:
    return json.loads(invoke("explain", EMPTY, "--format", "json").stdout)


def test_helsinki_answers_the_op_eds_question_in_words(helsinki_text):
    text = flat(helsinki_text)
    # the question first, in words, then its answer (issue 15: the answer came unasked)
    assert (
        "THE ANSWER Is there only one way the parties can align, that is, one exchange (who "
        "gives what to whom) shared by every deal in the zone? Almost: the zone's 14 deals fall "
        "into 2 alignments" in text
    )
    assert "Do the acceptable deals outside the zone exchange in other ways? Yes. Over all" in text
    assert "The file asks" not in text and "The file's own description: Trump and Putin" in text
    assert "They differ only in crimea" in text
    assert (
        "Russia gives ukraine_support, iran_syria, verification, timing, "
        "russian_announcement to United States" in text
    )
    assert "United States gives sanctions to Russia" in text
    assert "Over all 819 acceptable deals (every one enumerated)" in text
    # The hand check's dominated alternatives: no sanctions relief (260 deals), Syria-only
    # steps (ukraine_support unmoved, 89), Ukraine-only steps (iran_syria unmoved, 41).
    for alternative in ("sanctions (260 deals)", "ukraine_support (89", "iran_syria (41 deals)"):
        assert alternative in text
    for section in ("1. ZONE", "2. ALL ACCEPTABLE", "3. BACKBONE", "4. CONFLICTS", "5. PRICE"):
        assert section in text
    assert "6. LINKAGE" in text and "7. WHAT IT WOULD TAKE" in text
    # every section states its question before answering it
    assert "3. BACKBONE What does every acceptable deal have in common?" in text
    assert "4. CONFLICTS Which red lines, rules and no-deal values cannot hold together?" in text


def test_helsinki_backbone_and_linkage_in_words(helsinki_text):
    text = flat(helsinki_text)
    assert "verification is at least third_party_monitors" in text
    assert "timing is at most russia_first (at_helsinki or russia_first)" in text
    assert "russian_announcement is at least moscow_only" in text
    assert "without ukraine zone of 7 points" in text
    assert "without syria zone of 8 points" in text
    assert "without economic no zone" in text
    assert "Sebenius's effect holds" in text
    assert "United States from 40.8 to 74.1 (+33.3)" in text


def test_helsinki_json(helsinki_json):
    doc = helsinki_json
    assert doc["schema"] == "dealopt.explanation/1"
    assert doc["status"] == "zone" and doc["stopped"] == {}
    first = doc["answers"][0]
    assert first["question"].startswith("Is there only one way the parties can align")
    assert first["answer"].startswith("Almost: the zone's 14 deals fall into 2 alignments")
    assert doc["questions"]["backbone"] == "What does every acceptable deal have in common?"
    assert len(doc["zone"]["points"]) == 14
    al = doc["alignments"]
    assert al["count"] == 2 and al["only"] is False and al["differ"] == ["crimea"]
    assert sorted(a["size"] for a in al["zone"]) == [4, 10]
    moved = {a["size"]: a["structure"][3] for a in al["zone"]}  # crimea
    assert moved[10] == {
        "issue": "crimea",
        "moved": True,
        "gives": ["us"],
        "gains": ["russia"],
        "basis": "status_quo",
    }
    assert moved[4]["moved"] is False
    assert al["acceptable"]["deals"] == 819 and al["acceptable"]["complete"] is True
    assert sum(s["size"] for s in al["acceptable"]["structures"]) == 819
    backbone = {b["issue"]: b for b in doc["backbone"]["issues"]}
    assert backbone["verification"]["possible"] == ["third_party_monitors", "un_full_access"]
    assert backbone["timing"]["possible"] == ["at_helsinki", "russia_first"]
    assert "private" in backbone["russian_announcement"]["excluded"]
    assert doc["conflicts"] == {
        "status": "none",
        "complete": True,
        "checks": 0,
        "stopped": None,
        "conflicts": [],
    }
    assert len(doc["prices"]["red_lines"]) == 14
    assert all(r["source"].startswith(str(HELSINKI)) for r in doc["prices"]["red_lines"])
    link = doc["linkage"]
    assert list(link["groups"]) == ["ukraine", "syria", "economic", "process"]
    # Without ukraine (Syria-only), without syria (Ukraine-only), without economic, process.
    assert [len(s["zone"]["points"]) for s in link["without"]] == [7, 8, 0, 0]
    assert [len(s["zone"]["points"]) for s in link["alone"]] == [0, 0, 0, 0]
    assert link["effect"] is True
    headroom = {h["party"]: h for h in doc["what_it_takes"]["headroom"]}
    assert headroom["us"]["highest_exact"] == "74.1"


def test_empty_zone_variant_in_words(empty_text):
    text = flat(empty_text)
    assert "there is no zone and so no alignment" in text
    assert "THE ANSWER Is there a deal that every party prefers to no deal? No. Feasible" in text
    assert "There is no acceptable deal. Minimal conflicts" in text
    assert "us no-deal value: utility(us) >= 75" in text
    assert f"({EMPTY}:" in text  # file:line of the variant's own no-deal value
    assert "United States: lower its no-deal value by 0.9, from 75 to 74.1" in text
    assert "No set of groups opens a zone." in text


def test_empty_zone_variant_json(empty_json):
    doc = empty_json
    assert doc["status"] == "no-acceptable-deal"
    assert doc["zone"]["points"] == [] and doc["alignments"] is None
    conflicts = doc["conflicts"]
    assert conflicts["status"] == "no-acceptable-deal" and conflicts["conflicts"]
    for conflict in conflicts["conflicts"]:
        kinds = {e["kind"] for e in conflict}
        assert "no_deal" in kinds  # a no-deal value is in every conflict: the rest is feasible
        assert all(e["source"] and ":" in e["source"] for e in conflict)
    us = doc["what_it_takes"]["openings"][0]
    assert us["party"] == "us" and us["reachable_exact"] == "74.1"
    nash = us["zone"]["points"][us["zone"]["solutions"]["nash"]]
    assert nash["utilities_exact"]["us"] == "74.1"


def test_output_file_and_switches(tmp_path):
    target = tmp_path / "explanation.json"
    invoke("explain", EMPTY, "-f", "json", "-o", target, "--no-linkage", "--max-conflicts", "1")
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert doc["linkage"] is None and doc["stopped"]["linkage"] == "not asked"
    assert len(doc["conflicts"]["conflicts"]) == 1 and doc["conflicts"]["complete"] is False


def test_a_tiny_time_limit_reports_what_was_not_computed():
    doc = json.loads(invoke("explain", HELSINKI, "-f", "json", "-t", "0.001").stdout)
    assert "time limit" in doc["stopped"].values()


def run_main(monkeypatch, capsys, *args: object) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["dealopt", *map(str, args)])
    with pytest.raises(SystemExit) as stop:
        main()
    out, err = capsys.readouterr()
    return (0 if stop.value.code is None else stop.value.code), out, err


def test_bad_options_are_input_errors(monkeypatch, capsys):
    code, _, err = run_main(monkeypatch, capsys, "explain", EMPTY, "--max-conflicts", "0")
    assert code == 1 and "--max-conflicts must be at least 1" in err
    code, _, err = run_main(monkeypatch, capsys, "explain", EMPTY, "--backend", "nope")
    assert code == 1 and "unknown backend" in err


def test_deal_numbers_match_solve(helsinki_text):
    """One numbering: explain's zone deal with the Nash mark has the number solve gives it."""
    rows = [line.split() for line in helsinki_text.splitlines()]
    nash = [r for r in rows if len(r) > 3 and r[0].isdigit() and r[2] == "N"]
    assert [r[0] for r in nash] == ["11"]
    solved = invoke("solve", HELSINKI).stdout
    marked = [line.split("│") for line in solved.splitlines() if "│ N" in line]
    assert [r[0].strip() for r in marked] == ["11"]
    assert flat(helsinki_text).count("Deals are numbered from 1 in frontier order") == 1
