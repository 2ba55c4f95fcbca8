"""Whatever the bytes, the spec loader answers with an Instance or a SpecError, never with
any other exception (no crash, no traceback for the user)."""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dealopt import spec
from dealopt.errors import SpecError

VALID = """\
dealopt: 1
name: Fuzz target
parties:
  us: {label: United States}
  them: {no_deal: 10.5}
issues:
  price: {range: [0, 100, 10], status_quo: 50}
  color: {options: [red, green, blue], status_quo: green}
attributes:
  cost:
    color: {green: 2, blue: 5}
    price: linear
quantities:
  total_cost: "cost(color) + price"
interests:
  us:
    weights: {price: -1, color: 0.25}
    scores:
      price: {0: 1, 10: 2}
      color: {red: 0, green: 50, blue: 100}
    terms:
      - {label: bonus, when: "color == blue", value: 25}
  them:
    scores: {price: linear}
red_lines:
  them:
    - {rule: price >= 30}
rules:
  - {label: no cheap blue, rule: "color == blue -> price >= 50"}
groups:
  money: [price, color]
"""

VALID_JSON = json.dumps(yaml.safe_load(VALID), indent=2)

# A sandbox directory: a mutation that happens to write `extends:` must not read the cwd.
SANDBOX = Path(tempfile.mkdtemp(prefix="dealopt-fuzz-"))
atexit.register(shutil.rmtree, SANDBOX, True)
FUZZ_PATH = str(SANDBOX / "fuzz.yaml")

# About 10 s together on a quiet machine; raise max_examples locally for a deeper search.
FUZZ = settings(
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
BYTES = settings(FUZZ, max_examples=300)

# Characters that matter to YAML and JSON, plus a few that matter to dealopt.
SIGNIFICANT = [*":-{}[],'\"#&*!|>%@`?\n\t ", "\\", "~", "<<", "1e9", ".", "0", "null"]


def load_or_spec_error(text: str) -> None:
    try:
        spec.loads(text, FUZZ_PATH)
    except SpecError as exc:
        assert exc.problems, "a SpecError must carry at least one problem"
        str(exc)  # rendering must not fail either


def test_the_fuzz_targets_are_valid():
    assert spec.loads(VALID, FUZZ_PATH) == spec.loads(VALID_JSON, FUZZ_PATH)


@BYTES
@given(st.binary(max_size=400))
def test_random_bytes_as_text(data):
    load_or_spec_error(data.decode("utf-8", errors="replace"))


@BYTES
@given(st.binary(max_size=400))
def test_random_bytes_as_a_file(data):
    path = SANDBOX / "bytes.yaml"
    path.write_bytes(data)
    try:
        spec.load(path)
    except SpecError as exc:
        assert exc.problems


@st.composite
def mutated(draw, base: str) -> str:
    """``base`` with a few characters or whole lines deleted, inserted or replaced."""
    text = base
    for _ in range(draw(st.integers(1, 4))):
        lines = text.split("\n")
        kind = draw(st.sampled_from(["char", "line"]))
        action = draw(st.sampled_from(["delete", "insert", "replace"]))
        if kind == "line":
            k = draw(st.integers(0, len(lines) - 1))
            other = draw(st.one_of(st.sampled_from(lines), st.text(max_size=30)))
            if action == "delete":
                del lines[k]
            elif action == "insert":
                lines.insert(k, other)
            else:
                lines[k] = other
            text = "\n".join(lines)
        else:
            k = draw(st.integers(0, len(text)))
            piece = draw(st.one_of(st.sampled_from(SIGNIFICANT), st.text(min_size=1, max_size=3)))
            if action == "delete":
                text = text[:k] + text[k + draw(st.integers(1, 5)) :]
            elif action == "insert":
                text = text[:k] + piece + text[k:]
            else:
                text = text[:k] + piece + text[k + len(piece) :]
    return text


@FUZZ
@given(mutated(VALID))
def test_mutations_of_a_valid_instance(text):
    load_or_spec_error(text)


@FUZZ
@given(mutated(VALID_JSON))
def test_mutations_of_a_valid_json_instance(text):
    load_or_spec_error(text)


@FUZZ
@given(mutated(VALID_JSON))
def test_mutations_of_a_valid_json_instance_as_strict_json(text):
    try:
        spec.loads(text, str(SANDBOX / "fuzz.json"))
    except SpecError as exc:
        assert exc.problems
        assert all(p.source is not None and p.source.line >= 1 for p in exc.problems)
        str(exc)
