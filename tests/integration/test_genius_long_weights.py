"""A GENIUS-shaped scenario with the weights ANAC files carry, imported and solved by every backend.

ANAC's Energy-B (two parties, eight issues, 16-17 digit weights) made the MILP backends return a
wrong frontier marked complete and CP-SAT crash. This scenario has the same shape, written here
in GENIUS's XML format from a seeded generator: eight discrete issues of three values, weights
with 16 to 17 significant digits summing to about one, integer evaluations as GENIUS files
have, and no reservation value, so the zone is the whole frontier. Every backend must return
exactly the frontier a brute force over all 6,561 deals (the rules oracle only) gives.
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest
from conformance import brute_frontier

import dealopt
from dealopt.io.genius import read as genius

ISSUES = 8
VALUES = 3


def _weights(rng: random.Random) -> list[Decimal]:
    raw = [rng.random() for _ in range(ISSUES)]
    total = sum(raw)
    # 16-17 significant digits, as Java's Double.toString writes them.
    return [Decimal(repr(x / total)) for x in raw]


def _domain() -> str:
    issues = "\n".join(
        f'<issue etype="discrete" index="{i + 1}" name="Issue {i + 1}" type="discrete" '
        f'vtype="discrete">\n'
        + "\n".join(
            f'<item index="{j + 1}" value="Value {i + 1}.{j + 1}" cost="0"></item>'
            for j in range(VALUES)
        )
        + "\n</issue>"
        for i in range(ISSUES)
    )
    return (
        "<negotiation_template>\n"
        f'<utility_space number_of_issues="{ISSUES}">\n'
        '<objective description="" etype="objective" index="0" name="root" type="objective">\n'
        f"{issues}\n</objective>\n</utility_space>\n</negotiation_template>\n"
    )


def _profile(rng: random.Random, evaluations: list[list[int]]) -> str:
    issues = "\n".join(
        f'<issue index="{i + 1}" etype="discrete" type="discrete" vtype="discrete" '
        f'name="Issue {i + 1}">\n'
        + "\n".join(
            f'<item index="{j + 1}" value="Value {i + 1}.{j + 1}" cost="0" '
            f'evaluation="{evaluations[i][j]}"></item>'
            for j in range(VALUES)
        )
        + "\n</issue>"
        for i in range(ISSUES)
    )
    weights = "\n".join(
        f'<weight index="{i + 1}" value="{w}"></weight>' for i, w in enumerate(_weights(rng))
    )
    return (
        "<utility_space>\n"
        '<objective index="0" etype="objective" type="objective" description="" name="root">\n'
        f"{issues}\n{weights}\n</objective>\n</utility_space>\n"
    )


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> tuple[dealopt.Instance, set]:
    rng = random.Random(2012)
    folder: Path = tmp_path_factory.mktemp("energy_like")
    (folder / "Energy-like-domain.xml").write_text(_domain(), encoding="utf-8")
    # Opposed interests, as in a real negotiation: the second party's evaluations mirror the
    # first's, with noise, so the frontier is long.
    first = [[rng.randint(1, 10) for _ in range(VALUES)] for _ in range(ISSUES)]
    second = [[max(1, 11 - e + rng.randint(-1, 1)) for e in row] for row in first]
    profiles = []
    for k, evaluations in ((1, first), (2, second)):
        path = folder / f"Energy-like-prof{k}.xml"
        path.write_text(_profile(rng, evaluations), encoding="utf-8")
        profiles.append(path)
    instance = genius.load(folder / "Energy-like-domain.xml", profiles)
    return instance, brute_frontier(instance)


def test_the_weights_are_as_long_as_anac_ones(scenario) -> None:
    instance, _ = scenario
    weights = [w for i in instance.interests.values() for w in i.weights.values()]
    assert len(weights) == 2 * ISSUES
    assert all(len(str(w).lstrip("0.").replace(".", "")) >= 15 for w in weights)


@pytest.mark.parametrize("backend", ["enumerate", "cpsat", "highs", "pyomo", "auto"])
def test_every_backend_finds_the_exact_frontier(scenario, backend: str) -> None:
    instance, expected = scenario
    result = dealopt.solve(instance, backend=backend)
    assert result.status.value == "complete"
    assert not any(result.stats.resolution.values())
    found = [tuple(p.utilities[q] for q in instance.parties) for p in result.frontier]
    assert len(found) == len(set(found))
    assert set(found) == expected
    assert len(expected) > 10  # a frontier with room for merged points
