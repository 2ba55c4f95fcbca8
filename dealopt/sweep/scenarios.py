"""Scenarios: sampled from an instance's ``uncertainty`` section, or read from a table.

A scenario gives a value to every uncertain number and says which uncertain red lines hold.
Values are exact decimals, held compactly as integers: column ``j`` of :attr:`Scenarios.values`
is the number times ``10 ** decimals[j]``. Sampling draws points of the unit cube (Monte Carlo,
Latin hypercube, ``scipy.stats.qmc``, or the Saltelli design of scrambled Sobol' points that
Sobol' indices need, :mod:`dealopt.sweep.sensitivity`), maps each coordinate through the
inverse distribution function, and rounds to the entry's decimal places: the same seed gives
the same integers, bit for bit, on every machine with the same numpy and scipy.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np

from dealopt.errors import Problem, SpecError, UsageError, did_you_mean
from dealopt.errors import Source as Where
from dealopt.spec.model import Instance
from dealopt.spec.uncertainty import (
    MAX_DECIMALS,
    Uncertain,
    Uncertainty,
    nearest_path,
    number_paths,
    red_line_paths,
)

METHODS = ("mc", "lhs", "sobol")
_TRUE = {"1", "true", "yes", "holds"}
_FALSE = {"0", "false", "no", "dropped"}
_INT64 = 2**62


@dataclass(frozen=True)
class Scenarios:
    """Scenarios ``first .. first + len - 1``: number values (scaled integers) and red lines.

    ``numbers``: the number paths (columns of ``values``); ``decimals``: each column's decimal
    places; ``values``: ``int64`` array, one row per scenario; ``red_lines``: the red-line paths;
    ``holds``: ``bool`` array, one row per scenario (False: the red line is dropped).
    """

    numbers: tuple[str, ...]
    decimals: tuple[int, ...]
    values: np.ndarray
    red_lines: tuple[str, ...]
    holds: np.ndarray
    first: int = 0

    def __len__(self) -> int:
        return int(self.values.shape[0])

    @property
    def paths(self) -> tuple[str, ...]:
        return (*self.numbers, *self.red_lines)

    def number(self, row: int, column: int) -> Decimal:
        """The exact value of ``numbers[column]`` in scenario ``row`` (0-based in this set)."""
        return Decimal(int(self.values[row, column])).scaleb(-self.decimals[column])

    def numbers_of(self, row: int) -> dict[str, Decimal]:
        """Scenario ``row``'s numbers by path."""
        return {p: self.number(row, j) for j, p in enumerate(self.numbers)}

    def dropped(self, row: int) -> tuple[str, ...]:
        """The red lines that do not hold in scenario ``row``."""
        return tuple(p for k, p in enumerate(self.red_lines) if not self.holds[row, k])

    def slice(self, start: int, stop: int) -> Scenarios:
        """Rows ``start .. stop - 1`` (indices within this set) as a batch."""
        return Scenarios(
            self.numbers,
            self.decimals,
            self.values[start:stop],
            self.red_lines,
            self.holds[start:stop],
            self.first + start,
        )

    def batches(self, size: int, start: int = 0) -> Iterator[Scenarios]:
        for k in range(start, len(self), size):
            yield self.slice(k, min(k + size, len(self)))


# ----------------------------------------------------------------------------- sampling


def unit_sample(d: int, n: int, method: str, seed: int | None) -> np.ndarray:
    """Points of the unit cube ``[0, 1)^d``: ``n`` for ``mc`` and ``lhs``; for ``sobol`` the
    Saltelli design of ``n`` base points that Sobol' indices need, ``n (d + 2)`` points
    (:func:`dealopt.sweep.sensitivity.saltelli`)."""
    if method not in METHODS:
        hint = did_you_mean(method, METHODS)
        raise UsageError(f"unknown sampling method '{method}'" + (f" ({hint})" if hint else ""))
    rng = np.random.default_rng(seed)
    if method == "mc":
        return rng.random((n, d))
    if method == "sobol":
        from dealopt.sweep.sensitivity import saltelli

        return saltelli(d, n, seed)
    from scipy.stats import qmc

    return qmc.LatinHypercube(d=d, rng=rng).random(n)


