"""Loading instance files (YAML or JSON) into :class:`~dealopt.spec.model.Instance` s.

The pipeline: read each file safely (:mod:`.yamlsafe`), merge ``extends`` chains, check the
structure with the pydantic document models (:mod:`.document`), then check the meaning (names
that must exist, ranges, status quo, name clashes) here, collecting *every* problem with its
file, line and column before raising one :class:`~dealopt.errors.SpecError`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dealopt.errors import Source, did_you_mean
from dealopt.spec.document import InstanceDoc, IssueDoc, RuleDoc
from dealopt.spec.extends import check_version, read_chain, resolve_extends
from dealopt.spec.model import (
    LINEAR,
    Attribute,
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
    frozen_map,
)
from dealopt.spec.problems import ProblemCollector, structure_problems
from dealopt.spec.yamlsafe import Located, PathKey, parse_text

MAX_RANGE_VALUES = 100_000
MAX_SUGGEST = 1000  # no 'did you mean' among more options than this (difflib is slow)
_INTEGER_KEY = re.compile(r"[-+]?[0-9]+")
# Names the rule language gives a meaning of its own; an instance may not reuse them.
KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false"})
RESERVED = KEYWORDS | {"total", "level", "utility", "score", "count"}
# Options may use the function names (``x == total`` is unambiguous), not the keywords.


# ----------------------------------------------------------------------------- reading


def load(path: str | Path) -> Instance:
    """Load and check one instance file (``extends`` chains included).

    Raises :class:`~dealopt.errors.SpecError` listing every problem found.
    Rules, red lines, quantities and terms are checked by the rules layer separately
    (:func:`dealopt.load` does both).
    """
    located = read_chain(Path(path), ())
    return _build(located)


def loads(text: str, path: str = "<string>") -> Instance:
    """Load an instance from YAML or JSON text (``extends`` is resolved against the cwd)."""
    located = parse_text(text, path)
    located = resolve_extends(located, Path(path), (Path(path).resolve(),))
    return _build(located)


def from_data(data: Mapping[str, Any], name: str = "<data>") -> Instance:
    """Build an instance from Python data shaped like an instance file.

    Numbers may be ``int``, ``Decimal`` or ``float``; a float is converted exactly from its
    ``repr`` (``0.1`` is one tenth). ``extends`` is for files only: merge dicts in Python.
    """
    located = Located(data=_plain(data), path=name)
    if isinstance(located.data, dict) and "extends" in located.data:
        problems = ProblemCollector(located)
        problems.add((), "'extends' works in files only; merge the data in Python instead")
        problems.raise_if_any()
    return _build(located)


def _plain(value: Any) -> Any:
    """Python data to the reader's form: floats become exact Decimals of their repr."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        # repr is the shortest string that round-trips: the number the user typed.
        return Decimal(repr(value))
    return value


# ----------------------------------------------------------------------------- building


def _build(located: Located) -> Instance:
    problems = ProblemCollector(located)
    check_version(located)
    data = located.data
    try:
        doc = InstanceDoc.model_validate({k: v for k, v in data.items() if k != "extends"})
    except ValidationError as exc:
        structure_problems(located, exc, problems)
        problems.raise_if_any()
        raise  # pragma: no cover - a ValidationError always yields a problem
    return _Builder(doc, located, problems).build()


