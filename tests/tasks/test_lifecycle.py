"""A task's life on the shared workflow: every verb allowed to its side and refused to the
other, the owner never signing off their own task, extensions, closing paths."""

from datetime import date

import pytest
from sqlalchemy import func, select

from pacer.errors import Conflict, Forbidden, NotFound, ValidationFailed
from pacer.models import Notification, WorkflowItem
from pacer.models.followup import Milestone, Task
from pacer.tasks import lifecycle, service
from pacer.tasks.workflow import TASK
from pacer.workflow.transitions import InvalidTransition, ReasonRequired
from tests.factories import create_user
from tests.tasks.conftest import DEADLINE, TODAY

LATER = date(2026, 8, 31)


def state(session, task):
    return session.scalar(select(WorkflowItem.state).where(WorkflowItem.id == task.workflow_item_id))


def bring(session, task, target, owner, supervisor):
    """Take the task along the usual path to ``target``."""
    path = {
        "assigned": [],
        "accepted": [("accept", owner)],
        "in_progress": [("accept", owner), ("start", owner)],
        "completion_reported": [("accept", owner), ("start", owner), ("report_completion", owner)],
        "returned": [("accept", owner), ("start", owner), ("report_completion", owner), ("return", supervisor)],
        "extension_requested": [("accept", owner), ("request_extension", owner)],
    }[target]
    for verb, actor in path:
        lifecycle.act(session, actor, task.id, verb, "because", new_deadline=LATER, today=TODAY)
    assert state(session, task) == target


def test_a_task_from_assignment_to_sign_off(session, org, supervisor, owner, task):
    assert state(session, task) == "assigned"
    told = session.scalars(select(Notification.title_en).where(Notification.user_id == owner.user_id)).all()
    assert told == [f"Task #{task.id}: 两金压降 10% (assigned to you)"]
    lifecycle.act(session, owner, task.id, "accept")
    first = service.get(session, owner, task.id).milestones[0]
    lifecycle.report_progress(session, owner, task.id, 30, "方案已印发", first.id)
    assert state(session, task) == "in_progress"
    assert session.get(Milestone, first.id).done_on is not None
    lifecycle.report_progress(session, owner, task.id, 90, "压降 8%")
    lifecycle.act(session, owner, task.id, "report_completion")
    lifecycle.act(session, supervisor, task.id, "verify", today=date(2026, 6, 20))
    view = service.get(session, supervisor, task.id, today=date(2026, 7, 10))
    assert view.item.state == "verified"
    assert (view.task.closed_on, view.task.percent, view.overdue_days) == (date(2026, 6, 20), 100, 0)
    assert [e.verb for e in view.history] == ["create", "accept", "start", "report_completion", "verify"]
    assert [p.percent for p in view.progress] == [90, 30]
    assert [u.code for u in view.co_units] == ["A2"]
    assert view.verbs == []


# (verb, state it is taken from, side allowed to take it)
TABLE = [
    ("accept", "assigned", "owner"),
    ("start", "accepted", "owner"),
    ("start", "returned", "owner"),
    ("report_completion", "in_progress", "owner"),
    ("report_completion", "returned", "owner"),
    ("request_extension", "in_progress", "owner"),
    ("verify", "completion_reported", "supervisor"),
    ("return", "completion_reported", "supervisor"),
    ("approve_extension", "extension_requested", "supervisor"),
    ("refuse_extension", "extension_requested", "supervisor"),
    ("cancel", "in_progress", "supervisor"),
    ("carry_over", "accepted", "supervisor"),
]


@pytest.mark.parametrize(("verb", "start", "side"), TABLE)
def test_each_verb_is_taken_by_its_side_and_refused_to_everyone_else(
    session, org, supervisor, owner, task, verb, start, side
):
    bring(session, task, start, owner, supervisor)
    # a reporter of the unit who is not the owner takes none of the owner's verbs
    colleague = create_user(session, "carl", [("unit_reporter", org.A1)])
    outsiders = [org.other_reporter, org.academy_viewer, org.outsider, colleague]
    refused = [*outsiders, supervisor if side == "owner" else owner]
    for actor in refused:
        with pytest.raises((Forbidden, NotFound)):
            lifecycle.act(session, actor, task.id, verb, "because", new_deadline=date(2027, 3, 31), today=TODAY)
        assert state(session, task) == start
    allowed = owner if side == "owner" else supervisor
    assert verb in [t.verb for t in service.get(session, allowed, task.id).verbs]
    lifecycle.act(session, allowed, task.id, verb, "because", new_deadline=date(2027, 3, 31), today=TODAY)
    assert state(session, task) == TASK.verb(verb).target


def test_an_owner_who_also_supervises_never_signs_off_their_own_task(session, org, supervisor):
    both = create_user(session, "sue", [("unit_reporter", org.A1), ("supervisor", org.A1)])
    from tests.tasks.conftest import plan

    task = service.create(session, supervisor, plan(owner="sue"), today=TODAY)
    for verb in ("accept", "start", "report_completion"):
        lifecycle.act(session, both, task.id, verb)
    assert [t.verb for t in service.get(session, both, task.id).verbs] == []
    with pytest.raises(Forbidden, match="owner of a task may not Verify"):
        lifecycle.act(session, both, task.id, "verify")
    with pytest.raises(Forbidden, match="责任人不能对自己的事项执行「验收销号」"):
        lifecycle.act(session, both, task.id, "verify", lang="zh")
    assert state(session, task) == "completion_reported"
    lifecycle.act(session, supervisor, task.id, "verify")
    assert state(session, task) == "verified"