def sample(uncertainty: Uncertainty, n: int, method: str = "mc", seed: int | None = 0) -> Scenarios:
    """Scenarios drawn from ``uncertainty`` (see the module docstring): ``n``, or for
    ``sobol`` the ``n (d + 2)`` of a Saltelli design (``d``: the uncertain paths)."""
    if n < 1:
        raise UsageError(f"the number of samples must be at least 1, got {n}")
    entries = uncertainty.entries
    numbers = uncertainty.numbers
    red_lines = uncertainty.red_lines
    d = len(numbers) + len(red_lines)
    if d == 0:
        raise UsageError("the uncertainty section is empty: nothing to sample")
    u = unit_sample(d, n, method, seed)
    n = len(u)
    values = np.zeros((n, len(numbers)), dtype=np.int64)
    holds = np.ones((n, len(red_lines)), dtype=bool)
    decimals: list[int] = []
    col = 0
    red = 0
    for entry in entries:
        if entry.kind == "holds":
            holds[:, red] = u[:, len(numbers) + red] < float(entry.numbers[0])
            red += 1
            continue
        k = len(entry.members)
        values[:, col : col + k] = _draw(entry, u[:, col : col + k])
        decimals.extend([entry.decimals] * k)
        col += k
    return Scenarios(tuple(numbers), tuple(decimals), values, tuple(red_lines), holds)


def _draw(entry: Uncertain, u: np.ndarray) -> np.ndarray:
    """The entry's numbers for unit samples ``u`` (one column per member), as integers scaled
    by ``10 ** entry.decimals``."""
    scale = 10**entry.decimals
    f = [float(x) for x in entry.numbers]
    if entry.kind == "uniform":
        x = f[0] + u * (f[1] - f[0])
    elif entry.kind == "triangular":
        from scipy.stats import triang

        lo, mode, hi = f
        x = triang.ppf(u, (mode - lo) / (hi - lo), loc=lo, scale=hi - lo)
    elif entry.kind == "normal":
        from scipy.stats import truncnorm

        mean, sd = f
        lo, hi = entry.bounds
        a = -np.inf if lo is None else (float(lo) - mean) / sd
        b = np.inf if hi is None else (float(hi) - mean) / sd
        x = truncnorm.ppf(u, a, b, loc=mean, scale=sd)
    elif entry.kind == "discrete":
        # Inverse distribution function on the exact cumulative probabilities.
        cumulative = np.cumsum([float(p) for p in entry.probabilities])
        index = np.minimum(np.searchsorted(cumulative, u, side="right"), len(cumulative) - 1)
        exact = np.array([int(v.scaleb(entry.decimals)) for v in entry.values], dtype=np.int64)
        return exact[index]
    else:  # spread
        base = np.array([float(b) for b in entry.base])  # type: ignore[arg-type]
        x = base * (1 + f[0] * (2 * u - 1))
        if entry.normalise:
            return _renormalised(x, entry, scale)
    if np.any(np.abs(x) * scale >= 2**53):
        raise UsageError(f"'{entry.path}': sampled numbers too large for {entry.decimals} decimals")
    return np.rint(x * scale).astype(np.int64)


def _renormalised(x: np.ndarray, entry: Uncertain, scale: int) -> np.ndarray:
    """Rescale each row to the group's written sum, round, and put the rounding remainder on
    the row's largest number (in absolute value), so every row sums to the written sum exactly
    (to the nearest unit of the last decimal place when it has more places than ``decimals``)."""
    total = sum(entry.base)  # type: ignore[arg-type]
    x = x * (float(total) / x.sum(axis=1, keepdims=True))
    out = np.rint(x * scale).astype(np.int64)
    target = int((total * scale).to_integral_value())
    rest = target - out.sum(axis=1)
    rows = np.arange(len(out))
    out[rows, np.argmax(np.abs(out), axis=1)] += rest
    return out


# ----------------------------------------------------------------------------- tables


