"""The calendar's rules, pure: a month's default deadline and what a moved one may be."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from pacer.errors import Problem
from pacer.kit import periods


def default_due(period: int, day: int) -> date:
    """The reporting day of the month after ``period``."""
    following = periods.add_months(period, 1)
    return date(following // 100, following % 100, day)


def due_moment(due_on: date) -> datetime:
    """A deadline day's end (UTC), when reminders and lateness count from."""
    return datetime.combine(due_on, time(23, 59), UTC)


def deadline_problem(period: int, due_on: date) -> Problem | None:
    """A deadline must fall in the month following its period (its figures exist by then and the
    next month's reports are not yet due)."""
    following = periods.add_months(period, 1)
    if (due_on.year * 100 + due_on.month) == following:
        return None
    month, allowed = periods.format_period(period), periods.format_period(following)
    return Problem(
        f"the deadline of {month} must be a day in {allowed}, not {due_on}",
        field="due_on",
        zh=f"{month} 的报送截止日必须在 {allowed} 之内，不能是 {due_on}",
    )


def reason_problem(reason: str | None) -> Problem | None:
    if reason and reason.strip():
        return None
    return Problem("reopening a locked month needs a reason", field="reason", zh="重新打开已锁定的月份须填写原因")
