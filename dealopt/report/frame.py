"""The frontier as a pandas DataFrame (pandas is imported only here, when asked)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from dealopt.result import Result


def result_to_frame(result: Result) -> pd.DataFrame:
    """One row per frontier deal: the options by issue, each party's utility (float, plus
    exact ``Fraction`` in ``<party>_exact``), ``acceptable``, and a ``solutions`` column."""
    import pandas as pd

    marks: dict[int, list[str]] = {}
    for name, index in result.solutions.items():
        if index is not None:
            marks.setdefault(index, []).append(name)
    rows = []
    for i, point in enumerate(result.frontier):
        row: dict[str, object] = dict(point.deal)
        for party, u in point.utilities.items():
            row[party] = float(u)
        for party, u in point.utilities.items():
            row[f"{party}_exact"] = u
        row["acceptable"] = point.acceptable
        row["solutions"] = ",".join(marks.get(i, []))
        rows.append(row)
    columns = [*result.issues, *result.parties, *(f"{p}_exact" for p in result.parties)]
    columns += ["acceptable", "solutions"]
    frame = pd.DataFrame(rows, columns=columns)
    frame.index.name = "point"
    return frame
