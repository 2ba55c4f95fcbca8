"""Sobol' indices: the design they need and their estimates (SALib).

With ``method="sobol"`` a sweep draws the Saltelli design Sobol' indices need (Saltelli et al.,
*Comput. Phys. Commun.* 181, 2010): two blocks ``A`` and ``B`` of ``N`` scrambled Sobol' points
of the unit cube, and for each of the ``d`` coordinates the block ``A`` with that column taken
from ``B``; ``N (d + 2)`` scenarios in SALib's order (for each base point: ``A``, the ``d``
crossed rows, ``B``). Each coordinate is one path (a spread's members each have their own), and
goes through its distribution's inverse as in every other sampling, so every scenario is a draw
from the section's distributions. SALib's estimators (Saltelli 2010 for the first-order index,
Jansen 1999 for the total index) with bootstrap 95% intervals then give, per outcome and path:

* the **first-order index** ``S1``: the share of the outcome's variance explained by the path
  alone;
* the **total index** ``ST``: the share that involves the path at all (alone or with others).

This module knows only arrays; :mod:`dealopt.sweep.result` says which outcomes.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

RESAMPLES = 100
"""Bootstrap resamples for the intervals."""
CONFIDENCE = 0.95


@dataclass(frozen=True)
class SobolIndex:
    """One path's Sobol' indices for one outcome, with bootstrap 95% half-widths (the interval
    is ``value ± conf``). NaN when the outcome is constant over the design."""

    first: float
    first_conf: float
    total: float
    total_conf: float


def design_size(d: int, n: int) -> int:
    """The scenarios of a Saltelli design of ``n`` base points in ``d`` coordinates."""
    return n * (d + 2)


def _problem(d: int) -> dict:
    return {"num_vars": d, "names": [f"x{j}" for j in range(d)], "bounds": [[0.0, 1.0]] * d}


def saltelli(d: int, n: int, seed: int | None) -> np.ndarray:
    """The unit-cube points of a Saltelli design (``design_size(d, n)`` rows, SALib's order),
    from scrambled Sobol' points seeded by ``seed``: the same seed, the same points."""
    from SALib.sample import sobol

    with warnings.catch_warnings():
        # Sobol' balance is best at a power of two; other sizes are still valid designs.
        warnings.simplefilter("ignore", UserWarning)
        return sobol.sample(_problem(d), n, calc_second_order=False, seed=seed)


def base_samples(rows: int, d: int) -> int | None:
    """``N`` for a design of ``rows`` scenarios in ``d`` coordinates (None if it is not one)."""
    if d < 1 or rows == 0 or rows % (d + 2):
        return None
    return rows // (d + 2)


def sobol_indices(
    y: np.ndarray, paths: Sequence[str], seed: int | None = 0
) -> dict[str, SobolIndex]:
    """Each path's indices for the outcome ``y`` (one value per design row, SALib's order;
    every value defined). The bootstrap is seeded from ``seed``: the same run, the same
    intervals."""
    from SALib.analyze import sobol

    d = len(paths)
    y = np.asarray(y, dtype=float)
    if base_samples(len(y), d) is None:
        raise ValueError(f"{len(y)} values are not a Saltelli design in {d} coordinates")
    if np.isnan(y).any():
        raise ValueError("Sobol' indices need the outcome in every scenario of the design")
    if np.ptp(y) == 0:
        nan = SobolIndex(math.nan, math.nan, math.nan, math.nan)
        return dict.fromkeys(paths, nan)
    # SALib reads a seed of 0 as "no seed"; shifted by one so every seed is reproducible.
    si = sobol.analyze(
        _problem(d),
        y,
        calc_second_order=False,
        num_resamples=RESAMPLES,
        conf_level=CONFIDENCE,
        seed=(seed or 0) + 1,
    )
    return {
        p: SobolIndex(
            float(si["S1"][j]), float(si["S1_conf"][j]), float(si["ST"][j]), float(si["ST_conf"][j])
        )
        for j, p in enumerate(paths)
    }


def sobol_table(
    outcomes: Mapping[str, np.ndarray], paths: Sequence[str], seed: int | None = 0
) -> dict[str, dict[str, SobolIndex]]:
    """:func:`sobol_indices` of every outcome: ``{outcome: {path: SobolIndex}}``."""
    return {name: sobol_indices(y, paths, seed) for name, y in outcomes.items()}


__all__ = ["SobolIndex", "base_samples", "design_size", "saltelli", "sobol_indices", "sobol_table"]
