"""Quality problems (质量问题) closed by double zeroing (双归零): the problem, its ten zeroing
criteria with their evidence and sign-off, and the checks at sister units that 举一反三 spawns.

A problem belongs to the unit where it was found (its ``unit_id``), a sister check to the unit
checked; both are seen through the one visibility rule on that column, and both keep their
state in a ``workflow_item``. Evidence files are stored files owned by ``zeroing:<criterion id>``,
attachments by ``problem:<problem id>``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pacer.models.base import Base, utcnow

# lifecycle stages where a problem is found and where it originates
STAGES = ("design", "process", "procurement", "manufacturing", "test", "use")
SEVERITIES = ("critical", "major", "minor")  # 重大 / 严重 / 一般
# the cause category, once located: 人、机、料、法、环、测 (5M1E)
CAUSES = ("man", "machine", "material", "method", "environment", "measurement")
TRACKS = ("technical", "management")


class QualityProblem(Base):
    __tablename__ = "quality_problem"
    __table_args__ = (Index("ix_quality_problem_unit_found", "unit_id", "found_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    workflow_item_id: Mapped[int | None] = mapped_column(ForeignKey("workflow_item.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(300))
    programme: Mapped[str] = mapped_column(String(100), default="")  # 型号
    product: Mapped[str] = mapped_column(String(200), default="")
    found_stage: Mapped[str] = mapped_column(String(16))
    origin_stage: Mapped[str] = mapped_column(String(16), default="")  # "" until located
    cause: Mapped[str] = mapped_column(String(16), default="")  # "" until located
    severity: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text, default="")
    found_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    supplier: Mapped[str] = mapped_column(String(200), default="")
    owner: Mapped[str] = mapped_column(String(64))  # who drives its zeroing
    closed_on: Mapped[date | None] = mapped_column(Date)
    # the statistical-process-control signal it was opened from, if any (a stored characteristic
    # and the 1-based index of the point on its chart, and the run rule that fired)
    source_characteristic_id: Mapped[int | None] = mapped_column(Integer)
    source_point: Mapped[int | None] = mapped_column(Integer)
    source_rule: Mapped[str] = mapped_column(String(32), default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ZeroingCriterion(Base):
    """One of the ten criteria of a problem: the owner's evidence, then a reviewer's sign-off
    (never the owner's, never the evidence author's)."""

    __tablename__ = "zeroing_criterion"
    __table_args__ = (UniqueConstraint("problem_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("quality_problem.id", ondelete="CASCADE"))
    track: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer)
    evidence: Mapped[str] = mapped_column(Text, default="")
    evidence_by: Mapped[str] = mapped_column(String(64), default="")
    evidence_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    signed_by: Mapped[str] = mapped_column(String(64), default="")
    signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sign_note: Mapped[str] = mapped_column(Text, default="")


class SisterCheck(Base):
    """举一反三 at a sister unit: does the same problem exist there? Answered by that unit,
    confirmed above it; its state lives in its workflow item."""

    __tablename__ = "quality_sister_check"
    __table_args__ = (UniqueConstraint("problem_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("quality_problem.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    workflow_item_id: Mapped[int | None] = mapped_column(ForeignKey("workflow_item.id", ondelete="SET NULL"))
    deadline: Mapped[date] = mapped_column(Date)
    affected: Mapped[bool | None] = mapped_column(Boolean)  # None until answered
    finding: Mapped[str] = mapped_column(Text, default="")
    answered_by: Mapped[str] = mapped_column(String(64), default="")
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
