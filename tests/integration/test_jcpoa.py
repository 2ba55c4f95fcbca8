"""The three-party example instance (the 2015 Iran nuclear deal): it checks clean, solves
complete, and the deal signed in Vienna gets the utilities worked by hand from the file."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import dealopt
from dealopt.analysis.scales import scales

JCPOA = Path(__file__).resolve().parents[2] / "instances" / "jcpoa2015.yaml"


def test_checks_clean_on_one_scale():
    instance = dealopt.load(JCPOA)
    assert list(instance.parties) == ["iran", "us", "eu3"]
    assert instance.bundle_space_size == 4**5 * 3**6 == 746_496
    assert scales(instance).warnings == ()


def test_solves_complete_and_the_signed_deal_is_in_the_zone():
    instance = dealopt.load(JCPOA)
    result = dealopt.solve(instance)
    assert str(result.status) == "complete"
    assert result.zone and all(i is not None for i in result.solutions.values())
    signed = instance.deals["jcpoa"].deal(instance.issues)
    # By hand, weight x score per issue, in the order of the file's weights:
    # Iran  .30x75 + .10x60 + .10x50 + .10x60 + .08x55 + .08x50 + .05x40 + .05x50 + .05x70
    #       + .05x20 + .04x60 = 59.3
    # US    .15x75 + .14x85 + .12x90 + .10x80 + .08x80 + .08x85 + .08x65 + .08x60 + .08x100
    #       + .05x60 + .04x60 = 78.55
    # EU3   .14x90 + .14x100 + .10x85 + .10x80 + .10x100 + .10x100 + .08x75 + .08x70
    #       + .06x85 + .06x90 + .04x70 = 88
    want = {"iran": Fraction("59.3"), "us": Fraction("78.55"), "eu3": Fraction(88)}
    frontier = {tuple(p.utilities[q] for q in want): p for p in result.frontier}
    point = frontier.get(tuple(want.values()))
    assert point is not None and point.acceptable  # Pareto-optimal and acceptable
    assert dict(point.deal) == dict(signed)
