"""The reporting calendar: months locked and reopened (with a reason, audited), deadlines moved by
hand within the following month, and collection's deadline read from it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from pacer.calendar import service
from pacer.errors import Conflict, Forbidden, ValidationFailed
from pacer.models import AuditEntry, PeriodLock, ReportingDeadline
from pacer.submissions.service import due_at


def audit_count(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "period"))


def test_a_month_is_locked_and_reopened_with_its_reason_in_the_trail(session, org):
    service.lock(session, org.hq_analyst, 202510)
    assert session.get(PeriodLock, 202510).locked_by == "hannah"
    assert service.year(session, 2025)[9].status == "locked"
    service.reopen(session, org.group_admin, 202510, "  late correction of October's revenue ")
    october = service.year(session, 2025)[9]
    assert (october.status, october.reopened.note, october.reopened.actor) == (
        "reopened",
        "late correction of October's revenue",
        "grace",
    )
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "period")).all()
    assert actions == ["period.lock", "period.reopen"]


def test_a_reopen_without_a_reason_is_refused_and_changes_nothing(session, org):
    service.lock(session, org.hq_analyst, 202510)
    before = audit_count(session)
    with pytest.raises(ValidationFailed) as refused:
        service.reopen(session, org.hq_analyst, 202510, "   ")
    assert refused.value.problems[0].field == "reason"
    assert session.get(PeriodLock, 202510) is not None
    assert audit_count(session) == before


def test_locking_twice_or_reopening_an_open_month_is_a_conflict(session, org):
    service.lock(session, org.hq_analyst, 202510)
    with pytest.raises(Conflict):
        service.lock(session, org.hq_analyst, 202510)
    with pytest.raises(Conflict):
        service.reopen(session, org.hq_analyst, 202511, "why")


def test_only_hq_keeps_the_calendar(session, org):
    for actor in (org.unit_reporter, org.academy_viewer, org.outsider):
        with pytest.raises(Forbidden):
            service.lock(session, actor, 202510)
        with pytest.raises(Forbidden):
            service.set_deadline(session, actor, 202510, date(2025, 11, 10))
    assert session.get(PeriodLock, 202510) is None


def test_the_default_deadline_is_the_8th_and_a_moved_one_is_what_collection_uses(session, org):
    assert service.due_on(session, 202509) == date(2025, 10, 8)
    assert due_at(202509, None, session) == datetime(2025, 10, 8, 23, 59, tzinfo=UTC)
    service.set_deadline(session, org.hq_analyst, 202509, date(2025, 10, 9))  # the 8th is a holiday
    assert due_at(202509, None, session) == datetime(2025, 10, 9, 23, 59, tzinfo=UTC)
    assert service.year(session, 2025)[8].moved
    row = session.scalars(select(AuditEntry).where(AuditEntry.action == "period.deadline")).one()
    assert (row.before, row.after, row.period) == ({"due_on": "2025-10-08"}, {"due_on": "2025-10-09"}, 202509)


@pytest.mark.parametrize("day", [date(2025, 9, 30), date(2025, 11, 1), date(2026, 10, 8)])
def test_a_deadline_outside_the_following_month_is_refused_and_nothing_stored(session, org, day):
    with pytest.raises(ValidationFailed) as refused:
        service.set_deadline(session, org.hq_analyst, 202509, day)
    problem = refused.value.problems[0]
    assert problem.field == "due_on"
    assert "2025-10" in problem.message
    assert session.get(ReportingDeadline, 202509) is None
    assert audit_count(session) == 0


def test_a_moved_deadline_moves_the_month_s_open_reports_but_not_an_extension(session, org):
    from pacer.submissions import service as submissions
    from pacer.submissions.workflow import SUBMISSION
    from pacer.workflow import service as workflow

    a1 = submissions._open(session, org.unit_reporter, org.A1, 202509)  # as a first save makes it
    b1 = submissions._open(session, org.other_reporter, org.B1, 202509)
    extended = datetime(2025, 10, 20, 23, 59, tzinfo=UTC)
    workflow.set_due(session, SUBMISSION, b1.item, extended, org.hq_analyst)
    service.set_deadline(session, org.hq_analyst, 202509, date(2025, 10, 10))
    session.refresh(a1.item)
    session.refresh(b1.item)
    assert a1.item.due_at.replace(tzinfo=UTC) == datetime(2025, 10, 10, 23, 59, tzinfo=UTC)
    assert b1.item.due_at.replace(tzinfo=UTC) == extended
