"""Progress on a terminal, silence in a pipe, and one wall-clock limit per command.

The terminal is a real pseudo-terminal: the command runs with stderr on it, and what rich
draws there is read back. Timing checks use only bounds that hold by construction (a run
stopped by its limit has used at least the limit; the time a command reports cannot exceed
the wall time measured around the process), so they cannot flake on a loaded machine.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HELSINKI = ROOT / "instances" / "helsinki2018.yaml"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONWARNINGS", None)
    env.update({"TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"})
    return env


def _on_a_terminal(args: list[str], tmp_path: Path) -> tuple[int, str, str]:
    """Run ``dealopt ARGS`` with stderr on a pseudo-terminal; (status, stdout, terminal).
    Stdout goes to a file: a pipe nobody reads while the terminal is read would fill up."""
    leader, follower = pty.openpty()
    stdout = (tmp_path / "stdout").open("w+b")
    proc = subprocess.Popen(
        [sys.executable, "-m", "dealopt.cli", *args],
        stdout=stdout,
        stderr=follower,
        stdin=subprocess.DEVNULL,
        cwd=ROOT,
        env=_env(),
    )
    os.close(follower)
    seen = bytearray()
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the follower side closed: the process is gone
            break
        if not chunk:
            break
        seen += chunk
    status = proc.wait(timeout=300)
    os.close(leader)
    stdout.seek(0)
    out = stdout.read().decode()
    stdout.close()
    return status, out, seen.decode(errors="replace")


@pytest.mark.parametrize(
    ("command", "phase"),
    [
        (["explain", str(HELSINKI), "-f", "json"], "explaining: backbone"),
        (["report", str(HELSINKI), "--no-explain", "-o", "{tmp}/h.html"], "evaluating"),
    ],
)
def test_a_terminal_shows_the_phase(command, phase, tmp_path):
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    status, out, terminal = _on_a_terminal(args, tmp_path)
    assert status == 0, terminal
    assert phase in terminal
    assert "\x1b[" in terminal  # drawn (and then cleared) with terminal control codes
    if "json" in args:
        assert json.loads(out)["schema"] == "dealopt.explanation/1"  # stdout stays clean


def test_a_pipe_gets_no_progress():
    done = subprocess.run(
        [sys.executable, "-m", "dealopt.cli", "explain", str(HELSINKI), "-t", "2", "-f", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_env(),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    json.loads(done.stdout)


ARGS = ("-f", "json", "-t")


def test_the_reported_time_is_the_wall_time_and_the_limit_holds():
    limit = 1.0
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "dealopt.cli", "explain", str(HELSINKI), *ARGS, str(limit)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_env(),
        timeout=300,
    )
    wall = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert "time limit" in document["stopped"].values()  # the full explanation takes longer
    seconds = document["stats"]["seconds"]
    # Stopped by the limit: at least the limit has passed since the command started; and the
    # command cannot report more than the wall time measured around its process.
    assert limit <= seconds <= wall
