"""Write library specs into the database, the library of record.

``sync_library`` (run by ``pacer db upgrade``) upgrades the built-in part: it adds what is new and
updates built-in entries the group has not edited, and leaves the group's own entries and the
built-in ones it customised alone. The writers below are shared with the library import, which
applies a group's file with its own rules. Every change is audited (which also tells cached
analysis engines to rebuild)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pacer.audit.service import record
from pacer.indicators.library import Library, load_library
from pacer.indicators.specs import CategorySpec, IndicatorSetSpec, IndicatorSpec, MeasureUnitSpec
from pacer.indicators.vocabulary import factor_text
from pacer.models import (
    Indicator,
    IndicatorCategory,
    IndicatorSet,
    IndicatorSetMember,
    IndicatorVersion,
    MeasureUnit,
)

VERSION_FIELDS = ("from_year", "to_year", "name_zh", "name_en", "definition_zh", "definition_en", "formula")


def sync_library(session: Session, library: Library | None = None, actor: str = "system") -> dict[str, int]:
    """Bring the built-in library into the database, leaving the group's edits alone; idempotent."""
    library = library or load_library()
    _sync_vocabulary(session, library, actor)
    existing = {i.code: i for i in session.scalars(select(Indicator))}
    stored = stored_versions(session)
    changed = 0
    for spec in library.indicators.values():
        row = existing.get(spec.code)
        if _upgradable(row):
            old = stored.get(row.id) if row is not None else None
            existing[spec.code], touched = write_indicator(session, row, spec, old, actor)
            changed += touched
    sets = {s.code: s for s in session.scalars(select(IndicatorSet))}
    ids = {code: row.id for code, row in existing.items()}
    for set_spec in library.sets.values():
        if _upgradable(sets.get(set_spec.code)):
            write_set(session, sets.get(set_spec.code), set_spec, ids, actor=actor)
    session.flush()
    return {"indicators": len(library.indicators), "changed": changed, "sets": len(library.sets)}


def _sync_vocabulary(session: Session, library: Library, actor: str) -> None:
    units = {u.code: u for u in session.scalars(select(MeasureUnit))}
    for position, unit in enumerate(library.units.values()):
        if _upgradable(units.get(unit.code)):
            write_unit(session, units.get(unit.code), unit, actor, position)
    categories = {c.code: c for c in session.scalars(select(IndicatorCategory))}
    for position, category in enumerate(library.categories.values()):
        if _upgradable(categories.get(category.code)):
            write_category(session, categories.get(category.code), category, actor, position)


def _upgradable(row: MeasureUnit | IndicatorCategory | Indicator | IndicatorSet | None) -> bool:
    return row is None or (row.origin == "builtin" and not row.customized)


def unit_fields(spec: MeasureUnitSpec) -> dict[str, Any]:
    return {
        "name_zh": spec.name_zh,
        "name_en": spec.name_en,
        "symbol_zh": spec.symbol_zh,
        "symbol_en": spec.symbol_en,
        "dimension": spec.dimension,
        "factor": factor_text(spec.factor),
        "additive": spec.additive,
        "percent": spec.percent,
        "display": spec.display,
    }


def write_unit(
    session: Session, row: MeasureUnit | None, spec: MeasureUnitSpec, actor: str, position: int | None = None
) -> MeasureUnit:
    fields = unit_fields(spec)
    if row is None:
        row = MeasureUnit(code=spec.code, origin=spec.origin, position=position or 0, **fields)
        session.add(row)
        record(session, actor, "measure_unit.create", "measure_unit", spec.code, None, fields)
    else:
        _update(session, row, fields, actor, "measure_unit", spec.code)
    return row


def write_category(
    session: Session, row: IndicatorCategory | None, spec: CategorySpec, actor: str, position: int | None = None
) -> IndicatorCategory:
    fields = {"name_zh": spec.name_zh, "name_en": spec.name_en}
    if row is None:
        row = IndicatorCategory(code=spec.code, origin=spec.origin, position=position or 0, **fields)
        session.add(row)
        record(session, actor, "indicator_category.create", "indicator_category", spec.code, None, fields)
    else:
        _update(session, row, fields, actor, "indicator_category", spec.code)
    return row


