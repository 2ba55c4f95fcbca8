"""Regenerate what README.md shows from the real commands: the output blocks, the frontier
picture (docs/helsinki-frontier.png) and the sweep picture (docs/helsinki-sweep.png).

Each block sits between ``<!-- OUTPUT:name -->`` and ``<!-- /OUTPUT:name -->``; run
``python scripts/update_readme.py`` after changing anything that alters what they show.
tests/integration/test_readme.py checks that the solve and evaluate blocks are still true.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HELSINKI = "instances/helsinki2018.yaml"
PICTURE = "docs/helsinki-frontier.png"


def run(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "dealopt.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.rstrip()


def answer_section(text: str) -> str:
    """The explanation's "THE ANSWER" paragraph."""
    match = re.search(r"THE ANSWER\n(.*?)\n\n", text, re.S)
    return "THE ANSWER\n" + match.group(1) if match else text


def fenced(text: str) -> str:
    return f"```text\n{text}\n```"


def solve_block() -> str:
    return fenced(f"$ dealopt solve {HELSINKI}\n" + run("solve", HELSINKI))


def explain_block() -> str:
    full = run("explain", HELSINKI)
    answer = fenced(f"$ dealopt explain {HELSINKI}   # its answer\n" + answer_section(full))
    details = "<details><summary>The whole explanation, as it prints</summary>\n\n"
    return f"{answer}\n\n{details}{fenced(full)}\n\n</details>"


def evaluate_block() -> str:
    return fenced(f"$ dealopt evaluate {HELSINKI}\n" + run("evaluate", HELSINKI))


SWEEP_ARGS = ("--samples", "2000", "--method", "lhs", "--seed", "1")


SWEEP_PICTURE = "docs/helsinki-sweep.png"


def sweep_block() -> str:
    args = " ".join(SWEEP_ARGS)
    output = run("sweep", HELSINKI, *SWEEP_ARGS, "--plot", SWEEP_PICTURE)  # the same stdout
    return fenced(f"$ dealopt sweep {HELSINKI} {args}\n" + output)


BLOCKS = {
    "solve": solve_block,
    "explain": explain_block,
    "evaluate": evaluate_block,
    "sweep": sweep_block,
}


def render(name: str) -> str:
    return f"<!-- OUTPUT:{name} -->\n{BLOCKS[name]()}\n<!-- /OUTPUT:{name} -->"


def main() -> None:
    run("solve", HELSINKI, "--format", "json", "--plot", PICTURE)
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    for name in BLOCKS:
        opening, closing = f"<!-- OUTPUT:{name} -->", f"<!-- /OUTPUT:{name} -->"
        start = text.find(opening)
        if start < 0:
            print(f"no {opening} marker in README.md", file=sys.stderr)
            continue
        end = text.find(closing, start)
        end = start + len(opening) if end < 0 else end + len(closing)
        text = text[:start] + render(name) + text[end:]
    readme.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
