"""Pure formulas: year-on-year kinds, time progress, completion, gap, status, ranking."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from pacer.analysis.core import calc
from pacer.analysis.core.calc import ChangeCode, StatusCode, Thresholds

YI = 1e8


def change(current: float, previous: float, percent_unit: bool = False):
    code, delta, pct = calc.classify_change(
        np.array([current]), np.array([previous]), np.array([True]), np.array([percent_unit])
    )
    return ChangeCode(int(code[0])), float(delta[0]), float(pct[0])


def test_loss_last_year_and_profit_this_year_reads_turned_profitable_not_a_percentage() -> None:
    kind, delta, pct = change(1 * YI, -2 * YI)
    assert kind is ChangeCode.TURNED_PROFITABLE
    assert delta == 3 * YI
    assert math.isnan(pct)


def test_profit_to_loss_reads_turned_loss() -> None:
    assert change(-1 * YI, 2 * YI)[0] is ChangeCode.TURNED_LOSS


def test_a_loss_of_3_becoming_a_loss_of_1_is_narrowed_by_2() -> None:
    kind, delta, pct = change(-1 * YI, -3 * YI)
    assert kind is ChangeCode.LOSS_NARROWED
    assert delta == 2 * YI
    assert math.isnan(pct)


def test_a_deeper_loss_is_widened_with_its_amount() -> None:
    kind, delta, _ = change(-5 * YI, -3 * YI)
    assert kind is ChangeCode.LOSS_WIDENED
    assert delta == -2 * YI


def test_a_zero_base_is_new_without_a_percentage() -> None:
    kind, _, pct = change(7.0, 0.0)
    assert kind is ChangeCode.NEW
    assert math.isnan(pct)
    assert change(0.0, 0.0)[0] is ChangeCode.BOTH_ZERO


def test_an_ordinary_change_is_a_percentage_of_the_base() -> None:
    kind, delta, pct = change(110.0, 100.0)
    assert kind is ChangeCode.PERCENT
    assert pct == pytest.approx(10.0)
    assert delta == 10.0
    assert change(0.0, 100.0)[2] == -100.0


def test_a_ratio_going_from_65_to_63_percent_is_minus_2_pp_not_a_percentage() -> None:
    kind, delta, pct = change(63.0, 65.0, percent_unit=True)
    assert kind is ChangeCode.PP
    assert delta == pytest.approx(-2.0)
    assert math.isnan(pct)


def test_missing_either_side_is_no_data() -> None:
    code, delta, _ = calc.classify_change(
        np.array([1.0, np.nan]), np.array([np.nan, 1.0]), np.array([False, False]), False
    )
    assert (code == ChangeCode.NO_DATA).all()
    assert np.isnan(delta).all()


@settings(max_examples=200, deadline=None)
@given(st.floats(-1e12, 1e12), st.floats(-1e12, 1e12))
def test_only_a_positive_base_gives_a_percentage_and_it_has_the_sign_of_the_change(cur: float, prev: float) -> None:
    kind, delta, pct = change(cur, prev)
    assert (kind is ChangeCode.PERCENT) == (prev > 0 and cur >= 0)
    if kind is ChangeCode.PERCENT:
        assert pct == pytest.approx((cur - prev) / prev * 100)
    assert delta == cur - prev


def judge(
    value: float,
    ensure: float,
    progress: float = 0.5,
    *,
    accumulates: bool = True,
    lower: bool = False,
    band: bool = False,
    percent: bool = False,
    strive: float = np.nan,
) -> tuple[float, float, StatusCode]:
    comp, _, gap, status = calc.judge(
        np.array([value]),
        np.array([ensure]),
        np.array([strive]),
        np.array([progress]),
        np.array([accumulates]),
        np.array([lower]),
        np.array([band]),
        np.array([percent]),
        Thresholds(),
    )
    return float(comp[0]), float(gap[0]), StatusCode(int(status[0]))


def test_h1_revenue_of_170_against_380_is_44_7_percent_and_5_3_pp_behind() -> None:
    comp, gap, status = judge(170 * YI, 380 * YI, 6 / 12)
    assert comp == pytest.approx(44.736842105, abs=1e-8)
    assert gap == pytest.approx(-5.263157895, abs=1e-8)
    assert status is StatusCode.OFF_TRACK


@pytest.mark.parametrize(
    ("completion", "status"),
    [
        (48.0, StatusCode.ON_TRACK),
        (47.9, StatusCode.WATCH),
        (45.0, StatusCode.WATCH),
        (44.9, StatusCode.OFF_TRACK),
        (55.0, StatusCode.ON_TRACK),
    ],
)
def test_status_thresholds_at_half_time(completion: float, status: StatusCode) -> None:
    assert judge(completion, 100.0, 0.5)[2] is status


def test_a_cap_on_spending_is_on_track_while_spending_lags_time() -> None:
    _, gap, status = judge(40.0, 100.0, 0.5, lower=True)
    assert gap == pytest.approx(10.0)
    assert status is StatusCode.ON_TRACK
    assert judge(56.0, 100.0, 0.5, lower=True)[2] is StatusCode.OFF_TRACK


def test_spending_past_the_cap_is_off_track_even_in_december() -> None:
    assert judge(101.0, 100.0, 1.0, lower=True)[2] is StatusCode.OFF_TRACK


def test_a_debt_ratio_at_or_under_its_cap_is_on_track() -> None:
    for value, status in [
        (63.0, StatusCode.ON_TRACK),
        (65.0, StatusCode.ON_TRACK),
        (66.5, StatusCode.WATCH),
        (68.0, StatusCode.OFF_TRACK),
    ]:
        _, gap, got = judge(value, 65.0, np.nan, accumulates=False, lower=True, percent=True)
        assert got is status
        assert gap == pytest.approx(65.0 - value)


def test_a_level_target_like_rd_intensity_is_judged_on_the_distance_in_pp() -> None:
    comp, gap, status = judge(9.7, 10.0, np.nan, accumulates=False, percent=True)
    assert gap == pytest.approx(-0.3)
    assert status is StatusCode.WATCH
    assert comp == pytest.approx(97.0)


def test_a_band_is_on_track_inside_its_bounds() -> None:
    inside = judge(5.0, 4.0, np.nan, accumulates=False, band=True, percent=True, strive=6.0)
    above = judge(9.0, 4.0, np.nan, accumulates=False, band=True, percent=True, strive=6.0)
    assert inside[2] is StatusCode.ON_TRACK
    assert inside[1] == 0.0
    assert above[2] is StatusCode.OFF_TRACK
    assert above[1] == pytest.approx(-3.0)


def test_a_loss_target_is_judged_on_the_amount_due_by_now() -> None:
    # target: lose at most 2 (-2); half-way through the year a loss of 0.8 is better than -1
    comp, gap, status = judge(-0.8, -2.0, 0.5)
    assert math.isnan(comp)
    assert gap == pytest.approx(10.0)
    assert status is StatusCode.ON_TRACK


@pytest.mark.parametrize("progress", [1 / 12, 0.5, 1.0])
def test_a_zero_defect_target_is_off_track_at_the_first_occurrence(progress: float) -> None:
    assert judge(1.0, 0.0, progress, lower=True)[2] is StatusCode.OFF_TRACK
    assert judge(0.0, 0.0, progress, lower=True)[2] is StatusCode.ON_TRACK


def test_a_zero_defect_cap_on_a_level_is_off_track_at_any_open_problem() -> None:
    assert judge(1.0, 0.0, np.nan, accumulates=False, lower=True)[2] is StatusCode.OFF_TRACK
    assert judge(0.4, 0.0, np.nan, accumulates=False, lower=True, percent=True)[2] is StatusCode.OFF_TRACK
    assert judge(0.0, 0.0, np.nan, accumulates=False, lower=True)[2] is StatusCode.ON_TRACK


def test_a_zero_target_on_a_higher_is_better_indicator_is_not_a_zero_defect_target() -> None:
    assert judge(3.0, 0.0, 0.5)[2] is not StatusCode.OFF_TRACK


def test_nothing_is_judged_without_a_target() -> None:
    assert judge(5.0, np.nan)[2] is StatusCode.NONE


def test_seasonal_shares_pool_the_complete_reference_years() -> None:
    monthly = np.array([[1.0] * 6 + [3.0] * 6, [2.0] * 12, [5.0] * 12])
    present = np.ones((3, 12), bool)
    present[2, 4] = False  # an incomplete year is left out
    shares = calc.history_shares(monthly, present)
    assert shares[5] == pytest.approx((6 + 12) / (24 + 24))
    assert shares[11] == 1.0


def test_seasonal_shares_are_missing_without_a_complete_year_or_a_positive_total() -> None:
    assert np.isnan(calc.history_shares(np.ones((1, 12)), np.zeros((1, 12), bool))).all()
    assert np.isnan(calc.history_shares(-np.ones((1, 12)), np.ones((1, 12), bool))).all()


def test_phasing_counts_only_when_it_adds_up_to_ten_thousand_basis_points() -> None:
    good = calc.phasing_shares(np.array([500] * 6 + [1166] * 5 + [1170]))
    assert good[5] == pytest.approx(0.3)
    assert good[11] == 1.0
    assert np.isnan(calc.phasing_shares(np.array([800] * 12))).all()


def test_required_monthly_average_spreads_the_remainder_over_the_months_left() -> None:
    assert calc.required_monthly(np.array(210 * YI), 6) == pytest.approx(35 * YI)
    assert np.isnan(calc.required_monthly(np.array([1.0]), 12)).all()


def test_ranks_keep_ties_in_input_order_and_put_missing_last() -> None:
    order, ranks = calc.rank_order(np.array([3.0, 5.0, np.nan, 5.0, 1.0]), descending=True)
    assert order.tolist() == [1, 3, 0, 4, 2]
    assert ranks.tolist() == [3, 1, 0, 1, 4]


@settings(max_examples=100, deadline=None)
@given(
    hnp.arrays(np.float64, st.integers(1, 12), elements=st.one_of(st.integers(-3, 3).map(float), st.just(np.nan))),
    st.booleans(),
)
def test_a_rank_counts_the_strictly_better_values(values: np.ndarray, descending: bool) -> None:
    order, ranks = calc.rank_order(values, descending)
    for i, v in enumerate(values):
        if np.isnan(v):
            assert ranks[i] == 0
        else:
            better = np.sum((values > v) if descending else (values < v))
            assert ranks[i] == better + 1
    valid = [i for i in order if not np.isnan(values[i])]
    assert list(order[: len(valid)]) == valid
    assert sorted(valid, key=lambda i: (-values[i] if descending else values[i], i)) == valid


_NEAR_ONE = [float(np.nextafter(1.0, 2.0 * k)) for k in (0, 1)] + [1.0 + 2**-40, 1.0]


@settings(max_examples=200, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(0, 40), st.integers(0, 4)),
        elements=st.one_of(
            st.integers(-3, 3).map(float),
            st.sampled_from(_NEAR_ONE),
            st.just(np.nan),
            st.just(-0.0),
            st.just(np.inf),
            st.floats(-1e12, 1e12),
        ),
    ),
    st.booleans(),
)
def test_competition_ranks_equal_the_ranks_of_the_full_ordering(values: np.ndarray, descending: bool) -> None:
    """Nearly equal keys (one unit in the last place apart) look equal once packed with their
    position, and must still be told apart; -0.0 ties with 0.0; NaN of either sign comes last."""
    _, want = calc.rank_order(values, descending)
    np.testing.assert_array_equal(calc.competition_ranks(values, descending), want)
    np.testing.assert_array_equal(calc.competition_ranks(-values, descending), calc.rank_order(-values, descending)[1])


def test_competition_ranks_of_more_items_than_fit_beside_the_key() -> None:
    values = np.random.default_rng(3).integers(0, 1000, size=(70_000, 2)).astype(np.float64)
    values[::7] = np.nan
    np.testing.assert_array_equal(calc.competition_ranks(values, True), calc.rank_order(values, True)[1])


def test_dispersion_ignores_missing_values() -> None:
    d = calc.dispersion(np.array([2.0, 4.0, np.nan, 6.0]))
    assert d["count"] == 3
    assert d["mean"] == 4.0
    assert d["min"] == 2.0
    assert d["max"] == 6.0
    assert d["std"] == pytest.approx(np.sqrt(8 / 3))
    assert d["cv"] == pytest.approx(np.sqrt(8 / 3) / 4)
