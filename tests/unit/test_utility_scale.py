"""A party's utility scale: ``interests.<p>.scale`` divides its weighted sum (and terms).

Worked by hand (2 parties, 3 issues):

    price:    low | mid | high
    delivery: slow | fast
    warranty: integer range 0..2

    buyer  sum = 2 × pB(price) + dB(delivery) + warranty     pB: low 5, mid 3, high 0
                                                            dB: fast 2
           scale 4: u_B = sum / 4, no_deal 3/4 (on the divided scale)
    seller sum = pS(price) + dS(delivery) + term             pS: mid 4, high 7
                                                            dS: slow 2, fast 1/2
           term -3/2 when delivery == fast and warranty >= 1
           scale 3: u_S = sum / 3 (thirds: no terminating decimal); no no_deal given, so
           its utility of the status quo (low, slow, 0): (0 + 2) / 3 = 2/3

(low, slow, 0): u_B = 10/4 = 5/2, u_S = 2/3. (mid, fast, 1): u_B = (6 + 2 + 1)/4 = 9/4,
u_S = (4 + 1/2 - 3/2)/3 = 1. (high, fast, 2): u_B = 4/4 = 1, u_S = (7 + 1/2 - 3/2)/3 = 2.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from fractions import Fraction

import pytest

import dealopt
from dealopt.analysis.scales import scales
from dealopt.backends import available_backends
from dealopt.errors import SpecError
from dealopt.rules.oracle import Oracle

F = Fraction
BACKENDS = [b for b in available_backends() if b != "auto"]


def data(buyer_scale: int | None = 4, seller_scale: int | None = 3, buyer_no_deal="0.75"):
    buyer: dict = {
        "weights": {"price": 2},
        "scores": {
            "price": {"low": 5, "mid": 3, "high": 0},
            "delivery": {"fast": 2},
            "warranty": "linear",
        },
    }
    seller: dict = {
        "scores": {"price": {"mid": 4, "high": 7}, "delivery": {"slow": 2, "fast": 0.5}},
        "terms": [{"label": "late", "when": "delivery == fast and warranty >= 1", "value": -1.5}],
    }
    if buyer_scale is not None:
        buyer["scale"] = buyer_scale
    if seller_scale is not None:
        seller["scale"] = seller_scale
    return {
        "dealopt": 1,
        "name": "scaled",
        "parties": {"buyer": {"no_deal": Decimal(buyer_no_deal)}, "seller": {}},
        "issues": {
            "price": {"options": ["low", "mid", "high"]},
            "delivery": {"options": ["slow", "fast"]},
            "warranty": {"range": [0, 2]},
        },
        "interests": {"buyer": buyer, "seller": seller},
    }


def by_hand(price: str, delivery: str, warranty: int, bs=4, ss=3) -> tuple[Fraction, Fraction]:
    b = 2 * {"low": 5, "mid": 3, "high": 0}[price] + (2 if delivery == "fast" else 0) + warranty
    s = {"low": 0, "mid": 4, "high": 7}[price] + (2 if delivery == "slow" else F(1, 2))
    if delivery == "fast" and warranty >= 1:
        s -= F(3, 2)
    return F(b) / bs, F(s) / ss


DEALS = list(itertools.product(("low", "mid", "high"), ("slow", "fast"), (0, 1, 2)))


def deal(combo) -> dict:
    return dict(zip(("price", "delivery", "warranty"), combo, strict=True))


def brute_force(bs=4, ss=3):
    """Frontier and zone by hand: every deal's utilities, the nondominated ones."""
    points = {by_hand(*c, bs=bs, ss=ss) for c in DEALS}
    frontier = {
        p for p in points if not any(q != p and q[0] >= p[0] and q[1] >= p[1] for q in points)
    }
    d = (F(3, bs), F(2, ss))  # buyer 3 on the sums' scale; seller its status quo's sum, 2
    zone = {p for p in frontier if p[0] >= d[0] and p[1] >= d[1]}
    return frontier, zone, d


def test_utilities_are_the_sums_divided_by_the_scale_worked_by_hand():
    oracle = Oracle(dealopt.instance(data()))
    assert oracle.utilities(deal(("low", "slow", 0))) == {"buyer": F(5, 2), "seller": F(2, 3)}
    assert oracle.utilities(deal(("mid", "fast", 1))) == {"buyer": F(9, 4), "seller": F(1)}
    assert oracle.utilities(deal(("high", "fast", 2))) == {"buyer": F(1), "seller": F(2)}
    for combo in DEALS:
        u = oracle.utilities(deal(combo))
        assert (u["buyer"], u["seller"]) == by_hand(*combo)
    assert oracle.no_deal("buyer") == F(3, 4)  # as written: on the divided scale
    assert oracle.no_deal("seller") == F(2, 3)  # the status quo's utility, divided too
    # a rule reading utility() reads the divided utility
    assert oracle.evaluate("utility(seller) == 2/3", deal(("low", "slow", 0))) is True


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_backend_finds_the_scaled_frontier(backend):
    frontier, zone, d = brute_force()
    scaled = dealopt.solve(dealopt.instance(data()), backend=backend)
    assert {(f.utilities["buyer"], f.utilities["seller"]) for f in scaled.frontier} == frontier
    got_zone = {
        (scaled.frontier[k].utilities["buyer"], scaled.frontier[k].utilities["seller"])
        for k in scaled.zone
    }
    assert got_zone == zone
    assert (scaled.no_deal["buyer"], scaled.no_deal["seller"]) == d
    # the same deals as the unscaled instance with its no-deal value scaled alike
    plain = dealopt.solve(
        dealopt.instance(data(buyer_scale=None, seller_scale=None, buyer_no_deal="3")),
        backend=backend,
    )
    assert [dict(f.deal) for f in scaled.frontier] == [dict(f.deal) for f in plain.frontier]
    assert scaled.zone == plain.zone
    for a, b in zip(scaled.frontier, plain.frontier, strict=True):
        assert (a.utilities["buyer"] * 4, a.utilities["seller"] * 3) == (
            b.utilities["buyer"],
            b.utilities["seller"],
        )


