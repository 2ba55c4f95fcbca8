"""The safe reader: exact scalars, duplicate keys, and every limit that protects against a
hostile file (alias bombs, tags, size, depth, encoding)."""

from __future__ import annotations

import os
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest

from dealopt import spec
from dealopt.errors import Problem, SpecError
from dealopt.spec import yamlsafe
from dealopt.spec.yamlsafe import parse_text, scalar_value

HEAD = "dealopt: 1\nname: t\nparties: {a: {}}\nissues:\n  x: {options: [p, q]}\n"  # 5 lines


def fail_text(text: str) -> Problem:
    with pytest.raises(SpecError) as info:
        spec.loads(text, "f.yaml")
    (problem,) = info.value.problems
    return problem


def fail_file(path: Path) -> Problem:
    with pytest.raises(SpecError) as info:
        spec.load(path)
    (problem,) = info.value.problems
    return problem


def at(problem: Problem) -> tuple[int, int]:
    assert problem.source is not None
    return problem.source.line, problem.source.col


# ----------------------------------------------------------------------------- scalars


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0.1", Decimal("0.1")),
        ("1e3", Decimal("1e3")),
        ("-2.50", Decimal("-2.50")),
        (".5", Decimal("0.5")),
        ("+.5", Decimal("0.5")),
        ("0.1234567890123456", Decimal("0.1234567890123456")),
        ("1_000", 1000),
        ("-0", 0),
        ("42", 42),
        ("true", True),
        ("False", False),
        ("null", None),
        ("~", None),
        ("", None),
        ("no", "no"),
        ("yes", "yes"),
        ("on", "on"),
        ("off", "off"),
        ("Y", "Y"),
        ("0x1F", "0x1F"),
        ("0o17", "0o17"),
        (".inf", ".inf"),
        (".nan", ".nan"),
        ("1:30", "1:30"),
    ],
)
def test_plain_scalars_follow_the_core_schema_with_exact_numbers(text, value):
    got = scalar_value(text, None)
    assert got == value and type(got) is type(value)
    if isinstance(value, Decimal):
        assert str(got) == str(value)  # the digits as written, trailing zeros included


@pytest.mark.parametrize("style", ["'", '"', "|", ">"])
def test_quoted_and_block_scalars_are_strings(style):
    assert scalar_value("3", style) == "3"
    assert scalar_value("null", style) == "null"


def test_int_keys_and_integral_decimal_keys_are_ints():
    data = parse_text("a: {1: x, 2.0: y, 1e1: z}\n", "f.yaml").data
    assert data == {"a": {1: "x", 2: "y", 10: "z"}}
    assert all(type(k) is int for k in data["a"])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1" * 1001, "a number longer than 1000 characters"),
        (
            "1e1001",
            "the number 1e1001 is out of range "
            "(its decimal exponent must lie between -1000 and 1000)",
        ),
        (
            "1e-1001",
            "the number 1e-1001 is out of range "
            "(its decimal exponent must lie between -1000 and 1000)",
        ),
        (  # a zero: "f" formatting of Decimal("0E-99999999") is 100 million characters
            "0e-99999999",
            "the number 0e-99999999 is out of range "
            "(its decimal exponent must lie between -1000 and 1000)",
        ),
    ],
)
def test_absurd_numbers_are_refused(value, message):
    p = fail_text(HEAD.replace("a: {}", f"a: {{no_deal: {value}}}"))
    assert (at(p), p.message) == ((3, 24), message)


def test_absurd_number_as_a_key_is_refused_fast():
    start = time.perf_counter()
    p = fail_text(HEAD + "attributes:\n  v:\n    x: {1e999999999: 1}\n")
    assert time.perf_counter() - start < 2
    assert at(p) == (8, 9)
    assert "out of range" in p.message


def test_numbers_at_the_limits_are_fine():
    inst = spec.loads(HEAD.replace("a: {}", "a: {no_deal: 1e-1000}"), "f.yaml")
    assert inst.parties["a"].no_deal == Decimal("1e-1000")


# ----------------------------------------------------------------------------- structure


def test_duplicate_keys_are_errors():
    p = fail_text("a: 1\nb: 2\na: 3\n")
    assert (at(p), p.message) == (
        (3, 1),
        "duplicate key 'a' (first defined at line 1); YAML would silently keep only the last one",
    )


def test_true_and_1_are_the_same_key():
    p = fail_text("x:\n  1: a\n  true: b\n")
    assert at(p) == (3, 3)
    assert p.message.startswith("duplicate key True (first defined at line 2)")


def test_merge_keys_are_refused():
    p = fail_text("base: &b {label: A}\nparties:\n  a:\n    <<: *b\n")
    assert (at(p), p.message) == ((4, 5), "YAML merge keys ('<<') are not supported")


def test_complex_keys_are_refused():
    p = fail_text("? [a, b]\n: 1\n")
    assert (at(p), p.message) == ((1, 3), "a mapping key must be a plain name")


