"""Scoring rules against hand-computed cases. Values at scale 2 (85.55 -> 8555); points in
hundredths (30.00 points -> 3000)."""

import pytest

from pacer.assessment.rules import Adjustment, Band, Item, Rule, Span, Statement, Veto
from pacer.assessment.scoring import WHOLE_YEAR, Reading, assess, half_up, score_item

REVENUE = Item("revenue", 3000, Rule("linear", threshold=8000, target=10000), prorate=True)
TWO_FUNDS = Item("two_funds", 2000, Rule("linear", threshold=50000, target=40000, lower_is_better=True))
STEPS = Rule("stepwise", bands=(Band(10000, 10000), Band(9000, 8000), Band(8000, 5000)))


def points(item: Item, value: int | None, previous: int | None = None, span: Span = WHOLE_YEAR) -> int:
    return score_item(item, Reading(value, previous), span).points


@pytest.mark.parametrize(
    ("value", "expected", "status"),
    [
        (9000, 1500, "scored"),
        (8555, 833, "scored"),
        (11000, 3000, "capped"),
        (8000, 0, "below_threshold"),
        (7000, 0, "below_threshold"),
        (10000, 3000, "capped"),
    ],
)
def test_a_linear_item_earns_its_share_between_threshold_and_target_capped_at_its_weight(value, expected, status):
    score = score_item(REVENUE, Reading(value))
    assert (score.points, score.status) == (expected, status)
    assert (score.value, score.threshold, score.target, score.weight) == (value, 8000, 10000, 3000)
    if status == "scored":
        assert score.note == (
            "scored linear from the threshold to the strive target, capped",
            "按线性计分（门槛值至力争目标，封顶）",
        )


def test_a_cap_above_the_weight_rewards_over_achievement_up_to_the_cap():
    item = Item("profit", 3000, Rule("linear", threshold=8000, target=10000, cap=12_000))
    assert points(item, 11000) == 3600  # 150 % of the way, capped at 120 % of 30 points
    assert points(item, 10400) == 3600
    assert points(item, 10200) == 3300


@pytest.mark.parametrize(("value", "expected"), [(45000, 1000), (38000, 2000), (52000, 0), (47500, 500)])
def test_lower_is_better_earns_more_the_further_below_the_threshold(value, expected):
    assert points(TWO_FUNDS, value) == expected


@pytest.mark.parametrize(("value", "expected"), [(9500, 800), (10000, 1000), (12000, 1000), (8000, 500), (7999, 0)])
def test_a_stepwise_item_earns_the_share_of_the_best_band_reached(value, expected):
    assert points(Item("orders", 1000, STEPS), value) == expected


def test_a_lower_is_better_stepwise_item_reads_its_bands_from_below():
    rule = Rule("stepwise", bands=(Band(200, 10000), Band(500, 6000)), lower_is_better=True)
    item = Item("overdue", 1000, rule)
    assert [points(item, v) for v in (0, 200, 201, 500, 501)] == [1000, 1000, 600, 600, 0]


def test_zero_defects_is_pass_or_fail():
    item = Item("quality", 1000, Rule("zero_defects"), scale=0)
    assert points(item, 0) == 1000
    failed = score_item(item, Reading(2))
    assert (failed.points, failed.status) == (0, "defects")
    assert "2 defect(s)" in failed.note[0]
    assert "2 项缺陷" in failed.note[1]


def test_growth_is_scored_on_the_rate_against_last_year():
    item = Item("growth", 1000, Rule("growth", threshold=0, target=1000))  # 0 % -> 10 %
    half = score_item(item, Reading(10500, 10000))
    assert (half.points, half.measure) == (500, 500)  # 5 % growth, in basis points
    assert points(item, 9000, 10000) == 0
    # a loss of 50 turned to 0: (0 - (-50)) / |-50| = +100 %
    assert score_item(item, Reading(0, -5000)).status == "capped"


@pytest.mark.parametrize("previous", [None, 0])
def test_growth_without_last_years_figure_earns_nothing_and_says_why(previous):
    score = score_item(Item("growth", 1000, Rule("growth", threshold=0, target=1000)), Reading(10500, previous))
    assert (score.points, score.status) == (0, "no_base")
    assert "last year" in score.note[0]
    assert "上年" in score.note[1]


