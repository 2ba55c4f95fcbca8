"""Named deals: the instance file's `deals` section (positions, did-you-mean, the status quo
for issues left out, the schema) and deals written on the command line."""

from __future__ import annotations

import json

import pytest
import yaml
from jsonschema import Draft202012Validator

from dealopt import spec
from dealopt.errors import SpecError, UsageError
from dealopt.spec.deals import named_deal

BASE = """\
dealopt: 1
name: Toy
parties: {a: {}, b: {}}
issues:
  price: {range: [0, 10, 2], status_quo: 10}
  warranty: {options: [none, six_months, one_year]}
interests:
  a: {scores: {price: linear}}
  b: {weights: {price: -1}, scores: {price: linear}}
"""


def load(text: str, tmp_path):
    path = tmp_path / "toy.yaml"
    path.write_text(text, encoding="utf-8")
    return spec.load(path)


def test_named_deal_keeps_label_description_sources_and_fills_the_status_quo(tmp_path):
    inst = load(
        BASE
        + """\
deals:
  offer:
    label: The seller's offer
    description: Sent on Monday.
    sources: [letter of 3 May, "https://example.org/offer"]
    choose: {warranty: one_year}
  bare:
    choose: {price: 4}
""",
        tmp_path,
    )
    offer = inst.deals["offer"]
    assert offer.label == "The seller's offer"
    assert offer.description == "Sent on Monday."
    assert offer.sources == ("letter of 3 May", "https://example.org/offer")
    assert dict(offer.choices) == {"warranty": "one_year"}
    assert offer.deal(inst.issues) == {"price": 10, "warranty": "one_year"}
    assert (offer.source.line, offer.source.col) == (12, 5)
    bare = inst.deals["bare"]
    assert bare.label == "bare" and bare.sources == ()
    assert bare.deal(inst.issues) == {"price": 4, "warranty": "none"}
    assert list(inst.deals) == ["offer", "bare"]


def test_unknown_issue_and_option_point_at_the_text_with_the_nearest_name(tmp_path):
    text = BASE + "deals:\n  offer:\n    choose: {warrenty: one_year, price: 5}\n"
    text += "  other:\n    choose: {warranty: one_yaer}\n"
    with pytest.raises(SpecError) as err:
        load(text, tmp_path)
    rendered = [p.render() for p in err.value.problems]
    assert len(rendered) == 3
    assert rendered[0].startswith(f"{tmp_path / 'toy.yaml'}:12:14: error: unknown issue ")
    assert "did you mean 'warranty'?" in rendered[0]
    assert ":12:41: error: 5 is not a value of issue 'price' (integers 0 to 10 by 2)" in rendered[1]
    assert ":14:24: error: 'one_yaer' is not an option of issue 'warranty'" in rendered[2]
    assert "did you mean 'one_year'?" in rendered[2]


def test_unknown_key_in_a_deal_suggests_choose(tmp_path):
    with pytest.raises(SpecError) as err:
        load(BASE + "deals:\n  offer:\n    chose: {price: 4}\n", tmp_path)
    (problem,) = err.value.problems
    assert (problem.source.line, problem.source.col) == (12, 5)
    assert "did you mean 'choose'?" in problem.render()


def test_deals_validate_against_the_schema():
    validator = Draft202012Validator(json.loads(json.dumps(spec.json_schema())))
    good = yaml.safe_load(BASE + "deals:\n  offer: {label: x, sources: [s], choose: {price: 4}}\n")
    assert list(validator.iter_errors(good)) == []
    bad = yaml.safe_load(BASE + "deals:\n  offer: {choose: {Price: 4}}\n")
    assert list(validator.iter_errors(bad))
    bad = yaml.safe_load(BASE + "deals:\n  offer: {pick: {price: 4}}\n")
    assert list(validator.iter_errors(bad))


def test_command_line_deals_by_name_or_by_options(tmp_path):
    inst = load(BASE + "deals:\n  offer:\n    choose: {warranty: one_year}\n", tmp_path)
    assert named_deal(inst, "offer") is inst.deals["offer"]
    written = named_deal(inst, " price=4 , warranty=six_months ")
    assert written.deal(inst.issues) == {"price": 4, "warranty": "six_months"}
    with pytest.raises(UsageError, match=r"unknown deal 'ofer'.*did you mean 'offer'"):
        named_deal(inst, "ofer")
    with pytest.raises(UsageError) as err:
        named_deal(inst, "warrenty=one_year, price=5, warranty")
    message = str(err.value)
    assert "unknown issue 'warrenty' (did you mean 'warranty'?)" in message
    assert "'5' is not a value of issue 'price' (integers 0 to 10 by 2)" in message
    assert "'warranty' is not 'issue=option'" in message
