"""Acceptance rules, tables over two issues and piecewise(): hand-worked results, and one bad
file per problem with its file:line:col, what was expected and the nearest valid name."""

from __future__ import annotations

import json
import textwrap
from fractions import Fraction
from pathlib import Path

import pytest

import dealopt
from dealopt.errors import SpecError
from dealopt.rules import check
from dealopt.spec import loads

ROOT = Path(__file__).resolve().parents[2]

# Hand-worked: utilities (a, b, c) of the nine deals, no-deal value 5 each.
#   x0y0 (2, 10, 0)  x0y1 (0, 11, 4)  x0y2 (0, 10, 9)
#   x1y0 (8, 6, 0)   x1y1 (6, 7, 4)   x1y2 (6, 6, 9)
#   x2y0 (12, 0, 0)  x2y1 (10, 1, 4)  x2y2 (10, 0, 9)
# No deal dominates another: the frontier has all nine points.
THREE = """\
dealopt: 1
name: Three parties
parties:
  a: {no_deal: 5}
  b: {no_deal: 5}
  c: {no_deal: 5}
issues:
  x: {options: [x0, x1, x2]}
  y: {options: [y0, y1, y2]}
interests:
  a: {scores: {x: {x0: 0, x1: 6, x2: 10}, y: {y0: 2}}}
  b: {scores: {x: {x0: 10, x1: 6, x2: 0}, y: {y1: 1}}}
  c: {scores: {y: {y0: 0, y1: 4, y2: 9}}}
"""
RULE = """\
acceptance:
  veto: [a]
  at_least:
    - {count: 2, of: [a, b, c]}
"""


def _vectors(result, indices=None):
    rows = result.frontier if indices is None else [result.frontier[i] for i in indices]
    return [tuple(int(p.utilities[q]) for q in "abc") for p in rows]


@pytest.mark.parametrize("backend", ["enumerate", "cpsat"])
def test_veto_and_two_of_three_by_hand(backend: str) -> None:
    result = dealopt.solve(loads(THREE + RULE), backend=backend)
    assert len(result.frontier) == 9
    # Passing: a accepts (>= 5) and at least two of three accept.
    assert sorted(_vectors(result, result.zone)) == [(6, 6, 9), (6, 7, 4), (8, 6, 0), (10, 0, 9)]
    assert result.acceptance is not None
    assert result.acceptance.veto_players == ("a",)
    assert result.acceptance.pivotal == ("a", "b", "c")
    by_vector = {v: p for v, p in zip(_vectors(result), result.frontier, strict=True)}
    assert by_vector[(6, 6, 9)].pivotal == ("a",)  # b or c alone may leave
    assert by_vector[(10, 0, 9)].pivotal == ("a", "c")
    assert by_vector[(10, 1, 4)].blockers == ("b", "c")  # only a accepts
    assert by_vector[(0, 10, 9)].blockers == ("a",)
    # Nash, KS and egalitarian over the veto player a: its best zone deal, a = 10.
    for name in ("nash", "kalai_smorodinsky", "egalitarian"):
        assert _vectors(result, [result.solutions[name]]) == [(10, 0, 9)], name
    # Utilitarian over everyone: sums 21, 17, 14, 19.
    assert _vectors(result, [result.solutions["utilitarian"]]) == [(6, 6, 9)]


def test_without_a_veto_player_only_utilitarian_is_defined() -> None:
    rule = "acceptance:\n  at_least:\n    - {count: 2, of: [a, b, c]}\n"
    result = dealopt.solve(loads(THREE + rule), backend="enumerate")
    assert sorted(_vectors(result, result.zone)) == [
        (0, 10, 9),
        (6, 6, 9),
        (6, 7, 4),
        (8, 6, 0),
        (10, 0, 9),
    ]
    assert result.acceptance.veto_players == ()
    assert result.solutions["nash"] is None and result.solutions["egalitarian"] is None
    assert _vectors(result, [result.solutions["utilitarian"]]) == [(6, 6, 9)]
    assert "Veto players: none" in result.summary()


def test_weighted_threshold_with_a_required_party() -> None:
    # Weights 2, 1, 1: at least 3/4 of 4 = 3 needs a and one more; b must be among them.
    rule = (
        "acceptance:\n  weighted:\n"
        "    - {weights: {a: 2, b: 1, c: 1}, share: 0.75, including: [b]}\n"
    )
    result = dealopt.solve(loads(THREE + rule), backend="enumerate")
    assert sorted(_vectors(result, result.zone)) == [(6, 6, 9), (6, 7, 4), (8, 6, 0)]
    assert result.acceptance.veto_players == ("a", "b")


