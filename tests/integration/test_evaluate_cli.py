"""`dealopt evaluate` end to end: a hand-worked instance, Helsinki's status quo against the
numbers of the hand check in the instance file's header, the JSON schema, CSV, bad deals."""

from __future__ import annotations

import csv
import io
import json
import sys
from fractions import Fraction
from pathlib import Path

import jsonschema
import pytest

import dealopt
from dealopt.cli import main

ROOT = Path(__file__).resolve().parents[2]
HELSINKI = ROOT / "instances" / "helsinki2018.yaml"
SCHEMA = json.loads((ROOT / "docs" / "evaluation-schema.json").read_text(encoding="utf-8"))

# A price and a warranty. Buyer: 10 - price + 3 x warranty level; seller: price - 2 x warranty
# level. Red line of the seller: price >= 2. Rule: price 5 needs a warranty.
SALE = """\
dealopt: 1
name: Sale
parties:
  buyer: {no_deal: 0}
  seller: {no_deal: 0}
issues:
  price: {range: [0, 5], status_quo: 5}
  warranty: {options: [none, short, long]}
attributes:
  years:
    warranty: {short: 1, long: 2}
interests:
  buyer:
    terms:
      - {label: Money left, value: 10 - price}
      - {label: Warranty, value: 3 * years(warranty)}
  seller:
    weights: {price: 1}
    scores: {price: linear}
    terms:
      - {label: Warranty cost, value: -2 * years(warranty)}
red_lines:
  seller:
    - {label: Not below 2, rule: price >= 2}
rules:
  - {label: Top price needs a warranty, rule: price == 5 -> warranty != none}
deals:
  asking:
    label: The asking price
    sources: [the advert]
    choose: {price: 5, warranty: short}
  cheap:
    choose: {price: 1}
"""


def run(args: list, monkeypatch, capsys) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["dealopt", *map(str, args)])
    with pytest.raises(SystemExit) as stop:
        main()
    out, err = capsys.readouterr()
    return (0 if stop.value.code is None else stop.value.code), out, err


@pytest.fixture
def sale(tmp_path) -> Path:
    path = tmp_path / "sale.yaml"
    path.write_text(SALE, encoding="utf-8")
    return path


