"""Who reports what, in the database: effective dating, exceptions, history, access, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pacer.auth.permissions import SYSTEM
from pacer.errors import Conflict, Forbidden, NotFound, ValidationFailed
from pacer.indicators.assignment_service import (
    AssignmentIn,
    assign,
    assignment_history,
    assignment_matrix,
    available_indicators,
    close,
    list_rules,
    reported_indicators,
    required_missing,
    unassigned,
)
from pacer.indicators.library import load_library
from pacer.models import AuditEntry, Fact, IndicatorAssignment
from tests.factories import create_user, indicator

EXPRESS = load_library().reported()


def rule(**fields: object) -> AssignmentIn:
    fields.setdefault("from_month", "2025-03")
    fields.setdefault("reason", "institutes keep no inventory")
    return AssignmentIn(**fields)


def test_a_group_without_rules_has_every_unit_report_the_whole_express_report(session, org):
    assert reported_indicators(session, org.A1, 202503) == EXPRESS
    matrix = assignment_matrix(session, 202503)
    assert matrix[org.A1.id] == matrix[org.B1.id] == frozenset(indicator(session, c).id for c in EXPRESS)


def test_a_rule_from_march_leaves_february_as_it_was(session, org):
    assign(session, org.hq_analyst, rule(indicator_code="inventory", kind="institute", exclude=True))
    assert "inventory" in reported_indicators(session, org.A1, 202502)
    assert "inventory" not in reported_indicators(session, org.A1, 202503)
    assert "inventory" in reported_indicators(session, org.A2, 202503)  # a factory, not an institute


def test_a_unit_exception_overrides_its_kinds_set(session, org):
    assign(session, org.hq_analyst, rule(set_code="express_report", kind="institute"))
    assign(session, org.hq_analyst, rule(indicator_code="inventory", kind="institute", exclude=True))
    assign(session, org.hq_analyst, rule(indicator_code="inventory", unit_code="A1", reason="A1 runs a workshop"))
    assert "inventory" in reported_indicators(session, org.A1, 202503)
    assert "two_funds" in available_indicators(session, org.A1, 202503)


def test_a_tag_rule_reaches_the_units_with_that_tag(session, org):
    org.B1.tags = {"line": "civil"}
    session.flush()
    assign(session, org.group_admin, rule(indicator_code="rd_expense", tag="line=civil", exclude=True))
    assert "rd_expense" not in reported_indicators(session, org.B1, 202504)
    assert "rd_expense" in reported_indicators(session, org.A1, 202504)
    assert "rd_intensity" not in available_indicators(session, org.B1, 202504)


def test_closing_a_rule_keeps_it_in_the_history_and_ends_it_from_the_month_given(session, org):
    made = assign(session, org.hq_analyst, rule(indicator_code="inventory", unit_code="A1", exclude=True))
    close(session, org.hq_analyst, made.id, "2025-07", "A1 took over a warehouse")
    assert "inventory" not in reported_indicators(session, org.A1, 202506)
    assert "inventory" in reported_indicators(session, org.A1, 202507)
    [row] = assignment_history(session, org.hq_analyst, org.A1)
    assert (row.from_period, row.to_period, row.closed_by) == (202503, 202506, "hannah")
    assert row.closed_reason == "A1 took over a warehouse"
    assert list_rules(session, org.hq_analyst, 202507) == []
    assert [r.id for r in list_rules(session, org.hq_analyst, 202506)] == [made.id]
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "indicator_assignment"))
    assert sorted(actions) == ["indicator_assignment.add", "indicator_assignment.close"]


def test_a_rule_cannot_be_closed_twice_or_before_it_starts(session, org):
    made = assign(session, SYSTEM, rule(indicator_code="inventory", unit_code="A1", exclude=True))
    with pytest.raises(Conflict, match="starts in 2025-03"):
        close(session, SYSTEM, made.id, "2025-01", "too early")
    close(session, SYSTEM, made.id, "2025-05", "done")
    with pytest.raises(Conflict, match="already ends with 2025-04"):
        close(session, SYSTEM, made.id, "2025-06", "again")


def test_every_problem_of_a_rule_is_named_at_once_and_nothing_is_stored(session, org):
    bad = AssignmentIn(set_code="nope", kind="planet", from_month="2025-13", to_month="2024-01", reason=" ")
    with pytest.raises(ValidationFailed) as failed:
        assign(session, org.group_admin, bad)
    fields = {p.field for p in failed.value.problems}
    assert fields == {"set", "kind", "from", "reason"}
    assert session.scalar(select(func.count()).select_from(IndicatorAssignment)) == 0


def test_excluding_a_derived_indicator_is_refused_with_what_to_do_instead(session, org):
    with pytest.raises(ValidationFailed, match="exclude the indicators it is computed from"):
        assign(session, SYSTEM, rule(indicator_code="two_funds", unit_code="A1", exclude=True))


def test_a_unit_role_cannot_assign_and_nothing_is_stored(session, org):
    with pytest.raises(Forbidden):
        assign(session, org.unit_reporter, rule(indicator_code="inventory", unit_code="A1", exclude=True))
    with pytest.raises(Forbidden):
        assign(session, org.academy_viewer, rule(indicator_code="inventory", kind="institute", exclude=True))
    assert session.scalar(select(func.count()).select_from(IndicatorAssignment)) == 0


def test_an_analyst_of_one_subtree_sets_its_units_rules_but_neither_group_rules_nor_a_siblings(session, org):
    local = create_user(session, "lena", [("hq_analyst", org.A)])
    assign(session, local, rule(indicator_code="inventory", unit_code="A1", exclude=True))
    with pytest.raises(ValidationFailed, match="unknown unit 'B1'"):
        assign(session, local, rule(indicator_code="inventory", unit_code="B1", exclude=True))
    with pytest.raises(Forbidden, match="whole group"):
        assign(session, local, rule(indicator_code="inventory", kind="institute", exclude=True))


def test_a_unit_role_cannot_close_a_rule_nor_see_a_siblings(session, org):
    made = assign(session, SYSTEM, rule(indicator_code="inventory", unit_code="B1", exclude=True))
    with pytest.raises(NotFound):
        close(session, org.unit_reporter, made.id, "2025-05", "mine now")
    with pytest.raises(Forbidden):
        close(session, org.other_reporter, made.id, "2025-05", "mine now")
    assert list_rules(session, org.unit_reporter, 202505) == []
    assert [r.id for r in list_rules(session, org.other_reporter, 202505)] == [made.id]


def test_required_missing_lists_the_assigned_indicators_without_a_figure(session, org):
    assign(session, SYSTEM, rule(set_code="one_profit_five_ratios", unit_code="A1", from_month="2025-01"))
    session.add(Fact(unit_id=org.A1.id, indicator_id=indicator(session, "revenue").id, period=202503, value=1))
    session.flush()
    missing = required_missing(session, org.unit_reporter, org.A1, 202503)
    assert "revenue" not in missing
    assert "total_profit" in missing
    assert "inventory" not in missing
    with pytest.raises(Forbidden):
        required_missing(session, org.other_reporter, org.A1, 202503)


def test_unassigned_is_empty_without_rules_and_names_the_figures_outside_the_assignment(session, org):
    inventory = indicator(session, "inventory").id
    wanted = [(org.A1.id, inventory, 202503), (org.A1.id, inventory, 202502), (org.A2.id, inventory, 202503)]
    assert unassigned(session, wanted) == set()
    assign(session, SYSTEM, rule(indicator_code="inventory", kind="institute", exclude=True))
    assert unassigned(session, wanted) == {(org.A1.id, inventory, 202503)}