def test_no_acceptance_section_changes_nothing() -> None:
    result = dealopt.solve(loads(THREE), backend="enumerate")
    assert _vectors(result, result.zone) == [(6, 6, 9)]  # the only deal all three accept
    assert result.acceptance is None
    assert all(p.pivotal is None and p.blockers is None for p in result.frontier)
    assert "acceptance" not in result.to_dict()


def test_json_carries_pivotal_parties_and_blockers() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    document = json.loads(dealopt.solve(loads(THREE + RULE), backend="enumerate").to_json())
    jsonschema.validate(document, json.loads((ROOT / "docs/result-schema.json").read_text()))
    assert document["acceptance"]["veto_players"] == ["a"]
    assert all(("pivotal" in d) == d["acceptable"] for d in document["frontier"])
    assert all(("blockers" in d) != d["acceptable"] for d in document["frontier"])


def test_explain_and_solve_agree_under_an_acceptance_rule() -> None:
    from dealopt.analysis.explain import explain

    instance = loads(THREE + RULE)
    result = dealopt.solve(instance, backend="enumerate")
    ex = explain(instance, backend="enumerate")
    assert ex.zone is not None and ex.acceptance == result.acceptance
    parties = list(instance.parties)
    zone = sorted(tuple(result.frontier[i].utilities[q] for q in parties) for i in result.zone)
    assert zone == sorted(tuple(p.utilities[q] for q in parties) for p in ex.zone.points)


def _problems(text: str, *, rules: bool = False) -> list:
    with pytest.raises(SpecError) as info:
        instance = loads(textwrap.dedent(text), "f.yaml")
        if rules:
            check(instance)
    return info.value.problems


@pytest.mark.parametrize(
    ("rule", "line", "col", "message", "hint"),
    [
        ("  veto: [aa]\n", 15, 10, "unknown party 'aa'", "did you mean 'a'?"),
        (
            "  at_least:\n    - {count: 4, of: [a, b, c]}\n",
            16,
            15,
            "'count' must be between 1 and the 3 parties of 'of', got 4",
            None,
        ),
        (
            "  at_least:\n    - {count: 1, of: [a, bb]}\n",
            16,
            26,
            "unknown party 'bb'",
            "did you mean 'b'?",
        ),
        (
            "  weighted:\n    - {weights: {a: 1}, share: 55}\n",
            16,
            32,
            "'share' is a fraction of the total weight: more than 0, at most 1; got 55 "
            "(write 55% as 0.55)",
            None,
        ),
    ],
)
def test_acceptance_errors(rule, line, col, message, hint) -> None:
    (problem,) = _problems(THREE + "acceptance:\n" + rule)
    assert (problem.source.path, problem.source.line, problem.source.col) == ("f.yaml", line, col)
    assert problem.message == message
    assert problem.hint == hint


PAIRS = """\
dealopt: 1
name: Pairs
parties:
  a: {}
issues:
  x: {options: [x0, x1]}
  y: {options: [y0, y1]}
"""


def test_pair_table_errors() -> None:
    problems = _problems(
        PAIRS
        + "attributes:\n"
        + "  w:\n"
        + "    x,y: {x0: {y11: 1}, x11: {y0: 1}}\n"
        + "    y: {y0: {x0: 1}}\n"
        + "interests:\n"
        + "  a:\n"
        + "    weights: {'x,z': 2}\n"
        + "    scores: {'y,x': {y0: 1}}\n"
    )
    found = {(p.source.line, p.source.col): (p.message, p.hint) for p in problems}
    assert found[(10, 16)] == ("'y11' is not an option of issue 'y'", "did you mean 'y1'?")
    assert found[(10, 25)] == ("'x11' is not an option of issue 'x'", "did you mean 'x1'?")
    assert found[(11, 5)][0].startswith("a table over one issue maps options to numbers; ")
    assert found[(14, 15)] == ("unknown issue 'z'", None)
    assert found[(15, 21)][0] == (
        "'y,x' is a table over two issues: give rows by the options of 'y', each a table by "
        "the options of 'x'"
    )


def test_attribute_of_two_issues_needs_its_table() -> None:
    (problem,) = _problems(
        PAIRS
        + "  z: {options: [z0, z1]}\n"
        + "attributes:\n  w: {'x,y': {x0: {y0: 1}}}\n"
        + "quantities:\n  q: w(x, z) + w(y, x)\n",
        rules=True,
    )
    assert (problem.source.line, problem.source.col) == (12, 6)
    assert problem.message == "attribute 'w' has no table over issues x and z"
    assert problem.hint == "it has w(x, y)"


