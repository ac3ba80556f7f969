"""The meeting register's rules: what a record must hold, who registers it, who reads it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pacer.auth.permissions import load_actor
from pacer.errors import Forbidden, NotFound, ValidationFailed
from pacer.meetings import service
from pacer.meetings.repository import Filters
from pacer.meetings.schemas import AgendaIn, RequirementIn
from pacer.models import AgendaItem, Meeting, MeetingAttendance, Requirement, Task
from tests.meetings.conftest import record


def rows(session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(t))
        for t in (Meeting, MeetingAttendance, AgendaItem, Requirement)
    )


def test_a_meeting_is_registered_with_its_attendance_agenda_and_requirements_numbered_per_issuer(session, org):
    grace = load_actor(session, "grace")
    meeting = service.create(session, grace, record())
    detail = service.detail(session, grace, meeting.id)
    assert (detail.unit.code, detail.meeting.held_on.isoformat(), detail.meeting.mode) == ("G", "2026-07-16", "both")
    assert detail.attendees == ["袁总", "刘副总"]
    assert [u.code for u in detail.attendee_units] == ["A", "B"]
    assert [u.code for u in detail.reporting_units] == ["A1"]
    assert [(a.position, a.kind, a.speaker) for a in detail.agenda] == [(1, "speech", "袁总"), (2, "report", "财务部")]
    assert [(r.position, r.issuer, r.number) for r in detail.requirements] == [
        (1, "袁总", 1),
        (2, "袁总", 2),
        (3, "刘副总", 1),
    ]
    assert detail.may_edit


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "party"}, "kind"),
        ({"title": "   "}, "title"),
        ({"held_on": "2026-13-01"}, "held_on"),
        ({"held_on": "1900-01-01"}, "held_on"),
        ({"held_on": "2999-01-01"}, "held_on"),
        ({"mode": "telepathy"}, "mode"),
        ({"attendees": ["袁总", "袁总"]}, "attendees"),
        ({"attendee_units": ["A", "A"]}, "attendee_units"),
        ({"reporting_units": ["NOPE"]}, "reporting_units"),
        ({"agenda": [AgendaIn(kind="dance", title="x")]}, "agenda[1].kind"),
        ({"agenda": [AgendaIn()]}, "agenda[1]"),
        ({"requirements": [RequirementIn(text=" ")]}, "requirements[1].text"),
        ({"requirements": [RequirementIn(text="a", number=0)]}, "requirements[1].number"),
        (
            {"requirements": [RequirementIn(text="a", number=1), RequirementIn(text="b", number=1)]},
            "requirements[2].number",
        ),
        ({"requirements": [RequirementIn(text="a", tags=[""])]}, "requirements[1].tags"),
    ],
)
def test_a_bad_record_is_refused_naming_its_field_and_nothing_is_stored(session, org, changes, field):
    before = rows(session)
    with pytest.raises(ValidationFailed) as refused:
        service.create(session, load_actor(session, "grace"), record(**changes))
    assert field in [p.field for p in refused.value.problems]
    assert all(p.zh for p in refused.value.problems)
    assert rows(session) == before


def test_every_problem_is_told_at_once(session, org):
    with pytest.raises(ValidationFailed) as refused:
        service.create(session, load_actor(session, "grace"), record(kind="x", title="", held_on="soon"))
    assert [p.field for p in refused.value.problems] == ["kind", "title", "held_on"]


def test_the_same_meeting_twice_is_refused(session, org):
    grace = load_actor(session, "grace")
    service.create(session, grace, record())
    before = rows(session)
    with pytest.raises(ValidationFailed) as refused:
        service.create(session, grace, record())
    assert [p.field for p in refused.value.problems] == ["title"]
    assert rows(session) == before


def test_a_units_supervisor_registers_its_meetings_naming_only_units_under_it(session, supervisors):
    sue = load_actor(session, "sue")
    meeting = service.create(session, sue, record(attendee_units=["A1", "A2"], reporting_units=[]))
    assert meeting.unit_id == supervisors.A.id
    with pytest.raises(ValidationFailed) as refused:
        service.create(session, sue, record(title="另一个会", attendee_units=["B1"], reporting_units=[]))
    assert refused.value.problems[0].field == "attendee_units"  # B1 is not A's to name
    with pytest.raises(ValidationFailed) as refused:  # G is above A: sue does not see it
        service.create(session, sue, record(unit_code="G", attendee_units=[], reporting_units=[]))
    assert refused.value.problems[0].field == "unit_code"


def test_a_reporter_or_a_viewer_does_not_register_or_edit_meetings(session, supervisors):
    meeting = service.create(session, load_actor(session, "sue"), record(attendee_units=[], reporting_units=[]))
    for who, refusal in (("alice", NotFound), ("victor", Forbidden)):  # alice does not even see A's meeting
        actor = load_actor(session, who)
        with pytest.raises(Forbidden):
            service.create(session, actor, record(attendee_units=[], reporting_units=[]))
        with pytest.raises(refusal):
            service.update(session, actor, meeting.id, record(title="改", attendee_units=[], reporting_units=[]))


def test_a_meeting_is_seen_only_by_those_who_see_its_unit(session, supervisors):
    a_meeting = service.create(session, load_actor(session, "sue"), record(attendee_units=["A1"], reporting_units=[]))
    g_meeting = service.create(session, load_actor(session, "grace"), record(title="集团年度工作会"))
    victor, bob = load_actor(session, "victor"), load_actor(session, "bob")
    assert service.detail(session, victor, a_meeting.id).meeting.id == a_meeting.id
    assert not service.detail(session, victor, a_meeting.id).may_edit
    for who, meeting in ((bob, a_meeting), (victor, g_meeting)):
        with pytest.raises(NotFound):
            service.detail(session, who, meeting.id)
    assert [m.id for m, _, _ in service.register(session, victor, Filters())[1]] == [a_meeting.id]
    assert service.register(session, bob, Filters()) == (0, [])


def test_the_register_filters_by_kind_year_and_unit(session, org):
    grace = load_actor(session, "grace")
    first = service.create(session, grace, record())
    second = service.create(
        session,
        grace,
        record(
            kind="special_conference",
            title="数字空间大会",
            held_on="2021-05-10",
            attendee_units=["B"],
            reporting_units=[],
        ),
    )
    ids = lambda f: [m.id for m, _, _ in service.register(session, grace, f)[1]]  # noqa: E731 (a one-line helper)
    assert ids(Filters()) == [first.id, second.id]
    assert ids(Filters(kind="special_conference")) == [second.id]
    assert ids(Filters(year=2026)) == [first.id]
    assert ids(Filters(unit_id=org.A1.id)) == [first.id]  # it reported at the first
    assert ids(Filters(unit_id=org.B.id)) == [first.id, second.id]


def test_requirements_are_reordered_edited_and_removed_keeping_their_ids(session, org):
    grace = load_actor(session, "grace")
    meeting = service.create(session, grace, record())
    one, two, three = service.detail(session, grace, meeting.id).requirements
    service.set_requirements(
        session,
        grace,
        meeting.id,
        [
            RequirementIn(id=three.id, issuer="刘副总", number=1, text="抓创新，强投入", tags=["innovation"]),
            RequirementIn(id=one.id, issuer="袁总", number=1, text=one.text),
            RequirementIn(issuer="袁总", text="新增一条"),
        ],
    )
    after = service.detail(session, grace, meeting.id).requirements
    assert [(r.id, r.position, r.number, r.text) for r in after[:2]] == [
        (three.id, 1, 1, "抓创新，强投入"),
        (one.id, 2, 1, one.text),
    ]
    assert (after[2].number, after[2].issuer) == (2, "袁总")
    assert two.id not in [r.id for r in after]


def test_a_requirement_with_tasks_cannot_be_removed(session, org):
    grace = load_actor(session, "grace")
    meeting = service.create(session, grace, record())
    first = service.detail(session, grace, meeting.id).requirements[0]
    session.add(
        Task(
            requirement_id=first.id,
            unit_id=org.A.id,
            title="压降两金",
            owner="alice",
            issuer="grace",
            assigned_on=meeting.held_on,
            deadline=meeting.held_on,
            original_deadline=meeting.held_on,
            created_by="grace",
        )
    )
    session.flush()
    before = rows(session)
    with pytest.raises(ValidationFailed) as refused:
        service.set_requirements(session, grace, meeting.id, [RequirementIn(text="只剩一条")])
    assert "has tasks" in refused.value.problems[0].message
    assert rows(session) == before
    assert service.detail(session, grace, meeting.id).tasks == {first.id: 1}


def test_an_edit_replaces_the_record_and_moves_its_documents_with_it(session, supervisors):
    grace = load_actor(session, "grace")
    meeting = service.create(session, grace, record())
    stored = service.add_document(session, grace, meeting.id, "纪要.txt", "一是……".encode())
    service.update(
        session,
        grace,
        meeting.id,
        record(unit_code="A", title="研究院年中会", attendee_units=["A1"], reporting_units=[], requirements=None),
    )
    detail = service.detail(session, load_actor(session, "victor"), meeting.id)
    assert (detail.meeting.title, detail.unit.code, [u.code for u in detail.attendee_units]) == (
        "研究院年中会",
        "A",
        ["A1"],
    )
    assert len(detail.requirements) == 3  # left as they were
    assert [d.id for d in detail.documents] == [stored.id]
    assert service.document(session, load_actor(session, "victor"), meeting.id, stored.id)[1] == "一是……".encode()
    with pytest.raises(NotFound):
        service.document(session, load_actor(session, "bob"), meeting.id, stored.id)
