"""Issue 12, input side: every digit of the input survives to the output, and every hostile
file gets one message with file:line:col and exit status 1 (never a hang or a traceback)."""

from __future__ import annotations

import json
from pathlib import Path

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
