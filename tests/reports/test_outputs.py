"""The rendered files: every number equal to the engine's, a template's styles used, Chinese
glyphs in the PDF, and nothing out of the reader's sight."""

from __future__ import annotations

import io
import subprocess
from decimal import Decimal

import pytest
from docx import Document
from docx.shared import Pt

from pacer.analysis import wording
from pacer.auth.permissions import SYSTEM
from pacer.errors import NotFound
from pacer.reports import EconomicRequest, build_economic, render


def _group(session, analysis, lang="zh", span="half", unit=None, actor=SYSTEM):
    return build_economic(session, actor, EconomicRequest(unit, "2025-06", span, lang), analysis=analysis)


def test_every_figure_of_the_key_table_is_the_engine_s(session, analysis):
    report = _group(session, analysis)
    key = next(t for t in report.tables() if t.key == "key")
    cockpit = analysis.engine.cockpit(0, 2025, 6, ["revenue", "total_profit"])
    by_name = {row[0].text: row for row in key.rows}
    for code, name in (("revenue", "营业收入"), ("total_profit", "利润总额")):
        engine_row = cockpit.row(code)
        row = by_name[name]
        ytd = row[key.columns.index("本年累计")]
        # the table is on the 万元 scale for these sizes: the engine's exact YTD divided by 10,000
        assert ytd.number == engine_row.ytd.decimal / Decimal(10_000)
        assert ytd.text == wording.number(engine_row.ytd.decimal / Decimal(10_000), 2)
        assert row[key.columns.index("完成率")].text == wording.percent(engine_row.completion_pct, 1)
        assert row[key.columns.index("时间进度")].text == "50.0%"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_table_of_a_quarter_report_prints_at_8_points_or_more(session, analysis, lang):
    from pacer.reports.render import docx, pdf

    report = build_economic(session, SYSTEM, EconomicRequest(None, "2025-08", "quarter", lang), analysis=analysis)
    tables = {t.key: t for t in report.tables()}
    # the quarter's figures are a table of their own beside the year to date's against the targets
    assert len(tables["key"].columns) == 10
    assert len(tables["key.span"].columns) == 5
    for t in report.tables():
        assert docx.table_layout(t).points >= 8, t.key
        assert pdf.table_layout(t).points >= 8, t.key


def test_a_word_chart_has_no_caption_repeating_its_title(session, analysis):
    report = _group(session, analysis, lang="en")
    doc = Document(io.BytesIO(render(report, "docx")))
    texts = {p.text for p in doc.paragraphs}
    assert report.charts()
    for chart in report.charts():
        assert chart.title
        title = chart.spec["title"]
        assert (title["text"] if isinstance(title, dict) else title) == chart.title  # the picture carries it
        assert chart.title not in texts


def test_profit_turned_from_a_loss_is_worded_in_the_unit_s_report(session, analysis):
    report = _group(session, analysis, unit="A1")
    text = " ".join(b.text for b in report.blocks() if hasattr(b, "text"))
    assert "扭亏为盈" in text


def test_the_word_document_has_headings_tables_and_pictures(session, analysis):
    report = _group(session, analysis)
    doc = Document(io.BytesIO(render(report, "docx")))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:2] == ["一、总体情况", "二、主要指标分析"]
    assert len(doc.tables) == len(report.tables())
    assert len(doc.inline_shapes) == len(report.charts()) > 0


def test_a_supplied_template_s_letterhead_and_styles_are_used(session, analysis):
    template = Document()
    template.sections[0].header.paragraphs[0].text = "某某集团有限公司文件"
    template.styles["Heading 1"].font.name = "FangSong"
    template.styles["Heading 1"].font.size = Pt(22)
    template.add_paragraph("placeholder body text")
    buffer = io.BytesIO()
    template.save(buffer)
    out = Document(io.BytesIO(render(_group(session, analysis), "docx", template=buffer.getvalue())))
    assert out.sections[0].header.paragraphs[0].text == "某某集团有限公司文件"
    assert out.styles["Heading 1"].font.name == "FangSong"
    assert out.styles["Heading 1"].font.size == Pt(22)
    assert "placeholder body text" not in [p.text for p in out.paragraphs]
    assert any(p.style.name == "Heading 1" and p.text == "一、总体情况" for p in out.paragraphs)


def test_the_workbook_holds_every_table_with_figures_as_numbers(session, analysis):
    from openpyxl import load_workbook

    report = _group(session, analysis)
    book = load_workbook(io.BytesIO(render(report, "xlsx")))
    assert len(book.sheetnames) == len(report.tables())
    sheet = book.worksheets[0]
    key = report.tables()[0]
    revenue = next(r for r in key.rows if r[0].text == "营业收入")
    ytd_col = key.columns.index("本年累计")
    found = [row for row in sheet.iter_rows(min_row=5, values_only=True) if row[0] == "营业收入"]
    assert found[0][ytd_col] == pytest.approx(float(revenue[ytd_col].number))


def test_the_pdf_embeds_cjk_fonts_and_its_chinese_text_reads_back(session, analysis, tmp_path):
    report = _group(session, analysis)
    path = tmp_path / "report.pdf"
    path.write_bytes(render(report, "pdf"))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "NotoSerifCJK" in fonts
    assert all(" yes " in line for line in fonts.splitlines()[2:])  # every font embedded
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    compact = "".join(text.split())
    assert "一、总体情况" in compact
    assert "营业收入完成" in compact
    assert "\ufffd" not in text


def test_a_unit_leader_s_report_of_their_unit_never_names_a_sibling(session, analysis, group):
    victor = _actor(session, "victor")  # viewer of A
    report = _group(session, analysis, actor=victor)
    assert report.unit_code == "A"
    content = report.to_json()
    assert "单位A1" in content
    assert "单位B" not in content  # neither B nor B1
    with pytest.raises(NotFound):
        _group(session, analysis, unit="B", actor=victor)


def test_the_report_keeps_as_json_and_its_narrative_can_be_supplied(session, analysis):
    report = _group(session, analysis, lang="en", span="quarter")
    again = type(report).from_json(report.to_json())
    assert again == report
    edited = again.with_narrative({"plan": "Close the revenue gap by the third quarter."})
    assert edited.narratives()["plan"].text == "Close the revenue gap by the third quarter."
    assert not edited.narratives()["plan"].draft
    assert edited.narratives()["problems"].draft
    with pytest.raises(ValueError, match="no narrative block summary"):
        again.with_narrative({"summary": "x"})


def _actor(session, username):
    from pacer.auth.permissions import load_actor

    return load_actor(session, username)
