"""The transition table on its own: no database."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pacer.errors import DomainError
from pacer.targets.round_flow import TARGET_ROUND
from pacer.workflow.deadlines import Policy, Step, step_at, steps_due
from pacer.workflow.transitions import InvalidTransition, ReasonRequired, Transition, Workflow

REVIEW = Workflow(
    name="review",
    states=("draft", "submitted", "approved", "accepted", "returned"),
    initial="draft",
    terminal=frozenset({"accepted"}),
    transitions=(
        Transition("submit", frozenset({"draft", "returned"}), "submitted", "report"),
        Transition("approve", frozenset({"submitted"}), "approved", "approve"),
        Transition("accept", frozenset({"approved"}), "accepted", "accept", "above"),
        Transition("return", frozenset({"submitted", "approved"}), "returned", "accept", reason_required=True),
    ),
)


def test_a_verb_moves_the_record_to_its_target_state():
    assert REVIEW.transition("draft", "submit").target == "submitted"
    assert REVIEW.transition("approved", "accept").on == "above"


def test_a_verb_the_state_does_not_allow_is_refused_naming_the_state_and_the_possible_verbs():
    with pytest.raises(InvalidTransition) as refused:
        REVIEW.transition("draft", "accept")
    assert "'accept' is not possible in state 'draft'" in str(refused.value)
    assert "possible: submit" in str(refused.value)
    assert refused.value.status == 409


def test_a_terminal_state_allows_no_verb():
    with pytest.raises(InvalidTransition, match="no verb is possible"):
        REVIEW.transition("accepted", "return", "late")


def test_returning_needs_a_reason_and_blank_is_not_one():
    with pytest.raises(ReasonRequired):
        REVIEW.transition("submitted", "return", "   ")
    assert REVIEW.transition("submitted", "return", "figures missing").target == "returned"


def test_an_unknown_state_is_named():
    with pytest.raises(DomainError, match="unknown state 'lost'"):
        REVIEW.transition("lost", "submit")


def test_an_inconsistent_table_is_refused_with_every_problem():
    with pytest.raises(ValueError, match="workflow bad") as refused:
        Workflow(
            name="bad",
            states=("a", "b"),
            initial="c",
            terminal=frozenset({"b"}),
            transitions=(
                Transition("go", frozenset({"a"}), "z", "report"),
                Transition("go", frozenset({"b"}), "a", "report"),
            ),
        )
    text = str(refused.value)
    assert "initial state 'c'" in text
    assert "leads to unknown state 'z'" in text
    assert "defined twice" in text
    assert "leaves terminal state 'b'" in text


@given(st.sampled_from(REVIEW.states), st.sampled_from([t.verb for t in REVIEW.transitions]))
def test_every_state_and_verb_either_moves_as_the_table_says_or_is_refused(state, verb):
    allowed = {t.verb: t.target for t in REVIEW.verbs_from(state)}
    if verb in allowed:
        assert REVIEW.transition(state, verb, "a reason").target == allowed[verb]
    else:
        with pytest.raises(InvalidTransition) as refused:
            REVIEW.transition(state, verb, "a reason")
        assert refused.value.allowed == list(allowed)


def test_the_target_round_returns_to_draft_and_is_accepted_from_above():
    assert [t.verb for t in TARGET_ROUND.verbs_from("returned")] == ["revise"]
    assert TARGET_ROUND.verb("accept").on == "above"
    assert TARGET_ROUND.verb("return").reason_required
    assert TARGET_ROUND.state_label("returned", "zh") == "已退回"


# -- deadlines -----------------------------------------------------------------------------------

DUE = datetime(2026, 3, 10, 12, tzinfo=UTC)
POLICY = Policy(remind_before_days=(3, 1), escalate_after_days=2)


@pytest.mark.parametrize(
    ("now", "step"),
    [
        (DUE - timedelta(days=4), None),
        (DUE - timedelta(days=3), Step("remind-3", "remind")),
        (DUE - timedelta(hours=23), Step("remind-1", "remind")),
        (DUE, Step("overdue", "overdue")),
        (DUE + timedelta(days=1, hours=23), Step("overdue", "overdue")),
        (DUE + timedelta(days=2), Step("escalate-1", "escalate", 1)),
        (DUE + timedelta(days=5), Step("escalate-2", "escalate", 2)),
    ],
)
def test_the_latest_step_reached(now, step):
    assert step_at(DUE, now, POLICY) == step


def test_a_naive_due_date_from_sqlite_is_read_as_utc():
    assert step_at(DUE.replace(tzinfo=None), DUE, POLICY) == Step("overdue", "overdue")


def test_no_escalation_when_it_is_off():
    assert step_at(DUE, DUE + timedelta(days=30), Policy((3,), 0)) == Step("overdue", "overdue")


def test_a_step_already_sent_is_not_due_again():
    items = [(1, DUE), (2, DUE + timedelta(days=10))]
    now = DUE + timedelta(hours=1)
    assert steps_due(items, now, POLICY, set()) == [(1, Step("overdue", "overdue"))]
    assert steps_due(items, now, POLICY, {(1, "overdue")}) == []


@given(st.integers(min_value=-10 * 24, max_value=30 * 24), st.integers(min_value=1, max_value=24 * 10))
def test_steps_only_move_forward_in_time(hours, later):
    first = step_at(DUE, DUE + timedelta(hours=hours), POLICY)
    second = step_at(DUE, DUE + timedelta(hours=hours + later), POLICY)
    order = ["remind-3", "remind-1", "overdue"]

    def rank(step):
        if step is None:
            return -1
        return order.index(step.key) if step.key in order else 2 + step.level

    assert rank(second) >= rank(first)
