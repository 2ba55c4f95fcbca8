"""The ``merge`` backend through every face: solve, explain and evaluate give what enumeration
gives on a space that splits into components (a red line ties two issues, a term two others,
one issue stands alone)."""

from __future__ import annotations

import random

import pytest

import dealopt
from dealopt.compile.compiler import compile_instance
from dealopt.compile.components import components


def _instance(seed: int) -> dealopt.Instance:
    rng = random.Random(seed)
    issues = {f"i{k}": {"options": ["a", "b", "c", "d"]} for k in range(5)}
    parties = ("p", "q", "r")
    interests = {
        p: {
            "weights": {i: rng.randint(1, 5) for i in issues},
            "scores": {i: {o: rng.randint(0, 9) for o in "abcd"} for i in issues},
        }
        for p in parties
    }
    interests["q"]["terms"] = [
        {"label": "pair", "when": "level(i2) >= 2 and level(i3) >= 1", "value": 7}
    ]
    return dealopt.instance(
        {
            "dealopt": 1,
            "name": f"separable {seed}",
            "parties": {p: {"no_deal": 20} for p in parties},
            "issues": issues,
            "interests": interests,
            "deals": {"corner": {"choose": {i: "d" for i in issues}}},
            "red_lines": {"p": [{"label": "tie", "rule": "level(i0) + level(i1) <= 4"}]},
        }
    )


@pytest.mark.parametrize("seed", [1, 2])
def test_merge_agrees_with_enumeration_on_every_face(seed: int) -> None:
    instance = _instance(seed)
    model, _ = compile_instance(instance)
    assert sorted(len(c.groups) for c in components(model)) == [1, 2, 2]  # the case in point

    def vectors(result):
        return [tuple(p.utilities.values()) for p in result.frontier]

    merged, enumerated = (dealopt.solve(instance, backend=b) for b in ("merge", "enumerate"))
    assert merged.stats.algorithm == "merge"
    assert vectors(merged) == vectors(enumerated)
    assert merged.zone == enumerated.zone and merged.solutions == enumerated.solutions

    explained = [dealopt.explain(instance, backend=b).to_dict() for b in ("merge", "enumerate")]
    for d in explained:
        d.pop("stats")
    assert explained[0]["zone"] == explained[1]["zone"]
    assert explained[0]["backbone"] == explained[1]["backbone"]

    judged = [dealopt.evaluate(instance, backend=b).to_dict() for b in ("merge", "enumerate")]
    assert judged[0]["deals"] == judged[1]["deals"]
