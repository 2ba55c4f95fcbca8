"""Mutated instance files and GENIUS scenarios through ``dealopt check`` and ``dealopt import
genius``: whatever the bytes, the answer is exit 0, or exit 1 with ``file:line:col: error:``;
never exit 4, a traceback, or a hang.

A seeded random loop (the seed is in every failure message, so a find can be replayed):
``DEALOPT_FUZZ_CASES`` sets the number of cases of each kind (CI runs the default of 150 per
kind; ``HYPOTHESIS_PROFILE=thorough`` runs 2,000), ``DEALOPT_FUZZ_SEED`` the first seed.
Mutations: flipped bytes, deleted and duplicated lines, numbers swapped for huge, tiny, long or
non-ASCII ones, explicit tags, anchors and aliases, deep nesting, truncation, bad UTF-8.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from dealopt.cli import app
from dealopt.errors import BackendUnavailableError, DealoptError, OracleRejectedError

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "inputs"
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "dev")
CASES = int(os.environ.get("DEALOPT_FUZZ_CASES", 2000 if PROFILE == "thorough" else 150))
FIRST_SEED = int(os.environ.get("DEALOPT_FUZZ_SEED", 0))
SECONDS = 30  # per case: far above the slowest seen (about 1 s for the Helsinki instance)

# An error line: "path:line:col: error: ..."
ERROR_LINE = re.compile(r"^\S[^\n]*:\d+:\d+: error: ", re.MULTILINE)

NUMBERS = [
    "0",
    "-0",
    "1e1000",
    "1e-1000",
    "1e1001",
    "-1e-1001",
    "1e999999999",
    "0e-99999999",
    "9" * 999,
    "9" * 1001,
    "0." + "3" * 900,
    "123456789012345678901234567890.123456789012345678901234567891",
    "0.0000000000000000000000000000001",
    "\u0663",  # Arabic-Indic three
    "\uff11\uff12",  # fullwidth 12
    "1_000",
    ".5",
    "5.",
    "NaN",
    ".inf",
    "-.inf",
    "0x1F",
    "1E5",
    "99999999999999999999",
]
TAGS = [
    "!!float ",
    "!!int ",
    "!!str ",
    "!!map ",
    "! ",
    "!<tag:yaml.org,2002:float> ",
    "!!python/object/apply:os.system ",
    "!custom ",
]
JUNK = [*":-{}[],'\"#&*!|>%@`?\n\t ", "\\", "~", "<<", "\x00", "\ufeff", "\u2028", "é", "${x}"]
NUMBER = re.compile(r"(?<![A-Za-z_])-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")


def _nest(rng: random.Random) -> str:
    depth = rng.choice([10, 63, 64, 65, 200, 5000])
    return "[" * depth + "1" + "]" * depth


# ----------------------------------------------------------------------------- mutations


def mutate_text(text: str, rng: random.Random, *, xml: bool = False) -> str:
    """``text`` with one to four random mutations."""
    for _ in range(rng.randint(1, 4)):
        lines = text.split("\n")
        kind = rng.randrange(10)
        if kind == 0 and text:  # replace or insert a few characters
            k = rng.randrange(len(text))
            piece = rng.choice(JUNK) if rng.random() < 0.7 else chr(rng.randrange(32, 0x3000))
            text = text[:k] + piece + text[k + rng.randint(0, 2) :]
        elif kind == 1 and len(lines) > 1:  # delete a line
            del lines[rng.randrange(len(lines))]
            text = "\n".join(lines)
        elif kind == 2:  # duplicate a line (duplicate keys, repeated elements)
            k = rng.randrange(len(lines))
            lines.insert(rng.randrange(len(lines) + 1), lines[k])
            text = "\n".join(lines)
        elif kind == 3:  # a number swapped for a hostile one
            found = list(NUMBER.finditer(text))
            if found:
                m = rng.choice(found)
                text = text[: m.start()] + rng.choice(NUMBERS) + text[m.end() :]
        elif kind == 4 and not xml:  # an explicit tag before a value
            spots = [m.end() for m in re.finditer(r": ", text)]
            if spots:
                k = rng.choice(spots)
                text = text[:k] + rng.choice(TAGS) + text[k:]
        elif kind == 5 and not xml:  # an anchor and an alias to it
            spots = [m.end() for m in re.finditer(r": ", text)]
            if len(spots) >= 2:
                a, b = sorted(rng.sample(spots, 2))
                end = text.find("\n", b)
                end = len(text) if end < 0 else end
                text = text[:a] + "&x " + text[a:b] + "*x" + text[end:]
        elif kind == 6:  # deep nesting in place of a value or element
            if xml:
                k = text.find("<issue")
                depth = rng.choice([10, 63, 65, 2000])
                if k >= 0:
                    text = text[:k] + "<objective>" * depth + "</objective>" * depth + text[k:]
            else:
                spots = [m.end() for m in re.finditer(r": ", text)]
                if spots:
                    k = rng.choice(spots)
                    end = text.find("\n", k)
                    end = len(text) if end < 0 else end
                    text = text[:k] + _nest(rng) + text[end:]
        elif kind == 7:  # truncated
            text = text[: rng.randrange(len(text) + 1)]
        elif kind == 8 and xml:  # an entity, a DTD, a second root
            piece = rng.choice(
                [
                    '<!DOCTYPE x [<!ENTITY e "lol">]>',
                    "<!DOCTYPE x>",
                    "&amp;",
                    "<x/>",
                    "]]>",
                    '<?xml version="1.0" encoding="latin-1"?>',
                ]
            )
            k = rng.randrange(len(text) + 1)
            text = text[:k] + piece + text[k:]
        elif kind == 9:  # a whole line of junk
            k = rng.randrange(len(lines))
            lines[k] = "".join(rng.choice(JUNK) for _ in range(rng.randint(1, 8)))
            text = "\n".join(lines)
    return text


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    """Raw byte damage: flipped bytes, invalid UTF-8, a NUL."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        if not out:
            break
        k = rng.randrange(len(out))
        out[k] = rng.choice([0x00, 0xFF, 0xC3, 0x80, rng.randrange(256)])
    return bytes(out)


