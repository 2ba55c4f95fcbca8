"""A small instance solved by hand: frontier, zone and the four bargaining solutions.

Instance (2 parties, 3 issues, one red line, one term):

    price:    low | mid | high          status quo low
    delivery: slow | fast               status quo slow
    warranty: integer range 0..2        status quo 0

    buyer  u_B = 2 * pB(price) + dB(delivery) + warranty        (warranty scored linear)
           pB: low 5, mid 3, high 0     dB: slow 0, fast 2
           no-deal value 3
    seller u_S = pS(price) + dS(delivery) + wS(warranty) + term
           pS: low 0, mid 4, high 7     dS: slow 2, fast 0.5    wS: 0 -> 3, 1 -> 2, 2 -> 0
           term: -1.5 when "delivery == fast and warranty >= 1"
           red line: "not (price == low and delivery == fast)"
           no-deal value omitted: its utility of the status quo (low, slow, 0) = 0 + 2 + 3 = 5

All 18 deals (x: breaks the seller's red line):

     #  price delivery warranty |  u_B |                 u_S
     1  low   slow     0        |   10 |  0 + 2   + 3        =  5
     2  low   slow     1        |   11 |  0 + 2   + 2        =  4
     3  low   slow     2        |   12 |  0 + 2   + 0        =  2
     4  low   fast     0        |   12 |  0 + 0.5 + 3        =  3.5   x
     5  low   fast     1        |   13 |  0 + 0.5 + 2 - 1.5  =  1     x
     6  low   fast     2        |   14 |  0 + 0.5 + 0 - 1.5  = -1     x
     7  mid   slow     0        |    6 |  4 + 2   + 3        =  9
     8  mid   slow     1        |    7 |  4 + 2   + 2        =  8
     9  mid   slow     2        |    8 |  4 + 2   + 0        =  6
    10  mid   fast     0        |    8 |  4 + 0.5 + 3        =  7.5
    11  mid   fast     1        |    9 |  4 + 0.5 + 2 - 1.5  =  5
    12  mid   fast     2        |   10 |  4 + 0.5 + 0 - 1.5  =  3
    13  high  slow     0        |    0 |  7 + 2   + 3        = 12
    14  high  slow     1        |    1 |  7 + 2   + 2        = 11
    15  high  slow     2        |    2 |  7 + 2   + 0        =  9
    16  high  fast     0        |    2 |  7 + 0.5 + 3        = 10.5
    17  high  fast     1        |    3 |  7 + 0.5 + 2 - 1.5  =  8
    18  high  fast     2        |    4 |  7 + 0.5 + 0 - 1.5  =  6

(u_B: low 2*5 = 10, mid 2*3 = 6, high 0; plus 2 for fast; plus the warranty.)

Dominance among the 15 feasible deals (a dominates b: >= on both, > on one):
    #12 (10, 3) < #1 (10, 5);  #11 (9, 5) < #1 (10, 5);  #9 (8, 6) < #10 (8, 7.5);
    #18 (4, 6), #17 (3, 8) < #7 (6, 9);  #15 (2, 9) < #16 (2, 10.5).
    The other nine are nondominated (each has the largest u_S among deals with u_B at least
    its own). Frontier, lexicographically descending, one deal per point:
      0: (12, 2) #3   1: (11, 4) #2   2: (10, 5) #1   3: (8, 7.5) #10   4: (7, 8) #8
      5: (6, 9) #7    6: (2, 10.5) #16   7: (1, 11) #14   8: (0, 12) #13

Zone: u_B >= 3 and u_S >= 5: points 2, 3, 4, 5. (0 and 1 give the seller less than 5; 6, 7, 8
give the buyer less than 3.)

Gains g = (u_B - 3, u_S - 5) over the zone:
    point  u          g         product  min  sum u  sorted g
    2      (10, 5)    (7, 0)    0        0    15     (0, 7)
    3      (8, 7.5)   (5, 2.5)  12.5     2.5  15.5   (2.5, 5)
    4      (7, 8)     (4, 3)    12       3    15     (3, 4)
    5      (6, 9)     (3, 4)    12       3    15     (3, 4)

- Nash: max product: 12.5 at point 3 (unique).
- Utilitarian: max sum: 15.5 at point 3 (unique).
- Kalai-Smorodinsky: ideal over the zone (10, 9), spans (7, 4); min ratio per point:
    2: min(7/7, 0/4) = 0;  3: min(5/7, 2.5/4 = 5/8) = 5/8;  4: min(4/7, 3/4) = 4/7;
    5: min(3/7, 4/4) = 3/7.  Max 5/8 at point 3.
- Egalitarian: max min gain: 3 at points 4 AND 5: a tie. Second criterion, the utilitarian
  sum: 15 and 15, still tied. Third, leximin of the gains: (3, 4) and (3, 4), still tied.
  Last, the first point in frontier order: point 4, (7, 8) = deal #8 (mid, slow, 1).
"""

