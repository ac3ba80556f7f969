"""Indicators with year-versioned definitions, and the sets that group them."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pacer.models.base import Base

ORIGINS = ("builtin", "group")


class MeasureUnit(Base):
    """A unit of measure. Each dimension has one base unit (factor 1); a figure in another unit
    of the dimension is worth ``factor`` base units (1 万元 = 10000 元)."""

    __tablename__ = "measure_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    symbol_zh: Mapped[str] = mapped_column(String(32))
    symbol_en: Mapped[str] = mapped_column(String(32))
    dimension: Mapped[str] = mapped_column(String(32))
    factor: Mapped[str] = mapped_column(String(40))  # an exact positive decimal
    # sums over units and months are meaningful (money, headcount, mass), not for ratios
    additive: Mapped[bool] = mapped_column(default=True, server_default=true())
    # values are percentages: changes are shown in percentage points
    percent: Mapped[bool] = mapped_column(default=False, server_default=false())
    # may be chosen as a display scale for its dimension
    display: Mapped[bool] = mapped_column(default=True, server_default=true())
    origin: Mapped[str] = mapped_column(String(10), default="builtin", server_default="builtin")
    # a built-in unit the group edited: an upgrade's library sync leaves it alone
    customized: Mapped[bool] = mapped_column(default=False, server_default=false())
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class IndicatorCategory(Base):
    __tablename__ = "indicator_category"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    origin: Mapped[str] = mapped_column(String(10), default="builtin", server_default="builtin")
    customized: Mapped[bool] = mapped_column(default=False, server_default=false())


class Indicator(Base):
    __tablename__ = "indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    category: Mapped[str] = mapped_column(String(32))  # an indicator_category code
    unit: Mapped[str] = mapped_column(String(32))  # a measure_unit code (read as a plain column)
    scale: Mapped[int] = mapped_column(Integer)
    direction: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10))
    reporting: Mapped[str | None] = mapped_column(String(10))
    # whether consolidation takes elimination entries for intra-group amounts of it
    eliminated: Mapped[bool] = mapped_column(default=False, server_default=false())
    origin: Mapped[str] = mapped_column(String(10), default="builtin", server_default="builtin")
    # a built-in indicator the group edited: an upgrade's library sync leaves it and its versions
    customized: Mapped[bool] = mapped_column(default=False, server_default=false())
    # first year in which it is retired: it leaves entry forms; history and analysis stay
    retired_from: Mapped[int | None] = mapped_column(Integer)
    # figures cannot be below zero (headcount, lots, problems), neither a balance nor a month
    never_negative: Mapped[bool] = mapped_column(default=False, server_default=false())
    # the default band for direction 'band', scaled like the indicator's figures
    band_low: Mapped[int | None] = mapped_column(BigInteger)
    band_high: Mapped[int | None] = mapped_column(BigInteger)

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
    origin: Mapped[str] = mapped_column(String(10), default="builtin", server_default="builtin")
    customized: Mapped[bool] = mapped_column(default=False, server_default=false())


class IndicatorSetMember(Base):
    __tablename__ = "indicator_set_member"
    __table_args__ = (UniqueConstraint("set_id", "indicator_id", "from_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("indicator_set.id", ondelete="CASCADE"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    from_year: Mapped[int | None] = mapped_column(Integer)
    to_year: Mapped[int | None] = mapped_column(Integer)
