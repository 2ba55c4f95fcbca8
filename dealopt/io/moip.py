"""Multi-objective 0/1 integer programs (the neutral JSON of the MOIP anchors) as instances.

The JSON form (see ``anchors/moip/README.md`` in the shared folder) has ``name``, ``sense``
(``"max"`` or ``"min"``, for every objective), ``objectives`` (one list of integer
coefficients per objective, one per variable), ``constraints`` (``{"coefs", "op", "rhs"}``
with ``op`` one of ``<=``, ``==``, ``>=``) and ``binary: true``.

The mapping:

- variable ``i`` (1-based) is an issue ``x<i>`` with the options ``[out, chosen]`` (status quo
  ``out``; ``in`` is a word of the rule language, so it cannot name an option);
- objective ``k`` is a party ``f<k>`` whose interest scores ``chosen`` by the coefficient
  (negated for ``"min"``, so maximising the utility minimises the objective);
- constraint ``j`` is an attribute ``c<j>`` giving ``chosen`` its coefficient, and a rule
  ``total(c<j>) <op> rhs``;
- every party's no-deal value is one below its lowest possible utility (the sum of its
  negative coefficients minus 1), so every feasible deal is acceptable and the zone equals
  the frontier.

Utilities are therefore the objective values for ``"max"`` and their negations for ``"min"``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dealopt.spec.model import Instance

OUT, CHOSEN = "out", "chosen"
OPS = ("<=", "==", ">=")


def load(path: str | Path) -> Instance:
    """Read a MOIP JSON file and return the equivalent, checked instance."""
    path = Path(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    return from_data(data, str(path))


def from_data(data: Mapping[str, Any], source: str = "<moip>") -> Instance:
    """The instance of already-parsed MOIP JSON data (see the module docstring)."""
    from dealopt.api import instance

    return instance(to_document(data), source)


def to_document(data: Mapping[str, Any]) -> dict[str, Any]:
    """The dealopt instance document (the data of an instance file) of MOIP JSON data."""
    if data.get("binary") is not True:
        raise ValueError("only 0/1 programs (binary: true) can be read")
    sense = data["sense"]
    if sense not in ("max", "min"):
        raise ValueError(f"sense must be 'max' or 'min', got {sense!r}")
    sign = 1 if sense == "max" else -1
    objectives = data["objectives"]
    n = len(objectives[0])
    if any(len(row) != n for row in objectives):
        raise ValueError("every objective needs one coefficient per variable")
    issues = {f"x{i + 1}": {"options": [OUT, CHOSEN], "status_quo": OUT} for i in range(n)}
    parties: dict[str, Any] = {}
    interests: dict[str, Any] = {}
    for k, row in enumerate(objectives, start=1):
        utility = [sign * int(c) for c in row]
        parties[f"f{k}"] = {"no_deal": sum(u for u in utility if u < 0) - 1}
        scores = {f"x{i + 1}": {CHOSEN: u} for i, u in enumerate(utility) if u != 0}
        interests[f"f{k}"] = {"scores": scores}
    attributes: dict[str, Any] = {}
    rules = []
    for j, constraint in enumerate(data.get("constraints", []), start=1):
        coefs, op, rhs = constraint["coefs"], constraint["op"], int(constraint["rhs"])
        if op not in OPS or len(coefs) != n:
            raise ValueError(f"constraint {j}: bad operator {op!r} or coefficient count")
        table = {f"x{i + 1}": {CHOSEN: int(c)} for i, c in enumerate(coefs) if c != 0}
        if table:
            attributes[f"c{j}"] = table
            rule = f"total(c{j}) {op} {rhs}"
        else:  # no variable in it: the constraint is a constant truth
            rule = "true" if _holds(0, op, rhs) else "false"
        rules.append({"label": f"constraint {j}", "rule": rule})
    return {
        "dealopt": 1,
        "name": str(data.get("name", "moip")),
        "parties": parties,
        "issues": issues,
        "attributes": attributes,
        "interests": interests,
        "rules": rules,
    }


def _holds(lhs: int, op: str, rhs: int) -> bool:
    return lhs <= rhs if op == "<=" else lhs == rhs if op == "==" else lhs >= rhs
