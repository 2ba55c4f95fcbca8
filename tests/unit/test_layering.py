"""The import direction between layers, read from the source with ``ast`` (lazy imports too).

Data flows one way: spec -> rules -> compile -> backends/frontier -> analysis -> report; the
result types at the package's top (``result``, ``explanation``, ``evaluation``) load the report
face only inside their convenience methods. A reader of ``analysis/`` never needs ``report/``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "dealopt"


def _module(path: Path) -> str:
    if not path.is_relative_to(PACKAGE.parent):
        return path.stem
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[str, bool]]:
    """Every module ``path`` imports, with whether the import is at module level."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    # imports under `if TYPE_CHECKING:` at module level never run
    typing_only: set[int] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only |= {id(n) for n in ast.walk(node)}
    out = []
    package = _module(path).rpartition(".")[0] if path.name != "__init__.py" else _module(path)
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            out += [(alias.name, id(node) in top) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this module's package
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            out += [(f"{base}.{alias.name}", id(node) in top) for alias in node.names]
            out.append((base, id(node) in top))
    return out


def _reaches(name: str, target: str) -> bool:
    return name == target or name.startswith(target + ".")


SOURCES = sorted(PACKAGE.rglob("*.py"))

# (layer that imports, layer it must never import, even lazily)
FORBIDDEN = [
    (layer, "dealopt.report")
    for layer in (
        "dealopt.spec",
        "dealopt.rules",
        "dealopt.compile",
        "dealopt.backends",
        "dealopt.frontier",
        "dealopt.analysis",
        "dealopt.io",
    )
] + [
    ("dealopt.spec", "dealopt.rules"),
    *[
        (layer, lower)
        for layer in ("dealopt.spec", "dealopt.rules")
        for lower in ("dealopt.compile", "dealopt.backends", "dealopt.frontier", "dealopt.analysis")
    ],
    ("dealopt.rules.check", "dealopt.rules.oracle"),
    ("dealopt.rules.evaluation", "dealopt.rules.check"),
    ("dealopt.rules.evaluation", "dealopt.rules.oracle"),
]


@pytest.mark.parametrize(("layer", "banned"), FORBIDDEN, ids=lambda x: x)
def test_layer_never_imports(layer, banned):
    offenders = [
        f"{_module(path)} imports {name}"
        for path in SOURCES
        if _reaches(_module(path), layer)
        for name, _ in imports(path)
        if _reaches(name, banned)
    ]
    assert not offenders, offenders


@pytest.mark.parametrize("module", ["result", "explanation", "evaluation"])
def test_result_types_load_the_report_only_when_asked(module):
    top = [n for n, at_top in imports(PACKAGE / f"{module}.py") if at_top]
    assert not [n for n in top if _reaches(n, "dealopt.report")]


def test_the_checker_finds_lazy_imports(tmp_path):
    # the scanner itself must see an import inside a function (what the old code did)
    path = tmp_path / "x.py"
    path.write_text("def f():\n    from dealopt.report.explain import render\n", encoding="utf-8")
    assert ("dealopt.report.explain", False) in imports(path)
    typing_only = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import dealopt.report\n"
    path.write_text(typing_only, encoding="utf-8")
    assert not [n for n, _ in imports(path) if n.startswith("dealopt.report")]
