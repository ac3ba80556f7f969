"""A quality problem's double zeroing on the shared workflow: opened, its ten criteria filled by
the owner and signed off by a reviewer (never the owner, never the evidence author), checks at
sister units, closed only when all of it holds; every refusal changes nothing."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from pacer.errors import Conflict, Forbidden, NotFound, ValidationFailed
from pacer.models import AuditEntry, Notification, WorkflowItem
from pacer.models.quality import QualityProblem
from pacer.quality import service, sisters, zeroing
from pacer.quality.validation import SignalSource
from pacer.quality.words import CRITERION_CODES
from pacer.workflow.deadlines import Policy
from pacer.workflow.due import run_due
from pacer.workflow.transitions import InvalidTransition, ReasonRequired
from tests.factories import create_user
from tests.quality.conftest import FOUND, fill, plan


def state(session, problem):
    return session.scalar(select(WorkflowItem.state).where(WorkflowItem.id == problem.workflow_item_id))


def count(session, model=QualityProblem):
    return session.scalar(select(func.count()).select_from(model))


def test_a_problem_from_opening_to_zeroed(session, org, owner, reviewer, sister, problem):
    told = session.scalars(select(Notification.title_en).where(Notification.user_id == owner.user_id)).all()
    assert told == [f"Quality problem #{problem.id}: 舵机电缆插头虚焊 (yours to zero)"]
    assert state(session, problem) == "open"
    assert problem.deadline == FOUND + timedelta(days=30)
    fill(session, owner, problem)
    zeroing.act(session, owner, problem.id, "submit")
    for code in CRITERION_CODES:
        zeroing.sign_off(session, reviewer, problem.id, code, "同意")
    (check,) = sisters.spawn_checks(session, reviewer, problem.id)
    assert check.unit_id == org.A2.id
    sisters.answer(session, sister, check.id, False, "A2 同型插头已全部复检，未发现虚焊")
    sisters.decide(session, reviewer, check.id, "confirm")
    zeroing.act(session, reviewer, problem.id, "close")
    view = service.get(session, reviewer, problem.id)
    assert view.item.state == "closed"
    assert view.problem.closed_on is not None
    assert [e.verb for e in view.history] == ["create", "submit", "close"]
    assert all(c.signed_by == "rita" for c in view.criteria)
    assert view.verbs == []
    audited = session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("quality%"))).all()
    assert audited.count("quality_problem.sign_off") == 10
    assert "quality_problem.close" in audited


def test_the_owner_never_signs_off_nor_closes_their_own_problem(session, org, owner, reviewer, problem):
    fill(session, owner, problem)
    zeroing.act(session, owner, problem.id, "submit")
    with pytest.raises(Forbidden, match="nobody signs off"):
        zeroing.sign_off(session, owner, problem.id, "locate")
    with pytest.raises(Forbidden, match="may not"):
        zeroing.act(session, owner, problem.id, "close")
    with pytest.raises(Forbidden, match="may not"):
        zeroing.act(session, owner, problem.id, "return", "再查")
    assert state(session, problem) == "review"


def test_a_reviewer_who_owns_a_problem_does_not_sign_it_off_but_one_above_does(session, org, reviewer):
    own = service.open_problem(session, reviewer, plan(unit_code="A", owner="rita"))
    fill(session, reviewer, own)
    zeroing.act(session, reviewer, own.id, "submit")
    with pytest.raises(Forbidden, match="nobody signs off"):
        zeroing.sign_off(session, reviewer, own.id, "locate")
    above = create_user(session, "gus", [("quality_engineer", org.G)])
    assert zeroing.sign_off(session, above, own.id, "locate").signed_by == "gus"
    with pytest.raises(NotFound):  # a quality engineer below the problem's unit does not even see it
        zeroing.sign_off(session, create_user(session, "ann", [("quality_engineer", org.A1)]), own.id, "mechanism")


def test_only_the_owner_writes_evidence_and_submits(session, org, owner, reviewer, problem):
    with pytest.raises(Forbidden, match="only the owner quinn"):
        zeroing.write_evidence(session, reviewer, problem.id, "locate", "定位")
    fill(session, owner, problem)
    with pytest.raises(Forbidden, match="only the owner quinn"):
        zeroing.act(session, reviewer, problem.id, "submit")
    assert state(session, problem) == "open"


def test_submitting_with_criteria_missing_names_them_in_both_languages(session, org, owner, problem):
    zeroing.write_evidence(session, owner, problem.id, "locate", "定位到第 3 号焊点")
    with pytest.raises(ValidationFailed) as refused:
        zeroing.act(session, owner, problem.id, "submit")
    (said,) = refused.value.problems
    assert "Mechanism understood" in said.message
    assert "Locate" not in said.message
    assert "机理清楚" in said.zh
    assert "完善规章" in said.zh
    assert state(session, problem) == "open"


def test_closing_waits_for_every_signature_and_every_sister_check(session, org, owner, reviewer, sister, problem):
    fill(session, owner, problem)
    zeroing.act(session, owner, problem.id, "submit")
    (check,) = sisters.spawn_checks(session, reviewer, problem.id, ["A2"])
    for code in CRITERION_CODES[:-1]:
        zeroing.sign_off(session, reviewer, problem.id, code)
    with pytest.raises(ValidationFailed) as refused:
        zeroing.act(session, reviewer, problem.id, "close")
    fields = {p.field: p.message for p in refused.value.problems}
    assert "Rules improved" in fields["criteria"]
    assert "A2" in fields["checks"]
    assert state(session, problem) == "review"
    zeroing.sign_off(session, reviewer, problem.id, "rules")
    sisters.answer(session, sister, check.id, True, "A2 也发现 2 件")
    with pytest.raises(Forbidden):
        sisters.decide(session, sister, check.id, "confirm")  # the answerer does not confirm
    sisters.decide(session, reviewer, check.id, "reopen", "请附复检记录")
    with pytest.raises(ValidationFailed):
        zeroing.act(session, reviewer, problem.id, "close")
    sisters.answer(session, sister, check.id, True, "A2 发现 2 件，已返修，附复检记录")
    sisters.decide(session, reviewer, check.id, "confirm")
    zeroing.act(session, reviewer, problem.id, "close")
    assert state(session, problem) == "closed"


def test_a_return_needs_a_reason_and_reopens_the_unsigned_criteria(session, org, owner, reviewer, problem):
    fill(session, owner, problem)
    zeroing.act(session, owner, problem.id, "submit")
    zeroing.sign_off(session, reviewer, problem.id, "locate")
    with pytest.raises(ReasonRequired):
        zeroing.act(session, reviewer, problem.id, "return")
    zeroing.act(session, reviewer, problem.id, "return", "复现试验记录不全")
    assert state(session, problem) == "returned"
    with pytest.raises(Conflict, match="signed off"):
        zeroing.write_evidence(session, owner, problem.id, "locate", "改写")
    zeroing.write_evidence(session, owner, problem.id, "reproduce", "补充复现试验记录")
    with pytest.raises(Conflict, match="under review"):
        zeroing.sign_off(session, reviewer, problem.id, "reproduce")
    zeroing.act(session, owner, problem.id, "submit")
    with pytest.raises(InvalidTransition):
        zeroing.act(session, owner, problem.id, "submit")


def test_a_bad_record_names_every_problem_and_stores_nothing(session, org, owner, reviewer):
    before = count(session), count(session, WorkflowItem)
    bad = plan(title=" ", found_stage="moon", severity="huge", cause="luck", origin_stage="procurement", supplier="")
    with pytest.raises(ValidationFailed) as refused:
        service.open_problem(session, reviewer, bad)
    fields = sorted(p.field or "" for p in refused.value.problems)
    assert fields == ["cause", "found_stage", "severity", "supplier", "title"]
    assert all(p.zh for p in refused.value.problems)
    later = plan(found_on=FOUND + timedelta(days=30), deadline=FOUND)
    with pytest.raises(ValidationFailed, match=r"found_on|deadline"):
        service.open_problem(session, reviewer, later)
    assert (count(session), count(session, WorkflowItem)) == before


def test_a_problem_is_opened_only_where_one_manages_quality(session, org, owner, reviewer):
    with pytest.raises(ValidationFailed, match="no unit 'B1'"):
        service.open_problem(session, reviewer, plan(unit_code="B1"))  # out of sight: as if it did not exist
    with pytest.raises(Forbidden, match="may not manage quality at unit A1"):
        service.open_problem(session, org.hq_analyst, plan())  # sees A1, manages no quality
    with pytest.raises(ValidationFailed, match="may not manage quality"):
        service.open_problem(session, reviewer, plan(owner="alice"))  # a reporter, not a quality engineer


def test_a_problem_is_seen_only_in_its_unit_subtree(session, org, problem):
    assert service.get(session, org.academy_viewer, problem.id).problem.id == problem.id
    for stranger in (org.other_reporter, org.outsider):
        with pytest.raises(NotFound):
            service.get(session, stranger, problem.id)


def test_a_signal_opens_one_problem_and_is_linked_to_it(session, org, owner, reviewer):
    source = SignalSource(characteristic_id=42, point=17, rule="we1")
    made = service.open_problem(session, reviewer, plan(), source)
    assert (made.source_characteristic_id, made.source_point, made.source_rule) == (42, 17, "we1")
    with pytest.raises(Conflict, match=f"#{made.id}"):
        service.open_problem(session, reviewer, plan(), source)
    with pytest.raises(ValidationFailed, match="1-based point"):
        service.open_problem(session, reviewer, plan(), SignalSource(42, 0))


def test_a_refused_attachment_stores_no_problem(session, org, owner, reviewer):
    before = count(session)
    with pytest.raises(ValidationFailed, match="attachments\\[2\\]"):
        service.open_problem(session, reviewer, plan(), attachments=[("a.txt", b"ok"), ("b.pdf", b"not pdf")])
    assert count(session) == before
    made = service.open_problem(session, reviewer, plan(), attachments=[("a.txt", b"report")])
    assert [f.filename for f in service.get(session, owner, made.id).attachments] == ["a.txt"]


def test_evidence_files_are_kept_with_their_criterion(session, org, owner, problem):
    zeroing.write_evidence(session, owner, problem.id, "reproduce", "", [("curve.csv", b"t,v\n1,2\n")])
    view = service.get(session, owner, problem.id)
    (criterion,) = [c for c in view.criteria if c.code == "reproduce"]
    assert [f.filename for f in view.evidence[criterion.id]] == ["curve.csv"]
    with pytest.raises(ValidationFailed, match="write the evidence"):
        zeroing.write_evidence(session, owner, problem.id, "locate", "  ")


def test_sister_checks_refuse_unknown_own_and_repeated_units(session, org, owner, reviewer, problem):
    with pytest.raises(ValidationFailed) as refused:
        sisters.spawn_checks(session, reviewer, problem.id, ["A1", "ZZ", "B1"])
    assert [p.message for p in refused.value.problems] == [
        "unit A1 is the problem's own unit",
        "no unit 'ZZ'",
        "no unit 'B1'",
    ]
    sisters.spawn_checks(session, reviewer, problem.id, ["A2"])
    with pytest.raises(ValidationFailed, match="already has a check"):
        sisters.spawn_checks(session, reviewer, problem.id, ["A2"])
    with pytest.raises(ValidationFailed, match="no sister unit"):
        sisters.spawn_checks(session, owner, problem.id)  # A1's engineer reaches no sister


def test_an_overdue_problem_reminds_its_owner_and_escalates(session, org, owner, reviewer, problem):
    due = datetime.combine(problem.deadline, datetime.min.time(), UTC)
    session.query(Notification).delete()
    counts = run_due(session, due - timedelta(days=1), Policy((3, 1), 3))
    assert counts["remind"] == 1
    told = session.scalars(select(Notification.user_id)).all()
    assert told == [owner.user_id]
    fill(session, owner, problem)
    zeroing.act(session, owner, problem.id, "submit")  # under review: no due date, no reminders
    assert run_due(session, due + timedelta(days=10), Policy((3, 1), 3)) == {"remind": 0, "overdue": 0, "escalate": 0}
