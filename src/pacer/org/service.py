"""Import and export the org tree. Callers own the transaction (the edge commits)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.audit.service import record
from pacer.auth.permissions import ADMINISTER, SYSTEM, Actor, visible_unit_ids
from pacer.errors import Problem, ValidationFailed
from pacer.kit.tabular import Problems, Row, read_csv, write_csv
from pacer.models import Unit, UnitParentage
from pacer.org import repository
from pacer.org.validation import (
    ORG_COLUMNS,
    ORG_OPTIONAL,
    UnitRow,
    check_one_root,
    check_tree,
    parse_rows,
)

# Units imported without a date exist "since always", so history aggregates under them.
BEGINNING = date(1900, 1, 1)


def _snapshot(unit: Unit, parent_code: str | None) -> dict[str, object]:
    return {
        "code": unit.code,
        "name_zh": unit.name_zh,
        "name_en": unit.name_en,
        "kind": unit.kind,
        "tags": unit.tags,
        "parent_code": parent_code,
        "created_on": unit.created_on.isoformat() if unit.created_on else None,
        "dissolved_on": unit.dissolved_on.isoformat() if unit.dissolved_on else None,
    }


def import_units_file(session: Session, path: Path, actor: Actor = SYSTEM, today: date | None = None) -> dict[str, int]:
    problems = Problems()
    rows = read_csv(path, ORG_COLUMNS, ORG_OPTIONAL, problems)
    return import_units(session, parse_rows_or_fail(rows, str(path), problems), actor, today, str(path))


def parse_rows_or_fail(rows: Iterable[Row], source: str, problems: Problems | None = None) -> list[UnitRow]:
    problems = Problems() if problems is None else problems
    parsed = parse_rows(rows, problems)
    if problems:
        raise problems.failure(source)
    if not parsed:
        raise ValidationFailed([Problem("no rows: nothing to import")], source)
    return parsed


def import_units(
    session: Session, parsed: list[UnitRow], actor: Actor = SYSTEM, today: date | None = None, source: str = "org"
) -> dict[str, int]:
    """Create or update units; a changed parent is an effective-dated move. All or nothing.

    An actor other than the system changes only units they administer: each row's unit must lie
    in their subtrees (a new one: under a unit that does), and a move must leave from and arrive
    at units there. A unit outside reads as unknown, as in every import."""
    today = today or date.today()
    units = repository.units_by_code(session)
    code_of = {u.id: u.code for u in units.values()}
    current = repository.current_parentage(session, today)
    existing_parent = {
        u.code: (code_of[parent_id] if (link := current.get(u.id)) and (parent_id := link.parent_id) else None)
        for u in units.values()
    }
    problems = _check_actor(session, actor, parsed, units, existing_parent, today)
    if problems:  # say nothing more about units the actor may not see
        raise ValidationFailed(problems, source)
    problems = check_tree(parsed, existing_parent)
    problems += check_one_root(
        parsed, {u.code for u in units.values() if u.id in current and current[u.id].parent_id is None}
    )
    problems += _check_moves(parsed, units, current, existing_parent, today)
    if problems:
        raise ValidationFailed(problems, source)
    counts = {"created": 0, "updated": 0, "moved": 0, "unchanged": 0}
    for item in parsed:  # parents may come after children in the file: create all first
        if item.code not in units:
            unit = Unit(
                code=item.code,
                name_zh=item.name_zh,
                name_en=item.name_en,
                kind=item.kind,
                tags=item.tags,
                created_on=item.created_on,
                dissolved_on=item.dissolved_on,
            )
            session.add(unit)
            units[item.code] = unit
    session.flush()
    for item in parsed:
        counts[_apply(session, item, units, current, existing_parent, actor.username, today)] += 1
    session.flush()
    return counts


def _check_actor(
    session: Session,
    actor: Actor,
    parsed: list[UnitRow],
    units: dict[str, Unit],
    existing_parent: dict[str, str | None],
    today: date,
) -> list[Problem]:
    allowed_ids = visible_unit_ids(session, actor, ADMINISTER, today)
    if allowed_ids is None:
        return []
    allowed = {u.code for u in units.values() if u.id in allowed_ids}
    new = {u.code: u for u in parsed if u.code not in units}
    # a new unit is the actor's when it hangs under one of theirs, directly or through new ones
    placed: set[str] = set()
    grew = True
    while grew:
        grew = False
        for code, item in new.items():
            if code not in placed and item.parent_code in allowed | placed:
                placed.add(code)
                grew = True
    problems = []
    for item in parsed:
        if item.code in units and item.code not in allowed:
            problems.append(Problem(f"'{item.code}' is not a unit you administer", item.row, "code"))
            continue
        moves = item.code in new or existing_parent.get(item.code) != item.parent_code
        if not moves:
            continue
        if item.parent_code is None:
            problems.append(Problem("only the system may place a unit at the top of the tree", item.row, "parent_code"))
        elif item.parent_code not in allowed and item.parent_code not in placed:
            problems.append(Problem(f"unknown parent '{item.parent_code}'", item.row, "parent_code"))
        elif item.code in units and existing_parent.get(item.code) not in allowed:
            problems.append(
                Problem(
                    f"moving '{item.code}' needs administration of its parent '{existing_parent.get(item.code)}'",
                    item.row,
                    "parent_code",
                )
            )
    return problems


def _check_moves(
    parsed: list[UnitRow],
    units: dict[str, Unit],
    current: dict[int, UnitParentage],
    existing_parent: dict[str, str | None],
    today: date,
) -> list[Problem]:
    problems = []
    for item in parsed:
        unit = units.get(item.code)
        if unit is None or existing_parent.get(item.code) == item.parent_code:
            continue
        effective = item.effective or today
        held = current.get(unit.id)
        if held is not None and effective <= held.valid_from:
            problems.append(
                Problem(
                    f"a move must take effect after the current placement began ({held.valid_from})",
                    item.row,
                    "effective",
                )
            )
    return problems


def _apply(
    session: Session,
    item: UnitRow,
    units: dict[str, Unit],
    current: dict[int, UnitParentage],
    existing_parent: dict[str, str | None],
    actor: str,
    today: date,
) -> str:
    unit = units[item.code]
    parent_id = units[item.parent_code].id if item.parent_code else None
    held = current.get(unit.id)
    if held is None:  # a new unit (or one never placed)
        session.add(
            UnitParentage(
                unit_id=unit.id, parent_id=parent_id, valid_from=item.effective or item.created_on or BEGINNING
            )
        )
        record(session, actor, "unit.create", "unit", unit.code, None, _snapshot(unit, item.parent_code))
        return "created"
    before = _snapshot(unit, existing_parent.get(item.code))
    unit.name_zh, unit.name_en, unit.kind, unit.tags = item.name_zh, item.name_en, item.kind, item.tags
    unit.created_on, unit.dissolved_on = item.created_on, item.dissolved_on
    outcome = "updated"
    if held.parent_id != parent_id:
        effective = item.effective or today
        held.valid_to = effective
        session.add(UnitParentage(unit_id=unit.id, parent_id=parent_id, valid_from=effective))
        outcome = "moved"
    after = _snapshot(unit, item.parent_code)
    if after == before:
        return "unchanged"
    record(session, actor, f"unit.{'move' if outcome == 'moved' else 'update'}", "unit", unit.code, before, after)
    return outcome


def export_units(session: Session, on: date | None = None) -> str:
    """Today's tree as CSV, depth-first, in the same columns the import reads."""
    on = on or date.today()
    tree = repository.tree_on(session, on)
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(list(tree))))}
    rows = []
    for unit_id, _level in repository.depth_first(tree, {i: u.code for i, u in units.items()}):
        unit, parent_id = units[unit_id], tree[unit_id]
        rows.append(
            {
                "code": unit.code,
                "name_zh": unit.name_zh,
                "name_en": unit.name_en,
                "kind": unit.kind,
                "parent_code": units[parent_id].code if parent_id else "",
                "tags": ";".join(f"{k}={v}" for k, v in sorted(unit.tags.items())),
                "created_on": unit.created_on,
                "dissolved_on": unit.dissolved_on,
            }
        )
    return write_csv(rows, [*list(ORG_COLUMNS), "tags", "created_on", "dissolved_on"])
