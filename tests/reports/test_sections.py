"""The sections that appear with their data: follow-up of meeting requirements, outlook, units."""

from __future__ import annotations

from datetime import date

from pacer.auth.permissions import SYSTEM, load_actor
from pacer.reports import EconomicRequest, Paragraph, build_economic, render
from pacer.tasks import service
from pacer.tasks.validation import TaskPlan
from tests.factories import create_user


def _report(session, analysis, actor=SYSTEM, unit=None, lang="zh"):
    return build_economic(session, actor, EconomicRequest(unit, "2025-06", "half", lang), analysis=analysis)


def _task(session, supervisor, unit_code: str, title: str):
    plan = TaskPlan(
        unit_code=unit_code,
        title=title,
        owner="alice" if unit_code == "A1" else "bob",
        deadline=date(2025, 5, 31),
        assigned_on=date(2025, 1, 10),
        deliverables="方案",
    )
    return service.create(session, supervisor, plan, today=date(2025, 1, 10))


def test_without_tasks_there_is_no_follow_up_section_and_nothing_breaks(session, analysis):
    keys = [s.key for s in _report(session, analysis).sections]
    assert keys == ["overall", "indicators", "units", "problems", "outlook", "measures"]


def test_tasks_due_in_the_year_give_the_follow_up_section_by_unit_with_the_overdue(session, analysis):
    supervisor = create_user(session, "sue", [("supervisor", _unit(session, "G"))])
    _task(session, supervisor, "A1", "两金压降 10%")
    _task(session, supervisor, "B1", "扭亏增盈专项")
    report = _report(session, analysis)
    section = report.section("followup")
    assert section is not None
    assert section.heading == "四、会议要求落实情况"
    summary = section.blocks[0]
    assert isinstance(summary, Paragraph)
    assert "本年到期的督办事项 2 项，已办结 0 项" in summary.text
    assert "逾期未办结 2 项" in summary.text
    overdue = next(t for t in report.tables() if t.key == "followup.overdue")
    assert sorted(r[0].text for r in overdue.rows) == ["两金压降 10%", "扭亏增盈专项"]
    assert overdue.caption == "逾期未办结事项"  # all are listed: no "first 2"
    # a viewer of A sees A's task only, and no sibling's
    victor = load_actor(session, "victor")
    own = _report(session, analysis, actor=victor)
    titles = [r[0].text for t in own.tables() if t.key == "followup.overdue" for r in t.rows]
    assert titles == ["两金压降 10%"]
    assert "扭亏增盈" not in own.to_json()


def _done(session, supervisor, task, reported: date, verified: date) -> None:
    """The owner's verbs and the sign-off, each recorded at noon of its day."""
    from datetime import UTC, datetime, time

    from pacer.tasks import lifecycle

    owner = load_actor(session, task.owner)
    steps = [(owner, "accept", date(2025, 1, 12)), (owner, "start", date(2025, 1, 13))]
    steps += [(owner, "report_completion", reported), (supervisor, "verify", verified)]
    for actor, verb, day in steps:
        lifecycle.act(session, actor, task.id, verb, now=datetime.combine(day, time(12), UTC))


def test_a_past_report_counts_a_task_closed_after_its_end_as_overdue_then(session, analysis):
    supervisor = create_user(session, "sue", [("supervisor", _unit(session, "G"))])
    early = _task(session, supervisor, "A1", "两金压降 10%")
    late = _task(session, supervisor, "A1", "存货清理")
    _done(session, supervisor, early, date(2025, 5, 20), date(2025, 5, 25))  # within the half year
    _done(session, supervisor, late, date(2025, 8, 1), date(2025, 8, 10))  # after June's end
    section = _report(session, analysis).section("followup")
    assert section is not None
    summary = section.blocks[0].text
    # at the end of June: both due, one signed off (on time), the other still open and overdue
    assert "本年到期的督办事项 2 项，已办结 1 项" in summary
    assert "逾期未办结 1 项" in summary
    overdue = next(t for t in _report(session, analysis).tables() if t.key == "followup.overdue")
    assert [(r[0].text, r[3].text) for r in overdue.rows] == [("存货清理", "30")]  # May 31 to June 30
    # the report of August, drawn after both were signed off, has nothing overdue
    august = build_economic(session, SYSTEM, EconomicRequest(None, "2025-08", "month", "zh"), analysis=analysis)
    later = august.section("followup")
    assert later is not None
    assert "已办结 2 项" in later.blocks[0].text
    assert not any(t.key == "followup.overdue" for t in august.tables())


