"""The report's quality section: problems found and closed in the span as they stood at its end,
the year's zeroing rate, the severe problems still open, the causes, the control charts out of
control; only what the reader sees, and no section without quality data."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from pacer.auth.permissions import SYSTEM, load_actor
from pacer.characteristics import service as spc
from pacer.quality import service, zeroing
from pacer.quality.words import CRITERION_CODES
from pacer.reports import EconomicRequest, Paragraph, build_economic
from tests.characteristics.conftest import as_subgroups, in_control, spec
from tests.factories import create_user
from tests.quality.conftest import plan


def _report(session, analysis, actor=SYSTEM, unit=None, lang="zh", period="2025-06", span="half"):
    return build_economic(session, actor, EconomicRequest(unit, period, span, lang), analysis=analysis)


def _close(session, owner, reviewer, problem, on: date) -> None:
    """The whole zeroing, signed off and closed on ``on``."""
    at = datetime.combine(on, time(12), UTC)
    for code in CRITERION_CODES:
        zeroing.write_evidence(session, owner, problem.id, code, f"{code}: 见分析报告")
    zeroing.act(session, owner, problem.id, "submit", now=at)
    for code in CRITERION_CODES:
        zeroing.sign_off(session, reviewer, problem.id, code, "同意")
    zeroing.act(session, reviewer, problem.id, "close", now=at)


@pytest.fixture
def problems(session, group):
    gus = create_user(session, "gus", [("quality_engineer", group.G)])
    quinn = create_user(session, "quinn", [("quality_engineer", group.A1)])
    create_user(session, "sara", [("quality_engineer", group.A2)])

    def found(unit, owner, title, severity, cause, on):
        p = plan(unit_code=unit, owner=owner, title=title, severity=severity, cause=cause, found_on=on)
        return service.open_problem(session, gus, p)

    early = found("A1", "quinn", "舵机插头虚焊", "critical", "man", date(2025, 2, 10))
    found("A2", "sara", "壳体材料批次不合格", "major", "material", date(2025, 3, 5))
    late = found("B1", "gus", "B1 测试记录缺失", "minor", "man", date(2025, 5, 20))
    found("A1", "quinn", "七月发现的问题", "major", "method", date(2025, 7, 15))  # after June
    found("B1", "gus", "去年遗留的问题", "minor", "", date(2024, 11, 1))  # last year, still open
    _close(session, quinn, gus, early, date(2025, 4, 1))  # closed within the half year
    return gus, late


def test_the_quality_section_counts_the_half_year_as_it_stood_at_its_end(session, analysis, problems):
    report = _report(session, analysis)
    section = report.section("quality")
    assert section is not None
    assert section.heading == "四、质量情况"  # after the unit comparison; no tasks, so no follow-up
    summary = section.blocks[0]
    assert isinstance(summary, Paragraph)
    # the half year at June is the year to date: said once
    assert summary.text == (
        "截至 2025-06-30，本年发现质量问题 3 项（其中重大 1 项、严重 1 项），已归零 1 项，归零率 33.3%；"
        "尚未归零的问题 3 项，其中重大、严重问题 1 项。"
    )
    causes = next(t for t in report.tables() if t.key == "quality.causes")
    assert [(r[0].text, r[1].text, r[2].text) for r in causes.rows] == [("人", "2", "66.7%"), ("料", "1", "100.0%")]
    severe = next(t for t in report.tables() if t.key == "quality.severe")
    assert [r[0].text for r in severe.rows] == ["壳体材料批次不合格"]
    assert severe.caption == "尚未归零的重大、严重问题"
    assert "七月发现的问题" not in report.to_json()


def test_a_problem_closed_after_the_span_counts_as_open_then(session, analysis, problems):
    _, late = problems
    owner = load_actor(session, "gus")
    for code in CRITERION_CODES:
        zeroing.write_evidence(session, owner, late.id, code, f"{code}: 见分析报告")
    zeroing.act(session, owner, late.id, "submit", now=datetime(2025, 8, 9, 12, tzinfo=UTC))
    reviewer = create_user(session, "rex", [("quality_engineer", _unit(session, "G"))])
    for code in CRITERION_CODES:
        zeroing.sign_off(session, reviewer, late.id, code, "同意")
    zeroing.act(session, reviewer, late.id, "close", now=datetime(2025, 8, 10, 12, tzinfo=UTC))
    assert late.closed_on == date(2025, 8, 10)
    june = _report(session, analysis).section("quality").blocks[0].text
    assert "已归零 1 项" in june
    assert "尚未归零的问题 3 项" in june
    august = _report(session, analysis, period="2025-08", span="month", lang="en").section("quality")
    text = august.blocks[0].text
    assert text.startswith("Quality problems in this month: 0 found (0 critical, 0 major), 1 closed by zeroing.")
    assert "This year to 2025-08-31: 4 found (1 critical, 2 major), 2 closed (zeroing rate 50.0%); 3 not yet" in text


def test_a_unit_s_report_counts_only_its_own_problems_and_never_names_a_sibling_s(session, analysis, problems):
    victor = load_actor(session, "victor")  # a viewer of A
    report = _report(session, analysis, actor=victor, unit="A")
    text = report.section("quality").blocks[0].text
    assert text.startswith("截至 2025-06-30，本年发现质量问题 2 项")
    assert "B1 测试记录缺失" not in report.to_json()
    assert "去年遗留的问题" not in report.to_json()


def test_characteristics_out_of_control_are_listed_with_their_points(session, analysis, group):
    quinn = create_user(session, "quinn", [("quality_engineer", group.A)])
    c = spc.create(session, quinn, spec())
    spc.add(session, quinn, c.id, as_subgroups(in_control(25)))
    spc.add(session, quinn, c.id, as_subgroups(in_control(3, seed=3, mean=11.0)))
    report = _report(session, analysis, lang="en")
    section = report.section("quality")
    assert section is not None
    (text,) = [b.text for b in section.blocks if isinstance(b, Paragraph)]
    assert text == (
        "Statistical process control: 1 of the 1 characteristics monitored is out of control on the data held now."
    )
    table = next(t for t in report.tables() if t.key == "quality.spc")
    assert [(r[0].text, r[1].text) for r in table.rows] == [("Unit A1", "Bore diameter")]
    assert int(table.rows[0][2].text) >= 1
    assert table.align == ("left", "left", "right", "right")  # the points and the Cpk are figures
    cpk = table.rows[0][3]
    assert cpk.text == "—" or cpk.number == Decimal(cpk.text)  # a number in the workbook too


def test_without_quality_data_there_is_no_quality_section(session, analysis):
    assert _report(session, analysis).section("quality") is None


def _unit(session, code):
    from sqlalchemy import select

    from pacer.models import Unit

    return session.scalars(select(Unit).where(Unit.code == code)).one()
