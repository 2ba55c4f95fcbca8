"""The public library API: load, build and (later layers) solve instances."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dealopt import spec
from dealopt.spec.model import Instance


def load(path: str | Path) -> Instance:
    """Load an instance file and check it completely: structure, names, and every rule,
    red line, quantity and term in the rule language.

    Raises :class:`dealopt.errors.SpecError` listing every problem with ``file:line:col``.
    """
    instance = spec.load(path)
    _check_rules(instance)
    return instance


def instance(data: Mapping[str, Any], name: str = "<data>") -> Instance:
    """Build and check an instance from Python data shaped like an instance file.

    >>> import dealopt
    >>> inst = dealopt.instance({
    ...     "dealopt": 1, "name": "toy",
    ...     "parties": {"a": {}, "b": {}},
    ...     "issues": {"price": {"range": [0, 10]}},
    ...     "interests": {"a": {"scores": {"price": "linear"}},
    ...                   "b": {"weights": {"price": -1}, "scores": {"price": "linear"}}},
    ... })
    >>> inst.bundle_space_size
    11
    """
    built = spec.from_data(data, name)
    _check_rules(built)
    return built


def _check_rules(instance: Instance) -> None:
    from dealopt import rules

    rules.check(instance)
