"""A meeting's requirements and tasks in many states, relative to a day, for the board and the
bulletin (rows written directly: the states are what is read, the verbs are tested elsewhere)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from pacer.models import Unit, WorkflowItem
from pacer.models.followup import Meeting, Milestone, Requirement, Task
from tests.factories import create_unit, create_user


@dataclass
class Followup:
    meeting: Meeting
    r1: Requirement
    r2: Requirement
    tasks: dict[str, Task]


def add_task(
    session: Session,
    name: str,
    unit: Unit,
    state: str,
    *,
    today: date,
    original: int,
    deadline: int | None = None,
    assigned: int = -60,
    requirement: Requirement | None = None,
    kind: str = "requirement",
    owner: str = "alice",
    issuer: str = "sam",
    closed: int | None = None,
    department: Unit | None = None,
) -> Task:
    """A task whose days are counted from ``today`` (negative: before it)."""
    item = WorkflowItem(workflow="task", entity_key=f"board/{name}", unit_id=unit.id, state=state)
    session.add(item)
    session.flush()
    task = Task(
        workflow_item_id=item.id,
        kind=kind,
        requirement_id=requirement.id if requirement else None,
        unit_id=unit.id,
        title=name,
        owner=owner,
        issuer=issuer,
        department_id=department.id if department else None,
        assigned_on=today + timedelta(days=assigned),
        deadline=today + timedelta(days=original if deadline is None else deadline),
        original_deadline=today + timedelta(days=original),
        closed_on=None if closed is None else today + timedelta(days=closed),
        created_by=issuer,
    )
    session.add(task)
    session.flush()
    return task


def followup(session: Session, org, today: date) -> Followup:
    """Meeting M (at G) with requirements 1 and 2; tasks of A, A1, A2 and B1 issued by sam (HQ
    supervision) and one by hannah."""
    create_user(session, "sam", [("supervisor", org.G)])
    ops = create_unit(session, "OPS", org.G, kind="department", name_zh="运营管理部", name_en="Operations Department")
    meeting = Meeting(
        unit_id=org.G.id, kind="semiannual_conference", title="年中工作会", held_on=today - timedelta(days=70),
        created_by="sam",
    )  # fmt: skip
    session.add(meeting)
    session.flush()
    r1 = Requirement(meeting_id=meeting.id, position=1, number=1, issuer="董事长", text="压降两金", tags=[])
    r2 = Requirement(meeting_id=meeting.id, position=2, number=2, issuer="董事长", text="提升质量", tags=[])
    session.add_all([r1, r2])
    session.flush()
    t = {
        # extended to after today, but late against its original deadline
        "late": add_task(session, "两金压降方案", org.A1, "in_progress", today=today, original=-10, deadline=20,
                         requirement=r1, department=ops),
        "soon": add_task(session, "应收账款清收", org.A1, "accepted", today=today, original=5, requirement=r1,
                       department=ops),
        "done": add_task(session, "存货盘点", org.A2, "verified", today=today, original=-1, closed=-3,
                         requirement=r1, owner="amy", department=ops),
        "b1": add_task(session, "质量提升计划", org.B1, "assigned", today=today, original=40, requirement=r2,
                       owner="bob", department=ops),
        "gap": add_task(session, "利润缺口追赶", org.B1, "in_progress", today=today, original=-5, kind="gap",
                        owner="bob", issuer="hannah", department=org.G),
        "reported": add_task(session, "质量体系认证", org.A, "completion_reported", today=today, original=-2,
                             requirement=r2, owner="victor", department=ops),
        "cancelled": add_task(session, "巡视整改一", org.A1, "cancelled", today=today, original=-20,
                              kind="rectification", closed=-25),
    }  # fmt: skip
    late = t["late"]
    session.add_all(
        [
            Milestone(task_id=late.id, position=1, title="方案", due_on=today - timedelta(days=40),
                      done_on=today - timedelta(days=41)),
            Milestone(task_id=late.id, position=2, title="压降一半", due_on=today + timedelta(days=5)),
        ]
    )  # fmt: skip
    session.flush()
    return Followup(meeting, r1, r2, t)
