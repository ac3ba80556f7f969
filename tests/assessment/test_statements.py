"""Statements drafted and changed: checked whole, stored with their versions and audited;
refused in both languages with nothing stored; seen only within a unit's subtree."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pacer.assessment import repository, service
from pacer.errors import Conflict, Forbidden, NotFound, ValidationFailed
from pacer.indicators.assignment_service import AssignmentIn, assign
from pacer.models import AuditEntry, Person, Statement, StatementVersion, UnitLeader
from tests.assessment.conftest import YEAR, YUAN, business

pytestmark = pytest.mark.usefixtures("targets")


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_hq_drafts_a_statement_with_its_items_a_first_version_and_an_audit_row(session, org):
    leader = Person(name_zh="王强", name_en="Wang Qiang")
    session.add(leader)
    session.flush()
    session.add(UnitLeader(unit_id=org.A.id, person_id=leader.id, role="main_leader"))
    statement = service.draft(session, org.hq_analyst, "A", YEAR, "business", business())
    shown = service.view(session, org.hq_analyst, statement.id)
    assert shown.item.state == "draft"
    assert [i.code for i in shown.items] == ["revenue", "profit", "debt", "tasks", "accident", "safety"]
    assert statement.issuer_unit_id == org.G.id
    assert statement.leader_person_id == leader.id
    assert [v.version for v in shown.versions] == [1]
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "statement.draft")).one()
    assert audit.unit_id == org.A.id
    assert audit.before is None


def test_an_items_missing_threshold_and_target_are_the_units_ensure_and_strive_targets(session, org):
    statement = service.draft(session, org.hq_analyst, "A", YEAR, "business", business())
    profit = next(i for i in service.view(session, org.hq_analyst, statement.id).items if i.code == "profit")
    assert (profit.threshold, profit.target) == (80_000 * YUAN, 100_000 * YUAN)
    debt = next(i for i in service.view(session, org.hq_analyst, statement.id).items if i.code == "debt")
    assert debt.lower_is_better  # the debt ratio's direction, taken from the indicator


def _refused(session, org, content, unit: str = "A") -> ValidationFailed:
    before = (_count(session, Statement), _count(session, StatementVersion))
    with pytest.raises(ValidationFailed) as refused:
        service.draft(session, org.hq_analyst, unit, YEAR, "business", content)
    assert (_count(session, Statement), _count(session, StatementVersion)) == before
    return refused.value


def test_weights_that_do_not_add_up_to_100_are_refused_in_both_languages(session, org):
    failed = _refused(session, org, business(tasks={"weight": 1500}))
    [problem] = failed.problems
    assert problem.message == "the items' weights add up to 95.00 points, not 100.00"
    assert problem.zh == "各考核项权重合计 95.00 分，应为 100.00 分"


def test_a_rule_without_a_target_is_refused_naming_its_item(session, org):
    failed = _refused(session, org, business(), unit="B")  # B has no profit targets
    [problem] = failed.problems
    assert problem.field == "profit"
    assert "needs a threshold" in problem.message
    assert "门槛值" in problem.zh


def test_an_item_on_an_indicator_the_unit_does_not_report_is_refused(session, org):
    for code in ("A", "A1", "A2"):
        assign(
            session,
            org.group_admin,
            AssignmentIn(
                indicator_code="civil_revenue", unit_code=code, exclude=True, from_month="2026-01", reason="not civil"
            ),
        )
    civil = {"indicator": "civil_revenue", "threshold": 1, "target": 2}
    [problem] = _refused(session, org, business(revenue=civil)).problems
    assert problem.field == "revenue"
    assert problem.message == "unit A does not report indicator 'civil_revenue', so it cannot be assessed on it"
    assert problem.zh == "单位 A 不填报指标“civil_revenue”，不能作为考核项"


def test_unknown_kinds_measures_and_indicators_are_each_named(session, org):
    content = business(tasks={"measure": "vibes"}, revenue={"indicator": "nope"}, safety={"kind": "prize"})
    fields = sorted(p.field for p in _refused(session, org, content).problems)
    assert fields == ["revenue", "safety", "tasks"]


def test_a_second_statement_of_the_same_unit_year_and_domain_is_refused(session, org):
    service.draft(session, org.hq_analyst, "A", YEAR, "business", business())
    with pytest.raises(Conflict):
        service.draft(session, org.hq_analyst, "A", YEAR, "business", business())


def test_only_the_issuing_side_drafts_and_a_unit_outside_the_subtree_is_unknown(session, org, signer):
    with pytest.raises(Forbidden):
        service.draft(session, signer, "A", YEAR, "business", business())
    with pytest.raises(ValidationFailed) as failed:
        service.draft(session, org.other_reporter, "A", YEAR, "business", business())
    assert failed.value.problems[0].message == "unknown unit 'A'"


def test_a_statement_is_seen_within_its_units_subtree_and_nowhere_else(session, org, signer):
    statement = service.draft(session, org.hq_analyst, "A", YEAR, "business", business())
    assert service.view(session, signer, statement.id).unit.code == "A"
    assert service.view(session, org.academy_viewer, statement.id).unit.code == "A"
    for outsider in (org.other_reporter, org.outsider, org.unit_reporter):  # B1, nobody, A1 below A
        with pytest.raises(NotFound):
            service.view(session, outsider, statement.id)
        assert repository.statements(session, outsider, YEAR) == []


def test_a_draft_changes_freely_and_keeps_each_version(session, org):
    statement = service.draft(session, org.hq_analyst, "A", YEAR, "business", business())
    service.revise(session, org.hq_analyst, statement.id, business(revenue={"weight": 3000}, tasks={"weight": 3000}))
    shown = service.view(session, org.hq_analyst, statement.id)
    assert [v.version for v in shown.versions] == [1, 2]
    assert shown.versions[0].content["items"][0]["weight"] == 4000
    assert next(i for i in shown.items if i.code == "revenue").weight == 3000
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "statement.revise")).one()
    assert audit.before["items"][0]["weight"] == 4000
    assert audit.after["items"][0]["weight"] == 3000


def test_a_refused_change_leaves_the_statement_as_it_was(session, org):
    statement = service.draft(session, org.hq_analyst, "A", YEAR, "business", business())
    with pytest.raises(ValidationFailed):
        service.revise(session, org.hq_analyst, statement.id, business(revenue={"weight": 1}))
    shown = service.view(session, org.hq_analyst, statement.id)
    assert [v.version for v in shown.versions] == [1]
    assert shown.items[0].weight == 4000
