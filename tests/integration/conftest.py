"""Fixtures shared by the integration tests."""

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """A real scheduler and two single-threaded workers on 127.0.0.1, started here."""
    dask = shutil.which("dask") or str(Path(sys.executable).parent / "dask")
    if not Path(dask).exists():
        pytest.skip("the 'dask' command is not installed (pip install 'dask[distributed]')")
    from distributed import Client

    folder = tmp_path_factory.mktemp("dask")
    file = folder / "scheduler.json"
    log = (folder / "log.txt").open("w")
    common = ["--no-dashboard"]
    started = [
        subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", "0",
                          "--scheduler-file", str(file), *common], stdout=log, stderr=log)
    ]  # fmt: skip
    deadline = time.time() + 60
    while not file.exists() and time.time() < deadline:
        time.sleep(0.2)
    client = None
    try:
        if not file.exists():
            pytest.skip("the Dask scheduler did not start within 60 s")
        for _ in range(2):
            started.append(
                subprocess.Popen([dask, "worker", "--scheduler-file", str(file), "--nthreads", "1",
                                  "--host", "127.0.0.1", *common], stdout=log, stderr=log)
            )  # fmt: skip
        client = Client(scheduler_file=str(file), timeout="30s")
        client.wait_for_workers(2, timeout=90)
        address = json.loads(file.read_text())["address"]
        yield client, address, (dask, file, log, started)
    finally:
        if client is not None:
            client.close()
        for process in reversed(started):
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
