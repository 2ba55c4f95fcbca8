"""`dealopt check` shows each party's utility scale and warns about mis-scaled parties."""

from __future__ import annotations

import itertools
from fractions import Fraction

from typer.testing import CliRunner

import dealopt
from dealopt.analysis.scales import scales
from dealopt.cli import app
from dealopt.rules.oracle import Oracle


def data(a_range: int = 100, b_no_deal: object = None) -> dict:
    """Alpha scores a price range linearly; Beta scores extras 0-100 (worked by hand below)."""
    b: dict = {"label": "Beta"}
    if b_no_deal is not None:
        b["no_deal"] = b_no_deal
    return {
        "dealopt": 1,
        "name": "Scales",
        "parties": {"a": {"label": "Alpha"}, "b": b},
        "issues": {
            "price": {"range": [0, a_range, a_range // 4], "status_quo": a_range // 2},
            "extras": {"options": ["none", "some", "all"], "status_quo": "some"},
        },
        "interests": {
            "a": {"scores": {"price": "linear", "extras": {"none": 10, "all": 0}}},
            "b": {
                "scores": {"extras": {"none": 0, "some": 40, "all": 100}},
                "terms": [{"label": "cheap", "when": "price <= 25", "value": 5}],
            },
        },
    }


def test_ranges_status_quo_and_no_deal_worked_by_hand():
    got = scales(dealopt.instance(data()))
    a, b = got.parties
    # Alpha: price 0..100 plus extras 0..10; status quo price 50, extras some (0).
    assert (a.low, a.high, a.status_quo, a.no_deal) == (0, 110, 50, 50)
    # Beta: extras 0..100 plus a term 0 or 5; status quo some (40), price 50 (no term).
    assert (b.low, b.high, b.status_quo, b.no_deal) == (0, 105, 40, 40)
    assert got.warnings == ()


def test_ranges_contain_every_deal_and_are_attained_by_brute_force():
    inst = dealopt.instance(data(400))
    oracle = Oracle(inst)
    values = [issue.values for issue in inst.issues.values()]
    seen: dict[str, list[Fraction]] = {"a": [], "b": []}
    for combo in itertools.product(*values):
        u = oracle.utilities(dict(zip(inst.issues, combo, strict=True)))
        for p in seen:
            seen[p].append(u[p])
    for s in scales(inst).parties:
        assert (s.low, s.high) == (min(seen[s.party]), max(seen[s.party]))


def test_a_party_on_a_much_wider_scale_is_warned_about():
    got = scales(dealopt.instance(data(500)))  # Alpha 0..510 against Beta 0..105
    assert len(got.warnings) == 1
    assert got.warnings[0].startswith("Alpha's utility spans 4.9 times the range of Beta's")


def test_a_no_deal_value_outside_the_range_is_warned_about():
    above = scales(dealopt.instance(data(b_no_deal=106))).warnings
    assert above == (
        "Beta's no-deal value is above every utility it can reach: no deal can satisfy it",
    )
    below = scales(dealopt.instance(data(b_no_deal=-1))).warnings
    assert below == (
        "Beta's no-deal value is below every utility it can reach: every deal beats it",
    )
    assert scales(dealopt.instance(data(b_no_deal=105))).warnings == ()


def test_check_prints_the_scales_and_warns_without_failing(tmp_path):
    import yaml

    path = tmp_path / "wide.yaml"
    path.write_text(yaml.safe_dump(data(500, b_no_deal=200)), encoding="utf-8")
    done = CliRunner().invoke(app, ["check", str(path)])
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    assert "  utilities   range over all deals (rules ignored), status quo, no deal:" in lines
    assert "              a  0 to 510  status quo 250  no deal 250" in lines
    assert "              b  0 to 105  status quo  40  no deal 200" in lines
    warnings = [line for line in lines if line.startswith("  warning: ")]
    assert len(warnings) == 2
    assert "Alpha's utility spans" in warnings[0]
    assert "Beta's no-deal value is above" in warnings[1]
