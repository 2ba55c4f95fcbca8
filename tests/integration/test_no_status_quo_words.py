"""An instance without a status quo (``status_quo: none``, as every GENIUS import writes):
utilities on GENIUS's 0..1 scale, and no output words a deal as a move from a status quo.

The Flat fixture (tests/fixtures/genius/Flat) is imported, then solved, explained, evaluated,
checked and reported from the command line. The exchange structure of the Nash deal is
worked out here from the instance's own scores: on each issue, a party *has its way* when the
option chosen is the one it scores highest.
"""

from __future__ import annotations

import html
import re
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

import dealopt
from dealopt import cli
from dealopt.analysis.alignments import structure, words
from dealopt.errors import SpecError

FLAT = Path(__file__).resolve().parents[1] / "fixtures" / "genius" / "Flat"
PROFILES = [FLAT / "Flat-landlord.xml", FLAT / "Flat-tenant.xml"]
# Wording that only makes sense against a status quo.
STATUS_QUO_WORDS = [
    "(status quo)",
    "at the status quo",
    "from the status quo",
    "status quo ",
    "unmoved",
    " moves ",
    " -> ",
    " to landlord",
    " to tenant",
    "no common move",
]


def run(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["dealopt", *args])
    with pytest.raises(SystemExit) as done:
        cli.main()
    out = capsys.readouterr()
    return done.value.code or 0, out.out, out.err


@pytest.fixture
def flat(tmp_path, monkeypatch, capsys) -> Path:
    path = tmp_path / "flat.yaml"
    code, _, err = run(
        monkeypatch, capsys, "import", "genius", str(FLAT / "Flat-domain.xml"),
        *map(str, PROFILES), "-o", str(path),
    )  # fmt: skip
    assert code == 0, err
    return path


def without_description(text: str, instance: dealopt.Instance) -> str:
    """The output without the file's own description (which says GENIUS has no status quo)."""
    flat = " ".join(text.split())
    return flat.replace(" ".join((instance.description or "").split()), "")


def assert_no_status_quo_words(text: str) -> None:
    for phrase in STATUS_QUO_WORDS:
        assert phrase not in text, phrase


def test_imported_file_has_no_status_quo_and_explicit_no_deal_values(flat):
    instance = dealopt.load(flat)
    assert not instance.has_status_quo
    assert "status_quo: none" in flat.read_text(encoding="utf-8")
    # every no-deal value is the profile's reservation value, on GENIUS's 0..1 scale
    assert {p: v.no_deal for p, v in instance.parties.items()} == {
        "landlord": Decimal("0.55"),
        "tenant": Decimal("0.4"),
    }
    assert "status_quo:" not in flat.read_text(encoding="utf-8").split("issues:")[1]


def test_solve_words_the_nash_deal_by_its_options(flat, monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, "solve", str(flat))
    assert code == 0
    result = dealopt.solve(dealopt.load(flat))
    nash = result.solution("nash")
    chosen = ", ".join(f"{i}={v}" for i, v in nash.deal.items())
    assert f"It chooses {chosen}." in " ".join(out.split())
    assert_no_status_quo_words(out)
    # on GENIUS's scale: the landlord's best zone deal is worth exactly 1 (its cap)
    assert max(p.utilities["landlord"] for p in result.zone_deals) == 1
    assert "landlord 0.93 (no deal 0.55)" in " ".join(out.split())


def test_explain_says_who_has_its_way_on_each_issue(flat, monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, "explain", str(flat))
    assert code == 0
    instance = dealopt.load(flat)
    text = without_description(out, instance)
    assert_no_status_quo_words(text)
    assert "has its way on" in text and "a compromise" in text
    # every zone deal has the landlord's best lease term, and only that issue goes one way
    # in all of them (by hand from the scores and the zone)
    zone = dealopt.solve(instance).zone_deals
    assert {d.deal["lease_term"] for d in zone} == best_by_hand(instance, "landlord", "lease_term")
    assert "They share one core: landlord has its way on lease_term." in text
    assert "how often each outcome occurs" in text


