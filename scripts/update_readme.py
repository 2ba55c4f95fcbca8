"""Regenerate what README.md shows from the real commands: the output blocks, the frontier
pictures (docs/helsinki-frontier.png, docs/jcpoa-frontier.png) and the screenshot of the
three-party report (docs/jcpoa-report.png, taken in headless Chromium through Playwright;
skipped with a message when either is missing), and the sweep picture (docs/helsinki-sweep.png).

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
JCPOA = "instances/jcpoa2015.yaml"
JCPOA_PICTURE = "docs/jcpoa-frontier.png"
JCPOA_SCREENSHOT = "docs/jcpoa-report.png"
CHROMIUM = Path("/usr/bin/chromium")


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


def check_block() -> str:
    return fenced(f"$ dealopt check {JCPOA}\n" + run("check", JCPOA))


def jcpoa_solve_block() -> str:
    return fenced(f"$ dealopt solve {JCPOA}   # its first lines\n" + first_paragraph(JCPOA))


def first_paragraph(path: str) -> str:
    return run("solve", path).split("\n\n", 1)[0]


def screenshot(page: Path, target: Path) -> None:
    """The top of the report as a reader first sees it, 1280 px wide."""
    import tempfile

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("playwright is not installed: the report screenshot is not updated", file=sys.stderr)
        return
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: the report screenshot is not updated", file=sys.stderr)
        return
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        context = p.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            args=flags,
            headless=True,
            viewport={"width": 1280, "height": 1000},
        )
        view = context.new_page()
        view.goto(page.resolve().as_uri())
        view.wait_for_selector("body[data-views-ready='true']", state="attached")
        view.wait_for_timeout(500)
        view.screenshot(
            path=str(target), clip={"x": 0, "y": 0, "width": 1280, "height": 2000}, full_page=True
        )
        context.close()


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
    "check-jcpoa": check_block,
    "solve-jcpoa": jcpoa_solve_block,
    "sweep": sweep_block,
}


def render(name: str) -> str:
    return f"<!-- OUTPUT:{name} -->\n{BLOCKS[name]()}\n<!-- /OUTPUT:{name} -->"


def main() -> None:
    import tempfile

    run("solve", HELSINKI, "--format", "json", "--plot", PICTURE)
    run("solve", JCPOA, "--format", "json", "--plot", JCPOA_PICTURE)
    with tempfile.TemporaryDirectory() as scratch:
        page = Path(scratch) / "jcpoa.html"
        run("report", JCPOA, "--no-explain", "-o", str(page))
        screenshot(page, ROOT / JCPOA_SCREENSHOT)
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
