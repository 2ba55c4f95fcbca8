"""How a sweep's scenarios are run: the pilot batch in the calling process."""

import dealopt

TOY = {
    "dealopt": 1,
    "name": "toy",
    "parties": {"a": {"no_deal": 0}, "b": {"no_deal": 2}},
    "issues": {"x": {"options": ["p", "q", "r"]}},
    "interests": {
        "a": {"scores": {"x": {"p": 0, "q": 5, "r": 10}}},
        "b": {"scores": {"x": {"p": 10, "q": 6, "r": 0}}},
    },
    "uncertainty": {"parties.a.no_deal": {"uniform": [-2, 6]}},
}


def test_a_slow_pilot_stops_after_one_scenario(monkeypatch):
    """When one scenario is worth a batch, the pilot is that one scenario: the rest goes to the
    workers instead of running serially in the calling process (before: eight)."""
    import dealopt.sweep.run as run

    monkeypatch.setattr(run, "BATCH_SECONDS", 0.0)  # every scenario is "worth a batch"
    seen = []
    r = dealopt.sweep(
        dealopt.instance(TOY), samples=20, method="mc", progress=lambda d, t: seen.append(d)
    )
    assert seen[0] == 2  # the first scenario (which pays the preparation) and one pilot
    assert seen[-1] == r.n == 20
