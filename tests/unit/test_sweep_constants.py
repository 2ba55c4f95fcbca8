"""Named constants (a quantity that is a plain number) as uncertain paths: ``quantities.<name>``.

Per scenario, the sweep's outcome must equal ``dealopt.solve`` on the instance with that
scenario's number written in as the quantity's value (the reference below writes it into the
document itself, not through the sweep's ``apply``).
"""

import copy
from decimal import Decimal

import pytest

import dealopt
from dealopt.errors import SpecError
from dealopt.sweep.scenarios import Scenarios

BASE = {
    "dealopt": 1,
    "name": "constants",
    "parties": {"a": {"no_deal": 1}, "b": {"no_deal": 1}},
    "issues": {"x": {"options": ["p", "q", "r"]}, "y": {"options": ["p", "q"]}},
    "attributes": {"cost": {"x": {"p": 0, "q": 1, "r": 2}, "y": {"p": 0, "q": 1}}},
    "quantities": {"cap": 2, "bonus": 1.5, "load": "total(cost)"},
    "interests": {
        "a": {"scores": {"x": {"p": 0, "q": 5, "r": 10}, "y": {"p": 0, "q": 3}}},
        "b": {
            "scores": {"x": {"p": 10, "q": 6, "r": 0}, "y": {"p": 4, "q": 0}},
            "terms": [{"value": "bonus * 2", "when": "y == q"}],
        },
    },
    "red_lines": {"a": [{"rule": "load <= cap"}]},
}


def written(cap, bonus):
    """The instance with the numbers written in, as a user would."""
    doc = copy.deepcopy(BASE)
    doc["quantities"]["cap"] = cap  # the number's text, e.g. "1.5"
    doc["quantities"]["bonus"] = bonus
    return dealopt.instance(doc)


def rows_of(result):
    return [
        (o.status, o.frontier_size, o.zone_size,
         {k: None if s is None else s.utilities for k, s in o.solutions.items()})
        for o in result.outcomes
    ]  # fmt: skip


def solved_rows(caps, bonuses):
    out = []
    for cap, bonus in zip(caps, bonuses, strict=True):
        r = dealopt.solve(written(cap, bonus))
        solutions = {}
        for name in ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian"):
            point = r.solution(name)
            solutions[name] = (
                None if point is None else tuple(point.utilities[p] for p in ("a", "b"))
            )
        out.append((str(r.status), len(r.frontier), len(r.zone), solutions))
    return out


def table(caps, bonuses):
    values = [[int(Decimal(c) * 10), int(Decimal(b) * 100)] for c, b in zip(caps, bonuses)]  # noqa: B905
    import numpy as np

    return Scenarios(
        ("quantities.cap", "quantities.bonus"),
        (1, 2),
        np.array(values, dtype=np.int64),
        (),
        np.ones((len(values), 0), dtype=bool),
    )


CAPS = ["0", "1", "2", "3", "1.5", "0.5"]
BONUSES = ["0", "1.5", "3.25", "0.5", "6", "2"]


def test_a_plain_number_quantity_is_a_path_and_an_expression_is_not():
    from dealopt.spec.uncertainty import number_paths

    paths = number_paths(dealopt.instance(BASE))
    assert paths["quantities.cap"] == 2 and paths["quantities.bonus"] == Decimal("1.5")
    assert "quantities.load" not in paths


@pytest.mark.parametrize("fast", [True, False])
def test_each_scenario_equals_solve_with_the_number_written_in(fast):
    result = dealopt.sweep(dealopt.instance(BASE), scenarios=table(CAPS, BONUSES), fast=fast)
    # the red line reads 'cap': every scenario is solved one by one (exactness first)
    assert result.solve_reason == "a rule or condition reads the uncertain 'quantities.cap'" or (
        not fast and result.solve_reason == "asked for"
    )
    assert rows_of(result) == solved_rows(CAPS, BONUSES)
    # the cap moves the feasible set: cap 0 leaves only (p, p), which a (0 < 1) rejects
    assert result.outcomes[0].frontier == (("p", "p"),) and result.outcomes[0].zone == ()
    assert result.outcomes[3].zone_size > 0


def test_a_constant_read_only_by_a_term_keeps_the_fast_way():
    # without the uncertain cap, only b's term reads 'bonus': utilities are polynomials in it
    scenarios = table(["2"] * len(BONUSES), BONUSES)
    scenarios = Scenarios(("quantities.bonus",), (2,), scenarios.values[:, 1:], (), scenarios.holds)
    result = dealopt.sweep(dealopt.instance(BASE), scenarios=scenarios)
    assert result.solve_reason is None
    assert rows_of(result) == solved_rows(["2"] * len(BONUSES), BONUSES)
    # by hand, cap 2 (r, q costs 3: infeasible), no-deal values 1, Nash products:
    # bonus 0: (q, p) 4 x 9 = 36 beats (q, q) 7 x 5 = 35, (r, p) 9 x 3, (p, q) 2 x 9;
    # bonus 6: (q, q) gives b 6 + 2 x 6 = 18: 7 x 17 = 119 beats (p, q) 2 x 21, (q, p) 4 x 9
    zero, six = result.outcomes[0].solutions["nash"], result.outcomes[4].solutions["nash"]
    assert (zero.deal, zero.utilities) == (("q", "p"), (5, 10))
    assert (six.deal, six.utilities) == (("q", "q"), (8, 18))


def test_bad_quantity_path_names_the_nearest(tmp_path):
    import yaml

    doc = copy.deepcopy(BASE)
    doc["uncertainty"] = {"quantities.capp": {"uniform": [0, 3]}}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    with pytest.raises(SpecError) as err:
        dealopt.load(path)
    text = str(err.value)
    assert "quantities.capp" in text and "quantities.cap" in text
    assert f"{path}:" in text
    # a quantity that is an expression is not a number
    doc["uncertainty"] = {"quantities.load": {"uniform": [0, 3]}}
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    with pytest.raises(SpecError, match=r"unknown path 'quantities\.load'"):
        dealopt.load(path)
