"""The bottom-up target round end to end: propose, submit, return, revise, accept; the accepted
rows are the targets of record, revised and audited like an import."""

import pytest
from sqlalchemy import select

from pacer.errors import Forbidden, NotFound, ValidationFailed
from pacer.kit.tabular import Row
from pacer.models import AuditEntry, Notification, Target
from pacer.targets import round as target_round
from pacer.workflow.transitions import ReasonRequired
from tests.factories import create_user, indicator


def rows(*lines: str) -> list[Row]:
    """unit_code,indicator_code,tier,value per line."""
    out = []
    for number, line in enumerate(lines, start=2):
        unit, code, tier, value = line.split(",")
        out.append(Row(number, {"unit_code": unit, "indicator_code": code, "tier": tier, "value": value}))
    return out


@pytest.fixture
def approver(session, org):
    return create_user(session, "amy", [("unit_approver", org.A)])


def current_targets(session, year):
    stmt = select(Target).where(Target.year == year, Target.is_current.is_(True)).order_by(Target.id)
    return session.scalars(stmt).all()


def test_the_round_from_proposal_to_targets_of_record(session, org, approver):
    proposal = target_round.propose(session, approver, "A", 2026, rows("A1,revenue,ensure,100", "A2,revenue,ensure,50"))
    assert target_round.get(session, approver, proposal.id).item.state == "draft"
    target_round.act(session, approver, proposal.id, "submit")
    with pytest.raises(ReasonRequired):
        target_round.act(session, org.hq_analyst, proposal.id, "return")
    target_round.act(session, org.hq_analyst, proposal.id, "return", "A2 is too low")
    told = session.scalars(select(Notification).where(Notification.user_id == approver.user_id)).all()
    assert any("A2 is too low" in n.body_en for n in told)
    target_round.act(session, approver, proposal.id, "revise")
    target_round.replace_rows(session, approver, proposal.id, rows("A1,revenue,ensure,100", "A2,revenue,ensure,80"))
    target_round.act(session, approver, proposal.id, "submit")
    assert current_targets(session, 2026) == []  # nothing of record before acceptance
    found = target_round.act(session, org.hq_analyst, proposal.id, "accept")

    assert found.item.state == "accepted"
    assert [e.verb for e in found.history] == ["create", "submit", "return", "revise", "submit", "accept"]
    assert found.history[2].reason == "A2 is too low"
    targets = current_targets(session, 2026)
    revenue = indicator(session, "revenue")
    assert [(t.unit_id, t.indicator_id, t.value) for t in targets] == [
        (org.A1.id, revenue.id, 100 * 10**revenue.scale),
        (org.A2.id, revenue.id, 80 * 10**revenue.scale),
    ]
    assert {t.reason for t in targets} == {f"accepted proposal #{proposal.id}"}
    assert {t.created_by for t in targets} == {"hannah"}
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "target.set")).all()
    assert {a.entity_key for a in audit} == {"A1/revenue/2026/ensure", "A2/revenue/2026/ensure"}


def test_an_accepted_proposal_revises_existing_targets_with_its_reason(session, org, approver):
    session.add(
        Target(unit_id=org.A1.id, indicator_id=indicator(session, "revenue").id, year=2026, tier="ensure", value=1)
    )
    session.flush()
    proposal = target_round.propose(session, approver, "A", 2026, rows("A1,revenue,ensure,100"))
    target_round.act(session, approver, proposal.id, "submit")
    target_round.act(session, org.group_admin, proposal.id, "accept")
    (target,) = current_targets(session, 2026)
    assert (target.revision, target.reason) == (2, f"accepted proposal #{proposal.id}")


def test_problems_block_submission_each_named_and_the_draft_stays(session, org, approver):
    proposal = target_round.propose(
        session, approver, "A", 2026, rows("A1,no_such,ensure,1", "A2,revenue,ensure,50", "A2,revenue,best,40")
    )
    with pytest.raises(ValidationFailed) as refused:
        target_round.act(session, approver, proposal.id, "submit")
    text = str(refused.value)
    assert "row 2, field 'indicator_code': unknown indicator 'no_such'" in text
    assert "row 4, field 'tier': tier must be 'ensure' or 'strive', not 'best'" in text
    assert target_round.get(session, approver, proposal.id).item.state == "draft"
    assert current_targets(session, 2026) == []


def test_a_row_outside_the_proposers_subtree_is_refused(session, org, approver):
    with pytest.raises(ValidationFailed, match="row 3, field 'unit_code': 'B1' is not A or a unit below it"):
        target_round.propose(session, approver, "A", 2026, rows("A1,revenue,ensure,1", "B1,revenue,ensure,1"))


def test_an_hq_analyst_cannot_propose_for_a_unit_they_do_not_approve(session, org):
    with pytest.raises(Forbidden):
        target_round.propose(session, org.hq_analyst, "A", 2026, rows("A1,revenue,ensure,1"))


def test_the_proposer_cannot_accept_their_own_proposal(session, org, approver):
    proposal = target_round.propose(session, approver, "A", 2026, rows("A1,revenue,ensure,1"))
    target_round.act(session, approver, proposal.id, "submit")
    assert [t.verb for t in target_round.get(session, approver, proposal.id).verbs] == []
    with pytest.raises(Forbidden):
        target_round.act(session, approver, proposal.id, "accept")


def test_a_reporter_of_a_sibling_unit_sees_no_proposal_and_cannot_act(session, org, approver):
    proposal = target_round.propose(session, approver, "A", 2026, rows("A1,revenue,ensure,1"))
    with pytest.raises(NotFound):
        target_round.get(session, org.other_reporter, proposal.id)
    with pytest.raises(NotFound):
        target_round.act(session, org.other_reporter, proposal.id, "submit")
    assert target_round.proposals(session, org.other_reporter, 10, 0) == (0, [])
    assert target_round.proposals(session, org.hq_analyst, 10, 0)[0] == 1


def test_only_a_drafts_rows_change(session, org, approver):
    proposal = target_round.propose(session, approver, "A", 2026, rows("A1,revenue,ensure,1"))
    target_round.act(session, approver, proposal.id, "submit")
    with pytest.raises(Exception, match="only a draft's rows can change"):
        target_round.replace_rows(session, approver, proposal.id, rows("A1,revenue,ensure,2"))
