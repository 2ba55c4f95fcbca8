"""Issue 12, input side: every digit of the input survives to the output, and every hostile
file gets one message with file:line:col and exit status 1 (never a hang or a traceback)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import resource
except ImportError:  # not on Windows
    resource = None  # type: ignore[assignment]
from typer.testing import CliRunner

from dealopt.cli import app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "inputs"
runner = CliRunner()


def test_json_output_keeps_thirty_digit_inputs_exact():
    result = runner.invoke(
        app, ["solve", str(FIXTURES / "exact_text_28digits.yaml"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    # The digits are the ones written in the file (a 28-digit context gave ...679 and ...790).
    parties = {p["name"]: p for p in document["parties"]}
    assert parties["a"]["no_deal_exact"] == "0.12345678901234567890123456789"
    utilities = {p["utilities_exact"]["a"] for p in document["frontier"]}
    assert "0.123456789012345678901234567891" in utilities


def _memory_cap() -> None:
    # A regression reads /dev/zero without end: let it fail, not exhaust the machine.
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def dealopt_subprocess(*args: str) -> subprocess.CompletedProcess[str]:
    """``dealopt ARGS`` in a subprocess with a timeout and a memory cap: a regression here
    would hang or eat memory, and must fail instead."""
    return subprocess.run(
        [sys.executable, "-m", "dealopt.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_memory_cap if resource else None,
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_check_refuses_a_fifo_and_a_device_without_hanging(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    files = [str(fifo)] + [d for d in ("/dev/zero", "/dev/urandom") if Path(d).exists()]
    for name in files:
        done = dealopt_subprocess("check", name)
        assert done.returncode == 1, (name, done.stderr)
        assert done.stderr.startswith(f"{name}:1:1: error: not a regular file"), done.stderr
        assert "Traceback" not in done.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_genius_import_refuses_a_fifo_without_hanging(tmp_path):
    fifo = tmp_path / "domain.xml"
    os.mkfifo(fifo)
    done = dealopt_subprocess("import", "genius", str(fifo), str(fifo), "-o", str(tmp_path / "o"))
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith(f"{fifo}:1:1: error: not a regular file"), done.stderr


def test_check_refuses_a_tag_that_names_the_plain_type():
    result = runner.invoke(app, ["check", str(FIXTURES / "tag_accepted.yaml")])
    assert result.exit_code == 1
    assert "tag_accepted.yaml:4:16: error: tag '!!float' is not allowed" in result.output


def test_import_of_objectives_nested_a_thousand_deep_exits_1(tmp_path):
    nested = FIXTURES / "genius_nested"
    files = [nested / f"Laptop-C-{part}.xml" for part in ("domain", "prof1", "prof2")]
    done = dealopt_subprocess("import", "genius", *map(str, files), "-o", str(tmp_path / "o.yaml"))
    assert done.returncode == 1, done.stderr
    assert "Laptop-C-domain.xml:28:4261: error: XML elements nested deeper than 64 levels" in (
        done.stderr
    )
    assert "Traceback" not in done.stderr and "recursion" not in done.stderr
