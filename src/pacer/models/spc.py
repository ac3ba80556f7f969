"""Statistical process control on stored data: characteristics, their measurements and the
phase I points removed for an assignable cause.

A characteristic belongs to a unit and is seen through the one visibility rule on that column.
Measurements are narrow rows (characteristic, subgroup, position, value) keyed in plotting order,
so a chart reads one characteristic's values as one ordered range scan straight into arrays.
Phase I is the first ``phase1_last`` subgroups (all when None); freezing stores the standard
(centre, sigma) those points give, and every later point is judged against it until a revision.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Double, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pacer.models.base import Base, utcnow

SPC_CHARTS = ("xbar-r", "xbar-s", "imr", "p", "np", "c", "u", "ewma", "cusum")
# counted characteristics: one count per subgroup (nonconforming units for p and np,
# nonconformities for c and u) out of the subgroup's sample size
SPC_ATTRIBUTE_CHARTS = ("p", "np", "c", "u")
SPC_RULE_SETS = ("we", "nelson", "none")


class Characteristic(Base):
    """A measured characteristic of a product (特性): its specification and how it is charted."""

    __tablename__ = "spc_characteristic"
    __table_args__ = (UniqueConstraint("unit_id", "code"), Index("ix_spc_characteristic_unit_id", "unit_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    product: Mapped[str] = mapped_column(String(200))  # as its people name it (in Chinese)
    product_en: Mapped[str] = mapped_column(String(200), default="", server_default="")  # "": not translated
    measure_unit: Mapped[str] = mapped_column(String(32), default="")
    lsl: Mapped[float | None] = mapped_column(Double)
    usl: Mapped[float | None] = mapped_column(Double)
    target: Mapped[float | None] = mapped_column(Double)
    subgroup_size: Mapped[int] = mapped_column(Integer)
    chart: Mapped[str] = mapped_column(String(16))
    rules: Mapped[str] = mapped_column(String(16), default="we")
    # a rule's count changed from its set's, e.g. {"N2": 8} for eight in a row instead of nine
    rule_counts: Mapped[dict[str, int] | None] = mapped_column(JSON)
    phase1_last: Mapped[int | None] = mapped_column(Integer)
    frozen_center: Mapped[float | None] = mapped_column(Double)
    frozen_sigma: Mapped[float | None] = mapped_column(Double)
    frozen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def product_in(self, lang: str) -> str:
        """The product's name in ``lang``: its English one where it has been given."""
        return self.product_en if lang == "en" and self.product_en else self.product


class Measurement(Base):
    """One measured value: the ``position``-th value of subgroup ``subgroup`` (both from 1)."""

    __tablename__ = "spc_measurement"

    characteristic_id: Mapped[int] = mapped_column(
        ForeignKey("spc_characteristic.id", ondelete="CASCADE"), primary_key=True
    )
    subgroup: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[float] = mapped_column(Double)


class Subgroup(Base):
    """What is known of a subgroup beside its values: the sample size of a counted (attribute)
    characteristic's subgroup, when it was measured and the batch (lot) it comes from."""

    __tablename__ = "spc_subgroup"

    characteristic_id: Mapped[int] = mapped_column(
        ForeignKey("spc_characteristic.id", ondelete="CASCADE"), primary_key=True
    )
    subgroup: Mapped[int] = mapped_column(Integer, primary_key=True)
    size: Mapped[float | None] = mapped_column(Double)
    measured_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    batch: Mapped[str] = mapped_column(String(64), default="")


class ExcludedPoint(Base):
    """A phase I subgroup left out of the calibration for an assignable cause, and why."""

    __tablename__ = "spc_excluded_point"

    characteristic_id: Mapped[int] = mapped_column(
        ForeignKey("spc_characteristic.id", ondelete="CASCADE"), primary_key=True
    )
    subgroup: Mapped[int] = mapped_column(Integer, primary_key=True)
    reason: Mapped[str] = mapped_column(Text)  # as written (in Chinese, as a rule)
    reason_en: Mapped[str] = mapped_column(Text, default="", server_default="")  # "": not translated
    excluded_by: Mapped[str] = mapped_column(String(64))
    excluded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def reason_in(self, lang: str) -> str:
        """Why the point was excluded, in ``lang``: in English where that has been given."""
        return self.reason_en if lang == "en" and self.reason_en else self.reason
