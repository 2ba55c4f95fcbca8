"""The spec layer: the instance as users write it (no solver, no rule grammar)."""

from dealopt.spec.document import json_schema
from dealopt.spec.loader import from_data, load, loads
from dealopt.spec.model import (
    Acceptance,
    AtLeast,
    Attribute,
    Deal,
    Instance,
    Interest,
    Issue,
    NamedDeal,
    Party,
    Quantity,
    Rule,
    Term,
    Text,
    Value,
    Weighted,
)

__all__ = [
    "Acceptance",
    "AtLeast",
    "Attribute",
    "Deal",
    "Instance",
    "Interest",
    "Issue",
    "NamedDeal",
    "Party",
    "Quantity",
    "Rule",
    "Term",
    "Text",
    "Value",
    "Weighted",
    "from_data",
    "json_schema",
    "load",
    "loads",
]
