"""Exact numbers for people and for JSON."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction


def exact_text(x: Fraction) -> str:
    """The exact value as text: a decimal when it terminates ("57.5"), else "a/b"."""
    d = x.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    if d != 1:
        return f"{x.numerator}/{x.denominator}"
    value = Decimal(x.numerator) / Decimal(x.denominator)
    # Enough precision for any terminating decimal of this size, then drop trailing zeros.
    text = format(value.normalize(), "f")
    return text


def short_text(x: Fraction, places: int = 2) -> str:
    """For tables: exact when it has at most ``places`` decimals, else rounded with '~'."""
    text = exact_text(x)
    if "/" not in text and len(text.partition(".")[2]) <= places:
        return text
    return "~" + format(float(x), f".{places}f")


def json_number(x: Fraction) -> int | float:
    """The value as a JSON number (an int when integral; the nearest double otherwise)."""
    return x.numerator if x.denominator == 1 else float(x)
