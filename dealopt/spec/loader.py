"""Loading instance files (YAML or JSON) into :class:`~dealopt.spec.model.Instance` s.

The pipeline: read each file safely (:mod:`.yamlsafe`), merge ``extends`` chains, check the
structure with the pydantic document models (:mod:`.document`), then check the meaning (names
that must exist, ranges, status quo, name clashes) here, collecting *every* problem with its
file, line and column before raising one :class:`~dealopt.errors.SpecError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from dealopt.errors import Problem, Source, SpecError, did_you_mean
from dealopt.spec.document import InstanceDoc, IssueDoc, RuleDoc
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
    Value,
    frozen_map,
)
from dealopt.spec.yamlsafe import Located, PathKey, parse_text, read_text

MAX_EXTENDS_DEPTH = 16
MAX_RANGE_VALUES = 100_000
MAX_SUGGEST = 1000  # no 'did you mean' among more options than this (difflib is slow)
SUFFIXES = (".yaml", ".yml", ".json")
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
    located = _read_chain(Path(path), ())
    return _build(located)


def loads(text: str, path: str = "<string>") -> Instance:
    """Load an instance from YAML or JSON text (``extends`` is resolved against the cwd)."""
    located = parse_text(text, path)
    located = _resolve_extends(located, Path(path), (Path(path).resolve(),))
    return _build(located)


def from_data(data: Mapping[str, Any], name: str = "<data>") -> Instance:
    """Build an instance from Python data shaped like an instance file.

    Numbers may be ``int``, ``Decimal`` or ``float``; a float is converted exactly from its
    ``repr`` (``0.1`` is one tenth). ``extends`` is for files only: merge dicts in Python.
    """
    located = Located(data=_plain(data), path=name)
    if isinstance(located.data, dict) and "extends" in located.data:
        problems = _Problems(located)
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


def _read_chain(path: Path, chain: tuple[Path, ...]) -> Located:
    located = parse_text(read_text(path), str(path))
    if chain:  # a base file: it must stand as an instance file of its own version
        _check_version(located)
    return _resolve_extends(located, path, (*chain, path.resolve()))


def _resolve_extends(located: Located, path: Path, chain: tuple[Path, ...]) -> Located:
    data = located.data
    if not isinstance(data, dict) or "extends" not in data:
        return located
    _check_version(located)
    where = located.where(("extends",))

    def fail(message: str) -> SpecError:
        return SpecError([Problem(where, message, line_text=located.line_text(where))])

    target = data["extends"]
    if not isinstance(target, str) or not target.endswith(SUFFIXES):
        raise fail("'extends' must be a relative path to a .yaml, .yml or .json file")
    if Path(target).is_absolute():
        raise fail("'extends' must be a relative path")
    base_path = path.parent / target
    try:
        resolved = base_path.resolve()
        found = base_path.is_file()
    except (OSError, ValueError, RuntimeError) as exc:  # NUL byte, name too long, link loop
        raise fail(f"'extends' file cannot be read: {target!r} ({exc})") from None
    if resolved in chain:
        cycle = " -> ".join(p.name for p in (*chain, resolved))
        raise fail(f"cyclic 'extends': {cycle}")
    if len(chain) > MAX_EXTENDS_DEPTH:
        raise fail(f"'extends' chain deeper than {MAX_EXTENDS_DEPTH}")
    if not found:
        raise fail(f"'extends' file not found: {target}")
    base = _read_chain(base_path, chain)
    return _merge(base, located)


def _merge(base: Located, over: Located) -> Located:
    """``over`` on top of ``base``: mappings merge key by key, ``null`` deletes a key, any other
    value (lists included) replaces. Positions follow the value they describe.

    Keys keep the base's order; keys new in ``over`` follow in its order. A ``null`` inside a
    mapping that ``over`` brings in whole is dropped too, so ``key: null`` always means "no
    such key" in a file that extends another. Linear in the size of both files.
    """
    out = Located(data=None, path=over.path, lines=over.lines)
    out.file_lines = {**base.file_lines, **over.file_lines}

    def copy(src: Located, path: PathKey) -> None:
        for mine, theirs in ((out.positions, src.positions), (out.col_offsets, src.col_offsets)):
            if path in theirs:
                mine[path] = theirs[path]  # type: ignore[index]

    def key_from(src: Located, path: PathKey) -> None:
        if path in src.key_positions:
            out.key_positions[path] = src.key_positions[path]

    def take(src: Located, value: Any, path: PathKey) -> Any:
        copy(src, path)
        if isinstance(value, dict):
            result = {}
            for key, item in value.items():
                if item is None and src is over:
                    continue
                key_from(src, (*path, key))
                result[key] = take(src, item, (*path, key))
            return result
        if isinstance(value, list):
            return [take(src, item, (*path, i)) for i, item in enumerate(value)]
        return value

    def merge(b: Any, o: Any, path: PathKey) -> Any:
        if not (isinstance(b, dict) and isinstance(o, dict)):
            return take(over, o, path)
        copy(over, path)
        result = {}
        for key, value in b.items():
            if key not in o:
                key_from(base, (*path, key))
                result[key] = take(base, value, (*path, key))
            elif o[key] is not None:
                key_from(over, (*path, key))
                result[key] = merge(value, o[key], (*path, key))
        for key, value in o.items():
            if key in b or value is None or (path == () and key == "extends"):
                continue
            key_from(over, (*path, key))
            result[key] = take(over, value, (*path, key))
        return result

    out.data = merge(base.data, over.data, ())
    return out


# ----------------------------------------------------------------------------- checking


class _Problems:
    """Collects problems with positions, for one raise at the end."""

    def __init__(self, located: Located):
        self.located = located
        self.items: list[Problem] = []

    def add(self, path: PathKey, message: str, hint: str | None = None, *, key: bool = False):
        source = self.located.where(path, key=key)
        self.items.append(Problem(source, message, hint, self.located.line_text(source)))

    def raise_if_any(self) -> None:
        if self.items:
            raise SpecError(sorted(self.items, key=_problem_order))


def _problem_order(p: Problem) -> tuple:
    s = p.source
    return (s is None, s.path if s else "", s.line if s else 0, s.col if s else 0)


_TYPE_WORDS = {
    "string_type": "a string",
    "int_type": "an integer",
    "decimal_type": "a number",
    "is_instance_of": "a number",
    "dict_type": "a mapping (key: value)",
    "list_type": "a list",
    "model_type": "a mapping (key: value)",
    "literal_error": None,
    "int_from_float": "an integer",
    "decimal_parsing": "a number",
    "finite_number": "a number",
    "string_too_short": "a non-empty string",
}


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | Decimal):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing (null)"
    return type(value).__name__


def _fields_at(loc: tuple) -> Iterable[str]:
    """The keys allowed in the model at ``loc`` (for 'did you mean' on unknown keys).

    Walks the document models' annotations, so that a name chosen by the user (a party
    called ``terms``, say) is never mistaken for a field of the same name.
    """
    tp: Any = InstanceDoc
    for part in loc:
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(part) if isinstance(part, str) else None
            if field is None:
                return ()
            tp = field.annotation
        elif get_origin(tp) is dict:
            tp = get_args(tp)[1]
        elif get_origin(tp) is list:
            tp = get_args(tp)[0]
        else:
            return ()
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return tp.model_fields.keys()
    return ()


def _unwrap(tp: Any) -> Any:
    """``tp`` without ``Annotated`` and, of a union, the member that is a model, dict or list."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, UnionType):
            members = [
                a
                for a in get_args(tp)
                if get_origin(_strip(a)) in (dict, list)
                or (isinstance(_strip(a), type) and issubclass(_strip(a), BaseModel))
            ]
            if not members:
                return tp
            tp = members[0]
        else:
            return tp


