"""The merge engine stops promptly at its time limit and then reports nothing unproven.

The clock is moved past the limit inside one phase of a merge step (the bounds); the engine
must not start a later phase (the greedy completions) and must end ``partial``
without a point: its partial states are not deals, so none of them is proven nondominated.
"""

from __future__ import annotations

import time

import pytest

import dealopt.backends.merge
import dealopt.frontier.merge as merge_mod
from dealopt.backends.merge import MergeBackend
from dealopt.compile.compiler import compile_instance
from dealopt.frontier import pareto_frontier
from dealopt.io import moip

KNAPSACK = {
    "name": "k",
    "sense": "max",
    "objectives": [[3, 1, 2, 5, 4, 2], [1, 3, 2, 1, 2, 5], [2, 2, 1, 3, 1, 1]],
    "constraints": [{"coefs": [2, 2, 3, 4, 1, 3], "op": "<=", "rhs": 7}],
    "binary": True,
}


def test_the_merge_stops_between_phases_of_a_step(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dealopt.backends.merge, "LIFT_ABOVE", 0)  # one component per item
    model, _ = compile_instance(moip.from_data(KNAPSACK))
    session = MergeBackend().build(model)
    assert len(session.parts) == 6

    real = time.perf_counter
    offset = [0.0]
    monkeypatch.setattr(time, "perf_counter", lambda: real() + offset[0])
    calls: list[str] = []
    greedy, real_upper = merge_mod._greedy, merge_mod._upper

    def counted_greedy(*args, **kwargs):
        calls.append("greedy")
        return greedy(*args, **kwargs)

    def late_upper(*args, **kwargs):
        calls.append("upper")
        out = real_upper(*args, **kwargs)
        offset[0] = 1e6  # this phase took the rest of the time
        return out

    monkeypatch.setattr(merge_mod, "_greedy", counted_greedy)
    monkeypatch.setattr(merge_mod, "_upper", late_upper)
    found = pareto_frontier(session, time_limit=60)
    assert calls == ["upper"]
    assert not found.complete and found.stopped == "time limit"
    assert found.points == ()


def test_without_a_late_phase_the_same_knapsack_completes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The control: the same run with an honest clock completes (and did use both phases)."""
    monkeypatch.setattr(dealopt.backends.merge, "LIFT_ABOVE", 0)
    model, _ = compile_instance(moip.from_data(KNAPSACK))
    found = pareto_frontier(MergeBackend().build(model), time_limit=60)
    assert found.complete and found.points
