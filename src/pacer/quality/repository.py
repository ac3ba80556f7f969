"""Every query of quality problems and sister checks, each through the visibility rule on the
unit that holds the record (the problem's unit, the unit checked)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from pacer.auth.permissions import READ, Actor, restrict
from pacer.kit.rows import one_seen
from pacer.models import StoredFile, Unit, UnitParentage, User, WorkflowItem
from pacer.models.quality import QualityProblem, SisterCheck, ZeroingCriterion
from pacer.org.repository import parentage_on, subtree_select
from pacer.quality.workflow import CANCELLED, CLOSED, DONE

Row = tuple[QualityProblem, Unit, WorkflowItem]
CheckRow = tuple[SisterCheck, Unit, WorkflowItem]


@dataclass(frozen=True)
class ProblemFilter:
    """What a list of problems is narrowed to; every field optional."""

    unit_id: int | None = None  # the unit and the units below it
    states: tuple[str, ...] = ()
    severity: str | None = None
    found_stage: str | None = None
    origin_stage: str | None = None
    programme: str | None = None
    supplier: str | None = None
    owner: str | None = None
    characteristic_id: int | None = None
    found_from: date | None = None
    found_to: date | None = None


def _base(actor: Actor, action: str = READ) -> Select[tuple[QualityProblem, Unit, WorkflowItem]]:
    stmt = (
        select(QualityProblem, Unit, WorkflowItem)
        .join(Unit, Unit.id == QualityProblem.unit_id)
        .join(WorkflowItem, WorkflowItem.id == QualityProblem.workflow_item_id)
    )
    return restrict(stmt, actor, QualityProblem.unit_id, action)


def _conditions(session: Session, f: ProblemFilter) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if f.unit_id is not None:
        out.append(QualityProblem.unit_id.in_(list(session.scalars(subtree_select([f.unit_id], date.today())))))
    simple = {
        QualityProblem.severity: f.severity,
        QualityProblem.found_stage: f.found_stage,
        QualityProblem.origin_stage: f.origin_stage,
        QualityProblem.programme: f.programme,
        QualityProblem.supplier: f.supplier,
        QualityProblem.owner: f.owner,
        QualityProblem.source_characteristic_id: f.characteristic_id,
    }
    out += [column == value for column, value in simple.items() if value is not None]
    if f.states:
        out.append(WorkflowItem.state.in_(f.states))
    if f.found_from is not None:
        out.append(QualityProblem.found_on >= f.found_from)
    if f.found_to is not None:
        out.append(QualityProblem.found_on <= f.found_to)
    return out


def problems(session: Session, actor: Actor, f: ProblemFilter, limit: int, offset: int) -> tuple[int, list[Row]]:
    """(total, one page of) the problems the actor sees that pass the filter: open before done,
    the most severe and the latest found first."""
    stmt = _base(actor).where(*_conditions(session, f))
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    order = (
        case((WorkflowItem.state.in_(sorted(DONE)), 1), else_=0),
        case((QualityProblem.severity == "critical", 0), (QualityProblem.severity == "major", 1), else_=2),
        QualityProblem.found_on.desc(),
        QualityProblem.id.desc(),
    )
    rows = session.execute(stmt.order_by(*order).limit(limit).offset(offset)).tuples().all()
    return int(total or 0), list(rows)


def all_rows(session: Session, actor: Actor, f: ProblemFilter) -> list[Row]:
    """Every problem the actor sees that passes the filter (for counting: Pareto, trends)."""
    stmt = _base(actor).where(*_conditions(session, f)).order_by(QualityProblem.id)
    return list(session.execute(stmt).tuples().all())


def problem(session: Session, actor: Actor, problem_id: int) -> Row:
    """One problem the actor sees; any other is not found, as if it did not exist."""
    return one_seen(session, _base(actor).where(QualityProblem.id == problem_id), f"no quality problem #{problem_id}")


def criteria(session: Session, problem_id: int) -> list[ZeroingCriterion]:
    stmt = select(ZeroingCriterion).where(ZeroingCriterion.problem_id == problem_id)
    return list(session.scalars(stmt.order_by(ZeroingCriterion.position)))


def _checks() -> Select[tuple[SisterCheck, Unit, WorkflowItem]]:
    return (
        select(SisterCheck, Unit, WorkflowItem)
        .join(Unit, Unit.id == SisterCheck.unit_id)
        .join(WorkflowItem, WorkflowItem.id == SisterCheck.workflow_item_id)
    )


def checks(session: Session, actor: Actor, problem_id: int) -> list[CheckRow]:
    """The problem's sister checks at the units the actor sees (a unit out of sight is not named)."""
    stmt = restrict(_checks().where(SisterCheck.problem_id == problem_id), actor, SisterCheck.unit_id, READ)
    return list(session.execute(stmt.order_by(Unit.code)).tuples().all())


