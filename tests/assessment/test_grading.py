"""Forced distribution, peer ranks and movement, against hand-counted cases."""

from pacer.assessment.grading import forced, movement, peer_ranks


def test_ten_units_take_two_as_three_bs_four_cs_and_one_d():
    points = [(f"U{i}", 9_000 - i * 100) for i in range(10)]
    grades = forced(points)
    assert [grades[f"U{i}"] for i in range(10)] == ["A", "A", "B", "B", "B", "C", "C", "C", "C", "D"]


def test_quotas_round_half_up_on_seven_units():
    # 20 % of 7 = 1.4 -> 1 A; 50 % = 3.5 -> 4 within B; 90 % = 6.3 -> 6 within C; 1 D
    grades = forced([(i, 100 - i) for i in range(7)])
    assert [grades[i] for i in range(7)] == ["A", "B", "B", "B", "C", "C", "D"]


def test_a_tie_at_a_boundary_gives_both_the_better_grade():
    grades = forced([("a", 95), ("b", 90), ("c", 90), ("d", 80), ("e", 70)])
    assert grades["b"] == grades["c"] == "B"
    assert grades["a"] == "A"


def test_ranks_are_within_peer_groups_and_ties_share_a_rank():
    rows = [("m1", "military", 90), ("m2", "military", 85), ("m3", "military", 85), ("m4", "military", 70)]
    rows += [("c1", "civil", 60), ("c2", "civil", 95)]
    ranks = peer_ranks(rows)
    assert [ranks[k] for k in ("m1", "m2", "m3", "m4")] == [(1, 4), (2, 4), (2, 4), (4, 4)]
    assert ranks["c2"] == (1, 2)
    assert ranks["c1"] == (2, 2)


def test_movement_counts_places_gained():
    assert movement(2, 5) == 3
    assert movement(4, 1) == -3
    assert movement(1, None) is None
