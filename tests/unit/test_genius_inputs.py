"""GENIUS files as untrusted input: numbers, depth, size and non-regular files."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from dealopt.io.genius.export import _exponent


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
