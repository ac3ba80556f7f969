"""Every query on the org tree. Parentage is effective-dated: ask for the tree *on* a date."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import Session

from pacer.models import Unit, UnitParentage

# The visibility rule puts the tree's statements into nearly every query: building them (SQLAlchemy
# expressions, a recursive CTE) costs more CPU than running them, so each is built once per day
# and grant set and shared (SQLAlchemy's statements are immutable: a query adding to one copies it).
CACHED = 512


@lru_cache(maxsize=CACHED)
def parentage_on(on: date) -> ColumnElement[bool]:
    """The condition selecting the parentage rows in force on ``on``."""
    return and_(
        UnitParentage.valid_from <= on,
        or_(UnitParentage.valid_to.is_(None), UnitParentage.valid_to > on),
    )


def tree_on(session: Session, on: date) -> dict[int, int | None]:
    """unit id -> parent id (None for a root) for every unit in the tree on ``on``."""
    rows = session.execute(select(UnitParentage.unit_id, UnitParentage.parent_id).where(parentage_on(on)))
    return {row.unit_id: row.parent_id for row in rows}


def subtree_select(root_ids: Iterable[int], on: date) -> Select[tuple[int]]:
    """Ids of the given units and all their descendants on ``on``, as one recursive query."""
    return _subtree_select(tuple(root_ids), on)


@lru_cache(maxsize=CACHED)
def _subtree_select(root_ids: tuple[int, ...], on: date) -> Select[tuple[int]]:
    tree = select(Unit.id.label("id")).where(Unit.id.in_(list(root_ids))).cte("subtree", recursive=True)
    step = select(UnitParentage.unit_id).join(tree, UnitParentage.parent_id == tree.c.id).where(parentage_on(on))
    tree = tree.union(step)
    return select(tree.c.id)


def units_by_code(session: Session, codes: Iterable[str] | None = None) -> dict[str, Unit]:
    stmt = select(Unit)
    if codes is not None:
        stmt = stmt.where(Unit.code.in_(list(codes)))
    return {unit.code: unit for unit in session.scalars(stmt)}


def current_parentage(session: Session, on: date) -> dict[int, UnitParentage]:
    return {p.unit_id: p for p in session.scalars(select(UnitParentage).where(parentage_on(on)))}


def roots_on(session: Session, on: date) -> list[Unit]:
    stmt = (
        select(Unit)
        .join(UnitParentage, UnitParentage.unit_id == Unit.id)
        .where(parentage_on(on), UnitParentage.parent_id.is_(None))
        .order_by(Unit.code)
    )
    return list(session.scalars(stmt))


def depth_first(tree: dict[int, int | None], order_key: dict[int, str]) -> list[tuple[int, int]]:
    """(unit id, level) in depth-first order, children sorted by ``order_key``; roots are level 1."""
    children: dict[int | None, list[int]] = {}
    for unit_id, parent_id in tree.items():
        children.setdefault(parent_id, []).append(unit_id)
    for kids in children.values():
        kids.sort(key=lambda u: order_key[u])
    out: list[tuple[int, int]] = []
    stack = [(root, 1) for root in reversed(children.get(None, []))]
    while stack:
        unit_id, level = stack.pop()
        out.append((unit_id, level))
        stack.extend((kid, level + 1) for kid in reversed(children.get(unit_id, [])))
    return out
