"""Records moving through a workflow: one item per record, its history, the reminders sent.

A feature's table links to its item (``workflow_item_id``); the state lives here only, and only
:mod:`pacer.workflow.service` changes it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pacer.models.base import Base, utcnow


class WorkflowItem(Base):
    __tablename__ = "workflow_item"
    __table_args__ = (
        UniqueConstraint("workflow", "entity_key"),
        Index("ix_workflow_item_open", "workflow", "state", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow: Mapped[str] = mapped_column(String(32))
    entity_key: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(32))
    # what people are shown in their inbox and queue, and where it links to
    title_zh: Mapped[str] = mapped_column(String(300), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    link: Mapped[str] = mapped_column(String(300), default="")
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(64), default="system")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en


class WorkflowEvent(Base):
    """One verb taken (or the item's creation, verb ``create``); append-only."""

    __tablename__ = "workflow_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("workflow_item.id", ondelete="CASCADE"), index=True)
    workflow: Mapped[str] = mapped_column(String(32))
    entity_key: Mapped[str] = mapped_column(String(200))
    verb: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")


class WorkflowReminder(Base):
    """A deadline step already told (a reminder, the overdue notice, an escalation), so that no
    step is told twice for the same due date."""

    __tablename__ = "workflow_reminder"
    __table_args__ = (UniqueConstraint("item_id", "step", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("workflow_item.id", ondelete="CASCADE"))
    step: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
