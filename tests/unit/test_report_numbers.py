"""Exact numbers as text: every digit, at any length (no Decimal context rounding)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from dealopt.report.numbers import any_rounded, exact_text, json_number, short_text, small_text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Fraction(0), "0"),
        (Fraction(100), "100"),
        (Fraction(-1, 2), "-0.5"),
        (Fraction(1, 3), "1/3"),
        (Fraction(-7, 6), "-7/6"),
        (Fraction(1, 1024), "0.0009765625"),
        # 30 significant digits: a 28-digit Decimal context would end in ...679
        (Fraction("0.123456789012345678901234567891"), "0.123456789012345678901234567891"),
        (Fraction("0.12345678901234567890123456789"), "0.12345678901234567890123456789"),
        (Fraction(10**40 + 1), "1" + "0" * 39 + "1"),
        (Fraction(10**40 + 1, 8), "1250000000000000000000000000000000000000.125"),
        (Fraction(-1, 10**60), "-0." + "0" * 59 + "1"),
    ],
)
def test_exact_text_keeps_every_digit(value, text):
    assert exact_text(value) == text
    assert Fraction(text) == value


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Fraction(575, 10), "57.5"),
        (Fraction(1, 3), "0.33"),
        (Fraction(2, 3), "0.67"),
        (Fraction(-2, 3), "-0.67"),
        (Fraction(2675, 1000), "2.68"),  # exact half, to even (a float 2.675 gives 2.67)
        (Fraction(6611, 76), "86.99"),
        (Fraction(6818, 95), "71.77"),
        (Fraction(10**400, 3), "3" * 400 + ".33"),  # float() would overflow
    ],
)
def test_short_text_rounds_exactly(value, text):
    # no unexplained marks: a rounded number reads as a plain decimal; outputs say once
    # that they round (ROUNDING_NOTE)
    assert short_text(value) == text
    assert "~" not in short_text(value) and "/" not in short_text(value)


def test_any_rounded_and_small_text():
    assert any_rounded([Fraction(1, 2), Fraction(1, 3)])
    assert not any_rounded([Fraction(1, 2), Fraction(57, 100)])
    # a rounding resolution far below the shown decimals: not "~0.000000000000"
    assert small_text(Fraction(1, 3 * 10**12)) == "3.3e-13"
    assert small_text(Fraction(1, 250)) == "0.004"


def test_json_number_beyond_a_double():
    assert json_number(Fraction(10**400 + 1, 2)) == 10**400 // 2
    assert json_number(Fraction(1, 4)) == 0.25
    assert json_number(Fraction(10**40)) == 10**40
