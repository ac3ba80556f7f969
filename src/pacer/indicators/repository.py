"""Queries of the indicator library. The library is the group's configuration, not unit-scoped
data: who may read or change it is decided by the caller (``auth.permissions.require_configure``);
the only unit-scoped tables touched are asked whether any figure exists, never for one."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from pacer.models import (
    EliminationEntry,
    Fact,
    Indicator,
    IndicatorCategory,
    IndicatorSet,
    IndicatorSetMember,
    IndicatorVersion,
    MeasureUnit,
    Target,
)


def indicators(session: Session) -> list[Indicator]:
    return list(session.scalars(select(Indicator).order_by(Indicator.id)))


def indicator(session: Session, code: str) -> Indicator | None:
    return session.scalar(select(Indicator).where(Indicator.code == code))


def versions(session: Session) -> dict[int, list[IndicatorVersion]]:
    found: dict[int, list[IndicatorVersion]] = {}
    for row in session.scalars(
        select(IndicatorVersion).order_by(IndicatorVersion.indicator_id, IndicatorVersion.from_year)
    ):
        found.setdefault(row.indicator_id, []).append(row)
    return found


def units(session: Session) -> list[MeasureUnit]:
    return list(session.scalars(select(MeasureUnit).order_by(MeasureUnit.position, MeasureUnit.id)))


def categories(session: Session) -> list[IndicatorCategory]:
    return list(session.scalars(select(IndicatorCategory).order_by(IndicatorCategory.position, IndicatorCategory.id)))


def sets(session: Session) -> list[IndicatorSet]:
    return list(session.scalars(select(IndicatorSet).order_by(IndicatorSet.id)))


def set_members(session: Session) -> dict[int, list[tuple[IndicatorSetMember, str]]]:
    """Each set's members with their indicator codes, in set order."""
    stmt = (
        select(IndicatorSetMember, Indicator.code)
        .join(Indicator, Indicator.id == IndicatorSetMember.indicator_id)
        .order_by(IndicatorSetMember.set_id, IndicatorSetMember.position)
    )
    found: dict[int, list[tuple[IndicatorSetMember, str]]] = {}
    for member, code in session.execute(stmt).tuples():
        found.setdefault(member.set_id, []).append((member, code))
    return found


def with_figures(session: Session, indicator_ids: Iterable[int]) -> set[int]:
    """Those of ``indicator_ids`` that have any stored figure: a fact, a target or an
    elimination entry (asked one by one, so each question stops at the first row)."""
    found = set()
    for indicator_id in indicator_ids:
        for table in (Fact, Target, EliminationEntry):
            if session.scalar(select(exists().where(table.indicator_id == indicator_id))):
                found.add(indicator_id)
                break
    return found
