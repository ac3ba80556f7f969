"""The analysis report on research and production quality: problems found and closed by unit as
they stood at the span's end, where they come from (cause, stage, supplier), the severe ones
still open, in every format and both languages; a report with no quality data says so; only what
the reader sees; its narrative approved and frozen on the shared workflow."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document

from pacer.auth.permissions import SYSTEM, load_actor
from pacer.reports import EconomicRequest, Narrative, Paragraph, Table, render
from pacer.reports.quality_report import build_quality
from tests.reports.test_quality import problems  # noqa: F401  # the fixture


def _report(session, analysis, actor=SYSTEM, unit=None, lang="zh", period="2025-06", span="half"):
    return build_quality(session, actor, EconomicRequest(unit, period, span, lang), analysis=analysis)


def _table(report, key: str) -> Table:
    return next(t for t in report.tables() if t.key == key)


def test_the_quality_report_counts_each_unit_s_problems_as_they_stood_at_the_span_s_end(
    session,
    analysis,
    problems,  # noqa: F811
):
    report = _report(session, analysis)
    assert report.kind == "quality"
    assert report.title == "单位G2025年上半年科研生产质量分析报告"
    headings = [s.heading for s in report.sections]
    assert headings == [
        "一、质量总体情况",
        "二、各单位质量情况",
        "三、质量问题原因分析",
        "四、重大、严重质量问题",
        "五、存在的问题",
        "六、下一步措施与工作计划",
    ]
    units = _table(report, "quality.units")
    by_unit = {row[0].text: [c.text for c in row[1:]] for row in units.rows}
    # A: A1's critical problem (closed in April) and A2's major one; A1's July problem is after June
    # B: B1's minor problem of May; last year's, still open, is not this year's but is open
    assert by_unit == {
        "单位A": ["2", "1", "50.0%", "1", "1"],
        "单位B": ["1", "0", "0.0%", "2", "0"],
    }
    causes = _table(report, "quality.cause")
    assert [(r[0].text, r[1].text) for r in causes.rows] == [("人", "2"), ("料", "1")]
    assert not any(t.key == "quality.supplier" for t in report.tables())  # no problem names a supplier
    severe = _table(report, "quality.severe")
    assert [r[0].text for r in severe.rows] == ["壳体材料批次不合格"]
    assert {c.key for c in report.charts()} == {"quality.trend", "quality.cause.chart", "quality.origin_stage.chart"}
    draft = report.narratives()["problems"]
    assert draft.draft
    assert "“人”是本年质量问题的主要原因（2 项）" in draft.text


def test_the_english_quality_report_says_the_same_in_english(session, analysis, problems):  # noqa: F811
    report = _report(session, analysis, lang="en", span="quarter")  # Q2: April to June
    units = _table(report, "quality.units")
    assert units.columns[:3] == ("Unit", "Found (Quarter)", "Closed (Quarter)")
    summary = report.sections[0].blocks[0]
    assert isinstance(summary, Paragraph)
    assert summary.text.startswith("Quality problems in this quarter: 1 found (0 critical, 0 major), 1 closed")
    assert _table(report, "quality.cause").rows[0][0].text == "People"


def test_the_english_quality_report_prints_severities_and_stages_as_labels(session, analysis, problems):  # noqa: F811
    report = _report(session, analysis, lang="en")
    severe = _table(report, "quality.severe")
    assert [r[2].text for r in severe.rows] == ["Major"]  # a label, as it heads its cell
    stages = _table(report, "quality.origin_stage")
    assert all(r[0].text[:1].isupper() for r in stages.rows)
    sources = report.section("sources")
    assert sources is not None
    said = [b.text for b in sources.blocks if isinstance(b, Paragraph)]
    assert said[0].startswith("By cause, most of this year's problems come from people (2, ")  # mid-sentence


def test_a_count_s_unit_column_names_its_unit(session, group, problems):  # noqa: F811
    """The quality indicators are counts: their unit has no English symbol ("7 found"), yet the
    table's unit column says what they count in."""
    from pacer.analysis.serve.service import build
    from pacer.models import Fact
    from tests.factories import indicator

    found = indicator(session, "quality_problems")
    session.add_all(
        Fact(unit_id=group.A1.id, indicator_id=found.id, period=202500 + m, value=2 + m % 3) for m in range(1, 7)
    )
    session.flush()
    analysis = build(session.connection())
    for lang, unit in (("en", "count"), ("zh", "个")):
        table = _table(_report(session, analysis, lang=lang), "quality_indicators.table")
        assert [r[1].text for r in table.rows] == [unit]


