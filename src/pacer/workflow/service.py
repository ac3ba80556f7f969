"""Move a record through its workflow: check the verb against the table and the actor's
permission on the record's unit (the one visibility rule), change the state, write the history
and the audit trail, and tell the people concerned, all in the caller's transaction.

Features never write a state themselves: they call :func:`start` when their record is made and
:func:`apply` for every verb, around their own work of that verb (validation before, effects
after) in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from pacer.audit.service import record
from pacer.auth.permissions import Actor
from pacer.errors import Conflict, Forbidden
from pacer.models import User, WorkflowEvent, WorkflowItem
from pacer.models.base import utcnow
from pacer.notifications.service import Message, notify
from pacer.workflow import repository
from pacer.workflow.transitions import Transition, Workflow

AUDIT_ENTITY = "workflow_item"


def start(
    session: Session,
    workflow: Workflow,
    entity_key: str,
    unit_id: int,
    actor: Actor,
    title: tuple[str, str],
    link: str = "",
    due_at: datetime | None = None,
    now: datetime | None = None,
) -> WorkflowItem:
    """A new item in the workflow's initial state. The feature has checked that ``actor`` may
    create its record; ``title`` (中文, English) and ``link`` are what inboxes and queues show."""
    now = now or utcnow()
    item = WorkflowItem(
        workflow=workflow.name,
        entity_key=entity_key,
        unit_id=unit_id,
        state=workflow.initial,
        title_zh=title[0],
        title_en=title[1],
        link=link,
        due_at=due_at,
        created_by=actor.username,
        created_at=now,
        updated_at=now,
    )
    session.add(item)
    session.flush()
    _history(session, item, "create", None, actor, now, "")
    record(
        session,
        actor.username,
        f"{workflow.name}.create",
        AUDIT_ENTITY,
        _key(item),
        None,
        _state(item),
        unit_id=item.unit_id,
    )
    return item


def may(session: Session, actor: Actor, transition: Transition, item: WorkflowItem) -> bool:
    """Whether ``actor`` holds the verb's action on the unit it is checked on."""
    if actor.is_system:
        return True
    unit = repository.unit_for(session, transition, item.unit_id)
    return unit is not None and repository.may(session, actor, transition.action, unit)


def verbs_for(session: Session, workflow: Workflow, item: WorkflowItem, actor: Actor) -> list[Transition]:
    """The verbs the item's state allows and the actor may take, in the table's order (each
    action on each unit asked once: a state's verbs often share them)."""
    asked: dict[tuple[str, str], bool] = {}
    out = []
    for t in workflow.verbs_from(item.state):
        key = (t.action, t.on)
        if key not in asked:
            asked[key] = may(session, actor, t, item)
        if asked[key]:
            out.append(t)
    return out


def apply(
    session: Session,
    workflow: Workflow,
    item: WorkflowItem,
    verb: str,
    actor: Actor,
    reason: str | None = None,
    now: datetime | None = None,
    *,
    allowed: bool = False,
) -> WorkflowItem:
    """Take ``verb`` on ``item`` as ``actor``: refused (nothing changed) when the state does not
    allow it, a required reason is missing, or the actor lacks its action on the unit
    (``allowed``: the caller has just asked :func:`may` of this verb in this transaction)."""
    transition = workflow.transition(item.state, verb, reason)
    if not allowed and not may(session, actor, transition, item):
        raise Forbidden(f"not allowed to {verb} this {workflow.name} item")
    now, reason = now or utcnow(), (reason or "").strip()
    before = _state(item)
    _move(session, item, transition.target, now)
    _history(session, item, verb, before["state"], actor, now, reason)
    record(
        session,
        actor.username,
        f"{workflow.name}.{verb}",
        AUDIT_ENTITY,
        _key(item),
        before,
        _state(item),
        reason,
        unit_id=item.unit_id,
    )
    _tell_concerned(session, workflow, item, transition, actor, reason)
    session.flush()
    return item


def _move(session: Session, item: WorkflowItem, target: str, now: datetime) -> None:
    """Change the state only if nobody changed it since it was read: of two people taking a verb
    at once, the second gets a conflict instead of acting on a state that is gone."""
    moved = session.execute(
        update(WorkflowItem)
        .where(WorkflowItem.id == item.id, WorkflowItem.state == item.state)
        .values(state=target, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(moved, "rowcount", 0) != 1:
        raise Conflict(f"{item.workflow} item {item.id} changed meanwhile; reload it and try again")
    item.state, item.updated_at = target, now


def set_due(session: Session, workflow: Workflow, item: WorkflowItem, due_at: datetime | None, actor: Actor) -> None:
    """A new due date (an extension): its reminders start again; audited."""
    before = {"due_at": item.due_at.isoformat() if item.due_at else None}
    item.due_at, item.escalation_level = due_at, 0
    after = {"due_at": due_at.isoformat() if due_at else None}
    record(
        session, actor.username, f"{workflow.name}.due", AUDIT_ENTITY, _key(item), before, after, unit_id=item.unit_id
    )
    session.flush()


def next_actors(session: Session, workflow: Workflow, item: WorkflowItem) -> set[int]:
    """Users who may take a verb of the item's state (who its reminders go to)."""
    awaited = [t for t in workflow.verbs_from(item.state) if t.awaits]
    if not awaited:
        return set()
    chain = repository.ancestors(session, item.unit_id)
    return repository.holders_of(session, [([t.action], chain if t.on == "unit" else chain[1:]) for t in awaited])


def _tell_concerned(
    session: Session, workflow: Workflow, item: WorkflowItem, transition: Transition, actor: Actor, reason: str
) -> None:
    """Whoever may act next, and whoever acted on the item before, but not the actor."""
    users = next_actors(session, workflow, item) | repository.actors_of(session, item.id)
    users.discard(actor.user_id or -1)
    zh_state, en_state = workflow.state_label(item.state, "zh"), workflow.state_label(item.state, "en")
    zh_verb, en_verb = workflow.verb_label(transition.verb, "zh"), workflow.verb_label(transition.verb, "en")
    user = session.get(User, actor.user_id) if actor.user_id else None
    who = user.display_name if user else actor.username
    who_zh = "系统" if actor.is_system else who
    message = Message(
        kind="workflow",
        title_zh=f"{item.title_zh}：{zh_state}",
        title_en=f"{item.title_en}: {en_state}",
        body_zh=f"{who_zh} 执行了「{zh_verb}」。" + (f"原因：{reason}" if reason else ""),
        body_en=f"{who}: {en_verb}." + (f" Reason: {reason}" if reason else ""),
        link=item.link,
    )
    notify(session, users, message)


def _history(
    session: Session, item: WorkflowItem, verb: str, before: str | None, actor: Actor, now: datetime, reason: str
) -> None:
    session.add(
        WorkflowEvent(
            item_id=item.id,
            workflow=item.workflow,
            entity_key=item.entity_key,
            verb=verb,
            from_state=before,
            to_state=item.state,
            actor=actor.username,
            at=now,
            reason=reason,
        )
    )


def _key(item: WorkflowItem) -> str:
    return f"{item.workflow}/{item.entity_key}"


def _state(item: WorkflowItem) -> dict[str, str]:
    return {"state": item.state}
