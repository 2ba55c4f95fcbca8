"""What makes up a party's utility of a deal: one part per weighted issue, one per term that
applies. The parts sum exactly to the oracle's utility; ``dealopt evaluate`` lists them for
named deals, and the report's "Selected deal" panel for every frontier deal."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from dealopt.rules.oracle import Oracle
from dealopt.rules.oracle import evaluate as rules_evaluate
from dealopt.spec.model import Value


@dataclass(frozen=True)
class Part:
    """One part of a party's utility: an issue's ``weight × score`` of the chosen option
    (``kind="issue"``), or a term that applies (``kind="term"``, ``name`` its label)."""

    kind: str
    name: str
    value: Fraction
    option: Value | None = None


def utility_parts(oracle: Oracle, deal: Mapping[str, Value]) -> dict[str, tuple[Part, ...]]:
    """Each party's utility of ``deal`` split into issues and terms (they sum to the utility:
    each part is divided by the interest's ``scale``, as the utility is)."""
    checked = oracle.checked
    instance = oracle.instance
    out = {}
    for party in instance.parties:
        parts = []
        interest = instance.interests.get(party)
        scale = Fraction(interest.scale) if interest is not None else Fraction(1)
        if interest is not None:
            for issue, weight in interest.weights.items():
                option = deal[issue]
                value = Fraction(weight) * Fraction(interest.score(issue, option)) / scale
                parts.append(Part("issue", issue, value, option))
        for term in checked.terms.get(party, ()):
            if term.when is None or rules_evaluate(term.when, deal, checked):
                value = rules_evaluate(term.value, deal, checked)
                assert isinstance(value, Fraction)
                parts.append(Part("term", term.term.label, value / scale))
        out[party] = tuple(parts)
    return out