def test_invalid_yaml_has_a_position():
    p = fail_text("dealopt: 1\nname: [unclosed\n")
    assert at(p) == (3, 1)
    assert p.message.startswith("invalid YAML: ")


def test_tabs_are_invalid_yaml():
    p = fail_text("a:\t[\n")
    assert (at(p), p.message) == (
        (1, 3),
        "invalid YAML: found character '\\t' that cannot start any token",
    )


def test_two_documents_are_refused():
    p = fail_text("dealopt: 1\n---\ndealopt: 1\n")
    assert p.message.startswith("invalid YAML: ")
    assert at(p) == (2, 1)


def test_empty_file(tmp_path):
    for text in ("", "\n\n", "# only a comment\n"):
        path = tmp_path / "empty.yaml"
        path.write_text(text, encoding="utf-8")
        p = fail_file(path)
        assert (at(p), p.message) == ((1, 1), "the file is empty")


def test_top_level_list():
    p = fail_text("- dealopt: 1\n")
    assert (at(p), p.message) == ((1, 1), "an instance must be a mapping (key: value), got a list")


def test_top_level_scalar():
    p = fail_text("just words\n")
    assert p.message == "an instance must be a mapping (key: value), got the string 'just words'"


# ----------------------------------------------------------------------------- hostile files

BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 10)}]\n"
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
)


def test_billion_laughs_fails_fast():
    text = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + BOMB
    start = time.perf_counter()
    p = fail_text(text)
    assert time.perf_counter() - start < 2
    assert p.message == (
        "the file expands to more than 200000 values (aliases expanding exponentially?); "
        "refusing to read it"
    )
    assert at(p) == (6, 4)  # f: 10 x e = 10**5 x 'lol' and more: the first too big alone


def test_wide_bomb_is_found_before_anything_is_expanded():
    # 600 references to a 1000-item list: 600 000 values from a 4 kB file.
    text = "a: &a [" + ", ".join(["x"] * 1000) + "]\nb: [" + ", ".join(["*a"] * 600) + "]\n"
    start = time.perf_counter()
    p = fail_text(text)
    assert time.perf_counter() - start < 2
    assert at(p) == (2, 4)


def test_many_values_below_the_cap_are_read():
    text = "a: &a [" + ", ".join(["x"] * 1000) + "]\nb: [" + ", ".join(["*a"] * 150) + "]\n"
    assert len(parse_text(text, "f.yaml").data["b"]) == 150


def test_aliases_below_the_cap_are_expanded():
    data = parse_text("a: &a [1, 2]\nb: *a\nc: *a\n", "f.yaml").data
    assert data == {"a": [1, 2], "b": [1, 2], "c": [1, 2]}
    data["b"].append(3)
    assert data["c"] == [1, 2]  # each use is its own copy


def test_recursive_alias():
    p = fail_text("a: &a [1, *a]\n")
    assert (at(p), p.message) == ((1, 4), "an alias refers to a node that contains it")


def test_recursive_mapping_alias():
    p = fail_text("a: &a\n  b: *a\n")
    assert (at(p), p.message) == ((1, 4), "an alias refers to a node that contains it")


@pytest.mark.parametrize(
    ("text", "where", "tag"),
    [
        ("!!python/object:os.system {}\n", (1, 1), "!!python/object:os.system"),
        ("a: !!python/object/apply:os.system [ls]\n", (1, 4), "!!python/object/apply:os.system"),
        ("a: !!python/name:os.system\n", (1, 4), "!!python/name:os.system"),
        ("? !!python/name:os.system\n: 1\n", (1, 3), "!!python/name:os.system"),
        ("a: !!str 3\n", (1, 4), "!!str"),
        ("a: !!binary aGVsbG8=\n", (1, 4), "!!binary"),
        ("a: !custom x\n", (1, 4), "!custom"),
        # Tags that name the type the plain value has anyway, and the non-specific tag
        ("a: !!float 1.5\n", (1, 4), "!!float"),
        ("a: !!int 3\n", (1, 4), "!!int"),
        ("a: !<tag:yaml.org,2002:float> 2.5\n", (1, 4), "!!float"),
        ("a: !!str x\n", (1, 4), "!!str"),
        ("!!map {a: 1}\n", (1, 1), "!!map"),
        ("a: [1, !!seq []]\n", (1, 8), "!!seq"),
        ("a: ! 3\n", (1, 4), "!"),
        ("{!!str a: 1}\n", (1, 2), "!!str"),
        # libyaml refuses this tag, PyYAML (the fallback) reads it: found by the fuzz test
        ("a: {b: !!fl[oat 1.5}\n", (1, 8), "!!fl[oat"),
        ("%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n", (3, 4), "tag:example.com,2000:x"),
    ],
)
def test_tags_are_refused(text, where, tag):
    p = fail_text(text)
    assert at(p) == where
    assert (
        p.message == f"tag '{tag}' is not allowed in instance files (no tags: write plain values)"
    )


