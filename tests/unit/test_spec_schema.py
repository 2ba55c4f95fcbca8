"""`dealopt schema`: a valid JSON Schema (2020-12) that accepts what the loader accepts in
shape, and flags unknown keys and malformed names the way the loader does."""

from __future__ import annotations

import json

import pytest
import yaml
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from dealopt import spec
from dealopt.cli import app

VALID = """\
dealopt: 1
name: Toy
parties:
  us: {label: United States}
  them: {no_deal: 10}
issues:
  price: {range: [0, 100, 10], status_quo: 50}
  color: {options: [red, green, blue]}
attributes:
  cost:
    color: {green: 2, blue: 5}
    price: linear
quantities:
  total_cost: "cost(color) + price"
  flat: 3
interests:
  us:
    weights: {price: -1, color: 2.5}
    scores:
      price: {0: 1, 10: 2}
      color: {red: 0, green: 50, blue: 100}
    terms:
      - {label: bonus, when: "color == blue", value: 25}
      - {value: "2 * total_cost"}
  them:
    scores: {price: linear}
red_lines:
  them:
    - {rule: price >= 30}
rules:
  - {label: no cheap blue, rule: "color == blue -> price >= 50", description: why}
groups:
  money: [price]
"""


def as_json(text: str):
    """What an editor validates: YAML read as JSON data (mapping keys become strings)."""
    return json.loads(json.dumps(yaml.safe_load(text), default=str))


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0, result.stderr
    schema = json.loads(result.stdout)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def errors(validator: Draft202012Validator, text: str) -> list[str]:
    """Every error message, including those under anyOf branches."""
    found: list[str] = []
    pending = list(validator.iter_errors(as_json(text)))
    while pending:
        error = pending.pop()
        found.append(error.message)
        pending.extend(error.context or ())
    return found


def test_schema_is_valid_json_schema_2020_12(validator):
    schema = validator.schema
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["dealopt"]["const"] == 1
    assert "extends" in schema["properties"]


def test_schema_matches_the_library_function(validator):
    assert validator.schema == json.loads(json.dumps(spec.json_schema()))


def test_schema_written_to_a_file(tmp_path):
    out = tmp_path / "instance.schema.json"
    result = CliRunner().invoke(app, ["schema", "-o", str(out)])
    assert result.exit_code == 0 and result.stdout == ""
    Draft202012Validator.check_schema(json.loads(out.read_text(encoding="utf-8")))


def test_valid_instance_validates(validator, tmp_path):
    (tmp_path / "ok.yaml").write_text(VALID, encoding="utf-8")
    spec.load(tmp_path / "ok.yaml")  # the loader agrees
    assert errors(validator, VALID) == []


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (VALID + "intrests: {}\n", "'intrests' was unexpected"),
        (VALID.replace("us: {label: United States}", "us: {lable: US}"), "'lable' was unexpected"),
        (VALID.replace("- {rule: price >= 30}", "- {rul: price >= 30}"), "'rule' is a required"),
        (VALID.replace("dealopt: 1", "dealopt: 2"), "1 was expected"),
        (VALID.replace("them: {no_deal: 10}", "them: {no_deal: '10'}"), "'10' is not of type"),
        (VALID.replace("color: {options", "Color: {options"), "'Color' does not match"),
        (VALID.replace("[red, green, blue]", "[red, Green, blue]"), "'Green' does not match"),
        (VALID.replace("price: {0: 1, 10: 2}", "price: {Zero: 1}"), "'Zero' does not match"),
        (VALID.replace("price: linear\n", "price: lin\n"), "is not valid under any"),
        (VALID.replace("dealopt: 1\n", ""), "'dealopt' is a required property"),
        (VALID.replace("name: Toy\n", ""), "'name' is a required property"),
    ],
)
def test_bad_instances_do_not_validate(validator, text, fragment):
    found = errors(validator, text)
    assert found, "the schema accepted a bad instance"
    assert any(fragment in message for message in found), found


def test_extending_file_needs_only_the_version(validator):
    assert errors(validator, "dealopt: 1\nextends: base.yaml\nname: Variant\n") == []
    assert any(
        "'dealopt' is a required property" in m for m in errors(validator, "extends: base.yaml\n")
    )
