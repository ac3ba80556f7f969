"""Verbs applied to records in the database: permission through the visibility rule, history,
audit and notifications in the caller's transaction; deadline steps told once."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from pacer.errors import Conflict, Forbidden, NotFound
from pacer.models import AuditEntry, Notification, WorkflowEvent, WorkflowItem, WorkflowReminder
from pacer.workflow import registry, repository, service
from pacer.workflow.deadlines import Policy
from pacer.workflow.due import run_due
from pacer.workflow.transitions import InvalidTransition, Transition, Workflow
from tests.factories import create_user

REVIEW = Workflow(
    name="test_review",
    states=("draft", "submitted", "accepted", "returned"),
    initial="draft",
    terminal=frozenset({"accepted"}),
    transitions=(
        Transition("submit", frozenset({"draft", "returned"}), "submitted", "report"),
        Transition("accept", frozenset({"submitted"}), "accepted", "accept", "above"),
        Transition("return", frozenset({"submitted"}), "returned", "accept", "above", reason_required=True),
    ),
    state_labels={"submitted": ("已提交", "submitted")},
)
registry.register(REVIEW)
DUE = datetime(2026, 3, 10, 12, tzinfo=UTC)


@pytest.fixture
def item(session, org):
    return service.start(session, REVIEW, "A1/2026-02", org.A1.id, org.unit_reporter, ("月报 A1", "Report A1"), "/r/1")


def inbox_of(session, actor):
    return session.scalars(select(Notification).where(Notification.user_id == actor.user_id)).all()


def test_a_verb_changes_the_state_and_writes_history_and_audit(session, org, item):
    service.apply(session, REVIEW, item, "submit", org.unit_reporter)
    assert item.state == "submitted"
    events = repository.history(session, item.id)
    assert [(e.verb, e.from_state, e.to_state, e.actor) for e in events] == [
        ("create", None, "draft", "alice"),
        ("submit", "draft", "submitted", "alice"),
    ]
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "test_review.submit")).one()
    assert (audit.before, audit.after, audit.entity_key) == (
        {"state": "draft"},
        {"state": "submitted"},
        "test_review/A1/2026-02",
    )


def test_of_two_verbs_taken_at_once_the_second_is_a_conflict_not_a_lost_update(session, org, item):
    service.apply(session, REVIEW, item, "submit", org.unit_reporter)
    # someone else returned it meanwhile: this session still holds the state it read
    session.execute(
        update(WorkflowItem).where(WorkflowItem.id == item.id).values(state="returned"),
        execution_options={"synchronize_session": False},
    )
    assert item.state == "submitted"
    with pytest.raises(Conflict, match="changed meanwhile"):
        service.apply(session, REVIEW, item, "accept", org.hq_analyst)
    assert session.scalar(select(WorkflowItem.state).where(WorkflowItem.id == item.id)) == "returned"


def test_a_reporter_of_a_sibling_unit_cannot_act_and_nothing_changes(session, org, item):
    with pytest.raises(Forbidden):
        service.apply(session, REVIEW, item, "submit", org.other_reporter)
    assert item.state == "draft"
    assert session.scalar(select(func.count()).select_from(WorkflowEvent).where(WorkflowEvent.verb == "submit")) == 0


def test_a_sibling_cannot_even_see_the_item(session, org, item):
    with pytest.raises(NotFound):
        repository.item(session, REVIEW, item.id, org.other_reporter)
    assert repository.item(session, REVIEW, item.id, org.hq_analyst).id == item.id


def test_acceptance_is_checked_on_the_unit_above(session, org, item):
    a1_accepter = create_user(session, "ann", [("hq_analyst", org.A1)])  # accepts at A1, not above it
    service.apply(session, REVIEW, item, "submit", org.unit_reporter)
    assert [t.verb for t in service.verbs_for(session, REVIEW, item, a1_accepter)] == []
    with pytest.raises(Forbidden):
        service.apply(session, REVIEW, item, "accept", a1_accepter)
    assert [t.verb for t in service.verbs_for(session, REVIEW, item, org.hq_analyst)] == ["accept", "return"]
    service.apply(session, REVIEW, item, "accept", org.hq_analyst)
    assert item.state == "accepted"
    with pytest.raises(InvalidTransition):
        service.apply(session, REVIEW, item, "return", org.hq_analyst, "too late")


def test_whoever_may_act_next_and_whoever_acted_before_are_told(session, org, item):
    service.apply(session, REVIEW, item, "submit", org.unit_reporter)
    told = inbox_of(session, org.hq_analyst)
    assert [n.title_en for n in told] == ["Report A1: submitted"]
    assert told[0].link == "/r/1"
    assert inbox_of(session, org.unit_reporter) == []  # not told of their own verb
    assert inbox_of(session, org.other_reporter) == []
    service.apply(session, REVIEW, item, "return", org.hq_analyst, "cash flow missing")
    back = inbox_of(session, org.unit_reporter)
    assert len(back) == 1
    assert "cash flow missing" in back[0].body_en


def test_my_queue_holds_what_i_may_act_on_only(session, org, item):
    assert [i.id for i in repository.queue(session, org.unit_reporter, [REVIEW], 10, 0)[1]] == [item.id]
    assert repository.queue(session, org.other_reporter, [REVIEW], 10, 0) == (0, [])
    assert repository.queue(session, org.hq_analyst, [REVIEW], 10, 0) == (0, [])
    service.apply(session, REVIEW, item, "submit", org.unit_reporter)
    assert repository.queue(session, org.hq_analyst, [REVIEW], 10, 0)[0] == 1
    assert repository.queue(session, org.unit_reporter, [REVIEW], 10, 0) == (0, [])


WITHDRAWABLE = registry.register(
    Workflow(
        name="test_withdrawable",
        states=("draft", "withdrawn"),
        initial="draft",
        terminal=frozenset({"withdrawn"}),
        transitions=(Transition("withdraw", frozenset({"draft"}), "withdrawn", "accept", "above", awaits=False),),
    )
)


def test_a_side_verb_puts_the_item_in_no_ones_queue_and_sends_no_reminder(session, org):
    item = service.start(session, WITHDRAWABLE, "A1/x", org.A1.id, org.unit_reporter, ("撤回", "Withdraw"), "/w/1")
    assert service.verbs_for(session, WITHDRAWABLE, item, org.hq_analyst)  # hq may still take it
    assert repository.queue(session, org.hq_analyst, [WITHDRAWABLE], 10, 0) == (0, [])
    assert service.next_actors(session, WITHDRAWABLE, item) == set()


# -- deadlines -----------------------------------------------------------------------------------


def test_reminders_are_sent_once_and_escalate_up_the_tree(session, org, item):
    approver_a = create_user(session, "amy", [("unit_approver", org.A)])
    service.set_due(session, REVIEW, item, DUE, org.hq_analyst)
    policy = Policy((3, 1), 2)
    assert run_due(session, DUE - timedelta(days=4), policy) == {"remind": 0, "overdue": 0, "escalate": 0}
    assert run_due(session, DUE - timedelta(days=2), policy)["remind"] == 1
    assert run_due(session, DUE - timedelta(days=2), policy)["remind"] == 0  # idempotent
    assert [n.kind for n in inbox_of(session, org.unit_reporter)] == ["remind"]
    assert run_due(session, DUE + timedelta(hours=1), policy)["overdue"] == 1
    assert run_due(session, DUE + timedelta(days=2), policy)["escalate"] == 1
    assert item.escalation_level == 1
    # level 1 above A1 is A: its approver is told, the reporter not again
    assert [n.kind for n in inbox_of(session, approver_a)] == ["escalate"]
    assert [n.kind for n in inbox_of(session, org.unit_reporter)] == ["remind", "overdue"]
    assert run_due(session, DUE + timedelta(days=3), policy)["escalate"] == 0
    assert run_due(session, DUE + timedelta(days=4), policy)["escalate"] == 1  # level 2: G
    assert "escalate" in [n.kind for n in inbox_of(session, org.group_admin)]
    steps = session.scalars(select(WorkflowReminder.step).where(WorkflowReminder.item_id == item.id)).all()
    assert sorted(steps) == ["escalate-1", "escalate-2", "overdue", "remind-3"]


def test_a_new_due_date_starts_its_reminders_again_and_a_closed_item_gets_none(session, org, item):
    policy = Policy((1,), 0)
    service.set_due(session, REVIEW, item, DUE, org.hq_analyst)
    assert run_due(session, DUE, policy)["overdue"] == 1
    service.set_due(session, REVIEW, item, DUE + timedelta(days=7), org.hq_analyst)
    assert run_due(session, DUE + timedelta(days=7), policy)["overdue"] == 1
    service.apply(session, REVIEW, item, "submit", org.unit_reporter)
    service.apply(session, REVIEW, item, "accept", org.hq_analyst)
    service.set_due(session, REVIEW, item, DUE + timedelta(days=9), org.hq_analyst)
    assert run_due(session, DUE + timedelta(days=20), policy)["overdue"] == 0


def test_a_units_chain_up_the_tree_is_its_branch_of_todays_tree_nearest_first(session, org):
    from datetime import date

    from pacer.org.repository import tree_on

    tree = tree_on(session, date.today())
    for unit in (org.A1, org.A, org.G, org.B1):
        assert repository.ancestors(session, unit.id) == repository.ancestors(session, unit.id, tree)
    assert repository.ancestors(session, org.A1.id) == [org.A1.id, org.A.id, org.G.id]
    assert repository.ancestors(session, org.G.id) == [org.G.id]


def test_everyone_concerned_by_a_verb_is_told_once_in_one_inbox_line_each(session, org, item):
    approver_a = create_user(session, "amy", [("unit_approver", org.A)])
    service.apply(session, REVIEW, item, "submit", org.unit_reporter)
    # who may accept above A1 (HQ at G: the analyst and the administrator), not the one who acted
    told = session.scalars(select(Notification.user_id).where(Notification.title_en == "Report A1: submitted"))
    assert sorted(told) == sorted([org.hq_analyst.user_id, org.group_admin.user_id])
    service.apply(session, REVIEW, item, "return", org.hq_analyst, "口径不一致")
    told = session.scalars(select(Notification.user_id).where(Notification.title_en == "Report A1: returned"))
    # who may submit again (the reporter, and the administrator, who holds every action) and who acted before
    assert sorted(told) == sorted([org.unit_reporter.user_id, org.group_admin.user_id])
    assert inbox_of(session, approver_a) == []
