"""Tasks made, decomposed and read: a task from a requirement (or an off-track indicator, or an
inspection) with its lead unit, co-units, owner, deliverables, deadline and milestones; sub-tasks
for units below the lead unit. Every problem of a plan is named at once and nothing is stored.

The verbs and progress reports are in :mod:`pacer.tasks.lifecycle`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.auth.permissions import READ, REPORT, SUPERVISE, Actor, load_actor, restrict, visible_unit_ids
from pacer.errors import Forbidden, Problem, ValidationFailed
from pacer.models import Indicator, StoredFile, Unit, WorkflowEvent, WorkflowItem
from pacer.models.base import utcnow
from pacer.models.followup import Meeting, Milestone, ProgressReport, Requirement, Task, TaskCoUnit
from pacer.notifications.service import Message, notify
from pacer.org.repository import subtree_select
from pacer.tasks import repository
from pacer.tasks.validation import TaskPlan, overdue_days, plan_problems, say
from pacer.tasks.workflow import CLOSED, TASK, role_allows
from pacer.workflow import repository as workflow_repository
from pacer.workflow import service as workflow
from pacer.workflow.transitions import Transition


def due_at(deadline: date) -> datetime:
    """A deadline as the workflow's due moment: the end of that day."""
    return datetime.combine(deadline, time(23, 59), UTC)


@dataclass(frozen=True)
class Resolved:
    unit: Unit
    owner_id: int
    co_units: list[Unit]
    indicator: Indicator | None
    department: Unit | None


def _resolve(session: Session, actor: Actor, plan: TaskPlan, lang: str, problems: list[Problem]) -> Resolved | None:
    """The plan's codes and names as rows, each unknown one a problem; the lead unit must be one the
    actor supervises and the owner one who reports for it."""
    unit = repository.unit_by_code(session, actor, plan.unit_code)
    if unit is None:
        problems.append(Problem(say(lang, "unit_unknown", code=plan.unit_code), field="unit_code"))
    owner = repository.active_user(session, plan.owner)
    if owner is None:
        problems.append(Problem(say(lang, "owner_unknown", owner=plan.owner), field="owner"))
    elif unit is not None and not _reports_for(session, owner.username, unit.id):
        problems.append(Problem(say(lang, "owner_no_access", owner=plan.owner, code=unit.code), field="owner"))
    visible = visible_unit_ids(session, actor, READ)
    known = repository.units_by_code(session, plan.co_unit_codes)
    co_units = []
    for code in plan.co_unit_codes:
        found = known.get(code)
        if found is None or (visible is not None and found.id not in visible):
            problems.append(Problem(say(lang, "unit_unknown", code=code), field="co_units"))
        elif unit is not None and found.id == unit.id:
            problems.append(Problem(say(lang, "co_unit_is_lead", code=code), field="co_units"))
        elif found not in co_units:
            co_units.append(found)
    indicator = repository.indicator_by_code(session, plan.indicator_code) if plan.indicator_code else None
    if plan.indicator_code and indicator is None:
        problems.append(Problem(say(lang, "indicator_unknown", code=plan.indicator_code), field="indicator"))
    if plan.requirement_id is not None and not _sees_requirement(session, actor, plan.requirement_id):
        problems.append(Problem(f"no requirement #{plan.requirement_id}", field="requirement_id"))
    department = _department(session, actor, plan, lang, problems)
    if unit is None or owner is None:
        return None
    return Resolved(unit, owner.id, co_units, indicator, department)


def _department(session: Session, actor: Actor, plan: TaskPlan, lang: str, problems: list[Problem]) -> Unit | None:
    """The supervising department named (a unit the actor sees), else the issuer's: of the units
    where the actor supervises, a department (an HQ functional department) first, else the
    highest; else the unit holding the requirement's meeting."""
    if plan.department_code:
        found = repository.unit_by_code(session, actor, plan.department_code)
        if found is None:
            problems.append(Problem(say(lang, "unit_unknown", code=plan.department_code), field="department"))
        return found
    own = repository.supervising_units(session, actor)
    if own:
        return own[0]
    return repository.meeting_unit(session, plan.requirement_id) if plan.requirement_id else None


