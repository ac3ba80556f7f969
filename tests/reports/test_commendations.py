"""The year report's commendations: the year's awards to the node's units and their people, in
Chinese and English and in every format; never a sibling's; no section in a shorter report or
in a year without any, and the report still renders."""

from __future__ import annotations

import io
import subprocess
from datetime import date

import pytest
from docx import Document

from pacer.auth.permissions import load_actor
from pacer.commendations import service
from pacer.models import Person
from pacer.reports import EconomicRequest, Paragraph, build_economic, render

TODAY = date(2026, 12, 6)


def _report(session, analysis, actor=None, unit=None, lang="zh", period="2025-12", span="year"):
    actor = actor or load_actor(session, "grace")
    return build_economic(session, actor, EconomicRequest(unit, period, span, lang), analysis=analysis)


@pytest.fixture
def given(session, group):
    hq = load_actor(session, "grace")
    service.add_award(session, hq, "two_one", "两优一先", "Two Excellences and One Advance", "honour", "both")
    service.add_award(session, hq, "technologist", "优秀科技工作者", "Outstanding Technologists", "honour", "people")
    person = Person(name_zh="李文博", name_en="Li Wenbo")
    session.add(person)
    session.flush()

    def add(**values):
        service.add(session, hq, service.Entry(**values), TODAY)

    add(award="two_one", year=2025, unit_code="A1", distinction_zh="先进集体", distinction_en="Advanced collective")
    add(award="technologist", year=2025, unit_code="A2", person_id=person.id)
    add(award="two_one", year=2025, unit_code="B1", distinction_zh="先进集体", distinction_en="Advanced collective")
    add(award="two_one", year=2024, unit_code="A1", distinction_zh="去年的集体", distinction_en="Last year's")
    return person


def test_the_year_report_lists_the_years_commendations_of_the_subtree_in_chinese(session, analysis, given):
    section = _report(session, analysis).section("commendations")
    assert section is not None
    summary, table = section.blocks
    assert isinstance(summary, Paragraph)
    assert summary.text == "2025年度共获表彰 3 项，其中集体 2 项、个人 1 项。"
    assert table.caption == "2025年度表彰名录"
    assert table.columns == ("奖项", "单位", "个人", "称号或等次")
    assert [tuple(c.text for c in row) for row in table.rows] == [
        ("两优一先", "单位A1", "（集体）", "先进集体"),
        ("两优一先", "单位B1", "（集体）", "先进集体"),
        ("优秀科技工作者", "单位A2", "李文博", "—"),
    ]
    assert "去年的集体" not in repr(section)


def test_the_section_comes_after_the_units_and_before_the_problems_in_english(session, analysis, given):
    report = _report(session, analysis, lang="en")
    keys = [s.key for s in report.sections]
    assert keys.index("units") < keys.index("commendations") < keys.index("problems")
    section = report.section("commendations")
    assert section.heading.endswith("Commendations")
    assert section.blocks[0].text == "In 2025, 3 commendations: 2 to collectives and 1 to people."
    rows = [tuple(c.text for c in row) for row in section.blocks[1].rows]
    assert ("Outstanding Technologists", "Unit A2", "Li Wenbo", "—") in rows


def test_a_unit_s_report_never_names_a_sibling_s_award(session, analysis, given):
    victor = load_actor(session, "victor")  # a viewer of A
    section = _report(session, analysis, actor=victor, unit="A").section("commendations")
    assert [row[1].text for row in section.blocks[1].rows] == ["单位A1", "单位A2"]
    assert section.blocks[0].text == "2025年度共获表彰 2 项，其中集体 1 项、个人 1 项。"


@pytest.mark.parametrize(("period", "span"), [("2025-12", "month"), ("2025-12", "half"), ("2025-12", "quarter")])
def test_a_report_shorter_than_the_year_has_no_commendations(session, analysis, given, period, span):
    assert _report(session, analysis, period=period, span=span).section("commendations") is None


def test_every_format_carries_the_section(session, analysis, given, tmp_path):
    report = _report(session, analysis)
    doc = Document(io.BytesIO(render(report, "docx")))
    words = "\n".join(p.text for p in doc.paragraphs) + "".join(
        c.text for t in doc.tables for row in t.rows for c in row.cells
    )
    for said in ("表彰情况", "优秀科技工作者", "李文博"):
        assert said in words
    assert "优秀科技工作者" in render(report, "html").decode()
    path = tmp_path / "report.pdf"
    path.write_bytes(render(report, "pdf"))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for said in ("表彰情况", "李文博"):
        assert said in text


def test_a_year_without_commendations_has_no_section_and_still_renders_in_every_format(session, analysis):
    report = _report(session, analysis, lang="en")
    assert report.section("commendations") is None
    for fmt in ("docx", "pdf", "html", "xlsx"):
        assert render(report, fmt)
