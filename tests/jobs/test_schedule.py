"""The group's monthly report is queued by itself once a month's reports were due, once per
month, under a clock the test sets."""

from __future__ import annotations

from datetime import UTC, datetime

from pacer.config import get_settings
from pacer.jobs.runner import run_schedules
from pacer.models import Job
from pacer.reports.schedule import month_due, monthly_report


def test_the_month_due_turns_after_the_reporting_day():
    assert month_due(datetime(2025, 11, 8, 23, 0, tzinfo=UTC), 8) == 202509
    assert month_due(datetime(2025, 11, 9, 0, 1, tzinfo=UTC), 8) == 202510
    assert month_due(datetime(2026, 1, 20, tzinfo=UTC), 8) == 202512


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
