"""The cached engine stays current as figures change, and says exactly what a rebuild would."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from pacer.analysis.serve import service
from pacer.cli import app
from pacer.db import get_engine, unit_of_work
from pacer.errors import ValidationFailed
from pacer.facts.service import import_facts
from pacer.kit import periods
from pacer.kit.numbers import format_scaled
from pacer.kit.tabular import Row
from pacer.models import AuditEntry, Indicator, Submission, SubmissionFigure, Task, Unit

runner = CliRunner()
CODES = ("revenue", "total_profit", "accounts_receivable", "inventory", "rd_expense")


@pytest.fixture
def demo(demo_groups, tmp_path, monkeypatch):
    template, _ = demo_groups.cli("--years", "2", "--as-of", "2026-10")
    for _url in demo_groups.copy(template, tmp_path, monkeypatch):
        service.clear()
        yield get_engine()
        service.clear()


@pytest.fixture
def builds(monkeypatch):
    """Counts the full rebuilds get_analysis does."""
    calls = []
    original = service.build

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(service, "build", counting)
    return calls


def restated_rows(db, how_many: int = 4) -> tuple[list[Row], set[tuple[str, int]]]:
    """Changed figures for open (submitted, not accepted) unit-months: leaves and parents alike."""
    with db.connect() as conn:
        open_months = conn.execute(
            select(Unit.code, Submission.period)
            .join(Unit, Unit.id == Submission.unit_id)
            .where(Submission.state == "submitted")
            .order_by(Submission.period.desc(), Unit.code)
        ).all()
        chosen = [open_months[i] for i in np.linspace(0, len(open_months) - 1, how_many).astype(int)]
        rows, n = [], 2
        for code, period in chosen:
            for ind, scale, value in conn.execute(  # the figures its reporter submitted, not yet of record
                select(Indicator.code, Indicator.scale, SubmissionFigure.value)
                .join(SubmissionFigure, SubmissionFigure.indicator_id == Indicator.id)
                .join(Submission, Submission.id == SubmissionFigure.submission_id)
                .join(Unit, Unit.id == Submission.unit_id)
                .where(Unit.code == code, Submission.period == period, Indicator.code.in_(CODES))
            ):
                new = value * 11 // 10 + 7 if ind != "total_profit" else -value - 12345
                rows.append(
                    Row(
                        n,
                        {
                            "unit_code": code,
                            "indicator_code": ind,
                            "period": periods.format_period(period),
                            "value": format_scaled(new, scale),
                            "basis": "monthly",
                        },
                    )
                )
                n += 1
    assert rows
    return rows, {(code, period) for code, period in chosen}


def answers(analysis, year: int, month: int, restate: bool) -> list:
    engine = analysis.engine
    out = []
    for node in engine.tree(year, month, restate).descendants(0).tolist():
        cockpit = engine.cockpit(node, year, month, restate=restate)
        out.append((cockpit.rows, cockpit.children, cockpit.child_ranks.tolist()))
        if cockpit.children:
            for code in ("revenue", "total_profit"):
                out.append(engine.rank(code, year, month, parent=node, restate=restate).rows)
                out.append(engine.rank(code, year, month, parent=node, measure="gap", restate=restate).rows)
        for span in ("month", "ytd", "quarter"):
            out.append(engine.bridge(node, year, month, "total_profit", span, restate=restate))
    return out


def test_accepted_figures_update_the_cached_engine_exactly_as_a_rebuild_would(demo, builds):
    before = service.get_analysis(demo)
    before.engine.cube(restate=True)  # the restated view is kept current too once built
    group_before = before.engine.cockpit(0, 2026, 10).rows
    rows, touched = restated_rows(demo)

    with unit_of_work(demo) as session:
        import_facts(session, rows)
    after = service.get_analysis(demo)

    assert len(builds) == 1, "the figures were applied, not rebuilt"
    assert after is not before
    assert after.marker > before.marker
    assert before.engine.cockpit(0, 2026, 10).rows == group_before, "readers of the old engine see no change"
    with demo.connect() as conn:
        fresh = service.build(conn)
    for restate in (False, True):
        for a, b in ((after.engine.cube(restate), fresh.engine.cube(restate)),):
            assert np.array_equal(a.dense()[0], b.dense()[0])
            assert np.array_equal(a.dense()[1], b.dense()[1])
        for period in sorted({p for _, p in touched} | {202610}):
            year, month = periods.split(period)
            assert answers(after, year, month, restate) == answers(fresh, year, month, restate)
    assert after.engine.cockpit(0, 2026, 10).rows != group_before


def test_a_failed_import_changes_nothing_in_the_engine(demo, builds):
    before = service.get_analysis(demo)
    rows, _ = restated_rows(demo, 2)
    bad = Row(len(rows) + 2, {"unit_code": "NOPE", "indicator_code": "revenue", "period": "2026-10", "value": "1"})
    with pytest.raises(ValidationFailed), unit_of_work(demo) as session:
        import_facts(session, [*rows, bad])
    assert service.get_analysis(demo) is before
    assert len(builds) == 1


def test_a_second_process_import_is_caught_up_from_the_audit_trail(demo, builds, tmp_path):
    before = service.get_analysis(demo)
    rows, _ = restated_rows(demo, 1)
    path = tmp_path / "facts.csv"
    path.write_text(
        "unit_code,indicator_code,period,value,basis\n"
        + "".join(
            f"{r.get('unit_code')},{r.get('indicator_code')},{r.get('period')},{r.get('value')},monthly\n" for r in rows
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["facts", "import", str(path)])
    assert result.exit_code == 0, result.output
    after = service.get_analysis(demo)
    assert after is not before
    assert len(builds) == 1
    with demo.connect() as conn:
        fresh = service.build(conn)
    assert answers(after, 2026, 10, False) == answers(fresh, 2026, 10, False)


def test_a_change_to_users_only_moves_the_marker(demo, builds):
    before = service.get_analysis(demo)
    result = runner.invoke(app, ["users", "add", "newcomer", "--display-name", "Newcomer", "--grant", "viewer@G"])
    assert result.exit_code == 0, result.output
    after = service.get_analysis(demo)
    assert after.engine is before.engine
    assert after.marker > before.marker
    assert len(builds) == 1


def test_a_task_s_progress_only_moves_the_marker(demo, builds):
    """Work the engine does not hold (a task assigned, accepted, started, its progress) keeps the
    engine, and with it the cockpit's kept answers: servers under load see such changes all day."""
    before = service.get_analysis(demo)
    steps = [
        ["create", "--unit", "G0101", "--title", "Cut inventory days", "--owner", "lina", "--deadline", "2027-03-31"],
        ["act", "{task}", "accept", "--as", "lina"],
        ["act", "{task}", "start", "--as", "lina"],
        ["progress", "{task}", "--percent", "20", "--narrative", "stock counted", "--as", "lina"],
    ]
    task = None
    for step in steps:
        result = runner.invoke(app, ["tasks", *(s.format(task=task) for s in step)])
        assert result.exit_code == 0, result.output
        with demo.connect() as conn:
            task = conn.scalar(select(func.max(Task.id)))
    with demo.connect() as conn:
        entities = set(conn.scalars(select(AuditEntry.entity).where(AuditEntry.id > before.marker)))
    assert "task" in entities  # the progress report's own audit row
    after = service.get_analysis(demo)
    assert after.marker > before.marker
    assert after.engine is before.engine
    assert len(builds) == 1


def test_a_target_change_rebuilds_the_engine(demo, builds, tmp_path):
    before = service.get_analysis(demo)
    path = tmp_path / "targets.csv"
    path.write_text(
        "unit_code,indicator_code,year,tier,value,reason\nG01,revenue,2026,ensure,123456789.00,revised\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["targets", "import", str(path)])
    assert result.exit_code == 0, result.output
    after = service.get_analysis(demo)
    assert len(builds) == 2
    assert after.engine is not before.engine
