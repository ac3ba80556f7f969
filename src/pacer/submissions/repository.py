"""Queries on submissions and their staged figures; unit-scoped ones through the visibility rule."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from pacer.auth.permissions import READ, Actor, restrict
from pacer.models import Indicator, Submission, SubmissionCheck, SubmissionFigure, Unit, WorkflowItem
from pacer.submissions.rules import RULES

Listed = tuple[Submission, Unit, WorkflowItem | None]


@dataclass(frozen=True, slots=True)
class StagedIndicator:
    """What a staged figure's reader needs of its indicator."""

    code: str
    kind: str
    scale: int


@dataclass(frozen=True, slots=True)
class StagedFigure:
    value: int  # scaled
    basis: str


Staged = tuple[StagedIndicator, StagedFigure]


def unit(session: Session, actor: Actor, code: str) -> Unit | None:
    return session.scalar(restrict(select(Unit).where(Unit.code == code), actor, Unit.id, READ))


def may(session: Session, actor: Actor, action: str, unit_id: int) -> bool:
    """Whether ``actor`` may take ``action`` on the unit: one row read through the visibility rule."""
    return session.scalar(restrict(select(Unit.id).where(Unit.id == unit_id), actor, Unit.id, action)) is not None


def submission(session: Session, unit_id: int, period: int) -> Submission | None:
    return session.scalar(select(Submission).where(Submission.unit_id == unit_id, Submission.period == period))


def submission_with_item(session: Session, unit_id: int, period: int) -> tuple[Submission, WorkflowItem | None] | None:
    """A unit-month's submission with its workflow item, in one read."""
    stmt = (
        select(Submission, WorkflowItem)
        .outerjoin(WorkflowItem, WorkflowItem.id == Submission.workflow_item_id)
        .where(Submission.unit_id == unit_id, Submission.period == period)
    )
    row = session.execute(stmt).tuples().first()
    return None if row is None else (row[0], row[1])


def figures(session: Session, submission_id: int) -> list[Staged]:
    """A submission's staged figures by indicator code, read as plain values (no objects)."""
    stmt = (
        select(Indicator.code, Indicator.kind, Indicator.scale, SubmissionFigure.value, SubmissionFigure.basis)
        .join(SubmissionFigure, SubmissionFigure.indicator_id == Indicator.id)
        .where(SubmissionFigure.submission_id == submission_id)
        .order_by(Indicator.code)
    )
    return [
        (StagedIndicator(code, kind, scale), StagedFigure(value, basis))
        for code, kind, scale, value, basis in session.execute(stmt).tuples()
    ]


def checks(session: Session, submission_id: int) -> list[SubmissionCheck]:
    """The rules' findings on a submission, in the order the rules report them."""
    stmt = select(SubmissionCheck).where(SubmissionCheck.submission_id == submission_id)
    return in_order(session.scalars(stmt))


def in_order(rows: Iterable[SubmissionCheck]) -> list[SubmissionCheck]:
    """A submission's findings in the order the rules report them (then by indicator)."""
    order = list(RULES)
    return sorted(rows, key=lambda c: (order.index(c.rule) if c.rule in order else len(order), c.indicator))


FigureRow = tuple[int, int, str]  # indicator id, value (scaled), basis


def replace_figures(session: Session, submission_id: int, rows: list[FigureRow]) -> None:
    """The submission's staged figures replaced by ``rows`` (written as rows, in one statement:
    a grid's few hundred figures are not worth the unit of work's objects)."""
    session.execute(delete(SubmissionFigure).where(SubmissionFigure.submission_id == submission_id))
    if rows:
        values = [
            {"submission_id": submission_id, "indicator_id": ind, "value": value, "basis": basis}
            for ind, value, basis in rows
        ]
        session.execute(insert(SubmissionFigure), values)
    session.flush()


def bump_version(session: Session, submission_id: int, expected: int) -> bool:
    """Raise the version from ``expected`` by one; False when it is no longer ``expected``
    (someone saved meanwhile, in this database, whatever process they used)."""
    moved = session.execute(
        update(Submission)
        .where(Submission.id == submission_id, Submission.version == expected)
        .values(version=expected + 1)
        .execution_options(synchronize_session=False)
    )
    return getattr(moved, "rowcount", 0) == 1


def listed(
    session: Session, actor: Actor, period: int | None, state: str | None, limit: int, offset: int
) -> tuple[int, list[Listed]]:
    """(total, one page of) the submissions of the units the actor sees, newest month first."""
    stmt = (
        select(Submission, Unit, WorkflowItem)
        .join(Unit, Unit.id == Submission.unit_id)
        .outerjoin(WorkflowItem, WorkflowItem.id == Submission.workflow_item_id)
    )
    if period is not None:
        stmt = stmt.where(Submission.period == period)
    if state is not None:
        stmt = stmt.where(Submission.state == state)
    stmt = restrict(stmt, actor, Submission.unit_id, READ)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    page = stmt.order_by(Submission.period.desc(), Unit.code).limit(limit).offset(offset)
    return int(total or 0), list(session.execute(page).tuples())


def units_for_month(session: Session, actor: Actor, period: int, limit: int) -> list[tuple[Unit, Submission | None]]:
    """The units the actor sees, by code, each with its submission for ``period`` if any."""
    stmt = select(Unit, Submission).outerjoin(
        Submission, (Submission.unit_id == Unit.id) & (Submission.period == period)
    )
    stmt = restrict(stmt, actor, Unit.id, READ).order_by(Unit.code).limit(limit)
    return list(session.execute(stmt).tuples())
