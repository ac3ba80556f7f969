"""Every query of responsibility statements and their assessments, each through the visibility
rule on the statement's unit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from pacer.assessment.plan import IndicatorFacts
from pacer.auth.permissions import READ, Actor, restrict
from pacer.errors import NotFound
from pacer.models import (
    AssessmentAdjustment,
    AssessmentResult,
    Indicator,
    MeasureUnit,
    Statement,
    StatementEvent,
    StatementItem,
    StatementTemplate,
    StatementVersion,
    Target,
    Unit,
    UnitLeader,
    UnitParentage,
    WorkflowItem,
)
from pacer.org.repository import parentage_on, subtree_select

Row = tuple[Statement, Unit, WorkflowItem]


def _base(actor: Actor, action: str = READ) -> Select[tuple[Statement, Unit, WorkflowItem]]:
    stmt = (
        select(Statement, Unit, WorkflowItem)
        .join(Unit, Unit.id == Statement.unit_id)
        .join(WorkflowItem, WorkflowItem.id == Statement.workflow_item_id)
    )
    return restrict(stmt, actor, Statement.unit_id, action)


def unit_by_code(session: Session, actor: Actor, code: str) -> Unit | None:
    """The unit ``code`` if the actor sees it (the same answer whether it exists or not)."""
    return session.scalar(restrict(select(Unit).where(Unit.code == code), actor, Unit.id))


def visible_unit(session: Session, actor: Actor, unit_id: int) -> Unit | None:
    """The unit if the actor sees it (an issuer above the viewer's subtree is not named)."""
    return session.scalar(restrict(select(Unit).where(Unit.id == unit_id), actor, Unit.id))


def statement(session: Session, actor: Actor, statement_id: int) -> Row:
    """One statement the actor sees; any other is not found, as if it did not exist."""
    found = session.execute(_base(actor).where(Statement.id == statement_id)).first()
    if found is None:
        raise NotFound(f"no responsibility statement {statement_id}")
    return found._tuple()


def statement_of(session: Session, actor: Actor, unit_id: int, year: int, domain: str) -> Row | None:
    where = (Statement.unit_id == unit_id, Statement.year == year, Statement.domain == domain)
    found = session.execute(_base(actor).where(*where)).first()
    return None if found is None else found._tuple()


def exists(session: Session, unit_id: int, year: int, domain: str) -> int | None:
    """The id of the unit's statement for the year and domain, if any (asked before drafting
    one, by whoever may draft it)."""
    where = (Statement.unit_id == unit_id, Statement.year == year, Statement.domain == domain)
    return session.scalar(select(Statement.id).where(*where))


def statements(
    session: Session, actor: Actor, year: int, domain: str | None = None, under: int | None = None
) -> list[Row]:
    """The statements of a year the actor sees (of one domain, below one unit), by unit code."""
    stmt = _base(actor).where(Statement.year == year)
    if domain is not None:
        stmt = stmt.where(Statement.domain == domain)
    if under is not None:
        stmt = stmt.where(Statement.unit_id.in_(subtree_select([under], date.today())))
    return [r._tuple() for r in session.execute(stmt.order_by(Unit.code, Statement.domain))]


def of_unit(session: Session, actor: Actor, unit_id: int) -> list[Row]:
    """The unit's statements the actor sees, newest year first."""
    stmt = _base(actor).where(Statement.unit_id == unit_id).order_by(Statement.year.desc(), Statement.domain)
    return [r._tuple() for r in session.execute(stmt)]


def items(session: Session, statement_ids: Iterable[int]) -> dict[int, list[StatementItem]]:
    """The items of each statement, in their places (the caller has found the statements)."""
    ids = list(statement_ids)
    out: dict[int, list[StatementItem]] = {i: [] for i in ids}
    stmt = select(StatementItem).where(StatementItem.statement_id.in_(ids)).order_by(StatementItem.position)
    for item in session.scalars(stmt):
        out[item.statement_id].append(item)
    return out


def versions(session: Session, statement_id: int) -> list[StatementVersion]:
    stmt = select(StatementVersion).where(StatementVersion.statement_id == statement_id)
    return list(session.scalars(stmt.order_by(StatementVersion.version)))


def children_statements(session: Session, parent_id: int) -> list[Statement]:
    return list(session.scalars(select(Statement).where(Statement.parent_id == parent_id)))


def indicator_facts(session: Session, codes: Iterable[str] | None = None) -> dict[str, IndicatorFacts]:
    """What checks and scoring need of each indicator (every one when ``codes`` is None)."""
    stmt = select(Indicator.code, Indicator.scale, Indicator.kind, Indicator.direction, MeasureUnit.additive).join(
        MeasureUnit, MeasureUnit.code == Indicator.unit, isouter=True
    )
    if codes is not None:
        stmt = stmt.where(Indicator.code.in_(list(codes)))
    out = {}
    for code, scale, kind, direction, additive in session.execute(stmt):
        adds = kind in ("flow", "stock") and bool(additive)
        out[code] = IndicatorFacts(code, scale, kind, direction == "lower", adds)
    return out


def indicator_ids(session: Session, codes: Iterable[str]) -> dict[str, int]:
    rows = session.execute(select(Indicator.code, Indicator.id).where(Indicator.code.in_(list(codes))))
    return dict(rows.tuples().all())


def indicator_code_by_id(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Indicator.id, Indicator.code)).tuples().all())


