"""Sobol' indices with ``method="sobol"``: the Saltelli design and the estimates, checked
against values worked out by hand (never against SALib's own numbers).

For independent uniform inputs on [0, 1] (variance 1/12 each):

- ``f = 2 u1 + u2``: Var f = 4/12 + 1/12 = 5/12; additive, so first-order = total:
  S1 = ST = (4/12) / (5/12) = 0.8 for u1 and 0.2 for u2.
- ``f = u1 u2``: E f = 1/4, Var f = E[u1^2] E[u2^2] - 1/16 = 1/9 - 1/16 = 7/144;
  Var E[f | u1] = Var(u1 / 2) = 1/48 = 3/144, so S1 = 3/7 each; E Var(f | u2) =
  E[u2^2] / 12 = 1/36 = 4/144, so ST = 4/7 each (the interaction is in both totals).
"""

import dataclasses
import json
import math
from pathlib import Path

import jsonschema
import numpy as np
import pytest

import dealopt
from dealopt.sweep.scenarios import sample
from dealopt.sweep.sensitivity import base_samples, saltelli, sobol_indices

ROOT = Path(__file__).resolve().parents[2]

# a's utility of its best deal (q, q) is 2 s_x + s_y with s_x, s_y ~ U(0, 1) (six decimals,
# so rounding is far below the tolerance); every other deal gives a -10 on some issue, so
# (q, q) is the only Pareto-optimal deal and the Nash deal in every scenario; b's utility
# is constant.
ADDITIVE = {
    "dealopt": 1,
    "name": "additive",
    "parties": {"a": {"no_deal": -30}, "b": {"no_deal": 0}},
    "issues": {"x": {"options": ["p", "q"]}, "y": {"options": ["p", "q"]}},
    "interests": {
        "a": {
            "weights": {"x": 2, "y": 1},
            "scores": {"x": {"p": -10, "q": 0.5}, "y": {"p": -10, "q": 0.5}},
        },
        "b": {"scores": {"x": {"p": 0, "q": 1}, "y": {"p": 0, "q": 1}}},
    },
    "uncertainty": {
        "interests.a.scores.x.q": {"uniform": [0, 1], "decimals": 6},
        "interests.a.scores.y.q": {"uniform": [0, 1], "decimals": 6},
    },
}


def test_the_design_has_n_times_d_plus_2_scenarios_and_is_seeded():
    inst = dealopt.instance(ADDITIVE)
    a = sample(inst.uncertainty, 64, "sobol", seed=4)
    assert len(a) == 64 * (2 + 2)
    assert np.array_equal(a.values, sample(inst.uncertainty, 64, "sobol", seed=4).values)
    assert not np.array_equal(a.values, sample(inst.uncertainty, 64, "sobol", seed=5).values)
    # SALib's order: per base point A, A with column 1 from B, A with column 2 from B, B
    u = saltelli(2, 8, seed=1).reshape(8, 4, 2)
    assert np.array_equal(u[:, 1, 1], u[:, 0, 1]) and np.array_equal(u[:, 1, 0], u[:, 3, 0])
    assert np.array_equal(u[:, 2, 0], u[:, 0, 0]) and np.array_equal(u[:, 2, 1], u[:, 3, 1])


def test_indices_of_a_product_by_hand():
    u = saltelli(2, 4096, seed=2)
    got = sobol_indices(u[:, 0] * u[:, 1], ["u1", "u2"], seed=0)
    for x in got.values():
        assert x.first == pytest.approx(3 / 7, abs=0.03)
        assert x.total == pytest.approx(4 / 7, abs=0.03)
        assert 0 < x.first_conf < 0.1 and 0 < x.total_conf < 0.1


def test_sweep_indices_of_an_additive_utility_by_hand():
    r = dealopt.sweep(dealopt.instance(ADDITIVE), samples=1024, method="sobol", seed=3)
    assert r.n == 1024 * 4 and base_samples(r.n, 2) == 1024
    assert all(o.solutions["nash"].deal == ("q", "q") for o in r.outcomes)
    assert r.sensitivity_method == "sobol"
    a = r.sobol["nash_utility_a"]
    for path, share in (("interests.a.scores.x.q", 0.8), ("interests.a.scores.y.q", 0.2)):
        assert a[path].first == pytest.approx(share, abs=0.03)
        assert a[path].total == pytest.approx(share, abs=0.03)
        # the bootstrap interval is a real interval around the estimate
        assert 0 < a[path].total_conf < 0.1
    # constant outcomes have no indices (b's utility, the zone, the Nash deal)
    for outcome in ("nash_utility_b", "zone_exists", "nash_deal_is_top"):
        assert all(math.isnan(x.total) for x in r.sobol[outcome].values())
    # the same seed gives the same indices (the bootstrap is seeded too)
    again = dealopt.sweep(dealopt.instance(ADDITIVE), samples=1024, method="sobol", seed=3)
    assert again.sobol == r.sobol


def test_sobol_indices_in_every_output():
    r = dealopt.sweep(dealopt.instance(ADDITIVE), samples=64, method="sobol", seed=1)
    doc = r.to_dict()
    jsonschema.validate(doc, json.loads((ROOT / "docs" / "sweep-schema.json").read_text()))
    s = doc["sensitivity"]
    assert s["method"] == "sobol" and s["base_samples"] == 64
    x = s["outcomes"]["nash_utility_a"]["interests.a.scores.x.q"]
    assert x["total_ci95"][0] <= x["total"] <= x["total_ci95"][1]
    assert s["outcomes"]["zone_exists"]["interests.a.scores.x.q"]["total"] is None
    text = r.text()
    assert "Sobol' total index" in text
    assert "nash_utility_a: interests.a.scores.x.q total 0." in text
    from dealopt.report.html_robustness import robustness_section

    assert "Sobol&#x27; total index" in robustness_section(r)
    fig = r.plot()
    assert "Sobol' index (share of variance)" in [ax.get_xlabel() for ax in fig.axes]


def test_prcc_without_a_sobol_design():
    inst = dealopt.instance(ADDITIVE)
    design = dealopt.sweep(inst, samples=8, method="sobol", seed=1)
    # an interrupted design is not a whole design: PRCC, labelled so
    for r in (dealopt.sweep(inst, samples=40, method="lhs", seed=1),
              dataclasses.replace(design, interrupted=True)):  # fmt: skip
        assert r.sobol is None and r.sensitivity_method == "prcc"
        assert r.to_dict()["sensitivity"]["method"] == "prcc"
        assert "partial rank correlation" in r.text()