@pytest.mark.parametrize("backend", ["enumerate", "cpsat"])
def test_sale_by_hand(sale, backend):
    ev = dealopt.evaluate(dealopt.load(sale), backend=backend)
    asking, cheap = ev.deals
    # asking (5, short): buyer 10 - 5 + 3 = 8, seller 5 - 2 = 3. Feasible. Every other
    # feasible deal: (p, w) with p >= 2, p == 5 -> w != none. Buyer 10 - p + 3w, seller p - 2w.
    # No party worse off: 10 - p + 3w >= 8 and p - 2w >= 3, i.e. p <= 2 + 3w and p >= 3 + 2w:
    # w=0: none; w=1: p = 5 (itself); w=2: p in {7..8}: out of range. So Pareto-optimal.
    assert asking.utilities == {"buyer": 8, "seller": 3}
    assert asking.gains == {"buyer": 8, "seller": 3}
    assert asking.label == "The asking price" and asking.sources == ("the advert",)
    assert asking.source is not None and asking.source.endswith(":29:5")
    assert asking.broken == () and asking.acceptable and asking.pareto_optimal
    assert asking.dominated_by == 0 and asking.max_min_gain == 0
    assert asking.improvements == {"max_min_gain": None, "nash": None}
    parts = {p.name: p.value for p in asking.parts["buyer"]}
    assert parts == {"Money left": 5, "Warranty": 3}
    # cheap (1, none): buyer 9, seller 1; breaks the seller's red line only.
    assert cheap.utilities == {"buyer": 9, "seller": 1}
    assert [(b.kind, b.owner, b.label) for b in cheap.broken] == [
        ("red_line", "seller", "Not below 2")
    ]
    assert cheap.broken[0].text == "price >= 2"
    assert cheap.broken[0].source.endswith(":24:34")
    assert not cheap.acceptable and not cheap.pareto_optimal
    # Improvements: feasible (p, w) with 10 - p + 3w >= 9 and p - 2w >= 1: p <= 1 + 3w,
    # p >= 1 + 2w, p >= 2. w=1: p = 3 or 4 -> (10, 1) gains (1, 0) and (9, 2) gains (0, 1);
    # w=2: p = 5 -> (11, 1) gains (2, 0). Every minimum gain is 0; the largest sum is 2, by
    # (5, long); leximin and order leave it. Nash: every product is 0, the sum decides: the same.
    best = cheap.improvements["max_min_gain"]
    assert best is not None and dict(best.deal) == {"price": 5, "warranty": "long"}
    assert best.changes == {"buyer": 2, "seller": 0}
    assert cheap.max_min_gain == 0
    nash = cheap.improvements["nash"]
    assert nash is not None and dict(nash.deal) == {"price": 5, "warranty": "long"}
    # Frontier: (2, none) 8/2, (3, short) 10/1, (4, short) 9/2, (5, short) 8/3, (5, long)
    # 11/1, ... nondominated: (11, 1), (9, 2), (8, 3). Dominating (9, 1): (11, 1) and (9, 2).
    assert cheap.dominated_by == 2
    # nearest dominating: (9, 2) at distance 1 (against 4 for (11, 1))
    assert cheap.nearest_dominating is not None
    assert dict(cheap.nearest_dominating.utilities) == {"buyer": 9, "seller": 2}
    # Nearest feasible: one change, price 1 -> 2..4 (warranty none; 5 needs a warranty) or
    # warranty -> short/long (price 1 still breaks the red line): price 2, 3, 4 with none.
    # Least costly first: changes (-1, +1), (-2, +2), (-3, +3).
    assert cheap.nearest_distance == 1 and cheap.nearest_count == 3
    assert [dict(a.deal)["price"] for a in cheap.nearest_feasible] == [2, 3, 4]
    assert cheap.nearest_feasible[0].changes == {"buyer": -1, "seller": 1}
    moves = cheap.nearest_feasible[0].moves
    assert [(m.issue, m.before, m.after, m.gives, m.gains) for m in moves] == [
        ("price", 1, 2, (), ("seller",))
    ]


def test_helsinki_status_quo_against_the_hand_check(monkeypatch, capsys):
    args = ["evaluate", HELSINKI, "--deal", "sanctions=maintain", "--format", "json"]
    code, out, err = run(args, monkeypatch, capsys)
    assert code == 0, err
    document = json.loads(out)
    jsonschema.validate(document, SCHEMA)
    (sq,) = document["deals"]
    # The file's header: status quo US 22.1, Russia 48.2, breaking the two US red lines.
    assert sq["utilities_exact"] == {"us": "22.1", "russia": "48.2"}
    assert [b["label"] for b in sq["broken"]] == [
        "Not seen as a Russian puppet",
        "A visible win before the midterms",
    ]
    assert all(b["source"].startswith(str(HELSINKI) + ":") for b in sq["broken"])
    assert not sq["acceptable"] and not sq["pareto_optimal"]
    # 13 of the 14 zone points have Russia >= 48.2 (all but (74.1, 45.15)); the 8 other
    # frontier points have Russia below 45.
    assert sq["dominated_by"] == 13
    # Max-min gain: US gains at least 54.4 - 22.1 = 32.3 on those points, Russia at most
    # 63 - 48.2 = 14.8, reached by (54.4, 63).
    best = sq["improvements"]["max_min_gain"]
    assert best["utilities_exact"] == {"us": "54.4", "russia": "63"}
    assert sq["max_min_gain_exact"] == "14.8"
    # Nash over the gains: (62.1, 62.05) gives 40 x 13.85 = 554, more than (64.75, 61):
    # 42.65 x 12.8 = 545.92, (56.6, 62.85): 505.4, (54.4, 63): 478.04, (66.55, 58.6): 462.28.
    assert sq["improvements"]["nash"]["utilities_exact"] == {"us": "62.1", "russia": "62.05"}


