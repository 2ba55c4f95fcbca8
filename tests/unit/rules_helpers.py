"""Build spec Instances from plain Python dicts, for the rules tests (no YAML loader needed).

Layout, as in an instance file::

    {"parties": {"us": {}, "ru": {"no_deal": 10}},
     "issues": {"s": ["keep", "ease", "lift"],                      # options, status quo first
                "share": {"range": [0, 100, 10], "status_quo": 20},
                "t": {"options": ["a", "b"], "status_quo": "b"}},
     "attributes": {"vis": {"s": {"ease": 2}, "share": "linear"}},
     "quantities": {"q": "vis(s) + 1"},
     "interests": {"us": {"weights": {"s": 2}, "scores": {"s": {"keep": 10}},
                          "terms": [{"value": "q", "when": "s == lift"}, {"value": 3}]}},
     "red_lines": {"us": ["s != lift"]},
     "rules": ["s == keep -> share <= 50"]}

Every expression becomes a :class:`Text` on its own line of ``test.yaml`` (line 1, 2, ... in the
order above), starting at column 5 with ``col_offset`` 1 (as if quoted), so positions are known.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dealopt.errors import Source
from dealopt.spec.model import (
    LINEAR,
    Attribute,
    Instance,
    Interest,
    Issue,
    Party,
    Quantity,
    Rule,
    Term,
    Text,
    frozen_map,
)

PATH = "test.yaml"
COL = 5


def dec(x: Any) -> Decimal:
    return Decimal(str(x))


def table(data: Any):
    if data == LINEAR:
        return LINEAR
    return frozen_map({k: dec(v) for k, v in data.items()})


def make_instance(data: dict, *, sources: bool = True) -> Instance:
    line = 0

    def text(s: str) -> Text:
        nonlocal line
        line += 1
        if not sources:
            return Text(s, source=None)
        return Text(s, Source(PATH, line, COL), col_offset=1)

    parties = {
        name: Party(
            name,
            p.get("label", name),
            None if p.get("no_deal") is None else dec(p["no_deal"]),
        )
        for name, p in data.get("parties", {}).items()
    }
    issues = {}
    for name, spec in data.get("issues", {}).items():
        if isinstance(spec, list):
            spec = {"options": spec}
        if "range" in spec:
            lo, hi, *step = spec["range"]
            values: tuple = tuple(range(lo, hi + 1, step[0] if step else 1))
            kind = "range"
        else:
            values, kind = tuple(spec["options"]), "options"
        issues[name] = Issue(name, values, spec.get("status_quo", values[0]), name, kind)
    attributes = {
        name: Attribute(name, frozen_map({i: table(t) for i, t in tables.items()}))
        for name, tables in data.get("attributes", {}).items()
    }
    quantities = {n: Quantity(n, text(e)) for n, e in data.get("quantities", {}).items()}
    interests = {}
    for party, spec in data.get("interests", {}).items():
        terms = []
        for i, t in enumerate(spec.get("terms", [])):
            value = text(t["value"]) if isinstance(t["value"], str) else dec(t["value"])
            when = text(t["when"]) if t.get("when") is not None else None
            terms.append(Term(t.get("label", f"term {i}"), value, when))
        interests[party] = Interest(
            party,
            frozen_map({i: dec(w) for i, w in spec.get("weights", {}).items()}),
            frozen_map({i: table(t) for i, t in spec.get("scores", {}).items()}),
            tuple(terms),
        )
    red_lines = {
        party: tuple(Rule(f"{party} {i}", text(r), owner=party) for i, r in enumerate(rules))
        for party, rules in data.get("red_lines", {}).items()
    }
    rules = tuple(Rule(f"rule {i}", text(r)) for i, r in enumerate(data.get("rules", [])))
    return Instance(
        name=data.get("name", "test"),
        parties=frozen_map(parties),
        issues=frozen_map(issues),
        interests=frozen_map(interests),
        attributes=frozen_map(attributes),
        quantities=frozen_map(quantities),
        red_lines=frozen_map(red_lines),
        rules=rules,
    )


#: A small instance in the spirit of the Helsinki example, used across the rules tests.
HELSINKI = {
    "parties": {"us": {}, "russia": {"no_deal": 10}},
    "issues": {
        "sanctions": ["maintain", "freeze", "ease_sectoral", "lift_sectoral", "lift_all"],
        "ukraine_support": ["continue", "reduce", "withdraw"],
        "crimea": ["contested", "russian"],
        "relief_share": {"range": [0, 100, 10]},
    },
    "attributes": {
        "visibility": {
            "ukraine_support": {"reduce": 2, "withdraw": 5},
            "sanctions": {"ease_sectoral": 2, "lift_sectoral": 3, "lift_all": 4},
        },
        "cost": {"relief_share": "linear"},
    },
    "quantities": {
        "russia_visible": "visibility(ukraine_support) + 1",
        "us_visible": "visibility(sanctions)",
    },
    "interests": {
        "us": {
            "weights": {"ukraine_support": 35, "sanctions": 15},
            "scores": {
                "ukraine_support": {"continue": 0, "reduce": 60, "withdraw": 100},
                "sanctions": {
                    "maintain": 100,
                    "freeze": 90,
                    "ease_sectoral": 50,
                    "lift_sectoral": 30,
                },
            },
            "terms": [
                {"label": "visible win", "when": "russia_visible >= 3", "value": 25},
                {"label": "credit", "value": "2 * russia_visible"},
            ],
        },
        "russia": {
            "weights": {"sanctions": 1, "relief_share": 2},
            "scores": {"sanctions": {"freeze": 10, "lift_all": 100}, "relief_share": "linear"},
        },
    },
    "red_lines": {
        "russia": ["crimea == russian"],
        "us": ["russia_visible >= us_visible + 1"],
    },
    "rules": ["sanctions >= lift_sectoral -> relief_share <= 50"],
}
