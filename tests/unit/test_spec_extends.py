"""`extends`: a scenario file overrides a base file. Mappings merge key by key, lists are
replaced, null deletes, and every error points into the file that holds the bad text."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from dealopt import spec
from dealopt.errors import Problem, SpecError
from dealopt.spec import extends

BASE = """\
dealopt: 1
name: Base case
description: the base
parties:
  a: {label: Alpha}
  b: {no_deal: 5}
issues:
  x: {options: [p, q, r], status_quo: q}
  y: {range: [0, 10]}
interests:
  a:
    weights: {x: 2}
    scores: {x: {p: 1, q: 2}, y: linear}
rules:
  - {label: first, rule: x == p}
  - {label: second, rule: y >= 2}
groups:
  g: [x, y]
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def failure(path: Path) -> SpecError:
    with pytest.raises(SpecError) as info:
        spec.load(path)
    return info.value


def one(path: Path) -> Problem:
    (problem,) = failure(path).problems
    return problem


def where(problem: Problem) -> tuple[str, int, int]:
    assert problem.source is not None
    return Path(problem.source.path).name, problem.source.line, problem.source.col


def test_child_may_omit_name_and_parties(tmp_path):
    write(tmp_path, "base.yaml", BASE)
    child = write(tmp_path, "child.yaml", "dealopt: 1\nextends: base.yaml\n")
    inst = spec.load(child)
    assert inst == spec.load(tmp_path / "base.yaml")
    assert inst.path == str(child)


def test_mappings_merge_key_by_key(tmp_path):
    write(tmp_path, "base.yaml", BASE)
    child = write(
        tmp_path,
        "child.yaml",
        "dealopt: 1\nextends: base.yaml\nname: Variant\n"
        "parties:\n  b: {no_deal: 7}\n  c: {}\n"
        "interests:\n  a:\n    scores: {x: {r: 9}}\n",
    )
    inst = spec.load(child)
    assert inst.name == "Variant"
    assert inst.description == "the base"
    assert list(inst.parties) == ["a", "b", "c"]  # the base's order, new keys after
    assert inst.parties["a"].label == "Alpha"
    assert inst.parties["b"].no_deal == Decimal(7)
    # scores.x is a mapping in both: merged key by key
    assert dict(inst.interests["a"].scores["x"]) == {"p": 1, "q": 2, "r": 9}
    assert inst.interests["a"].scores["y"] == "linear"
    assert inst.interests["a"].weights == {"x": 2, "y": 1}


def test_lists_are_replaced_not_appended(tmp_path):
    write(tmp_path, "base.yaml", BASE)
    child = write(
        tmp_path,
        "child.yaml",
        "dealopt: 1\nextends: base.yaml\n"
        "issues:\n  x: {options: [p, q]}\n"
        "rules:\n  - {label: only, rule: x == q}\n",
    )
    inst = spec.load(child)
    assert inst.issues["x"].values == ("p", "q")
    assert inst.issues["x"].status_quo == "q"  # merged from the base's mapping
    assert [r.label for r in inst.rules] == ["only"]


def test_null_deletes_a_key(tmp_path):
    write(tmp_path, "base.yaml", BASE)
    child = write(
        tmp_path,
        "child.yaml",
        "dealopt: 1\nextends: base.yaml\n"
        "description: null\n"
        "issues:\n  y: null\n  x: {status_quo: null}\n"
        "interests:\n  a:\n    scores: {y: null}\n"
        "groups: null\n"
        "rules: ~\n"
        "red_lines: {a: null}\n",  # deleting what the base does not have: nothing happens
    )
    inst = spec.load(child)
    assert inst.description is None
    assert list(inst.issues) == ["x"]
    assert inst.issues["x"].status_quo == "p"  # back to the default
    assert list(inst.interests["a"].scores) == ["x"]
    assert inst.groups == {} and inst.rules == () and inst.red_lines == {}


def test_null_deleting_a_required_key_is_reported_in_the_child(tmp_path):
    write(tmp_path, "base.yaml", BASE)
    child = write(tmp_path, "child.yaml", "dealopt: 1\nextends: base.yaml\nname: null\n")
    p = one(child)
    assert where(p) == ("child.yaml", 1, 1)
    assert p.message == "missing key 'name' at the top level"