def test_table_and_csv(sale, monkeypatch, capsys):
    code, out, err = run(["evaluate", sale], monkeypatch, capsys)
    assert code == 0, err
    assert "asking: The asking price" in out
    assert "Verdict: feasible; acceptable to every party; Pareto-optimal." in out
    assert "seller red line 'Not below 2': price >= 2" in out
    assert "Nearest feasible deals: 1 issue changed; 3 such deals" in out
    code, out, err = run(["evaluate", sale, "-d", "cheap", "-f", "csv"], monkeypatch, capsys)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["row"] for r in rows] == ["deal", "max_min_gain", "nash"]
    assert (rows[0]["buyer"], rows[0]["seller"], rows[0]["broken"]) == ("9", "1", "Not below 2")
    assert (rows[1]["price"], rows[1]["warranty"], rows[1]["change_buyer"]) == ("5", "long", "2")


@pytest.mark.parametrize(
    ("deal", "message"),
    [
        ("askng", "unknown deal 'askng'"),
        ("price=9", "'9' is not a value of issue 'price' (integers 0 to 5 by 1)"),
        ("warranty=lng", "'lng' is not an option of issue 'warranty' (did you mean 'long'?)"),
        ("prise=3", "unknown issue 'prise' (did you mean 'price'?)"),
    ],
)
def test_bad_deals_exit_1_with_one_message(sale, monkeypatch, capsys, deal, message):
    code, out, err = run(["evaluate", sale, "--deal", deal], monkeypatch, capsys)
    assert code == 1 and out == ""
    assert message in err and "Traceback" not in err


def test_library_takes_mappings_and_texts(sale):
    instance = dealopt.load(sale)
    ev = dealopt.evaluate(instance, [{"price": 3}, "price=3, warranty=short"])
    assert [dict(d.deal) for d in ev.deals] == [
        {"price": 3, "warranty": "none"},
        {"price": 3, "warranty": "short"},
    ]
    assert ev.deals[1].utilities == {"buyer": Fraction(10), "seller": Fraction(1)}
    with pytest.raises(dealopt.DealoptError, match="did you mean 'price'"):
        dealopt.evaluate(instance, {"prize": 3})


def test_explain_names_the_alignment_of_each_named_deal(sale):
    from dealopt.analysis.explain import explain

    ex = explain(dealopt.load(sale), backend="enumerate")
    # Feasible deals (buyer, seller): warranty none, price 2-4: (8,2) (7,3) (6,4); short,
    # 2-5: (11,0) (10,1) (9,2) (8,3); long, 2-5: (14,-2) (13,-1) (12,0) (11,1). No-deal 0, 0.
    # Zone: (12,0) = 4/long, (11,1) = 5/long, (9,2) = 4/short, (8,3) = 5/short, (6,4) = 4/none.
    # From the status quo (5, none): A = price and warranty move (2 deals, first in the
    # zone's order), B = only the warranty moves (2), C = only the price moves (1).
    structures = [[m.issue for m in a.structure if m.moved] for a in ex.alignments.zone]
    assert structures == [["price", "warranty"], ["warranty"], ["price"]]
    named = {n.name: n for n in ex.named}
    # asking (5, short): only the warranty moves -> B; cheap (1, none): only the price -> C,
    # although it breaks the seller's red line (an alignment is a structure).
    assert (named["asking"].zone, named["asking"].differs) == (1, ())
    assert (named["cheap"].zone, named["cheap"].closest) == (2, 2)
    text = ex.text()
    assert "Named deal asking (The asking price): alignment B" in text
    assert "Named deal cheap: alignment C" in text
    assert ex.to_dict()["named_deals"][0] == {
        "name": "asking",
        "label": "The asking price",
        "zone_alignment": 1,
        "acceptable_structure": named["asking"].acceptable,
        "closest_alignment": 1,
        "differs": [],
    }


def test_a_time_limit_reports_what_it_cut(sale):
    ev = dealopt.evaluate(dealopt.load(sale), backend="cpsat", time_limit=1e-9)
    for d in ev.deals:
        # what needs no solver is always there
        assert d.utilities and d.parts
        assert not d.max_min_complete and not d.frontier_complete
        assert d.max_min_gain is None and d.dominated_by is None
        assert d.improvements == {"max_min_gain": None, "nash": None}
        assert not d.pareto_optimal
    jsonschema.validate(ev.to_dict(), SCHEMA)
    assert "Improvements: not computed (time limit)." in ev.text()
