"""The monthly submission from draft to accepted figures of record: who may take each verb,
the audit trail of each, optimistic concurrency, and what the analysis sees (accepted only)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from pacer.errors import Conflict, Forbidden, NotFound, ValidationFailed
from pacer.kit.tabular import Row
from pacer.models import AuditEntry, Fact, PeriodLock
from pacer.submissions import service
from pacer.submissions.service import VersionConflict
from pacer.workflow.transitions import InvalidTransition, ReasonRequired
from tests.factories import create_user, indicator

MONTH = 202501


def figures(*pairs: str) -> list[Row]:
    """indicator_code=value per pair."""
    return [Row(n, {"indicator_code": p.split("=")[0], "value": p.split("=")[1]}) for n, p in enumerate(pairs, start=2)]


def assign_month(session, hq, units=("A1", "B1"), codes=("revenue", "total_profit")):
    """Who reports what: these units report these indicators (and so must, to submit)."""
    from pacer.indicators.assignment_write import AssignmentIn, assign

    for unit in units:
        for code in codes:
            assign(session, hq, AssignmentIn(indicator_code=code, unit_code=unit, from_month="2024-01", reason="月报"))


@pytest.fixture(autouse=True)
def assigned(request):
    if "session" in request.fixturenames and "org" in request.fixturenames:
        org, session = request.getfixturevalue("org"), request.getfixturevalue("session")
        assign_month(session, org.hq_analyst)


@pytest.fixture
def approver(session, org):
    return create_user(session, "amy", [("unit_approver", org.A1)])


def facts_of(session, unit, code):
    ind = indicator(session, code)
    stmt = select(Fact.period, Fact.value).where(Fact.unit_id == unit.id, Fact.indicator_id == ind.id)
    return {p: v / 10**ind.scale for p, v in session.execute(stmt)}


def accepted(session, org, approver, *pairs: str):
    pairs = (*pairs, "total_profit=1")
    service.save_figures(session, org.unit_reporter, "A1", MONTH, figures(*pairs), {"situation": "平稳"})
    service.act(session, org.unit_reporter, "A1", MONTH, "submit")
    service.act(session, approver, "A1", MONTH, "approve")
    return service.act(session, org.hq_analyst, "A1", MONTH, "accept")


def test_a_month_goes_from_draft_to_accepted_and_only_then_reaches_the_figures(session, org, approver):
    found = service.save_figures(
        session,
        org.unit_reporter,
        "A1",
        MONTH,
        figures("revenue=120.5", "total_profit=-3"),
        {"situation": "生产平稳", "problems": "回款慢", "deviations": "订单推迟", "measures": "催收"},
    )
    assert (found.state, found.submission.version) == ("draft", 1)
    assert found.item.due_at.replace(tzinfo=UTC) == datetime(2025, 2, 8, 23, 59, tzinfo=UTC)
    assert [v.verb for v in found.verbs] == ["submit"]
    service.act(session, org.unit_reporter, "A1", MONTH, "submit")
    service.act(session, approver, "A1", MONTH, "approve")
    assert facts_of(session, org.A1, "revenue") == {}  # approved is not yet of record

    done = service.act(session, org.hq_analyst, "A1", MONTH, "accept")

    assert (done.state, done.submission.state, done.submission.version) == ("accepted", "accepted", 4)
    assert done.item.due_at is None  # no reminders for an accepted month
    assert [e.verb for e in done.history] == ["create", "submit", "approve", "accept"]
    assert [e.actor for e in done.history][1:] == ["alice", "amy", "hannah"]
    assert facts_of(session, org.A1, "revenue") == {MONTH: 120.5}
    assert facts_of(session, org.A1, "total_profit") == {MONTH: -3}
    assert (done.submission.situation, done.submission.measures) == ("生产平稳", "催收")
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    for action in ("submission.save", "submission.submit", "submission.approve", "submission.accept", "fact.set"):
        assert action in actions
    fact_audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "fact.set")).all()
    assert {a.actor for a in fact_audit} == {"hannah"}


def test_each_verb_is_refused_to_the_wrong_role(session, org, approver):
    sibling_approver = create_user(session, "bill", [("unit_approver", org.B1)])
    with pytest.raises(NotFound):
        service.save_figures(session, org.other_reporter, "A1", MONTH, figures("revenue=1", "total_profit=1"))
    with pytest.raises(Forbidden):
        service.save_figures(session, approver, "A1", MONTH, figures("revenue=1", "total_profit=1"))
    service.save_figures(session, org.unit_reporter, "A1", MONTH, figures("revenue=1", "total_profit=1"))
    with pytest.raises(NotFound):
        service.act(session, org.other_reporter, "A1", MONTH, "submit")
    with pytest.raises(Forbidden):
        service.act(session, approver, "A1", MONTH, "submit")
    service.act(session, org.unit_reporter, "A1", MONTH, "submit")
    with pytest.raises(Forbidden):
        service.act(session, org.unit_reporter, "A1", MONTH, "approve")
    with pytest.raises(NotFound):
        service.act(session, sibling_approver, "A1", MONTH, "approve")
    with pytest.raises(InvalidTransition):
        service.act(session, org.hq_analyst, "A1", MONTH, "accept")  # not approved yet
    service.act(session, approver, "A1", MONTH, "approve")
    with pytest.raises(Forbidden):
        service.act(session, approver, "A1", MONTH, "accept")
    with pytest.raises(Forbidden):
        service.act(session, org.academy_viewer, "A1", MONTH, "accept")
    assert service.act(session, org.hq_analyst, "A1", MONTH, "accept").state == "accepted"


def test_reviewers_return_with_a_reason_and_the_reporter_edits_again(session, org, approver):
    service.save_figures(session, org.unit_reporter, "A1", MONTH, figures("revenue=1", "total_profit=1"))
    service.act(session, org.unit_reporter, "A1", MONTH, "submit")
    with pytest.raises(ReasonRequired):
        service.act(session, approver, "A1", MONTH, "return")
    with pytest.raises(Conflict, match="submitted: only a draft or a returned one"):
        service.save_figures(session, org.unit_reporter, "A1", MONTH, figures("revenue=2"))
    found = service.act(session, approver, "A1", MONTH, "return", "收入偏低，请核实")
    assert (found.state, found.history[-1].verb, found.history[-1].reason) == ("returned", "return", "收入偏低，请核实")
    service.save_figures(session, org.unit_reporter, "A1", MONTH, figures("revenue=2", "total_profit=1"))
    service.act(session, org.unit_reporter, "A1", MONTH, "submit")
    service.act(session, approver, "A1", MONTH, "approve")
    found = service.act(session, org.hq_analyst, "A1", MONTH, "return", "missing cash flow")
    assert (found.state, found.history[-1].verb, found.history[-1].actor) == ("returned", "hq_return", "hannah")


def test_two_saves_of_the_same_version_the_second_is_a_conflict_and_nothing_is_lost(session, org):
    first = service.save_figures(session, org.unit_reporter, "A1", MONTH, figures("revenue=1"), expected_version=None)
    read = first.submission.version
    service.save_figures(session, org.unit_reporter, "A1", MONTH, figures("revenue=10"), expected_version=read)
    with pytest.raises(VersionConflict) as conflict:
        service.save_figures(session, org.unit_reporter, "A1", MONTH, figures("revenue=99"), expected_version=read)
    assert conflict.value.status == 409
    assert "version 2, not 1" in str(conflict.value)
    found = service.get(session, org.unit_reporter, "A1", MONTH)
    assert [(i.code, f.value / 10**i.scale) for i, f in found.figures] == [("revenue", 10)]
    with pytest.raises(VersionConflict):
        service.act(session, org.unit_reporter, "A1", MONTH, "submit", expected_version=read)
    assert service.get(session, org.unit_reporter, "A1", MONTH).state == "draft"


def test_an_accepted_month_is_locked_until_hq_reopens_it_with_a_reason(session, org, approver):
    accepted(session, org, approver, "revenue=100")
    with pytest.raises(Conflict, match="accepted"):
        service.save_figures(session, org.unit_reporter, "A1", MONTH, figures("revenue=150"))
    with pytest.raises(Forbidden):
        service.act(session, org.unit_reporter, "A1", MONTH, "reopen", "typo")
    with pytest.raises(ReasonRequired):
        service.act(session, org.hq_analyst, "A1", MONTH, "reopen")
    service.act(session, org.hq_analyst, "A1", MONTH, "reopen", "收入口径调整")
    assert facts_of(session, org.A1, "revenue") == {MONTH: 100}  # the accepted figure stays until re-accepted
    accepted(session, org, approver, "revenue=150")

    assert facts_of(session, org.A1, "revenue") == {MONTH: 150}
    history = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "fact.set", AuditEntry.entity_key == "A1/revenue/2025-01")
        .order_by(AuditEntry.id)
    ).all()
    assert [(a.before, a.after) for a in history] == [
        (None, {"value": "100.00"}),
        ({"value": "100.00"}, {"value": "150.00"}),
    ]
    reopened = service.get(session, org.hq_analyst, "A1", MONTH).history
    assert [(e.verb, e.reason) for e in reopened if e.verb == "reopen"] == [("reopen", "收入口径调整")]


def test_a_locked_period_refuses_saves_and_verbs(session, org, approver):
    service.save_figures(session, org.unit_reporter, "A1", MONTH, figures("revenue=1", "total_profit=1"))
    session.add(PeriodLock(period=MONTH))
    session.flush()
    with pytest.raises(Conflict, match="2025-01 is locked"):
        service.save_figures(session, org.unit_reporter, "A1", MONTH, figures("revenue=2"))
    with pytest.raises(Conflict, match="2025-01 is locked"):
        service.act(session, org.unit_reporter, "A1", MONTH, "submit")


def test_bad_figures_are_all_named_and_nothing_is_saved(session, org):
    with pytest.raises(ValidationFailed) as refused:
        service.save_figures(session, org.unit_reporter, "A1", MONTH, figures("no_such=1", "revenue=abc", "revenue=2"))
    text = str(refused.value) + " ".join(str(p) for p in refused.value.problems)
    assert "no_such" in text
    assert "abc" in text
    assert service.get(session, org.unit_reporter, "A1", MONTH).figures == []
    with pytest.raises(ValidationFailed, match="narrative field 'mood'"):
        service.save_figures(session, org.unit_reporter, "A1", MONTH, None, {"mood": "good"})


def test_the_list_shows_only_the_units_the_actor_sees(session, org, approver):
    service.save_figures(session, org.unit_reporter, "A1", MONTH, figures("revenue=1", "total_profit=1"))
    service.save_figures(session, org.other_reporter, "B1", MONTH, figures("revenue=1", "total_profit=1"))
    total, rows = service.submissions(session, org.unit_reporter, MONTH)
    assert (total, [u.code for _, u, _ in rows]) == (1, ["A1"])
    total, rows = service.submissions(session, org.hq_analyst, MONTH, "draft")
    assert [u.code for _, u, _ in rows] == ["A1", "B1"]
    with pytest.raises(Exception, match="'late' is not a state"):
        service.submissions(session, org.hq_analyst, MONTH, "late")


def test_the_analysis_sees_accepted_figures_only(database_url):
    from pacer.analysis.serve import service as analysis
    from pacer.db import get_engine, unit_of_work
    from tests.conftest import Org
    from tests.factories import create_monthly_facts

    with unit_of_work() as session:
        org = Org(session)
        approver = create_user(session, "amy", [("unit_approver", org.A1)])
        create_monthly_facts(session, org.A1, {"revenue": 5}, [202412])
        assign_month(session, org.hq_analyst)
    analysis.clear()
    assert analysis.get_analysis(get_engine()).data.last_period == 202412
    with unit_of_work() as session:
        service.save_figures(session, org.unit_reporter, "A1", MONTH, figures("revenue=7", "total_profit=1"))
        service.act(session, org.unit_reporter, "A1", MONTH, "submit")
        service.act(session, approver, "A1", MONTH, "approve")
    assert analysis.get_analysis(get_engine()).data.last_period == 202412  # a draft is not of record
    with unit_of_work() as session:
        service.act(session, org.hq_analyst, "A1", MONTH, "accept")
    after = analysis.get_analysis(get_engine())
    analysis.clear()
    assert after.data.last_period == MONTH
    assert after.engine.cockpit(0, 2025, 1).rows != []


def test_a_month_missing_a_required_figure_cannot_be_submitted(session, org):
    service.save_figures(session, org.unit_reporter, "A1", MONTH, figures("revenue=1"))
    with pytest.raises(ValidationFailed) as refused:
        service.act(session, org.unit_reporter, "A1", MONTH, "submit", language="zh")
    assert [p.field for p in refused.value.problems] == ["total_profit"]
    assert "必须填报" in refused.value.problems[0].message
    assert service.get(session, org.unit_reporter, "A1", MONTH).state == "draft"


def test_a_draft_is_chased_after_the_reporting_day_and_an_accepted_month_is_not(session, org, approver, monkeypatch):
    from pacer.config import get_settings
    from pacer.models import Notification
    from pacer.workflow.deadlines import Policy
    from pacer.workflow.due import run_due

    monkeypatch.setenv("PACER_REPORTING_DAY", "10")
    get_settings.cache_clear()
    try:
        draft = service.save_figures(session, org.unit_reporter, "A1", MONTH, figures("revenue=1"))
    finally:
        get_settings.cache_clear()
    assert draft.item.due_at.replace(tzinfo=UTC) == datetime(2025, 2, 10, 23, 59, tzinfo=UTC)
    late = datetime(2025, 2, 11, 9, 0, tzinfo=UTC)
    assert run_due(session, late, Policy((3, 1), 0))["overdue"] == 1
    told = session.scalars(select(Notification.kind).where(Notification.user_id == org.unit_reporter.user_id)).all()
    assert "overdue" in told
    service.save_figures(session, org.other_reporter, "B1", MONTH, figures("revenue=1", "total_profit=1"))
    service.act(session, org.other_reporter, "B1", MONTH, "submit")
    service.act(session, org.group_admin, "B1", MONTH, "approve")
    service.act(session, org.hq_analyst, "B1", MONTH, "accept")
    assert run_due(session, late, Policy((3, 1), 0))["overdue"] == 0  # B1 accepted: nothing to chase


def test_a_save_reads_the_figures_around_its_month_once_and_stores_what_it_checked(session, org, engine):
    """The facts import's checks and the rules' findings share one context of the month."""
    from sqlalchemy import event

    from pacer.models import SubmissionFigure

    around: list[str] = []

    def seen(_conn, _cursor, statement, *_):
        if "GROUP BY fact.unit_id, fact.indicator_id" in statement:
            around.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        found = service.save_figures(
            session, org.unit_reporter, "A1", MONTH, figures("revenue=120.5", "total_profit=-3")
        )
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    # one context: the flows' sums and the stocks' balances read once each
    assert len(around) == 2
    assert "sum(" in around[0].lower()
    assert "max(" in around[1].lower()
    stored = session.execute(select(SubmissionFigure.value, SubmissionFigure.basis)).all()
    assert sorted(stored) == [(-300, "ytd"), (12050, "ytd")]  # as these indicators are reported
    assert [(i.code, f.value) for i, f in found.figures] == [("revenue", 12050), ("total_profit", -300)]
