"""Short ways to make the rows tests need; each flushes and returns the row."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.auth.permissions import Actor, load_actor
from pacer.models import Indicator, RoleGrant, Unit, UnitParentage, User

BEGINNING = date(1900, 1, 1)


def create_unit(
    session: Session,
    code: str,
    parent: Unit | None = None,
    kind: str = "company",
    valid_from: date = BEGINNING,
    **fields: object,
) -> Unit:
    unit = Unit(
        code=code,
        name_zh=fields.pop("name_zh", f"单位{code}"),
        name_en=fields.pop("name_en", f"Unit {code}"),
        kind=kind,
        tags=fields.pop("tags", {}),
        **fields,
    )
    session.add(unit)
    session.flush()
    session.add(UnitParentage(unit_id=unit.id, parent_id=parent.id if parent else None, valid_from=valid_from))
    session.flush()
    return unit


def move_unit(session: Session, unit: Unit, new_parent: Unit, on: date) -> None:
    current = session.scalar(
        select(UnitParentage).where(UnitParentage.unit_id == unit.id, UnitParentage.valid_to.is_(None))
    )
    current.valid_to = on
    session.add(UnitParentage(unit_id=unit.id, parent_id=new_parent.id, valid_from=on))
    session.flush()


def create_user(session: Session, username: str, grants: list[tuple[str, Unit]] = ()) -> Actor:
    user = User(username=username, display_name=username.title())
    session.add(user)
    session.flush()
    for role, unit in grants:
        session.add(RoleGrant(user_id=user.id, role=role, unit_id=unit.id))
    session.flush()
    return load_actor(session, username)


def indicator(session: Session, code: str) -> Indicator:
    return session.scalars(select(Indicator).where(Indicator.code == code)).one()


def write_csv(path, header: str, *lines: str):
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path
