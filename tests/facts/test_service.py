from datetime import date

import pytest
from sqlalchemy import func, select

from pacer.errors import ValidationFailed
from pacer.facts.service import import_facts_file
from pacer.models import AuditEntry, Fact, PeriodLock, Submission
from tests.factories import indicator, write_csv

HEADER = "unit_code,indicator_code,period,value,basis"
TODAY = date(2026, 11, 22)


def stored(session, unit, code):
    ind = indicator(session, code)
    rows = session.execute(
        select(Fact.period, Fact.value)
        .where(Fact.unit_id == unit.id, Fact.indicator_id == ind.id)
        .order_by(Fact.period)
    )
    return dict(rows.all())


def state(session):
    return tuple(session.scalar(select(func.count()).select_from(t)) for t in (Fact, Submission, AuditEntry))


def test_year_to_date_reports_are_stored_as_monthly_amounts(session, org, tmp_path):
    path = write_csv(
        tmp_path / "f.csv",
        HEADER,
        "A1,revenue,2025-01,100.50,ytd",
        "A1,revenue,2025-02,250.00,ytd",
        "A1,revenue,2025-03,400,ytd",
    )
    result = import_facts_file(session, path, org.unit_reporter, TODAY)
    assert result["created"] == 3
    assert stored(session, org.A1, "revenue") == {202501: 10050, 202502: 14950, 202503: 15000}


def test_a_later_ytd_month_differs_against_stored_months(session, org, tmp_path):
    import_facts_file(
        session,
        write_csv(tmp_path / "a.csv", HEADER, "A1,revenue,2025-01,100,monthly", "A1,revenue,2025-02,50,monthly"),
        today=TODAY,
    )
    import_facts_file(session, write_csv(tmp_path / "b.csv", HEADER, "A1,revenue,2025-03,200,ytd"), today=TODAY)
    assert stored(session, org.A1, "revenue")[202503] == 5000


def test_stock_balances_are_stored_as_given(session, org, tmp_path):
    import_facts_file(
        session,
        write_csv(tmp_path / "f.csv", HEADER, "A1,inventory,2025-03,1234.56,", "A1,headcount,2025-03,812,"),
        today=TODAY,
    )
    assert stored(session, org.A1, "inventory") == {202503: 123456}
    assert stored(session, org.A1, "headcount") == {202503: 812}


def test_each_stored_figure_writes_an_audit_row_with_before_and_after(session, org, tmp_path):
    import_facts_file(session, write_csv(tmp_path / "a.csv", HEADER, "A1,revenue,2025-01,100,monthly"), today=TODAY)
    import_facts_file(
        session, write_csv(tmp_path / "b.csv", HEADER, "A1,revenue,2025-01,120,monthly"), org.unit_reporter, TODAY
    )
    entries = session.scalars(select(AuditEntry).where(AuditEntry.entity == "fact").order_by(AuditEntry.id)).all()
    assert [(e.before, e.after) for e in entries] == [
        (None, {"value": "100.00"}),
        ({"value": "100.00"}, {"value": "120.00"}),
    ]
    assert entries[1].actor == "alice"


@pytest.mark.parametrize(
    ("line", "field", "words"),
    [
        ("ZZ,revenue,2025-01,1,", "unit_code", "unknown unit 'ZZ'"),
        ("A1,unicorns,2025-01,1,", "indicator_code", "unknown indicator"),
        ("A1,rd_intensity,2025-01,1,", "indicator_code", "derived"),
        ("A1,revenue,2025-01,abc,", "value", "not a number"),
        ("A1,revenue,2025-01,1.234,", "value", "more than 2 decimal"),
        ("A1,headcount,2025-01,1.5,", "value", "more than 0 decimal"),
        ("A1,revenue,2025-13,1,", "period", "not a period"),
        ("A1,revenue,2027-01,1,", "period", "future"),
        ("A1,revenue,2025-03,1,ytd", "value", "every earlier month"),
        ("A1,revenue,2025-01,1,weekly", "basis", "basis must be"),
    ],
)
def test_bad_rows_are_refused_and_nothing_is_stored(session, org, tmp_path, line, field, words):
    before = state(session)
    path = write_csv(tmp_path / "f.csv", HEADER, "A1,revenue,2025-01,5,monthly", line)
    with pytest.raises(ValidationFailed) as caught:
        import_facts_file(session, path, today=TODAY)
    problem = caught.value.problems[0]
    assert (problem.row, problem.field) == (3, field)
    assert words in problem.message
    assert state(session) == before


def test_a_locked_period_is_refused(session, org, tmp_path):
    session.add(PeriodLock(period=202412))
    session.flush()
    with pytest.raises(ValidationFailed, match="2024-12 is locked"):
        import_facts_file(session, write_csv(tmp_path / "f.csv", HEADER, "A1,revenue,2024-12,1,"), today=TODAY)


def test_a_submission_accepted_through_the_workflow_is_locked_and_hqs_accepted_load_is_not(session, org, tmp_path):
    from pacer.models import WorkflowItem

    item = WorkflowItem(workflow="submission", entity_key="A1/2025-01", unit_id=org.A1.id, state="accepted")
    session.add(item)
    session.flush()
    session.add(Submission(unit_id=org.A1.id, period=202501, state="accepted", workflow_item_id=item.id))
    session.add(Submission(unit_id=org.A2.id, period=202501, state="accepted"))  # HQ's load
    session.flush()
    with pytest.raises(ValidationFailed, match="accepted and locked"):
        import_facts_file(session, write_csv(tmp_path / "f.csv", HEADER, "A1,revenue,2025-01,1,"), today=TODAY)
    assert (
        import_facts_file(session, write_csv(tmp_path / "g.csv", HEADER, "A2,revenue,2025-01,1,"), today=TODAY)[
            "created"
        ]
        == 1
    )


def test_duplicate_rows_in_one_file_are_refused(session, org, tmp_path):
    path = write_csv(tmp_path / "f.csv", HEADER, "A1,revenue,2025-01,1,", "A1,revenue,2025-01,2,")
    with pytest.raises(ValidationFailed, match="same unit, indicator and period as row 2"):
        import_facts_file(session, path, today=TODAY)


def test_reporter_cannot_report_for_a_sibling_unit(session, org, tmp_path):
    path = write_csv(tmp_path / "f.csv", HEADER, "B1,revenue,2025-01,1,")
    with pytest.raises(ValidationFailed, match="unknown unit 'B1'"):
        import_facts_file(session, path, org.unit_reporter, TODAY)
    assert stored(session, org.B1, "revenue") == {}


def test_figures_before_a_unit_existed_are_refused(session, org, tmp_path):
    org.A2.created_on = date(2025, 3, 1)
    session.flush()
    with pytest.raises(ValidationFailed, match="created on 2025-03-01"):
        import_facts_file(session, write_csv(tmp_path / "f.csv", HEADER, "A2,revenue,2025-02,1,"), today=TODAY)
