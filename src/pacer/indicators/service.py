"""Read the indicator library back from the database."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.models import Indicator, IndicatorSet, IndicatorSetMember, IndicatorVersion


@dataclass(frozen=True)
class IndicatorRow:
    code: str
    name_zh: str
    name_en: str
    kind: str
    unit: str
    scale: int
    direction: str
    reporting: str | None
    category: str
    formula: str | None


def list_indicators(session: Session, set_code: str | None = None, year: int | None = None) -> list[IndicatorRow]:
    """Indicators with the definition in force in ``year`` (latest when None), set order if given."""
    stmt = select(Indicator, IndicatorVersion).join(IndicatorVersion)
    if set_code is not None:
        stmt = (
            stmt.join(IndicatorSetMember, IndicatorSetMember.indicator_id == Indicator.id)
            .join(IndicatorSet, IndicatorSet.id == IndicatorSetMember.set_id)
            .where(IndicatorSet.code == set_code)
        )
        if year is not None:
            stmt = stmt.where(
                (IndicatorSetMember.from_year.is_(None)) | (IndicatorSetMember.from_year <= year),
                (IndicatorSetMember.to_year.is_(None)) | (IndicatorSetMember.to_year >= year),
            )
        stmt = stmt.order_by(IndicatorSetMember.position, IndicatorVersion.from_year)
    else:
        stmt = stmt.order_by(Indicator.id, IndicatorVersion.from_year)
    chosen: dict[str, IndicatorRow] = {}
    for ind, ver in session.execute(stmt):
        if year is not None and (ver.from_year > year or (ver.to_year is not None and ver.to_year < year)):
            continue
        chosen[ind.code] = IndicatorRow(  # later versions overwrite earlier: latest wins
            ind.code,
            ver.name_zh,
            ver.name_en,
            ind.kind,
            ind.unit,
            ind.scale,
            ind.direction,
            ind.reporting,
            ind.category,
            ver.formula,
        )
    return list(chosen.values())


def set_exists(session: Session, set_code: str) -> bool:
    return session.scalar(select(IndicatorSet.id).where(IndicatorSet.code == set_code)) is not None
