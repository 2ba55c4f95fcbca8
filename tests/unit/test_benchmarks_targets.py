"""The benchmark command's bookkeeping: group names in sync, targets computed from rows."""

from benchmarks import __main__ as command
from benchmarks import compare
from benchmarks.compare import CompareRow, targets


def test_the_command_knows_every_comparison_group():
    assert command.PEER_GROUPS == compare.GROUPS


def _row(case, method, seconds, *, points=10, calls=None, size=390_625, family="x"):
    return CompareRow(family, case, method, True, size, median_s=seconds, points=points,
                      solver_calls=calls, status="complete")  # fmt: skip


def test_targets_state_ratios_and_calls_per_point():
    rows = [
        _row("big", "negmas pareto_frontier", 3.0),
        _row("big", "dealopt auto", 0.2),  # 15x: met
        _row("big", "dealopt enumerate", 0.5),  # 6x: missed
        _row("small", "negmas pareto_frontier", 3.0, size=99_999),  # below 10^5: no target
        _row("small", "dealopt auto", 1.0, size=99_999),
        _row("2p", "dealopt cpsat", 1.0, points=10, calls=11, family="negotiation, 2 parties"),
        _row("2p'", "dealopt cpsat", 1.0, points=30, calls=31, family="negotiation, 2 parties"),
    ]
    text = targets(rows)
    assert "big, dealopt auto: 15.0x met" in text
    assert "big, dealopt enumerate: 6.0x MISSED" in text
    assert "small" not in text
    # mean of 1.1 and 1.0333..., and the pooled 42 / 40
    assert "2 parties: mean 1.067 over 2 complete instances (42 calls / 40 points = 1.050)" in text
