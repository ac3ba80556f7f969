"""A task's verbs and progress reports: the workflow's table and grants, the owner's part and the
supervising side's, and each verb's own checks and effects, in the caller's transaction.

An extension is asked for before the deadline; approved, it moves the deadline (and the
reminders) while the original deadline stays, and lateness counts against it. Reported complete,
a task waits for verification without deadline reminders; returned, they start again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from pacer.audit.service import record
from pacer.auth.permissions import REPORT, SYSTEM, Actor
from pacer.errors import Conflict, Forbidden, Problem, ValidationFailed
from pacer.files import service as files
from pacer.models import Unit, WorkflowItem
from pacer.models.base import utcnow
from pacer.models.followup import Milestone, ProgressReport, Task, TaskCoUnit
from pacer.notifications.service import Message, notify
from pacer.tasks import repository
from pacer.tasks.service import due_at, start_workflow
from pacer.tasks.validation import say
from pacer.tasks.workflow import CLOSED, IN_PROGRESS, NEEDS_DATE, NEEDS_TASK, OWNER_VERBS, TASK, role_allows
from pacer.workflow import repository as workflow_repository
from pacer.workflow import service as workflow

PROGRESS_STATES = frozenset({"accepted", IN_PROGRESS, "returned"})


def _refuse_role(task: Task, verb: str, actor: Actor, lang: str) -> None:
    if role_allows(verb, actor.username, task.owner):
        return
    if verb in OWNER_VERBS:
        raise Forbidden(say(lang, "not_owner", owner=task.owner))
    raise Forbidden(say(lang, "owner_signs_off", verb=TASK.verb_label(verb, lang)))


def act(
    session: Session,
    actor: Actor,
    task_id: int,
    verb: str,
    reason: str | None = None,
    lang: str = "en",
    new_deadline: date | None = None,
    into: int | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> Task:
    """Take ``verb`` on a task: refused, with nothing changed, when the state does not allow it, a
    reason or date is missing or wrong, the actor lacks the grant, or it is not their part.
    ``now`` (default: the clock) is when it is recorded as taken; ``today`` defaults to its date."""
    today = today or (now.date() if now else date.today())
    task, unit, item = repository.task(session, actor, task_id)
    transition = TASK.transition(item.state, verb, reason)
    _refuse_role(task, verb, actor, lang)
    if not workflow.may(session, actor, transition, item):
        raise Forbidden(f"not allowed to {verb} task #{task_id}")
    target = _check(session, actor, task, verb, lang, new_deadline, into, today)
    workflow.apply(session, TASK, item, verb, actor, reason, now=now, allowed=True)
    _effects(session, actor, task, unit, item, verb, new_deadline, target, today)
    session.flush()
    return task


def _check(
    session: Session,
    actor: Actor,
    task: Task,
    verb: str,
    lang: str,
    asked: date | None,
    into: int | None,
    today: date,
) -> Task | None:
    """The verb's own checks (before anything changes); the task merged into, for a merge."""
    if verb in NEEDS_DATE and asked is None:
        raise ValidationFailed([Problem(say(lang, "date_needed"), field="deadline")], f"task #{task.id}")
    if verb == "request_extension" and asked is not None:
        if today > task.deadline:
            raise ValidationFailed([Problem(say(lang, "extension_late", deadline=task.deadline), field="deadline")])
        if asked <= task.deadline:
            problem = say(lang, "extension_not_later", asked=asked, deadline=task.deadline)
            raise ValidationFailed([Problem(problem, field="deadline")], f"task #{task.id}")
    if verb == "carry_over" and asked is not None and asked.year <= max(task.deadline.year, today.year):
        year = max(task.deadline.year, today.year)
        raise ValidationFailed([Problem(say(lang, "carry_next_year", asked=asked, year=year), field="deadline")])
    if verb not in NEEDS_TASK:
        return None
    if into is None:
        raise ValidationFailed([Problem(say(lang, "merge_target"), field="into")], f"task #{task.id}")
    if into == task.id:
        raise ValidationFailed([Problem(say(lang, "merge_self"), field="into")], f"task #{task.id}")
    target, _, target_item = repository.task(session, actor, into)
    if target_item.state in CLOSED:
        raise ValidationFailed([Problem(say(lang, "merge_closed", id=into), field="into")], f"task #{task.id}")
    return target


def _effects(
    session: Session,
    actor: Actor,
    task: Task,
    unit: Unit,
    item: WorkflowItem,
    verb: str,
    asked: date | None,
    target: Task | None,
    today: date,
) -> None:
    if verb == "request_extension":
        task.requested_deadline = asked
    elif verb == "approve_extension" and task.requested_deadline is not None:
        task.deadline, task.requested_deadline = task.requested_deadline, None
        workflow.set_due(session, TASK, item, due_at(task.deadline), actor)
    elif verb == "refuse_extension":
        task.requested_deadline = None
    elif verb == "report_completion":
        workflow.set_due(session, TASK, item, None, actor)
    elif verb == "return":
        workflow.set_due(session, TASK, item, due_at(task.deadline), actor)
    if verb in ("verify", "cancel", "merge", "carry_over"):
        task.closed_on = today
    if verb == "verify":
        task.percent = 100
    if verb == "merge" and target is not None:
        task.successor_id = target.id
    if verb == "carry_over" and asked is not None:
        task.successor_id = _carry_over(session, actor, task, unit, asked, today).id