# ----------------------------------------------------------------------------- seeds


def instance_seeds() -> list[tuple[str, str]]:
    """(file name, text) of every instance file of the repository and of tests/fixtures."""
    seeds = []
    for path in sorted((ROOT / "instances").glob("*.yaml")) + sorted(FIXTURES.glob("*.yaml")):
        seeds.append((path.name, path.read_text(encoding="utf-8")))
    # A JSON seed: the Helsinki instance as strict JSON (decimals as strings would not load).
    data = yaml.safe_load((ROOT / "instances" / "helsinki2018.yaml").read_text("utf-8"))
    seeds.append(("helsinki2018.json", json.dumps(data, indent=1)))
    return seeds


def genius_seeds() -> list[dict[str, str]]:
    """Scenario file sets: the small fixture, and a dealopt export (with dealopt_* metadata)."""
    small = FIXTURES / "genius_small"
    exported = FIXTURES / "genius_export"
    return [
        {
            "domain": (small / "Deal_domain.xml").read_text("utf-8"),
            "p1": (small / "Deal_buyer.xml").read_text("utf-8"),
            "p2": (small / "Deal_seller.xml").read_text("utf-8"),
        },
        {
            "domain": (exported / "domain.xml").read_text("utf-8"),
            "p1": (exported / "profile-buyer.xml").read_text("utf-8"),
            "p2": (exported / "profile-seller.xml").read_text("utf-8"),
        },
    ]


# ----------------------------------------------------------------------------- running

runner = CliRunner()


