"""Indicators with year-versioned definitions, and the sets that group them."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pacer.models.base import Base


class Indicator(Base):
    __tablename__ = "indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    category: Mapped[str] = mapped_column(String(32))
    unit: Mapped[str] = mapped_column(String(32))
    scale: Mapped[int] = mapped_column(Integer)
    direction: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10))
    reporting: Mapped[str | None] = mapped_column(String(10))
    # whether consolidation takes elimination entries for intra-group amounts of it
    eliminated: Mapped[bool] = mapped_column(default=False, server_default=false())

    versions: Mapped[list[IndicatorVersion]] = relationship(
        back_populates="indicator", lazy="raise", order_by="IndicatorVersion.from_year"
    )


class IndicatorVersion(Base):
    """A definition valid for a span of years (SASAC revised several in 2023 and 2025)."""

    __tablename__ = "indicator_version"
    __table_args__ = (UniqueConstraint("indicator_id", "from_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    from_year: Mapped[int] = mapped_column(Integer)
    to_year: Mapped[int | None] = mapped_column(Integer)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    definition_zh: Mapped[str] = mapped_column(Text)
    definition_en: Mapped[str] = mapped_column(Text)
    formula: Mapped[str | None] = mapped_column(Text)

    indicator: Mapped[Indicator] = relationship(back_populates="versions", lazy="raise")


class IndicatorSet(Base):
    __tablename__ = "indicator_set"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")


class IndicatorSetMember(Base):
    __tablename__ = "indicator_set_member"
    __table_args__ = (UniqueConstraint("set_id", "indicator_id", "from_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("indicator_set.id", ondelete="CASCADE"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    from_year: Mapped[int | None] = mapped_column(Integer)
    to_year: Mapped[int | None] = mapped_column(Integer)
