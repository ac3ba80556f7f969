"""Importing elimination entries: stored exactly, audited, refused as a whole on any problem,
and read by the analysis so a consolidating unit is its subtree less its eliminations."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from pacer.analysis import Engine
from pacer.analysis.load import source
from pacer.auth.permissions import SYSTEM
from pacer.cli import app
from pacer.db import unit_of_work
from pacer.eliminations.service import import_eliminations_file
from pacer.errors import ValidationFailed
from pacer.facts.service import import_facts_file
from pacer.models import AuditEntry, EliminationEntry, PeriodLock, Submission
from tests.factories import create_unit, create_user, indicator, write_csv

HEADER = "unit_code,indicator_code,period,value,counterparty,description"
FACTS = "unit_code,indicator_code,period,value,basis"
TODAY = date(2026, 11, 22)
YI = 10**8 * 100


def state(session):
    return (
        tuple(session.scalar(select(func.count()).select_from(t)) for t in (EliminationEntry, AuditEntry)),
        tuple(session.execute(select(EliminationEntry.value).order_by(EliminationEntry.id)).scalars()),
    )


def test_entries_are_stored_exactly_and_each_change_is_audited(session, org, tmp_path):
    path = write_csv(
        tmp_path / "e.csv",
        HEADER,
        "A,revenue,2025-03,1000000000.00,A1→A2,internal sale",
        "G,accounts_receivable,2025-03,-12.5,A1→B1,",
    )
    assert import_eliminations_file(session, path, org.group_admin, TODAY) == {"rows": 2, "created": 2}
    entries = session.scalars(select(EliminationEntry).order_by(EliminationEntry.id)).all()
    assert [(e.unit_id, e.period, e.value, e.counterparty, e.created_by) for e in entries] == [
        (org.A.id, 202503, 10 * YI, "A1→A2", "grace"),
        (org.G.id, 202503, -1250, "A1→B1", "grace"),
    ]
    again = write_csv(
        tmp_path / "f.csv",
        HEADER,
        "A,revenue,2025-03,1200000000,A1→A2,internal sale",
        "G,accounts_receivable,2025-03,-12.50,A1→B1,",
    )
    assert import_eliminations_file(session, again, today=TODAY) == {"rows": 2, "updated": 1, "unchanged": 1}
    audit = session.scalars(select(AuditEntry).where(AuditEntry.entity == "elimination").order_by(AuditEntry.id)).all()
    assert [(a.entity_key, (a.before or {}).get("value"), a.after["value"]) for a in audit] == [
        ("A/revenue/2025-03", None, "1000000000.00"),
        ("G/accounts_receivable/2025-03", None, "-12.50"),
        ("A/revenue/2025-03", "1000000000.00", "1200000000.00"),
    ]


def test_one_unit_may_eliminate_several_pairs_in_the_same_month(session, org, tmp_path):
    path = write_csv(tmp_path / "e.csv", HEADER, "G,revenue,2025-03,5,A1→B1,", "G,revenue,2025-03,7,B1→A2,")
    assert import_eliminations_file(session, path, today=TODAY)["created"] == 2


@pytest.mark.parametrize(
    ("line", "field", "words"),
    [
        ("ZZ,revenue,2025-01,1,,", "unit_code", "unknown unit 'ZZ'"),
        ("A1,revenue,2025-01,1,,", "unit_code", "no units under it"),
        ("A,unicorns,2025-01,1,,", "indicator_code", "unknown indicator"),
        ("A,two_funds,2025-01,1,,", "indicator_code", "derived"),
        ("A,total_profit,2025-01,1,,", "indicator_code", "not configured for eliminations"),
        ("A,revenue,2025-01,abc,,", "value", "not a number"),
        ("A,revenue,2025-01,1.234,,", "value", "more than 2 decimal"),
        ("A,revenue,2025-13,1,,", "period", "not a period"),
        ("A,revenue,2027-01,1,,", "period", "future"),
        ("A,revenue,2025-01,2,x→y,", "period", "same unit, indicator, period and counterparty as row 2"),
        ("A,revenue,2025-01,1," + "x" * 201 + ",", "counterparty", "longer than 200"),
    ],
)
def test_bad_rows_are_refused_and_nothing_is_stored(session, org, tmp_path, line, field, words):
    before = state(session)
    path = write_csv(tmp_path / "e.csv", HEADER, "A,revenue,2025-01,5,x→y,", line)
    with pytest.raises(ValidationFailed) as caught:
        import_eliminations_file(session, path, today=TODAY)
    problem = caught.value.problems[0]
    assert (problem.row, problem.field) == (3, field)
    assert words in problem.message
    assert state(session) == before


def test_a_unit_outside_the_tree_that_month_is_refused(session, org, tmp_path):
    late = create_unit(session, "C", org.G, valid_from=date(2025, 6, 1))
    create_unit(session, "C1", late, valid_from=date(2025, 6, 1))
    before = state(session)
    path = write_csv(tmp_path / "e.csv", HEADER, "C,revenue,2025-05,1,,", "C,revenue,2025-06,1,,")
    with pytest.raises(ValidationFailed) as caught:
        import_eliminations_file(session, path, today=TODAY)
    assert [(p.row, p.field) for p in caught.value.problems] == [(2, "period")]
    assert "not in the org tree in 2025-05" in caught.value.problems[0].message
    assert state(session) == before


def test_locked_periods_and_submissions_accepted_through_the_workflow_are_refused(session, org, tmp_path):
    from pacer.models import WorkflowItem

    session.add(PeriodLock(period=202501))
    item = WorkflowItem(workflow="submission", entity_key="A/2025-02", unit_id=org.A.id, state="accepted")
    session.add(item)
    session.flush()
    session.add(Submission(unit_id=org.A.id, period=202502, state="accepted", workflow_item_id=item.id))
    session.add(Submission(unit_id=org.B.id, period=202503, state="accepted"))  # HQ's load locks nothing
    session.flush()
    before = state(session)
    path = write_csv(
        tmp_path / "e.csv", HEADER, "A,revenue,2025-01,1,,", "A,revenue,2025-02,1,,", "B,revenue,2025-02,1,,"
    )
    with pytest.raises(ValidationFailed) as caught:
        import_eliminations_file(session, path, today=TODAY)
    assert [(p.row, p.field) for p in caught.value.problems] == [(2, "period"), (3, "period")]
    assert "locked" in caught.value.problems[0].message
    assert "accepted" in caught.value.problems[1].message
    assert state(session) == before
    path = write_csv(tmp_path / "f.csv", HEADER, "B,revenue,2025-03,1,,")
    assert import_eliminations_file(session, path, today=TODAY)["created"] == 1


def test_a_user_who_cannot_see_the_consolidating_unit_is_refused(session, org, tmp_path):
    before = state(session)
    path = write_csv(tmp_path / "e.csv", HEADER, "A,revenue,2025-01,1,,")
    for outsider in (org.unit_reporter, org.other_reporter, org.outsider, org.academy_viewer):
        with pytest.raises(ValidationFailed) as caught:
            import_eliminations_file(session, path, outsider, TODAY)
        assert caught.value.problems[0].field == "unit_code"
        assert "unknown unit 'A'" in caught.value.problems[0].message
    assert state(session) == before


def test_hq_analysts_enter_eliminations_within_the_subtrees_they_are_granted(session, org, tmp_path):
    at_a = write_csv(tmp_path / "a.csv", HEADER, "A,revenue,2025-01,1,A1→A2,")
    assert import_eliminations_file(session, at_a, org.hq_analyst, TODAY) == {"rows": 1, "created": 1}
    analyst_of_b = create_user(session, "bianca", [("hq_analyst", org.B)])
    before = state(session)
    with pytest.raises(ValidationFailed) as caught:
        import_eliminations_file(session, write_csv(tmp_path / "b.csv", HEADER, "A,revenue,2025-02,1,,"), analyst_of_b)
    assert "unknown unit 'A'" in caught.value.problems[0].message  # outside B's subtree: as if unknown
    assert state(session) == before
    at_b = write_csv(tmp_path / "c.csv", HEADER, "B,revenue,2025-02,2,,")
    assert import_eliminations_file(session, at_b, analyst_of_b, TODAY) == {"rows": 1, "created": 1}
    assert session.scalars(select(EliminationEntry.created_by).order_by(EliminationEntry.id)).all() == [
        "hannah",
        "bianca",
    ]


def test_the_analysis_takes_the_eliminations_off_the_consolidating_unit_and_its_ancestors(session, org, tmp_path):
    import_facts_file(
        session,
        write_csv(
            tmp_path / "f.csv",
            FACTS,
            "A1,revenue,2025-03,30,monthly",
            "A2,revenue,2025-03,20,monthly",
            "B1,revenue,2025-03,5,monthly",
            "A1,total_profit,2025-03,3,monthly",
        ),
        SYSTEM,
        TODAY,
    )
    import_eliminations_file(
        session,
        write_csv(tmp_path / "e.csv", HEADER, "A,revenue,2025-03,10,A1→A2,", "G,revenue,2025-03,1,A2→B1,"),
        today=TODAY,
    )
    data = source.load(session.connection(), today=TODAY)
    engine = Engine(
        data.units,
        data.tree,
        data.indicators,
        data.facts,
        data.targets,
        data.first_year,
        eliminations=data.eliminations,
    )
    node = data.unit_index()
    revenue = {
        code: engine.cockpit(node[code], 2025, 3, ["revenue"]).row("revenue").value.scaled
        for code in ("G", "A", "A1", "B")
    }
    assert revenue == {"G": (30 + 20 + 5 - 10 - 1) * 100, "A": 40 * 100, "A1": 30 * 100, "B": 5 * 100}
    assert len(data.eliminations) == 2
    assert np.array_equal(np.sort(data.eliminations.value), [100, 1000])
    # an indicator no longer configured for eliminations keeps its entries out of the analysis
    indicator(session, "revenue").eliminated = False
    session.flush()
    assert not len(source.load(session.connection(), today=TODAY).eliminations)


def test_the_command_stores_a_good_file_and_refuses_a_bad_one_with_exit_code_2(database_url, tmp_path):
    runner = CliRunner()
    with unit_of_work() as session:
        g = create_unit(session, "G", kind="group")
        create_unit(session, "A", g)
    good = write_csv(tmp_path / "good.csv", HEADER, "G,revenue,2025-03,10,A→B,")
    result = runner.invoke(app, ["eliminations", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert "created 1" in result.output
    bad = write_csv(tmp_path / "bad.csv", HEADER, "G,revenue,2025-04,10,,", "A,revenue,2025-04,1,,")
    result = runner.invoke(app, ["eliminations", "import", str(bad)])
    assert result.exit_code == 2
    assert "row 3" in result.output
    assert "no units under it" in result.output
    with unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(EliminationEntry)) == 1