def _carry_over(session: Session, actor: Actor, task: Task, unit: Unit, deadline: date, today: date) -> Task:
    """The task's continuation next year: the same lead unit, owner, issuer and link to the
    numbers, assigned again, with the milestones not reached that fall before its new deadline."""
    after = Task(
        kind=task.kind,
        requirement_id=task.requirement_id,
        parent_id=task.parent_id,
        unit_id=task.unit_id,
        title=task.title,
        description=task.description,
        deliverables=task.deliverables,
        owner=task.owner,
        issuer=task.issuer,
        assigned_on=today,
        deadline=deadline,
        original_deadline=deadline,
        percent=task.percent,
        indicator_id=task.indicator_id,
        indicator_goal=task.indicator_goal,
        source=f"#{task.id}",
        created_by=actor.username,
    )
    session.add(after)
    session.flush()
    for co in repository.co_units(session, SYSTEM, task.id):
        session.add(TaskCoUnit(task_id=after.id, unit_id=co.id))
    open_steps = [m for m in repository.milestones(session, task.id) if m.done_on is None and today <= m.due_on]
    for n, m in enumerate(open_steps, start=1):
        session.add(Milestone(task_id=after.id, position=n, title=m.title, due_on=m.due_on))
    start_workflow(session, actor, after, unit)
    return after


def report_progress(
    session: Session,
    actor: Actor,
    task_id: int,
    percent: int,
    narrative: str = "",
    milestone_id: int | None = None,
    lang: str = "en",
    now: datetime | None = None,
    evidence: Sequence[tuple[str, bytes]] = (),
) -> ProgressReport:
    """The owner's report: how far (percent, never backwards; a milestone reached), what was
    done and its evidence (files, each checked by :mod:`pacer.files`: all stored or, with the
    report, none). A task accepted or returned is in progress from its first report."""
    savepoint = session.begin_nested()
    try:
        report = _report(session, actor, task_id, percent, narrative, milestone_id, lang, now or utcnow())
        for n, (filename, content) in enumerate(evidence, start=1):
            owner = evidence_owner(report.id)
            files.save(
                session, actor, owner=owner, unit_id=report.unit_id, action=REPORT, filename=filename,
                content=content, field=f"evidence[{n}]",
            )  # fmt: skip
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()
    return report.report


def evidence_owner(progress_id: int) -> str:
    """How a progress report's evidence files name their owner."""
    return f"progress:{progress_id}"


@dataclass(frozen=True)
class _Reported:
    report: ProgressReport
    unit_id: int

    @property
    def id(self) -> int:
        return self.report.id


def _report(
    session: Session,
    actor: Actor,
    task_id: int,
    percent: int,
    narrative: str,
    milestone_id: int | None,
    lang: str,
    now: datetime,
) -> _Reported:
    task, _, item = repository.task(session, actor, task_id)
    if actor.username != task.owner:
        raise Forbidden(say(lang, "not_owner", owner=task.owner))
    if item.state not in PROGRESS_STATES:
        raise Conflict(
            f"task #{task_id} is {TASK.state_label(item.state, lang)}: progress is reported while it is worked on"
        )
    milestone = _progress_problems(session, task, percent, narrative, milestone_id, lang)
    if item.state != IN_PROGRESS:
        workflow.apply(session, TASK, item, "start", actor, now=now)
    report = ProgressReport(
        task_id=task.id,
        reported_by=actor.username,
        reported_at=now,
        percent=percent,
        milestone_id=milestone.id if milestone else None,
        narrative=narrative.strip(),
    )
    session.add(report)
    before = {"percent": task.percent}
    task.percent = percent
    if milestone is not None and milestone.done_on is None:
        milestone.done_on = now.date()
    record(
        session,
        actor.username,
        "task.progress",
        "task",
        str(task.id),
        before,
        {"percent": percent},
        unit_id=task.unit_id,
    )
    issuer = workflow_repository.user_ids(session, [task.issuer])
    notify(session, issuer, _progress_message(task, percent, milestone))
    session.flush()
    return _Reported(report, task.unit_id)


def _progress_problems(
    session: Session, task: Task, percent: int, narrative: str, milestone_id: int | None, lang: str
) -> Milestone | None:
    problems = []
    if not 0 <= percent <= 100:
        problems.append(Problem(say(lang, "percent_range"), field="percent"))
    elif percent < task.percent:
        problems.append(Problem(say(lang, "percent_backwards", percent=percent, last=task.percent), field="percent"))
    milestone = session.get(Milestone, milestone_id) if milestone_id is not None else None
    if milestone_id is not None and (milestone is None or milestone.task_id != task.id):
        problems.append(Problem(say(lang, "milestone_unknown"), field="milestone"))
    if not narrative.strip() and milestone_id is None:
        problems.append(Problem(say(lang, "progress_empty"), field="narrative"))
    if problems:
        raise ValidationFailed(problems, f"task #{task.id}")
    return milestone


def _progress_message(task: Task, percent: int, milestone: Milestone | None) -> Message:
    step_zh = f"，完成节点「{milestone.title}」" if milestone else ""
    step_en = f", milestone '{milestone.title}' reached" if milestone else ""
    return Message(
        kind="task",
        title_zh=f"督办 #{task.id}：{task.title}：进度 {percent}%{step_zh}",
        title_en=f"Task #{task.id}: {task.title}: {percent} %{step_en}",
        link=f"/tasks/{task.id}",
    )
