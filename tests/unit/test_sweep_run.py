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


def test_a_pilot_of_slowish_scenarios_stops_at_about_a_batch(monkeypatch):
    """Scenarios of 0.3 s of CPU each (a fake clock): the pilot after the first scenario runs
    about a batch's second of them, four, not eight, before the rest is batched."""
    from types import SimpleNamespace

    import dealopt.sweep.run as run
    from dealopt.sweep.engine import Engine

    clock = [0.0]
    real = Engine.run

    def timed(self, batch):
        clock[0] += 0.3 * len(batch)
        return real(self, batch)

    monkeypatch.setattr(Engine, "run", timed)
    monkeypatch.setattr(run, "time", SimpleNamespace(process_time=lambda: clock[0]))
    seen = []
    r = dealopt.sweep(
        dealopt.instance(TOY),
        samples=20,
        method="mc",
        workers=1,
        progress=lambda d, t: seen.append(d),
    )
    assert seen[0] == 1 + 4  # the first scenario, then ceil(1 / 0.3) = 4 timed ones
    assert seen[1] - seen[0] == 3  # batches of int(1 / 0.3) scenarios
    assert seen[-1] == r.n == 20
