"""Exact numbers for people and for JSON."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction


def _decimal_places(denominator: int) -> int | None:
    """The fewest decimal places that write 1/denominator exactly, or None if it recurs."""
    twos = fives = 0
    d = denominator
    while d % 2 == 0:
        d //= 2
        twos += 1
    while d % 5 == 0:
        d //= 5
        fives += 1
    return max(twos, fives) if d == 1 else None


def _scaled_text(digits: int, places: int) -> str:
    """``digits`` × 10^-places as plain decimal text, without trailing zeros."""
    sign = "-" if digits < 0 else ""
    text = str(abs(digits)).rjust(places + 1, "0")
    whole, fraction = (text[:-places], text[-places:]) if places else (text, "")
    fraction = fraction.rstrip("0")
    return f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}"


def exact_text(x: Fraction) -> str:
    """The exact value as text: a decimal when it terminates ("57.5"), else "a/b".

    Integer arithmetic only: a Decimal division would round to the context's 28 digits.
    """
    places = _decimal_places(x.denominator)
    if places is None:
        return f"{x.numerator}/{x.denominator}"
    return _scaled_text(x.numerator * 10**places // x.denominator, places)


PLACES = 2
"""Decimals shown in tables, text and HTML (CSV: :data:`CSV_PLACES`); JSON keeps every digit."""
CSV_PLACES = 6
ROUNDING_NOTE = "Numbers are rounded to 2 decimals; --format json gives them exactly."


def short_text(x: Fraction, places: int = PLACES) -> str:
    """For reading: exact when it has at most ``places`` decimals, else rounded to ``places``
    (half to even), trailing zeros dropped. Outputs that show a rounded number say so once
    (:data:`ROUNDING_NOTE`, :func:`any_rounded`); nothing marks the number itself."""
    text = exact_text(x)
    if "/" not in text and len(text.partition(".")[2]) <= places:
        return text
    # Rounded half to even in integers: a float would overflow beyond 1e308.
    return _scaled_text(round(x * 10**places), places)


def any_rounded(values: Iterable[Fraction], places: int = PLACES) -> bool:
    """Whether :func:`short_text` rounds any of ``values`` (so the output should say so)."""
    return any(short_text(x, places) != exact_text(x) for x in values)


def small_text(x: Fraction) -> str:
    """A small positive quantity (a rounding resolution) readably: "0.004", "2.3e-13"."""
    if x == 0 or x >= Fraction(1, 1000):
        return short_text(x, 3)
    return f"{float(x):.1e}"


def json_number(x: Fraction) -> int | float:
    """The value as a JSON number (an int when integral; the nearest double otherwise)."""
    if x.denominator == 1:
        return x.numerator
    try:
        return float(x)
    except OverflowError:  # beyond a double's range, the nearest integer is closer anyway
        return round(x)
