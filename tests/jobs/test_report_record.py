"""A report's narrative on the approval workflow: written, submitted, returned with a reason,
approved (a version frozen with the figures it was drawn from), edits refused until it is
re-opened with a reason; files made while it is approved carry the approved text."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document

from pacer.auth.permissions import load_actor
from pacer.errors import Conflict, Forbidden, NotFound
from pacer.files import service as files
from pacer.jobs.runner import run_pending
from pacer.jobs.service import result
from pacer.models import ReportVersion
from pacer.reports import generate, record
from pacer.workflow.transitions import ReasonRequired
from tests.tasks.board_data import followup
from tests.webclient import page_token

MONTH = f"{date.today().year}-{date.today().month:02d}"


@pytest.fixture
def people(session, org):
    from tests.factories import create_user

    create_user(session, "ann", [("unit_approver", org.A)])
    create_user(session, "rita", [("unit_reporter", org.A)])
    followup(session, org, date.today())
    return {u: load_actor(session, u) for u in ("rita", "ann", "bob", "victor")}


def _bulletin_text(session, actor, job_id):
    _job, stored = result(session, actor, job_id)
    return "\n".join(p.text for p in Document(io.BytesIO(files.content(session, stored))).paragraphs)


def test_the_narrative_is_written_reviewed_approved_and_frozen(session, org, people, tx):
    rita, ann = people["rita"], people["ann"]
    rec = record.open_record(session, rita, "A", "bulletin", MONTH, "year")
    assert record.open_record(session, ann, "A", "bulletin", MONTH, "year").id == rec.id  # one per report
    record.edit(session, rita, rec.id, {"problems": "回款偏慢", "countermeasures": "压降两金", "plan": "月底前清欠"})
    record.act(session, rita, rec.id, "submit")
    with pytest.raises(Forbidden):
        record.act(session, rita, rec.id, "approve")  # the author does not approve
    with pytest.raises(Conflict):
        record.edit(session, rita, rec.id, {"problems": "changed while in review"})
    with pytest.raises(ReasonRequired):
        record.act(session, ann, rec.id, "return")
    record.act(session, ann, rec.id, "return", "请补充数据")
    record.act(session, rita, rec.id, "submit")
    record.act(session, ann, rec.id, "approve")
    shown = record.shown(session, ann, rec.id)
    assert shown.item.state == "approved"
    assert [e.verb for e in shown.history] == ["create", "submit", "return", "submit", "approve"]
    [version] = shown.versions
    assert version.narrative == {"problems": "回款偏慢", "countermeasures": "压降两金", "plan": "月底前清欠"}
    assert version.figures["kind"] == "bulletin"
    assert version.figures["unit"] == "A"
    assert len(version.figures_sha256) == 64
    with pytest.raises(Conflict):
        record.edit(session, rita, rec.id, {"problems": "after approval"})
    with pytest.raises(ReasonRequired):
        record.act(session, ann, rec.id, "reopen")
    record.act(session, ann, rec.id, "reopen", "数据更正")
    record.edit(session, rita, rec.id, {"problems": "更正后的问题"})
    assert session.query(ReportVersion).filter_by(record_id=rec.id).count() == 1  # v1 stays as approved


def test_files_made_while_approved_carry_the_approved_text(session, org, people, tx):
    rita, ann, victor = people["rita"], people["ann"], people["victor"]
    rec = record.open_record(session, rita, "A", "bulletin", MONTH, "year")
    record.edit(session, rita, rec.id, {"problems": "APPROVED-PROBLEMS"})
    record.act(session, rita, rec.id, "submit")
    record.act(session, ann, rec.id, "approve")
    fields = {"kind": "bulletin", "unit": "A", "period": MONTH, "span": "year", "format": "docx", "lang": "en"}
    job = generate.start(session, victor, fields, None, date.today())
    run_pending(tx)
    assert "APPROVED-PROBLEMS" in _bulletin_text(session, victor, job.id)
    record.act(session, ann, rec.id, "reopen", "更正")
    record.edit(session, rita, rec.id, {"problems": "DRAFT-AGAIN"})
    again = generate.start(session, victor, fields, None, date.today())
    run_pending(tx)
    text = _bulletin_text(session, victor, again.id)
    assert "DRAFT-AGAIN" in text
    assert "APPROVED-PROBLEMS" not in text


def _sheet(session, actor, job_id, name: str) -> list[list]:
    import openpyxl

    _job, stored = result(session, actor, job_id)
    book = openpyxl.load_workbook(io.BytesIO(files.content(session, stored)))
    return [[c.value for c in row] for row in book[name].iter_rows()]


def test_a_bulletin_made_while_approved_shows_the_figures_frozen_with_it(session, org, people, tx):
    from sqlalchemy import select

    from pacer.models import WorkflowItem
    from pacer.models.followup import Task

    rita, ann, victor = people["rita"], people["ann"], people["victor"]
    rec = record.open_record(session, rita, "A", "bulletin", MONTH, "year")
    record.act(session, rita, rec.id, "submit")
    record.act(session, ann, rec.id, "approve")
    frozen = record.versions(session, rec.id)[0].figures
    # after the approval, the overdue task is signed off
    late = session.scalars(select(Task).where(Task.title == "两金压降方案")).one()
    session.get(WorkflowItem, late.workflow_item_id).state = "verified"
    late.closed_on = date.today()
    session.flush()
    fields = {"kind": "bulletin", "unit": "A", "period": MONTH, "span": "year", "format": "xlsx", "lang": "zh"}
    job = generate.start(session, victor, fields, None, date.today())
    run_pending(tx)
    summary = _sheet(session, victor, job.id, "总体")[4]
    total = frozen["total"]
    assert summary[:2] == [total["due"], total["completed"]]
    assert summary[5] == total["overdue"] == 1  # as approved: the late task is still overdue
    assert [r[1] for r in _sheet(session, victor, job.id, "逾期事项")[1:]] == ["两金压降方案"]
    assert "两金压降方案" not in [r[1] for r in _sheet(session, victor, job.id, "期内销号")[1:]]
    # re-opened, the file follows the data: the task is closed, no longer overdue
    record.act(session, ann, rec.id, "reopen", "更正")
    again = generate.start(session, victor, fields, None, date.today())
    run_pending(tx)
    assert "两金压降方案" not in [r[1] for r in _sheet(session, victor, again.id, "逾期事项")[1:]]
    assert "两金压降方案" in [r[1] for r in _sheet(session, victor, again.id, "期内销号")[1:]]
    assert _sheet(session, victor, again.id, "总体")[4][5] == 0


def test_a_record_is_out_of_sight_outside_its_subtree(session, org, people):
    rec = record.open_record(session, people["rita"], "A", "bulletin", MONTH, "month")
    with pytest.raises(NotFound):
        record.get(session, people["bob"], rec.id)
    with pytest.raises(NotFound):
        record.open_record(session, people["bob"], "A", "bulletin", MONTH, "quarter")
    with pytest.raises(Forbidden):  # victor reads A but writes no report of it
        record.open_record(session, people["victor"], "A", "bulletin", MONTH, "quarter")


def test_the_record_page_edits_and_moves_the_report(quiet_app, signed_in, session, org, people):
    from tests.webclient import set_passwords

    set_passwords(session, "rita", "ann")
    rita, ann = signed_in("rita"), signed_in("ann")
    opened = rita.post(
        "/reports/records",
        data={
            "unit": "A",
            "kind": "bulletin",
            "period": MONTH,
            "span": "month",
            "csrf_token": page_token(rita, "/reports"),
        },
    )
    assert opened.status_code == 303
    path = opened.headers["location"]
    saved = rita.post(f"{path}/narrative", data={"problems": "两金偏高", "plan": "", "countermeasures": "",
                                                 "csrf_token": page_token(rita, path)})  # fmt: skip
    assert saved.status_code == 303
    page = rita.get(f"{path}?lang=en")
    assert "两金偏高" in page.text
    assert 'data-verb="submit"' in page.text
    assert rita.post(f"{path}/verbs/submit", data={"csrf_token": page_token(rita, path)}).status_code == 303
    refused = ann.post(f"{path}/verbs/return", data={"csrf_token": page_token(ann, path)})
    assert refused.status_code == 422
    assert "needs a reason" in refused.text
    assert ann.post(f"{path}/verbs/approve", data={"csrf_token": page_token(ann, path)}).status_code == 303
    approved = ann.get(f"{path}?lang=zh")
    assert "已批准" in approved.text
    assert 'data-testid="report-versions"' in approved.text
    assert 'data-testid="narrative-form"' not in approved.text
    assert signed_in("bob").get(path).status_code == 404
