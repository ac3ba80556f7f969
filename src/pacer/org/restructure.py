"""Restructurings of the org tree with an effective date: create a unit, rename it, change its
kind and tags, move it under another parent, merge it into another unit, dissolve it. Each one is
checked (one clear message, nothing stored), needs a reason and is audited; callers own the
transaction.

Parentage rows hold from ``valid_from`` (inclusive) to ``valid_to`` (exclusive), so a change
effective on a day closes the row in force and opens another from that day. A unit dissolved
or merged from a day was last in being the day before (``dissolved_on``), and reports nothing
after it. A merged unit stays in the tree under the unit that absorbs it, with its units: its
history stays its own, and from the effective day its figures consolidate through the survivor,
so restated figures (同口径) of the survivor include the absorbed unit's past.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.audit.service import record
from pacer.auth.permissions import ADMINISTER, Actor, may_configure, visible_unit_ids
from pacer.errors import Forbidden, Problem, ValidationFailed
from pacer.kit import periods
from pacer.models import UNIT_KINDS, PeriodLock, Unit, UnitParentage
from pacer.org import repository
from pacer.org.validation import _CODE, NAME_LENGTH

KINDS = ("create", "rename", "reclassify", "move", "merge", "dissolve")
REASON_LENGTH = 2000
TAG_LENGTH = 64


@dataclass(frozen=True)
class Restructuring:
    """One change: ``code`` is the unit (the new one's, for ``create``); ``parent_code`` the parent
    a unit is created or moved under; ``into_code`` the unit a merge folds it into."""

    kind: str
    code: str
    effective: date | None
    reason: str
    parent_code: str = ""
    into_code: str = ""
    name_zh: str = ""
    name_en: str = ""
    unit_kind: str = ""
    tags: dict[str, str] = field(default_factory=dict)


def refuse(field_name: str, en: str, zh: str) -> ValidationFailed:
    return ValidationFailed([Problem(en, field=field_name, zh=zh)], "restructuring")


def may_restructure(session: Session, actor: Actor, unit_ids: set[int]) -> bool:
    """Group administrators and HQ analysts granted at the group change the whole tree; a group
    administrator granted lower changes units in their subtree."""
    if actor.is_system or may_configure(session, actor):
        return True
    allowed = visible_unit_ids(session, actor, ADMINISTER) or set()
    return bool(unit_ids) and unit_ids <= allowed


def apply(session: Session, actor: Actor, change: Restructuring) -> Unit:
    """Check ``change`` and store it (flushed, audited); the unit it concerns."""
    effective = _common_checks(session, change)
    if change.kind == "create":
        return _create(session, actor, change, effective)
    unit = _unit(session, actor, change.code, "code")
    held = _placement(session, unit, effective)
    if change.kind == "rename":
        return _rename(session, actor, change, unit, effective)
    if change.kind == "reclassify":
        return _reclassify(session, actor, change, unit, effective)
    if held.parent_id is None:
        raise refuse("code", f"'{unit.code}' is the top of the tree: it cannot move, merge or dissolve",
                     f"{unit.code} 是组织树的顶层单位，不能调整隶属、合并或撤销")  # fmt: skip
    if change.kind == "move":
        return _move(session, actor, change, unit, held, effective)
    if change.kind == "merge":
        return _merge(session, actor, change, unit, held, effective)
    return _dissolve(session, actor, change, unit, held, effective)


def _common_checks(session: Session, change: Restructuring) -> date:
    if change.kind not in KINDS:
        raise refuse("kind", f"unknown restructuring '{change.kind}' (one of {', '.join(KINDS)})",
                     f"未知的调整类型“{change.kind}”")  # fmt: skip
    if not change.reason.strip():
        raise refuse("reason", "a restructuring needs a reason", "组织调整须填写原因")
    if len(change.reason) > REASON_LENGTH:
        raise refuse("reason", f"longer than {REASON_LENGTH} characters", f"超过 {REASON_LENGTH} 个字符")
    if change.effective is None:
        raise refuse("effective", "the effective date is missing (YYYY-MM-DD)", "缺少生效日期（YYYY-MM-DD）")
    month = change.effective.year * 100 + change.effective.month
    locked = session.scalar(select(PeriodLock.period).where(PeriodLock.period >= month).order_by(PeriodLock.period))
    if locked is not None:
        shown = periods.format_period(locked)
        raise refuse(
            "effective",
            f"period {shown} is locked: a restructuring effective {change.effective} would change its figures",
            f"{shown} 已锁定：{change.effective} 生效的调整会改变该月数据",
        )
    return change.effective


def _unit(session: Session, actor: Actor, code: str, field_name: str) -> Unit:
    """The unit of ``code`` among those the actor sees (any other reads as unknown)."""
    unit = session.scalar(select(Unit).where(Unit.code == code))
    seen = visible_unit_ids(session, actor)
    if unit is None or (seen is not None and unit.id not in seen and not may_configure(session, actor)):
        raise refuse(field_name, f"unknown unit '{code}'", f"未知单位“{code}”")
    return unit


def _placement(session: Session, unit: Unit, on: date) -> UnitParentage:
    """The unit's parentage in force on ``on``; refused before it existed, after it ended, or
    when a later change is already recorded."""
    rows = list(session.scalars(select(UnitParentage).where(UnitParentage.unit_id == unit.id)))
    began = min((r.valid_from for r in rows), default=unit.created_on)
    if (began is not None and on < began) or (unit.created_on is not None and on < unit.created_on):
        began = max(d for d in (began, unit.created_on) if d is not None)
        raise refuse("effective", f"{on} is before '{unit.code}' existed (from {began})",
                     f"{on} 早于 {unit.code} 成立（{began} 起）")  # fmt: skip
    later = [r.valid_from for r in rows if r.valid_from > on]
    if later:
        raise refuse("effective", f"'{unit.code}' has a change effective {min(later)}, after {on}: "
                     "restructurings are entered in date order", f"{unit.code} 已有 {min(later)} 生效的调整，"
                     f"晚于 {on}：请按日期顺序调整")  # fmt: skip
    held = next((r for r in rows if r.valid_from <= on and (r.valid_to is None or r.valid_to > on)), None)
    if held is not None and (unit.dissolved_on is None or unit.dissolved_on >= on):
        return held
    if unit.dissolved_on is not None and unit.dissolved_on < on:
        raise refuse("code", f"'{unit.code}' was dissolved on {unit.dissolved_on}",
                     f"{unit.code} 已于 {unit.dissolved_on} 撤销")  # fmt: skip
    raise refuse("code", f"'{unit.code}' is not in the tree on {on}", f"{unit.code} 在 {on} 不在组织树中")


def _parent(session: Session, actor: Actor, code: str, field_name: str, on: date) -> Unit:
    """A unit that exists on ``on`` and may take units under it."""
    if not code:
        raise refuse(field_name, "the parent unit is missing", "缺少上级单位")
    unit = _unit(session, actor, code, field_name)
    if unit.dissolved_on is not None and unit.dissolved_on < on:
        raise refuse(field_name, f"'{code}' was dissolved on {unit.dissolved_on}: it takes no units",
                     f"{code} 已于 {unit.dissolved_on} 撤销，不能再接收单位")  # fmt: skip
    if unit.id not in repository.tree_on(session, on):
        raise refuse(field_name, f"'{code}' is not in the tree on {on}", f"{code} 在 {on} 不在组织树中")
    return unit


def _not_below(session: Session, unit: Unit, target: Unit, field_name: str, on: date) -> None:
    below = set(session.scalars(repository.subtree_select([unit.id], on)))
    if target.id in below:
        raise refuse(field_name, f"'{target.code}' lies under '{unit.code}': the tree would hold a cycle",
                     f"{target.code} 在 {unit.code} 之下：调整后组织树会出现循环")  # fmt: skip


def _check_rights(session: Session, actor: Actor, *units: Unit) -> None:
    if not may_restructure(session, actor, {u.id for u in units}):
        raise Forbidden("only group administrators and HQ analysts change the org tree")


def _names(change: Restructuring) -> tuple[str, str]:
    zh, en = change.name_zh.strip(), change.name_en.strip()
    if not zh and not en:
        raise refuse("name_zh", "the unit has no name (name_zh or name_en)", "单位没有名称")
    for name_field, name in (("name_zh", zh), ("name_en", en)):
        if len(name) > NAME_LENGTH:
            raise refuse(name_field, f"longer than {NAME_LENGTH} characters", f"超过 {NAME_LENGTH} 个字符")
    return zh or en, en or zh


def snapshot(unit: Unit, parent_code: str | None, effective: date) -> dict[str, object]:
    return {
        "code": unit.code,
        "name_zh": unit.name_zh,
        "name_en": unit.name_en,
        "kind": unit.kind,
        "parent_code": parent_code,
        "dissolved_on": unit.dissolved_on.isoformat() if unit.dissolved_on else None,
        "effective": effective.isoformat(),
    }


def _code_of(session: Session, unit_id: int | None) -> str | None:
    return None if unit_id is None else session.get_one(Unit, unit_id).code


def _create(session: Session, actor: Actor, change: Restructuring, on: date) -> Unit:
    code = change.code.strip()
    if not _CODE.fullmatch(code):
        raise refuse("code", f"'{code[:40]}' is not a unit code (letters, digits, _ . -; at most 32)",
                     f"“{code[:40]}”不是有效的单位编码（字母、数字、_ . -，最多 32 位）")  # fmt: skip
    if session.scalar(select(Unit.id).where(Unit.code == code)) is not None:
        raise refuse("code", f"duplicate code: unit '{code}' already exists", f"编码重复：单位 {code} 已存在")
    _check_kind(change)
    name_zh, name_en = _names(change)
    parent = _parent(session, actor, change.parent_code, "parent_code", on)
    _check_rights(session, actor, parent)
    unit = Unit(code=code, name_zh=name_zh, name_en=name_en, kind=change.unit_kind, tags=dict(change.tags),
                created_on=on)  # fmt: skip
    session.add(unit)
    session.flush()
    session.add(UnitParentage(unit_id=unit.id, parent_id=parent.id, valid_from=on))
    record(session, actor.username, "unit.create", "unit", code, None, snapshot(unit, parent.code, on), change.reason)
    session.flush()
    return unit


def _rename(session: Session, actor: Actor, change: Restructuring, unit: Unit, on: date) -> Unit:
    _check_rights(session, actor, unit)
    name_zh, name_en = _names(change)
    parent_code = _code_of(session, repository.tree_on(session, on).get(unit.id))
    before = snapshot(unit, parent_code, on)
    if (unit.name_zh, unit.name_en) == (name_zh, name_en):
        raise refuse("name_zh", f"'{unit.code}' already has these names", f"{unit.code} 的名称未改变")
    unit.name_zh, unit.name_en = name_zh, name_en
    record(session, actor.username, "unit.rename", "unit", unit.code, before, snapshot(unit, parent_code, on),
           change.reason)  # fmt: skip
    session.flush()
    return unit


def _check_kind(change: Restructuring) -> None:
    if change.unit_kind not in UNIT_KINDS:
        raise refuse("unit_kind", f"unknown kind '{change.unit_kind}' (one of {', '.join(UNIT_KINDS)})",
                     f"未知的单位类型“{change.unit_kind}”")  # fmt: skip
    for key, value in change.tags.items():
        if not key.strip() or len(key) > TAG_LENGTH or len(value) > TAG_LENGTH or "=" in key or ";" in key + value:
            raise refuse("tags", f"'{key[:40]}={value[:40]}' is not a tag (key=value, at most {TAG_LENGTH} "
                         "characters each, no ';')", f"“{key[:40]}={value[:40]}”不是有效的标签（键=值，各不超过 "
                         f"{TAG_LENGTH} 个字符，不含“;”）")  # fmt: skip


def parse_tags(text: str) -> dict[str, str]:
    """``key=value; key=value`` as a dict; a part without ``=`` is refused naming it."""
    tags: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise refuse("tags", f"'{part[:40]}' is not key=value", f"“{part[:40]}”不是“键=值”")
        tags[key.strip()] = value.strip()
    return tags


def _reclassify(session: Session, actor: Actor, change: Restructuring, unit: Unit, on: date) -> Unit:
    """The unit's kind and tags (all of them: a tag left out is removed)."""
    _check_rights(session, actor, unit)
    _check_kind(change)
    parent_code = _code_of(session, repository.tree_on(session, on).get(unit.id))
    before = {**snapshot(unit, parent_code, on), "tags": dict(unit.tags)}
    if (unit.kind, {k: str(v) for k, v in unit.tags.items()}) == (change.unit_kind, change.tags):
        raise refuse("unit_kind", f"'{unit.code}' already has this kind and these tags",
                     f"{unit.code} 的类型和标签未改变")  # fmt: skip
    unit.kind, unit.tags = change.unit_kind, dict(change.tags)
    after = {**snapshot(unit, parent_code, on), "tags": dict(unit.tags)}
    record(session, actor.username, "unit.reclassify", "unit", unit.code, before, after, change.reason)
    session.flush()
    return unit


def _reparent(session: Session, row: UnitParentage, parent_id: int, on: date) -> None:
    """Place a unit under ``parent_id`` from ``on`` (the row in force then closes)."""
    if row.valid_from == on:
        row.parent_id = parent_id
        return
    row.valid_to = on
    session.add(UnitParentage(unit_id=row.unit_id, parent_id=parent_id, valid_from=on))


def _move(session: Session, actor: Actor, change: Restructuring, unit: Unit, held: UnitParentage, on: date) -> Unit:
    parent = _parent(session, actor, change.parent_code, "parent_code", on)
    if parent.id == held.parent_id:
        raise refuse("parent_code", f"'{unit.code}' is already under '{parent.code}'",
                     f"{unit.code} 已隶属于 {parent.code}")  # fmt: skip
    if parent.id == unit.id:
        raise refuse("parent_code", "a unit cannot be its own parent", "单位不能隶属于自身")
    _not_below(session, unit, parent, "parent_code", on)
    _check_rights(session, actor, unit, parent, session.get_one(Unit, held.parent_id))
    before = snapshot(unit, _code_of(session, held.parent_id), on)
    _reparent(session, held, parent.id, on)
    record(session, actor.username, "unit.move", "unit", unit.code, before, snapshot(unit, parent.code, on),
           change.reason)  # fmt: skip
    session.flush()
    return unit


def _children_on(session: Session, unit: Unit, on: date) -> list[UnitParentage]:
    return list(
        session.scalars(select(UnitParentage).where(UnitParentage.parent_id == unit.id, repository.parentage_on(on)))
    )


def _merge(session: Session, actor: Actor, change: Restructuring, unit: Unit, held: UnitParentage, on: date) -> Unit:
    if not change.into_code:
        raise refuse("into_code", "the unit to merge into is missing", "缺少合并后的存续单位")
    if change.into_code == unit.code:
        raise refuse("into_code", "a unit cannot be merged into itself", "单位不能合并到自身")
    into = _parent(session, actor, change.into_code, "into_code", on)
    _not_below(session, unit, into, "into_code", on)
    _check_rights(session, actor, unit, into, session.get_one(Unit, held.parent_id))
    before = snapshot(unit, _code_of(session, held.parent_id), on)
    for child in _children_on(session, unit, on):
        kid = session.get_one(Unit, child.unit_id)
        kid_before = snapshot(kid, unit.code, on)
        _reparent(session, child, into.id, on)
        record(session, actor.username, "unit.move", "unit", kid.code, kid_before, snapshot(kid, into.code, on),
               change.reason)  # fmt: skip
    _reparent(session, held, into.id, on)
    unit.dissolved_on = on - timedelta(days=1)
    after = {**snapshot(unit, into.code, on), "merged_into": into.code}
    record(session, actor.username, "unit.merge", "unit", unit.code, before, after, change.reason)
    session.flush()
    return unit


def _dissolve(session: Session, actor: Actor, change: Restructuring, unit: Unit, held: UnitParentage, on: date) -> Unit:
    kids = _children_on(session, unit, on)
    if kids:
        raise refuse("code", f"'{unit.code}' still has {len(kids)} unit(s) under it on {on}: move or merge them first",
                     f"{unit.code} 在 {on} 仍有 {len(kids)} 个下级单位：请先调整或合并它们")  # fmt: skip
    _check_rights(session, actor, unit)
    before = snapshot(unit, _code_of(session, held.parent_id), on)
    if held.valid_from == on:
        session.delete(held)
    else:
        held.valid_to = on
    unit.dissolved_on = on - timedelta(days=1)
    record(session, actor.username, "unit.dissolve", "unit", unit.code, before, snapshot(unit, None, on),
           change.reason)  # fmt: skip
    session.flush()
    return unit
