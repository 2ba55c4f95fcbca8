"""A sweep small enough to work out by hand: scenarios, shares, indices, and the table reader.

Two parties a and b, one issue x (p, q, r; status quo p). Utilities (a, b): p (0, 10),
q (5, 6), r (10, 0): all three are Pareto-optimal in every scenario. b's no-deal value is 2,
so r (b gets 0) is never acceptable. a's no-deal value d comes from a table: -1, 3, 4, 8.

- d = -1: zone {p, q}. Nash: (0+1)(10-2) = 8 < (5+1)(6-2) = 24, so q; utilitarian 10 < 11, q;
  egalitarian min(1, 8) = 1 < min(6, 4) = 4, q; Kalai-Smorodinsky: ideal (5, 10), spans
  (6, 8), ratios p min(1/6, 1) = 1/6 < q min(1, 1/2) = 1/2, q.
- d = 3 and d = 4: zone {q}: q is every solution.
- d = 8: q gives a 5 < 8: the zone is empty (no-acceptable-deal).
"""

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import jsonschema
import numpy as np
import pytest

import dealopt
from dealopt.errors import SpecError, UsageError
from dealopt.sweep.scenarios import Scenarios, read_table, sample

ROOT = Path(__file__).resolve().parents[2]
TOY = {
    "dealopt": 1,
    "name": "toy",
    "parties": {"a": {"no_deal": 0}, "b": {"no_deal": 2}},
    "issues": {"x": {"options": ["p", "q", "r"]}},
    "interests": {
        "a": {"scores": {"x": {"p": 0, "q": 5, "r": 10}}},
        "b": {"scores": {"x": {"p": 10, "q": 6, "r": 0}}},
    },
}


@pytest.fixture
def toy_sweep(tmp_path):
    table = tmp_path / "scenarios.csv"
    table.write_text("parties.a.no_deal\n-1\n3\n4\n8\n", encoding="utf-8")
    return dealopt.sweep(dealopt.instance(TOY), scenarios=table)


def test_each_scenario_by_hand(toy_sweep):
    r = toy_sweep
    assert [o.status for o in r.outcomes] == ["complete"] * 3 + ["no-acceptable-deal"]
    assert [o.frontier_size for o in r.outcomes] == [3, 3, 3, 3]
    assert [o.zone_size for o in r.outcomes] == [2, 1, 1, 0]
    assert [set(o.zone) for o in r.outcomes] == [{("p",), ("q",)}, {("q",)}, {("q",)}, set()]
    for o in r.outcomes[:3]:
        for name in ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian"):
            assert o.solutions[name].deal == ("q",)
            assert o.solutions[name].utilities == (Fraction(5), Fraction(6))
    assert all(s is None for s in r.outcomes[3].solutions.values())
    assert [o.no_deal[0] for o in r.outcomes] == [-1, 3, 4, 8]
    assert r.outcomes[0].nash_alignment == "b gives x to a"


def test_shares_and_indices_by_hand(toy_sweep):
    r = toy_sweep
    p, lo, hi = r.zone_probability
    assert p == 0.75
    # Wilson 95% for 3 of 4, worked with z = 1.96: centre 1.2302 / 1.9604, half-width
    # 1.96 x sqrt(0.046875 + 0.060025) / 1.9604.
    assert lo == pytest.approx(0.3006, abs=2e-4) and hi == pytest.approx(0.9544, abs=2e-4)
    shares = {tuple(d.deal.values()): d for d in r.deal_shares}
    assert set(shares) == {("p",), ("q",)}  # r is never in a zone
    assert shares[("q",)].acceptability == 0.75
    assert shares[("p",)].acceptability == 0.25
    assert shares[("p",)].pareto == 1.0
    assert shares[("q",)].solutions == dict.fromkeys(
        ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian"), 0.75
    )
    assert shares[("p",)].solutions["nash"] == 0
    assert shares[("q",)].central == {"parties.a.no_deal": pytest.approx(2.0)}  # (-1+3+4)/3
    assert shares[("p",)].central is None
    [(deal, share, se)] = r.nash_deals
    assert deal == {"x": "q"} and share == 0.75
    assert se == pytest.approx((0.75 * 0.25 / 4) ** 0.5)
    assert [(a, s) for a, s, _ in r.alignments] == [
        ("b gives x to a", 0.75),
        ("(empty zone)", 0.25),
    ]


