"""The ``uncertainty`` section: paths, distributions, positions of errors, applying scenarios."""

from decimal import Decimal
from pathlib import Path

import pytest

import dealopt
from dealopt.errors import SpecError, UsageError
from dealopt.spec.uncertainty import apply, number_paths, red_line_paths

BASE = """\
dealopt: 1
name: toy
parties:
  buyer: {no_deal: 1}
  seller: {}
issues:
  price: {options: [low, mid, high]}
  extras: {range: [0, 2]}
attributes:
  cost: {price: {mid: 2, high: 3}}
interests:
  buyer:
    weights: {price: 2}
    scores: {price: {low: 10, mid: 5}}
    terms:
      - {value: 1.5, when: extras >= 1}
  seller:
    scores: {price: {mid: 4, high: 9}, extras: {1: 1, 2: 2}}
red_lines:
  seller:
    - {label: never low, rule: price != low}
"""


def load(tmp_path: Path, section: str, base: str = BASE) -> dealopt.spec.Instance:
    path = tmp_path / "toy.yaml"
    path.write_text(base + section, encoding="utf-8")
    return dealopt.load(path)


def problems(tmp_path: Path, section: str) -> list[str]:
    with pytest.raises(SpecError) as info:
        load(tmp_path, section)
    return [p.render() for p in info.value.problems]


def test_paths_name_every_number_as_written(tmp_path):
    inst = load(tmp_path, "")
    paths = number_paths(inst)
    assert paths["parties.buyer.no_deal"] == 1
    assert paths["parties.seller.no_deal"] is None  # not written: the status quo's utility
    assert paths["interests.buyer.weights.price"] == 2
    assert paths["interests.seller.weights.price"] == 1  # no weight written: 1
    assert paths["interests.buyer.scores.price.high"] == 0  # unlisted: 0
    assert paths["interests.seller.scores.extras.2"] == 2  # a range issue's value
    assert paths["interests.buyer.terms.0.value"] == Decimal("1.5")
    assert paths["attributes.cost.price.mid"] == 2
    assert red_line_paths(inst) == ["red_lines.seller.0"]


def test_a_valid_section_is_read_in_file_order(tmp_path):
    inst = load(
        tmp_path,
        """\
uncertainty:
  parties.buyer.no_deal: {uniform: [0, 2]}
  interests.seller.scores.price: {spread: 0.1, normalise: sum}
  interests.buyer.weights.price: {triangular: [1, 2, 4], decimals: 3}
  attributes.cost.price.high: {normal: {mean: 3, sd: 0.5, min: 2}}
  interests.buyer.terms.0.value: {discrete: {values: [1, 1.5, 2.25], p: [0.25, 0.5, 0.25]}}
  red_lines.seller.0: {holds: 0.75}
""",
    )
    u = inst.uncertainty
    assert u.numbers == (
        "parties.buyer.no_deal",
        "interests.seller.scores.price.low",
        "interests.seller.scores.price.mid",
        "interests.seller.scores.price.high",
        "interests.buyer.weights.price",
        "attributes.cost.price.high",
        "interests.buyer.terms.0.value",
    )
    assert u.red_lines == ("red_lines.seller.0",)
    kinds = [e.kind for e in u.entries]
    assert kinds == ["uniform", "spread", "triangular", "normal", "discrete", "holds"]
    # decimals: as written + 2, or as given; discrete values are kept exactly
    assert [e.decimals for e in u.entries[:5]] == [2, 2, 3, 3, 2]
    assert u.entries[1].normalise
    assert u.entries[3].bounds == (Decimal(2), None)