def test_a_return_needs_reasons_and_sends_the_task_back_to_work(session, org, supervisor, owner, task):
    bring(session, task, "completion_reported", owner, supervisor)
    with pytest.raises(ReasonRequired):
        lifecycle.act(session, supervisor, task.id, "return", "  ")
    lifecycle.act(session, supervisor, task.id, "return", "台账不全")
    back = session.scalars(select(Notification).where(Notification.user_id == owner.user_id)).all()
    assert any("台账不全" in n.body_zh for n in back)
    lifecycle.report_progress(session, owner, task.id, 95, "补齐台账")
    assert state(session, task) == "in_progress"
    with pytest.raises(InvalidTransition):
        lifecycle.act(session, supervisor, task.id, "verify")


def test_an_approved_extension_moves_the_deadline_and_lateness_counts_against_the_original(
    session, org, supervisor, owner, task
):
    bring(session, task, "in_progress", owner, supervisor)
    lifecycle.act(session, owner, task.id, "request_extension", "等待审批", new_deadline=LATER, today=DEADLINE)
    assert task.requested_deadline == LATER
    lifecycle.act(session, supervisor, task.id, "approve_extension")
    item = session.get(WorkflowItem, task.workflow_item_id)
    assert (task.deadline, task.original_deadline, task.requested_deadline) == (LATER, DEADLINE, None)
    assert (item.due_at.date(), item.state) == (LATER, "in_progress")
    assert service.get(session, owner, task.id, today=date(2026, 7, 10)).overdue_days == 10


def test_an_extension_is_asked_for_before_the_deadline_for_a_later_date(session, org, supervisor, owner, task):
    bring(session, task, "in_progress", owner, supervisor)
    with pytest.raises(ValidationFailed, match="has passed"):
        lifecycle.act(session, owner, task.id, "request_extension", "晚了", new_deadline=LATER, today=date(2026, 7, 1))
    with pytest.raises(ValidationFailed, match="must be after the present deadline"):
        lifecycle.act(session, owner, task.id, "request_extension", "x", new_deadline=DEADLINE, today=TODAY)
    with pytest.raises(ValidationFailed, match="请填写新的截止日期"):
        lifecycle.act(session, owner, task.id, "request_extension", "x", lang="zh", today=TODAY)
    assert (state(session, task), task.requested_deadline) == ("in_progress", None)


def test_a_refused_extension_keeps_the_deadline(session, org, supervisor, owner, task):
    bring(session, task, "extension_requested", owner, supervisor)
    lifecycle.act(session, supervisor, task.id, "refuse_extension", "不具备延期条件")
    assert (state(session, task), task.deadline, task.requested_deadline) == ("in_progress", DEADLINE, None)


def test_a_merged_task_names_the_task_it_went_into(session, org, supervisor, owner, task):
    from tests.tasks.conftest import plan

    other = service.create(session, supervisor, plan(title="两金专项"), today=TODAY)
    with pytest.raises(Forbidden, match="owner of a task may not Merge"):
        lifecycle.act(session, owner, task.id, "merge", "重复", into=other.id)
    with pytest.raises(ValidationFailed, match="itself"):
        lifecycle.act(session, supervisor, task.id, "merge", "重复", into=task.id)
    with pytest.raises(ValidationFailed, match="choose the task"):
        lifecycle.act(session, supervisor, task.id, "merge", "重复")
    lifecycle.act(session, supervisor, task.id, "merge", "与专项重复", into=other.id, today=TODAY)
    assert (state(session, task), task.successor_id, task.closed_on) == ("merged", other.id, TODAY)
    with pytest.raises(ValidationFailed, match="closed"):
        lifecycle.act(session, supervisor, other.id, "merge", "x", into=task.id)


def test_a_task_carried_over_continues_next_year_assigned_again(session, org, supervisor, owner, task):
    bring(session, task, "in_progress", owner, supervisor)
    with pytest.raises(ValidationFailed, match="in a year after 2026"):
        lifecycle.act(session, supervisor, task.id, "carry_over", "跨年", new_deadline=LATER, today=TODAY)
    lifecycle.act(session, supervisor, task.id, "carry_over", "跨年实施", new_deadline=date(2027, 6, 30), today=TODAY)
    after = session.get(Task, task.successor_id)
    assert state(session, task) == "carried_over"
    assert (after.title, after.owner, after.issuer, after.deadline, after.source) == (
        task.title,
        "alice",
        "sam",
        date(2027, 6, 30),
        f"#{task.id}",
    )
    assert state(session, after) == "assigned"
    assert [m.title for m in service.get(session, owner, after.id).milestones] == ["方案", "压降 5%"]


def test_progress_is_the_owners_never_backwards_and_names_what_is_wrong(session, org, supervisor, owner, task):
    with pytest.raises(Conflict, match="progress is reported while it is worked on"):
        lifecycle.report_progress(session, owner, task.id, 10, "x")
    lifecycle.act(session, owner, task.id, "accept")
    with pytest.raises(Forbidden, match="only the owner alice"):
        lifecycle.report_progress(session, supervisor, task.id, 10, "x")
    lifecycle.report_progress(session, owner, task.id, 40, "过半")
    with pytest.raises(ValidationFailed) as refused:
        lifecycle.report_progress(session, owner, task.id, 20, "", 999_999, lang="zh")
    assert [p.field for p in refused.value.problems] == ["percent", "milestone"]
    assert "进度 20% 低于上次报告的 40%" in str(refused.value)
    assert task.percent == 40


def test_tasks_of_a_unit_are_seen_only_within_its_subtree(session, org, supervisor, owner, task):
    for actor in (org.other_reporter, org.outsider):
        with pytest.raises(NotFound):
            service.get(session, actor, task.id)
        with pytest.raises(NotFound):
            lifecycle.act(session, actor, task.id, "accept")
    assert service.get(session, org.academy_viewer, task.id).task.id == task.id
    assert session.scalar(select(func.count()).select_from(Task)) == 1