@pytest.mark.parametrize(
    ("quantity", "col", "message"),
    [
        ('"piecewise(x, [[0, 1], [10, 2], [5, 3]])"', 38, "breakpoint x values must increase"),
        ('"piecewise(x, [1, 2])"', 21, "expected a breakpoint [x, y] of two numbers"),
        ('"[1, 2] + x"', 7, "a list [...] is only allowed as the breakpoints of piecewise()"),
        ('"piecewise(x, [[y, 1], [2, 3]])"', 22, "a breakpoint must be a constant"),
        ('"piecewise(x, [[0, 1]])"', 20, "piecewise() needs at least two breakpoints"),
        ('"piecewise(x)"', 7, "piecewise() takes 2 arguments"),
    ],
)
def test_piecewise_errors(quantity: str, col: int, message: str) -> None:
    text = (
        "dealopt: 1\nname: P\nparties:\n  a: {}\nissues:\n"
        "  x: {range: [0, 20]}\n  y: {range: [0, 20]}\n"
        f"quantities:\n  q: {quantity}\n"
    )
    (problem,) = _problems(text, rules=True)
    assert (problem.source.line, problem.source.col) == (9, col)
    assert problem.message.startswith(message)
    assert "piecewise(quantity, [[x0, y0], [x1, y1], ...])" in (problem.hint or "")


def test_piecewise_did_you_mean() -> None:
    text = PAIRS + "quantities:\n  q: piecwise(x, [[0, 1], [2, 3]])\n"
    (problem,) = _problems(text, rules=True)
    assert (problem.source.line, problem.source.col) == (9, 6)
    assert problem.hint == "did you mean 'piecewise'?"


def test_piecewise_over_too_many_values_is_refused_with_its_size() -> None:
    # x + y takes every integer 0..1993 (x: 0..999, y: 0, 7, ..., 994): 1,994 values.
    text = (
        "dealopt: 1\nname: P\nparties:\n  a: {}\nissues:\n"
        "  x: {range: [0, 999]}\n  y: {range: [0, 999, 7]}\n"
        "quantities:\n  q: x + y\n  r: piecewise(q, [[0, 1], [10, 2]])\n"
    )
    (problem,) = _problems(text, rules=True)
    assert (problem.source.line, problem.source.col) == (10, 16)
    assert problem.message == "piecewise() over 'q' would tabulate 1,994 values (at most 1,000)"
    assert "coarser range step" in problem.hint


def test_piecewise_is_exact_by_hand() -> None:
    # breakout = piecewise(x + y, [[0, 24], [5, 12], [15, 2]]); x + y = 3 -> 24 - 12 * 3/5.
    text = (
        "dealopt: 1\nname: P\nparties:\n  a: {}\nissues:\n"
        "  x: {range: [0, 10]}\n  y: {options: [lo, hi]}\n"
        "attributes:\n  n: {y: {lo: 2, hi: 9}}\n"
        "quantities:\n  b: 'piecewise(x + n(y), [[0, 24], [5, 12], [15, 2]])'\n"
    )
    oracle = dealopt.rules.oracle.Oracle(loads(text))
    assert oracle.evaluate("b", {"x": 1, "y": "lo"}) == Fraction(24) - Fraction(36, 5)
    assert oracle.evaluate("b", {"x": 10, "y": "hi"}) == 2  # past the last breakpoint
    assert oracle.evaluate("b", {"x": 3, "y": "hi"}) == 12 - Fraction(10 * 7, 10)


def test_genius_export_refuses_acceptance_and_pair_scores(tmp_path: Path) -> None:
    from dealopt.io import genius

    text = THREE.replace("c: {scores: {y:", "c: {scores: {'x,y': {x0: {y0: 1}}, y:") + RULE
    with pytest.raises(SpecError) as info:
        genius.export(loads(text, "f.yaml"), tmp_path)
    messages = [p.message for p in info.value.problems]
    assert any(m.startswith("acceptance rule: GENIUS") for m in messages)
    assert any("scores of party 'c' over two issues (x,y)" in m for m in messages)


def _format_block(first_line: str) -> str:
    text = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    blocks = [b.split("```\n", 1)[0] for b in text.split("```yaml\n")[1:]]
    return next(b for b in blocks if b.startswith(first_line))


