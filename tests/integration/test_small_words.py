"""The small things of issue 15, item 12: help text, plurals and agreement, hints on raw YAML
parser messages and on division, and where an infeasible `solve` points to."""

from __future__ import annotations

from dataclasses import replace

import pytest
from typer.testing import CliRunner

import dealopt
from dealopt.analysis.alignments import IssueMove
from dealopt.cli import app
from dealopt.errors import SpecError

runner = CliRunner()

SMALL = """\
dealopt: 1
name: small
parties:
  a: {no_deal: 1}
  b: {no_deal: 1}
issues:
  x: {options: [p, q, r]}
  n: {range: [1, 3]}
interests:
  a: {scores: {x: {p: 3, q: 2}}}
  b: {scores: {x: {q: 2, r: 3}}}
red_lines:
  a:
    - {label: not r, rule: "x != r"}
"""


@pytest.mark.parametrize("args", [["--help"], ["solve", "--help"], ["report", "--help"]])
def test_help_shows_no_types_after_flags_nor_braces(args):
    out = runner.invoke(app, args).output
    assert "<bool>" not in out
    assert "{file}" not in out and "{" not in out.splitlines()[0]
    if args[0] == "solve":
        assert out.startswith("Usage: dealopt solve [OPTIONS] FILE")


def test_two_givers_give():
    labels = {"us": "United States", "eu": "EU3", "iran": "Iran"}
    move = IssueMove("sanctions", True, ("us", "eu"), ("iran",))
    assert move.describe(labels) == "United States and EU3 give, Iran gains"


def test_one_solver_call_is_singular(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    instance = dealopt.load(path)
    evaluation = dealopt.evaluate(instance, ["x=q, n=1"], backend="enumerate")
    assert "1 solver call." in " ".join(replace(evaluation, solver_calls=1).text().split())
    from dealopt.analysis.explain import explain

    ex = explain(instance, backend="enumerate")
    text = " ".join(replace(ex, solver_calls=1).text().split())
    assert "1 solver call," in text and "1 solver calls" not in text


@pytest.mark.parametrize(
    ("bad", "hint"),
    [
        ('rule: "x != r"}', "quote it"),  # replaced below by an unquoted {a, b}
        ("  b: {no_deal: 1}\n", "indentation"),
    ],
)
def test_raw_yaml_messages_get_a_hint(tmp_path, bad, hint):
    if hint == "quote it":
        text = SMALL.replace('rule: "x != r"}', "rule: x in {p, q}}")
    else:
        text = SMALL.replace("  b: {no_deal: 1}\n", "  b: {no_deal: 1}\n   c: 2\n")
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as err:
        dealopt.load(path)
    assert hint in str(err.value)
    assert f"{path}:" in str(err.value)  # still file:line:col


def test_division_by_an_issue_suggests_multiplying_out(tmp_path):
    path = tmp_path / "div.yaml"
    path.write_text(SMALL + 'rules:\n  - {label: ratio, rule: "3 / n >= 1"}\n', encoding="utf-8")
    with pytest.raises(SpecError) as err:
        dealopt.load(path)
    assert "division by 'n', which depends on issue n" in str(err.value)
    assert "multiply the comparison out" in str(err.value)


def test_infeasible_solve_points_to_explain(tmp_path):
    path = tmp_path / "none.yaml"
    path.write_text(SMALL + 'rules:\n  - {label: never, rule: "x == r"}\n', encoding="utf-8")
    out = " ".join(runner.invoke(app, ["solve", str(path)]).stdout.split())
    assert "No deal satisfies every rule and red line together (proven)." in out
    assert "dealopt explain" in out


HAND = """\
dealopt: 1
name: hand
parties:
  a: {no_deal: 0}
  b: {no_deal: 0}
issues:
  x: {range: [0, 6]}
interests:
  a: {scores: {x: linear}}
  b: {weights: {x: -1}, scores: {x: linear}}
"""


def test_solve_leads_with_the_answer_and_tops_the_table(tmp_path):
    """Issue 15, item 7: 347 lines for one solve. Long tables stop at --top rows."""
    path = tmp_path / "hand.yaml"
    path.write_text(
        HAND.replace("no_deal: 0}\n  b: {no_deal: 0}", "no_deal: 0}\n  b: {no_deal: -6}")
    )
    full = runner.invoke(app, ["solve", str(path), "--top", "0"]).stdout
    short = runner.invoke(app, ["solve", str(path), "--top", "2"]).stdout
    assert full.startswith("hand: 7 possible deals. The frontier has 7")  # the answer first
    rows = [line.split("│") for line in short.splitlines() if "│" in line]
    assert len(rows) == 2
    assert any("N" in r[1] for r in rows)  # the solutions are always among the rows shown
    assert "Showing 2 of 7 deals" in " ".join(short.split())
    assert len([line for line in full.splitlines() if "│" in line]) == 7
    assert "Showing" not in full
    default = runner.invoke(app, ["solve", str(path)]).stdout
    assert "Showing" not in default  # 7 rows: under the default of 20


def test_explain_leads_with_the_answer_and_tops_its_tables(tmp_path):
    from dealopt.analysis.explain import explain

    path = tmp_path / "hand.yaml"
    path.write_text(
        HAND.replace("no_deal: 0}\n  b: {no_deal: 0}", "no_deal: 0}\n  b: {no_deal: -6}")
    )
    ex = explain(dealopt.load(path), backend="enumerate")
    text = ex.text(top=2)
    assert text.startswith("THE ANSWER\n")
    assert "Showing 2 of 7 zone deals" in " ".join(text.split())
    assert "Showing" not in ex.text(top=0)


def test_no_garbled_sentence_about_common_moves(tmp_path):
    """Issue 15: "Every deal listed has no common move; at the status quo: external_monitor"."""
    path = tmp_path / "small.yaml"
    path.write_text(SMALL.replace("  b: {no_deal: 1}", "  b: {no_deal: 0}"), encoding="utf-8")
    out = " ".join(runner.invoke(app, ["solve", str(path)]).stdout.split())
    assert "2 points are acceptable" in out  # two rows share only n, at its status quo
    assert "no common move" not in out and "at the status quo:" not in out
    assert "Every deal listed has" not in out


ONE_OTHER = """\
dealopt: 1
name: one other
parties:
  a: {no_deal: 1}
  b: {no_deal: 0}
issues:
  x: {options: [p, q, r]}
  n: {range: [1, 2]}
interests:
  a: {scores: {x: {p: 3, q: 2}, n: {1: 0.5}}}
  b: {scores: {x: {q: 2, r: 3}}}
red_lines:
  a:
    - {label: not r, rule: "x != r"}
rules:
  - {label: q needs n 2, rule: "x == q -> n == 2"}
"""


def test_one_other_structure_is_singular_and_no_core_is_no(tmp_path):
    """Acceptable deals: p/1 and q/2 (the zone), p/2 (dominated by p/1): one other structure.
    The zone's two alignments share no move, so the answer is "No", not "Almost"."""
    from dealopt.analysis.explain import explain

    path = tmp_path / "one.yaml"
    path.write_text(ONE_OTHER, encoding="utf-8")
    text = " ".join(explain(dealopt.load(path), backend="enumerate").text().split())
    assert "the other 1 structure (1 deal) is acceptable too, but every deal in it is" in text
    assert "structure (1 deal) are" not in text
    assert "No: the zone's 2 deals fall into 2 alignments" in text