def _reports_for(session: Session, username: str, unit_id: int) -> bool:
    allowed = visible_unit_ids(session, load_actor(session, username), REPORT)
    return allowed is None or unit_id in allowed


def _sees_requirement(session: Session, actor: Actor, requirement_id: int) -> bool:
    stmt = select(Requirement.id).join(Meeting, Meeting.id == Requirement.meeting_id)
    stmt = restrict(stmt.where(Requirement.id == requirement_id), actor, Meeting.unit_id, READ)
    return session.scalar(stmt) is not None


def create(
    session: Session,
    actor: Actor,
    plan: TaskPlan,
    lang: str = "en",
    today: date | None = None,
    parent: Task | None = None,
    now: datetime | None = None,
) -> Task:
    """A new task, assigned to its owner (who is told), due at the end of its deadline; recorded
    as created ``now`` (default: the clock)."""
    assigned_on = plan.assigned_on or today or date.today()
    problems = plan_problems(plan, assigned_on, lang)
    resolved = _resolve(session, actor, plan, lang, problems)
    if parent is not None and resolved is not None:
        problems += _sub_task_problems(session, parent, resolved.unit, plan, lang)
    if resolved is not None and not problems:
        supervised = visible_unit_ids(session, actor, SUPERVISE)
        if supervised is not None and resolved.unit.id not in supervised:
            raise Forbidden(say(lang, "not_supervisor", code=resolved.unit.code))
    if problems or resolved is None:
        raise ValidationFailed(problems, "task")
    task = Task(
        kind=plan.kind,
        requirement_id=plan.requirement_id if parent is None else parent.requirement_id,
        parent_id=parent.id if parent else None,
        unit_id=resolved.unit.id,
        title=plan.title.strip(),
        description=plan.description,
        deliverables=plan.deliverables,
        owner=plan.owner,
        issuer=actor.username,
        department_id=_department_id(resolved, parent, plan),
        assigned_on=assigned_on,
        deadline=plan.deadline,
        original_deadline=plan.deadline,
        indicator_id=resolved.indicator.id if resolved.indicator else None,
        indicator_goal=plan.indicator_goal.strip(),
        source=plan.source,
        created_by=actor.username,
        created_at=now or utcnow(),
    )
    session.add(task)
    session.flush()
    session.add_all(TaskCoUnit(task_id=task.id, unit_id=u.id) for u in resolved.co_units)
    session.add_all(
        Milestone(task_id=task.id, position=n, title=m.title.strip(), due_on=m.due_on)
        for n, m in enumerate(plan.milestones, start=1)
    )
    start_workflow(session, actor, task, resolved.unit, now)
    notify(session, [resolved.owner_id], _assigned_message(task, resolved.unit))
    return task


def _department_id(resolved: Resolved, parent: Task | None, plan: TaskPlan) -> int | None:
    """A sub-task stays with its parent's department unless one was named for it."""
    if parent is not None and parent.department_id is not None and not plan.department_code:
        return parent.department_id
    return resolved.department.id if resolved.department else None


def start_workflow(session: Session, actor: Actor, task: Task, unit: Unit, now: datetime | None = None) -> None:
    title = (f"督办 #{task.id}：{task.title}", f"Task #{task.id}: {task.title}")
    item = workflow.start(
        session, TASK, str(task.id), unit.id, actor, title, f"/tasks/{task.id}", due_at(task.deadline), now
    )
    task.workflow_item_id = item.id
    session.flush()


