"""GENIUS files as untrusted input: numbers, depth, size and non-regular files."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from dealopt.errors import Problem, SpecError
from dealopt.io import genius
from dealopt.io.genius import xml as genius_xml
from dealopt.io.genius.export import _exponent
from dealopt.io.genius.xml import _parse_number, _text


@pytest.mark.parametrize(
    ("q", "e"),
    [
        (Fraction(1), 0),
        (Fraction(9, 10), -1),
        (Fraction(1, 10), -1),
        (Fraction(99999, 10**10), -6),
        # 35 nines: a 28-digit Decimal division rounds it up to 1E-5, one power too far
        (Fraction(Decimal("0.00000" + "9" * 35)), -6),
        (Fraction(10**50 - 1), 49),
    ],
)
def test_decimal_exponent_is_exact(q, e):
    assert _exponent(q) == e
    assert Fraction(10) ** e <= q < Fraction(10) ** (e + 1)


# ----------------------------------------------------------------------------- reading

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "inputs"
SMALL = FIXTURES / "genius_small"


def small(tmp_path: Path, old: str = "", new: str = "", where: str = "Deal_buyer.xml"):
    """The small scenario, with ``old`` replaced by ``new`` in one of its files."""
    paths = []
    for name in ("Deal_domain.xml", "Deal_buyer.xml", "Deal_seller.xml"):
        text = (SMALL / name).read_text(encoding="utf-8")
        if name == where and old:
            assert old in text
            text = text.replace(old, new)
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(tmp_path / name)
    return paths[0], paths[1:]


def problem_of(tmp_path: Path, *args: str, **kwargs) -> Problem:
    with pytest.raises(SpecError) as info:
        genius.load(*small(tmp_path, *args), **kwargs)
    (p,) = info.value.problems
    return p


def test_the_small_fixture_loads(tmp_path):
    inst = genius.load(*small(tmp_path))
    assert list(inst.parties) == ["buyer", "seller"]


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ('evaluation="8"', 'evaluation="\u0668"', "Deal_buyer.xml"),  # Arabic-Indic eight
        (
            '<weight index="1" value="0.6"/>',
            '<weight index="1" value="0.\u0666"/>',
            "Deal_buyer.xml",
        ),
        ('slope="-0.5"', 'slope="-\u0660.5"', "Deal_buyer.xml"),
        ('upperbound="4"', 'upperbound="\u0664"', "Deal_domain.xml"),
        ('<issue index="1"', '<issue index="\u0967"', "Deal_domain.xml"),  # Devanagari one
        ('evaluation="8"', 'evaluation="\uff18"', "Deal_buyer.xml"),  # fullwidth eight
    ],
)
def test_non_ascii_digits_are_refused(tmp_path, old, new, where):
    with pytest.raises(SpecError) as info:
        genius.load(*small(tmp_path, old, new, where))
    (p,) = info.value.problems
    assert p.source is not None and p.source.path.endswith(where)
    assert p.source.line > 1 and p.source.col >= 1
    assert "must be a number in ASCII digits (0-9)" in p.message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1_0", "must be a number, got '1_0'"),
        ("Infinity", "must be a number, got 'Infinity'"),
        ("0x10", "must be a number, got '0x10'"),
        ("1e1001", "must lie within 1e-1000 and 1e1000 in magnitude, got '1e1001'"),
        ("0e-99999999", "must lie within 1e-1000 and 1e1000 in magnitude"),
        ("1" * 1001, "must be a number of at most 1000 characters"),
    ],
)
def test_numbers_python_would_take_but_genius_would_not(tmp_path, text, message):
    p = problem_of(tmp_path, 'evaluation="8"', f'evaluation="{text}"')
    assert message in p.message


def test_ascii_numbers_as_java_writes_them():
    assert _parse_number(" 1.0E-5 ") == Decimal("0.00001")
    assert _parse_number("5.") == 5 and _parse_number(".5") == Decimal("0.5")
    assert _parse_number("-0.25") == Decimal("-0.25")


def test_real_step_in_non_ascii_digits_is_refused(tmp_path):
    with pytest.raises(SpecError, match="--real-step must be a positive number"):
        genius.load(*small(tmp_path), real_step="\u0661")


def test_objectives_nested_a_thousand_deep_are_refused(tmp_path):
    # The outside report's file: exit 4 with "maximum recursion depth exceeded" before.
    nested = FIXTURES / "genius_nested"
    with pytest.raises(SpecError) as info:
        genius.load(
            nested / "Laptop-C-domain.xml",
            [nested / "Laptop-C-prof1.xml", nested / "Laptop-C-prof2.xml"],
        )
    (p,) = info.value.problems
    assert p.message == "XML elements nested deeper than 64 levels"
    assert p.source is not None and (p.source.line, p.source.col) == (28, 4261)
    # The caret display shows a window of the 80,000-character line, not all of it.
    shown = p.render().splitlines()
    assert len(shown[1]) < 120 and shown[2].index("^") == shown[1].index("<objective", 50)


def test_nesting_limit_is_exact(tmp_path):
    def nested(levels: int) -> str:
        return "<utility_space>" + "<a>" * levels + "</a>" * levels + "</utility_space>"

    d, ps = small(tmp_path)
    ps[0].write_text(nested(63), encoding="utf-8")  # 64 levels with the root: fine to read
    with pytest.raises(SpecError) as info:
        genius.load(d, ps)
    assert "nested deeper" not in str(info.value)
    ps[0].write_text(nested(64), encoding="utf-8")
    with pytest.raises(SpecError, match="nested deeper than 64 levels"):
        genius.load(d, ps)


def test_too_many_elements(tmp_path, monkeypatch):
    monkeypatch.setattr(genius_xml, "MAX_XML_ELEMENTS", 10)
    with pytest.raises(SpecError) as info:
        genius.load(*small(tmp_path))
    (p,) = info.value.problems
    assert p.message == "more than 10 XML elements"
    # The domain has 9 elements; the buyer's 11th is its <reservation>.
    assert p.source is not None and p.source.path.endswith("Deal_buyer.xml")
    assert (p.source.line, p.source.col) == (15, 1)


def test_real_grid_is_exact_with_long_decimals(tmp_path):
    lo = "0.1234567890123456789012345678901"  # 31 digits: a Decimal sum rounds at 28
    domain = (SMALL / "Deal_domain.xml").read_text(encoding="utf-8")
    domain = domain.replace(
        'type="integer" etype="integer" vtype="integer"\n         lowerbound="1" upperbound="4"',
        f'type="real" etype="real" vtype="real"\n         lowerbound="{lo}" upperbound="1"',
    )
    assert 'type="real"' in domain
    profiles = []
    for name in ("Deal_buyer.xml", "Deal_seller.xml"):
        text = (SMALL / name).read_text(encoding="utf-8")
        text = text.replace('type="integer" etype="integer" vtype="integer"', 'type="real"')
        text = text.replace(
            '<evaluator ftype="linear" slope="-0.5" offset="1.2"/>',
            '<evaluator ftype="linear" parameter0="0" parameter1="1"/>',
        ).replace(
            '<evaluator ftype="linear" slope="0.25" offset="0.25"/>',
            '<evaluator ftype="linear" parameter0="1" parameter1="-1"/>',
        )
        (tmp_path / name).write_text(text, encoding="utf-8")
        profiles.append(tmp_path / name)
    (tmp_path / "Deal_domain.xml").write_text(domain, encoding="utf-8")
    data = genius.to_data(tmp_path / "Deal_domain.xml", profiles, real_step="0.25")
    description = data["issues"]["days"]["description"]
    # lo, lo + 0.25, lo + 0.5, lo + 0.75, and the upper bound 1, every digit kept
    for k in range(4):
        value = Fraction(lo) + Fraction(k, 4)
        assert _text(value) in description
    assert description.count(" = ") == 5
