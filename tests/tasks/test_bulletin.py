"""The supervision bulletin over the database: rates by unit rolled up below the node and by the
issuing department, the overdue and newly closed lists, seen through the viewer's subtree; its
Excel and Word exports open and hold the rows."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from pacer.auth.permissions import load_actor
from pacer.errors import NotFound, ValidationFailed
from pacer.tasks.bulletin import bulletin, parse_period
from pacer.tasks.bulletin_calc import shown
from pacer.tasks.bulletin_export import docx_bytes, xlsx_bytes
from tests.tasks.board_data import followup

TODAY = date(2026, 6, 15)
PERIOD = parse_period(str(TODAY - timedelta(days=30)), str(TODAY), TODAY)


@pytest.fixture
def data(session, org):
    return followup(session, org, TODAY)


def figures(tally) -> tuple[int, int, int, int, int, str, str]:
    t = tally
    return t.due, t.completed, t.on_time, t.overdue, t.closed, shown(t.completion_rate), shown(t.on_time_rate)


def test_rates_by_second_level_unit_and_by_department(session, data):
    b = bulletin(session, load_actor(session, "sam"), PERIOD)
    assert b.node.code == "G"
    # A: its own task, A1's and A2's; the cancelled one counts nowhere, the one due later not yet
    assert {u.code: figures(t) for u, t in b.units} == {
        "A": (3, 1, 1, 1, 1, "33.3%", "100.0%"),
        "B": (1, 0, 0, 1, 0, "0.0%", "—"),
    }
    # by the supervising department (a unit): the HQ department, and the group for the task
    # issued without one
    assert [(d.code, figures(t)) for d, t in b.departments] == [
        ("G", (1, 0, 0, 1, 0, "0.0%", "—")),
        ("OPS", (3, 1, 1, 1, 1, "33.3%", "100.0%")),
    ]
    assert figures(b.figures.total) == (4, 1, 1, 2, 1, "25.0%", "100.0%")
    assert [(i.title, i.late_days) for i in b.overdue] == [("两金压降方案", 10), ("利润缺口追赶", 5)]
    assert [i.title for i in b.closed] == ["存货盘点"]


def test_below_a_node_units_roll_up_to_the_level_under_it(session, data):
    b = bulletin(session, load_actor(session, "sam"), PERIOD, "A")
    assert {u.code: (t.due, t.completed, t.overdue) for u, t in b.units} == {
        "A": (1, 0, 0),  # the node's own task stays with the node
        "A1": (1, 0, 1),
        "A2": (1, 1, 0),
    }


def test_a_viewer_sees_the_bulletin_of_their_subtree_only(session, data):
    b = bulletin(session, load_actor(session, "alice"), PERIOD)
    assert b.node.code == "A1"
    assert [u.code for u, _ in b.units] == ["A1"]
    assert [i.title for i in b.overdue] == ["两金压降方案"]
    assert b.closed == []
    with pytest.raises(NotFound):
        bulletin(session, load_actor(session, "alice"), PERIOD, "A")
    with pytest.raises(NotFound):
        bulletin(session, load_actor(session, "oscar"), PERIOD)


def test_a_bad_period_is_refused_naming_the_field():
    with pytest.raises(ValidationFailed) as refused:
        parse_period("2026-13-01", "2026-06-30", TODAY)
    assert refused.value.problems[0].field == "from"
    with pytest.raises(ValidationFailed) as refused:
        parse_period("2026-06-30", "2026-06-01", TODAY)
    assert refused.value.problems[0].field == "to"
    assert parse_period(None, None, TODAY).start == date(2026, 1, 1)


def test_the_workbook_opens_and_holds_every_table(session, data):
    b = bulletin(session, load_actor(session, "sam"), PERIOD)
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(b, "zh")))
    assert book.sheetnames == ["总体", "分单位", "分部门", "逾期事项", "期内销号"]
    summary = [[c.value for c in row if c.value is not None] for row in book["总体"].iter_rows()]
    assert summary[0][0].startswith("督办通报")
    assert summary[3][:3] == ["期内应完成", "已完成", "完成率"]
    assert summary[4] == [4, 1, 0.25, 1, 1.0, 2, 1]  # the overall figures, numbers as numbers
    assert book["总体"]["C5"].number_format == "0.0%"  # a rate is a percentage
    assert summary[6] == ["口径说明"]
    assert any("完成率 = " in row[0] for row in summary[7:])
    assert book["总体"]["A4"].font.b
    assert book["总体"]["A1"].font.sz == 13
    units = [[c.value for c in row] for row in book["分单位"].iter_rows()]
    assert units[0][:3] == ["单位", "期内应完成", "已完成"]
    assert units[1] == [org_name(b, "A"), 3, 1, 0.333, 1, 1.0, 1, 1]
    assert units[-1][0] == "合计"
    assert units[-1][1:4] == [4, 1, 0.25]
    assert book["分单位"].freeze_panes == "A2"
    assert book["分单位"]["A1"].font.b
    departments = [[c.value for c in row] for row in book["分部门"].iter_rows()]
    assert [r[0] for r in departments[1:]] == [d.name("zh") for d, _ in b.departments] + ["合计"]
    overdue = [[c.value for c in row] for row in book["逾期事项"].iter_rows()]
    late = b.overdue[0]
    assert overdue[1] == [
        late.id,
        "两金压降方案",
        late.unit.name("zh"),
        "Alice",  # the owner by name, not by username (alice)
        "办理中",  # in progress
        str(late.original_deadline),
        str(late.deadline),
        10,
    ]
    assert [r[1] for r in overdue[1:]] == ["两金压降方案", "利润缺口追赶"]
    assert [r[-1] for r in overdue[1:]] == [10, 5]
    closed = [[c.value for c in row] for row in book["期内销号"].iter_rows()]
    assert [r[1] for r in closed[1:]] == ["存货盘点"]
    assert closed[1][-2:] == [str(b.closed[0].closed_on), "是"]


def test_the_english_workbook_is_in_english(session, data):
    b = bulletin(session, load_actor(session, "sam"), PERIOD)
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(b, "en")))
    assert book.sheetnames == ["Overall", "By unit", "By department", "Overdue", "Newly closed"]
    units = [[c.value for c in row] for row in book["By unit"].iter_rows()]
    assert units[0][:3] == ["Unit", "Due", "Completed"]
    assert units[1] == [org_name(b, "A", "en"), 3, 1, 0.333, 1, 1.0, 1, 1]
    width = book["By unit"].column_dimensions["A"].width
    assert width >= max(len(org_name(b, code, "en")) for code in ("A", "B"))  # no name cut short
    overdue = [[c.value for c in row] for row in book["Overdue"].iter_rows()]
    assert overdue[1][4] == "In progress"  # a state heads its cell
    assert units[-1][0] == "Total"
    closed = [[c.value for c in row] for row in book["Newly closed"].iter_rows()]
    assert closed[1][-1] == "Yes"


def org_name(b, code: str, lang: str = "zh") -> str:
    return next(u.name(lang) for u, _ in b.units if u.code == code)


def test_the_word_document_opens_with_its_tables_and_a_chinese_font(session, data):
    b = bulletin(session, load_actor(session, "sam"), PERIOD)
    doc = Document(io.BytesIO(docx_bytes(b, "zh")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "督办通报" in text
    assert "口径说明" in text
    assert "按期完成率 = " in text
    tables = [[[c.text for c in row.cells] for row in table.rows] for table in doc.tables]
    assert tables[0][1] == ["4", "1", "25.0%", "1", "100.0%", "2", "1"]  # the overall figures
    assert [row[0] for row in tables[1][1:]] == [org_name(b, "A"), org_name(b, "B"), "合计"]
    assert [row[1] for row in tables[3][1:]] == ["两金压降方案", "利润缺口追赶"]
    assert [row[1] for row in tables[4][1:]] == ["存货盘点"]
    fonts = doc.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "SimSun"
    heading = doc.styles["Heading 1"].element.rPr.rFonts
    assert heading.get(qn("w:eastAsia")) == "SimSun"
    assert heading.get(qn("w:eastAsiaTheme")) is None


def test_the_english_word_document_is_in_english(session, data):
    b = bulletin(session, load_actor(session, "sam"), PERIOD)
    doc = Document(io.BytesIO(docx_bytes(b, "en")))
    assert doc.paragraphs[0].text.startswith("Supervision bulletin")
    assert doc.tables[1].rows[0].cells[2].text == "Completed"


def test_the_word_tables_fit_their_texts_and_keep_their_rows_whole(session, data):
    b = bulletin(session, load_actor(session, "sam"), PERIOD)
    doc = Document(io.BytesIO(docx_bytes(b, "en")))
    overdue = doc.tables[3]
    widths = [c.width.cm for c in overdue.rows[1].cells]
    assert sum(widths) == pytest.approx(24.6, abs=0.05)
    assert widths[0] < widths[2]  # the number is narrow, the unit's name has room
    assert overdue.rows[1].cells[0].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT  # figures right
    assert overdue.rows[1].cells[1].paragraphs[0].alignment != WD_ALIGN_PARAGRAPH.RIGHT
    heading = overdue.rows[0]._tr.trPr
    assert heading.find(qn("w:tblHeader")) is not None  # repeated on each page
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in overdue.rows)