def best_by_hand(instance: dealopt.Instance, party: str, issue: str) -> set:
    interest = instance.interests[party]
    w = Fraction(interest.weights[issue])
    parts = {v: w * Fraction(interest.score(issue, v)) for v in instance.issues[issue].values}
    return {v for v, x in parts.items() if x == max(parts.values())}


def test_the_nash_deal_structure_worked_from_the_scores(flat):
    instance = dealopt.load(flat)
    nash = dealopt.solve(instance).solution("nash")
    assert dict(nash.deal) == {
        "rent": "v1_050_a_month",
        "lease_term": "v24_months",
        "furnishing": "fully_furnished",
        "move_in_week": 4,
        "pets": "one_cat",
    }
    got = {m.issue: (set(m.gains), set(m.gives)) for m in structure(instance, nash.deal)}
    for issue, value in nash.deal.items():
        way = {p for p in instance.parties if value in best_by_hand(instance, p, issue)}
        assert got[issue] == (way, set(instance.parties) - way), issue
    # landlord gets its best lease term and move-in week, the tenant its best furnishing;
    # neither gets its best rent or pets rule
    assert words(structure(instance, nash.deal), {p: p for p in instance.parties}) == (
        "landlord has its way on lease_term, move_in_week; tenant has its way on furnishing; "
        "a compromise (no party's best) on rent, pets"
    )


def test_evaluate_wants_whole_deals_and_words_them_by_their_options(flat, monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, "evaluate", str(flat))
    assert code == 1 and "no status quo" in err and "Traceback" not in err
    code, _, err = run(monkeypatch, capsys, "evaluate", str(flat), "-d", "rent=v950_a_month")
    assert code == 1 and "leaves out lease_term, furnishing, move_in_week, pets" in err
    whole = (
        "rent=v1_050_a_month, lease_term=v12_months, furnishing=unfurnished, move_in_week=2, "
        "pets=no_pets"
    )
    code, out, err = run(monkeypatch, capsys, "evaluate", str(flat), "-d", whole)
    assert code == 0, err
    flat_out = " ".join(out.split())
    assert (
        "Deal: rent=v1_050_a_month lease_term=v12_months furnishing=unfurnished "
        "move_in_week=2 pets=no_pets." in flat_out
    )
    assert "each divided by the party's scale: landlord 9, tenant 3" in flat_out
    assert "the status quo" not in flat_out


def test_check_shows_no_status_quo_utility(flat, monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, "check", str(flat))
    assert code == 0
    assert "range over all deals (rules ignored), no deal:" in out
    assert "utility = sum / 9" in out
    assert_no_status_quo_words(out)
    # the 26 cap terms each pin one deal: at most one applies, so no spurious spread warning
    assert "spans" not in out and "landlord  0.18 to 1.16" in out


def test_report_marks_no_status_quo(flat, tmp_path, monkeypatch, capsys):
    page = tmp_path / "flat.html"
    code, _, err = run(monkeypatch, capsys, "report", str(flat), "-o", str(page))
    assert code == 0, err
    text = page.read_text(encoding="utf-8")
    assert "title='status quo'" not in text and "grey italics are the status quo" not in text
    visible = html.unescape(
        re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", "", text, flags=re.S))
    )
    assert_no_status_quo_words(without_description(visible, dealopt.load(flat)))
    assert "utility = sum / 9" in visible


BASE = """dealopt: 1
name: t
status_quo: none
parties:
  a: {no_deal: 1}
  b: {no_deal: 1}
issues:
  x: {options: [p, q]}
  y: {options: [r, s]}
interests:
  a: {scores: {x: {p: 2}, y: {r: 1}}}
  b: {scores: {x: {q: 2}, y: {s: 1}}}
"""


