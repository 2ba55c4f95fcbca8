"""GENIUS's cap of utilities at 1, as terms over the deals above it."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from dealopt.io.genius.xml import MAX_CAP_DEALS, _number
from dealopt.spec.model import Value


def _cap_terms(
    issue_names: Sequence[str],
    contributions: Sequence[Sequence[tuple[Value, Fraction]]],
    cap: Fraction,
) -> list[dict[str, Any]] | None:
    """One term per deal whose additive utility exceeds ``cap``, bringing it back to ``cap``.

    None when more than :data:`MAX_CAP_DEALS` deals exceed it.
    """
    above = _deals_above(contributions, cap, MAX_CAP_DEALS)
    if above is None:
        return None
    terms = []
    for n, (deal, total) in enumerate(above, start=1):
        when = " and ".join(f"{i} == {v}" for i, v in zip(issue_names, deal, strict=True))
        terms.append(
            {
                "label": f"GENIUS caps utility at 1 (deal {n} of {len(above)} above it)",
                "when": when,
                "value": _number(cap - total),
            }
        )
    return terms


def _deals_above(
    contributions: Sequence[Sequence[tuple[Value, Fraction]]], threshold: Fraction, limit: int
) -> list[tuple[tuple[Value, ...], Fraction]] | None:
    """Every deal whose summed contribution exceeds ``threshold`` (issue order, then value
    order), by a depth-first search pruned by the best the remaining issues can add."""
    n = len(contributions)
    best_rest = [Fraction(0)] * (n + 1)
    for j in range(n - 1, -1, -1):
        best_rest[j] = best_rest[j + 1] + max(c for _, c in contributions[j])
    out: list[tuple[tuple[Value, ...], Fraction]] = []
    chosen: list[Value] = []

    def walk(j: int, total: Fraction) -> bool:
        if total + best_rest[j] <= threshold:
            return True
        if j == n:
            out.append((tuple(chosen), total))
            return len(out) <= limit
        for value, c in contributions[j]:
            chosen.append(value)
            ok = walk(j + 1, total + c)
            chosen.pop()
            if not ok:
                return False
        return True

    return out if walk(0, Fraction(0)) else None
