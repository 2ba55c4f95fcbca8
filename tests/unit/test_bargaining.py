"""Bargaining solutions on hand-worked zones (derivations in the comments)."""

from fractions import Fraction as F

from dealopt.analysis.bargaining import egalitarian, kalai_smorodinsky, nash, utilitarian

# Zone with d = (0, 0):  A=(20,1) B=(14,4) C=(10,5) D=(6,6) E=(1,7)
#   Nash products:       20       56       50       36       7      -> B
#   min gain:            1        4        5        6        1      -> D (egalitarian)
#   sums:                21       18       15       12       8      -> A (utilitarian)
#   KS, ideal = (20, 7): min(20/20, 1/7)=1/7; B: min(14/20, 4/7)=4/7; C: min(1/2, 5/7)=1/2;
#                        D: min(6/20, 6/7)=3/10; E: min(1/20, 1)=1/20       -> B
ZONE = [(F(20), F(1)), (F(14), F(4)), (F(10), F(5)), (F(6), F(6)), (F(1), F(7))]
D0 = (F(0), F(0))


def test_each_solution_on_a_hand_worked_zone():
    assert nash(ZONE, D0) == 1
    assert kalai_smorodinsky(ZONE, D0) == 1
    assert egalitarian(ZONE, D0) == 3
    assert utilitarian(ZONE, D0) == 0


def test_no_deal_values_shift_the_solutions():
    # d = (5, 0): only B, C, D are in the zone ([14,4], [10,5], [6,6]).
    # Nash: 9*4=36, 5*5=25, 1*6=6 -> B.  Egalitarian: min(9,4)=4, min(5,5)=5, min(1,6)=1 -> C.
    zone = ZONE[1:4]
    d = (F(5), F(0))
    assert nash(zone, d) == 0
    assert egalitarian(zone, d) == 1
    # KS: ideal = (14, 6): B min(9/9, 4/6)=2/3; C min(5/9, 5/6)=5/9; D min(1/9, 1)=1/9 -> B.
    assert kalai_smorodinsky(zone, d) == 0


def test_ties_go_to_the_second_criterion_then_leximin_then_order():
    # Equal Nash products 12: P=(4,3) sum 7, Q=(6,2) sum 8 -> Q by the utilitarian sum.
    assert nash([(F(4), F(3)), (F(6), F(2))], D0) == 1
    # Equal utilitarian sums 8: (6,2) min gain 2, (4,4) min gain 4 -> the second.
    assert utilitarian([(F(6), F(2)), (F(4), F(4))], D0) == 1
    # Full tie in every criterion: mirror images -> the first in frontier order.
    assert egalitarian([(F(2), F(1)), (F(1), F(2))], D0) == 0


def test_exact_fractions_decide_close_calls():
    # Products 1/3 * 3 = 1 and 0.333... would tie in floats only approximately.
    a = (F(1, 3), F(3))
    b = (F(333333333333333, 10**15), F(3))
    assert nash([b, a], D0) == 1


def test_ks_ignores_a_party_with_no_room():
    # Party 2 gets exactly its no-deal value everywhere: ideal_2 = d_2, no ratio for it.
    zone = [(F(3), F(1)), (F(5), F(1))]
    assert kalai_smorodinsky(zone, (F(0), F(1))) == 1


def test_empty_zone_has_no_solution():
    for solution in (nash, kalai_smorodinsky, egalitarian, utilitarian):
        assert solution([], D0) is None


def test_three_parties():
    # d = 0: (6,1,1) product 6, (3,3,2) product 18, (2,2,4) product 16 -> second.
    zone = [(F(6), F(1), F(1)), (F(3), F(3), F(2)), (F(2), F(2), F(4))]
    d = (F(0),) * 3
    assert nash(zone, d) == 1
    # Egalitarian: min gains 1, 2, 2; the tie (3,3,2)/(2,2,4) has equal sums 8, so leximin:
    # sorted gains [2,3,3] beat [2,2,4] -> the second point.
    assert egalitarian(zone, d) == 1
    # Utilitarian: sums 8, 8, 8; then min gain 1, 2, 2; then the same leximin -> second point.
    assert utilitarian(zone, d) == 1