def test_a_quality_report_with_no_quality_data_says_so_in_every_format(session, analysis):
    report = _report(session, analysis)
    assert [s.key for s in report.sections] == ["overall", "problems", "measures"]
    said = report.sections[0].blocks[0]
    assert isinstance(said, Paragraph)
    assert said.text == "截至 2025-06-30，本单位及所属单位未登记质量问题，也没有受控监测的关键特性。"
    assert isinstance(report.narratives()["problems"], Narrative)
    assert report.narratives()["problems"].text == "本期未发现需重点关注的质量问题。"
    doc = Document(io.BytesIO(render(report, "docx")))
    assert said.text in [p.text for p in doc.paragraphs]
    assert render(report, "pdf").startswith(b"%PDF")
    assert said.text in render(report, "html").decode()
    assert render(report, "xlsx").startswith(b"PK")


def test_a_unit_reader_s_quality_report_never_names_a_sibling(session, analysis, group, problems):  # noqa: F811
    from tests.factories import create_user

    create_user(session, "ursula", [("unit_reporter", group.A1)])
    ursula = load_actor(session, "ursula")
    report = _report(session, analysis, actor=ursula, unit="A1")
    text = report.to_json()
    assert "单位A1" in text
    assert _table(report, "quality.units").rows[0][0].text == "单位A1"
    for other in ("壳体材料批次不合格", "B1 测试记录缺失", "单位A2", "单位B"):
        assert other not in text
    with pytest.raises(Exception, match="A2"):
        _report(session, analysis, actor=ursula, unit="A2")


def test_the_quality_report_s_narrative_is_approved_and_frozen_in_both_languages(database_url):
    from pacer.db import get_engine, session_factory, unit_of_work
    from pacer.files import service as files
    from pacer.jobs.runner import run_pending, transactions
    from pacer.jobs.service import result
    from pacer.reports import generate, record
    from tests.conftest import Org
    from tests.reports.conftest import add_figures

    engine = get_engine()
    with unit_of_work(engine, writes=True) as session:
        add_figures(session, Org(session))
    with unit_of_work(engine, writes=True) as session:
        hannah, grace = load_actor(session, "hannah"), load_actor(session, "grace")
        rec = record.open_record(session, hannah, "G", "quality", "2025-06", "half")
        record.edit(session, hannah, rec.id, {"countermeasures": "QUALITY-MEASURES-APPROVED"})
        record.act(session, hannah, rec.id, "submit")
        record.act(session, grace, rec.id, "approve")
        version = record.versions(session, rec.id)[0]
        assert version.figures["kind"] == "quality"
        assert set(version.figures["reports"]) == {"zh", "en"}
        fields = {"kind": "quality", "unit": "G", "period": "2025-06", "span": "half", "format": "html"}
        ids = {
            lang: generate.start(session, grace, fields | {"lang": lang}, None, date(2025, 7, 20)).id
            for lang in ("zh", "en")
        }
    run_pending(transactions(session_factory(engine)))
    with unit_of_work(engine) as session:
        grace = load_actor(session, "grace")
        for lang, job_id in ids.items():
            job, stored = result(session, grace, job_id)
            assert job.kind == "quality"
            page = files.content(session, stored).decode()
            assert "QUALITY-MEASURES-APPROVED" in page
            assert ("科研生产质量分析报告" if lang == "zh" else "research and production quality") in page