def test_format_md_fragments_load() -> None:
    """The new constructs' examples in docs/format.md, each in a small instance around it."""
    pairs = _format_block("attributes:\n  breakout_months")
    base = (
        "dealopt: 1\nname: F\nparties:\n  iran: {}\nissues:\n"
        "  capacity: {options: [ir1_5060, ir2_10000]}\n  stockpile: {options: [small, large]}\n"
    )
    instance = loads(base + pairs)
    check(instance)
    assert (
        instance.attributes["breakout_months"].pairs[("capacity", "stockpile")]["ir2_10000"][
            "large"
        ]
        == 3
    )
    assert instance.interests["iran"].pair_weights[("capacity", "stockpile")] == Fraction(1, 2)
    rule = _format_block("acceptance:")
    parties = "".join(f"  {p}: {{}}\n" for p in ("us", "uk", "france", "china", "russia"))
    base = f"dealopt: 1\nname: F\nparties:\n{parties}issues:\n  x: {{options: [a, b]}}\n"
    acceptance = loads(base + rule).acceptance
    assert acceptance.passes({"us", "russia", "uk", "france"}, ())  # weight 7 of 9 >= 0.55
    assert not acceptance.passes({"us", "russia", "uk", "china"}, ())  # France is required
    quantities = _format_block("quantities:\n  capacity")
    base = (
        "dealopt: 1\nname: F\nparties:\n  a: {}\nissues:\n"
        "  centrifuges: {range: [0, 19000, 1000]}\n  cascades: {options: [few, many]}\n"
        "attributes:\n  cascade_capacity: {cascades: {many: 5000}}\n"
    )
    oracle = dealopt.rules.oracle.Oracle(loads(base + quantities))
    assert oracle.evaluate("breakout", {"centrifuges": 14000, "cascades": "many"}) == 2
    assert oracle.evaluate("breakout", {"centrifuges": 0, "cascades": "many"}) == 12
    assert oracle.evaluate("breakout", {"centrifuges": 1000, "cascades": "few"}) == Fraction(
        24 - Fraction(12 * 1000, 5000)
    )


STAGED = """\
dealopt: 1
name: Staged
stages: [early, late]
parties:
  a: {no_deal: 0}
  b: {no_deal: 0}
issues:
  step: {options: [none, small, big], staged: true, monotone: true}
  pay: {options: [none, some], staged: true}
  x: {options: [p, q]}
attributes:
  vis: {step: {small: 1, big: 3}}
interests:
  a:
    stage_weights: {late: 0.5}
    scores: {step: {small: 5, big: 9}, pay: {some: -4}, x: {q: 1}}
  b:
    scores: {step@late: {small: -3, big: -6}, pay: {some: 4}}
red_lines:
  b:
    - rule: moved(pay) -> start(pay) > start(step)
  a:
    - rule: vis(step@early) >= 1
deals:
  plan: {choose: {step: small, pay@late: some}}
"""


def test_stages_expand_to_one_issue_per_stage() -> None:
    instance = loads(STAGED)
    assert list(instance.issues) == ["step@early", "step@late", "pay@early", "pay@late", "x"]
    assert instance.staged["pay"] == ("pay@early", "pay@late")
    assert instance.deals["plan"].name == "plan"
    assert (
        loads(STAGED.replace("step: small, pay@late", "step@late: big, step: small, pay@late"))
        .deals["plan"]
        .choices["step@late"]
        == "big"
    )  # a stage named on its own wins
    assert instance.deals["plan"].choices == {
        "step@early": "small",
        "step@late": "small",
        "pay@late": "some",
    }
    interest = instance.interests["a"]
    assert interest.weights["step@early"] == 1 and interest.weights["step@late"] == Fraction(1, 2)
    assert [r.label for r in instance.rules] == ["step is never taken back"]
    assert set(instance.interests["b"].scores) == {"step@late", "pay@early", "pay@late"}


def test_start_and_moved_by_hand() -> None:
    oracle = dealopt.rules.oracle.Oracle(loads(STAGED))
    base = {"step@early": "none", "step@late": "none", "x": "p"}
    for early, late, start, moved in [
        ("none", "none", 2, False),
        ("none", "some", 1, True),
        ("some", "none", 0, True),  # pay is not monotone: it may move back
        ("some", "some", 0, True),
    ]:
        deal = {**base, "pay@early": early, "pay@late": late}
        assert oracle.evaluate("start(pay)", deal) == start
        assert oracle.evaluate("moved(pay)", deal) is moved


