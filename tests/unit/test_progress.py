"""One deadline per command, shared by its phases; times reported are wall times since the
command started; phases are told to a listener. A fake clock makes every check exact: no
timing assertion here."""

from __future__ import annotations

import re

import pytest

import dealopt
from dealopt.analysis.explain import explain
from dealopt.errors import UsageError
from dealopt.progress import Deadline, Progress

TOY = {
    "dealopt": 1,
    "name": "Toy",
    "parties": {"a": {"label": "Alpha", "no_deal": 2}, "b": {"label": "Beta", "no_deal": 2}},
    "issues": {"price": {"range": [0, 8]}, "extras": {"options": ["none", "some", "all"]}},
    "interests": {
        "a": {"scores": {"price": "linear", "extras": {"none": 4, "some": 2, "all": 0}}},
        "b": {
            "weights": {"price": -1, "extras": 1},
            "scores": {"price": "linear", "extras": {"none": 0, "some": 5, "all": 7}},
        },
    },
    "deals": {"low": {"label": "Low price", "choose": {"price": 1}}},
}


class Clock:
    """A clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_deadline_counts_from_its_start():
    clock = Clock()
    deadline = Deadline(10, clock=clock)
    assert (deadline.elapsed(), deadline.remaining(), deadline.passed) == (0, 10, False)
    clock.now += 10
    assert (deadline.remaining(), deadline.passed) == (0, True)
    unlimited = Deadline(clock=clock)
    clock.now += 99
    assert (unlimited.remaining(), unlimited.passed, unlimited.elapsed()) == (None, False, 99)


def test_a_bad_limit_and_two_limits_are_refused():
    with pytest.raises(UsageError, match="time limit must be positive, got 0"):
        Deadline(0)
    with pytest.raises(UsageError, match="not both"):
        Progress.of(Progress(Deadline(5)), 3)
    assert Progress.of(None, 3).deadline.seconds == 3


def test_reported_seconds_are_wall_time_since_the_command_started():
    clock = Clock()
    progress = Progress(Deadline(clock=clock))
    clock.now += 7  # reading the file, say, before the solve starts
    result = dealopt.solve(dealopt.instance(TOY), progress=progress)
    assert result.stats.seconds == 7  # the fake clock did not move while solving
    explanation = explain(dealopt.instance(TOY), progress=progress)
    assert explanation.seconds == 7


def test_phases_are_told_in_order():
    seen: list[str] = []
    progress = Progress(listener=lambda phase, detail, elapsed: seen.append(phase))
    explain(dealopt.instance(TOY), progress=progress)
    phases = list(dict.fromkeys(seen))
    assert phases[:3] == ["compiling the model", "explaining: zone", "explaining: alignments"]
    assert "explaining: prices" in phases


def test_a_passed_deadline_stops_every_later_phase_of_the_report():
    from dealopt.report.page import report_page

    clock = Clock()

    def listen(phase: str, detail: str, elapsed: float) -> None:
        if phase.startswith("explaining"):  # the solve, its re-check included, is done
            clock.now += 100

    progress = Progress(Deadline(5, clock=clock), listen)
    page = report_page(dealopt.instance(TOY), progress=progress)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.split("<main>")[1]))
    assert "Not computed (time limit)" in text  # the explanation
    assert "not decided (time limit)" in text  # the named deal's evaluation
    assert "left out: not sampled: the time limit had passed" in text  # the grey cloud


def test_without_the_deadline_the_report_is_whole():
    from dealopt.report.page import report_page

    page = report_page(dealopt.instance(TOY), progress=Progress(Deadline(clock=Clock())))
    assert "time limit" not in page.split("<main>")[1]


def test_a_count_says_how_many_and_the_time_left():
    clock = Clock()
    said: list[str] = []
    progress = Progress(Deadline(clock=clock), lambda phase, detail, elapsed: said.append(detail))
    progress.phase("sweep")
    progress.count(100, 1000)  # the rate starts here
    clock.now += 3
    progress.count(400, 1000)  # 300 in 3 s: 600 more take about 6 s
    progress.count(1000, 1000)
    assert said == ["", "100 of 1,000 scenarios", "400 of 1,000 scenarios, about 6 s left",
                    "1,000 of 1,000 scenarios"]  # fmt: skip


def test_the_sweep_tells_its_phases_and_counts(tmp_path):
    # The sweep's progress goes through the same Progress as the other commands (the bar on a
    # terminal is drawn from these phases and notes).
    toy = {
        "dealopt": 1,
        "name": "toy",
        "parties": {"a": {"no_deal": 0}, "b": {"no_deal": 2}},
        "issues": {"x": {"options": ["p", "q", "r"]}},
        "interests": {
            "a": {"scores": {"x": {"p": 0, "q": 5, "r": 10}}},
            "b": {"scores": {"x": {"p": 10, "q": 6, "r": 0}}},
        },
    }
    table = tmp_path / "scenarios.csv"
    table.write_text("parties.a.no_deal\n-1\n3\n4\n8\n", encoding="utf-8")
    told: list[tuple[str, str]] = []
    progress = Progress(listener=lambda phase, detail, elapsed: told.append((phase, detail)))
    dealopt.sweep(dealopt.instance(toy), scenarios=table, progress=progress, batch_size=1)
    assert told[0] == ("sweep: preparing", "feasible deals, utility polynomials")
    counts = [detail for phase, detail in told if phase == "sweep" and detail]
    assert counts[-1] == "4 of 4 scenarios"
    assert all(re.fullmatch(r"\d of 4 scenarios(, about \d+ s left)?", c) for c in counts)


def test_the_oracle_recheck_stops_past_the_deadline_and_its_grace():
    # The search ends within the limit; then every look at the clock costs 0.25 s. The
    # re-check goes on while the deadline has passed by at most the grace (1 s), and the
    # points left unchecked are dropped: a partial result of re-checked points only.
    from dealopt.pipeline import RECHECK_GRACE

    whole = dealopt.solve(dealopt.instance(TOY))
    assert len(whole.frontier) >= 6
    ticking = [False]

    class Ticking(Clock):
        def __call__(self) -> float:
            if ticking[0]:
                self.now += 0.25
            return self.now

    clock = Ticking()

    def listen(phase: str, detail: str, elapsed: float) -> None:
        if phase.startswith("checking every deal"):
            clock.now += 10  # exactly at the limit
            ticking[0] = True

    result = dealopt.solve(
        dealopt.instance(TOY), progress=Progress(Deadline(10, clock=clock), listen)
    )
    assert RECHECK_GRACE == 1.0
    assert result.status == "partial" and result.stats.stopped == "time limit"
    assert 0 < len(result.frontier) < len(whole.frontier)
    full = {tuple(p.utilities.values()) for p in whole.frontier}
    assert {tuple(p.utilities.values()) for p in result.frontier} <= full
