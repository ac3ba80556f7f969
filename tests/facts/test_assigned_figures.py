"""A facts import follows who reports what: a figure a unit is not assigned is refused."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from pacer.auth.permissions import SYSTEM
from pacer.errors import ValidationFailed
from pacer.facts.service import import_facts_file
from pacer.indicators.assignment_service import AssignmentIn, assign
from pacer.models import Fact
from tests.factories import write_csv

HEADER = "unit_code,indicator_code,period,value,basis"
TODAY = date(2026, 11, 22)


def test_a_figure_the_unit_is_not_assigned_is_named_by_row_and_field_and_nothing_is_stored(session, org, tmp_path):
    assign(
        session,
        SYSTEM,
        AssignmentIn(indicator_code="inventory", kind="institute", exclude=True, from_month="2025-03", reason="r"),
    )
    path = write_csv(
        tmp_path / "f.csv",
        HEADER,
        "A1,revenue,2025-03,10,",
        "A1,inventory,2025-02,10,",  # before the rule: still reported
        "A1,inventory,2025-03,10,",
        "A2,inventory,2025-03,10,",  # a factory
    )
    with pytest.raises(ValidationFailed) as failed:
        import_facts_file(session, path, SYSTEM, TODAY)
    [problem] = failed.value.problems
    assert (problem.row, problem.field) == (4, "indicator_code")
    assert "unit 'A1' does not report 'inventory' in 2025-03" in problem.message
    assert session.scalar(select(func.count()).select_from(Fact)) == 0


def test_without_rules_every_unit_may_report_every_indicator(session, org, tmp_path):
    path = write_csv(tmp_path / "f.csv", HEADER, "A1,inventory,2025-03,10,", "B1,rd_expense,2025-03,1,monthly")
    assert import_facts_file(session, path, SYSTEM, TODAY)["created"] == 2