@pytest.mark.parametrize(
    ("change", "message", "line"),
    [
        (("  a: {no_deal: 1}", "  a: {}"), "party 'a' needs a no_deal", 5),
        (("  x: {options: [p, q]}", "  x: {options: [p, q], status_quo: q}"),
         "issue 'x' has a status_quo", 8),
        (("interests:", "deals:\n  half: {choose: {x: p}}\ninterests:"),
         "deal 'half' must choose every issue", 11),
        (("interests:", "groups: {g: [x]}\ninterests:"), "groups need a status quo", 10),
    ],
)  # fmt: skip
def test_nothing_may_lean_on_a_missing_status_quo(tmp_path, change, message, line):
    path = tmp_path / "t.yaml"
    path.write_text(BASE.replace(*change), encoding="utf-8")
    with pytest.raises(SpecError) as err:
        dealopt.load(path)
    problem = err.value.problems[0]
    assert message in problem.message
    assert problem.source is not None and problem.source.line == line


def test_without_a_status_quo_the_file_loads_and_solves(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(BASE, encoding="utf-8")
    result = dealopt.solve(dealopt.load(path), backend="enumerate")
    # by hand: (p, r) gives a 3, b 0; (q, s) a 0, b 3; (p, s) 2, 1; (q, r) 1, 2
    assert sorted((f.utilities["a"], f.utilities["b"]) for f in result.zone_deals) == [
        (1, 2),
        (2, 1),
    ]
    assert not result.has_status_quo


def test_the_shared_line_names_issues_left_at_the_status_quo():
    # with a status quo: every zone deal keeps `side` at its status quo and takes price mid;
    # by hand, keep and mid: a 1 + 2 + (slow 1), b 1 + 3 + (fast 2): (4, 4) and (3, 6); lo
    # gives a at most 2 < 3, hi gives b at most 3 < 4, drop is worse for both
    inst = dealopt.instance(
        {
            "dealopt": 1,
            "name": "shared",
            "parties": {"a": {"no_deal": 3}, "b": {"no_deal": 4}},
            "issues": {
                "side": {"options": ["keep", "drop"]},
                "price": {"options": ["lo", "mid", "hi"]},
                "speed": {"options": ["slow", "fast"]},
            },
            "interests": {
                "a": {"scores": {"side": {"keep": 1}, "price": {"mid": 2, "hi": 4},
                                 "speed": {"slow": 1}}},
                "b": {"scores": {"side": {"keep": 1}, "price": {"lo": 4, "mid": 3},
                                 "speed": {"fast": 2}}},
            },
        }
    )  # fmt: skip
    from dealopt.report.text import zone_table

    result = dealopt.solve(inst, backend="enumerate")
    assert {d.deal["side"] for d in result.zone_deals} == {"keep"}
    assert {d.deal["price"] for d in result.zone_deals} == {"mid"}
    text = " ".join(zone_table(result).split())
    assert "Every deal listed has price=mid and leaves side at the status quo." in text


def test_three_parties_without_a_shared_outcome(tmp_path, monkeypatch, capsys):
    folder = FLAT.parent / "Festival"
    path = tmp_path / "festival.yaml"
    profiles = [folder / f"Festival_{p}.xml" for p in ("council", "promoter", "residents")]
    code, _, err = run(
        monkeypatch, capsys, "import", "genius", str(folder / "Festival_domain.xml"),
        *map(str, profiles), "-o", str(path),
    )  # fmt: skip
    assert code == 0, err
    instance = dealopt.load(path)
    # by hand from the scores: on every issue, the parties having their way differ between
    # zone deals, so no issue goes the same way in all of them
    zone = dealopt.solve(instance).zone_deals
    for issue in instance.issues:
        ways = {
            frozenset(
                p for p in instance.parties if d.deal[issue] in best_by_hand(instance, p, issue)
            )
            for d in zone
        }
        assert len(ways) > 1, issue
    code, out, _ = run(monkeypatch, capsys, "explain", str(path))
    assert code == 0
    text = without_description(out, instance)
    assert "No issue goes the same way in all of them." in text
    assert "nothing moves" not in text
    assert_no_status_quo_words(text)
