"""``extends``: reading a chain of instance files and merging each file onto its base.

Mappings merge key by key, ``null`` deletes a key, any other value (lists included) replaces;
positions follow the value they describe, so messages point into the right file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dealopt.errors import Problem, SpecError
from dealopt.spec.problems import ProblemCollector, describe
from dealopt.spec.yamlsafe import Located, PathKey, parse_text, read_text

MAX_EXTENDS_DEPTH = 16
SUFFIXES = (".yaml", ".yml", ".json")


def read_chain(path: Path, chain: tuple[Path, ...]) -> Located:
    located = parse_text(read_text(path), str(path))
    if chain:  # a base file: it must stand as an instance file of its own version
        check_version(located)
    return resolve_extends(located, path, (*chain, path.resolve()))


def resolve_extends(located: Located, path: Path, chain: tuple[Path, ...]) -> Located:
    data = located.data
    if not isinstance(data, dict) or "extends" not in data:
        return located
    check_version(located)
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
    base = read_chain(base_path, chain)
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


def check_version(located: Located) -> None:
    """Raise unless ``located`` is a mapping carrying ``dealopt: 1`` (every file must)."""
    problems = ProblemCollector(located)
    data = located.data
    if not isinstance(data, dict):
        problems.add((), f"an instance must be a mapping (key: value), got {describe(data)}")
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
