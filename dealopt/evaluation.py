"""What :func:`dealopt.evaluate` returns: the evaluation of deals on the table.

It lives outside ``analysis/`` (as :mod:`dealopt.result` does) so that analysis produces and the
report renders without either importing the other: the convenience methods load the report face
only when called.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dealopt.analysis.evaluate import DealEvaluation
    from dealopt.spec.model import Value


@dataclass(frozen=True)
class Evaluation:
    """The evaluation of one or more deals of an instance; render with
    :mod:`dealopt.report.evaluation` (``text()``, ``to_dict()``, ``to_json()``, ``to_csv()``)."""

    instance_name: str
    parties: Mapping[str, str]  # name -> label
    issues: tuple[str, ...]
    status_quo: Mapping[str, Value]
    no_deal: Mapping[str, Fraction]
    deals: tuple[DealEvaluation, ...]
    backend: str
    solver_calls: int
    seconds: float
    resolution: Mapping[str, Fraction] = field(default_factory=dict)
    #: The acceptance rule in words, one clause each (None: every party must accept).
    acceptance: tuple[str, ...] | None = None
    #: Each staged issue's per-stage issues (empty: no stages); a deal shows as a schedule.
    staged: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: False without a status quo (``status_quo: none``): deals are worded by their options.
    has_status_quo: bool = True
    #: Each party's utility scale (``interests.<p>.scale``): its utility is its sum over it.
    scales: Mapping[str, Fraction] = field(default_factory=dict)

    def deal(self, name: str) -> DealEvaluation:
        for d in self.deals:
            if d.name == name:
                return d
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data in the documented ``dealopt.evaluation/1`` schema."""
        from dealopt.report.evaluation import evaluation_to_dict

        return evaluation_to_dict(self)

    def to_json(self, indent: int | None = 2) -> str:
        import json

        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_csv(self) -> str:
        from dealopt.report.evaluation import evaluation_to_csv

        return evaluation_to_csv(self)

    def text(self) -> str:
        from dealopt.report.evaluation import render

        return render(self)
