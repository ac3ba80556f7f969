"""Printed tables: headings split where a reader expects, figures never wrap, wide tables fit."""

from __future__ import annotations

import pytest

from pacer.reports.model import Cell, Table
from pacer.reports.render.layout import LATIN, SMALLEST, heading_lines, layout, width


@pytest.mark.parametrize(
    ("name", "data", "lines"),
    [
        ("时间进度", 5, ("时间", "进度")),
        ("上年同期", 5, ("上年", "同期")),
        ("Time progress", 5, ("Time", "progress")),
        ("Same period last year", 8, ("Same period", "last year")),
        ("Completion", 5, ("Completion",)),  # one word never breaks
        ("状态", 4, ("状态",)),
        ("本年累计", 8, ("本年累计",)),  # as wide as its figures: one line
    ],
)
def test_a_heading_prints_on_one_line_or_splits_in_the_middle(name, data, lines):
    assert heading_lines(name, data) == lines


def _key_table(unit: str, names: list[str]) -> Table:
    columns = ("Indicator", "Unit", "Quarter", "YoY", "Year to date", "YTD YoY", "Ensure target")
    columns += ("Strive target", "Completion", "Time progress", "Gap", "Status")
    row = ("12,345.67", "+12.3%", "123,456.78", "-0.06pp", "402.60", "421.78", "66.6%", "75.0%", "-10.0pp")
    rows = tuple((Cell(n), Cell(unit), *(Cell(x) for x in row), Cell("off track")) for n in names)
    return Table("key", "Key indicators", columns, rows, ("left", "left", *("right",) * 9, "left"))


def test_a_wide_table_fits_the_page_without_wrapping_a_figure_or_a_unit():
    table = _key_table("RMB 100m", ["Operating revenue", "Investment completion rate", "Two funds"])
    shape = layout(table, 8.5, 16.6, 0.26)
    assert sum(shape.widths_cm) == pytest.approx(16.6)
    assert SMALLEST <= shape.points <= 8.5
    em = shape.points * 2.54 / 72
    for i in range(1, len(table.columns)):  # every column but the names
        text = max(width(row[i].text) for row in table.rows)
        assert shape.widths_cm[i] >= text * LATIN * em
    # the names wrap rather than the figures: their column is narrower than its longest name
    assert shape.widths_cm[0] < width("Investment completion rate") * LATIN * em + 0.26


def test_a_narrow_table_keeps_its_size_and_shares_the_spare_room():
    table = Table("t", "t", ("单位", "到期"), ((Cell("第一研究院"), Cell("3")),), ("left", "right"))
    shape = layout(table, 9, 16.0, 0.2)
    assert shape.points == 9
    assert sum(shape.widths_cm) == pytest.approx(16.0)
    assert shape.widths_cm[0] > shape.widths_cm[1]


def test_headings_split_only_when_the_table_would_not_fit_otherwise():
    rows = ((Cell("人"), Cell("3"), Cell("37.5%")),)
    narrow = layout(Table("t", "t", ("原因", "问题数", "累计占比"), rows, ("left", "right", "right")), 9, 16.0, 0.2)
    assert narrow.headings == (("原因",), ("问题数",), ("累计占比",))
    wide = layout(_key_table("RMB 100m", ["Operating revenue"]), 8.5, 16.6, 0.26)
    assert ("Time", "progress") in wide.headings
