"""The audit trail as read: searched by unit, indicator, month, person, kind and day, newest
first, page after page; visible to HQ for the group and to an approver for their subtree only;
one figure's history with every value, who, when, from which file and why."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from pacer.audit import trail
from pacer.audit.query import AuditAsk, parse_ask
from pacer.audit.service import record
from pacer.errors import Forbidden, NotFound, ValidationFailed
from pacer.facts.service import import_facts_file
from pacer.models import AuditEntry
from tests.factories import create_user, write_csv

HEADER = "unit_code,indicator_code,period,value,basis"
TODAY = date(2026, 11, 22)


@pytest.fixture
def changes(session, org, tmp_path):
    """Figures of A1 and B1 (A1's revenue changed twice), a grant at B and a group-wide change."""
    import_facts_file(session, write_csv(tmp_path / "a.csv", HEADER, "A1,revenue,2025-03,100,monthly"), today=TODAY)
    import_facts_file(
        session, write_csv(tmp_path / "a2.csv", HEADER, "A1,revenue,2025-03,120,monthly"), org.group_admin, TODAY
    )
    import_facts_file(session, write_csv(tmp_path / "b.csv", HEADER, "B1,revenue,2025-03,7,monthly"), today=TODAY)
    record(session, "grace", "grant.add", "role_grant", "bob/unit_approver@B", None, {"role": "unit_approver"})
    record(session, "grace", "indicator.update", "indicator", "revenue", {"name": "a"}, {"name": "b"})
    session.flush()
    return org


def keys(page):
    return [line.entry.entity_key for line in page.lines]


def test_rows_name_their_unit_indicator_and_month_when_written(session, changes):
    row = session.query(AuditEntry).filter(AuditEntry.entity_key == "B1/revenue/2025-03").one()
    assert (row.unit_id, row.indicator, row.period) == (changes.B1.id, "revenue", 202503)
    grant = session.query(AuditEntry).filter(AuditEntry.entity == "role_grant").one()
    assert (grant.unit_id, grant.period) == (changes.B.id, None)


def test_hq_reads_the_whole_group_newest_first(session, changes):
    page = trail.search(session, changes.hq_analyst, AuditAsk())
    found = keys(page)
    assert found[:2] == ["revenue", "bob/unit_approver@B"]  # the latest first, group-wide rows included
    assert found.count("A1/revenue/2025-03") == 2
    assert "B1/revenue/2025-03" in found
    ids = [line.entry.id for line in page.lines]
    assert ids == sorted(ids, reverse=True)


def test_an_approver_reads_their_subtree_and_nothing_beyond(session, changes):
    approver = create_user(session, "amy", [("unit_approver", changes.A)])
    found = keys(trail.search(session, approver, AuditAsk()))
    assert "A1/revenue/2025-03" in found
    # A1's figures and its month's report only: not B1's, not the grant at B, not the group-wide row
    assert all(k.startswith(("A1/", "submission/A1/")) for k in found), found
    # asking for a unit outside the subtree finds nothing, the same as an unknown unit
    assert keys(trail.search(session, approver, AuditAsk(unit="B1"))) == []
    assert keys(trail.search(session, approver, AuditAsk(unit="NOPE"))) == []
    with pytest.raises(NotFound):
        trail.figure_history(session, approver, "B1", "revenue", 202503)


def test_those_who_neither_approve_nor_work_at_hq_may_not_read_it(session, changes):
    with pytest.raises(Forbidden):
        trail.search(session, changes.unit_reporter, AuditAsk())
    with pytest.raises(Forbidden):
        trail.search(session, changes.academy_viewer, AuditAsk())


def test_filters_by_unit_subtree_person_kind_month_and_day(session, changes):
    hq = changes.group_admin
    assert set(keys(trail.search(session, hq, AuditAsk(unit="A", kind="fact")))) == {"A1/revenue/2025-03"}
    assert keys(trail.search(session, hq, AuditAsk(person="grace", kind="fact"))) == ["A1/revenue/2025-03"]
    assert keys(trail.search(session, hq, AuditAsk(kind="role_grant"))) == ["bob/unit_approver@B"]
    assert len(trail.search(session, hq, AuditAsk(indicator="revenue", period=202503)).lines) == 3
    assert keys(trail.search(session, hq, AuditAsk(period=202504))) == []
    today = date.today()
    assert len(trail.search(session, hq, AuditAsk(unit="G", kind="fact", start=today, end=today)).lines) == 3
    assert keys(trail.search(session, hq, AuditAsk(unit="G", end=today - timedelta(days=1)))) == []


def test_pages_follow_each_other_without_gaps_or_repeats(session, changes):
    hq = changes.group_admin
    everything = [line.entry.id for line in trail.search(session, hq, AuditAsk(unit="G"), 100).lines]
    seen, ask = [], AuditAsk(unit="G")
    while True:
        page = trail.search(session, hq, ask, 2)
        seen += [line.entry.id for line in page.lines]
        if page.next_before is None:
            break
        ask = replace(ask, before=page.next_before)
    assert seen == everything
    assert len(everything) >= 4  # the figures, the grant and the months' reports the imports wrote


def test_bad_search_fields_are_refused_naming_each():
    with pytest.raises(ValidationFailed) as refused:
        parse_ask(period="2025-13", kind="gossip", start="yesterday", before="x")
    fields = [p.field for p in refused.value.problems]
    assert fields == ["period", "kind", "from", "before"]
    with pytest.raises(ValidationFailed, match="ends before it starts"):
        parse_ask(start="2026-02-01", end="2026-01-01")


def test_a_figure_s_history_has_every_value_who_when_and_from_which_file(session, changes):
    h = trail.figure_history(session, changes.hq_analyst, "A1", "revenue", 202503)
    assert h.current == "120.00"
    values = [(s.entry.actor, s.before, s.after, s.source.rsplit("/", 1)[-1]) for s in h.steps]
    assert values == [("system", None, "100.00", "a.csv"), ("grace", "100.00", "120.00", "a2.csv")]
    with pytest.raises(NotFound):
        trail.figure_history(session, changes.hq_analyst, "A1", "no_such_indicator", 202503)


def test_the_page_shows_what_changed_key_by_key():
    from pacer.audit.shown import diff_text

    before = {"version": 1, "figures": {"revenue": "1 monthly", "cost": "2 monthly"}, "situation": ""}
    after = {"version": 2, "figures": {"revenue": "3 monthly", "cost": "2 monthly", "new": "4 monthly"}}
    assert diff_text(before, after) == (
        "version: 1 → 2; figures.revenue: 1 monthly → 3 monthly; figures.new: — → 4 monthly"
    )
    assert diff_text(None, {"state": "draft"}) == "state: draft"


def test_a_large_subtree_read_newest_first_finds_the_same_rows(session, changes, monkeypatch):
    from pacer.audit import repository

    approver = create_user(session, "amy", [("unit_approver", changes.A)])
    asks = [AuditAsk(), AuditAsk(unit="A"), AuditAsk(unit="G", kind="fact"), AuditAsk(indicator="revenue")]
    few = [keys(trail.search(session, approver, a)) for a in asks] + [
        keys(trail.search(session, changes.hq_analyst, a)) for a in asks
    ]
    monkeypatch.setattr(repository, "DENSE", 0)  # every subtree counts as large
    many = [keys(trail.search(session, approver, a)) for a in asks] + [
        keys(trail.search(session, changes.hq_analyst, a)) for a in asks
    ]
    assert many == few
    assert few[0].count("A1/revenue/2025-03") == 2


def test_a_unit_dissolved_before_today_stays_in_the_trail_of_the_subtree_it_was_last_in(session, changes, tmp_path):
    from pacer.models import UnitParentage
    from tests.factories import create_unit

    gone = create_unit(session, "A9", changes.A, dissolved_on=date(2025, 12, 31))
    csv = write_csv(tmp_path / "a9.csv", HEADER, "A9,revenue,2025-03,5,monthly")
    import_facts_file(session, csv, today=TODAY)
    held = session.query(UnitParentage).filter(UnitParentage.unit_id == gone.id).one()
    held.valid_to = date(2026, 1, 1)  # dissolved: in no tree from 2026 on
    session.flush()
    amy = create_user(session, "amy", [("unit_approver", changes.A)])
    bob = create_user(session, "bert", [("unit_approver", changes.B)])
    assert "A9/revenue/2025-03" in keys(trail.search(session, amy, AuditAsk()))
    assert "A9/revenue/2025-03" in keys(trail.search(session, amy, AuditAsk(unit="A9")))
    history = trail.figure_history(session, amy, "A9", "revenue", 202503)
    assert (history.current, len(history.steps)) == ("5.00", 1)
    # nobody beyond: the subtree that never held it sees none of it
    assert "A9/revenue/2025-03" not in keys(trail.search(session, bob, AuditAsk()))
    assert keys(trail.search(session, bob, AuditAsk(unit="A9"))) == []
    with pytest.raises(NotFound):
        trail.figure_history(session, bob, "A9", "revenue", 202503)