def targets(session: Session, unit_id: int, year: int, codes: Iterable[str]) -> dict[str, dict[str, int]]:
    """The unit's targets of record for the year: indicator code -> tier -> value."""
    stmt = (
        select(Indicator.code, Target.tier, Target.value)
        .join(Indicator, Indicator.id == Target.indicator_id)
        .where(Target.unit_id == unit_id, Target.year == year, Target.is_current.is_(True))
        .where(Indicator.code.in_(list(codes)))
    )
    out: dict[str, dict[str, int]] = {}
    for code, tier, value in session.execute(stmt):
        out.setdefault(code, {})[tier] = value
    return out


def main_leader(session: Session, unit_id: int, on: date) -> int | None:
    """The person who is the unit's main leader (主要领导) on ``on``."""
    stmt = select(UnitLeader.person_id).where(
        UnitLeader.unit_id == unit_id,
        UnitLeader.role == "main_leader",
        or_(UnitLeader.valid_from.is_(None), UnitLeader.valid_from <= on),
        or_(UnitLeader.valid_to.is_(None), UnitLeader.valid_to > on),
    )
    return session.scalar(stmt.order_by(UnitLeader.valid_from.desc()).limit(1))


def parent_of(session: Session, unit_id: int, on: date) -> int | None:
    stmt = select(UnitParentage.parent_id).where(UnitParentage.unit_id == unit_id, parentage_on(on))
    return session.scalar(stmt)


def children(session: Session, unit_id: int, on: date) -> list[Unit]:
    stmt = select(Unit).join(UnitParentage, UnitParentage.unit_id == Unit.id)
    stmt = stmt.where(UnitParentage.parent_id == unit_id, parentage_on(on), Unit.kind != "elimination")
    return list(session.scalars(stmt.order_by(Unit.code)))


def subtree_ids(session: Session, unit_id: int, on: date) -> list[int]:
    return list(session.scalars(subtree_select([unit_id], on)))


def template(session: Session, domain: str, unit_kind: str) -> StatementTemplate | None:
    where = (StatementTemplate.domain == domain, StatementTemplate.unit_kind == unit_kind)
    return session.scalar(select(StatementTemplate).where(*where))


def templates(session: Session) -> list[StatementTemplate]:
    order = (StatementTemplate.domain, StatementTemplate.unit_kind)
    return list(session.scalars(select(StatementTemplate).order_by(*order)))


def events(session: Session, statement_ids: Iterable[int]) -> list[StatementEvent]:
    stmt = select(StatementEvent).where(StatementEvent.statement_id.in_(list(statement_ids)))
    return list(session.scalars(stmt.order_by(StatementEvent.occurred_on, StatementEvent.id)))


def results(session: Session, statement_ids: Iterable[int], stage: str) -> dict[int, AssessmentResult]:
    ids = list(statement_ids)
    stmt = select(AssessmentResult).where(AssessmentResult.statement_id.in_(ids), AssessmentResult.stage == stage)
    return {r.statement_id: r for r in session.scalars(stmt)}


def adjustments(session: Session, result_id: int) -> list[AssessmentAdjustment]:
    stmt = select(AssessmentAdjustment).where(AssessmentAdjustment.result_id == result_id)
    return list(session.scalars(stmt.order_by(AssessmentAdjustment.id)))
