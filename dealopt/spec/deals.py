"""Deals as users name or write them outside the file: ``--deal NAME`` or
``--deal "issue=option, issue=option"`` (issues left out take the status quo).

The instance file's own ``deals`` section is read by :mod:`dealopt.spec.loader`; this module
turns the command line's words into a :class:`~dealopt.spec.model.NamedDeal` of the same kind,
with one clear message (and the nearest valid name) for anything unknown.
"""

from __future__ import annotations

import re

from dealopt.errors import UsageError, did_you_mean
from dealopt.spec.loader import _value_hint
from dealopt.spec.model import Instance, NamedDeal, Value, frozen_map

_INTEGER = re.compile(r"[-+]?[0-9]+")


def named_deal(instance: Instance, text: str) -> NamedDeal:
    """The deal ``text`` names: a deal of the instance's ``deals`` section by its name, or
    ``issue=option`` pairs separated by commas (every other issue at its status quo)."""
    text = text.strip()
    if "=" not in text:
        if text in instance.deals:
            return instance.deals[text]
        known = list(instance.deals)
        hint = did_you_mean(text, known)
        listed = ", ".join(known) if known else "none"
        raise UsageError(
            f"unknown deal {text!r}: the instance names these deals: {listed}"
            + (f" ({hint})" if hint else "")
            + "; or write one as 'issue=option, issue=option'"
        )
    return NamedDeal(text, text, frozen_map(parse_choices(instance, text)))


def parse_choices(instance: Instance, text: str) -> dict[str, Value]:
    """``issue=option, ...`` as ``{issue: value}``; every problem in one :class:`UsageError`."""
    problems: list[str] = []
    choices: dict[str, Value] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        issue_name, eq, raw = (s.strip() for s in part.partition("="))
        if not eq or not issue_name or not raw:
            problems.append(f"{part.strip()!r} is not 'issue=option'")
            continue
        issue = instance.issues.get(issue_name)
        if issue is None:
            hint = did_you_mean(issue_name, instance.issues)
            problems.append(f"unknown issue '{issue_name}'" + (f" ({hint})" if hint else ""))
            continue
        value: Value = int(raw) if issue.is_range and _INTEGER.fullmatch(raw) else raw
        if value not in issue.values:
            hint = _value_hint(issue, raw)
            what = "a value" if issue.is_range else "an option"
            problems.append(
                f"{raw!r} is not {what} of issue '{issue_name}'" + (f" ({hint})" if hint else "")
            )
            continue
        if issue_name in choices:
            problems.append(f"issue '{issue_name}' is given twice")
            continue
        choices[issue_name] = value
    if problems:
        raise UsageError(f"invalid deal {text!r}: " + "; ".join(problems))
    return choices
