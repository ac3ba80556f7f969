"""The quality register's part of the workflow tick: the current month's figures derived from
the problem register when the group takes them from there (see :mod:`pacer.quality.figures`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from pacer.jobs.kinds import register_schedule
from pacer.quality import figures


def current_month(session: Session, now: datetime) -> list[int]:
    """Derive the current month (idempotent); the months written, none once they are current."""
    return figures.tick(session, now.date())


register_schedule("quality_figures", current_month)
