"""The README shows the real output of the main command (regenerate: scripts/update_readme.py)."""

import re
from pathlib import Path

from typer.testing import CliRunner

from dealopt.cli import app

ROOT = Path(__file__).resolve().parents[2]


def test_readme_solve_block_is_the_real_output(monkeypatch):
    monkeypatch.chdir(ROOT)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- OUTPUT:solve -->\n```text\n(.*?)\n```", readme, re.S)
    assert block, "README.md lost its OUTPUT:solve block"
    shown = block.group(1).split("\n", 1)[1]  # drop the "$ dealopt solve ..." line
    result = CliRunner().invoke(app, ["solve", "instances/helsinki2018.yaml"])
    assert result.exit_code == 0
    assert result.stdout.rstrip() == shown


def test_readme_evaluate_block_is_the_real_output(monkeypatch):
    monkeypatch.chdir(ROOT)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- OUTPUT:evaluate -->\n```text\n(.*?)\n```", readme, re.S)
    assert block, "README.md lost its OUTPUT:evaluate block"
    shown = block.group(1).split("\n", 1)[1]  # drop the "$ dealopt evaluate ..." line
    result = CliRunner().invoke(app, ["evaluate", "instances/helsinki2018.yaml"])
    assert result.exit_code == 0
    assert result.stdout.rstrip() == shown


def test_readme_set_up_commands_name_real_things():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "dealopt solve instances/helsinki2018.yaml" in readme
    assert "python -m pytest" in readme
    assert (ROOT / "instances" / "helsinki2018.yaml").is_file()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pytest" in ci


def test_readme_sweep_block_is_the_real_output(monkeypatch):
    monkeypatch.chdir(ROOT)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- OUTPUT:sweep -->\n```text\n(.*?)\n```", readme, re.S)
    assert block, "README.md lost its OUTPUT:sweep block"
    command, shown = block.group(1).split("\n", 1)
    args = command.split()[2:]  # after "$ dealopt"
    result = CliRunner().invoke(app, [*args, "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip() == shown