def test_an_item_without_data_earns_nothing_with_the_reason():
    score = score_item(REVENUE, Reading(None))
    assert (score.points, score.status, score.value) == (0, "no_data", None)
    assert score.note == ("no data: no points", "无数据，不得分")


def test_a_unit_created_in_april_is_held_to_nine_twelfths_of_its_flow_targets():
    item = Item("profit", 2000, Rule("linear", threshold=8000, target=12000), prorate=True)
    score = score_item(item, Reading(7500), Span(first=4))
    assert (score.threshold, score.target) == (6000, 9000)  # 80 x 9/12, 120 x 9/12
    assert score.points == 1000  # (75 - 60) / (90 - 60) = 1/2 of 20 points
    assert "9/12" in score.note[0]
    assert "9/12" in score.note[1]
    # a balance is held to its target as it stands
    assert score_item(TWO_FUNDS, Reading(45000), Span(first=4)).points == 1000


def test_the_provisional_mid_year_score_holds_flows_to_half_their_annual_targets():
    score = score_item(REVENUE, Reading(4500), Span(through=6))
    assert (score.threshold, score.target, score.points) == (4000, 5000, 1500)


def test_prorated_targets_are_shown_rounded_half_up_at_the_items_scale():
    item = Item("profit", 1000, Rule("linear", threshold=1, target=7), prorate=True)
    score = score_item(item, Reading(3), Span(first=7))  # 6 months: 0.5 and 3.5
    assert (score.threshold, score.target) == (1, 4)
    assert score.points == 833  # (3 - 0.5) / (3.5 - 0.5) = 5/6 of 10 points, exactly, then rounded


def test_a_unit_that_did_not_exist_in_the_period_earns_nothing():
    score = score_item(REVENUE, Reading(9000), Span(through=6, first=9))
    assert (score.points, score.status) == (0, "not_active")


def test_half_up_rounds_halves_away_from_zero():
    from fractions import Fraction

    assert [half_up(Fraction(n, 2)) for n in (-3, -1, 1, 3, 5)] == [-2, -1, 1, 2, 3]
    assert half_up(Fraction(1, 3)) == 0


STATEMENT = Statement(
    items=(REVENUE, TWO_FUNDS, Item("orders", 3000, STEPS), Item("quality", 2000, Rule("zero_defects"), scale=0)),
    adjustments=(Adjustment("award", "bonus", 200, 500), Adjustment("safety", "deduction", 300, 1000)),
    vetoes=(Veto("major_accident", "C", ("重大质量事故", "major quality accident")),),
)
READINGS = {"revenue": Reading(11000), "two_funds": Reading(38000), "orders": Reading(9500), "quality": Reading(0)}


def test_a_unit_is_graded_on_its_items_bonuses_and_deductions():
    result = assess(STATEMENT, READINGS, {"award": 3, "safety": 1})
    assert [i.points for i in result.items] == [3000, 2000, 2400, 2000]
    assert result.base == 9400
    assert [(a.code, a.points) for a in result.adjustments] == [("award", 500), ("safety", -300)]  # bonus capped
    assert result.total == 9600
    assert (result.grade_by_points, result.grade, result.vetoes) == ("A", "A", ())


def test_a_veto_caps_the_grade_whatever_the_points():
    result = assess(STATEMENT, READINGS, {"major_accident": 1})
    assert (result.total, result.grade_by_points, result.grade) == (9400, "A", "C")
    assert result.vetoes == (("major_accident", "C"),)
    assert result.notes == (
        ("veto 'major quality accident' triggered: grade at most C", "触发否决项“重大质量事故”，等级不高于 C"),
    )
    # a veto does not lift a grade already lower
    low = assess(STATEMENT, {"orders": Reading(8000)}, {"major_accident": 1})
    assert (low.total, low.grade) == (1500, "D")


def test_a_missing_reading_costs_its_item_only():
    result = assess(STATEMENT, {k: v for k, v in READINGS.items() if k != "orders"})
    assert [i.status for i in result.items] == ["capped", "capped", "no_data", "scored"]
    assert (result.total, result.grade) == (7000, "C")
