"""``.json`` files are strict JSON: positions in every error, exact numbers, YAML's limits."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from dealopt import spec
from dealopt.errors import Problem, SpecError
from dealopt.spec import yamlsafe
from dealopt.spec.jsonsafe import parse_json

BASE = {
    "dealopt": 1,
    "name": "j",
    "parties": {"a": {"no_deal": 1}},
    "issues": {"x": {"options": ["p", "q"]}},
}


def fail(text: str, path: str = "f.json") -> Problem:
    with pytest.raises(SpecError) as info:
        spec.loads(text, path)
    (problem,) = info.value.problems
    return problem


def at(problem: Problem) -> tuple[int, int]:
    assert problem.source is not None
    return problem.source.line, problem.source.col


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ('{"a": 1,}', (1, 9), "expected a key in double quotes (no comma after the last member)"),
        ('{"a": [1, 2,]}', (1, 13), "expected a value (no comma after the last element)"),
        ("{'a': 1}", (1, 2), 'expected a key in double quotes, found "\'"'),
        ('{"a": 1} // note', (1, 10), "expected the end of the file after the JSON value"),
        ('{"a": NaN}', (1, 7), "expected a value (an object, array, string, number"),
        ('{"a": .5}', (1, 7), "expected a value"),
        ('{"a": 01}', (1, 8), "expected ',' or '}', found '1'"),
        ('{"a": yes}', (1, 7), "expected a value"),
        ('{\n  "a": 1\n  "b": 2\n}', (3, 3), "expected ',' or '}', found '\"'"),
        ('{"a" 1}', (1, 6), "expected ':' after the key"),
        ('{"a": "x\ty"}', (1, 9), "control character '\\t' in a string"),
        ('{"a": "\\x"}', (1, 8), "unknown escape '\\x'"),
        ('{"a": "\\ud800"}', (1, 8), "a lone surrogate escape"),
        ('{"a": "abc', (1, 7), "a string without its closing"),
        ('{"a": [1, 2', (1, 12), "expected ',' or ']', found the end of the file"),
    ],
)
def test_not_json_is_refused_with_its_position(text, where, message):
    p = fail(text)
    assert at(p) == where
    assert message in p.message
    assert p.message.startswith("invalid JSON: ")
    assert p.line_text is not None  # the caret line


def test_the_same_text_is_yaml_in_a_yaml_file():
    # A trailing comma is fine in a YAML flow mapping, so the extension decides.
    text = json.dumps(BASE)[:-1] + ",}"
    assert spec.loads(text, "f.yaml").name == "j"
    assert "no comma after the last member" in fail(text).message


def test_numbers_are_exact_and_never_floats():
    data = dict(BASE, parties={"a": {"no_deal": 0.1}})
    text = json.dumps(data).replace("0.1", "0.123456789012345678901234567890123")
    inst = spec.loads(text, "f.json")
    assert inst.parties["a"].no_deal == Decimal("0.123456789012345678901234567890123")
    located = parse_json('{"i": -0, "e": 1E-3, "n": null, "t": true, "f": false}', "f.json")
    assert located.data == {"i": 0, "e": Decimal("0.001"), "n": None, "t": True, "f": False}
    assert type(located.data["i"]) is int and type(located.data["e"]) is Decimal


def test_number_limits_are_those_of_yaml():
    p = fail('{"a": 1e1001}')
    assert (at(p), p.message.startswith("the number 1e1001 is out of range")) == ((1, 7), True)
    p = fail('{"a": 1' + "0" * yamlsafe.MAX_NUMBER_CHARS + "}")
    assert p.message == f"a number longer than {yamlsafe.MAX_NUMBER_CHARS} characters"


def test_duplicate_keys_are_refused():
    p = fail('{"a": 1,\n "a": 2}')
    assert (at(p), p.message) == ((2, 2), "duplicate key 'a' (first defined at line 1)")


def test_nesting_and_size_limits():
    ok = parse_json('{"a": ' + "[" * 64 + "]" * 64 + "}", "f.json")
    assert ok.data["a"] is not None
    p = fail('{"a": ' + "[" * 65 + "]" * 65 + "}")
    assert (at(p), p.message) == ((1, 71), "nesting deeper than 64 levels")
    p = fail("[" * 100_000)  # far beyond Python's recursion limit: still one message
    assert p.message == "nesting deeper than 64 levels"
    p = fail("[" + "0," * yamlsafe.MAX_NODES + "0]")
    assert p.message == f"the file has more than {yamlsafe.MAX_NODES} values"


def test_escapes_and_positions():
    located = parse_json('{\n  "k": "a\\u00e9\\ud83d\\ude00\\n",\n  "r": "x < 1"\n}', "f.json")
    assert located.data["k"] == "a\u00e9\U0001f600\n"
    assert located.positions[("k",)] == located.where(("k",))
    assert (located.positions[("r",)].line, located.positions[("r",)].col) == (3, 8)
    assert (located.key_positions[("r",)].line, located.key_positions[("r",)].col) == (3, 3)
    # Rule columns: offset 1 past the quote, unknown when escapes shift the characters.
    assert located.col_offsets[("r",)] == 1 and located.col_offsets[("k",)] is None


def test_rule_errors_in_json_point_into_the_string(tmp_path):
    data = dict(BASE, rules=[{"rule": "x == r"}])
    path = tmp_path / "f.json"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    import dealopt

    with pytest.raises(SpecError) as info:
        dealopt.load(path)
    (p,) = info.value.problems
    line = path.read_text(encoding="utf-8").splitlines()[p.source.line - 1]
    assert line[p.source.col - 1 :].startswith("r")


def test_empty_and_bom():
    assert fail("  \n").message == "the file is empty"
    assert spec.loads("\ufeff" + json.dumps(BASE), "f.json").name == "j"
