"""Deadlines applied: remind, declare overdue and escalate the open items that reached a step.

Idempotent: every step told is recorded (``workflow_reminder``) for the item's due date, so a
tick run twice, or by two servers one after the other, tells nobody twice.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import Session

from pacer.audit.service import record
from pacer.auth.permissions import ADMINISTER, APPROVE
from pacer.models import WorkflowItem, WorkflowReminder
from pacer.notifications.service import Message, notify
from pacer.org.repository import tree_on
from pacer.workflow import registry, repository
from pacer.workflow.deadlines import Policy, Step, as_utc, steps_due
from pacer.workflow.service import AUDIT_ENTITY, next_actors


def run_due(session: Session, now: datetime, policy: Policy) -> dict[str, int]:
    """Tell every open item's latest deadline step not told yet; counts of steps by kind."""
    items = _open_items_with_due_dates(session)
    by_id = {i.id: i for i in items}
    sent = _sent(session, by_id)
    tree = tree_on(session, date.today())
    counts: Counter[str] = Counter({"remind": 0, "overdue": 0, "escalate": 0})
    for item_id, step in steps_due(((i.id, i.due_at) for i in items if i.due_at), now, policy, sent):
        item = by_id[item_id]
        users = _recipients(session, item, step, tree)
        told = notify(session, users, _message(item, step))
        session.add(WorkflowReminder(item_id=item.id, step=step.key, due_at=item.due_at, sent_at=now, recipients=told))
        if step.kind == "escalate" and step.level > item.escalation_level:
            record(
                session,
                "system",
                f"{item.workflow}.escalate",
                AUDIT_ENTITY,
                f"{item.workflow}/{item.entity_key}",
                {"escalation_level": item.escalation_level},
                {"escalation_level": step.level},
                unit_id=item.unit_id,
            )
            item.escalation_level = step.level
        counts[step.kind] += 1
    session.flush()
    return dict(counts)


def _open_items_with_due_dates(session: Session) -> list[WorkflowItem]:
    open_states = [
        and_(WorkflowItem.workflow == w.name, WorkflowItem.state.not_in(sorted(w.terminal)))
        for w in registry.all_workflows()
    ]
    stmt = select(WorkflowItem).where(WorkflowItem.due_at.is_not(None), or_(false(), *open_states))
    return list(session.scalars(stmt.order_by(WorkflowItem.id)))


def _sent(session: Session, items: dict[int, WorkflowItem]) -> set[tuple[int, str]]:
    """(item, step) already told for the item's present due date."""
    if not items:
        return set()
    rows = session.scalars(select(WorkflowReminder).where(WorkflowReminder.item_id.in_(list(items))))
    return {
        (r.item_id, r.step)
        for r in rows
        if (due := items[r.item_id].due_at) is not None and as_utc(r.due_at) == as_utc(due)
    }


def _recipients(session: Session, item: WorkflowItem, step: Step, tree: dict[int, int | None]) -> set[int]:
    """Reminders and the overdue notice go to whom the workflow names (else whoever may act); an
    escalation to the main leader of the unit ``step.level - 1`` levels above the item's (first
    the item's own unit's), and to the approvers and administrators ``step.level`` levels above
    it (none above the root)."""
    if step.kind != "escalate":
        workflow = registry.get(item.workflow)
        return workflow.reminded(session, item) if workflow.reminded else next_actors(session, workflow, item)
    chain = repository.ancestors(session, item.unit_id, tree)
    if step.level > len(chain):
        return set()
    leaders = repository.main_leaders(session, chain[step.level - 1], date.today())
    return leaders | repository.holders(session, [APPROVE, ADMINISTER], chain[step.level :])


def _message(item: WorkflowItem, step: Step) -> Message:
    due = as_utc(item.due_at).date().isoformat() if item.due_at else ""
    if step.kind == "remind":
        zh, en = f"{item.title_zh}：将于 {due} 到期", f"{item.title_en}: due on {due}"
    elif step.kind == "overdue":
        zh, en = f"{item.title_zh}：已逾期（应于 {due} 完成）", f"{item.title_en}: overdue (due on {due})"
    else:
        zh = f"{item.title_zh}：逾期未办，已上报上{step.level}级（应于 {due} 完成）"
        en = f"{item.title_en}: overdue, escalated {step.level} level(s) up (due on {due})"
    return Message(kind=step.kind, title_zh=zh, title_en=en, link=item.link)
