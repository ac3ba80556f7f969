"""Every query of who reports what: the rules, and what the resolver needs to read them.

The readers take a session or a bare connection (the analysis engine's loader reads the
assignment through its own connection). Rules by kind or tag are the group's configuration and
readable by anyone signed in; a unit's own rules go through the visibility rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, Select, and_, exists, or_, select
from sqlalchemy.orm import Session, aliased

from pacer.auth.permissions import READ, Actor, restrict, visible_units
from pacer.indicators.assignment_calc import Catalogue, Rule, UnitInfo
from pacer.indicators.formula import parse
from pacer.indicators.specs import SetMember as Member
from pacer.models import Fact, Indicator, IndicatorAssignment, IndicatorSet, IndicatorSetMember, IndicatorVersion, Unit

Reader = Session | Connection


def has_rules(db: Reader) -> bool:
    """Whether the group has configured any assignment (none: every unit reports everything)."""
    return bool(db.execute(select(exists().where(IndicatorAssignment.id.is_not(None)))).scalar())


def _rules_select() -> Select[tuple[IndicatorAssignment, str, str]]:  # the codes may be NULL (outer joins)
    return (
        select(IndicatorAssignment, IndicatorSet.code, Indicator.code)
        .outerjoin(IndicatorSet, IndicatorSet.id == IndicatorAssignment.set_id)
        .outerjoin(Indicator, Indicator.id == IndicatorAssignment.indicator_id)
        .order_by(IndicatorAssignment.id)
    )


def as_rule(row: IndicatorAssignment, set_code: str | None, indicator: str | None) -> Rule:
    return Rule(
        id=row.id,
        selector=row.selector,
        effect=row.effect,
        from_period=row.from_period,
        to_period=row.to_period,
        set_code=set_code,
        indicator=indicator,
        kind=row.unit_kind,
        tag=(row.tag_key, row.tag_value or "") if row.tag_key else None,
        unit_id=row.unit_id,
    )


def rules(db: Reader, period: int | None = None) -> list[Rule]:
    """Every rule (in force in ``period`` when given), for the resolver."""
    stmt = select(
        IndicatorAssignment.id,
        IndicatorAssignment.selector,
        IndicatorAssignment.effect,
        IndicatorAssignment.from_period,
        IndicatorAssignment.to_period,
        IndicatorSet.code,
        Indicator.code,
        IndicatorAssignment.unit_kind,
        IndicatorAssignment.tag_key,
        IndicatorAssignment.tag_value,
        IndicatorAssignment.unit_id,
    ).select_from(IndicatorAssignment)
    stmt = stmt.outerjoin(IndicatorSet, IndicatorSet.id == IndicatorAssignment.set_id)
    stmt = stmt.outerjoin(Indicator, Indicator.id == IndicatorAssignment.indicator_id)
    if period is not None:
        stmt = stmt.where(in_force(period))
    return [
        Rule(id, selector, effect, start, end, set_code, code, kind, (key, value or "") if key else None, unit_id)
        for id, selector, effect, start, end, set_code, code, kind, key, value, unit_id in db.execute(stmt)
    ]


def in_force(period: int) -> ColumnElement[bool]:
    a = IndicatorAssignment
    return and_(a.from_period <= period, or_(a.to_period.is_(None), a.to_period >= period))


def units(db: Reader, ids: Iterable[int] | None = None) -> list[UnitInfo]:
    stmt = select(Unit.id, Unit.kind, Unit.tags)
    if ids is not None:
        stmt = stmt.where(Unit.id.in_(list(ids)))
    return [UnitInfo(id, kind, tags or {}) for id, kind, tags in db.execute(stmt)]


@dataclass(frozen=True)
class Codes:
    """Indicator ids and codes both ways, which are derived, and the year each retired one
    leaves the entry forms."""

    code_of: dict[int, str]
    id_of: dict[str, int]
    derived: frozenset[str]
    retired_from: dict[str, int]


def codes(db: Reader) -> Codes:
    rows = db.execute(
        select(Indicator.id, Indicator.code, Indicator.kind, Indicator.retired_from).order_by(Indicator.id)
    ).all()
    return Codes(
        {id: code for id, code, _, _ in rows},
        {code: id for id, code, _, _ in rows},
        frozenset(code for _, code, kind, _ in rows if kind == "derived"),
        {code: year for _, code, _, year in rows if year is not None},
    )


def catalogue(db: Reader, year: int, known: Codes | None = None) -> Catalogue:
    """The resolver's view of the library in ``year``: reported indicators in library order
    (less those retired by then), derived ones' references by the formula in force, and every
    set's members."""
    known = known or codes(db)
    references: dict[str, frozenset[str]] = {}
    version = aliased(IndicatorVersion)
    stmt = select(version.indicator_id, version.formula).where(
        version.formula.is_not(None), version.from_year <= year, or_(version.to_year.is_(None), version.to_year >= year)
    )
    for ind_id, text in db.execute(stmt):
        references[known.code_of[ind_id]] = parse(text).references
    for code in known.derived - set(references):  # a derived indicator outside its years: no inputs
        references[code] = frozenset()
    sets: dict[str, list[Member]] = {}
    members = (
        select(
            IndicatorSet.code, IndicatorSetMember.indicator_id, IndicatorSetMember.from_year, IndicatorSetMember.to_year
        )
        .join(IndicatorSetMember, IndicatorSetMember.set_id == IndicatorSet.id)
        .order_by(IndicatorSet.code, IndicatorSetMember.position)
    )
    for set_code, ind_id, start, end in db.execute(members):
        sets.setdefault(set_code, []).append(Member(known.code_of[ind_id], start, end))
    reported = tuple(
        code
        for code in known.id_of
        if code not in known.derived and known.retired_from.get(code, year + 1) > year  # retired: no longer asked for
    )
    return Catalogue(reported, references, {k: tuple(v) for k, v in sets.items()})


