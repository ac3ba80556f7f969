"""The org tree as it is on any date, searched and filtered, and one unit's history: read through
the visibility rule (a viewer sees the subtrees granted, today's tree), never beyond."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.auth.permissions import Actor, restrict, visible_unit_ids
from pacer.errors import NotFound
from pacer.models import AuditEntry, Person, Unit, UnitLeader, UnitParentage, keyed_entities
from pacer.org import repository

HISTORY_LIMIT = 200


@dataclass(frozen=True)
class Filters:
    q: str = ""  # part of a code or a name
    kind: str = ""
    tag: str = ""  # key=value, or a key alone
    line: str = ""  # the military/civil line: the tag 'line'
    level: int | None = None

    @property
    def active(self) -> bool:
        return bool(self.q or self.kind or self.tag or self.line or self.level)


@dataclass(frozen=True)
class Node:
    unit: Unit
    level: int
    parent_code: str | None  # None: a root, or a parent outside the viewer's subtrees
    leaders: dict[str, list[str]] = field(default_factory=dict)  # role -> names (zh / en pairs joined)
    children: list[Node] = field(default_factory=list)

    @property
    def merged_into(self) -> str | None:
        """A unit merged into another stays under it, with its last day in being recorded."""
        return self.parent_code if self.unit.dissolved_on is not None else None


def visible_unit(session: Session, actor: Actor, code: str) -> Unit:
    """The unit of ``code`` if the actor sees it; otherwise 404, as for a unit that does not exist."""
    stmt = restrict(select(Unit).where(Unit.code == code), actor, Unit.id)
    unit = session.scalar(stmt)
    if unit is None:
        raise NotFound(f"no unit '{code}'")
    return unit


def visible_codes(session: Session, actor: Actor) -> set[str] | None:
    """Codes of the units the actor sees; None: every unit."""
    ids = visible_unit_ids(session, actor)
    return None if ids is None else set(session.scalars(select(Unit.code).where(Unit.id.in_(ids))))


def leaders_on(session: Session, unit_ids: list[int], on: date) -> dict[int, dict[str, list[Person]]]:
    stmt = (
        select(UnitLeader, Person)
        .join(Person, Person.id == UnitLeader.person_id)
        .where(UnitLeader.unit_id.in_(unit_ids))
        .where((UnitLeader.valid_from.is_(None)) | (UnitLeader.valid_from <= on))
        .where((UnitLeader.valid_to.is_(None)) | (UnitLeader.valid_to > on))
        .order_by(UnitLeader.id)
    )
    out: dict[int, dict[str, list[Person]]] = {}
    for leader, person in session.execute(stmt):
        out.setdefault(leader.unit_id, {}).setdefault(leader.role, []).append(person)
    return out


def tree(session: Session, actor: Actor, on: date, filters: Filters, lang: str) -> list[Node]:
    """The visible tree on ``on``: its roots with their children nested, or, when filtered, the
    matching units as a flat list (each with its level and parent)."""
    parent_of = repository.tree_on(session, on)
    seen = visible_unit_ids(session, actor)
    ids = [u for u in parent_of if seen is None or u in seen]
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(ids)))} if ids else {}
    shown_tree = {u: (p if p in units else None) for u, p in parent_of.items() if u in units}
    order = repository.depth_first(shown_tree, {i: u.code for i, u in units.items()})
    leaders = leaders_on(session, ids, on)
    nodes: dict[int, Node] = {}
    roots: list[Node] = []
    for unit_id, level in order:
        unit = units[unit_id]
        parent = shown_tree[unit_id]
        names = {role: [p.name_zh if lang == "zh" else p.name_en for p in people]
                 for role, people in leaders.get(unit_id, {}).items()}  # fmt: skip
        node = Node(unit, _true_level(parent_of, unit_id), units[parent].code if parent else None, names)
        nodes[unit_id] = node
        (nodes[parent].children if parent else roots).append(node)
        del level
    if not filters.active:
        return roots
    return [n for n in (nodes[u] for u, _ in order) if _matches(n, filters)]


def _true_level(parent_of: dict[int, int | None], unit_id: int) -> int:
    """The level in the whole tree (the top is 1), whatever the viewer sees of it."""
    level, node = 1, parent_of.get(unit_id)
    while node is not None and level <= len(parent_of):
        level, node = level + 1, parent_of.get(node)
    return level


def _matches(node: Node, f: Filters) -> bool:
    u = node.unit
    q = f.q.strip().lower()
    if q and q not in u.code.lower() and q not in u.name_zh.lower() and q not in u.name_en.lower():
        return False
    if f.kind and u.kind != f.kind:
        return False
    if f.level and node.level != f.level:
        return False
    if f.line and u.tags.get("line") != f.line:
        return False
    if f.tag:
        key, sep, value = f.tag.partition("=")
        if key.strip() not in u.tags or (sep and str(u.tags[key.strip()]) != value.strip()):
            return False
    return True


@dataclass(frozen=True)
class Span:
    valid_from: date
    valid_to: date | None
    parent: Unit | None  # None: the top, or a unit outside the viewer's subtrees
    outside: bool


@dataclass(frozen=True)
class History:
    unit: Unit
    spans: list[Span]
    changes: list[AuditEntry]
    leaders: list[tuple[UnitLeader, Person]]


def history(session: Session, actor: Actor, code: str) -> History:
    """Where the unit hung over time, its recorded changes (newest first) and its leaders."""
    unit = visible_unit(session, actor, code)
    seen = visible_unit_ids(session, actor)
    rows = session.scalars(
        select(UnitParentage).where(UnitParentage.unit_id == unit.id).order_by(UnitParentage.valid_from)
    ).all()
    parents = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_([r.parent_id for r in rows])))}
    spans = []
    for r in rows:
        parent = parents.get(r.parent_id) if r.parent_id is not None else None
        outside = parent is not None and seen is not None and parent.id not in seen
        spans.append(Span(r.valid_from, r.valid_to, None if outside else parent, outside))
    changes = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity.in_(("unit", "unit_leader")), AuditEntry.entity_key == unit.code, keyed_entities())
        .order_by(AuditEntry.id.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    leaders = session.execute(
        select(UnitLeader, Person)
        .join(Person, Person.id == UnitLeader.person_id)
        .where(UnitLeader.unit_id == unit.id)
        .order_by(UnitLeader.role, UnitLeader.valid_from)
    ).all()
    return History(unit, spans, list(changes), [(leader, person) for leader, person in leaders])


def change_fields(entry: AuditEntry, seen: set[str] | None) -> dict[str, Any]:
    """What an audited change set, units outside the viewer's subtrees left out."""
    after = dict(entry.after or {})
    for key in ("parent_code", "merged_into"):
        if after.get(key) and seen is not None and after[key] not in seen:
            after[key] = None
    return after