def test_the_outlook_says_what_the_rest_of_the_year_needs(session, analysis):
    report = _report(session, analysis, lang="en")
    outlook = report.section("outlook")
    assert outlook is not None
    forecasts, needs = (b.text for b in outlook.blocks if isinstance(b, Paragraph))
    assert forecasts.startswith("On current trends, operating revenue should close the year at")
    assert forecasts.count("On current trends") == 1  # said once for the paragraph
    key = next(t for t in report.tables() if t.key == "key")
    status = key.columns.index("Status")
    assert {r[status].text for r in key.rows} <= {"On track", "Watch", "Off track", "—"}  # labels
    text = needs
    assert "To reach its ensure target, operating revenue needs" in text
    assert "a month over the last 6 months" in text
    assert any(t.key == "outlook" for t in report.tables())
    assert render(report, "html").count(b"data:image/svg+xml") == len(report.charts())


def _unit(session, code):
    from sqlalchemy import select

    from pacer.models import Unit

    return session.scalars(select(Unit).where(Unit.code == code)).one()


def test_an_overdue_list_cut_short_says_how_many_it_shows(session, analysis):
    from pacer.cockpit.scope import open_scope
    from pacer.reports.figures import Context
    from pacer.reports.followup import followup

    supervisor = create_user(session, "sue", [("supervisor", _unit(session, "G"))])
    _task(session, supervisor, "A1", "两金压降 10%")
    _task(session, supervisor, "B1", "扭亏增盈专项")
    ctx = Context(open_scope(session, SYSTEM, analysis, None, "2025-06", "en"), "half")
    section = followup(ctx, today=date(2025, 7, 15), listed=1)
    assert section is not None
    overdue = next(b for b in section.blocks if getattr(b, "key", "") == "followup.overdue")
    assert overdue.caption == "Overdue tasks (first 1)"
    assert len(overdue.rows) == 1


def test_the_summary_is_said_once_and_counts_the_key_indicators_by_status(session, analysis):
    report = _report(session, analysis)
    summary = report.section("overall").blocks[0].text
    opening = report.section("revenue_profit").blocks[0]
    assert "营业收入完成" in summary
    assert "营业收入完成" not in getattr(opening, "text", "")
    judged = [r[-1].text for r in next(t for t in report.tables() if t.key == "key").rows if r[-1].text != "—"]
    on, watch, off = (judged.count(w) for w in ("正常", "关注", "滞后"))
    assert f"在有目标的 {len(judged)} 项关键指标中，符合进度 {on} 项，需关注 {watch} 项，滞后 {off} 项。" in summary


def test_a_past_bulletin_shows_the_deadline_a_task_had_then_not_the_one_it_has_now(session, analysis):
    from datetime import UTC, datetime, time

    from pacer.tasks import bulletin_calc, lifecycle
    from pacer.tasks.bulletin import bulletin

    supervisor = create_user(session, "sue", [("supervisor", _unit(session, "G"))])
    task = _task(session, supervisor, "A1", "两金压降 10%")  # due 2025-05-31
    owner = load_actor(session, "alice")
    lifecycle.act(session, owner, task.id, "accept", now=datetime(2025, 1, 12, 12, tzinfo=UTC))
    for asked, on in ((date(2025, 7, 31), date(2025, 5, 20)), (date(2025, 9, 30), date(2025, 7, 20))):
        at = datetime.combine(on, time(12), UTC)
        lifecycle.act(session, owner, task.id, "request_extension", "供应商延期", new_deadline=asked, now=at)
        lifecycle.act(session, supervisor, task.id, "approve_extension", now=at)
    assert task.deadline == date(2025, 9, 30)

    def listed(day: date) -> dict[str, date]:
        period = bulletin_calc.Period(date(2025, 1, 1), day, day, as_of=True)
        return {i.title: i.deadline for i in bulletin(session, SYSTEM, period, "G").overdue}

    assert listed(date(2025, 6, 30)) == {"两金压降 10%": date(2025, 7, 31)}  # once extended by then
    assert listed(date(2025, 8, 31)) == {"两金压降 10%": date(2025, 9, 30)}
    assert listed(date(2025, 5, 31)) == {}  # not yet past its original deadline