def all_checks(session: Session, problem_id: int) -> list[CheckRow]:
    """Every check of the problem, seen or not: whether it may close depends on all of them."""
    stmt = _checks().where(SisterCheck.problem_id == problem_id).order_by(Unit.code)
    return list(session.execute(stmt).tuples().all())


def check(session: Session, actor: Actor, check_id: int) -> CheckRow:
    stmt = restrict(_checks().where(SisterCheck.id == check_id), actor, SisterCheck.unit_id, READ)
    return one_seen(session, stmt, f"no sister check #{check_id}")


def unit_by_code(session: Session, actor: Actor, code: str, action: str = READ) -> Unit | None:
    """A unit the actor may ``action``, by code (None: unknown or out of reach, the same answer)."""
    return session.scalar(restrict(select(Unit).where(Unit.code == code), actor, Unit.id, action))


def sisters(session: Session, actor: Actor, unit_id: int, action: str) -> list[Unit]:
    """The units under the same parent as ``unit_id`` today, the actor may ``action``."""
    today = date.today()
    parent = select(UnitParentage.parent_id).where(UnitParentage.unit_id == unit_id, parentage_on(today))
    stmt = (
        select(Unit)
        .join(UnitParentage, UnitParentage.unit_id == Unit.id)
        .where(parentage_on(today), UnitParentage.parent_id == parent.scalar_subquery(), Unit.id != unit_id)
    )
    return list(session.scalars(restrict(stmt, actor, Unit.id, action).order_by(Unit.code)))


def active_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username, User.is_active.is_(True)))


def from_signal(session: Session, characteristic_id: int, point: int) -> int | None:
    """The problem already opened from this point of this characteristic's chart, if any."""
    stmt = select(QualityProblem.id).where(
        QualityProblem.source_characteristic_id == characteristic_id, QualityProblem.source_point == point
    )
    return session.scalar(stmt.limit(1))


def signals(session: Session, actor: Actor, characteristic_ids: Collection[int]) -> list[QualityProblem]:
    """The problems the actor sees opened from these characteristics' charts."""
    if not characteristic_ids:
        return []
    stmt = select(QualityProblem).where(QualityProblem.source_characteristic_id.in_(list(characteristic_ids)))
    return list(session.scalars(restrict(stmt, actor, QualityProblem.unit_id, READ).order_by(QualityProblem.id)))


def files_of(session: Session, actor: Actor, owners: Collection[str]) -> list[StoredFile]:
    """The stored files of these owners (a problem's criteria) the actor sees, oldest first."""
    if not owners:
        return []
    stmt = select(StoredFile).where(StoredFile.owner.in_(list(owners))).order_by(StoredFile.id)
    return list(session.scalars(restrict(stmt, actor, StoredFile.unit_id, READ)))


@dataclass(frozen=True)
class MonthCounts:
    found: int
    closed: int
    open: int  # at the month's end


def month_counts(session: Session, actor: Actor, first: date, last: date, action: str) -> dict[int, MonthCounts]:
    """Per unit (its own problems, not those below it): problems registered from ``first`` to
    ``last``, closed in that span, and open at ``last``; withdrawn (cancelled) problems count in
    none of them."""
    state = WorkflowItem.state
    kept = state != CANCELLED

    def count(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    stmt = (
        select(
            QualityProblem.unit_id,
            count(kept & QualityProblem.found_on.between(first, last)),
            count((state == CLOSED) & QualityProblem.closed_on.between(first, last)),
            count(kept & (QualityProblem.closed_on.is_(None) | (QualityProblem.closed_on > last))),
        )
        .join(WorkflowItem, WorkflowItem.id == QualityProblem.workflow_item_id)
        .where(QualityProblem.found_on <= last)
        .group_by(QualityProblem.unit_id)
    )
    rows = session.execute(restrict(stmt, actor, QualityProblem.unit_id, action)).all()
    return {unit_id: MonthCounts(int(f), int(c), int(o)) for unit_id, f, c, o in rows}


def units_in_month(session: Session, actor: Actor, first: date, last: date, action: str) -> list[Unit]:
    """The units that exist in the span from ``first`` to ``last`` that the actor may ``action``."""
    stmt = select(Unit).where(
        (Unit.created_on.is_(None)) | (Unit.created_on <= last),
        (Unit.dissolved_on.is_(None)) | (Unit.dissolved_on >= first),
    )
    return list(session.scalars(restrict(stmt, actor, Unit.id, action).order_by(Unit.code)))


def signed_criteria(session: Session, problem_ids: Collection[int]) -> tuple[int, int]:
    """(criteria signed off, criteria) of these problems: how far their zeroing has come."""
    if not problem_ids:
        return 0, 0
    signed = func.coalesce(func.sum(case((ZeroingCriterion.signed_by != "", 1), else_=0)), 0)
    stmt = select(signed, func.count()).where(ZeroingCriterion.problem_id.in_(list(problem_ids)))
    done, total = session.execute(stmt).one()
    return int(done), int(total)
