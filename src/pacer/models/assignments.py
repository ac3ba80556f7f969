"""Who reports what: indicator sets (or single indicators) assigned to units, effective-dated.

A rule selects units by kind, by tag or one by one, and assigns or excludes a set or one
indicator from a month on (``from_period``, YYYYMM) up to and including ``to_period``. A change
closes a rule (sets ``to_period``) and opens another; rules are never deleted, so what any month
asked of a unit can be read back.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pacer.models.base import Base, utcnow

SELECTORS = ("kind", "tag", "unit")
EFFECTS = ("assign", "exclude")


class IndicatorAssignment(Base):
    __tablename__ = "indicator_assignment"
    __table_args__ = (
        CheckConstraint("(set_id IS NULL) <> (indicator_id IS NULL)", name="set_or_indicator"),
        Index("ix_indicator_assignment_period", "from_period", "to_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int | None] = mapped_column(ForeignKey("indicator_set.id"))
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicator.id"))
    selector: Mapped[str] = mapped_column(String(8))
    unit_kind: Mapped[str | None] = mapped_column(String(32))
    tag_key: Mapped[str | None] = mapped_column(String(64))
    tag_value: Mapped[str | None] = mapped_column(String(200))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    effect: Mapped[str] = mapped_column(String(8))
    from_period: Mapped[int] = mapped_column(Integer)
    to_period: Mapped[int | None] = mapped_column(Integer)  # the last month in force; None: open
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_reason: Mapped[str | None] = mapped_column(Text)
    closed_by: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
