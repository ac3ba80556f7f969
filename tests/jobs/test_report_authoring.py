"""Who writes a report: HQ's analysts write the group's (and any unit's in their subtree), unit
reporters their unit's; a reviewer approves, and nobody approves a version they submitted."""

from __future__ import annotations

from datetime import date

import pytest

from pacer.auth.permissions import load_actor
from pacer.errors import Forbidden, NotFound
from pacer.reports import record
from tests.factories import create_user

MONTH = f"{date.today().year}-{date.today().month:02d}"


def test_an_hq_analyst_writes_and_submits_the_group_report_and_a_reviewer_approves_it(session, org):
    hannah, grace = load_actor(session, "hannah"), load_actor(session, "grace")
    rec = record.open_record(session, hannah, "G", "bulletin", MONTH, "month")
    record.edit(session, hannah, rec.id, {"problems": "两金占用偏高", "plan": "四季度压降"})
    assert record.shown(session, hannah, rec.id).editable
    record.act(session, hannah, rec.id, "submit")
    with pytest.raises(Forbidden):
        record.act(session, hannah, rec.id, "approve")
    assert "approve" in [t.verb for t in record.shown(session, grace, rec.id).verbs]
    record.act(session, grace, rec.id, "approve")
    shown = record.shown(session, grace, rec.id)
    assert shown.item.state == "approved"
    assert [(e.verb, e.actor) for e in shown.history][1:] == [("submit", "hannah"), ("approve", "grace")]
    assert shown.versions[0].narrative["problems"] == "两金占用偏高"


def test_an_hq_analyst_authors_for_a_unit_below_the_group(session, org):
    hannah = load_actor(session, "hannah")
    rec = record.open_record(session, hannah, "A1", "bulletin", MONTH, "month")
    record.edit(session, hannah, rec.id, {"problems": "回款慢"})
    assert record.act(session, hannah, rec.id, "submit").id == rec.id


def test_the_author_does_not_approve_their_own_report_even_holding_approval(session, org):
    create_user(session, "ann", [("unit_approver", org.A)])
    grace, ann = load_actor(session, "grace"), load_actor(session, "ann")
    rec = record.open_record(session, grace, "A", "bulletin", MONTH, "month")
    record.act(session, grace, rec.id, "submit")
    assert "approve" not in [t.verb for t in record.shown(session, grace, rec.id).verbs]
    with pytest.raises(Forbidden, match="author"):
        record.act(session, grace, rec.id, "approve")
    record.act(session, ann, rec.id, "approve")
    assert record.shown(session, ann, rec.id).item.state == "approved"


def test_authoring_stays_inside_the_subtree_and_a_viewer_does_not_author(session, org):
    alice, victor = load_actor(session, "alice"), load_actor(session, "victor")
    with pytest.raises(NotFound):
        record.open_record(session, alice, "B1", "bulletin", MONTH, "month")
    with pytest.raises(NotFound):
        record.open_record(session, alice, "A", "bulletin", MONTH, "month")  # A1's reporter sees only A1
    with pytest.raises(Forbidden):
        record.open_record(session, victor, "A", "bulletin", MONTH, "month")
    assert record.open_record(session, alice, "A1", "bulletin", MONTH, "month").unit_id == org.A1.id
