"""``dealopt explain``'s exact analyses equal a plain-Python brute force on random small instances.

The brute force uses nothing but the rules oracle: ``itertools.product`` over the issues'
values, each rule, red line and no-deal condition evaluated on every deal. Then:

* backbone: the options of each issue that occur in an acceptable deal are exactly the ones
  ``backbone`` reports possible (with and without known deals to seed it);
* conflicts: every reported conflict is unsatisfiable (no deal satisfies all its members) and
  every proper subset is satisfiable; when the search says it is complete and the elements are
  few enough to enumerate every subset, the reported conflicts are exactly all minimal
  unsatisfiable subsets;
* alignments: the zone's deals (acceptable deals whose utility vector no acceptable deal
  dominates), grouped by exchange structure, and the structures of all acceptable deals.

Both backends (``enumerate``: no cores; ``cpsat``: cores from assumptions) must agree with it.
To get conflicts often, half of the examples raise every no-deal value to (just below) the
party's best feasible utility, which usually leaves no acceptable deal.
"""

from __future__ import annotations

import itertools
from collections import Counter
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction

from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from strategies_instances import instance_data

import dealopt
from dealopt.analysis.alignments import alignments, structure
from dealopt.analysis.backbone import backbone
from dealopt.analysis.conflicts import find_conflicts
from dealopt.analysis.space import Space
from dealopt.analysis.switches import elements
from dealopt.rules.oracle import Oracle

EXAMPLES = max(60, settings().max_examples // 2)
MAX_DEALS = 96
ALL_SUBSETS_UP_TO = 10  # elements: beyond this, only each reported conflict is checked
COMMON = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def all_deals(instance) -> list[dict]:
    names = list(instance.issues)
    values = [instance.issues[n].values for n in names]
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*values)]


@st.composite
def pressed(draw) -> dict:
    """Instance data; in half the examples every no-deal value is pushed up to (just below)
    the party's best feasible utility, so that no deal is acceptable to all, usually."""
    data = draw(instance_data(max_deals=MAX_DEALS))
    if draw(st.booleans()):
        inst = dealopt.instance(data)
        oracle = Oracle(inst)
        feasible = [d for d in all_deals(inst) if oracle.is_feasible(d)]
        if feasible:
            for party in data["parties"]:
                best = max(oracle.utility(party, d) for d in feasible)
                floor = Decimal(best.numerator) / Decimal(best.denominator)
                data["parties"][party]["no_deal"] = floor.quantize(
                    Decimal("0.01"), rounding=ROUND_FLOOR
                )
    return data


def satisfied(space: Space, deal: dict) -> int:
    """The bitmask of the elements (rules, red lines, no-deal values) ``deal`` satisfies."""
    checked, oracle = space.oracle.checked, space.oracle
    utilities = oracle.utilities(deal)
    nd = space.no_deal
    mask = 0
    for k, e in enumerate(elements(space)):
        if e.kind == "rule":
            ok = oracle.evaluate(checked.rules[e.index].expr, deal)
        elif e.kind == "red_line":
            ok = oracle.evaluate(checked.red_lines[e.owner][e.index].expr, deal)
        else:
            ok = utilities[e.owner] >= nd[e.owner]
        mask |= int(bool(ok)) << k
    return mask


def holds(masks: set[int], subset: int) -> bool:
    return any(m & subset == subset for m in masks)


def build(data: dict, backend: str) -> Space:
    space = Space.build(dealopt.instance(data), backend=backend)
    assume(space.exact)  # rounded utilities settle "acceptable" only up to the resolution
    return space


@COMMON
@given(pressed(), st.sampled_from(["enumerate", "cpsat"]))
def test_backbone_is_the_options_of_the_acceptable_deals(data, backend):
    space = build(data, backend)
    oracle = space.oracle
    acceptable = [d for d in all_deals(space.instance) if oracle.is_acceptable(d)]
    event("acceptable deals" if acceptable else "no acceptable deal")
    expected = {i: {d[i] for d in acceptable} for i in space.issues}
    for known in ([], acceptable[: len(acceptable) // 2]):
        bb = backbone(space, known)
        assert {b.issue: set(b.possible) for b in bb.issues} == expected
        assert bb.any_acceptable == bool(acceptable)
        for b in bb.issues:
            if len(expected[b.issue]) == 1:
                assert b.forced == next(iter(expected[b.issue]))


@COMMON
@given(pressed(), st.sampled_from(["enumerate", "cpsat"]))
def test_conflicts_are_minimal_unsatisfiable_sets(data, backend):
    space = build(data, backend)
    masks = {satisfied(space, d) for d in all_deals(space.instance)}
    n = len(elements(space))
    everything = (1 << n) - 1
    found = find_conflicts(space, max_conflicts=6)
    if holds(masks, everything):
        assert found.status == "none" and not found.conflicts
        event("nothing conflicts")
        return
    feasible = any(holds({m}, everything - _no_deal_bits(space)) for m in masks)
    assert found.status == ("no-acceptable-deal" if feasible else "no-feasible-deal")
    assert found.conflicts, "an unsatisfiable instance has at least one conflict"
    event(f"{len(found.conflicts)} conflicts, complete={found.complete}")
    keys = [e.key for e in elements(space)]
    reported = set()
    for conflict in found.conflicts:
        bits = 0
        for e in conflict.elements:
            bits |= 1 << keys.index(e.key)
        reported.add(bits)
        assert not holds(masks, bits), "a reported conflict is satisfiable"
        for k in range(n):
            if bits >> k & 1:
                assert holds(masks, bits & ~(1 << k)), "a conflict is not minimal"
    assert len(reported) == len(found.conflicts), "a conflict is reported twice"
    if found.complete and n <= ALL_SUBSETS_UP_TO:
        assert reported == all_minimal_conflicts(masks, n)


def _no_deal_bits(space: Space) -> int:
    return sum(1 << k for k, e in enumerate(elements(space)) if e.kind == "no_deal")


def all_minimal_conflicts(masks: set[int], n: int) -> set[int]:
    out = set()
    for subset in range(1 << n):
        if holds(masks, subset):
            continue
        if all(holds(masks, subset & ~(1 << k)) for k in range(n) if subset >> k & 1):
            out.add(subset)
    return out


@COMMON
@given(instance_data(max_deals=MAX_DEALS), st.sampled_from(["enumerate", "cpsat"]))
def test_alignments_group_the_zone_and_the_acceptable_deals(data, backend):
    space = build(data, backend)
    inst, oracle = space.instance, space.oracle
    acceptable = [d for d in all_deals(inst) if oracle.is_acceptable(d)]
    vectors = {tuple(oracle.utilities(d).values()): d for d in acceptable}

    def dominated(u: tuple[Fraction, ...]) -> bool:
        return any(v != u and all(x >= y for x, y in zip(v, u, strict=True)) for v in vectors)

    zone = [d for d in acceptable if not dominated(tuple(oracle.utilities(d).values()))]
    event(f"zone deals: {min(len(zone), 3)}{'+' if len(zone) >= 3 else ''}")
    al = alignments(space, space.zone())
    assert al.zone_deals_complete and al.acceptable_complete
    got = Counter({a.structure: a.size for a in al.zone})
    assert got == Counter(structure(inst, d) for d in zone)
    assert al.only == (len(got) == 1)
    got_acc = Counter({a.structure: a.size for a in al.acceptable})
    assert got_acc == Counter(structure(inst, d) for d in acceptable)
    for a in al.zone:
        for deal, utilities in a.deals:
            assert oracle.is_acceptable(deal) and utilities == oracle.utilities(deal)
