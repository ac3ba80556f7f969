"""HQ's direct load (`pacer facts import` by the system or by one who may accept the unit's
month) is an accepted load: the monitor and the submission list show the month accepted, the
audit trail says who loaded it from what. It locks nothing for HQ, who loads it again to correct
it; a month accepted through the workflow stays locked; a unit's own load leaves a draft."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from pacer.auth.permissions import SYSTEM
from pacer.errors import Conflict, ValidationFailed
from pacer.facts.service import import_facts_file
from pacer.models import AuditEntry, Submission
from pacer.submissions import monitor, service
from tests.factories import write_csv
from tests.submissions.test_service import approver, assign_month, figures  # noqa: F401  (a fixture)

HEADER = "unit_code,indicator_code,period,value"
TODAY = date(2026, 11, 22)


def load(session, tmp_path, actor, *lines, name="f.csv"):
    return import_facts_file(session, write_csv(tmp_path / name, HEADER, *lines), actor, TODAY)


def submission(session, unit, period=202501):
    session.expire_all()
    return session.scalars(select(Submission).where(Submission.unit_id == unit.id, Submission.period == period)).one()


def loads(session):
    rows = session.scalars(select(AuditEntry).where(AuditEntry.action == "submission.load").order_by(AuditEntry.id))
    return [(a.actor, a.entity_key, a.before, a.after) for a in rows]


@pytest.mark.parametrize("who", ["system", "grace"])
def test_hqs_load_is_an_accepted_month_in_the_audit_trail(session, org, tmp_path, who):
    actor = SYSTEM if who == "system" else org.group_admin
    load(session, tmp_path, actor, "A1,revenue,2025-01,10", "A2,revenue,2025-01,20", "A1,revenue,2025-02,30")
    assert (submission(session, org.A1).state, submission(session, org.A1).source) == (
        "accepted",
        str(tmp_path / "f.csv"),
    )
    assert submission(session, org.A1, 202502).state == "accepted"
    after = {"state": "accepted", "source": str(tmp_path / "f.csv")}
    assert loads(session) == [
        (who, "A1/2025-01", None, after),
        (who, "A1/2025-02", None, after),
        (who, "A2/2025-01", None, after),
    ]


def test_the_monitor_and_the_list_show_hqs_load_as_accepted(session, org, tmp_path):
    load(session, tmp_path, SYSTEM, "A1,revenue,2025-01,10")
    board = monitor.monitor(session, org.hq_analyst, 202501, now=datetime(2025, 2, 10, tzinfo=UTC))
    line = next(line for line in board.lines if line.unit.code == "A1")
    assert (line.status, line.late) == ("accepted", False)
    total, rows = service.submissions(session, org.hq_analyst, 202501, "accepted")
    assert (total, [u.code for _, u, _ in rows]) == (1, ["A1"])


def test_hq_loads_its_accepted_month_again_to_correct_it(session, org, tmp_path):
    load(session, tmp_path, SYSTEM, "A1,revenue,2025-01,10")
    counts = load(session, tmp_path, org.group_admin, "A1,revenue,2025-01,12", name="again.csv")
    assert counts["updated"] == 1
    assert submission(session, org.A1).state == "accepted"
    second = loads(session)[-1]
    assert second[:2] == ("grace", "A1/2025-01")
    assert second[2] == {"state": "accepted", "source": str(tmp_path / "f.csv")}
    assert second[3]["source"] == str(tmp_path / "again.csv")


def test_a_units_own_load_leaves_a_draft_and_no_load_in_the_audit_trail(session, org, tmp_path):
    load(session, tmp_path, org.unit_reporter, "A1,revenue,2025-01,10")
    assert submission(session, org.A1).state == "draft"
    assert loads(session) == []


def test_a_unit_cannot_start_its_submission_over_hqs_accepted_load(session, org, tmp_path):
    load(session, tmp_path, SYSTEM, "A1,revenue,2025-01,10")
    with pytest.raises(Conflict, match="HQ's accepted load"):
        service.save_figures(session, org.unit_reporter, "A1", 202501, figures("revenue=1"))
    sub = submission(session, org.A1)
    assert (sub.state, sub.workflow_item_id) == ("accepted", None)


def test_a_month_in_the_workflow_keeps_its_state_and_once_accepted_refuses_hqs_load(session, org, tmp_path, approver):  # noqa: F811
    assign_month(session, org.hq_analyst)
    service.save_figures(session, org.unit_reporter, "A1", 202501, figures("revenue=1", "total_profit=1"))
    load(session, tmp_path, SYSTEM, "A1,revenue,2025-01,10")
    assert submission(session, org.A1).state == "draft"  # the workflow's: its acceptance replaces HQ's figures
    assert loads(session) == []
    service.act(session, org.unit_reporter, "A1", 202501, "submit")
    service.act(session, approver, "A1", 202501, "approve")
    service.act(session, org.hq_analyst, "A1", 202501, "accept")
    with pytest.raises(ValidationFailed) as refused:
        load(session, tmp_path, SYSTEM, "A1,revenue,2025-01,11", name="late.csv")
    assert "accepted and locked" in refused.value.problems[0].message
    assert submission(session, org.A1).state == "accepted"
