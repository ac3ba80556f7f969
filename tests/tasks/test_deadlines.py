"""A task's deadline under a controllable clock: reminders before it and on it, the overdue notice
after it, escalation to the lead unit's main leader and then up the tree, each once; the list
puts late tasks first, counting from the original deadline."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from pacer.models import Notification, Person, UnitLeader, User
from pacer.tasks import lifecycle, repository, service
from pacer.tasks.repository import TaskFilter
from pacer.workflow.deadlines import Policy
from pacer.workflow.due import run_due
from tests.factories import create_user
from tests.tasks.conftest import DEADLINE, TODAY, plan

POLICY = Policy((3, 1), 2)


def at(day: date, hour: int = 8) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def main_leader(session, unit, username):
    person = Person(name_zh=username, name_en=username)
    session.add(person)
    session.flush()
    session.add(UnitLeader(unit_id=unit.id, person_id=person.id, role="main_leader"))
    actor = create_user(session, username)
    session.get(User, actor.user_id).person_id = person.id
    session.flush()
    return actor


def kinds(session, actor):
    stmt = select(Notification.kind).where(Notification.user_id == actor.user_id).order_by(Notification.id)
    return [k for k in session.scalars(stmt) if k != "task"]


def test_reminders_overdue_and_escalation_to_the_main_leader_then_up_the_tree(session, org, supervisor, owner, task):
    leader_a1, leader_a = main_leader(session, org.A1, "lin"), main_leader(session, org.A, "liu")
    approver_a = create_user(session, "amy", [("unit_approver", org.A)])
    lifecycle.act(session, owner, task.id, "accept")
    assert run_due(session, at(DEADLINE - timedelta(days=4)), POLICY)["remind"] == 0
    assert run_due(session, at(DEADLINE - timedelta(days=2)), POLICY)["remind"] == 1
    assert run_due(session, at(DEADLINE), POLICY)["remind"] == 1  # on the deadline
    assert run_due(session, at(DEADLINE), POLICY)["remind"] == 0  # told once
    assert kinds(session, owner) == ["remind", "remind"]
    assert run_due(session, at(DEADLINE + timedelta(days=1)), POLICY)["overdue"] == 1
    assert kinds(session, owner) == ["remind", "remind", "overdue"]
    assert kinds(session, leader_a1) == []
    assert run_due(session, at(DEADLINE + timedelta(days=2)), POLICY)["escalate"] == 0
    assert run_due(session, at(DEADLINE + timedelta(days=3)), POLICY)["escalate"] == 1
    assert (kinds(session, leader_a1), kinds(session, leader_a)) == (["escalate"], [])
    assert kinds(session, approver_a) == ["escalate"]
    assert run_due(session, at(DEADLINE + timedelta(days=5)), POLICY)["escalate"] == 1
    assert kinds(session, leader_a) == ["escalate"]
    assert kinds(session, leader_a1) == ["escalate"]


def test_a_task_reported_complete_waits_for_verification_without_reminders(session, org, supervisor, owner, task):
    for verb in ("accept", "start", "report_completion"):
        lifecycle.act(session, owner, task.id, verb)
    assert run_due(session, at(DEADLINE + timedelta(days=9)), POLICY) == {"remind": 0, "overdue": 0, "escalate": 0}
    lifecycle.act(session, supervisor, task.id, "return", "证据不足")
    assert run_due(session, at(DEADLINE + timedelta(days=9)), POLICY)["escalate"] == 1


def test_the_list_puts_late_tasks_first_and_filters_by_unit_person_and_state(session, org, supervisor, owner, task):
    create_user(session, "ada", [("unit_reporter", org.A2)])
    later = service.create(
        session, supervisor, plan(unit_code="A2", owner="ada", deadline=date(2026, 4, 30), milestones=()), today=TODAY
    )
    early = service.create(
        session, supervisor, plan(title="早", deadline=date(2026, 3, 15), milestones=()), today=TODAY
    )
    lifecycle.act(session, owner, early.id, "accept")
    lifecycle.act(session, owner, early.id, "request_extension", "等待", new_deadline=date(2026, 12, 31), today=TODAY)
    lifecycle.act(session, supervisor, early.id, "approve_extension")
    day = date(2026, 4, 1)  # after the early task's original deadline, before its new one

    def ids(actor, **f):
        return [t.id for t, _, _ in repository.tasks(session, actor, TaskFilter(**f), 50, 0, day)[1]]

    assert ids(supervisor) == [early.id, later.id, task.id]
    assert ids(supervisor, overdue_on=day) == [early.id]
    assert ids(supervisor, unit_id=org.A.id) == [early.id, later.id, task.id]
    assert ids(supervisor, unit_id=org.A.id, subtree=False) == []
    assert ids(supervisor, unit_id=org.A2.id) == [later.id]
    assert ids(supervisor, mine="ada") == [later.id]
    assert ids(supervisor, states=("assigned",)) == [later.id, task.id]
    assert ids(supervisor, states=("in_progress",)) == [early.id]
    assert ids(org.other_reporter) == []
    assert ids(owner) == [early.id, task.id]  # alice sees A1 only
    total, page = repository.tasks(session, supervisor, TaskFilter(), 1, 1, day)
    assert (total, [t.id for t, _, _ in page]) == (3, [later.id])


def test_reminders_go_to_the_owner_and_the_co_units_contacts_not_to_everyone_above(session, org, supervisor, owner):
    made = service.create(session, supervisor, plan(co_unit_codes=("A2",)), today=TODAY)
    contact = create_user(session, "cora", [("unit_reporter", org.A2)])
    above = create_user(session, "abe", [("unit_reporter", org.A)])  # may report for A1 too
    grace = org.group_admin
    lifecycle.act(session, owner, made.id, "accept")
    assert run_due(session, at(DEADLINE - timedelta(days=2)), POLICY)["remind"] == 1
    assert run_due(session, at(DEADLINE + timedelta(days=1)), POLICY)["overdue"] == 1
    assert kinds(session, owner) == ["remind", "overdue"]
    assert kinds(session, contact) == ["remind", "overdue"]
    told = [k for who in (above, grace, supervisor) for k in kinds(session, who) if k in ("remind", "overdue")]
    assert told == []
    leader = main_leader(session, org.A1, "lin")
    assert run_due(session, at(DEADLINE + timedelta(days=3)), POLICY)["escalate"] == 1
    assert kinds(session, leader) == ["escalate"]
    assert kinds(session, contact) == ["remind", "overdue"]