def _strip(tp: Any) -> Any:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    return tp


def _structure_problems(located: Located, exc: ValidationError, problems: _Problems) -> None:
    """Turn pydantic's errors into one plain message per place."""
    seen: dict[PathKey, list[dict]] = {}
    for err in exc.errors():
        loc = err["loc"]
        path: list[Any] = []
        node = located.data
        rest = list(loc)
        while rest and isinstance(node, dict | list):
            part = rest[0]
            if (isinstance(node, dict) and part in node) or (
                isinstance(node, list) and isinstance(part, int) and part < len(node)
            ):
                node = node[part]
            elif isinstance(node, dict) and isinstance(part, str) and len(rest) > 1:
                rest.pop(0)  # a union member's tag, as in "dict[...]": not a key of the file
                continue
            else:
                break
            path.append(rest.pop(0))
        err = {**err, "_rest": rest, "_node": node}
        seen.setdefault(tuple(path), []).append(err)
    prefixes = {q[:k] for q in seen for k in range(len(q))}
    for path, errs in seen.items():
        if path in prefixes and all(e["type"] in _TYPE_WORDS for e in errs):
            continue  # a union member that fits the shape has its own, more precise errors
        _one_structure_problem(path, errs, problems)


def _one_structure_problem(path: PathKey, errs: list[dict], problems: _Problems) -> None:
    where = _where_words(path)
    for err in errs:
        kind = err["type"]
        if kind == "extra_forbidden":
            allowed = [f for f in _fields_at(path[:-1])]
            problems.add(
                path,
                f"unknown key {path[-1]!r}{_in_words(path[:-1])}; expected one of: "
                + ", ".join(allowed),
                did_you_mean(str(path[-1]), allowed),
                key=True,
            )
            return
        if kind == "missing":
            missing = err["_rest"][0] if err["_rest"] else "?"
            problems.add(path, f"missing key {missing!r}{_in_words(path)}")
            return
        if "[key]" in err["_rest"] or kind == "string_pattern_mismatch":
            name = err["input"]
            problems.add(
                path,
                f"{name!r} is not a valid name{_in_words(path[:-1] if path else path)}: names are "
                "lower-case identifiers (letters a-z, digits, '_'; not starting with a digit)",
                key=True,
            )
            return
        if kind == "too_short":
            problems.add(path, f"{where} must not be empty")
            return
    # Type mismatches, possibly one per union member: say all the accepted kinds at once.
    wanted: list[str] = []
    for err in errs:
        word = _TYPE_WORDS.get(err["type"])
        if err["type"] == "literal_error":
            word = "'" + str(err["ctx"].get("expected", "")).strip("'") + "'"
        if word == "an integer" and "a number" in wanted:
            continue
        if word == "a number" and "an integer" in wanted:
            wanted.remove("an integer")
        if word and word not in wanted:
            wanted.append(word)
        elif not word and err.get("msg") and err["msg"] not in wanted:
            wanted.append(err["msg"].lower())
    node = errs[0]["_node"]
    problems.add(path, f"{where}: expected {' or '.join(wanted)}, got {_describe(node)}")