def test_python_object_tag_runs_nothing(tmp_path):
    marker = tmp_path / "pwned"
    text = f"a: !!python/object/apply:os.system ['touch {marker}']\n"
    with pytest.raises(SpecError):
        spec.loads(text, "f.yaml")
    assert not marker.exists()


def test_file_over_the_size_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlsafe, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.yaml"
    path.write_text(HEAD + "# " + "x" * 200 + "\n", encoding="utf-8")
    p = fail_file(path)
    assert at(p) == (1, 1)
    assert p.message == f"file is {path.stat().st_size} bytes; the limit is 100"


def test_text_over_the_size_cap(monkeypatch):
    monkeypatch.setattr(yamlsafe, "MAX_FILE_BYTES", 100)
    p = fail_text(HEAD + "# " + "é" * 60 + "\n")  # 120 bytes of UTF-8 in 60 characters
    assert p.message == "text longer than 100 bytes"


def test_real_size_cap_is_8_mib():
    assert yamlsafe.MAX_FILE_BYTES == 8 * 1024 * 1024
    assert yamlsafe.MAX_NODES == 200_000
    assert yamlsafe.MAX_DEPTH == 64


def test_nesting_depth_cap():
    # The top-level mapping is level 0: 64 nested lists inside it are allowed, 65 are not.
    ok = parse_text("a: " + "[" * 64 + "]" * 64 + "\n", "f.yaml")
    assert ok.data["a"] is not None
    p = fail_text("a: " + "[" * 65 + "]" * 65 + "\n")
    assert (at(p), p.message) == ((1, 68), "nesting deeper than 64 levels")


def test_nesting_beyond_the_parser_stack():
    p = fail_text("a: " + "[" * 20000 + "]" * 20000 + "\n")
    assert at(p) == (1, 1)
    assert p.message.startswith("invalid YAML")


def test_non_utf8_bytes(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(HEAD.encode() + "description: caf\xe9\n".encode("latin-1"))
    p = fail_file(path)
    assert (at(p), p.message) == ((1, 1), f"file is not UTF-8 text (byte {len(HEAD) + 16})")


def test_control_characters_are_invalid_yaml():
    p = fail_text("a: b\x00c\n")
    assert p.message.startswith("invalid YAML")


def test_missing_file(tmp_path):
    p = fail_file(tmp_path / "nope.yaml")
    assert (at(p), p.message) == ((1, 1), "cannot read file: No such file or directory")


def test_a_directory_is_not_a_file(tmp_path):
    p = fail_file(tmp_path)
    assert (at(p), p.message) == (
        (1, 1),
        "not a regular file (it is a directory); dealopt reads regular files only",
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_fifo_without_a_writer_is_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    # Opening it for reading would block until a writer came: load in a thread, and on a
    # hang open the writing end to release it, so the test fails instead of hanging.
    outcome: list[BaseException] = []

    def load() -> None:
        try:
            spec.load(fifo)
        except BaseException as exc:  # handed to the test thread
            outcome.append(exc)

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    thread.join(5)
    if thread.is_alive():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        thread.join(5)
        pytest.fail("reading a FIFO without a writer blocked")
    (error,) = outcome
    assert isinstance(error, SpecError)
    (p,) = error.problems
    assert (at(p), p.message) == (
        (1, 1),
        "not a regular file (it is a named pipe); dealopt reads regular files only",
    )


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null here")
def test_a_device_is_refused():
    # /dev/null, not /dev/zero: in-process, an endless device would eat memory on failure
    # (tests/integration/test_exact_inputs.py runs /dev/zero in a bounded subprocess).
    p = fail_file(Path("/dev/null"))
    assert p.source is not None and p.source.path == "/dev/null"
    assert p.message == (
        "not a regular file (it is a character device); dealopt reads regular files only"
    )


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="no /proc here")
def test_reading_stops_past_the_cap_whatever_the_size_claims():
    # /proc files are regular but claim 0 bytes: the cap must hold while reading.
    assert Path("/proc/self/maps").stat().st_size == 0
    with pytest.raises(SpecError) as info:
        yamlsafe.read_bounded(Path("/proc/self/maps"), 10)
    (p,) = info.value.problems
    assert (at(p), p.message) == ((1, 1), "file is larger than the limit of 10 bytes")


def test_positions_of_every_node_are_recorded():
    located = parse_text("a:\n  b: [1, 'two']\n", "f.yaml")
    assert located.positions[("a", "b", 1)].col == 10
    assert located.key_positions[("a", "b")].line == 2
    assert located.col_offsets[("a", "b", 1)] == 1  # after the quote
    assert located.where(("a", "b", 7)) == located.positions[("a", "b")]
    assert located.line_text(located.positions[("a", "b")]) == "  b: [1, 'two']"