class _Builder:
    def __init__(self, doc: InstanceDoc, located: Located, problems: ProblemCollector):
        self.doc = doc
        self.located = located
        self.problems = problems

    def src(self, *path: Any) -> Source | None:
        return self.located.where(tuple(path))

    def text(self, value: str, *path: Any) -> Text:
        return Text(value, self.src(*path), self.located.col_offsets.get(tuple(path), 0))

    def build(self) -> Instance:
        doc = self.doc
        issues = {name: self.issue(name, i) for name, i in doc.issues.items()}
        self.broken = {k for k, v in issues.items() if v is None}
        issues = {k: v for k, v in issues.items() if v is not None}
        self.check_names()
        parties = {
            name: Party(
                name=name,
                label=p.label or name,
                no_deal=_dec(p.no_deal),
                description=p.description,
                source=self.src("parties", name),
            )
            for name, p in doc.parties.items()
        }
        attributes = {
            name: Attribute(
                name,
                self.tables(tables, issues, ("attributes", name)),
                self.src("attributes", name),
            )
            for name, tables in doc.attributes.items()
        }
        quantities = {
            name: Quantity(
                name,
                self.text(q, "quantities", name)
                if isinstance(q, str)
                else Text(str(q), self.src("quantities", name)),
                self.src("quantities", name),
            )
            for name, q in doc.quantities.items()
        }
        interests = {}
        for party, interest in doc.interests.items():
            at = ("interests", party)
            self.known(party, parties, "party", (*at,), key=True)
            scores = self.tables(interest.scores, issues, (*at, "scores"))
            for issue in interest.weights:
                self.known(issue, issues, "issue", (*at, "weights", issue), key=True)
                if issue in issues and issue not in interest.scores:
                    self.problems.add(
                        (*at, "weights", issue),
                        f"weight for issue '{issue}' but no scores for it in '{party}'; "
                        "a weight multiplies scores, so it would do nothing",
                        key=True,
                    )
            weights = {i: _dec(interest.weights.get(i, 1)) for i in scores}
            terms = tuple(self.term(t, (*at, "terms", k)) for k, t in enumerate(interest.terms))
            interests[party] = Interest(
                party, frozen_map(weights), frozen_map(scores), terms, self.src(*at)
            )
        red_lines = {}
        for party, rules in doc.red_lines.items():
            self.known(party, parties, "party", ("red_lines", party), key=True)
            red_lines[party] = tuple(
                self.rule(r, ("red_lines", party, k), owner=party) for k, r in enumerate(rules)
            )
        rules = tuple(self.rule(r, ("rules", k)) for k, r in enumerate(doc.rules))
        groups = {}
        for group, members in doc.groups.items():
            for k, issue in enumerate(members):
                self.known(issue, issues, "issue", ("groups", group, k))
            if len(set(members)) != len(members):
                self.problems.add(("groups", group), f"group '{group}' lists an issue twice")
            groups[group] = tuple(members)
        deals = {name: self.named_deal(name, d, issues) for name, d in doc.deals.items()}
        self.problems.raise_if_any()
        instance = Instance(
            name=doc.name,
            description=doc.description,
            parties=frozen_map(parties),
            issues=frozen_map(issues),
            interests=frozen_map(interests),
            attributes=frozen_map(attributes),
            quantities=frozen_map(quantities),
            red_lines=frozen_map(red_lines),
            rules=rules,
            groups=frozen_map(groups),
            deals=frozen_map(deals),
            path=self.located.path,
        )
        if not doc.uncertainty:
            return instance
        from dealopt.spec.uncertainty import check_section

        section = check_section(doc.uncertainty, instance, self.problems.add)
        self.problems.raise_if_any()
        return replace(instance, uncertainty=section)

    def issue(self, name: str, doc: IssueDoc) -> Issue | None:
        at = ("issues", name)
        values: tuple[Value, ...]
        if (doc.options is None) == (doc.range is None):
            self.problems.add(at, f"issue '{name}' needs exactly one of 'options' or 'range'")
            return None
        if doc.options is not None:
            if not doc.options:
                self.problems.add((*at, "options"), f"issue '{name}' has an empty option list")
                return None
            seen: set[str] = set()
            for k, option in enumerate(doc.options):
                if option in seen:
                    self.problems.add(
                        (*at, "options", k), f"option '{option}' listed twice in issue '{name}'"
                    )
                elif option in KEYWORDS:
                    self.problems.add(
                        (*at, "options", k),
                        f"'{option}' is a word of the rule language and cannot name an option",
                    )
                seen.add(option)
            values, kind = tuple(doc.options), "options"
        else:
            r = doc.range or []
            if len(r) not in (2, 3):
                self.problems.add((*at, "range"), "'range' must be [lo, hi] or [lo, hi, step]")
                return None
            lo, hi, step = (*r, 1) if len(r) == 2 else r
            if step <= 0:
                self.problems.add((*at, "range", 2), f"range step must be positive, got {step}")
                return None
            if lo > hi:
                self.problems.add((*at, "range"), f"range lo ({lo}) is greater than hi ({hi})")
                return None
            if (hi - lo) // step + 1 > MAX_RANGE_VALUES:
                self.problems.add((*at, "range"), f"range has more than {MAX_RANGE_VALUES} values")
                return None
            values, kind = tuple(range(lo, hi + 1, step)), "range"
        status_quo = values[0] if doc.status_quo is None else doc.status_quo
        if status_quo not in values:
            self.problems.add(
                (*at, "status_quo"),
                f"status_quo {status_quo!r} is not a value of issue '{name}'",
                did_you_mean(str(status_quo), [str(v) for v in values]),
            )
            status_quo = values[0]
        return Issue(
            name, values, status_quo, doc.label or name, kind, doc.description, self.src(*at)
        )

    def tables(self, tables: Mapping, issues: Mapping[str, Issue], at: PathKey) -> dict:
        out = {}
        for issue_name, table in tables.items():
            if not self.known(issue_name, issues, "issue", (*at, issue_name), key=True):
                continue
            issue = issues[issue_name]
            if table == LINEAR:
                if not issue.is_range:
                    self.problems.add(
                        (*at, issue_name),
                        f"'linear' needs a range issue; '{issue_name}' has options: give a table",
                    )
                    continue
                out[issue_name] = LINEAR
                continue
            values = set(issue.values)
            entries: dict[Value, Decimal] = {}
            for key, number in table.items():
                value = key
                if issue.is_range and isinstance(key, str) and _INTEGER_KEY.fullmatch(key):
                    value = int(key)  # JSON keys are strings: "10" names the value 10
                if value not in values:
                    self.problems.add(
                        (*at, issue_name, key),
                        f"{key!r} is not {'a value' if issue.is_range else 'an option'} "
                        f"of issue '{issue_name}'",
                        _value_hint(issue, str(key)),
                        key=True,
                    )
                elif value in entries:
                    self.problems.add(
                        (*at, issue_name, key),
                        f"value {value} is listed twice in the table for issue '{issue_name}'",
                        key=True,
                    )
                else:
                    entries[value] = _dec(number)  # type: ignore[assignment]
            out[issue_name] = frozen_map(entries)
        return out

    def term(self, doc: Any, at: PathKey) -> Term:
        value: Decimal | Text
        value = (
            self.text(doc.value, *at, "value") if isinstance(doc.value, str) else _dec(doc.value)
        )
        when = self.text(doc.when, *at, "when") if doc.when is not None else None
        label = doc.label or (f"{value} when {when}" if when else str(value))
        return Term(label, value, when, self.src(*at))

    def rule(self, doc: RuleDoc, at: PathKey, owner: str | None = None) -> Rule:
        text = self.text(doc.rule, *at, "rule")
        return Rule(doc.label or doc.rule, text, owner, doc.description, self.src(*at))

    def named_deal(self, name: str, doc: Any, issues: Mapping[str, Issue]) -> NamedDeal:
        at = ("deals", name)
        choices: dict[str, Value] = {}
        for issue_name, value in doc.choose.items():
            if not self.known(issue_name, issues, "issue", (*at, "choose", issue_name), key=True):
                continue
            issue = issues[issue_name]
            if value not in issue.values or isinstance(value, bool):
                self.problems.add(
                    (*at, "choose", issue_name),
                    f"{value!r} is not {'a value' if issue.is_range else 'an option'} "
                    f"of issue '{issue_name}'",
                    _value_hint(issue, str(value)),
                )
                continue
            choices[issue_name] = value
        return NamedDeal(
            name,
            doc.label or name,
            frozen_map(choices),
            doc.description,
            tuple(doc.sources),
            self.src(*at),
        )

    def known(self, name: str, table: Mapping, what: str, at: PathKey, key: bool = False) -> bool:
        if name in table:
            return True
        if what == "issue" and name in self.broken:
            return False  # already reported where the issue is defined
        self.problems.add(at, f"unknown {what} '{name}'", did_you_mean(name, table), key=key)
        return False

    def check_names(self) -> None:
        """One name, one meaning: the rule language resolves names across these kinds."""
        doc = self.doc
        kinds = {
            "party": doc.parties,
            "issue": doc.issues,
            "attribute": doc.attributes,
            "quantity": doc.quantities,
        }
        owner: dict[str, str] = {}
        for kind, names in kinds.items():
            section = (
                "parties" if kind == "party" else f"{kind}s" if kind != "quantity" else "quantities"
            )
            for name in names:
                if name in RESERVED:
                    self.problems.add(
                        (section, name),
                        f"'{name}' is a word of the rule language and cannot name {_a(kind)}",
                        key=True,
                    )
                elif name in owner:
                    self.problems.add(
                        (section, name),
                        f"name '{name}' is used for both {_a(owner[name])} and {_a(kind)}",
                        key=True,
                    )
                owner.setdefault(name, kind)


def _value_hint(issue: Issue, wrong: str) -> str | None:
    """What ``issue`` accepts: the nearest option, or a range's bounds and step."""
    if issue.is_range:
        step = issue.values[1] - issue.values[0] if issue.size > 1 else 1  # type: ignore[operator]
        return f"integers {issue.values[0]} to {issue.values[-1]} by {step}"
    if issue.size > MAX_SUGGEST:
        return None  # difflib over a huge option list would be slow
    return did_you_mean(wrong, [str(v) for v in issue.values])


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _dec(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value)
