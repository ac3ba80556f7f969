"""What the tasks API takes and returns."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from pacer.models import Unit, WorkflowItem
from pacer.models.followup import ProgressReport, Task
from pacer.tasks.service import TaskView
from pacer.tasks.validation import TEXT_LIMIT, TITLE_LIMIT, MilestonePlan, TaskPlan, overdue_days
from pacer.tasks.workflow import TASK
from pacer.workflow.schemas import EventOut


class MilestoneIn(BaseModel):
    title: str = Field(max_length=TITLE_LIMIT)
    due_on: date


class TaskIn(BaseModel):
    unit_code: str = Field(max_length=32, description="The lead unit.")
    title: str = Field(max_length=TITLE_LIMIT + 100)
    owner: str = Field(max_length=64, description="The username of the person responsible.")
    deadline: date
    assigned_on: date | None = Field(default=None, description="Default: today.")
    description: str = Field(default="", max_length=TEXT_LIMIT + 1)
    deliverables: str = Field(default="", max_length=TEXT_LIMIT + 1)
    co_units: list[str] = Field(default_factory=list, max_length=200)
    milestones: list[MilestoneIn] = Field(default_factory=list, max_length=100)
    kind: str = Field(default="requirement", max_length=16, description="requirement, gap or rectification")
    requirement_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    parent_id: int | None = Field(default=None, ge=1, le=2**31 - 1, description="A sub-task of this task.")
    indicator_code: str | None = Field(default=None, max_length=64)
    indicator_goal: str = Field(default="", max_length=200)
    source: str = Field(
        default="", max_length=200, description="Where it comes from: for a rectification, the inspection or audit."
    )
    department: str | None = Field(
        default=None, max_length=32, description="The supervising department's unit code (default: the issuer's)."
    )

    def plan(self) -> TaskPlan:
        return TaskPlan(
            unit_code=self.unit_code,
            title=self.title,
            owner=self.owner,
            deadline=self.deadline,
            assigned_on=self.assigned_on,
            description=self.description,
            deliverables=self.deliverables,
            co_unit_codes=tuple(self.co_units),
            milestones=tuple(MilestonePlan(m.title, m.due_on) for m in self.milestones),
            kind=self.kind,
            requirement_id=self.requirement_id,
            indicator_code=self.indicator_code or None,
            indicator_goal=self.indicator_goal,
            source=self.source,
            department_code=self.department or None,
        )


class VerbIn(BaseModel):
    reason: str | None = Field(default=None, max_length=2000)
    deadline: date | None = Field(default=None, description="The new deadline (extension, carry-over).")
    into: int | None = Field(default=None, ge=1, le=2**31 - 1, description="The task merged into.")


class ProgressIn(BaseModel):
    percent: int = Field(ge=0, le=100)
    narrative: str = Field(default="", max_length=TEXT_LIMIT)
    milestone_id: int | None = Field(default=None, ge=1, le=2**31 - 1, description="The milestone reached.")


class TaskSummaryOut(BaseModel):
    id: int
    kind: str
    title: str
    unit_code: str
    unit_name: str
    owner: str
    issuer: str
    state: str
    state_label: str
    assigned_on: date
    deadline: date
    original_deadline: date
    percent: int
    overdue_days: int = Field(description="Days past the original deadline (until closed, or today).")
    closed_on: date | None


class MilestoneOut(BaseModel):
    id: int
    position: int
    title: str
    due_on: date
    done_on: date | None


EVIDENCE_MAX = 10  # files with one progress report


class EvidenceOut(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int
    url: str = Field(description="Where its bytes are downloaded.")


class ProgressOut(BaseModel):
    id: int
    reported_by: str
    reported_at: datetime
    percent: int
    milestone_id: int | None
    narrative: str
    evidence: list[EvidenceOut] = Field(default_factory=list)


class TaskOut(TaskSummaryOut):
    description: str
    deliverables: str
    co_units: list[str]
    requirement_id: int | None
    parent_id: int | None
    successor_id: int | None
    requested_deadline: date | None
    indicator_code: str | None
    indicator_goal: str
    source: str
    department_code: str | None = Field(description="The supervising department's unit code.")
    department_name: str | None
    milestones: list[MilestoneOut]
    progress: list[ProgressOut]
    history: list[EventOut]
    children: list[TaskSummaryOut]
    verbs: list[str] = Field(description="What the viewer may do now.")


def summary_out(task: Task, unit: Unit, item: WorkflowItem, lang: str, today: date) -> TaskSummaryOut:
    return TaskSummaryOut(
        id=task.id,
        kind=task.kind,
        title=task.title,
        unit_code=unit.code,
        unit_name=unit.name(lang),
        owner=task.owner,
        issuer=task.issuer,
        state=item.state,
        state_label=TASK.state_label(item.state, lang),
        assigned_on=task.assigned_on,
        deadline=task.deadline,
        original_deadline=task.original_deadline,
        percent=task.percent,
        overdue_days=overdue_days(task.original_deadline, task.closed_on, today),
        closed_on=task.closed_on,
    )


def task_out(view: TaskView, lang: str, today: date) -> TaskOut:
    t = view.task
    return TaskOut(
        **summary_out(t, view.unit, view.item, lang, today).model_dump(),
        description=t.description,
        deliverables=t.deliverables,
        co_units=[u.code for u in view.co_units],
        requirement_id=t.requirement_id,
        parent_id=t.parent_id,
        successor_id=t.successor_id,
        requested_deadline=t.requested_deadline,
        indicator_code=view.indicator.code if view.indicator else None,
        indicator_goal=t.indicator_goal,
        source=t.source,
        department_code=view.department.code if view.department else None,
        department_name=view.department.name(lang) if view.department else None,
        milestones=[MilestoneOut.model_validate(m, from_attributes=True) for m in view.milestones],
        progress=[_progress_out(view, p) for p in view.progress],
        history=[EventOut.model_validate(e, from_attributes=True) for e in view.history],
        children=[summary_out(c, u, i, lang, today) for c, u, i in view.children],
        verbs=[v.verb for v in view.verbs],
    )


def _progress_out(view: TaskView, report: ProgressReport) -> ProgressOut:
    out = ProgressOut.model_validate(report, from_attributes=True)
    out.evidence = [
        EvidenceOut(
            id=f.id,
            filename=f.filename,
            content_type=f.content_type,
            size=f.size,
            url=f"/api/tasks/{view.task.id}/evidence/{f.id}",
        )
        for f in view.evidence.get(report.id, [])
    ]
    return out


class JudgedOut(BaseModel):
    period: str = Field(description="YYYY-MM")
    status: str | None = Field(description="on_track, watch, off_track, or null when not judged")


class RecoveryOut(BaseModel):
    """Did the task's indicator recover (see :mod:`pacer.tasks.recovery`)."""

    indicator_code: str
    before: JudgedOut | None = Field(description="The last month before the task was assigned.")
    at_close: JudgedOut | None = Field(description="The month the task was closed.")
    now: JudgedOut | None = Field(description="The latest month with figures.")
    verdict: str = Field(description="recovered, not_recovered, held, slipped, open or unjudged")
