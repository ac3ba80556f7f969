"""A task's plan is refused as a whole, every problem named by its field in the reader's
language, and nothing is stored; sub-tasks go to units below the lead unit."""

from datetime import date

import pytest
from sqlalchemy import func, select

from pacer.errors import Forbidden, ValidationFailed
from pacer.models import WorkflowItem
from pacer.models.followup import Milestone, Task
from pacer.tasks import service
from pacer.tasks.validation import MilestonePlan
from tests.factories import create_user
from tests.tasks.conftest import DEADLINE, TODAY, plan


def stored(session):
    return (
        session.scalar(select(func.count()).select_from(Task)),
        session.scalar(select(func.count()).select_from(Milestone)),
        session.scalar(select(func.count()).select_from(WorkflowItem).where(WorkflowItem.workflow == "task")),
    )


def refused(session, actor, lang="en", **changes):
    with pytest.raises(ValidationFailed) as caught:
        service.create(session, actor, plan(**changes), lang, TODAY)
    assert stored(session) == (0, 0, 0)
    return [(p.field, p.message) for p in caught.value.problems]


def test_dates_out_of_order_are_each_named(session, org, supervisor):
    problems = refused(
        session,
        supervisor,
        deadline=date(2026, 2, 1),
        milestones=(
            MilestonePlan("后", date(2026, 2, 20)),
            MilestonePlan("前", date(2026, 2, 10)),
            MilestonePlan("", date(2027, 1, 1)),
        ),
    )
    assert problems == [
        ("deadline", "the deadline 2026-02-01 is before the assignment date 2026-03-01"),
        ("milestones[1]", "milestone 1 is due on 2026-02-20, after the deadline 2026-02-01"),
        ("milestones[1]", "milestone 1 is due on 2026-02-20, before the assignment date 2026-03-01"),
        ("milestones[2]", "milestone 2 is due on 2026-02-10, after the deadline 2026-02-01"),
        ("milestones[2]", "milestone 2 is due on 2026-02-10, before the assignment date 2026-03-01"),
        ("milestones[3]", "milestone 3 has no title"),
        ("milestones[3]", "milestone 3 is due on 2027-01-01, after the deadline 2026-02-01"),
    ]


def test_milestones_out_of_order_and_after_the_deadline_in_chinese(session, org, supervisor):
    problems = refused(
        session,
        supervisor,
        "zh",
        milestones=(
            MilestonePlan("二", date(2026, 5, 1)),
            MilestonePlan("一", date(2026, 4, 1)),
            MilestonePlan("三", date(2026, 7, 1)),
        ),
    )
    assert problems == [
        ("milestones[2]", "第 2 个节点的日期 2026-04-01 早于上一个节点"),
        ("milestones[3]", "第 3 个节点的日期 2026-07-01 晚于截止日期 2026-06-30"),
    ]


def test_the_owner_must_report_for_the_lead_unit(session, org, supervisor):
    assert refused(session, supervisor, owner="bob") == [("owner", "the owner bob may not report for unit A1")]
    assert refused(session, supervisor, "zh", owner="nobody") == [("owner", "没有在用的用户“nobody”")]


def test_unknown_units_and_indicators_are_named(session, org, supervisor):
    problems = refused(session, supervisor, unit_code="ZZ", co_unit_codes=("A1", "QQ"), indicator_code="no_such")
    assert problems == [
        ("unit_code", "no unit 'ZZ'"),
        ("co_units", "no unit 'QQ'"),
        ("indicator", "no indicator 'no_such'"),
    ]
    assert refused(session, supervisor, co_unit_codes=("A1",)) == [("co_units", "the co-unit A1 is the lead unit")]


def test_only_who_supervises_the_lead_unit_assigns_it_a_task(session, org):
    b_supervisor = create_user(session, "bea", [("supervisor", org.B)])
    with pytest.raises(ValidationFailed, match="no unit 'A1'"):  # A1 is out of sight: not named
        service.create(session, b_supervisor, plan(), today=TODAY)
    with pytest.raises(Forbidden, match="may not supervise unit A1"):
        service.create(session, org.academy_viewer, plan(), today=TODAY)
    assert stored(session) == (0, 0, 0)


def test_a_task_decomposes_to_units_below_its_lead_unit_within_its_deadline(session, org, supervisor):
    create_user(session, "aaron", [("unit_reporter", org.A)])
    create_user(session, "ada", [("unit_reporter", org.A2)])
    parent = service.create(session, supervisor, plan(unit_code="A", owner="aaron"), today=TODAY)
    subs = service.decompose(
        session,
        supervisor,
        parent.id,
        [plan(title="A1 两金", milestones=()), plan(unit_code="A2", owner="ada", title="A2 两金", milestones=())],
        today=TODAY,
    )
    assert [(t.parent_id, t.unit_id) for t in subs] == [(parent.id, org.A1.id), (parent.id, org.A2.id)]
    assert [t.title for t, _, _ in service.get(session, supervisor, parent.id).children] == ["A1 两金", "A2 两金"]
    with pytest.raises(ValidationFailed) as caught:
        service.decompose(
            session,
            supervisor,
            parent.id,
            [plan(milestones=()), plan(unit_code="B1", owner="bob", deadline=date(2026, 7, 31), milestones=())],
            today=TODAY,
        )
    assert [(p.row, p.field) for p in caught.value.problems] == [(2, "unit_code"), (2, "deadline")]
    assert "unit B1 is not below the lead unit A" in str(caught.value)
    assert session.scalar(select(func.count()).select_from(Task).where(Task.parent_id == parent.id)) == 2


def test_a_deadline_on_the_assignment_day_is_accepted(session, org, supervisor):
    task = service.create(session, supervisor, plan(deadline=TODAY, milestones=()), today=TODAY)
    assert (task.assigned_on, task.deadline, task.original_deadline) == (TODAY, TODAY, TODAY)
    assert session.get(WorkflowItem, task.workflow_item_id).due_at.date() == TODAY
    assert DEADLINE > TODAY
