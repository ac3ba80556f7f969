"""The group's monthly report is queued by itself once a month's reports were due, once per
month, under a clock the test sets."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pacer.config import get_settings
from pacer.jobs.runner import run_schedules
from pacer.models import Job, ReportingDeadline
from pacer.reports.schedule import month_due, monthly_report
from tests.conftest import Org


def test_the_month_due_turns_after_the_reporting_day(session, org):
    assert month_due(session, datetime(2025, 11, 8, 23, 0, tzinfo=UTC)) == 202509
    assert month_due(session, datetime(2025, 11, 9, 0, 1, tzinfo=UTC)) == 202510
    assert month_due(session, datetime(2026, 1, 20, tzinfo=UTC)) == 202512


def test_the_month_due_follows_a_deadline_moved_in_the_calendar(session, org):
    session.add(ReportingDeadline(period=202510, due_on=date(2025, 11, 12), set_by="grace"))
    session.flush()
    assert month_due(session, datetime(2025, 11, 10, tzinfo=UTC)) == 202509  # October's is not due yet
    assert monthly_report(session, datetime(2025, 11, 12, 12, 0, tzinfo=UTC))[0].period == "2025-09"
    [october] = monthly_report(session, datetime(2025, 11, 13, 0, 1, tzinfo=UTC))
    assert october.period == "2025-10"


def test_the_workflow_tick_queues_the_monthly_report(database_url):
    from pacer.db import get_engine, session_factory, unit_of_work
    from pacer.workflow.jobs import tick

    engine = get_engine()
    with unit_of_work(engine, writes=True) as session:
        Org(session)
    ticked = tick(session_factory(engine), get_settings(), datetime(2025, 11, 9, 1, 0, tzinfo=UTC))
    assert ticked.scheduled == 1
    assert tick(session_factory(engine), get_settings(), datetime(2025, 11, 9, 1, 5, tzinfo=UTC)).scheduled == 0
    with unit_of_work(engine) as session:
        assert [j.period for j in session.query(Job).filter(Job.requested_by == "system")] == ["2025-10"]


def test_the_groups_monthly_report_is_queued_once_per_month(session, org, tx):
    before = datetime(2025, 11, 8, 12, 0, tzinfo=UTC)
    [september] = monthly_report(session, before)
    assert (september.unit_id, september.period, september.requested_by) == (org.G.id, "2025-09", "system")
    assert september.parameters["span"] == "month"
    assert september.parameters["fmt"] == get_settings().report_monthly
    assert monthly_report(session, before) == []
    assert monthly_report(session, datetime(2025, 11, 8, 23, 0, tzinfo=UTC)) == []  # October is not due yet
    assert run_schedules(tx, datetime(2025, 11, 9, 1, 0, tzinfo=UTC)) == 1  # October's, by the runner
    assert run_schedules(tx, datetime(2025, 11, 9, 2, 0, tzinfo=UTC)) == 0
    periods = sorted(j.period for j in session.query(Job).filter(Job.requested_by == "system"))
    assert periods == ["2025-09", "2025-10"]


def test_no_monthly_report_when_none_is_configured(session, org, monkeypatch):
    monkeypatch.setenv("PACER_REPORT_MONTHLY", "")
    get_settings.cache_clear()
    try:
        assert monthly_report(session, datetime(2025, 11, 20, tzinfo=UTC)) == []
    finally:
        get_settings.cache_clear()
