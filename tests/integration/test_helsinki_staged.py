"""The staged Helsinki instance: complete with every backend, in agreement, and the schedules
the write-up (docs/helsinki-staged.md) reports."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import dealopt

STAGED = Path(__file__).resolve().parents[2] / "instances" / "helsinki2018_staged.yaml"
# The base file's zone, from its header's hand check (utilities US, Russia).
BASE_ZONE = [
    ("74.1", "45.15"), ("73.35", "49.2"), ("72.55", "50.8"), ("72.35", "53.5"),
    ("71.55", "55.1"), ("70.55", "55.9"), ("69.75", "57.5"), ("66.9", "58.55"),
    ("66.55", "58.6"), ("65.55", "59.4"), ("64.75", "61"), ("62.1", "62.05"),
    ("56.6", "62.85"), ("54.4", "63"),
]  # fmt: skip


@pytest.fixture(scope="module")
def instance():
    return dealopt.load(STAGED)


@pytest.fixture(scope="module")
def results(instance):
    return {
        b: dealopt.solve(instance, backend=b, threads=1, seed=0)
        for b in ("enumerate", "cpsat", "highs", "pyomo")
    }


def _vectors(result, indices):
    return [tuple(result.frontier[i].utilities[p] for p in result.parties) for i in indices]


def test_every_backend_agrees_and_the_zone_is_the_base_files(results):
    reference = results["enumerate"]
    assert reference.stats.bundle_space_size == 4_320_000
    assert len(reference.frontier) == 22
    zone = [tuple(Decimal(x) for x in point) for point in BASE_ZONE]
    assert _vectors(reference, reference.zone) == zone
    for name, result in results.items():
        assert str(result.status) == "complete", name
        assert _vectors(result, range(len(result.frontier))) == _vectors(
            reference, range(len(reference.frontier))
        ), name
        assert result.solutions == reference.solutions, name
    nash = reference.solution("nash")
    assert tuple(nash.utilities.values()) == (Decimal("64.75"), 61)


def test_the_us_pays_after_the_midterms_in_every_zone_deal(instance):
    result = dealopt.solve(instance, backend="cpsat", all_deals=True, all_deals_cap=100)
    deals = [d for i in result.zone for d in result.frontier[i].all_deals]
    assert all(result.frontier[i].all_deals_complete for i in result.zone)
    assert len(deals) == 54
    schedules = [instance.schedule(d) for d in deals]
    assert all(s["sanctions"]["before_midterms"] == "maintain" for s in schedules)
    assert all(d["iran_syria"] != "none" for d in deals)
    early = sum(s["ukraine_support"]["before_midterms"] != "continue" for s in schedules)
    assert early == 45
