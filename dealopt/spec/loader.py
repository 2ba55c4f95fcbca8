"""Loading instance files (YAML or JSON) into :class:`~dealopt.spec.model.Instance` s.

The pipeline: read each file safely (:mod:`.yamlsafe`), merge ``extends`` chains, check the
structure with the pydantic document models (:mod:`.document`), then check the meaning (names
that must exist, ranges, status quo, name clashes) here, collecting *every* problem with its
file, line and column before raising one :class:`~dealopt.errors.SpecError`.
"""

from __future__ import annotations

import itertools
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
    Acceptance,
    AtLeast,
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
    Weighted,
    frozen_map,
)
from dealopt.spec.problems import ProblemCollector, structure_problems
from dealopt.spec.yamlsafe import Located, PathKey, parse_text

MAX_RANGE_VALUES = 100_000
MAX_SUGGEST = 1000  # no 'did you mean' among more options than this (difflib is slow)
_INTEGER_KEY = re.compile(r"[-+]?[0-9]+")
# Names the rule language gives a meaning of its own; an instance may not reuse them.
KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false"})
RESERVED = KEYWORDS | {"total", "level", "utility", "score", "count", "piecewise", "start", "moved"}
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
        # Staged issues become one issue per stage; ``lookup`` also knows the staged names,
        # so tables may be written for a whole staged issue (copied to every stage).
        self.lookup = dict(issues)
        issues, self.staged, stage_rules = self.expand_stages(issues)
        self.lookup.update(issues)
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
                self.per_stage(self.tables(_singles(tables), self.lookup, ("attributes", name))),
                self.src("attributes", name),
                frozen_map(self.pair_tables(tables, issues, ("attributes", name))),
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
            scores = self.tables(_singles(interest.scores), self.lookup, (*at, "scores"))
            pairs = self.pair_tables(interest.scores, issues, (*at, "scores"))
            pair_weights = {p: Decimal(1) for p in pairs}
            for issue in interest.weights:
                pair = _pair_key(issue)
                if pair is not None:
                    if pair in pairs:
                        pair_weights[pair] = Decimal(interest.weights[issue])
                    elif all(i in issues for i in pair):
                        self.problems.add(
                            (*at, "weights", issue),
                            f"weight for issues '{issue}' but no scores over that pair in "
                            f"'{party}'",
                            did_you_mean(issue, [f"{a},{b}" for a, b in pairs]),
                            key=True,
                        )
                    else:
                        for i in pair:
                            self.known(i, issues, "issue", (*at, "weights", issue), key=True)
                    continue
                self.known(issue, self.lookup, "issue", (*at, "weights", issue), key=True)
                if issue in self.lookup and issue not in interest.scores:
                    self.problems.add(
                        (*at, "weights", issue),
                        f"weight for issue '{issue}' but no scores for it in '{party}'; "
                        "a weight multiplies scores, so it would do nothing",
                        key=True,
                    )
            weights = {i: _dec(interest.weights.get(i, 1)) for i in scores}
            factors = self.stage_factors(interest.stage_weights, (*at, "stage_weights"))
            scores, weights = self.per_stage(scores), self.per_stage(weights, factors)
            terms = tuple(self.term(t, (*at, "terms", k)) for k, t in enumerate(interest.terms))
            scale = Decimal(1) if interest.scale is None else Decimal(interest.scale)
            if scale <= 0:
                self.problems.add(
                    (*at, "scale"),
                    f"scale of '{party}' must be a positive number (the utility is divided by "
                    f"it), got {interest.scale}",
                )
            interests[party] = Interest(
                party,
                frozen_map(weights),
                frozen_map(scores),
                terms,
                self.src(*at),
                frozen_map(pairs),
                frozen_map(pair_weights),
                scale,
            )
        red_lines = {}
        for party, rules in doc.red_lines.items():
            self.known(party, parties, "party", ("red_lines", party), key=True)
            red_lines[party] = tuple(
                self.rule(r, ("red_lines", party, k), owner=party) for k, r in enumerate(rules)
            )
        rules = tuple(self.rule(r, ("rules", k)) for k, r in enumerate(doc.rules)) + stage_rules
        groups = {}
        for group, members in doc.groups.items():
            for k, issue in enumerate(members):
                self.known(issue, self.lookup, "issue", ("groups", group, k))
            if len(set(members)) != len(members):
                self.problems.add(("groups", group), f"group '{group}' lists an issue twice")
            groups[group] = tuple(n for m in members for n in self.staged.get(m, (m,)))
        deals = {name: self.named_deal(name, d, issues) for name, d in doc.deals.items()}
        acceptance = self.acceptance(parties)
        if doc.status_quo == "none":
            self.without_status_quo(parties, issues, deals)
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
            acceptance=acceptance,
            stages=tuple(doc.stages or ()),
            staged=frozen_map(self.staged),
            path=self.located.path,
            has_status_quo=doc.status_quo != "none",
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
        labels: dict[str, str] = {}
        for option, text in (doc.option_labels or {}).items():
            if kind != "options" or option not in values:
                self.problems.add(
                    (*at, "option_labels", option),
                    f"option_labels names '{option}', which is not an option of issue '{name}'",
                    did_you_mean(option, [str(v) for v in values]),
                )
                continue
            labels[option] = text
        return Issue(
            name,
            values,
            status_quo,
            doc.label or name,
            kind,
            doc.description,
            self.src(*at),
            frozen_map(labels),
        )

    def pair_tables(
        self, tables: Mapping, issues: Mapping[str, Issue], at: PathKey
    ) -> dict[tuple[str, str], dict]:
        """The tables over two issues (keys ``"first,second"``): rows by the first issue's
        values, columns by the second's; every name must exist."""
        out: dict[tuple[str, str], dict] = {}
        for key, table in tables.items():
            pair = _pair_key(key)
            if pair is None:
                continue
            where = (*at, key)
            staged = [i for i in pair if i in self.staged]
            if staged:
                self.problems.add(
                    where,
                    f"a table over two issues names one stage of staged issue '{staged[0]}'",
                    f"its stages: {', '.join(self.staged[staged[0]])}",
                    key=True,
                )
                continue
            if not all([self.known(i, issues, "issue", where, key=True) for i in pair]):
                continue
            if pair[0] == pair[1]:
                self.problems.add(
                    where,
                    f"a table over two issues needs two different issues, got '{key}'",
                    key=True,
                )
                continue
            if pair in out or pair[::-1] in out:
                self.problems.add(
                    where, f"a second table over issues {pair[0]} and {pair[1]}", key=True
                )
                continue
            if not isinstance(table, dict) or not all(isinstance(r, dict) for r in table.values()):
                self.problems.add(
                    where,
                    f"'{key}' is a table over two issues: give rows by the options of "
                    f"'{pair[0]}', each a table by the options of '{pair[1]}'",
                    f"{{{issues[pair[0]].values[0]}: {{{issues[pair[1]].values[0]}: 1}}}}",
                )
                continue
            rows: dict[Value, dict[Value, Decimal]] = {}
            for row_key, row in table.items():
                value = self.table_value(issues[pair[0]], row_key, (*where, row_key))
                if value is None:
                    continue
                entries: dict[Value, Decimal] = {}
                for col_key, number in row.items():
                    col = self.table_value(issues[pair[1]], col_key, (*where, row_key, col_key))
                    if col is not None:
                        entries[col] = Decimal(number)
                rows[value] = entries
            out[pair] = frozen_map({k: frozen_map(v) for k, v in rows.items()})
        return out

    def table_value(self, issue: Issue, key: Any, at: PathKey) -> Value | None:
        """A table key as a value of ``issue`` (``"10"`` names 10 of a range), or None
        (reported)."""
        value = key
        if issue.is_range and isinstance(key, str) and _INTEGER_KEY.fullmatch(key):
            value = int(key)
        if value in issue.values:
            return value
        self.problems.add(
            at,
            f"{key!r} is not {'a value' if issue.is_range else 'an option'} "
            f"of issue '{issue.name}'",
            _value_hint(issue, str(key)),
            key=True,
        )
        return None

    def tables(self, tables: Mapping, issues: Mapping[str, Issue], at: PathKey) -> dict:
        out = {}
        for issue_name, table in tables.items():
            if not self.known(issue_name, issues, "issue", (*at, issue_name), key=True):
                continue
            issue = issues[issue_name]
            if isinstance(table, dict) and any(isinstance(v, dict) for v in table.values()):
                self.problems.add(
                    (*at, issue_name),
                    f"a table over one issue maps options to numbers; for a table over two "
                    f"issues write the key as '{issue_name},other_issue'",
                    key=True,
                )
                continue
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

    def expand_stages(
        self, issues: dict[str, Issue]
    ) -> tuple[dict[str, Issue], dict[str, tuple[str, ...]], tuple[Rule, ...]]:
        """Each staged issue as one issue per stage, ``issue@stage`` (in the staged issue's
        place), and a rule per pair of neighbouring stages for a monotone one."""
        stages = self.doc.stages
        if stages is not None:
            if not stages:
                self.problems.add(("stages",), "'stages' needs at least one stage")
            for k, stage in enumerate(stages):
                if stage in stages[:k]:
                    self.problems.add(("stages", k), f"stage '{stage}' is listed twice")
        out: dict[str, Issue] = {}
        staged: dict[str, tuple[str, ...]] = {}
        rules: list[Rule] = []
        for name, issue in issues.items():
            doc = self.doc.issues[name]
            at = ("issues", name)
            if doc.monotone and not doc.staged:
                self.problems.add((*at, "monotone"), "'monotone' needs 'staged: true'")
            if not doc.staged:
                out[name] = issue
                continue
            if not stages:
                self.problems.add(
                    (*at, "staged"),
                    f"issue '{name}' is staged, but the instance has no 'stages' list",
                    "add stages: [first, second, ...] at the top level",
                )
                out[name] = issue
                continue
            names = tuple(f"{name}@{s}" for s in stages)
            staged[name] = names
            for stage, full in zip(stages, names, strict=True):
                out[full] = replace(issue, name=full, label=f"{issue.label} ({stage})")
            if doc.monotone:
                for before, after in itertools.pairwise(names):
                    text = f"level({after}) >= level({before})"
                    rules.append(
                        Rule(
                            f"{name} is never taken back",
                            Text(text, issue.source, None),
                            description="Generated by 'monotone: true'.",
                            source=issue.source,
                        )
                    )
        return out, staged, tuple(rules)

    def per_stage(self, tables: dict, factors: Mapping[str, Decimal] | None = None) -> dict:
        """Tables (or weights) written for a whole staged issue copied to each of its stages,
        times the stage's factor for weights; a stage written on its own wins."""
        out = {}
        for key, value in tables.items():
            for k, name in enumerate(self.staged.get(key, ())):
                factor = factors.get(self.doc.stages[k], Decimal(1)) if factors else None
                if name not in tables:
                    out[name] = value if factor is None else value * factor
            if key not in self.staged:
                if factors is not None and "@" in key:
                    value = value * factors.get(key.split("@", 1)[1], Decimal(1))
                out[key] = value
        return out

    def stage_factors(self, factors: Mapping, at: PathKey) -> dict[str, Decimal]:
        stages = self.doc.stages or []
        for stage in factors:
            if stage not in stages:
                self.problems.add(
                    (*at, stage), f"unknown stage '{stage}'", did_you_mean(stage, stages), key=True
                )
        return {s: Decimal(x) for s, x in factors.items()}

    def acceptance(self, parties: Mapping[str, Party]) -> Acceptance:
        """The ``acceptance`` section: every party named must exist, counts and shares must
        be reachable; no section is unanimity."""
        doc = self.doc.acceptance
        if doc is None:
            return Acceptance()
        at: PathKey = ("acceptance",)
        for k, party in enumerate(doc.veto):
            self.known(party, parties, "party", (*at, "veto", k))
        at_least = []
        for k, c in enumerate(doc.at_least):
            where = (*at, "at_least", k)
            for j, party in enumerate(c.of):
                self.known(party, parties, "party", (*where, "of", j))
            if len(set(c.of)) != len(c.of):
                self.problems.add((*where, "of"), "a party is listed twice in 'of'")
            if not 1 <= c.count <= len(c.of):
                self.problems.add(
                    (*where, "count"),
                    f"'count' must be between 1 and the {len(c.of)} parties of 'of', got {c.count}",
                )
            label = c.label or f"at least {c.count} of {', '.join(c.of)}"
            at_least.append(AtLeast(c.count, tuple(c.of), label, self.src(*where)))
        weighted = []
        for k, w in enumerate(doc.weighted):
            where = (*at, "weighted", k)
            for party, x in w.weights.items():
                self.known(party, parties, "party", (*where, "weights", party), key=True)
                if x < 0:
                    self.problems.add(
                        (*where, "weights", party), f"a weight must not be negative, got {x}"
                    )
            for j, party in enumerate(w.including):
                self.known(party, parties, "party", (*where, "including", j))
            share = Decimal(w.share)
            if not 0 < share <= 1:
                self.problems.add(
                    (*where, "share"),
                    f"'share' is a fraction of the total weight: more than 0, at most 1; "
                    f"got {share} (write 55% as 0.55)",
                )
            if sum(Decimal(x) for x in w.weights.values()) <= 0:
                self.problems.add((*where, "weights"), "the weights must not all be 0")
            label = w.label or (
                f"at least {share} of the weight"
                + (f", including {', '.join(w.including)}" if w.including else "")
            )
            weighted.append(
                Weighted(
                    frozen_map({p: Decimal(x) for p, x in w.weights.items()}),
                    share,
                    tuple(w.including),
                    label,
                    self.src(*where),
                )
            )
        return Acceptance(tuple(doc.veto), tuple(at_least), tuple(weighted), False, self.src(*at))

    def without_status_quo(
        self, parties: Mapping[str, Party], issues: Mapping[str, Issue], deals: Mapping
    ) -> None:
        """``status_quo: none``: nothing may stand on a status quo that does not exist."""
        why = "the instance has no status quo (status_quo: none)"
        for name, party in parties.items():
            if party.no_deal is None:
                self.problems.add(
                    ("parties", name),
                    f"party '{name}' needs a no_deal: {why}, so no utility of it can stand in",
                )
        for name, issue_doc in self.doc.issues.items():
            if issue_doc.status_quo is not None:
                self.problems.add(
                    ("issues", name, "status_quo"),
                    f"issue '{name}' has a status_quo but {why}; remove one of the two",
                )
        # Both hold issues at their status quo: linkage negotiates some issues and holds the
        # others there; a schedule starts from it.
        if self.doc.groups:
            self.problems.add(
                ("groups",),
                f"groups need a status quo (linkage holds the issues outside a group at it), "
                f"but {why}",
            )
        if self.doc.stages:
            self.problems.add(
                ("stages",), f"stages need a status quo (a schedule starts from it), but {why}"
            )
        for name, deal in deals.items():
            missing = [i for i in issues if i not in deal.choices]
            if missing:
                self.problems.add(
                    ("deals", name, "choose"),
                    f"deal '{name}' must choose every issue, since {why} to fill the others; "
                    f"missing: {', '.join(missing)}",
                )

    def named_deal(self, name: str, doc: Any, issues: Mapping[str, Issue]) -> NamedDeal:
        at = ("deals", name)
        choices: dict[str, Value] = {}
        for issue_name, value in doc.choose.items():
            if not self.known(
                issue_name, self.lookup, "issue", (*at, "choose", issue_name), key=True
            ):
                continue
            issue = self.lookup[issue_name]
            if value not in issue.values or isinstance(value, bool):
                self.problems.add(
                    (*at, "choose", issue_name),
                    f"{value!r} is not {'a value' if issue.is_range else 'an option'} "
                    f"of issue '{issue_name}'",
                    _value_hint(issue, str(value)),
                )
                continue
            choices[issue_name] = value
        # A staged issue's option holds in each of its stages not named on its own.
        for base in [i for i in choices if i in self.staged]:
            value = choices.pop(base)
            for each in self.staged[base]:
                choices.setdefault(each, value)
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


def _pair_key(key: str) -> tuple[str, str] | None:
    """``"a,b"`` (spaces allowed around the comma) as ``("a", "b")``; None for one name."""
    if "," not in key:
        return None
    first, second = (part.strip() for part in key.split(",", 1))
    return first, second


def _singles(tables: Mapping) -> dict:
    """The one-issue tables of a scores or attribute mapping (pair keys left out)."""
    return {k: v for k, v in tables.items() if "," not in k}


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
