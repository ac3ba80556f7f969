"""A statement's signing on the shared workflow, and a change after signing: a reason, a new
version, the earlier ones kept, and signing again."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pacer.assessment import service
from pacer.errors import Forbidden, NotFound, ValidationFailed
from pacer.models import AuditEntry, Notification
from pacer.workflow.transitions import InvalidTransition, ReasonRequired
from tests.assessment.conftest import YEAR, business

pytestmark = pytest.mark.usefixtures("targets")


@pytest.fixture
def statement(session, org):
    return service.draft(session, org.hq_analyst, "A", YEAR, "business", business())


def _state(session, org, statement) -> str:
    return service.view(session, org.hq_analyst, statement.id).item.state


def test_issued_signed_by_the_unit_and_countersigned_by_the_group_it_is_in_force(session, org, signer, statement):
    service.act(session, org.hq_analyst, statement.id, "issue")
    told = session.scalars(select(Notification.user_id)).all()
    assert signer.user_id in told  # the unit's approver is told to sign
    service.act(session, signer, statement.id, "sign")
    service.act(session, org.hq_analyst, statement.id, "countersign")
    assert _state(session, org, statement) == "in_force"
    history = service.view(session, signer, statement.id).history
    assert [(e.verb, e.actor) for e in history] == [
        ("create", "hannah"),
        ("issue", "hannah"),
        ("sign", "amy"),
        ("countersign", "hannah"),
    ]
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"statement.issue", "statement.sign", "statement.countersign"} <= actions


def test_the_unit_signs_its_own_statement_only_and_never_countersigns(session, org, signer, a1_signer, statement):
    service.act(session, org.hq_analyst, statement.id, "issue")
    with pytest.raises(NotFound):
        service.act(session, a1_signer, statement.id, "sign")  # A1's approver does not see A's
    service.act(session, signer, statement.id, "sign")
    with pytest.raises(Forbidden):
        service.act(session, signer, statement.id, "countersign")


def test_the_unit_returns_a_statement_only_with_a_reason(session, org, signer, statement):
    service.act(session, org.hq_analyst, statement.id, "issue")
    with pytest.raises(ReasonRequired):
        service.act(session, signer, statement.id, "return")
    service.act(session, signer, statement.id, "return", "利润目标偏高")
    assert _state(session, org, statement) == "draft"


def test_a_statement_cannot_be_signed_before_it_is_issued(session, org, signer, statement):
    with pytest.raises(InvalidTransition):
        service.act(session, signer, statement.id, "sign")


def _in_force(session, org, signer, statement) -> None:
    service.act(session, org.hq_analyst, statement.id, "issue")
    service.act(session, signer, statement.id, "sign")
    service.act(session, org.hq_analyst, statement.id, "countersign")


def test_a_change_after_signing_needs_a_reason_and_nothing_changes_without_one(session, org, signer, statement):
    _in_force(session, org, signer, statement)
    with pytest.raises(ValidationFailed) as refused:
        service.revise(session, org.hq_analyst, statement.id, business(revenue={"target": 1_100_000_00}))
    assert refused.value.problems[0].zh == "已下达或签订的责任书变更须说明原因"
    shown = service.view(session, org.hq_analyst, statement.id)
    assert shown.item.state == "in_force"
    assert len(shown.versions) == 1


def test_a_change_after_signing_reopens_keeps_the_history_and_is_signed_again(session, org, signer, statement):
    _in_force(session, org, signer, statement)
    changed = business(revenue={"target": 1_100_000_00})
    service.revise(session, org.hq_analyst, statement.id, changed, "集团调增收入目标")
    shown = service.view(session, org.hq_analyst, statement.id)
    assert shown.item.state == "draft"
    assert [(v.version, v.state, v.reason) for v in shown.versions] == [
        (1, "draft", ""),
        (2, "draft", "集团调增收入目标"),
    ]
    assert shown.versions[0].content["items"][0]["target"] == 1_000_000_00
    assert shown.items[0].target == 1_100_000_00
    reopen = [e for e in shown.history if e.verb == "reopen"]
    assert reopen[0].reason == "集团调增收入目标"
    assert reopen[0].from_state == "in_force"
    _in_force(session, org, signer, statement)
    assert service.view(session, org.hq_analyst, statement.id).item.state == "in_force"
