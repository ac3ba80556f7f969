"""The group's monthly report, queued by itself once the month's reports were due: after the
month's deadline in the group's reporting calendar (a day moved by hand, else the reporting day
of the next month, ``PACER_REPORTING_DAY``; end of day UTC), once per month. The workflow tick
(``pacer workflow tick``, and ``pacer serve`` periodically) queues it, whichever server or
command ticks first (the job's ``once_key`` makes a second one impossible).
``PACER_REPORT_MONTHLY`` names its format (empty: none)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from pacer.auth.permissions import SYSTEM
from pacer.calendar.service import due_at
from pacer.config import get_settings
from pacer.jobs import repository
from pacer.jobs.service import Asked, enqueue
from pacer.kit import periods
from pacer.models import Job
from pacer.org.repository import roots_on
from pacer.reports import drawn, record
from pacer.reports.ask import FORMATS
from pacer.workflow.deadlines import as_utc


def month_due(session: Session, now: datetime) -> int:
    """The latest month whose reports were due before ``now``, by the reporting calendar."""
    now = as_utc(now)
    month = periods.add_months(periods.current_month(now.date()), -1)
    return month if now > due_at(session, month) else periods.add_months(month, -1)


def monthly_report(session: Session, now: datetime) -> list[Job]:
    """Queue the group's report of the latest month due, unless it was queued before."""
    settings = get_settings()
    fmt = settings.report_monthly.strip()
    if not fmt:
        return []
    kind = "economic" if "economic" in drawn.kinds_available() else "bulletin"
    if fmt not in FORMATS[kind]:
        fmt = FORMATS[kind][0]
    month = periods.format_period(month_due(session, now))
    queued = []
    for root in roots_on(session, as_utc(now).date()):
        key = f"monthly/{kind}/{root.code}/{month}"
        if repository.by_once_key(session, key) is not None:
            continue
        lang = settings.language
        parameters = {"kind": kind, "unit_code": root.code, "period": month, "span": "month", "fmt": fmt, "lang": lang}
        title = record.title(root, kind, month, "month")
        queued.append(enqueue(session, SYSTEM, Asked(kind, parameters, root.id, month, title, once_key=key)))
    return queued