def _assigned_message(task: Task, unit: Unit) -> Message:
    return Message(
        kind="task",
        title_zh=f"督办 #{task.id}：{task.title}（新交办）",
        title_en=f"Task #{task.id}: {task.title} (assigned to you)",
        body_zh=f"牵头单位：{unit.name_zh}；截止日期：{task.deadline}。请确认接收并制定推进计划。",
        body_en=f"Lead unit: {unit.name_en}; deadline {task.deadline}. Please accept it and confirm the plan.",
        link=f"/tasks/{task.id}",
    )


def _sub_task_problems(session: Session, parent: Task, unit: Unit, plan: TaskPlan, lang: str) -> list[Problem]:
    problems = []
    lead = session.get(Unit, parent.unit_id)
    below = set(session.scalars(subtree_select([parent.unit_id], date.today()))) - {parent.unit_id}
    if unit.id not in below:
        code = lead.code if lead else ""
        problems.append(Problem(say(lang, "not_below", code=unit.code, lead=code), field="unit_code"))
    if plan.deadline > parent.deadline:
        problems.append(
            Problem(
                say(lang, "deadline_after_parent", deadline=plan.deadline, parent=parent.deadline), field="deadline"
            )
        )
    return problems


def decompose(
    session: Session, actor: Actor, task_id: int, plans: list[TaskPlan], lang: str = "en", today: date | None = None
) -> list[Task]:
    """Sub-tasks of a task for units below its lead unit, each within the task's deadline; all
    or none (the first refused plan names its place)."""
    parent, _, item = repository.task(session, actor, task_id)
    if item.state in CLOSED:
        raise ValidationFailed([Problem(say(lang, "merge_closed", id=task_id), field="parent")], "task")
    made, savepoint = [], session.begin_nested()
    for n, plan in enumerate(plans, start=1):
        try:
            made.append(create(session, actor, plan, lang, today, parent))
        except ValidationFailed as exc:
            savepoint.rollback()
            raise ValidationFailed([Problem(p.message, n, p.field) for p in exc.problems], "sub-tasks") from None
        except BaseException:
            savepoint.rollback()
            raise
    savepoint.commit()
    return made


@dataclass(frozen=True)
class TaskView:
    """A task with what its page shows."""

    task: Task
    unit: Unit
    item: WorkflowItem
    co_units: list[Unit]
    milestones: list[Milestone]
    progress: list[ProgressReport]
    history: list[WorkflowEvent]
    verbs: list[Transition]
    children: list[tuple[Task, Unit, WorkflowItem]]
    indicator: Indicator | None
    overdue_days: int
    evidence: dict[int, list[StoredFile]]  # progress report id -> its files
    department: Unit | None = None  # the supervising department


def verbs_for(session: Session, actor: Actor, task: Task, item: WorkflowItem) -> list[Transition]:
    """The verbs the actor may take now: the state's, their grants', and their part (owner or not)."""
    return [
        t for t in workflow.verbs_for(session, TASK, item, actor) if role_allows(t.verb, actor.username, task.owner)
    ]


def get(session: Session, actor: Actor, task_id: int, today: date | None = None) -> TaskView:
    task, unit, item = repository.task(session, actor, task_id)
    progress = repository.progress(session, task.id)
    evidence: dict[int, list[StoredFile]] = {}
    for f in repository.files_of(session, actor, [f"progress:{p.id}" for p in progress]):
        evidence.setdefault(int(f.owner.split(":")[1]), []).append(f)
    return TaskView(
        task=task,
        unit=unit,
        item=item,
        co_units=repository.co_units(session, actor, task.id),
        milestones=repository.milestones(session, task.id),
        progress=progress,
        history=workflow_repository.history(session, item.id),
        verbs=verbs_for(session, actor, task, item),
        children=repository.children(session, actor, task.id),
        indicator=session.get(Indicator, task.indicator_id) if task.indicator_id else None,
        overdue_days=overdue_days(task.original_deadline, task.closed_on, today or date.today()),
        evidence=evidence,
        department=repository.seen_unit(session, actor, task.department_id) if task.department_id else None,
    )
