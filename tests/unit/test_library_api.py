"""The library as a notebook user meets it (issue 15, item 11): ``dir(dealopt)``, short
reprs, notebook display, a float view of utilities, accurate docstrings, docs that stand alone."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import dealopt
from dealopt.backends import NAMES

ROOT = Path(__file__).resolve().parents[2]
HELSINKI = ROOT / "instances" / "helsinki2018.yaml"

SMALL = {
    "dealopt": 1,
    "name": "small",
    "parties": {"a": {"no_deal": 1}, "b": {"no_deal": 1}},
    "issues": {"x": {"options": ["p", "q", "r"]}},
    "interests": {
        "a": {"scores": {"x": {"p": 3, "q": 2}}},
        "b": {"scores": {"x": {"q": 2, "r": 3}}, "terms": [{"label": "t", "value": "1 / 3"}]},
    },
}


def test_dir_lists_the_public_api_and_nothing_else():
    names = dir(dealopt)
    for public in ("solve", "Result", "Status", "load", "instance", "evaluate", "explain"):
        assert public in names
    assert "Any" not in names and "TYPE_CHECKING" not in names
    for name in dealopt.__all__:
        assert getattr(dealopt, name) is not None


def test_short_reprs():
    instance = dealopt.instance(SMALL)
    result = dealopt.solve(instance)
    assert repr(instance) == "<Instance 'small': 2 parties, 1 issue, 3 possible deals>"
    assert repr(result) == "<Result 'small': complete, 3 frontier points, 1 in the zone>"
    big = dealopt.solve(dealopt.load(HELSINKI))
    assert "\n" not in repr(big) and len(repr(big)) < 120
    assert len(repr(dealopt.load(HELSINKI))) < 120


def test_notebook_display_is_the_summary_and_the_table():
    result = dealopt.solve(dealopt.instance(SMALL))
    page = result._repr_html_()
    assert page.startswith("<p>small: 3 possible deals.")
    assert page.count("<tr>") == 1 + len(result.zone)  # header and one row per zone deal
    assert "<td>1</td>" in page  # deals numbered from 1
    assert "7/3" not in page and "2.33" in page  # rounded for reading, said once
    assert "Numbers are rounded to 2 decimals" in page
    assert "<table>" in dealopt.instance(SMALL)._repr_html_()


def test_float_view_of_utilities():
    result = dealopt.solve(dealopt.instance(SMALL))
    point = result.frontier[0]
    assert all(isinstance(u, Fraction) for u in point.utilities.values())  # exact stays
    assert point.utilities_float == {p: float(u) for p, u in point.utilities.items()}
    assert all(isinstance(u, float) for u in point.utilities_float.values())


def test_solve_docstring_names_every_backend():
    doc = dealopt.solve.__doc__ or ""
    for name in NAMES:
        assert f'``"{name}"``' in doc, name


def test_docs_stand_alone():
    """No file of the repository points to a design document it does not contain."""
    for path in [*ROOT.glob("*.md"), *ROOT.glob("docs/*.md"), *ROOT.rglob("dealopt/**/*.py")]:
        text = path.read_text(encoding="utf-8")
        for name in re.findall(r"\b([A-Z][A-Z_]+\.md)\b", text):
            assert (ROOT / name).exists() or (ROOT / "docs" / name).exists(), (path, name)


def test_a_capped_list_of_tied_deals_leaves_the_search_complete():
    # Nine deals tie at one point (neither party cares about `x` or `y`): listing two of them
    # (the cap reached) says so on the point, but the frontier search itself was complete.
    import dealopt

    inst = dealopt.instance(
        {
            "dealopt": 1,
            "name": "ties",
            "parties": {"a": {"no_deal": 0}, "b": {"no_deal": 0}},
            "issues": {"x": {"range": [0, 2]}, "y": {"range": [0, 2]}, "p": {"range": [0, 1]}},
            "interests": {
                "a": {"weights": {"p": 1}, "scores": {"p": "linear"}},
                "b": {"weights": {"p": -1}, "scores": {"p": "linear"}},
            },
        }
    )
    for backend in ("enumerate", "cpsat"):
        r = dealopt.solve(inst, backend=backend, all_deals=True, all_deals_cap=2)
        assert str(r.status) == "complete"
        assert len(r.frontier) == 2
        assert all(len(p.all_deals) == 2 and p.all_deals_complete is False for p in r.frontier)