def test_a_bulletin_version_approved_before_its_rows_were_kept_is_redrawn_from_history_and_says_so(session, analysis):
    from io import BytesIO

    from docx import Document

    from pacer.reports import drawn
    from pacer.reports.narrative_docx import with_note
    from pacer.tasks.bulletin_export import docx_bytes

    supervisor = create_user(session, "sue", [("supervisor", _unit(session, "G"))])
    task = _task(session, supervisor, "A1", "两金压降 10%")  # due May 31: overdue at the end of June
    current = drawn.bulletin_figures(drawn.bulletin(session, SYSTEM, "G", "2025-06", "half"))
    kept_then = ("kind", "unit", "from", "to", "as_of", "total", "by_unit", "overdue", "closed")
    old = {k: current[k] for k in kept_then}  # what a version approved before rows were kept holds
    _done(session, supervisor, task, date(2025, 8, 1), date(2025, 8, 10))  # closed since

    redrawn, note = drawn.bulletin_of_version(session, SYSTEM, old, "zh")
    assert [i.title for i in redrawn.overdue] == ["两金压降 10%"]  # as it stood on June 30
    assert note == (
        "说明：此版本审批时尚未保存通报明细，本文件据督办事项的历史记录，按 2025-06-30 当日的状态重新生成；"
        "汇总数与审批时保存的一致。"
    )
    doc = Document(BytesIO(with_note(docx_bytes(redrawn, "zh"), note)))
    assert doc.paragraphs[1].text == note  # under the title

    old["total"] = {**old["total"], "due": 5}
    _, differ = drawn.bulletin_of_version(session, SYSTEM, old, "en")
    assert differ.endswith("Its totals differ from those kept at approval (then: due 5, completed 0, overdue 1).")

    frozen, none = drawn.bulletin_of_version(session, SYSTEM, current, "zh")
    assert none == ""
    assert [i.title for i in frozen.overdue] == ["两金压降 10%"]


def test_the_two_funds_close_the_year_at_their_balance_and_the_outlook_says_they_are_balances(session, analysis):
    report = _report(session, analysis)
    outlook = next(t for t in report.tables() if t.key == "outlook")
    rows = {r[0].text: r for r in outlook.rows}
    ytd, forecast = outlook.columns.index("本年累计"), outlook.columns.index("年末预测")
    # every month's balance is the same in this group: the year closes where June stands
    for name in ("两金", "应收账款", "存货"):
        assert rows[name][forecast].number == rows[name][ytd].number
    assert rows["营业收入"][forecast].number == 2 * rows["营业收入"][ytd].number  # a flow: twelve months
    assert outlook.note.startswith("两金、应收账款、存货为余额指标")


def test_a_month_a_unit_has_not_sent_is_said_before_any_figure(session, group):
    from sqlalchemy import delete

    from pacer.analysis.serve.service import build
    from pacer.models import Fact

    session.execute(delete(Fact).where(Fact.unit_id == group.B1.id, Fact.period == 202506))
    analysis = build(session.connection())
    report = build_economic(session, SYSTEM, EconomicRequest(None, "2025-06", "month", "zh"), analysis=analysis)
    first = report.sections[0].blocks[0].text
    assert (
        first
        == "说明：截至本报告生成时，1 家单位 2025-06 的数据尚未全部报送并受理（单位B1），以下数字不含其未受理部分。"
    )
    whole = build_economic(session, SYSTEM, EconomicRequest(None, "2025-05", "month", "zh"), analysis=analysis)
    assert not whole.sections[0].blocks[0].text.startswith("说明")
