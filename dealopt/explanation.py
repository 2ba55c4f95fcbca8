"""What :func:`dealopt.analysis.explain.explain` returns: an immutable explanation.

It lives outside ``analysis/`` (as :mod:`dealopt.result` does) so that analysis produces and the
report renders without either importing the other: the convenience methods load the report face
only when called.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dealopt.analysis.acceptance import AcceptanceSummary
    from dealopt.analysis.alignments import Alignments, NamedAlignment
    from dealopt.analysis.backbone import Backbone
    from dealopt.analysis.conflicts import Conflicts
    from dealopt.analysis.linkage import Linkage
    from dealopt.analysis.prices import Prices
    from dealopt.analysis.what_it_takes import WhatItTakes
    from dealopt.analysis.zone import Zone
    from dealopt.spec.model import Instance, Value


@dataclass(frozen=True)
class Explanation:
    """Everything ``dealopt explain`` computes; render with :mod:`dealopt.report.explain`.

    ``status``: ``"zone"`` (acceptable deals exist), ``"no-acceptable-deal"``,
    ``"no-feasible-deal"``, or ``"unknown"`` (the zone itself ran out of time). A section is
    None when it was not computed: ``stopped`` maps it to the reason (``"time limit"``,
    ``"skipped"``, ``"no zone"``, ``"no acceptable deal"``, ``"no groups"``, ``"not asked"``).
    """

    instance: Instance
    backend: str
    status: str
    zone: Zone | None
    alignments: Alignments | None
    backbone: Backbone | None
    conflicts: Conflicts | None
    prices: Prices | None
    linkage: Linkage | None
    what_it_takes: WhatItTakes | None
    solver_calls: int
    seconds: float
    exact: bool
    resolution: dict[str, Fraction]
    no_deal: dict[str, Fraction]
    stopped: dict[str, str] = field(default_factory=dict)
    #: The alignment of each named deal of the instance (empty without alignments).
    named: tuple[NamedAlignment, ...] = ()
    #: Under an acceptance rule (None without one): the rule in words, its veto players and
    #: the zone's pivotal parties (:mod:`dealopt.analysis.acceptance`).
    acceptance: AcceptanceSummary | None = None
    #: Under an acceptance rule: each zone point's pivotal parties (in ``zone.points`` order).
    pivotal: tuple[tuple[str, ...], ...] = ()
    #: Under an acceptance rule: each feasible named deal the rule does not pass, with the
    #: parties that block it (counted by the rule, utility below their no-deal value).
    blocked: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def parties(self) -> dict[str, str]:
        return {name: p.label for name, p in self.instance.parties.items()}

    @property
    def status_quo(self) -> dict[str, Value]:
        return self.instance.status_quo

    def to_dict(self) -> dict[str, Any]:
        """The explanation as JSON-ready data (schema ``dealopt.explanation/1``)."""
        from dealopt.report.explain import explanation_to_dict

        return explanation_to_dict(self)

    def to_json(self, indent: int | None = 2) -> str:
        import json

        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def text(self, width: int | None = None, top: int | None = 20) -> str:
        """The explanation for people; long tables show at most ``top`` rows (0: all)."""
        from dealopt.report.explain import render

        return render(self, width=width, top=top)