from __future__ import annotations

from fractions import Fraction

import pytest

import dealopt

BACKENDS = ["cpsat", "enumerate"]


def data(**changes) -> dict:
    base = {
        "dealopt": 1,
        "name": "hand-worked",
        "parties": {"buyer": {"no_deal": 3}, "seller": {}},
        "issues": {
            "price": {"options": ["low", "mid", "high"]},
            "delivery": {"options": ["slow", "fast"]},
            "warranty": {"range": [0, 2]},
        },
        "interests": {
            "buyer": {
                "weights": {"price": 2},
                "scores": {
                    "price": {"low": 5, "mid": 3, "high": 0},
                    "delivery": {"fast": 2},
                    "warranty": "linear",
                },
            },
            "seller": {
                "scores": {
                    "price": {"mid": 4, "high": 7},
                    "delivery": {"slow": 2, "fast": 0.5},
                    "warranty": {0: 3, 1: 2},
                },
                "terms": [
                    {
                        "label": "fast delivery with a warranty",
                        "when": "delivery == fast and warranty >= 1",
                        "value": -1.5,
                    }
                ],
            },
        },
        "red_lines": {
            "seller": [
                {
                    "label": "no fast delivery at a low price",
                    "rule": "not (price == low and delivery == fast)",
                }
            ]
        },
    }
    base.update(changes)
    return base


F = Fraction
FRONTIER = [
    ((12, 2), ("low", "slow", 2)),
    ((11, 4), ("low", "slow", 1)),
    ((10, 5), ("low", "slow", 0)),
    ((8, F("7.5")), ("mid", "fast", 0)),
    ((7, 8), ("mid", "slow", 1)),
    ((6, 9), ("mid", "slow", 0)),
    ((2, F("10.5")), ("high", "fast", 0)),
    ((1, 11), ("high", "slow", 1)),
    ((0, 12), ("high", "slow", 0)),
]


@pytest.mark.parametrize("backend", BACKENDS)
def test_frontier_zone_and_solutions(backend):
    result = dealopt.solve(dealopt.instance(data()), backend=backend, threads=1, all_deals=True)
    assert result.status == "complete"
    assert result.no_deal == {"buyer": 3, "seller": 5}
    got = [
        (
            (p.utilities["buyer"], p.utilities["seller"]),
            (p.deal["price"], p.deal["delivery"], p.deal["warranty"]),
        )
        for p in result.frontier
    ]
    assert got == FRONTIER
    assert all(len(p.all_deals) == 1 and p.all_deals_complete for p in result.frontier)
    assert result.zone == (2, 3, 4, 5)
    assert [p.acceptable for p in result.frontier] == [i in (2, 3, 4, 5) for i in range(9)]
    assert result.solutions == {
        "nash": 3,
        "kalai_smorodinsky": 3,
        "egalitarian": 4,  # tied with 5 down to the frontier order
        "utilitarian": 3,
    }
    assert dict(result.solution("egalitarian").deal) == {
        "price": "mid",
        "delivery": "slow",
        "warranty": 1,
    }


@pytest.mark.parametrize("backend", BACKENDS)
def test_no_acceptable_deal(backend):
    # the buyer's best feasible deal gives 12: a no-deal value of 12.5 leaves no zone
    changed = data(parties={"buyer": {"no_deal": 12.5}, "seller": {}})
    result = dealopt.solve(dealopt.instance(changed), backend=backend, threads=1)
    assert result.status == "no-acceptable-deal"
    assert len(result.frontier) == 9 and result.zone == ()
    assert set(result.solutions.values()) == {None}


@pytest.mark.parametrize("backend", BACKENDS)
def test_no_feasible_deal(backend):
    # this rule asks for exactly what the seller's red line forbids
    rules = [{"label": "fast only", "rule": "delivery == fast and price == low"}]
    result = dealopt.solve(dealopt.instance(data(rules=rules)), backend=backend, threads=1)
    assert result.status == "no-feasible-deal"
    assert result.frontier == () and result.zone == ()
    assert set(result.solutions.values()) == {None}