def read_table(path: str | Path, instance: Instance) -> Scenarios:
    """Scenarios from a CSV or Parquet table whose column names are paths (numbers or red
    lines; a red line's cells are 1/0 or true/false). Numbers are read exactly: CSV cells as
    written, Parquet floats through their shortest repr. A bad column or cell is an error with
    its position and the nearest valid path."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"scenario table not found: {path}")
    if path.suffix.lower() in (".parquet", ".pq"):
        import pandas as pd

        frame = pd.read_parquet(path)
        header = [str(c) for c in frame.columns]
        rows = [[_cell_text(v) for v in row] for row in frame.itertuples(index=False)]
        where = [None] * len(header)
    else:
        with path.open(newline="", encoding="utf-8") as stream:
            table = list(csv.reader(stream))
        if not table:
            raise UsageError(f"{path}: the scenario table is empty")
        header, rows = table[0], table[1:]
        where = _header_columns(path)
    return _columns(path, header, rows, where, instance)


def _cell_text(value: object) -> str:
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _header_columns(path: Path) -> list[int | None]:
    """1-based column of each header field on line 1 (for messages)."""
    line = path.read_text(encoding="utf-8").splitlines()[0] if path.stat().st_size else ""
    out: list[int | None] = []
    col = 1
    for field in next(csv.reader([line]), []):
        out.append(col)
        col += len(field) + 1
    return out


def _columns(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    where: Sequence[int | None],
    instance: Instance,
) -> Scenarios:
    problems: list[Problem] = []
    numbers_known = number_paths(instance)
    red_known = set(red_line_paths(instance))
    numbers: list[int] = []
    red: list[int] = []
    seen: set[str] = set()
    for k, name in enumerate(header):
        name = name.strip()
        src = Where(str(path), 1, where[k] or 1) if where[k] is not None else None
        if name in seen:
            problems.append(Problem(src, f"column '{name}' appears twice"))
        elif name in numbers_known:
            numbers.append(k)
        elif name in red_known:
            red.append(k)
        else:
            message = f"column '{name}' is not a path of a number or red line of the instance"
            problems.append(Problem(src, message, nearest_path(name, instance)))
        seen.add(name)
    if problems:
        raise SpecError(problems)
    n = len(rows)
    if n == 0:
        raise UsageError(f"{path}: the scenario table has no rows")
    exact: list[list[Decimal]] = [[] for _ in numbers]
    holds = np.ones((n, len(red)), dtype=bool)
    for i, row in enumerate(rows, start=2):
        if len(row) != len(header):
            problems.append(
                Problem(Where(str(path), i, 1), f"{len(row)} cells, the header has {len(header)}")
            )
            continue
        for j, k in enumerate(numbers):
            try:
                value = Decimal(row[k].strip())
                if not value.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                problems.append(
                    Problem(Where(str(path), i, k + 1), f"'{row[k]}' is not a number ({header[k]})")
                )
                value = Decimal(0)
            exact[j].append(value)
        for j, k in enumerate(red):
            cell = row[k].strip().lower()
            if cell not in _TRUE | _FALSE:
                problems.append(
                    Problem(
                        Where(str(path), i, k + 1),
                        f"'{row[k]}' is not 1/0 or true/false (whether '{header[k]}' holds)",
                    )
                )
            holds[i - 2, j] = cell in _TRUE
        if len(problems) > 20:
            break
    if problems:
        raise SpecError(problems)
    decimals = []
    values = np.zeros((n, len(numbers)), dtype=np.int64)
    for j, column in enumerate(exact):
        places = max(_places(v) for v in column)
        if places > MAX_DECIMALS:
            raise UsageError(
                f"{path}: column '{header[numbers[j]]}' has numbers with {places} decimal "
                f"places; at most {MAX_DECIMALS}"
            )
        ints = [int(v.scaleb(places)) for v in column]
        if max(abs(x) for x in ints) >= _INT64:
            raise UsageError(f"{path}: column '{header[numbers[j]]}' has numbers too large")
        values[:, j] = ints
        decimals.append(places)
    return Scenarios(
        tuple(header[k].strip() for k in numbers),
        tuple(decimals),
        values,
        tuple(header[k].strip() for k in red),
        holds,
    )


def _places(x: Decimal) -> int:
    exponent = x.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0
