"""The demo's quality data (quality.yaml): problems in every zeroing state, walked there through the
quality services by their owners and reviewers, Pareto charts with a head and a tail, control charts
calibrated and frozen with two or three processes out of control, one signal opened as a problem
that its chart links, and few unread notifications. Loaded by `pacer demo --reset` run twice on one
database: the second run rebuilds, it does not add."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import yaml
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from pacer.auth.permissions import ACCEPT, SYSTEM, load_actor
from pacer.characteristics import service as charts
from pacer.characteristics import signals
from pacer.cli import app
from pacer.config import get_settings
from pacer.demo.quality import QUALITY, READ_AFTER, People
from pacer.kit import periods
from pacer.models import AuditEntry, Characteristic, ExcludedPoint, Fact, Indicator, Notification, User, WorkflowItem
from pacer.models.quality import QualityProblem, SisterCheck, ZeroingCriterion
from pacer.quality import calc, figures, pareto, repository
from pacer.quality.workflow import CHECK_CONFIRMED
from tests.conftest import fresh_database

runner = CliRunner()
FILE = yaml.safe_load(QUALITY.read_text(encoding="utf-8"))
PEOPLE = People.of(FILE)


@pytest.fixture(scope="module")
def demo(database_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    for url in fresh_database(database_template, tmp_path_factory.mktemp("quality")):
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("PACER_DATABASE_URL", url)
            get_settings.cache_clear()
            for _ in range(2):
                result = runner.invoke(app, ["demo", "--reset", "--years", "1", "--as-of", "2026-10", "--no-summary"])
                assert result.exit_code == 0, result.output
        get_settings.cache_clear()
        engine = create_engine(url)
        yield engine
        engine.dispose()


@pytest.fixture
def session(demo: Engine) -> Iterator[Session]:
    with Session(demo) as session:
        yield session
        session.rollback()


def _problems(session: Session) -> dict[str, tuple[QualityProblem, str]]:
    stmt = select(QualityProblem, WorkflowItem.state).join(
        WorkflowItem, WorkflowItem.id == QualityProblem.workflow_item_id
    )
    rows = session.execute(stmt).tuples()
    return {p.title: (p, state) for p, state in rows}


def test_every_problem_of_the_file_is_stored_once_in_its_zeroing_state(session):
    stored = _problems(session)
    charted = [t for t, (p, _) in stored.items() if p.source_characteristic_id is not None]
    assert len(charted) == 1  # the one opened from a chart signal
    assert len(stored) == len(FILE["problems"]) + 1
    assert {t: s for t, (_, s) in stored.items() if t not in charted} == {
        p["title"]: p["state"] for p in FILE["problems"]
    }
    assert {s for _, s in stored.values()} == {"open", "review", "returned", "closed", "cancelled"}


def test_zeroing_is_as_far_as_the_file_says_and_signed_by_a_reviewer_never_the_owner(session):
    stored = _problems(session)
    for spec in FILE["problems"]:
        problem, _ = stored[spec["title"]]
        criteria = session.scalars(select(ZeroingCriterion).where(ZeroingCriterion.problem_id == problem.id)).all()
        written = [c for c in criteria if c.evidence_by]
        signed = [c for c in criteria if c.signed_by]
        full = 10 if spec["state"] in ("review", "returned", "closed") else spec.get("evidence", 0)
        assert len(written) == (0 if spec["state"] == "cancelled" else full), spec["title"]
        assert len(signed) == (10 if spec["state"] == "closed" else spec.get("signed", 0)), spec["title"]
        assert problem.owner == PEOPLE.owner(spec)
        assert all(c.evidence_by == problem.owner for c in written)
        assert all(c.signed_by == PEOPLE.reviewer(spec["unit"], problem.owner) != problem.owner for c in signed)
        assert all(c.signed_at > c.evidence_at for c in signed)
        assert (problem.closed_on is not None) == (spec["state"] in ("closed", "cancelled"))
    # some problems are partly zeroed: under review or returned with some criteria signed, not all
    partly = [s for s in FILE["problems"] if s["state"] in ("review", "returned") and 0 < s.get("signed", 0) < 10]
    assert len(partly) >= 3
    sign_offs = session.scalar(select(func.count()).where(AuditEntry.action == "quality_problem.sign_off"))
    assert sign_offs == session.scalar(select(func.count()).where(ZeroingCriterion.signed_by != ""))


def test_the_zeroed_problems_span_eighteen_months_and_some_open_ones_are_overdue(session):
    stored = _problems(session)
    found = [p.found_on for p, _ in stored.values()]
    assert date.today() - timedelta(days=560) < min(found) < date.today() - timedelta(days=450)
    assert max(found) <= date.today()
    overdue = [t for t, (p, s) in stored.items() if s in ("open", "returned") and p.deadline < date.today()]
    on_time = [t for t, (p, s) in stored.items() if s in ("open", "returned") and p.deadline >= date.today()]
    assert len(overdue) >= 2
    assert len(on_time) >= 5
    late = [p for p, s in stored.values() if s == "closed" and p.closed_on > p.deadline]
    assert late
    assert all(p.closed_on <= date.today() for p, _ in stored.values() if p.closed_on)


def test_sister_checks_are_answered_at_the_unit_checked_and_confirmed_above_it(session):
    rows = session.execute(
        select(SisterCheck, WorkflowItem, QualityProblem)
        .join(WorkflowItem, WorkflowItem.id == SisterCheck.workflow_item_id)
        .join(QualityProblem, QualityProblem.id == SisterCheck.problem_id)
    ).tuples()
    states: Counter[str] = Counter()
    for check, item, problem in rows:
        state = item.state
        states[state] += 1
        if state != "open":
            assert check.answered_by
            assert check.finding
            assert check.affected is not None
        key = f"quality_check/{item.entity_key}"
        confirm = select(AuditEntry.actor).where(
            AuditEntry.action == "quality_check.confirm", AuditEntry.entity_key == key
        )
        confirmers = session.scalars(confirm).all()
        assert check.answered_by not in confirmers
        assert (state == CHECK_CONFIRMED) == bool(confirmers)
        if problem.closed_on is not None and problem.source_characteristic_id is None:
            assert state == CHECK_CONFIRMED
    assert set(states) == {"open", "answered", "confirmed"}
    assert session.scalar(select(func.count()).where(SisterCheck.affected.is_(True))) == 1


def test_the_pareto_charts_have_a_head_and_a_tail(session):
    problems = [p for p, _ in _problems(session).values()]
    causes = [b for b in calc.pareto(p.cause for p in problems) if b.key]
    assert len(causes) >= 5
    assert causes[0].count >= 2 * causes[-1].count
    assert causes[0].count > causes[1].count
    assert causes[1].share(len(problems)) <= 0.6  # a head, not everything
    suppliers = [b for b in calc.pareto(p.supplier for p in problems) if b.key]
    assert len(suppliers) >= 3
    assert suppliers[0].count >= 2 * suppliers[1].count
    # the charts of the year with the most problems, as the Pareto page draws them
    admin = load_actor(session, "admin")
    year = Counter(p.found_on.year for p in problems).most_common(1)[0][0]
    assert len(pareto.pareto_of(session, admin, "G", "cause", year, "en").bars) >= 3
    assert len(pareto.pareto_of(session, admin, "G", "origin_stage", year, "en").bars) >= 3
    assert len(pareto.trend_of(session, admin, "G", year).series) >= 3


def test_two_or_three_charts_are_out_of_control_and_one_signal_is_a_linked_problem(session):
    admin = load_actor(session, "admin")
    _, lines = charts.dashboard(session, admin, "G")
    assert len(lines) == len(FILE["characteristics"])
    disturbed = {c["code"] for c in FILE["characteristics"] if {"shift", "drift", "spread"} & c.keys()}
    out = {line.characteristic.code for line in lines if line.out_of_control}
    assert out == disturbed
    assert 2 <= len(out) <= 3
    for line in lines:
        c = line.characteristic
        assert c.frozen_center is not None
        assert c.frozen_sigma
        assert not line.trouble
        assert line.cpk is not None
        first_signal = min(line.out_of_control or [c.phase1_last + 1])
        assert first_signal > c.phase1_last  # phase I (less its excluded points) is in control
    linked = session.scalars(select(QualityProblem).where(QualityProblem.source_characteristic_id.is_not(None))).all()
    (problem,) = linked
    c = session.get(Characteristic, problem.source_characteristic_id)
    found = charts.result(session, c)
    assert problem.source_point == min(p for p in found.out_of_control if p > c.phase1_last)
    assert signals.linked(session, admin, c) == {problem.source_point: problem.id}
    assert problem.owner == c.created_by == "zhoumin"


def test_a_phase_one_outlier_is_excluded_for_its_cause_and_a_phase_two_arrived_as_parquet(session):
    excluded = session.scalars(select(ExcludedPoint)).all()
    assert [(e.subgroup, e.excluded_by) for e in excluded] == [(9, "zhoumin")]
    revised = session.scalars(select(AuditEntry.action).where(AuditEntry.action == "spc.revise")).all()
    assert len(revised) == 1
    sources = [a["source"] for a in session.scalars(select(AuditEntry.after).where(AuditEntry.action == "spc.measure"))]
    assert sum(s.endswith(".parquet") for s in sources) == 1


def test_quality_adds_few_unread_notifications_and_dates_them_when_they_were_sent(session):
    now = datetime.now(UTC)
    rows = (
        session.execute(select(Notification, User.username).join(User).where(Notification.link.like("/quality/%")))
        .tuples()
        .all()
    )
    assert rows
    unread = Counter(name for n, name in rows if n.read_at is None)
    assert unread["admin"] <= 10
    assert sum(unread.values()) <= 25
    for n, _ in rows:
        sent = n.created_at.replace(tzinfo=UTC) if n.created_at.tzinfo is None else n.created_at
        assert sent <= now
        assert (n.read_at is None) == (sent.date() > now.date() - READ_AFTER)


def test_the_quality_problem_figures_are_the_registers_counts(session):
    """The cockpit's, the targets' and the quality report's figures of problems found, closed
    and open are those of the register, unit by unit and month by month, and every problem the
    register found before the month still being reported is counted at its unit."""
    ids = dict(session.execute(select(Indicator.code, Indicator.id).where(Indicator.code.in_(figures.CODES))).all())
    code_of = {v: k for k, v in ids.items()}
    stored: dict[int, dict[tuple[int, str], int]] = {}
    for unit_id, indicator_id, period, value in session.execute(
        select(Fact.unit_id, Fact.indicator_id, Fact.period, Fact.value).where(Fact.indicator_id.in_(ids.values()))
    ):
        stored.setdefault(period, {})[(unit_id, code_of[indicator_id])] = value
    assert min(stored) == 202601
    assert max(stored) == 202610
    for period, values in stored.items():
        start = periods.first_day(period)
        end = periods.first_day(periods.add_months(period, 1)) - timedelta(days=1)
        counts = repository.month_counts(session, SYSTEM, start, end, ACCEPT)
        for (unit_id, code), value in values.items():
            c = counts.get(unit_id, repository.MonthCounts(0, 0, 0))
            said = {figures.FOUND: c.found, figures.CLOSED: c.closed, figures.OPEN: c.open}[code]
            assert value == said, (period, unit_id, code)
    found = sum(v for p, values in stored.items() if p < 202610 for (_, c), v in values.items() if c == figures.FOUND)
    registered = session.scalar(
        select(func.count())
        .select_from(QualityProblem)
        .join(WorkflowItem, WorkflowItem.id == QualityProblem.workflow_item_id)
        .where(QualityProblem.found_on.between(date(2026, 1, 1), date(2026, 9, 30)), WorkflowItem.state != "cancelled")
    )
    assert found == registered
    assert registered > 0 or date.today() > date(2027, 9, 1)  # the register reaches into the figures' year