def test_error_in_the_base_points_into_the_base(tmp_path):
    write(
        tmp_path, "base.yaml", BASE.replace("scores: {x: {p: 1, q: 2}", "scores: {x: {p: 1, qq: 2}")
    )
    child = write(tmp_path, "child.yaml", "dealopt: 1\nextends: base.yaml\nname: Variant\n")
    p = one(child)
    assert where(p) == ("base.yaml", 13, 24)
    assert p.message == "'qq' is not an option of issue 'x'"
    assert p.line_text == "    scores: {x: {p: 1, qq: 2}, y: linear}"


def test_error_in_the_child_points_into_the_child(tmp_path):
    write(tmp_path, "base.yaml", BASE)
    child = write(
        tmp_path,
        "child.yaml",
        "dealopt: 1\nextends: base.yaml\ninterests:\n  a:\n    scores: {x: {rr: 1}}\n",
    )
    p = one(child)
    assert where(p) == ("child.yaml", 5, 18)
    assert p.message == "'rr' is not an option of issue 'x'"
    assert p.line_text == "    scores: {x: {rr: 1}}"


def test_child_change_breaks_a_base_reference(tmp_path):
    # The child drops option r; the base's table still scores it: the error is in the base.
    write(tmp_path, "base.yaml", BASE.replace("{p: 1, q: 2}", "{p: 1, r: 2}"))
    child = write(
        tmp_path, "child.yaml", "dealopt: 1\nextends: base.yaml\nissues:\n  x: {options: [p, q]}\n"
    )
    p = one(child)
    assert where(p) == ("base.yaml", 13, 24)
    assert p.message == "'r' is not an option of issue 'x'"


def test_problems_in_both_files_are_all_reported(tmp_path):
    write(tmp_path, "base.yaml", BASE.replace("g: [x, y]", "g: [x, z]"))
    child = write(tmp_path, "child.yaml", "dealopt: 1\nextends: base.yaml\nred_lines:\n  c: []\n")
    found = failure(child).problems
    assert [where(p) for p in found] == [("base.yaml", 18, 10), ("child.yaml", 4, 3)]
    assert [p.message for p in found] == ["unknown issue 'z'", "unknown party 'c'"]


def test_chains_of_extends(tmp_path):
    write(tmp_path, "base.yaml", BASE)
    write(tmp_path, "mid/mid.yaml", "dealopt: 1\nextends: ../base.yaml\nname: Mid\n")
    top = write(tmp_path, "mid/top.yaml", "dealopt: 1\nextends: mid.yaml\nparties: {b: null}\n")
    inst = spec.load(top)
    assert inst.name == "Mid" and list(inst.parties) == ["a"]


def test_extends_is_relative_to_the_file_not_the_cwd(tmp_path, monkeypatch):
    write(tmp_path, "sub/base.yaml", BASE)
    child = write(tmp_path, "sub/child.yaml", "dealopt: 1\nextends: base.yaml\n")
    monkeypatch.chdir(tmp_path)
    assert spec.load("sub/child.yaml") == spec.load(child)


def test_loads_resolves_extends_against_its_path(tmp_path):
    write(tmp_path, "base.yaml", BASE)
    inst = spec.loads("dealopt: 1\nextends: base.yaml\nname: S\n", str(tmp_path / "s.yaml"))
    assert inst.name == "S" and list(inst.issues) == ["x", "y"]


def test_json_child_of_a_yaml_base(tmp_path):
    write(tmp_path, "base.yaml", BASE)
    child = write(
        tmp_path, "child.json", '{"dealopt": 1, "extends": "base.yaml", "parties": {"b": null}}'
    )
    assert list(spec.load(child).parties) == ["a"]


def test_cyclic_extends(tmp_path):
    a = write(tmp_path, "a.yaml", "dealopt: 1\nextends: b.yaml\n")
    write(tmp_path, "b.yaml", "dealopt: 1\nextends: a.yaml\n")
    p = one(a)
    assert where(p) == ("b.yaml", 2, 10)
    assert p.message == "cyclic 'extends': a.yaml -> b.yaml -> a.yaml"


