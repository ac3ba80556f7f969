"""Bottom-up target rounds: proposals of targets for a unit's subtree, on the shared workflow.

A proposal's rows are checked by the targets import's own rules when it is submitted (every
problem named, nothing submitted), and imported by it when a level above accepts: the rows
become the targets of record, each new or revised target with the reason "accepted proposal #N".
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pacer.auth.permissions import APPROVE, READ, SYSTEM, Actor, require, restrict, visible_unit_ids
from pacer.errors import Conflict, DomainError, Forbidden, NotFound, Problem, ValidationFailed
from pacer.kit.tabular import Problems, Row, read_csv
from pacer.models import TargetProposal, TargetProposalRow, Unit, WorkflowEvent, WorkflowItem
from pacer.org.repository import subtree_select
from pacer.targets.round_flow import DRAFT, TARGET_ROUND
from pacer.targets.service import TARGET_OPTIONAL, import_targets
from pacer.workflow import repository as workflow_repository
from pacer.workflow import service as workflow
from pacer.workflow.transitions import Transition

REQUIRED = ("unit_code", "indicator_code", "tier")
OPTIONAL = ("year", *TARGET_OPTIONAL)
CELLS = ("unit_code", "indicator_code", "tier", "value", "growth_pct", "phasing", "basis")


@dataclass(frozen=True)
class Proposal:
    """A proposal with what its page shows."""

    proposal: TargetProposal
    unit: Unit
    item: WorkflowItem
    rows: list[TargetProposalRow]
    history: list[WorkflowEvent]
    verbs: list[Transition]


def read_rows(path: Path) -> tuple[list[Row], Problems]:
    problems = Problems()
    return list(read_csv(path, REQUIRED, OPTIONAL, problems)), problems


def rows_from_text(text: str) -> tuple[list[Row], Problems]:
    """Rows pasted in the browser, read by the same reader as a file."""
    handle, name = tempfile.mkstemp(suffix=".csv")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        return read_rows(Path(name))
    finally:
        Path(name).unlink(missing_ok=True)


def propose(
    session: Session,
    actor: Actor,
    unit_code: str,
    year: int,
    rows: Iterable[Row],
    problems: Problems | None = None,
    due: date | None = None,
) -> TargetProposal:
    """A draft proposal of ``unit_code``'s approver for the unit's subtree and ``year``."""
    unit = _unit(session, actor, unit_code)
    require(session, actor, APPROVE, unit.id)
    if not 2000 <= year <= 2100:
        raise DomainError(f"'{year}' is not a year")
    proposal = TargetProposal(unit_id=unit.id, year=year, created_by=actor.username)
    session.add(proposal)
    session.flush()
    _store_rows(session, proposal, unit, rows, problems or Problems())
    title = (
        f"目标建议 #{proposal.id}：{unit.code} {unit.name_zh} {year}年",
        f"Target proposal #{proposal.id}: {unit.code} {unit.name_en}, {year}",
    )
    due_at = datetime.combine(due, time(23, 59), UTC) if due else None
    item = workflow.start(
        session, TARGET_ROUND, str(proposal.id), unit.id, actor, title, f"/target-proposals/{proposal.id}", due_at
    )
    proposal.workflow_item_id = item.id
    session.flush()
    return proposal


def replace_rows(
    session: Session, actor: Actor, proposal_id: int, rows: Iterable[Row], problems: Problems | None = None
) -> TargetProposal:
    """New rows for a draft (a returned proposal is revised first)."""
    found = get(session, actor, proposal_id)
    require(session, actor, APPROVE, found.unit.id)
    if found.item.state != DRAFT:
        raise Conflict(f"proposal #{proposal_id} is {found.item.state}: only a draft's rows can change")
    for row in found.rows:
        session.delete(row)
    session.flush()
    _store_rows(session, found.proposal, found.unit, rows, problems or Problems())
    return found.proposal


def _store_rows(
    session: Session, proposal: TargetProposal, unit: Unit, rows: Iterable[Row], problems: Problems
) -> None:
    subtree = set(session.scalars(subtree_select([unit.id], date.today())))
    codes = dict(session.execute(select(Unit.code, Unit.id)).tuples().all())
    kept = []
    for row in rows:
        code = row.get("unit_code")
        if codes.get(code) not in subtree:
            problems.append(Problem(f"'{code}' is not {unit.code} or a unit below it", row.number, "unit_code"))
        if row.get("year") and row.get("year") != str(proposal.year):
            problems.append(Problem(f"the proposal is for {proposal.year}", row.number, "year"))
        kept.append(TargetProposalRow(proposal_id=proposal.id, line=row.number, **{c: row.get(c) for c in CELLS}))
    if problems:
        raise problems.failure(f"proposal #{proposal.id}")
    if not kept:
        raise ValidationFailed([Problem("no rows: nothing to propose")], f"proposal #{proposal.id}")
    session.add_all(kept)
    session.flush()


def _unit(session: Session, actor: Actor, code: str) -> Unit:
    unit = session.scalar(restrict(select(Unit).where(Unit.code == code), actor, Unit.id, READ))
    if unit is None:
        raise NotFound(f"no unit '{code}'")
    return unit


def _import_rows(proposal: TargetProposal, rows: list[TargetProposalRow]) -> list[Row]:
    reason = f"accepted proposal #{proposal.id}"
    return [
        Row(r.line, {**{c: getattr(r, c) for c in CELLS}, "year": str(proposal.year), "reason": reason}) for r in rows
    ]


def problems_of(session: Session, found: Proposal) -> list[Problem]:
    """What the targets import would refuse in the proposal's rows (checked, then undone)."""
    savepoint = session.begin_nested()
    try:
        import_targets(session, _import_rows(found.proposal, found.rows), SYSTEM, f"proposal #{found.proposal.id}")
    except ValidationFailed as exc:
        return exc.problems
    finally:
        savepoint.rollback()
    return []


