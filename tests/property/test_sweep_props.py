"""Every scenario of a sweep equals ``dealopt.solve`` on that scenario's own instance.

Random small instances (the whole rule language), a random set of uncertain numbers (some read
by conditions, so both the fast way and the solve way run) and red lines that may be dropped,
random scenario values; the engine's outcome is compared with ``dealopt.solve(..., all_deals=
True)`` on :func:`dealopt.spec.uncertainty.apply` of the scenario.
"""

from decimal import Decimal

import numpy as np
from hypothesis import event, given, settings
from hypothesis import strategies as st
from strategies_instances import instance_data

import dealopt
from dealopt.analysis.alignments import structure, words
from dealopt.spec.uncertainty import apply, number_paths, red_line_paths
from dealopt.sweep.engine import Engine
from dealopt.sweep.scenarios import Scenarios

NAMES = ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian")


def _places(x: Decimal) -> int:
    e = x.as_tuple().exponent
    return -e if isinstance(e, int) and e < 0 else 0


@st.composite
def swept(draw):
    inst = dealopt.instance(draw(instance_data(max_deals=256)))
    paths = number_paths(inst)
    chosen = sorted(draw(st.sets(st.sampled_from(sorted(paths)), max_size=4)) if paths else [])
    reds = red_line_paths(inst)
    red = sorted(draw(st.sets(st.sampled_from(reds), max_size=2))) if reds else []
    n = draw(st.integers(1, 3))
    decimals = []
    columns = []
    for p in chosen:
        base = paths[p] if paths[p] is not None else Decimal(0)
        d = min(_places(base) + 1, 3)
        decimals.append(d)
        scale = 10**d
        columns.append(
            [int(base * scale) + draw(st.integers(-5 * scale, 5 * scale)) for _ in range(n)]
        )
    values = np.array(columns, dtype=np.int64).T.reshape(n, len(chosen))
    holds = np.array([[draw(st.booleans()) for _ in red] for _ in range(n)], dtype=bool).reshape(
        n, len(red)
    )
    return inst, Scenarios(tuple(chosen), tuple(decimals), values, tuple(red), holds)


@settings(max_examples=40)
@given(swept())
def test_each_scenario_equals_solve(case):
    inst, scenarios = case
    engine = Engine(inst, scenarios.numbers, scenarios.decimals, scenarios.red_lines)
    event("fast way" if engine.solve_reason is None else "solve way")
    outcomes = engine.run(scenarios)
    for row, outcome in enumerate(outcomes):
        one = apply(inst, scenarios.numbers_of(row), scenarios.dropped(row))
        result = dealopt.solve(one, backend="enumerate", all_deals=True, all_deals_cap=10_000)
        assert outcome.status == str(result.status)
        assert outcome.frontier_size == len(result.frontier)
        assert outcome.zone_size == len(result.zone)

        def key(d):
            return tuple(d[i] for i in inst.issues)

        zone = {key(d) for i in result.zone for d in result.frontier[i].all_deals}
        frontier = {key(d) for p in result.frontier for d in p.all_deals}
        assert set(outcome.zone) == zone
        assert set(outcome.frontier) == frontier
        for name in NAMES:
            point = result.solution(name)
            mine = outcome.solutions[name]
            if point is None:
                assert mine is None
                continue
            assert mine.utilities == tuple(point.utilities[p] for p in inst.parties)
            assert mine.deal in {key(d) for d in point.all_deals}
        assert outcome.no_deal == tuple(result.no_deal[p] for p in inst.parties)
        nash = outcome.solutions["nash"]
        # The fast way caches the Nash deal's words by the signs structure() compares.
        said = None
        if nash is not None:
            deal = dict(zip(inst.issues, nash.deal, strict=True))
            said = words(structure(one, deal), {p: p for p in inst.parties}, unmoved=False)
        assert outcome.nash_alignment == said