def _where_words(path: PathKey) -> str:
    if not path:
        return "the file"
    return "'" + ".".join(str(p) for p in path) + "'"


def _in_words(path: PathKey) -> str:
    return f" in {_where_words(path)}" if path else " at the top level"


# ----------------------------------------------------------------------------- building


def _check_version(located: Located) -> None:
    """Raise unless ``located`` is a mapping carrying ``dealopt: 1`` (every file must)."""
    problems = _Problems(located)
    data = located.data
    if not isinstance(data, dict):
        problems.add((), f"an instance must be a mapping (key: value), got {_describe(data)}")
    elif "dealopt" not in data:
        problems.add((), "missing the format version: add 'dealopt: 1' at the top")
    elif data["dealopt"] != 1 or isinstance(data["dealopt"], bool):
        version = data["dealopt"]
        if isinstance(version, bool):
            shown = str(version).lower()
        else:
            shown = repr(version) if isinstance(version, str) else str(version)
        problems.add(
            ("dealopt",), f"unsupported format version {shown}; this dealopt reads version 1"
        )
    problems.raise_if_any()


def _build(located: Located) -> Instance:
    problems = _Problems(located)
    _check_version(located)
    data = located.data
    try:
        doc = InstanceDoc.model_validate({k: v for k, v in data.items() if k != "extends"})
    except ValidationError as exc:
        _structure_problems(located, exc, problems)
        problems.raise_if_any()
        raise  # pragma: no cover - a ValidationError always yields a problem
    return _Builder(doc, located, problems).build()


class _Builder:
    def __init__(self, doc: InstanceDoc, located: Located, problems: _Problems):
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
        self.problems.raise_if_any()
        return Instance(
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
            path=self.located.path,
        )

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