def act(session: Session, actor: Actor, proposal_id: int, verb: str, reason: str | None = None) -> Proposal:
    """Take a verb on a proposal: submitting checks its rows first, accepting imports them."""
    found = get(session, actor, proposal_id)
    transition = TARGET_ROUND.transition(found.item.state, verb, reason)
    if not workflow.may(session, actor, transition, found.item):
        raise Forbidden(f"not allowed to {verb} proposal #{proposal_id}")
    if verb == "submit" and (problems := problems_of(session, found)):
        raise ValidationFailed(problems, f"proposal #{proposal_id}")
    workflow.apply(session, TARGET_ROUND, found.item, verb, actor, reason)
    if verb == "accept":
        import_targets(session, _import_rows(found.proposal, found.rows), actor, f"proposal #{proposal_id}")
    return get(session, actor, proposal_id)


def get(session: Session, actor: Actor, proposal_id: int) -> Proposal:
    stmt = (
        select(TargetProposal, Unit, WorkflowItem)
        .join(Unit, Unit.id == TargetProposal.unit_id)
        .join(WorkflowItem, WorkflowItem.id == TargetProposal.workflow_item_id)
        .where(TargetProposal.id == proposal_id)
    )
    found = session.execute(restrict(stmt, actor, TargetProposal.unit_id, READ)).tuples().one_or_none()
    if found is None:
        raise NotFound(f"no target proposal #{proposal_id}")
    proposal, unit, item = found
    rows = session.scalars(
        select(TargetProposalRow).where(TargetProposalRow.proposal_id == proposal.id).order_by(TargetProposalRow.line)
    )
    history = workflow_repository.history(session, item.id)
    return Proposal(proposal, unit, item, list(rows), history, workflow.verbs_for(session, TARGET_ROUND, item, actor))


def proposals(
    session: Session, actor: Actor, limit: int, offset: int
) -> tuple[int, list[tuple[TargetProposal, Unit, WorkflowItem]]]:
    """(total, one page of) the proposals the actor may see, newest first."""
    base = (
        select(TargetProposal, Unit, WorkflowItem)
        .join(Unit, Unit.id == TargetProposal.unit_id)
        .join(WorkflowItem, WorkflowItem.id == TargetProposal.workflow_item_id)
    )
    base = restrict(base, actor, TargetProposal.unit_id, READ)
    total = session.scalar(select(func.count()).select_from(base.subquery()))
    rows = session.execute(base.order_by(TargetProposal.id.desc()).limit(limit).offset(offset)).tuples().all()
    return int(total or 0), list(rows)


def proposable_units(session: Session, actor: Actor) -> list[Unit]:
    """The units the actor may propose targets for (those where they approve)."""
    ids = visible_unit_ids(session, actor, APPROVE)
    stmt = select(Unit).order_by(Unit.code)
    if ids is not None:
        stmt = stmt.where(Unit.id.in_(ids))
    return list(session.scalars(stmt.limit(500)))
