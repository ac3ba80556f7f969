"""Templates by domain and unit kind, and the academy's statement cascaded to its own units:
each unit's targets adding up to the academy's, checked together, all or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pacer.assessment import cascade, service
from pacer.errors import Conflict, Forbidden, NotFound, ValidationFailed
from pacer.models import Statement
from tests.assessment.conftest import YEAR, YUAN, business, set_targets

pytestmark = pytest.mark.usefixtures("targets")


@pytest.fixture
def signed(session, org, signer):
    statement = service.draft(session, org.hq_analyst, "A", YEAR, "business", business())
    service.act(session, org.hq_analyst, statement.id, "issue")
    service.act(session, signer, statement.id, "sign")
    return statement


def shares(a1_revenue: int = 500_000, a1_profit: int = 50_000) -> dict:
    return {
        "A1": {
            "revenue": {"threshold": 450_000 * YUAN, "target": a1_revenue * YUAN},
            "profit": {"threshold": 45_000 * YUAN, "target": a1_profit * YUAN},
        },
        "A2": {
            "revenue": {"threshold": 450_000 * YUAN, "target": 500_000 * YUAN},
            "profit": {"threshold": 35_000 * YUAN, "target": 50_000 * YUAN},
        },
    }


def _statements(session) -> int:
    return session.scalar(select(func.count()).select_from(Statement))


def test_the_academy_cascades_its_signed_statement_to_its_units(session, org, signed, academy_hq, a1_signer):
    made = cascade.cascade(session, academy_hq, signed.id, shares())
    assert sorted(s.unit_id for s in made) == sorted([org.A1.id, org.A2.id])
    a1 = next(s for s in made if s.unit_id == org.A1.id)
    assert a1.parent_id == signed.id
    assert a1.issuer_unit_id == org.A.id
    shown = service.view(session, a1_signer, a1.id)
    revenue = next(i for i in shown.items if i.code == "revenue")
    assert (revenue.threshold, revenue.target, revenue.weight) == (450_000 * YUAN, 500_000 * YUAN, 4000)
    assert [i.code for i in shown.items] == ["revenue", "profit", "debt", "tasks", "accident", "safety"]
    service.act(session, academy_hq, a1.id, "issue")  # the academy issues to its own unit
    service.act(session, a1_signer, a1.id, "sign")
    service.act(session, academy_hq, a1.id, "countersign")
    assert service.view(session, a1_signer, a1.id).item.state == "in_force"


def test_units_targets_that_do_not_add_up_to_the_parents_are_refused_and_nothing_stored(
    session, org, signed, academy_hq
):
    before = _statements(session)
    with pytest.raises(ValidationFailed) as refused:
        cascade.cascade(session, academy_hq, signed.id, shares(a1_revenue=490_000, a1_profit=48_000))
    messages = [(p.field, p.message, p.zh) for p in refused.value.problems]
    assert messages == [
        (
            "revenue",
            "unit A: its units' strive targets add up to 990000.00, not the parent statement's 1000000.00",
            "单位 A：所属单位的力争目标合计 990000.00，应等于上级责任书的 1000000.00",
        ),
        (
            "profit",
            "unit A: its units' strive targets add up to 98000.00, not the parent statement's 100000.00",
            "单位 A：所属单位的力争目标合计 98000.00，应等于上级责任书的 100000.00",
        ),
    ]
    assert _statements(session) == before


def test_a_unit_left_out_or_not_below_the_statements_unit_is_refused(session, org, signed, academy_hq):
    missing = shares()
    missing.pop("A2")
    missing["B1"] = shares()["A2"]
    with pytest.raises(ValidationFailed) as refused:
        cascade.cascade(session, academy_hq, signed.id, missing)
    assert sorted(p.field for p in refused.value.problems) == ["A2", "B1"]


def test_a_linear_item_left_out_takes_the_units_targets_of_record(session, org, signed, academy_hq):
    set_targets(session, org.A1, "total_profit", 45_000 * YUAN, 50_000 * YUAN)
    set_targets(session, org.A2, "total_profit", 35_000 * YUAN, 50_000 * YUAN)
    partial = shares()
    for unit in partial.values():
        unit.pop("profit")
    made = cascade.cascade(session, academy_hq, signed.id, partial)
    assert len(made) == 2


def test_only_a_signed_statement_is_cascaded_and_only_once(session, org, academy_hq, signed):
    cascade.cascade(session, academy_hq, signed.id, shares())
    with pytest.raises(Conflict):
        cascade.cascade(session, academy_hq, signed.id, shares())
    unsigned = service.draft(
        session, org.hq_analyst, "B", YEAR, "business", business(profit={"threshold": 1, "target": 2})
    )
    with pytest.raises(Conflict):
        cascade.cascade(session, org.hq_analyst, unsigned.id, {})


def test_only_the_academys_target_setters_cascade_it_and_a_unit_below_does_not_see_it(
    session, org, signed, signer, a1_signer
):
    with pytest.raises(Forbidden):
        cascade.cascade(session, signer, signed.id, shares())  # the academy's approver signs, never issues
    with pytest.raises(NotFound):
        cascade.cascade(session, a1_signer, signed.id, shares())


def _template(session, org, kind: str) -> None:
    content = business()
    items = [dict(i) for i in content.items]
    items[0].pop("threshold")
    items[0].pop("target")
    cascade.save_template(
        session, org.hq_analyst, "business", kind, ("经营业绩责任书", "Business"), type(content)(tuple(items))
    )


def test_hq_drafts_every_second_level_units_statement_from_its_kinds_template(session, org):
    set_targets(session, org.A, "revenue", 900_000 * YUAN, 1_000_000 * YUAN)
    set_targets(session, org.B, "revenue", 90 * YUAN, 100 * YUAN)
    set_targets(session, org.B, "total_profit", 9 * YUAN, 10 * YUAN)
    _template(session, org, "academy")
    _template(session, org, "company")
    made = cascade.draft_from_templates(session, org.hq_analyst, "G", YEAR, "business")
    assert sorted(s.unit_id for s in made) == sorted([org.A.id, org.B.id])
    assert all(s.template_id is not None for s in made)


def test_drafting_from_templates_names_each_unit_without_one_and_stores_nothing(session, org):
    set_targets(session, org.A, "revenue", 900_000 * YUAN, 1_000_000 * YUAN)
    _template(session, org, "academy")
    with pytest.raises(ValidationFailed) as refused:
        cascade.draft_from_templates(session, org.hq_analyst, "G", YEAR, "business")
    assert [p.field for p in refused.value.problems] == ["B"]
    assert refused.value.problems[0].zh == "没有“business”领域、单位类型 company 的责任书模板"
    assert _statements(session) == 0


def test_a_template_is_checked_like_a_statement_and_only_hq_at_the_group_saves_one(session, org, academy_hq):
    with pytest.raises(ValidationFailed):
        cascade.save_template(session, org.hq_analyst, "business", "academy", ("x", "x"), business(tasks={"weight": 1}))
    with pytest.raises(Forbidden):
        cascade.save_template(session, academy_hq, "business", "academy", ("x", "x"), business())
