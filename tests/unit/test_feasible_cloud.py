"""The grey cloud of feasible deals: the solver finds feasible deals when random draws do not,
and a cloud too small to mean anything is left out with a note (never "a sample of 1")."""

from __future__ import annotations

import pytest

import dealopt
from dealopt.analysis.sample import feasible_sample
from dealopt.progress import Deadline
from dealopt.report.cloud import MIN_CLOUD, cloud_name, cloud_points
from dealopt.rules.oracle import Oracle


def tight() -> dict:
    """Nine issues of four options; the rules pin six of them, so about one random deal in
    4^6 = 4,096 is feasible: 300 random draws almost surely find none."""
    issues = {f"i{k}": {"options": ["a", "b", "c", "d"]} for k in range(9)}
    return {
        "dealopt": 1,
        "name": "Tight",
        "parties": {"p": {}, "q": {}},
        "issues": issues,
        "interests": {
            "p": {"scores": {f"i{k}": {"b": 1, "c": 2, "d": 3} for k in range(9)}},
            "q": {"scores": {f"i{k}": {"a": 3, "b": 2, "c": 1} for k in range(9)}},
        },
        "rules": [{"label": f"pin {k}", "rule": f"i{k} == c"} for k in range(6)],
    }


def test_the_solver_finds_feasible_deals_when_random_draws_do_not():
    pytest.importorskip("ortools")
    instance = dealopt.instance(tight())
    sample = feasible_sample(instance, 60, max_attempts=300, enumerate_max=0)
    assert sample.method == "solver" and not sample.complete
    assert len(sample) >= MIN_CLOUD
    oracle = Oracle(instance)
    keys = [tuple(s.deal.values()) for s in sample]
    assert len(set(keys)) == len(keys)
    for s in sample:
        assert all(s.deal[f"i{k}"] == "c" for k in range(6))  # by hand: the pinned issues
        assert oracle.is_feasible(dict(s.deal))
        assert s.utilities == oracle.utilities(dict(s.deal))


def test_a_passed_deadline_samples_nothing_and_says_why():
    clock = iter([0.0, 10.0, 10.0, 10.0])
    deadline = Deadline(5, clock=lambda: next(clock))
    sample = feasible_sample(dealopt.instance(tight()), 10, deadline=deadline)
    assert len(sample) == 0 and sample.note == "not sampled: the time limit had passed"


def test_too_small_a_cloud_is_left_out_with_a_note():
    instance = dealopt.instance(tight())
    few = feasible_sample(instance, 3, max_attempts=300, enumerate_max=0)
    assert 0 < len(few) < MIN_CLOUD
    points, note = cloud_points(few)
    assert points == [] and note.startswith(f"only {len(few)} feasible deals were found")
    every = feasible_sample(instance, 10_000)  # 4^3 = 64 feasible deals, all enumerated
    assert every.complete and len(every) == 64
    points, note = cloud_points(every)
    assert len(points) == 64 and note == ""


def test_the_legend_says_how_the_deals_were_found():
    assert cloud_name("enumerated", True, 256) == "feasible deals, dominated or not (all 256)"
    assert cloud_name("random", False, 1_000).endswith("(a random sample of 1,000)")
    assert cloud_name("solver", False, 40).endswith("(40 found by the solver, not uniform)")


def test_the_report_and_the_plot_say_the_cloud_is_left_out():
    from dealopt.report.html import html

    instance = dealopt.instance(tight())
    result = dealopt.solve(instance)
    few = feasible_sample(instance, 3, max_attempts=300, enumerate_max=0)
    page = html(result, instance, sample=few, explanation=False, evaluation=False)
    assert "The grey cloud of feasible deals is left out: only" in page
    assert "a sample of" not in page.split("<main>")[1].split('<script id="report-data"')[0]
    figure = result.plot(few)
    texts = [t.get_text() for t in figure.legends[0].get_texts()] if figure.legends else []
    texts += [
        t.get_text() for ax in figure.axes if ax.get_legend() for t in ax.get_legend().get_texts()
    ]
    assert any(t.startswith("no grey cloud of feasible deals: only") for t in texts)
