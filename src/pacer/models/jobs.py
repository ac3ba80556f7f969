"""Background jobs and the reports they keep.

A :class:`Job` is work asked for now and done later by a runner (a report's generation, an
import, a forecast): its kind and parameters, who asked and for which unit (whose subtree's
viewers may see it), its state and progress, and the file it produced. A :class:`ReportRecord`
is a report's editable narrative moving through the approval workflow; each approval freezes a
:class:`ReportVersion` with the figures it was drawn from.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pacer.models.base import Base, utcnow

JOB_STATES = ("queued", "running", "done", "failed")


class Job(Base):
    __tablename__ = "job"
    __table_args__ = (
        Index("ix_job_state", "state", "id"),
        Index("ix_job_requested_by", "requested_by", "id"),
        Index("ix_job_unit_kind", "unit_id", "kind", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    requested_by: Mapped[str] = mapped_column(String(64))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(16), default="")  # what lists sort by: "2025-09"
    title_zh: Mapped[str] = mapped_column(String(300), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    # a job that must be asked once only (a scheduled report): a second one is not queued
    once_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    state: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(String(300), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    result_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # a running job's heartbeat too (pacer.jobs.lease)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # the process running it ("embedded@machine:pid:start", pacer.jobs.lease), "" when none
    runner: Mapped[str] = mapped_column(String(300), default="", server_default="")

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en


class ReportRecord(Base):
    """One report (a unit's kind of report for a period and span) with its narrative blocks."""

    __tablename__ = "report_record"
    __table_args__ = (UniqueConstraint("unit_id", "kind", "period", "span"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(7))
    span: Mapped[str] = mapped_column(String(8))
    problems: Mapped[str] = mapped_column(Text, default="")
    countermeasures: Mapped[str] = mapped_column(Text, default="")
    plan: Mapped[str] = mapped_column(Text, default="")
    workflow_item_id: Mapped[int] = mapped_column(ForeignKey("workflow_item.id", ondelete="CASCADE"))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReportVersion(Base):
    """An approved version, frozen: its narrative and the figures it was drawn from."""

    __tablename__ = "report_version"
    __table_args__ = (UniqueConstraint("record_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("report_record.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    narrative: Mapped[dict[str, str]] = mapped_column(JSON)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    figures_sha256: Mapped[str] = mapped_column(String(64))
    approved_by: Mapped[str] = mapped_column(String(64))
    approved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
