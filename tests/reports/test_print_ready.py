"""What a head of planning and finance sends on without retyping: a chance never reads "about
0%", the quality report's trend of a few problems counts in whole problems, headings break where Chinese
typesetting allows and never at the names' expense, the Word table's headings stand over their
figures, and the workbook's figures are numbers printed as the report prints them."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from pacer.models import Unit
from pacer.quality.chart import trend_spec
from pacer.quality.pareto import Series, Trend
from pacer.reports.forecast_wording import Forecast, chance_cell_text, chance_phrase, forecast_sentence
from pacer.reports.model import Cell, Paragraph, Report, Section, Table
from pacer.reports.narrative import listed
from pacer.reports.render import render
from pacer.reports.render.layout import CLOSING, heading_lines, layout, width
from pacer.reports.render.xlsx import figure, sheet_name
from pacer.web import charts


@pytest.mark.parametrize(
    ("chance", "zh", "en", "cell"),
    [
        (0.0, "不足 1%", "under 1%", "<1%"),
        (0.4, "不足 1%", "under 1%", "<1%"),
        (0.5, "约 1%", "about 1%", "1%"),
        (47.2, "约 47%", "about 47%", "47%"),
        (99.4, "约 99%", "about 99%", "99%"),
        (99.5, "超过 99%", "over 99%", ">99%"),
        (100.0, "超过 99%", "over 99%", ">99%"),
    ],
)
def test_a_chance_never_reads_as_impossible_or_certain(chance, zh, en, cell):
    assert chance_phrase(chance, "zh") == zh
    assert chance_phrase(chance, "en") == en
    assert chance_cell_text(chance) == cell


def test_a_forecast_with_no_chance_left_says_under_one_percent():
    f = Forecast("Operating revenue", "RMB 100m", Decimal("380"), None, None, Decimal("400"), 95.0, 0.01)
    assert forecast_sentence(f, "en").endswith("; the chance of reaching it is under 1%.")
    zh = Forecast("营业收入", "亿元", Decimal("380"), None, None, Decimal("400"), 95.0, 0.01)
    assert forecast_sentence(zh, "zh").endswith("，达成确保目标的可能性不足 1%。")


def test_only_the_first_forecast_of_a_paragraph_says_on_current_trends():
    f = Forecast("Total profit", "RMB 100m", Decimal("10"), None, None, Decimal("11"), 90.9, 47.0)
    assert forecast_sentence(f, "en", first=False).startswith("Total profit should close the year at 10.00")
    zh = Forecast("利润总额", "亿元", Decimal("10"), None, None, Decimal("11"), 90.9, 47.0)
    assert forecast_sentence(zh, "zh", first=False).startswith("预计全年利润总额 10.00 亿元")
    assert forecast_sentence(zh, "zh").startswith("按目前趋势，预计全年利润总额")


def test_names_are_listed_as_a_sentence_lists_them():
    names = ["Two funds", "Accounts receivable", "Inventory"]
    assert listed(names, "en") == "Two funds, accounts receivable and inventory"
    assert listed(["Two funds"], "en") == "Two funds"
    assert listed(["两金", "应收账款", "存货"], "zh") == "两金、应收账款、存货"


def _labels(svg: str) -> list[str]:
    return re.findall(r">(-?[0-9.]+)</text>", svg)


def test_a_trend_of_a_few_problems_counts_in_whole_problems():
    unit = Unit(code="G01", name_zh="第一研究院", name_en="First Academy")
    trend = Trend(unit, 2026, [Series(unit, [1, 2, 0, 1, 0, 0, 0, 0, 0])])
    svg = charts.to_svg(trend_spec(trend, "en") | {"width": 400})
    assert not {"0.5", "1.5"} & set(_labels(svg))


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        ("未归零", ("未归零",)),  # three characters: a fragment a line is no heading
        ("其中重大、严重", ("其中重大、", "严重")),  # at the enumeration comma
        ("本季度发现", ("本季度", "发现")),
    ],
)
def test_a_chinese_heading_breaks_where_chinese_typesetting_allows(name, lines):
    assert heading_lines(name, 2) == lines
    assert all(line[:1] not in CLOSING for line in heading_lines(name, 2))


def test_long_unit_names_get_the_room_before_headings_stay_on_one_line():
    """The quality report's table by unit: the units' names wrap to one extra line at most; the
    headings of counts break in two instead."""
    names = ["First Academy", "Intelligent Equipment Group Co., Ltd.", "New Materials Technology Co., Ltd."]
    columns = ("Unit", "Found this year", "Of which closed", "Zeroing rate", "Open", "Critical or major open")
    rows = tuple((Cell(n), Cell("8"), Cell("5"), Cell("62.5%"), Cell("3"), Cell("3")) for n in names)
    table = Table("quality.units", "Problems and zeroing by unit", columns, rows, ("left", *("right",) * 5))
    shape = layout(table, 8.5, 16.6, 0.26)
    em = shape.points * 2.54 / 72 * 0.6
    longest = width("Intelligent Equipment Group Co., Ltd.") * em + 0.26
    assert shape.widths_cm[0] >= longest / 2  # two lines at most
    assert ("Critical or", "major open") in shape.headings


def _report(tables: tuple[Table, ...], lang: str = "en") -> Report:
    section = Section("overall", "1. Overall", (Paragraph("Text."), *tables))
    return Report(
        "economic", "Group: report", "Figures to June 2025", lang, "G", "Group", "2025-06", "half", (section,)
    )


KEY = Table(
    "key",
    "Key indicators this half year against the same months of last year",
    ("Indicator", "Unit", "Year to date", "YoY", "Completion", "Gap", "Problems", "Chance of ensure", "Status"),
    (
        (
            Cell("Operating revenue"),
            Cell("RMB 100m"),
            Cell("1,268.30", Decimal("1268.3007")),
            Cell("+2.6%", Decimal("2.6156")),
            Cell("66.6%", Decimal("66.64")),
            Cell("-8.4pp", Decimal("-8.3588")),
            Cell("9", Decimal(9)),
            Cell("<1%", Decimal("0.2")),
            Cell("Off track", None, "bad"),
        ),
        (
            Cell("Total profit"),
            Cell("RMB 100m"),
            Cell("-6.72", Decimal("-6.7185")),
            Cell("扭亏为盈", Decimal("3.2")),
            Cell("—"),
            Cell("+0.5pp", Decimal("0.5")),
            Cell("12", Decimal(12)),
            Cell("47%", Decimal("47.2")),
            Cell("On track", None, "good"),
        ),
    ),
    ("left", "left", "right", "right", "right", "right", "right", "right", "left"),
    "Completion is the year to date as a share of the annual ensure target.",
)


def test_the_workbook_prints_each_figure_as_the_report_does():
    book = openpyxl.load_workbook(io.BytesIO(render(_report((KEY,)), "xlsx")))
    sheet = book.worksheets[0]
    assert sheet.title == "Key indicators this half year"  # cut at a word, not on "against"
    revenue, profit = (list(row) for row in sheet.iter_rows(min_row=5, max_row=6))
    shown = [(c.value, c.number_format) for c in revenue[2:8]]
    assert shown[0] == (pytest.approx(1268.3007), "#,##0.00")
    assert shown[1] == (pytest.approx(0.026156), "+0.0%;-0.0%;0.0%")  # a percentage, its sign shown
    assert shown[2] == (pytest.approx(0.6664), "0.0%")
    assert shown[3] == (pytest.approx(-8.3588), '#,##0.0"pp"')
    assert shown[4] == (9, "#,##0")  # a count has no decimals
    assert shown[5] == ("<1%", "General")  # words stay words
    assert profit[2].value == pytest.approx(-6.7185)
    assert profit[3].value == "扭亏为盈"
    assert profit[5].number_format == '+#,##0.0"pp";-#,##0.0"pp";#,##0.0"pp"'
    assert sheet.column_dimensions["A"].width >= width("Operating revenue")  # the names are not cut
    assert sheet["C4"].alignment.horizontal == "right"  # a heading over figures


def test_a_figure_whose_text_says_otherwise_is_kept_as_its_text():
    assert figure(Cell("1.20", Decimal("1.2"))) == (1.2, 2, False, "")
    assert figure(Cell("3.40", Decimal("1.2"))) is None
    assert figure(Cell("1", None)) is None


@pytest.mark.parametrize(
    ("caption", "name"),
    [
        ("Units ranked on growth in operating revenue, this half year (RMB 100m)", "Units ranked on growth"),
        ("Receivables and inventory (two funds)", "Receivables and inventory"),
        ("Critical and major problems not yet closed", "Critical and major problems"),
        ("各单位对营业收入同比变动的贡献（亿元）", "各单位对营业收入同比变动的贡献（亿元）"),
        ("Cash flow", "Cash flow"),
    ],
)
def test_a_sheet_is_named_by_whole_words(caption, name):
    assert sheet_name(caption, set()) == name


def test_two_sheets_of_one_name_are_told_apart():
    used: set[str] = set()
    first = sheet_name("Key indicators this half year against the same months of last year", used)
    second = sheet_name("Key indicators this half year against the same months of last year", used)
    assert (first, second) == ("Key indicators this half year", "Key indicators this half year 2")
    assert all(len(n) <= 31 for n in used)


def test_the_word_table_s_headings_stand_over_their_figures_and_its_note_is_a_footnote():
    doc = Document(io.BytesIO(render(_report((KEY,)), "docx")))
    table = doc.tables[0]
    heading = [c.paragraphs[0].alignment for c in table.rows[0].cells]
    assert heading[2] == WD_ALIGN_PARAGRAPH.RIGHT
    assert heading[0] != WD_ALIGN_PARAGRAPH.RIGHT
    note = next(p for p in doc.paragraphs if p.text.startswith("Completion is"))
    assert note.style.name == "Normal"  # not the caption's style, which heads a table
    assert note.runs[0].font.size.pt == 8
