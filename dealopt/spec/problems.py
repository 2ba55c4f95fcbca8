"""Problems with positions, and pydantic's structural errors turned into plain messages."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from dealopt.errors import Problem, SpecError, did_you_mean
from dealopt.spec.document import InstanceDoc
from dealopt.spec.yamlsafe import Located, PathKey

# ----------------------------------------------------------------------------- checking


class ProblemCollector:
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


def describe(value: Any) -> str:
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


def structure_problems(located: Located, exc: ValidationError, problems: ProblemCollector) -> None:
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


def _one_structure_problem(path: PathKey, errs: list[dict], problems: ProblemCollector) -> None:
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
    problems.add(path, f"{where}: expected {' or '.join(wanted)}, got {describe(node)}")


def _where_words(path: PathKey) -> str:
    if not path:
        return "the file"
    return "'" + ".".join(str(p) for p in path) + "'"


def _in_words(path: PathKey) -> str:
    return f" in {_where_words(path)}" if path else " at the top level"