def test_scale_invariant_solutions_stay_and_egalitarian_uses_the_divided_utilities():
    # Zone on the sums (buyer, seller), no deal (3, 2): (8, 6), (10, 3), (12, 2); the
    # smallest gain is largest at (8, 6) (gains 5, 4). Divided by 12 and 2 the gains are
    # (5/12, 2) and (7/12, 1/2) for (10, 3): now (10, 3) has the larger smallest gain.
    _, zone, d = brute_force(bs=12, ss=2)
    scaled = dealopt.solve(
        dealopt.instance(data(buyer_scale=12, seller_scale=2, buyer_no_deal="0.25")),
        backend="enumerate",
    )
    plain = dealopt.solve(
        dealopt.instance(data(buyer_scale=None, seller_scale=None, buyer_no_deal="3")),
        backend="enumerate",
    )

    def point(result, name):
        s = result.solution(name)
        return s.utilities["buyer"], s.utilities["seller"]

    # egalitarian by hand: the largest smallest gain over the no-deal values, divided scale
    best = max(zone, key=lambda u: min(u[0] - d[0], u[1] - d[1]))
    assert point(scaled, "egalitarian") == best == (F(10, 12), F(3, 2))
    assert point(plain, "egalitarian") == (8, 6)  # not where the undivided sums put it
    # Nash and Kalai-Smorodinsky do not depend on a party's scale
    for name in ("nash", "kalai_smorodinsky"):
        assert dict(scaled.solution(name).deal) == dict(plain.solution(name).deal)


def test_check_shows_the_divided_range():
    got = {s.party: s for s in scales(dealopt.instance(data())).parties}
    every = [by_hand(*c) for c in DEALS]
    assert (got["buyer"].low, got["buyer"].high) == (min(u[0] for u in every), F(14, 4))
    assert got["buyer"].no_deal == F(3, 4) and got["seller"].no_deal == F(2, 3)


@pytest.mark.parametrize("bad", [0, -2])
def test_a_scale_must_be_positive(bad):
    with pytest.raises(SpecError) as err:
        dealopt.instance(data(buyer_scale=bad))
    assert "scale of 'buyer' must be a positive number" in str(err.value)


def test_export_and_import_keep_the_scale(tmp_path):
    from dealopt.io import genius

    original = dealopt.instance(
        {
            **data(),
            "interests": {
                "buyer": data()["interests"]["buyer"],
                "seller": {k: v for k, v in data()["interests"]["seller"].items() if k != "terms"},
            },
        }
    )
    written, _ = genius.export(original, tmp_path)
    back = genius.load(written[0], written[1:])
    assert back == original
    # read as plain GENIUS: the same 0..1 utilities GENIUS computes, affine in ours, and
    # the reservation value where our no-deal value maps
    plain = genius.load(written[0], written[1:], genius_scale=True)
    a, b = Oracle(original), Oracle(plain)

    def as_plain(combo) -> dict:
        return {
            name: next(v for v in issue.values if str(v).removeprefix("v") == str(x))
            for (name, issue), x in zip(plain.issues.items(), combo, strict=True)
        }

    for combo in DEALS:
        mine, theirs = a.utilities(deal(combo)), b.utilities(as_plain(combo))
        for p in mine:  # acceptable to the same parties (3/14 is written to 18 places)
            if mine[p] != a.no_deal(p):
                assert (theirs[p] > b.no_deal(p)) == (mine[p] > a.no_deal(p))
    assert max(b.utilities(as_plain(c))["buyer"] for c in DEALS) == 1


def test_a_sweep_reads_no_deal_values_and_scores_on_their_own_scales(tmp_path):
    # one issue x: a's sums p 0, q 5, r 10, divided by 5; b's p 10, q 6, r 0, no_deal 2
    toy = {
        "dealopt": 1,
        "name": "toy",
        "parties": {"a": {"no_deal": 0}, "b": {"no_deal": 2}},
        "issues": {"x": {"options": ["p", "q", "r"]}},
        "interests": {
            "a": {"scores": {"x": {"p": 0, "q": 5, "r": 10}}, "scale": 5},
            "b": {"scores": {"x": {"p": 10, "q": 6, "r": 0}}},
        },
    }
    table = tmp_path / "scenarios.csv"
    # a's no-deal value on its divided scale; q's score on the scale of the scores
    table.write_text(
        "parties.a.no_deal,interests.a.scores.x.q\n-0.2,5\n0.6,5\n1.6,5\n0.6,9\n", encoding="utf-8"
    )
    r = dealopt.sweep(dealopt.instance(toy), scenarios=table)
    assert [o.zone_size for o in r.outcomes] == [2, 1, 0, 1]
    assert r.outcomes[0].solutions["egalitarian"].utilities == (F(1), F(6))
    assert r.outcomes[3].solutions["nash"].utilities == (F(9, 5), F(6))
    assert [o.no_deal[0] for o in r.outcomes] == [F(-1, 5), F(3, 5), F(8, 5), F(3, 5)]
