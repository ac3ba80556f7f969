"""The reporting monitor: each unit's status and lateness in a month, the counts per status, per
level and per subtree, over a tree built by hand and moved through the workflow; reminding the
late units' reporters once a day; and what each viewer may see of it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from pacer.errors import Forbidden, NotFound
from pacer.indicators.assignment_write import AssignmentIn, assign
from pacer.models import AuditEntry, Notification, User
from pacer.submissions import monitor, service
from pacer.submissions.monitor_calc import LATE
from tests.factories import create_unit, create_user
from tests.submissions.test_service import figures

MONTH = 202501  # due 2025-02-08 23:59 UTC
BEFORE = datetime(2025, 2, 8, 12, 0, tzinfo=UTC)
AFTER = datetime(2025, 2, 10, 9, 0, tzinfo=UTC)


class Month:
    """G -> A (A1, A2, A3, A9 from March), B (B1); B reports nothing (excluded), every other
    unit reports revenue and profit; each unit at another point of its month."""

    def __init__(self, session, org) -> None:
        self.A3 = create_unit(session, "A3", org.A, kind="factory")
        self.A9 = create_unit(session, "A9", org.A, valid_from=date(2025, 3, 1))  # not yet in January's tree
        hq = org.hq_analyst
        for code in ("G", "A", "A1", "A2", "A3", "A9", "B1"):
            for ind in ("revenue", "total_profit"):
                assign(
                    session, hq, AssignmentIn(indicator_code=ind, unit_code=code, from_month="2024-01", reason="月报")
                )
        assign(
            session,
            hq,
            AssignmentIn(set_code="express_report", unit_code="B", exclude=True, from_month="2024-01", reason="不报"),
        )
        self.abe = create_user(session, "abe", [("unit_reporter", org.A)])
        self.rita = create_user(session, "rita", [("unit_reporter", org.A2)])
        self.rex = create_user(session, "rex", [("unit_reporter", self.A3)])
        self.amy = create_user(session, "amy", [("unit_approver", org.A)])
        self.ann = create_user(session, "ann", [("hq_analyst", org.A)])  # a second-level unit's analyst
        self.walk(session, org)

    def walk(self, session, org) -> None:
        rows = figures("revenue=10", "total_profit=1")
        service.save_figures(session, self.abe, "A", MONTH, rows)  # A: draft
        service.save_figures(session, org.unit_reporter, "A1", MONTH, rows)  # A1: accepted
        service.act(session, org.unit_reporter, "A1", MONTH, "submit")
        service.act(session, self.amy, "A1", MONTH, "approve")
        service.act(session, org.hq_analyst, "A1", MONTH, "accept")
        service.save_figures(session, self.rita, "A2", MONTH, rows)  # A2: returned
        service.act(session, self.rita, "A2", MONTH, "submit")
        service.act(session, self.amy, "A2", MONTH, "return", reason="利润与上月不符")
        service.save_figures(session, self.rex, "A3", MONTH, rows)  # A3: approved
        service.act(session, self.rex, "A3", MONTH, "submit")
        service.act(session, self.amy, "A3", MONTH, "approve")
        service.save_figures(session, org.other_reporter, "B1", MONTH, rows)  # B1: submitted
        service.act(session, org.other_reporter, "B1", MONTH, "submit")
        # G: not started


@pytest.fixture
def month(session, org):
    return Month(session, org)


def statuses(board):
    return {line.unit.code: (line.status, line.late) for line in board.lines}


def test_every_unit_shows_its_status_and_the_counts_add_up_per_level_and_subtree(session, org, month):
    board = monitor.monitor(session, org.hq_analyst, MONTH, now=AFTER)

    assert [line.unit.code for line in board.lines] == ["G", "A", "A1", "A2", "A3", "B", "B1"]
    assert statuses(board) == {
        "G": ("not_started", True),
        "A": ("draft", True),
        "A1": ("accepted", False),
        "A2": ("returned", True),
        "A3": ("approved", False),
        "B": (None, False),  # reports nothing: no status, in no count
        "B1": ("submitted", False),
    }
    assert (board.totals.total, board.totals.late) == (6, 3)
    assert board.totals.by_status == {
        "not_started": 1,
        "draft": 1,
        "submitted": 1,
        "approved": 1,
        "accepted": 1,
        "returned": 1,
    }
    assert {level: c.total for level, c in board.levels.items()} == {1: 1, 2: 1, 3: 4}
    assert (board.levels[3].by_status["accepted"], board.levels[3].late) == (1, 1)
    by_code = {line.unit.code: line for line in board.lines}
    assert (by_code["A"].subtree.total, by_code["A"].subtree.late) == (4, 2)
    assert (by_code["B"].subtree.total, by_code["B"].subtree.by_status["submitted"]) == (1, 1)
    assert by_code["G"].subtree.by_status == board.totals.by_status
    assert [line.level for line in board.lines] == [1, 2, 3, 3, 3, 2, 3]


def test_nobody_is_late_before_the_deadline_and_the_unhanded_are_after_it(session, org, month):
    assert monitor.monitor(session, org.hq_analyst, MONTH, now=BEFORE).totals.late == 0
    just_after = datetime(2025, 2, 9, 0, 0, tzinfo=UTC)
    late = monitor.monitor(session, org.hq_analyst, MONTH, now=just_after).late_lines()
    assert [line.unit.code for line in late] == ["G", "A", "A2"]
    # a unit's own deadline (an extension on its workflow item) is its deadline
    board = monitor.monitor(session, org.hq_analyst, MONTH, now=just_after)
    assert {line.due_at.date() for line in late} == {date(2025, 2, 8)}
    assert next(line for line in board.lines if line.unit.code == "A1").due_at is None  # accepted


def test_an_extended_deadline_keeps_a_unit_from_being_late(session, org, month):
    from pacer.submissions.workflow import SUBMISSION
    from pacer.workflow import service as workflow

    item = service.get(session, org.hq_analyst, "A", MONTH).item
    workflow.set_due(session, SUBMISSION, item, datetime(2025, 2, 20, tzinfo=UTC), org.hq_analyst)
    late = monitor.monitor(session, org.hq_analyst, MONTH, now=AFTER).late_lines()
    assert [line.unit.code for line in late] == ["G", "A2"]


def test_drilling_down_and_filtering_keep_to_the_node_asked_for(session, org, month):
    board = monitor.monitor(session, org.hq_analyst, MONTH, "A", now=AFTER)
    assert [line.unit.code for line in board.lines] == ["A", "A1", "A2", "A3"]
    assert [line.depth for line in board.lines] == [0, 1, 1, 1]
    assert monitor.path_to(board) == [("G", "单位G", "Unit G")]
    assert [line.unit.code for line in monitor.shown(board, LATE)] == ["A", "A2"]
    assert [line.unit.code for line in monitor.shown(board, "approved")] == ["A3"]
    with pytest.raises(Exception, match="not a status"):
        monitor.shown(board, "lost")


def test_a_second_level_units_analyst_sees_only_its_subtree(session, org, month):
    board = monitor.monitor(session, month.ann, MONTH, now=AFTER)
    assert [line.unit.code for line in board.lines] == ["A", "A1", "A2", "A3"]
    assert monitor.path_to(board) == []
    assert board.totals.total == 4
    for outside in ("B1", "G", "NOPE"):
        with pytest.raises(NotFound):
            monitor.monitor(session, month.ann, MONTH, outside, now=AFTER)
    with pytest.raises(NotFound):
        monitor.monitor(session, org.outsider, MONTH, now=AFTER)


def inbox(session, username):
    user = session.scalar(select(User).where(User.username == username))
    stmt = select(Notification.title_en).where(Notification.user_id == user.id, Notification.kind == "reminder")
    return list(session.scalars(stmt))


def test_reminding_tells_only_the_late_units_reporters_once_a_day(session, org, month):
    done = monitor.remind_late(session, org.hq_analyst, MONTH, now=AFTER)

    assert (done.reminded, done.unreachable, done.already) == (["A", "A2"], ["G"], [])
    assert done.people == 2
    assert inbox(session, "abe") == ["Reminder: Unit A (A), the monthly report for 2025-01 is late (due 2025-02-08)"]
    assert len(inbox(session, "rita")) == 1
    for on_time in ("alice", "rex", "bob", "amy", "hannah", "grace"):
        assert inbox(session, on_time) == []
    audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "submission.remind")).all()
    assert sorted(a.entity_key for a in audited) == ["A/2025-01", "A2/2025-01"]
    assert {a.actor for a in audited} == {"hannah"}

    again = monitor.remind_late(session, org.hq_analyst, MONTH, now=AFTER.replace(hour=17))
    assert (again.reminded, again.already, again.people) == ([], ["A", "A2"], 0)
    assert len(inbox(session, "abe")) == 1

    next_day = monitor.remind_late(session, org.hq_analyst, MONTH, now=datetime(2025, 2, 11, 8, tzinfo=UTC))
    assert next_day.reminded == ["A", "A2"]
    assert len(inbox(session, "abe")) == 2


def test_a_unit_without_a_reporter_of_its_own_is_reminded_through_the_one_above(session, org, month):
    create_user(session, "gus", [("unit_reporter", org.G)])
    done = monitor.remind_late(session, org.hq_analyst, MONTH, now=AFTER)
    assert (done.reminded, done.unreachable) == (["G", "A", "A2"], [])
    assert len(inbox(session, "gus")) == 1  # for G only: A and A2 have reporters of their own


def test_nothing_is_sent_before_the_deadline(session, org, month):
    done = monitor.remind_late(session, org.hq_analyst, MONTH, now=BEFORE)
    assert (done.reminded, done.people) == ([], 0)
    assert session.scalar(select(func.count()).select_from(Notification).where(Notification.kind == "reminder")) == 0


def test_only_hq_roles_may_remind_and_only_within_their_subtree(session, org, month):
    with pytest.raises(Forbidden):
        monitor.remind_late(session, org.academy_viewer, MONTH, now=AFTER)
    with pytest.raises(Forbidden):
        monitor.remind_late(session, month.amy, MONTH, now=AFTER)
    done = monitor.remind_late(session, month.ann, MONTH, now=AFTER)  # A's analyst: A's subtree only
    assert (done.reminded, done.unreachable) == (["A", "A2"], [])
    with pytest.raises(NotFound):
        monitor.remind_late(session, month.ann, MONTH, "G", now=AFTER)


def test_a_page_of_many_units_shows_whole_upper_levels_or_the_first_of_a_filter(session, org, month):
    board = monitor.monitor(session, org.hq_analyst, MONTH, now=AFTER)
    assert monitor.at_most(board.lines, 10, False).depth is None
    cut = monitor.at_most(board.lines, 3, False)
    assert ([line.unit.code for line in cut.lines], cut.depth, cut.total) == (["G", "A", "B"], 1, 7)
    first = monitor.at_most(monitor.shown(board, LATE), 2, True)
    assert ([line.unit.code for line in first.lines], first.depth, first.total) == (["G", "A"], None, 3)
