"""The reporting calendar's deadlines and the group's settings kept in the database."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from pacer.models.base import Base, utcnow


class ReportingDeadline(Base):
    """The day a month's reports are due, when it is not the default (a holiday moved it)."""

    __tablename__ = "reporting_deadline"

    period: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    due_on: Mapped[date] = mapped_column(Date)
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    set_by: Mapped[str] = mapped_column(String(64), default="system")


class GroupSetting(Base):
    """One setting of the group (its name, logo, language, mail server…), as a JSON value; a
    setting without a row takes its default (the environment's, where there is one)."""

    __tablename__ = "group_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64), default="system")
