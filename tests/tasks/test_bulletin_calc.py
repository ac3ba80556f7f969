"""The bulletin's figures against a period worked out by hand (no database)."""

from __future__ import annotations

from datetime import date

from pacer.tasks.bulletin_calc import Fact, Period, figures, rate, shown

PERIOD = Period(date(2026, 1, 1), date(2026, 3, 31), today=date(2026, 4, 10))


def fact(n: int, unit: str, dept: str, state: str, original: str, closed: str | None = None) -> Fact:
    return Fact(n, unit, dept, state, date.fromisoformat(original), date.fromisoformat(closed) if closed else None)


FACTS = [
    fact(1, "U1", "d1", "verified", "2026-02-10", "2026-02-08"),  # due, completed on time, closed
    fact(2, "U1", "d1", "verified", "2026-03-15", "2026-03-20"),  # due, completed late, closed
    fact(3, "U1", "d2", "in_progress", "2026-03-01"),  # due, overdue
    fact(4, "U2", "d2", "verified", "2026-03-31", "2026-04-05"),  # due, verified after the period
    fact(5, "U2", "d2", "cancelled", "2026-02-01", "2026-01-20"),  # withdrawn: nowhere
    fact(6, "U2", "d1", "verified", "2025-12-20", "2026-01-05"),  # due before, closed in the period
    fact(7, "U2", "d1", "completion_reported", "2026-03-10"),  # due, waiting: not overdue
    fact(8, "U1", "d2", "in_progress", "2026-04-05"),  # due after the period, not overdue in it
    fact(9, "U2", "d1", "carried_over", "2026-01-31", "2026-01-31"),  # due, not completed, not overdue
    fact(10, "U1", "d1", "accepted", "2025-11-30"),  # due before the period, still overdue
    fact(11, "U2", "d2", "verified", "2026-01-15", "2026-01-15"),  # completed on its very deadline
]


def counts(t) -> tuple[int, int, int, int, int]:
    return t.due, t.completed, t.on_time, t.overdue, t.closed


def test_totals_match_the_hand_count():
    f = figures(PERIOD, FACTS)
    assert counts(f.total) == (7, 3, 2, 2, 4)
    assert shown(f.total.completion_rate) == "42.9%"  # 3 / 7
    assert shown(f.total.on_time_rate) == "66.7%"  # 2 / 3


def test_by_unit_and_by_department_match_the_hand_count():
    f = figures(PERIOD, FACTS)
    assert {k: counts(v) for k, v in f.by_unit.items()} == {"U1": (3, 2, 1, 2, 2), "U2": (4, 1, 1, 0, 2)}
    assert [shown(f.by_unit[u].completion_rate) for u in ("U1", "U2")] == ["66.7%", "25.0%"]
    assert [shown(f.by_unit[u].on_time_rate) for u in ("U1", "U2")] == ["50.0%", "100.0%"]
    assert {k: counts(v) for k, v in f.by_department.items()} == {"d1": (4, 2, 1, 1, 3), "d2": (3, 1, 1, 1, 1)}
    assert [shown(f.by_department[d].completion_rate) for d in ("d1", "d2")] == ["50.0%", "33.3%"]


def test_the_overdue_and_newly_closed_lists():
    f = figures(PERIOD, FACTS)
    assert f.overdue == [3, 10]
    assert f.closed == [1, 2, 6, 11]


def test_an_extension_does_not_move_a_task_out_of_its_period():
    # the original deadline is what counts: a task extended past the period is still due in it
    extended = fact(1, "U", "d", "in_progress", "2026-02-01")
    f = figures(PERIOD, [extended])
    assert counts(f.total) == (1, 0, 0, 1, 0)
    assert shown(f.total.completion_rate) == "0.0%"
    assert shown(f.total.on_time_rate) == "—"


def test_groups_with_nothing_in_the_period_are_left_out():
    later = fact(1, "U9", "d9", "in_progress", "2026-06-30")
    f = figures(PERIOD, [*FACTS, later])
    assert "U9" not in f.by_unit
    assert "d9" not in f.by_department


def test_rates_are_tenths_of_a_percent_rounded_half_up():
    assert rate(1, 8) == 125
    assert rate(1, 16) == 63  # 6.25 %
    assert rate(1, 3) == 333
    assert rate(2, 3) == 667
    assert rate(0, 5) == 0
    assert rate(5, 5) == 1000
    assert rate(3, 0) is None
    assert shown(None) == "—"
    assert shown(1000) == "100.0%"
