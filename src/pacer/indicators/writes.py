"""Apply a checked set of library changes: write what was added or changed (a built-in entry the
group edits becomes customised, so Pacer's upgrades leave it alone), delete the group's own
entries the library no longer holds. Audited; flushes, never commits."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from pacer.audit.service import record
from pacer.indicators import repository
from pacer.indicators.changes import Change
from pacer.indicators.document import indicator_entry
from pacer.indicators.specs import Library
from pacer.indicators.sync import stored_versions, write_category, write_indicator, write_set, write_unit
from pacer.models import Indicator, IndicatorCategory, IndicatorSet, IndicatorSetMember, MeasureUnit


def apply_changes(session: Session, stored: Library, incoming: Library, changes: list[Change], actor: str) -> None:
    touched = {(c.entity, c.code) for c in changes if c.action != "removed"}
    units = {row.code: row for row in repository.units(session)}
    for position, spec in enumerate(incoming.units.values(), start=len(units)):
        if ("unit", spec.code) in touched:
            row = write_unit(session, units.get(spec.code), _new(spec, units), actor, position)
            _customize(row)
    categories = {row.code: row for row in repository.categories(session)}
    for position, category in enumerate(incoming.categories.values(), start=len(categories)):
        if ("category", category.code) in touched:
            _customize(
                write_category(session, categories.get(category.code), _new(category, categories), actor, position)
            )
    session.flush()
    _apply_indicators(session, incoming, touched, actor)
    _apply_sets(session, incoming, touched, actor)
    _remove(session, stored, [c for c in changes if c.action == "removed"], actor)
    session.flush()


def _apply_indicators(session: Session, incoming: Library, touched: set[tuple[str, str]], actor: str) -> None:
    rows = {row.code: row for row in repository.indicators(session)}
    versions = stored_versions(session)
    for spec in incoming.indicators.values():
        if ("indicator", spec.code) not in touched:
            continue
        row = rows.get(spec.code)
        old = versions.get(row.id) if row is not None else None
        customized = row is not None and row.origin == "builtin"
        extra = {"customized": True} if customized else {}
        rows[spec.code], _ = write_indicator(session, row, _new(spec, rows), old, actor, **extra)
    session.flush()


def _apply_sets(session: Session, incoming: Library, touched: set[tuple[str, str]], actor: str) -> None:
    rows = {row.code: row for row in repository.sets(session)}
    ids = {row.code: row.id for row in repository.indicators(session)}
    for spec in incoming.sets.values():
        if ("set", spec.code) in touched:
            row = write_set(session, rows.get(spec.code), spec, ids, origin="group", actor=actor)
            _customize(row)


def _remove(session: Session, stored: Library, removed: list[Change], actor: str) -> None:
    ids = {row.code: row.id for row in repository.indicators(session)}
    for change in removed:
        if change.entity == "indicator":
            entry = indicator_entry(stored.indicators[change.code])
            session.execute(delete(IndicatorSetMember).where(IndicatorSetMember.indicator_id == ids[change.code]))
            session.execute(delete(Indicator).where(Indicator.code == change.code))
            record(session, actor, "indicator.delete", "indicator", change.code, entry, None)
            continue
        table: Any = {"unit": MeasureUnit, "category": IndicatorCategory, "set": IndicatorSet}[change.entity]
        entity = {"unit": "measure_unit", "category": "indicator_category", "set": "indicator_set"}[change.entity]
        session.execute(delete(table).where(table.code == change.code))
        record(session, actor, f"{entity}.delete", entity, change.code, {"code": change.code}, None)


def _new(spec: Any, stored: dict[str, Any]) -> Any:
    """An entry new to the database is the group's own, whatever the file says."""
    return spec if spec.code in stored else replace(spec, origin="group")


def _customize(row: MeasureUnit | IndicatorCategory | IndicatorSet) -> None:
    if row.origin == "builtin" and row.id is not None:
        row.customized = True
