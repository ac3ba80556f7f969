"""Responsibility statements (责任书), their items and versions, the templates they are drafted
from, the events that bonuses, deductions and vetoes count, and the assessments (考核) scored
against them.

A statement belongs to the unit it is issued to (``unit_id``) and is seen through the one
visibility rule on that column; it is issued by the unit above (``issuer_unit_id``: the group for
a second-level unit, the second-level unit for a statement it cascades to its own units) to the
unit's main leader, and its signing state lives in its ``workflow_item``. Every change of its
items writes a :class:`StatementVersion` with the whole content, so the history stays.

Numbers are exact integers as :mod:`pacer.assessment.rules` takes them: weights and points in
hundredths of a point, thresholds and targets scaled at the indicator's decimals (rates of
qualitative items in hundredths of a percent), caps and shares in basis points.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pacer.models.base import Base, utcnow

# the kinds of item a statement holds
ITEM_KINDS = ("quantitative", "qualitative", "bonus", "deduction", "veto")
# what a qualitative item measures, or what a bonus, deduction or veto counts
MEASURES = ("task_completion", "task_on_time", "zeroing", "critical_problems", "events")
STAGES = ("midyear", "yearend")


class StatementTemplate(Base):
    """A domain's items for a kind of unit, from which HQ drafts the year's statements."""

    __tablename__ = "statement_template"
    __table_args__ = (UniqueConstraint("domain", "unit_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(32))
    unit_kind: Mapped[str] = mapped_column(String(32))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    # {"items": [...], "grades": [[name, minimum], ...]}: the shape of a statement's content
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Statement(Base):
    __tablename__ = "responsibility_statement"
    __table_args__ = (UniqueConstraint("unit_id", "year", "domain"), Index("ix_statement_year", "year", "domain"))

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    domain: Mapped[str] = mapped_column(String(32))
    issuer_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    # the unit's main leader it is issued to, as recorded when drafted (None: nobody recorded)
    leader_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    # the statement of the unit above that this one was cascaded from
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("responsibility_statement.id", ondelete="SET NULL"))
    template_id: Mapped[int | None] = mapped_column(ForeignKey("statement_template.id", ondelete="SET NULL"))
    workflow_item_id: Mapped[int | None] = mapped_column(ForeignKey("workflow_item.id"), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    grades: Mapped[list[Any]] = mapped_column(JSON)  # [[grade, minimum points], ...] best first
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StatementItem(Base):
    """One item of a statement's current version, in its place."""

    __tablename__ = "statement_item"
    __table_args__ = (UniqueConstraint("statement_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("responsibility_statement.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")
    weight: Mapped[int] = mapped_column(Integer, default=0)
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicator.id"))
    measure: Mapped[str] = mapped_column(String(32), default="")
    rule: Mapped[str] = mapped_column(String(16), default="")
    threshold: Mapped[int | None] = mapped_column(BigInteger)
    target: Mapped[int | None] = mapped_column(BigInteger)
    bands: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [[bound, share bp], ...]
    lower_is_better: Mapped[bool] = mapped_column(default=False)
    cap: Mapped[int] = mapped_column(Integer, default=10_000)
    per_event: Mapped[int] = mapped_column(Integer, default=0)
    limit: Mapped[int] = mapped_column(Integer, default=0)
    grade: Mapped[str] = mapped_column(String(8), default="")  # the grade a veto caps at


class StatementVersion(Base):
    """The whole content of a statement as it stood from one change on, with why it changed."""

    __tablename__ = "statement_version"
    __table_args__ = (UniqueConstraint("statement_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("responsibility_statement.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(32))  # the signing state when it was changed
    changed_by: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StatementEvent(Base):
    """Something a bonus, deduction or veto counts that no other record holds (a safety
    incident, an award), recorded by HQ with what happened."""

    __tablename__ = "statement_event"
    __table_args__ = (Index("ix_statement_event_statement", "statement_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("responsibility_statement.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))  # the item it counts for
    occurred_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AssessmentResult(Base):
    """A statement scored at mid-year (provisional) or at year end, with the working of every
    item as computed; HQ's adjustments are added to ``total`` into ``final``."""

    __tablename__ = "assessment_result"
    __table_args__ = (UniqueConstraint("statement_id", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("responsibility_statement.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(10))
    through: Mapped[int] = mapped_column(Integer)  # the last month counted (YYYYMM)
    statement_version: Mapped[int] = mapped_column(Integer)
    base: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    adjustment: Mapped[int] = mapped_column(Integer, default=0)
    final: Mapped[int] = mapped_column(Integer)
    grade: Mapped[str] = mapped_column(String(8))
    working: Mapped[dict[str, Any]] = mapped_column(JSON)
    computed_by: Mapped[str] = mapped_column(String(64))
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AssessmentAdjustment(Base):
    """HQ's change to a score, never without its written reason."""

    __tablename__ = "assessment_adjustment"

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("assessment_result.id", ondelete="CASCADE"), index=True)
    points: Mapped[int] = mapped_column(Integer)  # signed, hundredths of a point
    reason: Mapped[str] = mapped_column(Text)
    made_by: Mapped[str] = mapped_column(String(64))
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
