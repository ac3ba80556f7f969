"""Did the task's indicator recover: its status from the engine in the month before the task, the
month it closed and the latest month, and the verdict on the task's page, in the API and in the
bulletin's list of closed tasks."""

from datetime import date

import pytest

from pacer.analysis.serve.service import build
from pacer.models import Fact, Target
from pacer.tasks import recovery
from tests.factories import indicator
from tests.webclient import page_token

# A1's revenue in 2025: little until May, a lot from June; its ensure target 1,200 (in cents).
EARLY, LATE, TARGET = 50, 250, 1_200


@pytest.fixture
def behind_then_ahead(session, org):
    revenue = indicator(session, "revenue")
    rows = [
        Fact(unit_id=org.A1.id, indicator_id=revenue.id, period=2025 * 100 + m, value=EARLY if m <= 5 else LATE)
        for m in range(1, 12)
    ]
    rows += [Fact(unit_id=org.B1.id, indicator_id=revenue.id, period=2025 * 100 + m, value=LATE) for m in range(1, 12)]
    session.add_all(rows)
    session.add(Target(unit_id=org.A1.id, indicator_id=revenue.id, year=2025, tier="ensure", value=TARGET))
    session.flush()
    return build(session.connection())


def test_an_indicator_behind_before_the_task_and_on_track_after_it_closed_recovered(behind_then_ahead, org):
    found = recovery.recovery(behind_then_ahead, org.A1.id, "revenue", date(2025, 6, 1), date(2025, 9, 15))
    assert found is not None
    assert found.before == recovery.Judged("2025-05", "off_track")  # 250 of 1,200 at 5/12 of the year
    assert found.at_close == recovery.Judged("2025-09", "on_track")  # 1,250 at 9/12
    assert found.now == recovery.Judged("2025-11", "on_track")
    assert found.verdict == "recovered"


def test_a_task_assigned_while_on_track_that_stays_so_held_and_one_still_open_is_not_judged(behind_then_ahead, org):
    held = recovery.recovery(behind_then_ahead, org.A1.id, "revenue", date(2025, 10, 1), date(2025, 11, 2))
    assert held is not None
    assert held.verdict == "held"
    assert held.before == recovery.Judged("2025-09", "on_track")
    still_open = recovery.recovery(behind_then_ahead, org.A1.id, "revenue", date(2025, 3, 1), None)
    assert still_open is not None
    assert still_open.verdict == "open"
    assert still_open.at_close is None
    assert still_open.before == recovery.Judged("2025-02", "off_track")


def test_without_a_target_or_before_the_figures_nothing_is_judged(behind_then_ahead, org):
    no_target = recovery.recovery(behind_then_ahead, org.B1.id, "revenue", date(2025, 6, 1), date(2025, 9, 1))
    assert no_target is not None
    assert no_target.verdict == "unjudged"
    assert no_target.now == recovery.Judged("2025-11", None)
    too_early = recovery.recovery(behind_then_ahead, org.A1.id, "revenue", date(2025, 1, 10), date(2025, 9, 1))
    assert too_early is not None
    assert too_early.before is None
    assert too_early.verdict == "unjudged"
    assert recovery.recovery(behind_then_ahead, org.A1.id, "no_such_indicator", date(2025, 6, 1), None) is None


def test_a_closed_tasks_page_api_and_bulletin_say_whether_the_indicator_recovered(signed_in, figures, session, org):
    from tests.tasks.test_pages import assign, verb

    revenue = indicator(session, "revenue")
    # A1 earns 3.3 M a month in 2025 against an ensure target four times what it reaches: behind all year
    session.add(
        Target(unit_id=org.A1.id, indicator_id=revenue.id, year=2025, tier="ensure", value=4 * 12 * 330_000_000)
    )
    session.flush()
    grace, alice = signed_in("grace"), signed_in("alice")
    made = assign(grace, assigned_on="2025-07-01", deadline="2025-10-31", milestones="2025-09-30 方案")
    task_id = int(made.headers["location"].rsplit("/", 1)[1])
    assert verb(alice, task_id, "accept").status_code == 303
    progress = {"csrf_token": page_token(alice), "percent": "100", "narrative": "压降到位"}
    assert alice.post(f"/tasks/{task_id}/progress", data=progress).status_code == 303
    assert verb(alice, task_id, "report_completion").status_code == 303
    assert verb(grace, task_id, "verify").status_code == 303
    answer = grace.get(f"/api/tasks/{task_id}/recovery").json()
    assert answer["verdict"] == "not_recovered"
    assert answer["before"] == {"period": "2025-06", "status": "off_track"}
    assert answer["now"] == {"period": "2025-12", "status": "off_track"}  # the engine's latest month
    page = grace.get(f"/tasks/{task_id}?lang=en").text
    assert 'data-verdict="not_recovered"' in page
    assert "Not recovered" in page
    closed_on = date.today().isoformat()
    bulletin = grace.get(f"/tasks/bulletin?from={closed_on}&to={closed_on}&lang=en").text
    assert f'data-task="{task_id}"' in bulletin
    assert "Not recovered: behind before the task, still behind" in bulletin
    assert signed_in("bob").get(f"/api/tasks/{task_id}/recovery").status_code == 404


def test_a_task_without_an_indicator_has_no_recovery(signed_in, figures):
    from tests.tasks.test_pages import assign

    grace = signed_in("grace")
    made = assign(grace, indicator_code="", indicator_goal="")
    task_id = int(made.headers["location"].rsplit("/", 1)[1])
    assert grace.get(f"/api/tasks/{task_id}/recovery").status_code == 404
    assert 'data-testid="recovery"' not in grace.get(f"/tasks/{task_id}").text
