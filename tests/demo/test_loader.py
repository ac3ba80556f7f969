"""The demo group as loaded into the database: the same figures the generator made (the quality
problem figures the register's), and they tie."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import create_engine, func, select, text
from typer.testing import CliRunner

from pacer.analysis.load import source
from pacer.cli import app
from pacer.demo import in_progress
from pacer.demo.generator import DemoConfig, generate
from pacer.models import Fact, Indicator, Submission, Target, Unit, User
from pacer.quality import figures

runner = CliRunner()


@pytest.fixture
def demo_db(demo_groups, tmp_path, monkeypatch):
    template, output = demo_groups.cli("--years", "4", "--as-of", "2026-10")
    for url in demo_groups.copy(template, tmp_path, monkeypatch):
        engine = create_engine(url)
        yield engine, output
        engine.dispose()


def test_the_database_holds_exactly_what_the_generator_made(demo_db):
    engine, output = demo_db
    group = generate(DemoConfig.load(), seed=7, first_year=2023, as_of=(2026, 10))
    # the month in progress: only its accepted units' figures are of record
    states = in_progress.plan(group)
    accepted = [u for u, s in states.items() if s == "accepted"]
    of_record = ~in_progress.held_back(group, states) | (
        (group.facts.period == 202610) & np.isin(group.facts.unit, accepted)
    )
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Fact)) == int(of_record.sum())
        assert conn.scalar(select(func.count()).select_from(Unit)) == len(group.units)
        assert conn.scalar(select(func.count()).select_from(Target)) == len(group.targets)
        assert conn.scalar(select(func.count()).select_from(User)) == len(group.users)
        # but for the quality problem figures, which are the problem register's (tests/demo/test_quality.py)
        told = [group.indicators.index(c) for c in figures.CODES]
        generated = of_record & ~np.isin(group.facts.indicator, told)
        registers = select(Indicator.id).where(Indicator.code.in_(figures.CODES))
        stored = select(func.sum(Fact.value)).where(Fact.indicator_id.not_in(registers))
        assert conn.scalar(stored) == int(group.facts.value[generated].sum())
        held = conn.execute(
            select(Submission.state, func.count()).where(Submission.period == 202610).group_by(Submission.state)
        )
        in_month = dict(held.all())
        before = conn.scalar(
            select(func.count())
            .select_from(Submission)
            .where(Submission.period < 202610, Submission.state != "accepted")
        )
    assert set(in_month) == {"accepted", "submitted", "approved", "returned", "draft"}
    assert sum(in_month.values()) == sum(1 for s in states.values() if s != "not_started")
    assert before == 0
    assert f"{int(of_record.sum()):,} facts" in output


def test_balance_sheets_balance_in_the_database(demo_db):
    engine, _ = demo_db
    query = text("""
        SELECT count(*) FROM fact a
        JOIN indicator ia ON ia.id = a.indicator_id AND ia.code = 'total_assets'
        JOIN fact l ON l.unit_id = a.unit_id AND l.period = a.period
        JOIN indicator il ON il.id = l.indicator_id AND il.code = 'total_liabilities'
        JOIN fact e ON e.unit_id = a.unit_id AND e.period = a.period
        JOIN indicator ie ON ie.id = e.indicator_id AND ie.code = 'owners_equity'
        WHERE a.value <> l.value + e.value""")
    with engine.connect() as conn:
        assert conn.scalar(query) == 0


def test_the_engine_reads_the_same_figures_row_wise_and_column_wise(demo_db):
    engine, _ = demo_db
    with engine.connect() as conn:
        rows = source.load(conn, columnar=False)
        cols = source.load(conn, columnar=True)
    assert np.array_equal(rows.facts.dense(), cols.facts.dense())
    assert np.array_equal(rows.facts.present, cols.facts.present)
    assert rows.units.codes == cols.units.codes


def test_the_group_ytd_in_the_engine_equals_plain_sql(demo_db):
    from pacer.analysis.serve.service import build

    engine, _ = demo_db
    with engine.connect() as conn:
        analysis = build(conn)
        reported = conn.scalar(
            text(
                "SELECT sum(value) FROM fact JOIN indicator ON indicator.id = fact.indicator_id "
                "WHERE indicator.code = 'revenue' AND period BETWEEN 202601 AND 202610"
            )
        )
        # every elimination entry is booked inside the group, so each one reaches its root
        eliminated = conn.scalar(
            text(
                "SELECT sum(value) FROM elimination_entry JOIN indicator ON indicator.id = indicator_id "
                "WHERE indicator.code = 'revenue' AND period BETWEEN 202601 AND 202610"
            )
        )
    reported, eliminated = int(reported), int(eliminated)  # PostgreSQL sums bigints as numeric
    assert reported // 100 < eliminated < reported // 20  # intra-group sales: a few per cent
    row = analysis.engine.cockpit(0, 2026, 10, ["revenue"]).row("revenue")
    assert row.ytd.scaled == reported - eliminated


def test_the_configured_group_eliminates_intra_group_sales_and_a_resized_one_does_not():
    group = generate(DemoConfig.load(), seed=7, first_year=2025, as_of=(2026, 10))
    again = generate(DemoConfig.load(), seed=7, first_year=2025, as_of=(2026, 10))
    assert group.eliminations
    assert group.eliminations == again.eliminations
    at = {e.unit_code for e in group.eliminations}
    assert "G" in at
    assert at - {"G"}
    by_key: dict[tuple[str, int, str], dict[str, int]] = {}
    for e in group.eliminations:
        by_key.setdefault((e.unit_code, e.period, e.counterparty), {})[e.indicator_code] = e.value
    for amounts in by_key.values():  # consolidated profit and balance sheets still tie
        assert amounts["revenue"] == amounts["operating_cost"] > 0
        assert amounts["total_assets"] == amounts["total_liabilities"] == amounts["accounts_receivable"]
    assert not generate(DemoConfig.load(), seed=7, units=60, first_year=2026, as_of=(2026, 3)).eliminations


def test_demo_refuses_a_database_that_already_holds_a_group(demo_db):
    result = runner.invoke(app, ["demo", "--years", "2", "--no-summary"])
    assert result.exit_code == 1
    assert "--reset" in result.output


def test_summary_prints_the_group_and_its_second_level_units(demo_db):
    result = runner.invoke(app, ["summary", "--lang", "en"], env={"COLUMNS": "220"})
    assert result.exit_code == 0, result.output
    group = generate(DemoConfig.load(), seed=7, first_year=2023, as_of=(2026, 10))
    second_level = [u.name_en for u in group.units if u.parent_code == "G"]
    assert group.units[0].name_en in result.output
    assert all(name in result.output for name in second_level)
    assert "2026-09" in result.output  # the latest complete month: 2026-10 is still being reported
    assert "Completion" in result.output


def test_summary_of_an_unknown_unit_is_refused(demo_db):
    result = runner.invoke(app, ["summary", "--unit", "NOPE"])
    assert result.exit_code == 1
    assert "unknown unit 'NOPE'" in result.output


def test_history_aggregates_under_the_tree_as_it_was_and_can_be_restated(demo_db):
    from pacer.analysis.serve.service import build

    group = generate(DemoConfig.load(), seed=7, first_year=2023, as_of=(2026, 10))
    move = group.moves[0]
    old_parent = next(u.parent_code for u in group.units if u.code == move.unit_code)
    engine, _ = demo_db
    with engine.connect() as conn:
        analysis = build(conn)
    index = analysis.data.unit_index()
    eng = analysis.engine
    mover, old, new = index[move.unit_code], index[old_parent], index[move.new_parent_code]
    before = (
        (move.effective.year - 1, 12) if move.effective.month == 1 else (move.effective.year, move.effective.month - 1)
    )
    assert before[0] >= analysis.data.first_year, "the fixture must load the year before the move"

    def ytd(node, year, month, restate=False):
        return eng.cockpit(node, year, month, ["revenue"], restate=restate).row("revenue").ytd.scaled

    mover_ytd = ytd(mover, *before)
    assert mover in eng.children(old, *before)
    assert mover not in eng.children(new, *before)
    assert mover in eng.children(new, 2026, 10)
    # as it was, the unit's figures of that month count under its old parent ...
    assert ytd(old, *before) - ytd(old, *before, restate=True) == mover_ytd
    # ... and restated under today's tree, under the new one
    assert ytd(new, *before, restate=True) - ytd(new, *before) == mover_ytd


def test_summary_in_a_narrow_terminal_cuts_no_figure(demo_db):
    result = runner.invoke(app, ["summary", "--lang", "en"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "…" not in result.output


def test_summary_lines_add_up_to_the_total_with_the_groups_eliminations(demo_db):
    from pacer.analysis import DisplayUnit
    from pacer.analysis.serve.service import build
    from pacer.cli.present.summary import _shown_amounts

    result = runner.invoke(app, ["summary", "--lang", "en"], env={"COLUMNS": "220"})
    assert result.exit_code == 0, result.output
    assert "Own and eliminations" in result.output
    engine, _ = demo_db
    with engine.connect() as conn:
        eng = build(conn).engine
    # the summary's month: the latest complete one (2026-10 is still being reported)
    cockpit = eng.cockpit(0, 2026, 9, ["revenue", "two_funds"])
    kids = [eng.cockpit(k, 2026, 9, ["revenue", "two_funds"]) for k in cockpit.children]
    for code in ("revenue", "two_funds"):
        total, children, own = _shown_amounts(cockpit.row(code), [k.row(code) for k in kids], True, DisplayUnit.YI_YUAN)
        assert own is not None
        assert own < 0
        assert total == sum(children) + own
