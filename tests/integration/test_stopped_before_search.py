"""A run stopped before its search begins still answers: partial, nothing claimed.

The time limit bounds the whole run, set-up included: the enumerate backend's build (every
deal evaluated once) gives up when the limit passes, and Ctrl-C during set-up returns a partial
result instead of nothing.
"""

from __future__ import annotations

import pytest

import dealopt
from dealopt.result import Status


def _big(issues: int = 11, options: int = 4) -> dealopt.Instance:
    names = [f"i{k}" for k in range(issues)]
    return dealopt.instance(
        {
            "dealopt": 1,
            "name": "big",
            "parties": {"a": {}, "b": {}},
            "issues": {n: {"options": [f"v{j}" for j in range(options)]} for n in names},
            "interests": {
                "a": {"scores": {n: {f"v{j}": j for j in range(options)} for n in names}},
                "b": {"scores": {n: {f"v{j}": options - j for j in range(options)} for n in names}},
            },
        }
    )


def test_enumerate_build_honours_the_time_limit() -> None:
    instance = _big()  # 4**11 = 4.2 million deals: many build chunks
    result = dealopt.solve(instance, backend="enumerate", time_limit=0.05)
    assert result.status is Status.PARTIAL
    assert result.stats.stopped == "time limit"
    assert result.frontier == ()
    assert all(v is None for v in result.solutions.values())


def test_ctrl_c_during_set_up_returns_a_partial_result(monkeypatch: pytest.MonkeyPatch) -> None:
    import dealopt.analysis.setup as setup_module

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(setup_module, "compile_instance", interrupted)
    result = dealopt.solve(_big(3, 2), backend="cpsat")
    assert result.status is Status.PARTIAL
    assert result.stats.stopped == "interrupted"
    assert result.frontier == ()
