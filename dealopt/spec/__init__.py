"""The spec layer: the instance as users write it (no solver, no rule grammar)."""

from dealopt.spec.document import json_schema
from dealopt.spec.loader import from_data, load, loads
from dealopt.spec.model import (
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
)

__all__ = [
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
    "from_data",
    "json_schema",
    "load",
    "loads",
]
