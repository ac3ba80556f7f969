"""Load the indicator library into the database and read it back."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pacer.audit.service import record
from pacer.indicators.library import Library, load_library
from pacer.models import Indicator, IndicatorSet, IndicatorSetMember, IndicatorVersion


def sync_library(session: Session, library: Library | None = None, actor: str = "system") -> dict[str, int]:
    """Insert or update every indicator, version and set of ``library``; idempotent."""
    library = library or load_library()
    existing = {i.code: i for i in session.scalars(select(Indicator))}
    changed = 0
    unchanged: set[str] = set()
    for spec in library.indicators.values():
        indicator = existing.get(spec.code)
        fields = {
            "category": spec.category,
            "unit": spec.unit,
            "scale": spec.scale,
            "direction": spec.direction,
            "kind": spec.kind,
            "reporting": spec.reporting,
            "eliminated": spec.eliminated,
        }
        if indicator is None:
            indicator = Indicator(code=spec.code, **fields)
            session.add(indicator)
            existing[spec.code] = indicator
        elif any(getattr(indicator, k) != v for k, v in fields.items()):
            before = {k: getattr(indicator, k) for k in fields}
            for key, value in fields.items():
                setattr(indicator, key, value)
            record(session, actor, "indicator.update", "indicator", spec.code, before, fields)
        else:
            unchanged.add(spec.code)
            continue
        changed += 1
    session.flush()
    changed += _sync_versions(session, library, existing, actor, unchanged)
    _sync_sets(session, library, existing)
    session.flush()
    return {"indicators": len(library.indicators), "changed": changed, "sets": len(library.sets)}


_VERSION_FIELDS = ("from_year", "to_year", "name_zh", "name_en", "definition_zh", "definition_en", "formula")


def _sync_versions(
    session: Session, library: Library, indicators: dict[str, Indicator], actor: str, unchanged: set[str]
) -> int:
    """Replace every indicator's versions; a changed one (a new formula for some years, say) is
    audited, which also tells cached analysis engines to rebuild. Returns how many indicators
    of ``unchanged`` (not counted as changed yet) had their versions changed."""
    ids = [indicators[c].id for c in library.indicators]
    before: dict[int, list[dict[str, object]]] = {}
    for row in session.scalars(
        select(IndicatorVersion).where(IndicatorVersion.indicator_id.in_(ids)).order_by(IndicatorVersion.from_year)
    ):
        before.setdefault(row.indicator_id, []).append({f: getattr(row, f) for f in _VERSION_FIELDS})
    session.execute(delete(IndicatorVersion).where(IndicatorVersion.indicator_id.in_(ids)))
    changed = 0
    for spec in library.indicators.values():
        indicator_id = indicators[spec.code].id
        after = [{f: getattr(v, f) for f in _VERSION_FIELDS} for v in spec.versions]
        for version in after:
            session.add(IndicatorVersion(indicator_id=indicator_id, **version))
        old = before.get(indicator_id)
        if old is not None and old != after:
            record(session, actor, "indicator.versions", "indicator", spec.code, {"versions": old}, {"versions": after})
            changed += spec.code in unchanged
    return changed


def _sync_sets(session: Session, library: Library, indicators: dict[str, Indicator]) -> None:
    sets = {s.code: s for s in session.scalars(select(IndicatorSet))}
    for spec in library.sets.values():
        row = sets.get(spec.code)
        if row is None:
            row = IndicatorSet(code=spec.code)
            session.add(row)
        row.name_zh, row.name_en = spec.name_zh, spec.name_en
        row.description_zh, row.description_en = spec.description_zh, spec.description_en
        session.flush()
        session.execute(delete(IndicatorSetMember).where(IndicatorSetMember.set_id == row.id))
        for position, member in enumerate(spec.members):
            session.add(
                IndicatorSetMember(
                    set_id=row.id,
                    indicator_id=indicators[member.code].id,
                    position=position,
                    from_year=member.from_year,
                    to_year=member.to_year,
                )
            )


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