def test_file_extending_itself(tmp_path):
    a = write(tmp_path, "a.yaml", "dealopt: 1\nextends: a.yaml\n")
    p = one(a)
    assert (where(p), p.message) == (("a.yaml", 2, 10), "cyclic 'extends': a.yaml -> a.yaml")


def test_extends_of_a_missing_file(tmp_path):
    child = write(tmp_path, "child.yaml", "dealopt: 1\nname: c\nextends: nowhere.yaml\n")
    p = one(child)
    assert (where(p), p.message) == (
        ("child.yaml", 3, 10),
        "'extends' file not found: nowhere.yaml",
    )
    assert p.line_text == "extends: nowhere.yaml"


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("base.txt", "'extends' must be a relative path to a .yaml, .yml or .json file"),
        ("3", "'extends' must be a relative path to a .yaml, .yml or .json file"),
        ("[base.yaml]", "'extends' must be a relative path to a .yaml, .yml or .json file"),
        ("/etc/base.yaml", "'extends' must be a relative path"),
        ('"a\\0.yaml"', "'extends' file cannot be read: 'a\\x00.yaml' (embedded null byte)"),
    ],
)
def test_bad_extends_values(tmp_path, target, message):
    child = write(tmp_path, "child.yaml", f"dealopt: 1\nextends: {target}\n")
    p = one(child)
    assert (where(p), p.message) == (("child.yaml", 2, 10), message)


def test_every_file_must_carry_the_version(tmp_path):
    write(tmp_path, "base.yaml", BASE.replace("dealopt: 1\n", ""))
    child = write(tmp_path, "child.yaml", "dealopt: 1\nextends: base.yaml\n")
    p = one(child)
    assert (where(p), p.message) == (
        ("base.yaml", 1, 1),
        "missing the format version: add 'dealopt: 1' at the top",
    )
    write(tmp_path, "base.yaml", BASE.replace("dealopt: 1", "dealopt: 2"))
    p = one(child)
    assert (where(p), p.message) == (
        ("base.yaml", 1, 10),
        "unsupported format version 2; this dealopt reads version 1",
    )
    write(tmp_path, "base.yaml", BASE)
    p = one(write(tmp_path, "child.yaml", "extends: base.yaml\nname: c\n"))
    assert where(p) == ("child.yaml", 1, 1)
    assert p.message == "missing the format version: add 'dealopt: 1' at the top"


def test_base_must_be_a_mapping(tmp_path):
    write(tmp_path, "base.yaml", "- a\n")
    p = one(write(tmp_path, "child.yaml", "dealopt: 1\nextends: base.yaml\n"))
    assert (where(p), p.message) == (
        ("base.yaml", 1, 1),
        "an instance must be a mapping (key: value), got a list",
    )


def test_chain_depth_limit(tmp_path):
    assert extends.MAX_EXTENDS_DEPTH == 16
    write(tmp_path, "f0.yaml", BASE)
    for k in range(1, 18):
        write(tmp_path, f"f{k}.yaml", f"dealopt: 1\nextends: f{k - 1}.yaml\nname: n{k}\n")
    assert spec.load(tmp_path / "f16.yaml").name == "n16"  # 16 extends in a row
    p = one(tmp_path / "f17.yaml")  # 17
    assert where(p) == ("f1.yaml", 2, 10)
    assert p.message == "'extends' chain deeper than 16"


def test_large_overrides_merge_in_linear_time(tmp_path):
    import time

    n = 2000
    base = "dealopt: 1\nname: big\nparties: {a: {}}\nissues:\n" + "".join(
        f"  i{k}: {{options: [p, q], label: L}}\n" for k in range(n)
    )
    child = "dealopt: 1\nextends: base.yaml\nissues:\n" + "".join(
        f"  i{k}: {{label: M{k}}}\n" for k in range(n)
    )
    write(tmp_path, "base.yaml", base)
    path = write(tmp_path, "child.yaml", child)
    start = time.perf_counter()
    inst = spec.load(path)
    assert time.perf_counter() - start < 10
    assert inst.issues["i1999"].label == "M1999"
    assert inst.issues["i1999"].source is not None
    assert Path(inst.issues["i1999"].source.path).name == "child.yaml"