def test_outputs_carry_the_same_numbers(toy_sweep):
    data = toy_sweep.to_dict()
    schema = json.loads((ROOT / "docs" / "sweep-schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(toy_sweep.to_json()), schema)
    assert data["schema"] == "dealopt.sweep/1"
    assert data["zone_probability"]["p"] == 0.75
    first = data["scenarios"][0]
    assert first["parameters"] == {"parties.a.no_deal": -1}
    assert first["solutions"]["nash"]["deal"] == {"x": "q"}
    assert first["solutions"]["nash"]["utilities_exact"] == {"a": "5", "b": "6"}
    assert data["scenarios"][3]["solutions"]["nash"] is None
    frame = toy_sweep.experiments()
    assert list(frame["zone_size"]) == [2, 1, 1, 0]
    assert list(frame["nash_a"][:3]) == [5.0, 5.0, 5.0]
    text = toy_sweep.text()
    assert "zone non-empty: 75.0% of scenarios" in text


def test_a_red_line_that_may_not_hold(tmp_path):
    data = {**TOY, "red_lines": {"b": [{"rule": "x != q"}]}}
    table = tmp_path / "t.csv"
    table.write_text("parties.a.no_deal,red_lines.b.0\n-1,1\n-1,0\n", encoding="utf-8")
    r = dealopt.sweep(dealopt.instance(data), scenarios=table)
    # With the red line, q is out: the zone is {p}; dropped, as in the first test.
    assert [set(o.zone) for o in r.outcomes] == [{("p",)}, {("p",), ("q",)}]
    assert r.outcomes[0].solutions["nash"].deal == ("p",)


def test_a_bad_column_names_its_place_and_the_nearest_path(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("parties.a.no_deal,parties.b.no_dael\n1,2\n", encoding="utf-8")
    with pytest.raises(SpecError) as info:
        read_table(table, dealopt.instance(TOY))
    text = str(info.value)
    assert "t.csv:1:19:" in text and "did you mean 'parties.b.no_deal'" in text
    table.write_text("parties.a.no_deal\n1\nabc\n", encoding="utf-8")
    with pytest.raises(SpecError, match=r"t\.csv:3:1:.*'abc' is not a number"):
        read_table(table, dealopt.instance(TOY))


def test_table_numbers_are_exact(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("parties.a.no_deal\n0.1\n-2.25\n7\n", encoding="utf-8")
    s = read_table(table, dealopt.instance(TOY))
    assert [s.number(i, 0) for i in range(3)] == [Decimal("0.1"), Decimal("-2.25"), Decimal(7)]


SECTION = {
    "uncertainty": {
        "parties.a.no_deal": {"uniform": [-2, 6]},
        "interests.a.scores.x": {"spread": 0.2, "normalise": "sum"},
        "interests.b.scores.x.q": {"discrete": {"values": [5, 6, 7.5], "p": [0.2, 0.5, 0.3]}},
        "interests.b.scores.x.p": {"normal": {"mean": 10, "sd": 2, "min": 8, "max": 11}},
        "interests.b.scores.x.r": {"triangular": [0, 0, 3]},
    }
}


@pytest.mark.parametrize("method", ["mc", "lhs", "sobol"])
def test_sampling_is_seeded_and_stays_in_the_distributions(method):
    inst = dealopt.instance({**TOY, **SECTION})
    a = sample(inst.uncertainty, 256, method, seed=7)
    b = sample(inst.uncertainty, 256, method, seed=7)
    c = sample(inst.uncertainty, 256, method, seed=8)
    assert np.array_equal(a.values, b.values) and not np.array_equal(a.values, c.values)
    rows = [a.numbers_of(i) for i in range(len(a))]
    assert all(Decimal(-2) <= r["parties.a.no_deal"] <= 6 for r in rows)
    # the renormalised spread keeps the written sum 0 + 5 + 10 = 15 exactly
    assert all(sum(r[f"interests.a.scores.x.{o}"] for o in "pqr") == 15 for r in rows)
    assert {r["interests.b.scores.x.q"] for r in rows} <= {Decimal(5), Decimal(6), Decimal("7.5")}
    assert all(Decimal(8) <= r["interests.b.scores.x.p"] <= 11 for r in rows)
    assert all(Decimal(0) <= r["interests.b.scores.x.r"] <= 3 for r in rows)


def test_same_seed_same_results_and_a_clear_error_without_a_section():
    inst = dealopt.instance({**TOY, **SECTION})
    one = dealopt.sweep(inst, samples=40, seed=3)
    two = dealopt.sweep(inst, samples=40, seed=3)
    assert one.outcomes == two.outcomes
    with pytest.raises(UsageError, match="no 'uncertainty' section"):
        dealopt.sweep(dealopt.instance(TOY), samples=5)


def test_scenarios_slice_and_batches_keep_their_indices():
    s = Scenarios(("p",), (0,), np.arange(10).reshape(10, 1), (), np.ones((10, 0), dtype=bool))
    batches = list(s.batches(4))
    assert [b.first for b in batches] == [0, 4, 8]
    assert [len(b) for b in batches] == [4, 4, 2]


def test_kept_frontiers_for_the_picture(tmp_path):
    table = tmp_path / "scenarios.csv"
    table.write_text("parties.a.no_deal\n-1\n3\n4\n8\n", encoding="utf-8")
    r = dealopt.sweep(dealopt.instance(TOY), scenarios=table, keep_frontiers=2)
    # The same three points in every scenario (only a's no-deal value moves), descending.
    points = ((10, 0), (5, 6), (0, 10))
    assert [o.frontier_points for o in r.outcomes] == [points, points, None, None]
    assert [tuple(p) for p in r.extra["frontier"]] == list(points)  # the file's own numbers
    assert r.extra["no_deal"] == (0, 2)
    fig = r.plot()
    assert len(fig.axes) == 3


def test_a_wrong_utility_polynomial_is_caught_by_the_oracle(tmp_path, monkeypatch):
    # A reported deal's utility polynomials are checked against the oracle's utility at the
    # file's own numbers: a polynomial off by one must stop the run.
    import dealopt.rules.symbolic as symbolic
    from dealopt.errors import OracleRejectedError

    built = symbolic.utility_polynomials

    def off_by_one(checked, deal, unknowns):
        polys = built(checked, deal, unknowns)
        polys["a"] = polys["a"] + 1
        return polys

    monkeypatch.setattr(symbolic, "utility_polynomials", off_by_one)
    table = tmp_path / "scenarios.csv"
    table.write_text("parties.a.no_deal\n-1\n3\n", encoding="utf-8")
    with pytest.raises(OracleRejectedError):
        dealopt.sweep(dealopt.instance(TOY), scenarios=table, workers=1)


def test_a_wrong_matrix_product_is_caught_in_the_scenario(tmp_path):
    # Each reported deal's utilities are recomputed in every scenario, in Python integers,
    # from polynomials built afresh: a wrong entry of the batch's integer matrix must stop
    # the run even though the polynomials themselves are right.
    from dealopt.errors import OracleRejectedError
    from dealopt.sweep.engine import Engine

    table = tmp_path / "scenarios.csv"
    table.write_text("interests.a.scores.x.q\n5\n7\n", encoding="utf-8")
    scenarios = read_table(table, dealopt.instance(TOY))
    engine = Engine(dealopt.instance(TOY), scenarios.numbers, scenarios.decimals)
    engine.prepare(scenarios)
    [config] = engine._configs.values()
    q = config.keys.index(("q",))
    matrix = config.matrices[0].tolil()
    matrix[q, 0] = matrix[q, 0] + 1  # a's utility of q: its coefficient of the score, off by one
    config.matrices[0] = matrix.tocsr()
    with pytest.raises(OracleRejectedError, match="utility of a"):
        engine.run(scenarios)


def test_the_nash_alignment_follows_the_signs_in_each_scenario(tmp_path):
    # The fast way caches the Nash deal's words by the signs structure() compares (weight,
    # and score of the deal minus score of the status quo): scenarios that flip a sign, keep
    # it, or zero it must each get structure()'s words on their own instance.
    from dealopt.analysis.alignments import structure, words
    from dealopt.spec.uncertainty import apply

    table = tmp_path / "scenarios.csv"
    table.write_text(
        "interests.a.weights.x,interests.b.scores.x.q\n"
        "1,6\n1,12\n0.5,10\n0,6\n1,10\n2,11\n0.25,6\n",
        encoding="utf-8",
    )
    toy = dealopt.instance(TOY)
    r = dealopt.sweep(toy, scenarios=table, workers=1)
    assert r.solve_reason is None
    said = []
    for row, o in enumerate(r.outcomes):
        one = apply(toy, r.scenarios.numbers_of(row), ())
        deal = dict(zip(toy.issues, o.solutions["nash"].deal, strict=True))
        assert o.nash_alignment == words(structure(one, deal), {"a": "a", "b": "b"}, unmoved=False)
        said.append(o.nash_alignment)
    assert len(set(said)) >= 3  # the signs do change the words here


def test_the_top_nash_deal_indicator_with_more_deals_than_scenarios(tmp_path):
    # Scenario 0 (no-deal values 0, 0): Nash q (6 * 6 = 36), utilitarian s (sum 13): two deals
    # named. Scenario 1 (a's no-deal -10): Nash p (10 * 10 = 100 > 16 * 6 = 96), a third deal,
    # numbered past the two scenarios. The first-seen top Nash deal is q: 1 in scenario 0 only.
    toy = {
        "dealopt": 1,
        "name": "toy",
        "parties": {"a": {"no_deal": 0}, "b": {"no_deal": 0}},
        "issues": {"x": {"options": ["p", "q", "s"]}},
        "interests": {
            "a": {"scores": {"x": {"p": 0, "q": 6, "s": 13}}},
            "b": {"scores": {"x": {"p": 10, "q": 6, "s": 0}}},
        },
    }
    table = tmp_path / "scenarios.csv"
    table.write_text("parties.a.no_deal\n0\n-10\n", encoding="utf-8")
    r = dealopt.sweep(dealopt.instance(toy), scenarios=table)
    assert [o.solutions["nash"].deal for o in r.outcomes] == [("q",), ("p",)]
    assert r.outcomes[0].solutions["utilitarian"].deal == ("s",)
    assert list(r.outcome_arrays["nash_deal_is_top"]) == [1.0, 0.0]
