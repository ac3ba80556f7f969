"""The org tree: units, their effective-dated parentage, and their leaders."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pacer.models.base import Base

UNIT_KINDS = (
    "group",
    "headquarters",
    "academy",
    "company",
    "institute",
    "factory",
    "college",
    "department",
    "center",
    "elimination",
)
LEADER_ROLES = ("main_leader", "finance_head", "in_charge")


class Unit(Base):
    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    tags: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_on: Mapped[date | None] = mapped_column(Date)
    dissolved_on: Mapped[date | None] = mapped_column(Date)

    parentages: Mapped[list[UnitParentage]] = relationship(
        foreign_keys="UnitParentage.unit_id", back_populates="unit", lazy="raise"
    )

    def name(self, language: str) -> str:
        return self.name_zh if language == "zh" else self.name_en


class UnitParentage(Base):
    """Where a unit hangs in the tree from ``valid_from`` (inclusive) to ``valid_to`` (exclusive).

    A move closes one row and opens another, so history can aggregate as the tree was.
    """

    __tablename__ = "unit_parentage"
    __table_args__ = (
        Index("ix_unit_parentage_unit_valid", "unit_id", "valid_from"),
        Index("ix_unit_parentage_parent", "parent_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id], back_populates="parentages", lazy="raise")


class Person(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))


class UnitLeader(Base):
    """A unit's main leader (主要领导), finance head (财务负责人) or a leader in charge (分管领导) of a portfolio."""

    __tablename__ = "unit_leader"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    role: Mapped[str] = mapped_column(String(20))
    portfolio_zh: Mapped[str] = mapped_column(String(200), default="")
    portfolio_en: Mapped[str] = mapped_column(String(200), default="")
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)

    person: Mapped[Person] = relationship(lazy="raise")
