"""The commendation register (表彰): named awards ("两优一先", "优秀科技工作者", advanced
collectives in informationisation, competitions), and each award given in a year to a unit (a
collective) or to a person of a unit, with its citation.

A commendation belongs to the unit it names (``unit_id``: the collective itself, or the person's
unit) and is seen through the one visibility rule on that column."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pacer.models.base import Base, utcnow

AWARD_CATEGORIES = ("honour", "competition")  # a title conferred, or a place won in a competition
RECIPIENTS = ("units", "people", "both")  # whom an award is given to


class Award(Base):
    __tablename__ = "commendation_award"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(16))
    recipients: Mapped[str] = mapped_column(String(16))

    def name(self, language: str) -> str:
        return self.name_zh if language == "zh" else self.name_en


class Commendation(Base):
    __tablename__ = "commendation"
    __table_args__ = (Index("ix_commendation_year_award", "year", "award_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("commendation_award.id"))
    year: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    # None: the unit itself is commended (an advanced collective)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    # the place or grade within the award, e.g. "一等奖" / "First prize" (empty: none)
    distinction_zh: Mapped[str] = mapped_column(String(100), default="")
    distinction_en: Mapped[str] = mapped_column(String(100), default="")
    citation_zh: Mapped[str] = mapped_column(Text, default="")
    citation_en: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
