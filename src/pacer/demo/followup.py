"""The demo's meetings, requirements and tasks (``meetings.yaml``), each task walked to its state
through the task workflow, at the dates it would have happened, so that the supervision views,
the inboxes and the history read as a group's real follow-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.auth.permissions import Actor, load_actor
from pacer.demo.records import DemoGroup
from pacer.models import Unit
from pacer.models.followup import AgendaItem, Meeting, MeetingAttendance, Requirement, Task
from pacer.tasks import lifecycle
from pacer.tasks import service as tasks
from pacer.tasks.validation import MilestonePlan, TaskPlan

MEETINGS = Path(__file__).with_name("meetings.yaml")
ISSUER = "zhanglei"  # the demo's supervisor: assigns and verifies every task
# a task's owner: the demo account that reports for its lead unit
OWNER_ROLE = "unit_reporter"
# the verbs that take a task from assigned to each state, and who takes them
WALKS: dict[str, tuple[str, ...]] = {
    "assigned": (),
    "accepted": ("accept",),
    "in_progress": ("accept", "progress"),
    "completion_reported": ("accept", "progress", "report_completion"),
    "verified": ("accept", "progress", "report_completion", "verify"),
    "returned": ("accept", "progress", "report_completion", "return"),
    "cancelled": ("cancel",),
}


@dataclass(frozen=True)
class Moment:
    """Turns the file's dates (a date, ``current-MM-DD``, ``+N`` days) into dates."""

    year: int  # the demo's current year
    today: date

    def day(self, value: object, after: date | None = None) -> date:
        if isinstance(value, date):
            return value
        if isinstance(value, int) and after is not None:  # YAML reads ``+70`` as 70
            return after + timedelta(days=value)
        text = str(value)
        if text.startswith("current-"):
            month, day = text.removeprefix("current-").split("-")
            return date(self.year, int(month), int(day))
        if text.startswith("+") and after is not None:
            return after + timedelta(days=int(text[1:]))
        return date.fromisoformat(text)


def load_followup(session: Session, group: DemoGroup, path: Path = MEETINGS) -> int:
    """Store the file's meetings and tasks for the units present; returns the number of tasks."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    year, month = group.as_of
    today = min(date.today(), _month_end(year, month) + timedelta(days=8))
    moment = Moment(year, today)
    units = {u.code: u for u in session.scalars(select(Unit))}
    owners = {u.unit_code: u.username for u in group.users if u.role == OWNER_ROLE}
    issuer = load_actor(session, ISSUER)
    count = 0
    for spec in raw["meetings"]:
        held = moment.day(spec["held"])
        if held > today or "G" not in units:
            continue
        meeting = _meeting(session, spec, held, units["G"], units)
        for position, req in enumerate(spec["requirements"], start=1):
            requirement = _requirement(session, meeting, position, req, spec["requirements"])
            for task_spec in req.get("tasks", []):
                lead, owner = units.get(task_spec["lead"]), owners.get(task_spec["lead"])
                if lead is None or owner is None:
                    continue
                _task(session, issuer, requirement, held, task_spec, lead, owner, moment)
                count += 1
    session.flush()
    return count


def _meeting(session: Session, spec: dict[str, Any], held: date, root: Unit, units: dict[str, Unit]) -> Meeting:
    meeting = Meeting(
        unit_id=root.id,
        kind=spec["kind"],
        title=spec["title"],
        held_on=held,
        place=spec.get("place", ""),
        mode=spec.get("mode", "on_site"),
        chair=spec.get("chair", ""),
        created_by=ISSUER,
        created_at=_at(held),
    )
    session.add(meeting)
    session.flush()
    session.add_all(
        AgendaItem(meeting_id=meeting.id, position=n, kind=a["kind"], speaker=a["speaker"], title=a["title"])
        for n, a in enumerate(spec.get("agenda", []), start=1)
    )
    session.add_all(
        MeetingAttendance(meeting_id=meeting.id, role="reporting", unit_id=units[code].id)
        for code in spec.get("reporting", [])
        if code in units
    )
    return meeting


def _requirement(
    session: Session, meeting: Meeting, position: int, req: dict[str, Any], all_reqs: list[dict[str, Any]]
) -> Requirement:
    number = sum(1 for r in all_reqs[:position] if r["issuer"] == req["issuer"])
    requirement = Requirement(
        meeting_id=meeting.id,
        position=position,
        number=number,
        issuer=req["issuer"],
        text=req["text"],
        tags=req["tags"],
    )
    session.add(requirement)
    session.flush()
    return requirement


def _task(
    session: Session,
    issuer: Actor,
    requirement: Requirement,
    held: date,
    spec: dict[str, Any],
    lead: Unit,
    owner: str,
    moment: Moment,
) -> Task:
    assigned = held + timedelta(days=3)
    deadline = moment.day(spec["deadline"], after=held)
    middle = assigned + (deadline - assigned) / 2
    plan = TaskPlan(
        unit_code=lead.code,
        title=spec["title"],
        owner=owner,
        deadline=deadline,
        assigned_on=assigned,
        description=requirement.text,
        deliverables=spec.get("deliverables", "工作方案、进展报告和完成情况报告"),
        milestones=(MilestonePlan("制定工作方案", assigned + timedelta(days=10)), MilestonePlan("中期检查", middle)),
        requirement_id=requirement.id,
        indicator_code=spec.get("indicator"),
        indicator_goal=spec.get("goal", ""),
    )
    task = tasks.create(session, issuer, plan, lang="zh", now=_at(assigned))
    _walk(session, issuer, load_actor(session, owner), task, spec, assigned, deadline, moment.today)
    return task


def _walk(
    session: Session, issuer: Actor, owner: Actor, task: Task, spec: dict[str, Any], start: date, end: date, today: date
) -> None:
    """Take the task through the verbs that lead to its state, spread over its life so far: a
    verified task closes a few days before its deadline, or ``late`` days after it; ``extend``
    adds an extension asked for and granted on the way."""
    steps = list(WALKS[spec["state"]])
    if "extend" in spec:
        steps[2:2] = ["request_extension", "approve_extension"]
    last = {
        "verified": end + timedelta(days=int(spec.get("late", -5))),
        "cancelled": start + timedelta(days=40),
    }.get(spec["state"], min(end, today - timedelta(days=1)))
    gap = max((last - start).days, len(steps)) / max(len(steps), 1)
    for n, verb in enumerate(steps, start=1):
        when = _at(start + timedelta(days=round(gap * n)))
        if verb == "progress":
            done = spec["state"] in ("completion_reported", "verified", "returned")
            percent = 100 if done else spec.get("percent", 50)
            lifecycle.report_progress(
                session, owner, task.id, percent, "按计划推进，阶段成果已提交。", lang="zh", now=when
            )
        elif verb == "request_extension":
            moved = end + timedelta(days=int(spec["extend"]))
            lifecycle.act(session, owner, task.id, verb, "外部配套延迟，需顺延", "zh", new_deadline=moved, now=when)
        elif verb in ("accept", "report_completion"):
            lifecycle.act(session, owner, task.id, verb, lang="zh", now=when)
        else:
            reason = spec.get("reason") if verb in ("return", "cancel") else None
            lifecycle.act(session, issuer, task.id, verb, reason=reason, lang="zh", now=when)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9, 30), tzinfo=UTC)


def _month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
