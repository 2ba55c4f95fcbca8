"""The frontier does not depend on the solver's worker threads or random seed.

CP-SAT with several workers races portfolio strategies, and a seed changes its search; a
frontier is a mathematical object, so every combination must return the same points (the
deals chosen for tied points may differ, their utilities may not).
"""

from __future__ import annotations

import random

import pytest

import dealopt


def _three_party(seed: int) -> dealopt.Instance:
    rng = random.Random(seed)
    issues = {f"i{k}": {"options": [f"v{j}" for j in range(4)]} for k in range(6)}
    interests = {
        p: {
            "weights": {i: rng.randint(1, 9) for i in issues},
            "scores": {i: {f"v{j}": rng.randint(0, 20) for j in range(4)} for i in issues},
        }
        for p in ("a", "b", "c")
    }
    return dealopt.instance(
        {
            "dealopt": 1,
            "name": "threads and seeds",
            "parties": {"a": {}, "b": {}, "c": {}},
            "issues": issues,
            "interests": interests,
            "rules": [{"rule": "level(i0) + level(i1) <= 4"}],
        }
    )


def _vectors(result: dealopt.Result) -> list[tuple]:
    return [tuple(p.utilities.values()) for p in result.frontier]


@pytest.mark.parametrize("seed", [1, 2])
def test_threads_and_seeds_give_one_frontier(seed: int) -> None:
    instance = _three_party(seed)
    reference = _vectors(dealopt.solve(instance, backend="enumerate"))
    assert len(reference) > 5
    for backend, threads, solver_seed in [
        ("cpsat", 1, None),
        ("cpsat", 2, None),
        ("cpsat", 2, 12345),
        ("cpsat", 1, 7),
        ("highs", 2, 3),
    ]:
        result = dealopt.solve(instance, backend=backend, threads=threads, seed=solver_seed)
        assert result.status.value == "complete"
        assert _vectors(result) == reference, (backend, threads, solver_seed)