def indicator_fields(spec: IndicatorSpec) -> dict[str, Any]:
    return {
        "category": spec.category,
        "unit": spec.unit,
        "scale": spec.scale,
        "direction": spec.direction,
        "kind": spec.kind,
        "reporting": spec.reporting,
        "eliminated": spec.eliminated,
        "never_negative": spec.never_negative,
        "retired_from": spec.retired_from,
        "band_low": spec.band_low,
        "band_high": spec.band_high,
    }


def stored_versions(session: Session) -> dict[int, list[dict[str, Any]]]:
    """Every indicator's versions as field dicts in year order, by indicator id."""
    versions: dict[int, list[dict[str, Any]]] = {}
    for row in session.scalars(select(IndicatorVersion).order_by(IndicatorVersion.from_year)):
        versions.setdefault(row.indicator_id, []).append({f: getattr(row, f) for f in VERSION_FIELDS})
    return versions


def write_indicator(
    session: Session,
    row: Indicator | None,
    spec: IndicatorSpec,
    old_versions: list[dict[str, Any]] | None,
    actor: str,
    **extra: Any,
) -> tuple[Indicator, bool]:
    """Insert or update one indicator and replace its versions; whether anything changed.
    ``extra`` sets further columns (``customized``) without auditing them on their own."""
    fields = indicator_fields(spec)
    changed = row is None
    if row is None:
        row = Indicator(code=spec.code, origin=spec.origin, **fields, **extra)
        session.add(row)
        session.flush()
        record(session, actor, "indicator.create", "indicator", spec.code, None, fields)
    else:
        changed = _update(session, row, fields, actor, "indicator", spec.code)
        for key, value in extra.items():
            setattr(row, key, value)
    after = [{f: getattr(v, f) for f in VERSION_FIELDS} for v in spec.versions]
    if old_versions != after:
        session.execute(delete(IndicatorVersion).where(IndicatorVersion.indicator_id == row.id))
        session.add_all(IndicatorVersion(indicator_id=row.id, **version) for version in after)
        if old_versions is not None:
            before = {"versions": old_versions}
            record(session, actor, "indicator.versions", "indicator", spec.code, before, {"versions": after})
        changed = True
    return row, changed


def write_set(
    session: Session,
    row: IndicatorSet | None,
    spec: IndicatorSetSpec,
    ids: dict[str, int],
    origin: str = "builtin",
    actor: str = "system",
) -> IndicatorSet:
    """Create or rewrite a set with its members; audited when it changes (who reports what
    follows the sets, so cached readers must learn of it)."""
    before = None if row is None else _set_state(session, row)
    if row is None:
        row = IndicatorSet(code=spec.code, origin=origin)
        session.add(row)
    row.name_zh, row.name_en = spec.name_zh, spec.name_en
    row.description_zh, row.description_en = spec.description_zh, spec.description_en
    session.flush()
    session.execute(delete(IndicatorSetMember).where(IndicatorSetMember.set_id == row.id))
    session.add_all(
        IndicatorSetMember(
            set_id=row.id,
            indicator_id=ids[member.code],
            position=position,
            from_year=member.from_year,
            to_year=member.to_year,
        )
        for position, member in enumerate(spec.members)
    )
    session.flush()
    after = _set_state(session, row)
    if after != before:
        action = "indicator_set.create" if before is None else "indicator_set.update"
        record(session, actor, action, "indicator_set", spec.code, before, after)
    return row


def _set_state(session: Session, row: IndicatorSet) -> dict[str, Any]:
    members = session.execute(
        select(Indicator.code, IndicatorSetMember.from_year, IndicatorSetMember.to_year)
        .join(Indicator, Indicator.id == IndicatorSetMember.indicator_id)
        .where(IndicatorSetMember.set_id == row.id)
        .order_by(IndicatorSetMember.position)
    ).all()
    return {
        "name_zh": row.name_zh,
        "name_en": row.name_en,
        "description_zh": row.description_zh,
        "description_en": row.description_en,
        "members": [[code, start, end] for code, start, end in members],
    }


def _update(session: Session, row: Any, fields: dict[str, Any], actor: str, entity: str, code: str) -> bool:
    before = {key: getattr(row, key) for key in fields}
    if before == fields:
        return False
    for key, value in fields.items():
        setattr(row, key, value)
    record(session, actor, f"{entity}.update", entity, code, before, fields)
    return True
