"""The validation rules on one unit's month, without a database: each rule fires where it
should, says so in both languages (indicator, rule, values, cell), and nothing else fires."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from pacer.submissions.rule_config import RuleConfig
from pacer.submissions.rules import ERROR, RULES, WARNING, IndicatorDef, RuleContext, check, errors, warnings


def ind(code: str, kind: str = "flow", scale: int = 2, **fields) -> IndicatorDef:
    symbols = {"symbol_zh": "元", "symbol_en": "yuan"} if scale == 2 and not fields.get("percent") else {}
    return IndicatorDef(code, f"{code}名", f"{code} name", kind, scale, **{**symbols, **fields})


INDICATORS = {
    i.code: i
    for i in (
        ind("revenue", reporting="ytd"),
        ind("net_profit"),
        ind("total_assets", "stock"),
        ind("total_liabilities", "stock"),
        ind("owners_equity", "stock"),
        ind("headcount", "stock", 0, never_negative=True, dimension="headcount"),
        ind("patents", "flow", 0, dimension="count"),
        ind("yield_rate", "stock", 1, percent=True, additive=False),
        ind(
            "debt_to_asset_ratio",
            "derived",
            2,
            percent=True,
            additive=False,
            formula="total_liabilities / total_assets * 100",
        ),
    )
}
PERIOD = 202603


def context(**changes) -> RuleContext:
    return replace(RuleContext("A1", PERIOD, INDICATORS), **changes)


def consistent() -> dict[str, int]:
    return {
        "revenue": 500_00,
        "net_profit": -20_00,  # a loss is a figure like any other
        "total_assets": 1000_00,
        "total_liabilities": 600_00,
        "owners_equity": 400_00,
        "headcount": 120,
        "patents": 3,
        "yield_rate": 985,
    }


# (rule, severity, indicator, figure changes, context changes, values the message must show)
CASES = [
    ("required", ERROR, "headcount", {"headcount": None}, {"required": frozenset({"headcount"})}, []),
    ("numeric", ERROR, "headcount", {"headcount": -3}, {}, ["-3"]),
    ("numeric", ERROR, "revenue", {"revenue": 10**15}, {}, ["10000000000000.00"]),
    ("numeric", ERROR, "mystery", {"mystery": 1}, {}, []),
    ("ratio_bounds", ERROR, "yield_rate", {"yield_rate": 1015}, {}, ["101.5", "0–100"]),
    ("ytd_decrease", ERROR, "patents", {"patents": -2}, {"ytd_before": {"patents": 5}}, ["5", "3"]),
    (
        "ytd_decrease",
        WARNING,
        "revenue",
        {"revenue": -50_00},
        {"ytd_before": {"revenue": 900_00}},
        ["900.00", "850.00"],
    ),
    (
        "derived",
        WARNING,
        "debt_to_asset_ratio",
        {"total_liabilities": 1200_00, "owners_equity": -200_00},
        {},
        ["120.00"],
    ),
    ("derived", WARNING, "owners_equity", {"owners_equity": 500_00}, {}, ["500.00", "400.00"]),
    (
        "yoy_jump",
        WARNING,
        "revenue",
        {},
        {"ytd_before": {"revenue": 1000_00}, "last_year": {"revenue": 900_00}},
        ["1500.00", "900.00", "+66.7 %"],
    ),
    ("consolidation", ERROR, "total_assets", {}, {"children_sum": {"total_assets": 900_00}}, ["1000.00", "900.00"]),
]


@pytest.mark.parametrize(("rule", "severity", "code", "figure_changes", "context_changes", "values"), CASES)
def test_each_rule_fires_and_names_indicator_rule_and_values_in_both_languages(
    rule, severity, code, figure_changes, context_changes, values
):
    figures = {**consistent(), **figure_changes}
    figures = {k: v for k, v in figures.items() if v is not None}
    found = check(figures, context(**context_changes), cells={code: "C7"})
    assert [(f.rule, f.severity, f.indicator) for f in found] == [(rule, severity, code)]
    [finding] = found
    assert finding.cell == "C7"
    for language, (rule_zh, rule_en) in (("zh", RULES[rule]), ("en", RULES[rule])):
        text = finding.message(language)
        assert code in text
        assert "C7" in text
        assert (rule_zh if language == "zh" else rule_en) in text
        assert (f"{code}名" if language == "zh" else f"{code} name") in text or code == "mystery"
        assert ("错误" if severity == ERROR else "警告") in finding.message_zh
        for value in values:
            assert value in text


def test_consistent_figures_raise_nothing():
    assert check(consistent(), context(required=frozenset(consistent()))) == []


def test_stock_continuity_compares_a_given_opening_with_last_december():
    ctx = context(last_december={"total_assets": 950_00})
    assert check(consistent(), ctx, openings={"total_assets": 950_00}) == []
    [finding] = check(consistent(), ctx, openings={"total_assets": 940_00})
    assert (finding.rule, finding.severity) == ("stock_continuity", ERROR)
    assert "940.00 yuan" in finding.message_en
    assert "950.00 yuan" in finding.message_en
    assert "年初余额 940.00 元" in finding.message_zh
    assert "上年12月末余额 950.00 元" in finding.message_zh


def test_a_year_on_year_jump_says_it_needs_an_explanation_and_one_clears_it():
    ctx = context(last_year={"total_assets": 500_00})
    [finding] = check(consistent(), ctx)
    assert "written explanation is needed" in finding.message_en
    assert "需要书面说明" in finding.message_zh
    assert check(consistent(), ctx, explanations={finding.key: "合并了一家新公司"}) == []
    assert check(consistent(), ctx, explanations={"total_assets": "acquired a company"}) == []
    assert check(consistent(), ctx, explanations={finding.key: "   "}) == [finding]  # blank explains nothing


def test_an_explanation_never_clears_an_error():
    found = check({**consistent(), "headcount": -1}, context(), explanations={"headcount": "typo"})
    assert errors(found) == found
    assert len(found) == 1


def test_the_threshold_is_configuration():
    ctx = context(last_year={"total_assets": 500_00})
    assert check(consistent(), replace(ctx, config=RuleConfig(yoy_threshold=Decimal("1.5")))) == []
    per_indicator = RuleConfig(yoy_thresholds={"total_assets": Decimal("0.1")})
    ctx = context(last_year={"total_assets": 900_00}, config=per_indicator)
    assert [f.rule for f in check(consistent(), ctx)] == ["yoy_jump"]


def test_a_ratio_range_and_the_never_decreasing_flows_are_configuration():
    config = RuleConfig(
        ratio_bounds={"yield_rate": (Decimal(0), Decimal(110))}, ytd_never_decreasing=frozenset({"revenue"})
    )
    figures = {**consistent(), "yield_rate": 1015, "revenue": -1}
    found = check(figures, context(config=config))
    assert [(f.rule, f.severity) for f in found] == [("ytd_decrease", ERROR)]


def test_a_loss_and_a_negative_equity_are_not_sign_errors():
    figures = {**consistent(), "net_profit": -900_00, "owners_equity": -100_00, "total_liabilities": 1100_00}
    assert [f for f in check(figures, context()) if f.rule == "numeric"] == []


def test_warnings_and_errors_are_told_apart():
    found = check({**consistent(), "headcount": -1}, context(last_year={"total_assets": 1}))
    assert [f.rule for f in errors(found)] == ["numeric"]
    assert [f.rule for f in warnings(found)] == ["yoy_jump"]


def test_a_consolidated_figure_within_tolerance_agrees():
    ctx = context(children_sum={"total_assets": 999_00, "yield_rate": 1})  # ratios are not summed
    assert check(consistent(), ctx) == []