@pytest.mark.parametrize(
    ("section", "where", "words"),
    [
        (
            "  parties.buyer.no_dael: {uniform: [0, 1]}\n",
            ":23:3:",
            "did you mean 'parties.buyer.no_deal'",
        ),
        (
            "  interests.buyer.wieghts: {spread: 0.1}\n",
            ":23:3:",
            "did you mean 'interests.buyer.weights'",
        ),
        (
            "  attributes.cost.price.hihg: {uniform: [0, 1]}\n",
            ":23:3:",
            "did you mean 'attributes.cost.price.high'",
        ),
        ("  parties.buyer.no_deal: {uniform: [2, 1]}\n", ":23:36:", "needs lo < hi"),
        ("  parties.buyer.no_deal: {triangular: [0, 3, 2]}\n", ":23:39:", "lo <= mode <= hi"),
        ("  parties.buyer.no_deal: {normal: {mean: 1, sd: 0}}\n", ":23:49:", "sd must be positive"),
        (
            "  parties.buyer.no_deal: {discrete: {values: [1, 2], p: [0.5, 0.6]}}\n",
            ":23:57:",
            "sum to exactly 1",
        ),
        ("  parties.buyer.no_deal: {uniform: [0, 1], spread: 0.1}\n", ":23:3:", "exactly one of"),
        ("  parties.buyer.no_deal: {unifrom: [0, 1]}\n", ":23:27:", "did you mean 'uniform'"),
        ("  red_lines.seller.0: {uniform: [0, 1]}\n", ":23:24:", "give 'holds'"),
        ("  red_lines.seller.0: {holds: 1.5}\n", ":23:31:", "between 0 and 1"),
        ("  interests.seller.scores: {uniform: [0, 1]}\n", ":23:29:", "only 'spread' applies"),
        ("  parties.seller.no_deal: {spread: 0.1}\n", ":23:36:", "needs the number written"),
    ],
)
def test_bad_paths_and_distributions_point_at_the_file(tmp_path, section, where, words):
    [message] = problems(tmp_path, "uncertainty:\n" + section)
    assert f"toy.yaml{where}" in message, message
    assert words in message, message


def test_a_number_uncertain_twice_is_an_error(tmp_path):
    [message] = problems(
        tmp_path,
        "uncertainty:\n  interests.buyer.weights: {spread: 0.2}\n"
        "  interests.buyer.weights.price: {uniform: [1, 3]}\n",
    )
    assert ":24:3:" in message and "already uncertain through 'interests.buyer.weights'" in message


def test_extends_keeps_working_and_merges_the_section(tmp_path):
    (tmp_path / "base.yaml").write_text(
        BASE + "uncertainty:\n  parties.buyer.no_deal: {uniform: [0, 2]}\n", encoding="utf-8"
    )
    scenario = tmp_path / "variant.yaml"
    scenario.write_text(
        "dealopt: 1\nextends: base.yaml\nuncertainty:\n"
        "  parties.buyer.no_deal: null\n  red_lines.seller.0: {holds: 0.5}\n",
        encoding="utf-8",
    )
    inst = dealopt.load(scenario)
    assert inst.uncertainty.paths == ("red_lines.seller.0",)
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "dealopt: 1\nextends: base.yaml\nuncertainty:\n  parties.buyr.no_deal: {uniform: [0, 1]}\n"
    )
    with pytest.raises(SpecError) as info:
        dealopt.load(bad)
    assert "bad.yaml:4:3:" in str(info.value) and "parties.buyer.no_deal" in str(info.value)


def test_apply_writes_the_numbers_in_and_drops_red_lines(tmp_path):
    inst = load(tmp_path, "")
    changed = apply(
        inst,
        {
            "parties.buyer.no_deal": Decimal("0.5"),
            "interests.buyer.weights.price": Decimal(3),
            "interests.buyer.scores.price.high": Decimal(7),
            "interests.seller.scores.extras.2": Decimal("2.5"),
            "interests.buyer.terms.0.value": Decimal(-1),
            "attributes.cost.price.low": Decimal(1),
        },
        ["red_lines.seller.0"],
    )
    assert changed.parties["buyer"].no_deal == Decimal("0.5")
    assert changed.interests["buyer"].weights["price"] == 3
    assert changed.interests["buyer"].score("price", "high") == 7
    assert changed.interests["buyer"].score("price", "low") == 10  # untouched
    assert changed.interests["seller"].score("extras", 2) == Decimal("2.5")
    assert changed.interests["buyer"].terms[0].value == -1
    assert changed.attributes["cost"].of("price", "low") == 1
    assert changed.red_lines["seller"] == ()
    assert inst.red_lines["seller"]  # the original is unchanged
    # utility of (high, 2) for the buyer: 3 x 7 + (-1), by hand
    oracle = dealopt.rules.Oracle(changed)
    assert oracle.utility("buyer", {"price": "high", "extras": 2}) == 20
    with pytest.raises(UsageError, match=r"did you mean 'parties\.buyer\.no_deal'"):
        apply(inst, {"parties.buyer.no_dael": Decimal(1)})


def test_the_schema_describes_the_section():
    from dealopt.spec import json_schema

    schema = json_schema()
    assert "uncertainty" in schema["properties"]
    assert "UncertainDoc" in schema["$defs"]