@contextmanager
def time_bound(what: str) -> Iterator[None]:
    """Fail (instead of hanging) when one case runs longer than :data:`SECONDS`."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def expire(signum, frame):
        raise TimeoutError(f"{what} took longer than {SECONDS} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_cli(args: list[str], what: str) -> tuple[int, str]:
    start = time.monotonic()
    with time_bound(what):
        result = runner.invoke(app, args)
    elapsed = time.monotonic() - start
    assert elapsed < SECONDS, f"{what}: {elapsed:.1f} s"
    exc = result.exception
    if exc is None or isinstance(exc, SystemExit):
        return result.exit_code, result.output
    # Commands other than `check` leave dealopt's errors to the entry point (main), which
    # turns bad input into exit 1 and anything else into exit 4: do the same here, and keep
    # the traceback of anything else for the failure report.
    if isinstance(exc, DealoptError) and not isinstance(
        exc, OracleRejectedError | BackendUnavailableError
    ):
        return 1, result.output + str(exc)
    raise AssertionError(f"{what}: {type(exc).__name__}: {exc}") from exc


def assert_answer(code: int, output: str, what: str) -> None:
    assert code in (0, 1), f"{what}: exit {code}\n{output[-2000:]}"
    assert "Traceback" not in output, f"{what}\n{output[-2000:]}"
    if code == 1:
        assert ERROR_LINE.search(output), f"{what}: no file:line:col in\n{output[-2000:]}"


def _what(kind: str, seed: int, name: str) -> str:
    return f"{kind} case seed={seed} ({name}; replay with DEALOPT_FUZZ_SEED={seed})"


def _check_case(tmp: Path, seeds: list[tuple[str, str]], seed: int) -> None:
    rng = random.Random(seed)
    name, text = rng.choice(seeds)
    path = tmp / f"case-{name}"  # the seeds stay intact beside it, as bases for `extends`
    if rng.random() < 0.15:
        path.write_bytes(mutate_bytes(text.encode("utf-8"), rng))
    else:
        path.write_text(mutate_text(text, rng), encoding="utf-8", errors="surrogatepass")
    what = _what("check", seed, name)
    try:
        code, output = run_cli(["check", str(path)], what)
        assert_answer(code, output, what)
    except AssertionError:
        keep = ROOT / "tests" / "artifacts" / f"fuzz-{seed}-{name}"
        keep.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, keep)
        raise


def _import_case(tmp: Path, seeds: list[dict[str, str]], seed: int) -> None:
    rng = random.Random(seed)
    files = dict(rng.choice(seeds))
    for key in rng.sample(sorted(files), rng.randint(1, 2)):
        files[key] = mutate_text(files[key], rng, xml=True)
    paths = []
    for key in ("domain", "p1", "p2"):
        path = tmp / f"S_{key}.xml"
        path.write_text(files[key], encoding="utf-8", errors="surrogatepass")
        paths.append(str(path))
    what = _what("import genius", seed, "S")
    args = ["import", "genius", *paths, "-o", str(tmp / "out.yaml")]
    if rng.random() < 0.2:
        args += ["--real-step", rng.choice(["0.5", "1", "0.001"])]
    code, output = run_cli(args, what)
    assert_answer(code, output, what)


def _cases(run: Callable[[int], None]) -> None:
    for seed in range(FIRST_SEED, FIRST_SEED + CASES):
        run(seed)


def test_mutated_instance_files_through_check(tmp_path):
    seeds = instance_seeds()
    for name, text in seeds:  # the bases of the variants' `extends`
        (tmp_path / name).write_text(text, encoding="utf-8")
    _cases(lambda seed: _check_case(tmp_path, seeds, seed))


def test_mutated_genius_scenarios_through_import(tmp_path):
    seeds = genius_seeds()
    _cases(lambda seed: _import_case(tmp_path, seeds, seed))


def test_the_seeds_themselves_pass(tmp_path):
    for name, text in instance_seeds():
        (tmp_path / name).write_text(text, encoding="utf-8")
    for name, _ in instance_seeds():
        code, output = run_cli(["check", str(tmp_path / name)], name)
        assert code == (1 if name == "tag_accepted.yaml" else 0), output
    for files in genius_seeds():
        paths = []
        for key, text in files.items():
            (tmp_path / f"G_{key}.xml").write_text(text, encoding="utf-8")
            paths.append(str(tmp_path / f"G_{key}.xml"))
        code, output = run_cli(["import", "genius", *paths, "-o", str(tmp_path / "o.yaml")], "g")
        assert code == 0, output


@pytest.mark.parametrize("seed", range(4))
def test_mutated_files_in_a_subprocess(tmp_path, seed):
    """The real entry point: exit status, stderr and the time bound as a user sees them."""
    rng = random.Random(10_000 + seed)
    seeds = instance_seeds()
    for seed_name, seed_text in seeds:
        (tmp_path / seed_name).write_text(seed_text, encoding="utf-8")
    name, text = rng.choice(seeds)
    path = tmp_path / f"case-{name}"
    path.write_text(mutate_text(text, rng), encoding="utf-8", errors="surrogatepass")
    done = subprocess.run(
        [sys.executable, "-m", "dealopt.cli", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert_answer(done.returncode, done.stdout + done.stderr, f"subprocess seed {seed}")
