"""Every query of stored characteristics, each through the visibility rule on the
characteristic's unit; measurements are read only for a characteristic found that way."""

from __future__ import annotations

from datetime import date

import numpy as np
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from pacer.auth.permissions import READ, Actor, restrict
from pacer.models import Characteristic, ExcludedPoint, Measurement, Subgroup, Unit
from pacer.org.repository import subtree_select


def unit(session: Session, actor: Actor, code: str, action: str = READ) -> Unit | None:
    return session.scalar(restrict(select(Unit).where(Unit.code == code), actor, Unit.id, action))


def one(session: Session, actor: Actor, characteristic_id: int, action: str = READ) -> Characteristic | None:
    stmt = select(Characteristic).where(Characteristic.id == characteristic_id)
    return session.scalar(restrict(stmt, actor, Characteristic.unit_id, action))


def by_code(session: Session, unit_id: int, code: str) -> Characteristic | None:
    stmt = select(Characteristic).where(Characteristic.unit_id == unit_id, Characteristic.code == code)
    return session.scalar(stmt)


def in_subtree(session: Session, actor: Actor, root_id: int) -> list[tuple[Characteristic, Unit]]:
    """The characteristics of the units under ``root_id`` (itself included) that ``actor`` sees."""
    below = list(session.scalars(subtree_select([root_id], date.today())))
    stmt = (
        select(Characteristic, Unit)
        .join(Unit, Unit.id == Characteristic.unit_id)
        .where(Characteristic.unit_id.in_(below))
        .order_by(Unit.code, Characteristic.code)
    )
    return [(c, u) for c, u in session.execute(restrict(stmt, actor, Characteristic.unit_id))]


def unit_of(session: Session, characteristic: Characteristic) -> Unit:
    return session.get_one(Unit, characteristic.unit_id)


def last_subgroup(session: Session, characteristic_id: int) -> int:
    stmt = select(func.max(Measurement.subgroup)).where(Measurement.characteristic_id == characteristic_id)
    return int(session.scalar(stmt) or 0)


def values(session: Session, characteristic_id: int) -> tuple[np.ndarray, np.ndarray]:
    """(subgroup, value) arrays in plotting order."""
    stmt = (
        select(Measurement.subgroup, Measurement.value)
        .where(Measurement.characteristic_id == characteristic_id)
        .order_by(Measurement.subgroup, Measurement.position)
    )
    rows = session.execute(stmt).all()
    return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)), np.fromiter(
        (r[1] for r in rows), dtype=float, count=len(rows)
    )


def add_values(session: Session, rows: list[dict[str, object]]) -> None:
    if rows:
        session.execute(insert(Measurement), rows)


def add_subgroups(session: Session, rows: list[dict[str, object]]) -> None:
    if rows:
        session.execute(insert(Subgroup), rows)


def subgroups(session: Session, characteristic_id: int) -> list[Subgroup]:
    """What is stored of the subgroups beside their values (sample size, time, batch), in order."""
    stmt = select(Subgroup).where(Subgroup.characteristic_id == characteristic_id)
    return list(session.scalars(stmt.order_by(Subgroup.subgroup)))


def exclusions(session: Session, characteristic_id: int) -> list[ExcludedPoint]:
    stmt = select(ExcludedPoint).where(ExcludedPoint.characteristic_id == characteristic_id)
    return list(session.scalars(stmt.order_by(ExcludedPoint.subgroup)))


def exclusion(session: Session, characteristic_id: int, subgroup: int) -> ExcludedPoint | None:
    return session.get(ExcludedPoint, (characteristic_id, subgroup))
