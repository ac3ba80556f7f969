"""The cockpit as HQ reads it at an analysis meeting: worked examples end to end."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from pacer.analysis import ChangeKind, Engine, Status, Targets

from .support import YI, derived, engine, flow, ratio, stock, targets_for

GROUP, ACADEMY, COMPANY = 0, 1, 2
FIRST_YEAR = 2023
INDICATORS = [
    flow("revenue"),
    flow("total_profit"),
    flow("rd_expense"),
    stock("assets"),
    stock("liabilities", "lower"),
    derived("debt_ratio", ratio("liabilities", "assets"), direction="lower"),
    derived("rd_intensity", ratio("rd_expense", "revenue")),
]
CODES = [d.code for d in INDICATORS]


def spread(total: int, months: int) -> list[int]:
    """``total`` over ``months`` equal-ish integer amounts that add up exactly."""
    base = total // months
    return [base] * (months - 1) + [total - base * (months - 1)]


def put(values: np.ndarray, unit: int, code: str, year: int, amounts: list[int]) -> None:
    t = 12 * (year - FIRST_YEAR)
    values[unit, CODES.index(code), t : t + len(amounts)] = amounts


def group_engine(targets: Targets | None = None, months: int = 18) -> Engine:
    """A group with an academy and a company, figures through June 2024 (H1: revenue 170亿,
    R&D 40亿... see the puts below)."""
    values = np.zeros((3, 5, months), np.int64)
    put(values, ACADEMY, "revenue", 2023, spread(90 * YI, 6) + spread(120 * YI, 6))
    put(values, COMPANY, "revenue", 2023, spread(60 * YI, 6) + spread(90 * YI, 6))
    put(values, ACADEMY, "revenue", 2024, spread(100 * YI, 6))
    put(values, COMPANY, "revenue", 2024, spread(70 * YI, 6))
    put(values, ACADEMY, "rd_expense", 2024, spread(12 * YI, 6))
    put(values, COMPANY, "rd_expense", 2024, spread(5 * YI, 6))
    # profit: the academy loses 3亿 then 1亿; the company makes 1亿 then 2亿 in H1
    put(values, ACADEMY, "total_profit", 2023, spread(-3 * YI, 6) + [0] * 6)
    put(values, ACADEMY, "total_profit", 2024, spread(-1 * YI, 6))
    put(values, COMPANY, "total_profit", 2023, spread(1 * YI, 6) + [0] * 6)
    put(values, COMPANY, "total_profit", 2024, spread(2 * YI, 6))
    for unit, share in ((ACADEMY, 60), (COMPANY, 40)):
        values[unit, CODES.index("assets")] = share * YI
        put(values, unit, "liabilities", 2023, [share * 65 * YI // 100] * 12)
        put(values, unit, "liabilities", 2024, [share * 63 * YI // 100] * 6)
    return engine([-1, GROUP, GROUP], INDICATORS, values, targets=targets, first_year=FIRST_YEAR)


def revenue_target(ensure: int = 380, strive: int | None = 400) -> Targets:
    return targets_for(
        3,
        INDICATORS,
        FIRST_YEAR,
        2,
        {
            (GROUP, "revenue", 2024): (ensure * YI, None if strive is None else strive * YI),
            (GROUP, "debt_ratio", 2024): (6500, None),
            (ACADEMY, "revenue", 2024): (220 * YI, None),
            (COMPANY, "revenue", 2024): (150 * YI, None),
        },
    )


def test_h1_revenue_170_against_380_reads_44_7_percent_done_5_3_pp_behind_210_to_go() -> None:
    row = group_engine(revenue_target()).cockpit(GROUP, 2024, 6).row("revenue")
    assert row.ytd is not None
    assert row.ytd.decimal == Decimal(170 * YI) / 100
    assert row.completion_pct == pytest.approx(44.736842105263, abs=1e-9)
    assert round(row.completion_pct, 1) == 44.7
    assert row.time_progress_pct == 50.0
    assert row.time_basis == "linear"
    assert row.gap_pp == pytest.approx(-5.263157894737, abs=1e-9)
    assert round(row.gap_pp, 1) == -5.3
    assert row.status is Status.OFF_TRACK
    ensure = row.needs[0]
    assert ensure.tier == "ensure"
    assert ensure.remaining.scaled == 210 * YI
    assert ensure.monthly_average is not None
    assert ensure.monthly_average.scaled == 35 * YI
    # last year's H2 was 210亿 too, so the rest of the year needs no growth at all
    assert ensure.implied_growth.kind is ChangeKind.PERCENT
    assert ensure.implied_growth.percent == pytest.approx(0.0)
    assert row.needs[1].remaining.scaled == 230 * YI


def test_last_year_and_yoy_of_h1_revenue() -> None:
    row = group_engine().cockpit(GROUP, 2024, 6).row("revenue")
    assert row.ytd_last_year is not None
    assert row.ytd_last_year.scaled == 150 * YI
    assert row.yoy.kind is ChangeKind.PERCENT
    assert row.yoy.change_scaled == 20 * YI
    assert row.yoy.percent == pytest.approx(20 / 150 * 100)


def test_a_loss_of_2_last_year_and_a_profit_of_1_this_year_reads_turned_profitable() -> None:
    values = np.zeros((1, 5, 18), np.int64)
    values[0, 1, 0] = -2 * YI
    values[0, 1, 12] = 1 * YI
    e = engine([-1], INDICATORS, values, first_year=FIRST_YEAR)
    yoy = e.cockpit(0, 2024, 1).row("total_profit").yoy
    assert yoy.kind is ChangeKind.TURNED_PROFITABLE
    assert yoy.percent is None
    assert yoy.change_scaled == 3 * YI


def test_a_loss_of_3_becoming_a_loss_of_1_is_narrowed_by_2() -> None:
    yoy = group_engine().cockpit(GROUP, 2024, 6).ranking("total_profit", "ytd")
    academy = next(r for r in yoy.rows if r.node == ACADEMY)
    assert academy.yoy.kind is ChangeKind.LOSS_NARROWED
    assert academy.yoy.change_scaled == 2 * YI
    assert academy.yoy.percent is None


def test_rd_from_nothing_last_year_is_new() -> None:
    row = group_engine().cockpit(GROUP, 2024, 6).row("rd_expense")
    assert row.yoy.kind is ChangeKind.NEW
    assert row.yoy.percent is None


def test_debt_ratio_from_65_to_63_percent_is_minus_2_pp_and_within_its_cap() -> None:
    row = group_engine(revenue_target()).cockpit(GROUP, 2024, 6).row("debt_ratio")
    assert row.ytd is not None
    assert row.ytd.number == pytest.approx(63.0)
    assert row.ytd.exact is False
    assert row.ytd.scaled == 6300
    assert row.yoy.kind is ChangeKind.PP
    assert row.yoy.change == pytest.approx(-2.0)
    assert row.yoy.percent is None
    assert row.status is Status.ON_TRACK
    assert row.gap_pp == pytest.approx(2.0)
    assert row.time_progress_pct is None
    assert row.needs == ()


def test_rd_intensity_is_evaluated_on_the_groups_sums() -> None:
    row = group_engine().cockpit(GROUP, 2024, 6).row("rd_intensity")
    assert row.ytd is not None
    assert row.ytd.number == pytest.approx(17 / 170 * 100)


def test_month_on_month_compares_with_the_previous_month_across_the_new_year() -> None:
    row = group_engine().cockpit(GROUP, 2024, 1).row("revenue")
    december = (120 * YI - 5 * (120 * YI // 6)) + (90 * YI - 5 * (90 * YI // 6))
    assert row.mom.change_scaled == (100 * YI // 6 + 70 * YI // 6) - december


def test_children_are_ranked_on_completion_with_their_own_targets() -> None:
    cockpit = group_engine(revenue_target()).cockpit(GROUP, 2024, 6)
    assert cockpit.children == (ACADEMY, COMPANY)
    ranking = cockpit.ranking("revenue")
    assert ranking.measure == "completion"
    # academy 100/220 = 45.5 %, company 70/150 = 46.7 %
    assert [r.node for r in ranking.rows] == [COMPANY, ACADEMY]
    col = [r.code for r in cockpit.rows].index("revenue")
    assert cockpit.child_ranks[:, col].tolist() == [2, 1]
    assert cockpit.rank_measures["total_profit"] == "ytd"


def test_seasonal_time_progress_uses_last_years_profile_of_the_node() -> None:
    row = group_engine(revenue_target(), months=30).cockpit(GROUP, 2024, 6, time_basis="seasonal").row("revenue")
    # 2023 was complete: H1 150 of 360, so half the year carries 41.67 % of the work
    assert row.time_basis == "history"
    assert row.time_progress_pct == pytest.approx(150 / 360 * 100)
    assert row.gap_pp == pytest.approx((170 / 380 - 150 / 360) * 100)


def test_target_phasing_takes_precedence_over_history() -> None:
    targets = revenue_target()
    phasing = np.zeros((*targets.values.shape[:3], 12), np.int32)
    phasing[GROUP, CODES.index("revenue"), 1] = [600] * 6 + [1066] * 5 + [1070]
    phased = Targets(targets.values, targets.present, targets.first_year, phasing)
    row = group_engine(phased).cockpit(GROUP, 2024, 6, time_basis="seasonal").row("revenue")
    assert row.time_basis == "phasing"
    assert row.time_progress_pct == pytest.approx(36.0)
    assert row.status is Status.ON_TRACK


def test_seasonal_without_a_complete_reference_year_falls_back_to_linear() -> None:
    row = group_engine(revenue_target()).cockpit(GROUP, 2023, 6, time_basis="seasonal").row("revenue")
    assert row.time_basis == "linear"
    assert row.time_progress_pct == 50.0


def test_rows_follow_the_requested_codes() -> None:
    cockpit = group_engine().cockpit(GROUP, 2024, 6, ["rd_intensity", "revenue"])
    assert [r.code for r in cockpit.rows] == ["rd_intensity", "revenue"]
    assert cockpit.rows[1].ytd is not None
    assert cockpit.rows[1].ytd.scaled == 170 * YI


def test_a_period_without_figures_is_refused() -> None:
    with pytest.raises(ValueError, match="no figures"):
        group_engine().cockpit(GROUP, 2024, 7)


def test_unknown_codes_are_refused() -> None:
    with pytest.raises(KeyError, match="nope"):
        group_engine().cockpit(GROUP, 2024, 6, ["nope"])


def test_quarter_half_and_year_spans_compare_with_the_same_span_last_year() -> None:
    e = group_engine(months=24)
    q2 = {r.code: r for r in e.span(GROUP, 2024, 6, "quarter")}
    # April to June: what is left of H1 after three equal months
    expected = sum(total - 3 * (total // 6) for total in (100 * YI, 70 * YI))
    assert q2["revenue"].value.scaled == expected
    h1 = {r.code: r for r in e.span(GROUP, 2024, 6, "half")}
    assert h1["revenue"].value.scaled == 170 * YI
    assert h1["revenue"].last_year.scaled == 150 * YI
    assert h1["revenue"].yoy.percent == pytest.approx(20 / 150 * 100)
    assert h1["debt_ratio"].yoy.kind is ChangeKind.PP
    year = {r.code: r for r in e.span(GROUP, 2023, 6, "year")}
    assert year["revenue"].value.scaled == 360 * YI
    assert year["revenue"].yoy.kind is ChangeKind.NO_DATA


def test_spans_of_several_nodes_answer_as_each_node_s_span() -> None:
    e = group_engine(months=24)
    nodes = [GROUP, ACADEMY, COMPANY]
    together = e.spans(nodes, 2024, 6, "quarter", ["revenue", "total_profit", "debt_ratio"])
    for node in nodes:
        assert together[node] == e.span(node, 2024, 6, "quarter", ["revenue", "total_profit", "debt_ratio"])
    assert together[ACADEMY][0].value.scaled == 100 * YI - 3 * (100 * YI // 6)
