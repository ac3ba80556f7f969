"""The problem register's monthly figures as indicators: registered, closed and open per unit and
month, stored as facts (audited, idempotent, a unit's reported figure and a closed period left
alone), the zeroing rate derived from them after aggregation, and a zero-defect target red at the
first problem."""

from datetime import date

import pytest
from sqlalchemy import func, select

from pacer.analysis.answers.results import Status
from pacer.analysis.serve.service import build
from pacer.auth.permissions import SYSTEM
from pacer.errors import DomainError
from pacer.group_settings import service as settings
from pacer.models import AuditEntry, Fact, PeriodLock, Submission, Target
from pacer.quality import figures, service, zeroing
from pacer.quality.words import CRITERION_CODES
from tests.factories import create_user, indicator
from tests.quality.conftest import fill, plan

CODES = ("quality_problems", "quality_problems_closed", "quality_problems_open")


def stored(session, unit, period):
    """(registered, closed, open) of ``unit`` in ``period`` as facts (None where there is none)."""
    return tuple(
        session.scalar(
            select(Fact.value).where(
                Fact.unit_id == unit.id, Fact.indicator_id == indicator(session, code).id, Fact.period == period
            )
        )
        for code in CODES
    )


def close(session, owner, reviewer, problem, on):
    fill(session, owner, problem)
    zeroing.act(session, owner, problem.id, "submit")
    for code in CRITERION_CODES:
        zeroing.sign_off(session, reviewer, problem.id, code, "同意")
    zeroing.act(session, reviewer, problem.id, "close", today=on)


@pytest.fixture
def register(session, org, owner, reviewer):
    """At A1: one problem found in March 2025 and closed in May, one found in April and still open,
    one found in April and withdrawn; at B1 nothing."""
    march = service.open_problem(session, reviewer, plan(found_on=date(2025, 3, 10)))
    april = service.open_problem(session, reviewer, plan(found_on=date(2025, 4, 2), title="壳体裂纹"))
    withdrawn = service.open_problem(session, reviewer, plan(found_on=date(2025, 4, 20), title="误报"))
    close(session, owner, reviewer, march, date(2025, 5, 20))
    zeroing.act(session, reviewer, withdrawn.id, "cancel", "重复登记", today=date(2025, 4, 21))
    return march, april


def audit_rows(session):
    return session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "fact.derive"))


def test_each_unit_gets_its_problems_registered_closed_and_open_each_month(session, org, register):
    done = figures.derive(session, SYSTEM, 202503, 202506)
    assert stored(session, org.A1, 202503) == (1, 0, 1)
    assert stored(session, org.A1, 202504) == (1, 0, 2)  # the withdrawn problem counts nowhere
    assert stored(session, org.A1, 202505) == (0, 1, 1)
    assert stored(session, org.A1, 202506) == (0, 0, 1)
    assert stored(session, org.B1, 202505) == (0, 0, 0)
    assert done.months == [202503, 202504, 202505, 202506]
    assert done.written == audit_rows(session) > 0
    entry = session.scalar(select(AuditEntry).where(AuditEntry.entity_key == "A1/quality_problems_closed/2025-05"))
    assert (entry.action, entry.before, entry.after, entry.indicator, entry.period) == (
        "fact.derive",
        None,
        {"value": "1"},
        "quality_problems_closed",
        202505,
    )


def test_deriving_again_writes_nothing_and_adds_nothing_to_the_audit_trail(session, org, register):
    figures.derive(session, SYSTEM, 202503, 202506)
    before = audit_rows(session)
    again = figures.derive(session, SYSTEM, 202503, 202506)
    assert again.written == 0
    assert again.unchanged > 0
    assert audit_rows(session) == before


def test_a_figure_a_unit_reported_stays_and_a_closed_period_does_not_change(session, org, register):
    sub = Submission(unit_id=org.A1.id, period=202503, state="accepted")
    session.add(sub)
    session.flush()
    found = indicator(session, "quality_problems")
    session.add(Fact(unit_id=org.A1.id, indicator_id=found.id, period=202503, value=7, submission_id=sub.id))
    session.add(PeriodLock(period=202504))
    session.flush()
    done = figures.derive(session, SYSTEM, 202503, 202504)
    assert stored(session, org.A1, 202503) == (7, 0, 1)
    assert stored(session, org.A1, 202504) == (None, None, None)
    assert done.reported == 1
    assert done.locked == 3 * 6  # every unit's three figures of the closed month


def test_a_user_derives_only_the_units_whose_figures_they_accept(session, org, register):
    academy_hq = create_user(session, "amy", [("hq_analyst", org.A)])
    figures.derive(session, academy_hq, 202503, 202503)
    assert stored(session, org.A1, 202503) == (1, 0, 1)
    assert stored(session, org.B1, 202503) == (None, None, None)
    nothing = figures.derive(session, org.unit_reporter, 202503, 202503)
    assert nothing.written == 0


def test_months_in_the_wrong_order_are_refused(session, org):
    with pytest.raises(DomainError, match="2025-06 is after 2025-03"):
        figures.derive(session, SYSTEM, 202506, 202503)


def test_with_the_register_as_source_a_new_problem_updates_its_months_by_itself(session, org, owner, reviewer):
    today = date.today()
    now = today.year * 100 + today.month
    service.open_problem(session, reviewer, plan(found_on=today))
    assert stored(session, org.A1, now) == (None, None, None)  # the units report them
    settings.save(session, SYSTEM, {"quality_figures": "register"})
    service.open_problem(session, reviewer, plan(found_on=today, title="第二个问题"))
    assert stored(session, org.A1, now) == (2, 0, 2)
    assert stored(session, org.B1, now) == (None, None, None)  # only the problem's unit followed it
    assert figures.tick(session, today) == [now]  # the tick brings every unit's month in
    assert stored(session, org.B1, now) == (0, 0, 0)
    assert figures.tick(session, today) == []  # and then finds it current


def test_the_zeroing_rate_is_derived_after_aggregation_and_a_zero_defect_target_is_red(session, org, register):
    figures.derive(session, SYSTEM, 202412, 202505)
    problems = indicator(session, "quality_problems")
    for unit in (org.A, org.B):  # zero defects: any problem registered is off track
        session.add(Target(unit_id=unit.id, indicator_id=problems.id, year=2025, tier="ensure", value=0))
    session.flush()
    analysis = build(session.connection())
    engine = analysis.engine
    codes = ["quality_problems", "quality_problems_closed", "zeroing_rate"]
    academy = {r.code: r for r in engine.cockpit(analysis.node(org.A.id), 2025, 5, codes).rows}
    assert academy["quality_problems"].ytd.number == 2
    assert academy["quality_problems_closed"].ytd.number == 1
    assert academy["zeroing_rate"].ytd.number == pytest.approx(50.0)  # 1 closed of 0 open in January + 2
    assert academy["quality_problems"].status is Status.OFF_TRACK
    other = {r.code: r for r in engine.cockpit(analysis.node(org.B.id), 2025, 5, codes).rows}
    assert other["quality_problems"].status is Status.ON_TRACK
