"""Closed-loop follow-up: meetings, their numbered requirements and the tasks (督办事项) that carry
them out, with milestones and progress reports; stored files (meeting documents, evidence).

A meeting belongs to the unit that holds it (its ``unit_id``: usually the group root), a task to
its lead unit; both are seen through the one visibility rule on that column. A task's state lives
in its ``workflow_item``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from pacer.models.base import Base, utcnow

MEETING_KINDS = (
    "economic_analysis",  # 经济运行分析会
    "semiannual_conference",  # 年中工作会
    "annual_conference",  # 年度工作会
    "special_conference",  # 专题会议 (aerospace defence, digital space …)
    "inspection_feedback",  # 巡视/检查反馈会
    "other",
)
MEETING_MODES = ("on_site", "video", "both")
ATTENDANCE_ROLES = ("attendee", "reporting")
AGENDA_KINDS = ("speech", "report")
TASK_KINDS = ("requirement", "gap", "rectification")


class StoredFile(Base):
    """An uploaded file's description; its bytes are in :class:`StoredFileContent` (in the
    database, so that every server sees it and a backup holds it). Attached to one record by
    ``owner`` (``meeting:12``, ``task:40``, ``progress:7``) and seen through that record's unit."""

    __tablename__ = "stored_file"
    __table_args__ = (Index("ix_stored_file_owner", "owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StoredFileContent(Base):
    __tablename__ = "stored_file_content"

    file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id", ondelete="CASCADE"), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class Meeting(Base):
    __tablename__ = "meeting"
    __table_args__ = (Index("ix_meeting_unit_held", "unit_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    mode: Mapped[str] = mapped_column(String(16), default="on_site")
    chair: Mapped[str] = mapped_column(String(100), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    source_text: Mapped[str] = mapped_column(Text, default="")  # the article it was drawn from, if any
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MeetingAttendance(Base):
    """Who attended (a unit, a person or a name), and which units reported at the meeting."""

    __tablename__ = "meeting_attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default="attendee")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    name: Mapped[str] = mapped_column(String(200), default="")


class AgendaItem(Base):
    """A speech or report on the meeting's agenda, in order."""

    __tablename__ = "meeting_agenda_item"
    __table_args__ = (UniqueConstraint("meeting_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16), default="speech")
    speaker: Mapped[str] = mapped_column(String(100), default="")
    title: Mapped[str] = mapped_column(String(300), default="")


class Requirement(Base):
    """A numbered requirement of a meeting: ``number`` as its issuer numbered it (two speakers may
    each have a first), ``position`` its place among all the meeting's requirements."""

    __tablename__ = "requirement"
    __table_args__ = (UniqueConstraint("meeting_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    issuer: Mapped[str] = mapped_column(String(100), default="")
    text: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)


class Task(Base):
    """A supervised task (督办事项): from a requirement, from an off-track indicator (``gap``) or
    from an inspection or audit (``rectification``); ``parent_id`` when it decomposes a task of
    the unit above. ``original_deadline`` stays as first set: overdue counts against it even after
    an extension. ``issuer`` (a username) signs it off; the owner never may."""

    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_unit_deadline", "unit_id", "deadline"),
        # the bulletin counts by lead unit and department from this index alone
        Index("ix_task_bulletin", "unit_id", "department_id", "original_deadline", "closed_on", "workflow_item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow_item_id: Mapped[int | None] = mapped_column(ForeignKey("workflow_item.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="requirement")
    requirement_id: Mapped[int | None] = mapped_column(ForeignKey("requirement.id", ondelete="SET NULL"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("task.id", ondelete="SET NULL"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))  # the lead unit
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    deliverables: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(64))  # username of the person responsible
    issuer: Mapped[str] = mapped_column(String(64))  # username of whoever assigned it and signs it off
    # the supervising department (督办部门) it is issued on behalf of: an HQ functional department
    # (a unit of kind ``department``) where the org has them, else the issuing unit
    department_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    assigned_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    original_deadline: Mapped[date] = mapped_column(Date)
    percent: Mapped[int] = mapped_column(Integer, default=0)
    # the link to the numbers: an indicator of the lead unit and what the task should bring it to
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicator.id"))
    indicator_goal: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(200), default="")  # e.g. the inspection it rectifies
    closed_on: Mapped[date | None] = mapped_column(Date)
    # the deadline an open extension request asks for
    requested_deadline: Mapped[date | None] = mapped_column(Date)
    # the task this one was merged into or carried over to
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("task.id", ondelete="SET NULL"))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TaskCoUnit(Base):
    __tablename__ = "task_co_unit"

    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True)


class Milestone(Base):
    """A step of a task's roadmap."""

    __tablename__ = "task_milestone"
    __table_args__ = (UniqueConstraint("task_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)


class ProgressReport(Base):
    """An owner's report on a task: how far (percent, a milestone reached), what was done."""

    __tablename__ = "task_progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    reported_by: Mapped[str] = mapped_column(String(64))
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    percent: Mapped[int] = mapped_column(Integer)
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("task_milestone.id", ondelete="SET NULL"))
    narrative: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