@pytest.mark.parametrize("backend", ["enumerate", "cpsat", "highs", "pyomo"])
def test_a_staged_instance_by_hand(backend: str) -> None:
    # a = step@early + 0.5 step@late - 0.5 * 4 [pay@late] - 4 [pay@early] + [x = q];
    # b = step@late (-3, -6) + 4 per stage of pay. Red lines: a visible step early; pay only
    # after the step started. Frontier: big/big/no pay/q (14.5, -6), small/small/pay late/q
    # (6.5, 1), big/big/pay late/q (12.5, -2).
    result = dealopt.solve(loads(STAGED), backend=backend)
    vectors = [tuple(p.utilities.values()) for p in result.frontier]
    assert vectors == [(Fraction(29, 2), -6), (Fraction(25, 2), -2), (Fraction(13, 2), 1)]
    nash = result.solution("nash")
    assert result.schedule(nash) == {
        "step": {"early": "small", "late": "small"},
        "pay": {"early": "none", "late": "some"},
    }
    assert "Schedule of the Nash deal" in dealopt.report.text.render(result)


@pytest.mark.parametrize(
    ("text", "line", "col", "message", "hint"),
    [
        ("    - rule: step == small\n", 24, 13, "issue 'step' is staged: name one of its", None),
        ("    - rule: step@erly == small\n", 24, 13, "unknown name 'step@erly'", "step@early"),
        ("    - rule: start(x) > 0\n", 24, 13, "start() takes a staged issue; 'x'", None),
        ("    - rule: moved(stp)\n", 24, 13, "moved() takes a staged issue", "'step'"),
    ],
)
def test_stage_errors_in_rules(text, line, col, message, hint) -> None:
    problems = _problems(STAGED.replace("deals:\n", text + "deals:\n"), rules=True)
    problem = problems[0]
    assert (problem.source.line, problem.source.col) == (line, col)
    assert problem.message.startswith(message)
    if hint:
        assert hint in problem.hint


def test_stage_errors_in_the_file() -> None:
    bad = STAGED.replace("{late: 0.5}", "{lat: 0.5}").replace("step@late:", "step@lat:")
    bad = bad.replace("  x: {options: [p, q]}", "  x: {options: [p, q], monotone: true}")
    found = {(p.source.line, p.source.col): (p.message, p.hint) for p in _problems(bad)}
    assert found[(10, 34)] == ("'monotone' needs 'staged: true'", None)
    assert found[(15, 21)] == ("unknown stage 'lat'", "did you mean 'late'?")
    assert found[(18, 14)] == ("unknown issue 'step@lat'", "did you mean 'step@late'?")
    no_stages = STAGED.replace("stages: [early, late]\n", "")
    problem = _problems(no_stages)[0]
    assert problem.message == "issue 'step' is staged, but the instance has no 'stages' list"


def test_format_md_staged_example_by_hand() -> None:
    """The complete staged example of docs/format.md. Nash by hand: west = 100 (full pullback
    at signature) + 0.8 x 100 (at implementation) - 0.8 x 50 (most relief at implementation)
    = 140; east = 100 - 30 - 30 = 40."""
    instance = loads(_format_block("dealopt: 1\nname: Ceasefire in stages"))
    result = dealopt.solve(instance, backend="enumerate")
    nash = result.solution("nash")
    assert tuple(nash.utilities.values()) == (140, 40)
    assert result.schedule(nash) == {
        "pullback": {"signature": "full", "implementation": "full"},
        "relief": {"signature": "none", "implementation": "most"},
    }


def test_genius_export_refuses_stages(tmp_path: Path) -> None:
    from dealopt.io import genius

    text = (
        "dealopt: 1\nname: S\nstages: [a1, a2]\nparties:\n  p: {}\n  q: {}\n"
        "issues:\n  x: {options: [n, y], staged: true}\n"
        "interests:\n  p: {scores: {x: {y: 1}}}\n  q: {scores: {x: {n: 1}}}\n"
    )
    with pytest.raises(SpecError) as info:
        genius.export(loads(text, "s.yaml"), tmp_path)
    (problem,) = [p for p in info.value.problems if p.source is not None]
    assert problem.message == "staged issue 'x' (stages a1, a2): GENIUS has no stages"
    assert (problem.source.line, problem.source.col) == (8, 6)


def test_a_pair_table_names_a_stage_of_a_staged_issue() -> None:
    bad = STAGED.replace("  vis: {step: {small: 1, big: 3}}", "  vis: {'step,x': {small: {q: 1}}}")
    (problem,) = _problems(bad)
    assert (problem.source.line, problem.source.col) == (12, 9)
    assert problem.message == "a table over two issues names one stage of staged issue 'step'"
    assert problem.hint == "its stages: step@early, step@late"
