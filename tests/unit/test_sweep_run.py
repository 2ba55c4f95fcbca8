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


class _Done:
    """A finished future of the fake pool below."""

    def __init__(self, value, ready):
        self.value, self.ready = value, ready

    def done(self):
        return self.ready()


class _FakePool:
    """A pool of one slow worker: each of its futures is ready only after this process has
    run two more batches, so results arrive out of batch order."""

    workers = 1

    def __init__(self, engine):
        self.engine, self.submitted, self.closed = engine, [], None

    def submit(self, fn, batch):
        mark = self.engine.calls + 2
        self.submitted.append(batch)
        return _Done(fn(self.engine.copy, batch), lambda: self.engine.calls >= mark)

    def result(self, future):
        return future.value

    def close(self, *, cancel=False):
        self.closed = cancel


class _FakeEngine:
    def __init__(self):
        self.calls = 0
        self.copy = self  # what run_batch receives on the "worker"

    def run(self, batch):
        self.calls += batch != "from worker"
        return [batch]


def test_this_process_works_beside_the_pool_and_results_keep_batch_order():
    from dealopt.sweep.run import _shared

    engine = _FakeEngine()
    pool = _FakePool(engine)
    batches = list(range(12))
    out = [r[0] for r in _shared(pool, engine, batches)]  # type: ignore[arg-type]
    assert out == batches  # in batch order, whoever ran them
    here = [b for b in batches if b not in pool.submitted]
    assert pool.submitted and here  # both the worker and this process ran batches
    assert pool.closed is False  # run to the end: nothing cancelled


def test_two_workers_give_the_rows_of_one():
    """Helsinki's scenarios the solve way (each worth a worker's start): this process and one
    spawned worker share the batches, and every row is the one process's."""
    from pathlib import Path

    import dealopt.sweep.run as run

    helsinki = dealopt.load(Path(__file__).parents[2] / "instances" / "helsinki2018.yaml")
    kw = {"samples": 16, "seed": 3, "batch_size": 2, "fast": False}
    one = dealopt.sweep(helsinki, workers=1, **kw).experiments()
    shared, used = run._shared, []

    def spy(*args):
        used.append(True)
        yield from shared(*args)

    run._shared = spy  # type: ignore[assignment]
    try:
        two = dealopt.sweep(helsinki, workers=2, **kw).experiments()
    finally:
        run._shared = shared
    assert used  # the shared way ran
    assert len(one) == 16
    assert one.equals(two)