def rule_rows(
    session: Session, actor: Actor, period: int | None = None, unit_id: int | None = None, history: bool = False
) -> list[tuple[IndicatorAssignment, str | None, str | None, Unit | None]]:
    """Rules with their set or indicator code and unit, for listing: those in force in
    ``period`` (every rule with ``history``), only those reaching ``unit_id`` when given. A
    unit's own rules show only where ``actor`` may read that unit."""
    stmt = _rules_select().add_columns(Unit).outerjoin(Unit, Unit.id == IndicatorAssignment.unit_id)
    if period is not None and not history:
        stmt = stmt.where(in_force(period))
    if not actor.is_system:
        stmt = stmt.where(
            or_(IndicatorAssignment.unit_id.is_(None), IndicatorAssignment.unit_id.in_(visible_units(actor, READ)))
        )
    if unit_id is not None:
        stmt = stmt.where(or_(IndicatorAssignment.unit_id.is_(None), IndicatorAssignment.unit_id == unit_id))
    return [(row, set_code, code, unit) for row, set_code, code, unit in session.execute(stmt)]


def get_rule(session: Session, rule_id: int) -> IndicatorAssignment | None:
    return session.get(IndicatorAssignment, rule_id)


def set_id(session: Session, code: str) -> int | None:
    return session.scalar(select(IndicatorSet.id).where(IndicatorSet.code == code))


def set_codes(session: Session) -> list[str]:
    return list(session.scalars(select(IndicatorSet.code).order_by(IndicatorSet.code)))


def indicator(session: Session, code: str) -> Indicator | None:
    return session.scalar(select(Indicator).where(Indicator.code == code))


def unit_by_code(session: Session, code: str) -> Unit | None:
    return session.scalar(select(Unit).where(Unit.code == code))


def present(session: Session, actor: Actor, unit_id: int, period: int) -> set[int]:
    """Ids of the indicators ``unit_id`` has a figure of in ``period``, where ``actor`` sees it."""
    stmt = select(Fact.indicator_id).where(Fact.unit_id == unit_id, Fact.period == period)
    return set(session.scalars(restrict(stmt, actor, Fact.unit_id)))
