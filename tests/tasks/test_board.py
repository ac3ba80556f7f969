"""The supervision board: every task the viewer sees, late first then by deadline, each filter,
the counts per status, and a requirement's roadmap; seen through the lead unit's subtree only."""

from __future__ import annotations

from datetime import date

import pytest

from pacer.auth.permissions import load_actor
from pacer.errors import NotFound, ValidationFailed
from pacer.tasks.board import BoardAsk, board, roadmap
from tests.tasks.board_data import followup

TODAY = date(2026, 6, 15)


@pytest.fixture
def data(session, org):
    return followup(session, org, TODAY)


def titles(session, username: str, **ask: object) -> list[str]:
    shown = board(session, load_actor(session, username), BoardAsk(**ask), today=TODAY)  # type: ignore[arg-type]
    return [line.task.title for line in shown.lines]


def test_late_tasks_come_first_then_open_by_deadline_then_closed(session, data):
    assert titles(session, "sam") == [
        "利润缺口追赶",  # late, due five days ago
        "两金压降方案",  # late by its original deadline, though extended to after today
        "质量体系认证",  # waiting for verification: not late, deadline two days ago
        "应收账款清收",
        "质量提升计划",
        "巡视整改一",  # closed, by deadline
        "存货盘点",
    ]


def test_the_counts_per_status_and_late_ignore_the_status_filter(session, data):
    shown = board(session, load_actor(session, "sam"), BoardAsk(status="in_progress"), today=TODAY)
    assert [line.task.title for line in shown.lines] == ["利润缺口追赶", "两金压降方案"]
    assert shown.total == 2
    assert shown.late == 2
    assert {k: v for k, v in shown.by_state.items() if v} == {
        "assigned": 1,
        "accepted": 1,
        "in_progress": 2,
        "completion_reported": 1,
        "verified": 1,
        "cancelled": 1,
    }
    assert [line.late for line in shown.lines] == [True, True]


def test_each_filter_narrows_the_board(session, data):
    assert titles(session, "sam", overdue=True) == ["利润缺口追赶", "两金压降方案"]
    assert titles(session, "sam", within=7) == ["应收账款清收"]  # deadlines from today to a week on
    assert titles(session, "sam", kind="gap") == ["利润缺口追赶"]
    assert titles(session, "sam", kind="rectification") == ["巡视整改一"]
    assert titles(session, "sam", owner="bob") == ["利润缺口追赶", "质量提升计划"]
    assert titles(session, "sam", requirement=data.r2.id) == ["质量体系认证", "质量提升计划"]
    assert len(titles(session, "sam", meeting=data.meeting.id)) == 5  # the gap and rectification have none
    assert titles(session, "sam", unit="A") == [
        "两金压降方案",
        "质量体系认证",
        "应收账款清收",
        "巡视整改一",
        "存货盘点",
    ]
    assert titles(session, "sam", unit="B", overdue=True) == ["利润缺口追赶"]


def test_a_board_is_paged_with_the_total_of_every_page(session, data):
    actor = load_actor(session, "sam")
    first = board(session, actor, BoardAsk(), limit=3, offset=0, today=TODAY)
    second = board(session, actor, BoardAsk(), limit=3, offset=3, today=TODAY)
    assert first.total == second.total == 7
    assert [line.task.title for line in second.lines] == ["应收账款清收", "质量提升计划", "巡视整改一"]


def test_each_line_names_its_meeting_and_requirement(session, data):
    shown = board(session, load_actor(session, "sam"), BoardAsk(unit="A1"), today=TODAY)
    first = shown.lines[0]
    assert (first.meeting.title, first.requirement.number) == ("年中工作会", 1)


def test_a_viewer_sees_only_the_tasks_of_their_subtree(session, org, data):
    assert titles(session, "alice") == ["两金压降方案", "应收账款清收", "巡视整改一"]  # A1
    assert titles(session, "bob") == ["利润缺口追赶", "质量提升计划"]  # B1
    assert titles(session, "victor", owner="bob") == []
    assert titles(session, "oscar") == []
    counts = board(session, load_actor(session, "bob"), BoardAsk(), today=TODAY).by_state
    assert sum(counts.values()) == 2


def test_a_unit_out_of_sight_or_a_bad_filter_is_refused_naming_the_field(session, data):
    with pytest.raises(ValidationFailed) as refused:
        board(session, load_actor(session, "alice"), BoardAsk(unit="B1"), today=TODAY)
    assert refused.value.problems[0].field == "unit"
    with pytest.raises(ValidationFailed) as refused:
        board(session, load_actor(session, "sam"), BoardAsk(status="done", kind="other", within=9999), today=TODAY)
    assert [p.field for p in refused.value.problems] == ["status", "kind", "within"]


def test_a_roadmap_shows_the_requirements_tasks_the_viewer_sees_with_milestones(session, data):
    req, meeting, tasks = roadmap(session, load_actor(session, "sam"), data.r1.id, today=TODAY)
    assert (req.number, meeting.title) == (1, "年中工作会")
    assert [(r.task.title, r.late) for r in tasks] == [
        ("两金压降方案", True),
        ("应收账款清收", False),
        ("存货盘点", False),
    ]
    assert [m.title for m in tasks[0].milestones] == ["方案", "压降一半"]
    _, _, alices = roadmap(session, load_actor(session, "alice"), data.r1.id, today=TODAY)
    assert [r.task.title for r in alices] == ["两金压降方案", "应收账款清收"]  # not A2's


def test_a_requirement_of_a_meeting_out_of_sight_is_not_found(session, data):
    with pytest.raises(NotFound):
        roadmap(session, load_actor(session, "oscar"), data.r1.id, today=TODAY)
    with pytest.raises(NotFound):
        roadmap(session, load_actor(session, "sam"), 10**9, today=TODAY)
