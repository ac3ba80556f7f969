"""The drafted sentences, case by case, in Chinese and English."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pacer.analysis import Change, ChangeKind
from pacer.reports.narrative import Figure, sentence, span_clause

GROWTH = Change(ChangeKind.PERCENT, 10.1, 1010, 6.2)


def revenue(**changes: object) -> Figure:
    base: dict[str, object] = {
        "name": "营业收入",
        "value": Decimal("172.3"),
        "unit": "亿元",
        "change": GROWTH,
        "completion": 45.3,
        "time_progress": 50.0,
    }
    return Figure(**{**base, **changes})  # type: ignore[arg-type]


def test_the_issue_s_sentence_reads_as_written():
    assert (
        sentence(revenue(), "zh")
        == "营业收入完成 172.30 亿元，同比增长 6.2%，完成年度确保目标的 45.3%，低于时间进度 4.7 个百分点。"
    )
    en = sentence(revenue(name="Revenue", unit="RMB 100m"), "en")
    assert (
        en == "Revenue reached 172.30 RMB 100m, up 6.2% year on year, 45.3% of the annual ensure target, "
        "4.7 pp behind time progress."
    )


@pytest.mark.parametrize(
    ("change", "zh", "en"),
    [
        (Change(ChangeKind.PERCENT, -3.0, -300, -3.04), "同比下降 3.0%", "down 3.0% year on year"),
        (Change(ChangeKind.PERCENT, 0.01, 1, 0.04), "与上年同期持平", "flat year on year"),
        (Change(ChangeKind.PERCENT, -0.01, -1, -0.04), "与上年同期持平", "flat year on year"),
        (
            Change(ChangeKind.NO_DATA, None, None, None),
            "上年同期无可比数据",
            "no comparable figure for the same period last year",
        ),
        (Change(ChangeKind.NEW, 172.3, 17230, None), "上年同期为零", "against nothing in the same period last year"),
    ],
)
def test_growth_decline_flat_and_no_last_year(change, zh, en):
    assert f"，{zh}，" in sentence(revenue(change=change), "zh")
    assert f", {en}, " in sentence(revenue(change=change), "en")


@pytest.mark.parametrize(
    ("kind", "value", "zh", "en"),
    [
        (
            ChangeKind.TURNED_PROFITABLE,
            "4.40",
            "利润总额完成 4.40 亿元，同比扭亏为盈",
            "turning last year's loss into a profit",
        ),
        (
            ChangeKind.TURNED_LOSS,
            "-1.20",
            "利润总额亏损 1.20 亿元，同比由盈转亏",
            "was a loss of 1.20 RMB 100m, turning last year's profit into a loss",
        ),
        (
            ChangeKind.LOSS_NARROWED,
            "-1.20",
            "利润总额亏损 1.20 亿元，同比减亏 0.50 亿元",
            "the loss 0.50 RMB 100m smaller than last year",
        ),
        (
            ChangeKind.LOSS_WIDENED,
            "-1.20",
            "利润总额亏损 1.20 亿元，同比增亏 0.50 亿元",
            "the loss 0.50 RMB 100m larger than last year",
        ),
        (ChangeKind.LOSS_UNCHANGED, "-1.20", "亏损额与上年同期持平", "the same loss as last year"),
    ],
)
def test_profit_s_sign_cases_are_worded_not_a_percentage(kind, value, zh, en):
    change = Change(kind, 0.5 if kind is not ChangeKind.LOSS_WIDENED else -0.5, 50, None)
    shown = Decimal("0.50") if kind is not ChangeKind.LOSS_WIDENED else Decimal("-0.50")
    f = Figure("利润总额", Decimal(value), "亿元", change, shown, sign="profit")
    assert zh in sentence(f, "zh")
    assert "%" not in sentence(f, "zh")
    f_en = Figure("Total profit", Decimal(value), "RMB 100m", change, shown, sign="profit")
    assert en in sentence(f_en, "en")


def test_a_cash_flow_turning_negative_is_a_net_outflow():
    f = Figure(
        "经营活动现金流量净额", Decimal("-2"), "亿元", Change(ChangeKind.TURNED_LOSS, -5, -500, None), sign="cash"
    )
    assert sentence(f, "zh") == "经营活动现金流量净额为净流出 2.00 亿元，由上年同期的净流入转为净流出。"


@pytest.mark.parametrize(
    ("completion", "zh", "en"),
    [
        (55.0, "高于时间进度 5.0 个百分点", "5.0 pp ahead of time progress"),
        (45.0, "低于时间进度 5.0 个百分点", "5.0 pp behind time progress"),
        (50.02, "与时间进度持平", "in line with time progress"),
    ],
)
def test_ahead_behind_and_in_line_with_time_progress(completion, zh, en):
    assert zh in sentence(revenue(completion=completion), "zh")
    assert en in sentence(revenue(completion=completion), "en")


def test_lower_is_better_reads_a_fall_as_progress_and_a_cap_as_a_cap():
    down = Change(ChangeKind.PERCENT, -1, -100, -3.1)
    f = Figure("营业成本", Decimal("100"), "亿元", down, direction="lower", completion=40.0, time_progress=50.0)
    assert (
        sentence(f, "zh")
        == "营业成本为 100.00 亿元，同比压降 3.1%，占年度控制目标的 40.0%，低于时间进度 10.0 个百分点，控制在进度以内。"
    )
    assert "down 3.1% year on year, an improvement, 40.0% of the annual cap" in sentence(f, "en")
    up = Figure(
        "两金",
        Decimal("294.37"),
        "亿元",
        Change(ChangeKind.PERCENT, 5, 500, 1.9),
        direction="lower",
        running=False,
        target=Decimal("280"),
        completion=105.1,
    )
    assert (
        sentence(up, "zh") == "两金为 294.37 亿元，同比上升 1.9%，需加以控制，为年度控制目标的 105.1%，超出控制目标。"
    )
    assert "up 1.9% year on year, which needs containing, 105.1% of the annual cap, over the cap." in sentence(up, "en")


def test_a_ratio_changes_in_percentage_points_and_compares_with_its_target_in_points():
    f = Figure(
        "研发经费投入强度",
        Decimal("3.12"),
        "%",
        Change(ChangeKind.PP, 0.15, 15, None),
        running=False,
        percent=True,
        target=Decimal("3.50"),
    )
    assert sentence(f, "zh") == "研发经费投入强度为 3.12%，同比提高 0.15 个百分点，低于年度确保目标 0.38 个百分点。"
    assert sentence(f, "en").endswith("up 0.15 pp year on year, 0.38 pp below the annual ensure target.")


def test_the_span_is_added_to_the_year_to_date_sentence():
    span = Figure("本季度", Decimal("90.1"), "亿元", Change(ChangeKind.PERCENT, 1, 100, -2.0))
    assert sentence(revenue(), "zh")[:-1] + span_clause(span, "zh") == (
        "营业收入完成 172.30 亿元，同比增长 6.2%，完成年度确保目标的 45.3%，低于时间进度 4.7 个百分点；"
        "其中本季度完成 90.10 亿元，同比下降 2.0%。"
    )
    assert span_clause(Figure("Quarter", Decimal("90.1"), "RMB 100m", span.change), "en") == (
        "; in the quarter, 90.10 RMB 100m, down 2.0% year on year."
    )


@pytest.mark.parametrize(
    ("name", "inside"),
    [
        ("Operating revenue", "operating revenue"),
        ("Total Profit", "total profit"),
        ("R&D expense", "R&D expense"),
        ("EBITDA margin", "EBITDA margin"),
        ("营业收入", "营业收入"),
    ],
)
def test_an_indicator_s_name_is_lower_cased_mid_sentence_in_english_acronyms_kept(name, inside):
    from pacer.reports.forecast_wording import need_sentence

    flat = Change(ChangeKind.NO_DATA, None, None, None)
    en = need_sentence(name, "RMB 100m", Decimal("20"), Decimal("5"), 4, flat, "en")
    assert (
        en == f"To reach its ensure target, {inside} needs 20.00 RMB 100m more: 5.00 RMB 100m a month over the last "
        "4 months."
    )
    assert need_sentence(name, "RMB 100m", Decimal("0"), None, 4, flat, "en").startswith(f"{name} has already")


def test_the_forecast_names_the_indicator_in_lower_case_mid_sentence():
    from pacer.reports.forecast_wording import Forecast, forecast_sentence

    f = Forecast("Operating revenue", "RMB 100m", Decimal("380"), None, None, Decimal("400"), 95.0, None)
    assert forecast_sentence(f, "en") == (
        "On current trends, operating revenue should close the year at 380.00 RMB 100m, 95.0% of the ensure target."
    )
    zh = Forecast("营业收入", "亿元", Decimal("380"), None, None, Decimal("400"), 95.0, None)
    assert forecast_sentence(zh, "zh") == "按目前趋势，预计全年营业收入 380.00 亿元，为确保目标的 95.0%。"
