"""The rules' context fed by the served analysis engine agrees with the one read from the
database, on the same figures, for every unit, month and viewer; an engine behind the database
is not asked."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import event

from pacer.analysis import change_marker
from pacer.analysis.serve import service as served
from pacer.audit.service import record
from pacer.auth.permissions import SYSTEM
from pacer.models import Fact
from pacer.submissions.rule_config import RuleConfig
from pacer.submissions.rule_context import contexts, definitions
from pacer.submissions.rule_figures import engine_figures
from tests.factories import indicator

CODES = ("revenue", "total_profit", "total_assets", "total_liabilities", "headcount")
MONTHS = [2024_00 + m for m in range(7, 13)] + [2025_00 + m for m in range(1, 13)] + [2026_00 + m for m in range(1, 5)]


@pytest.fixture
def group(session, org):
    """Two years of figures with gaps and negative months, in A's subtree and in B's."""
    draw = random.Random(11)
    ids = {code: indicator(session, code).id for code in CODES}
    for unit in (org.A, org.A1, org.A2, org.B1):
        for period in MONTHS:
            for code in CODES:
                if draw.random() < 0.15:
                    continue  # a figure not reported
                value = draw.randint(-500, 5000) if code == "total_profit" else draw.randint(0, 9000)
                session.add(Fact(unit_id=unit.id, indicator_id=ids[code], period=period, value=value))
    org.A.tags = {"reports": "consolidated"}
    session.flush()
    return org


def _engine(session):
    connection = session.connection()
    return served.build(connection, marker=change_marker(connection))


def _pending(session, org):
    revenue, assets = indicator(session, "revenue").id, indicator(session, "total_assets").id
    return {
        (org.A1.id, revenue, 202602): 77,  # an earlier month of the year, given again
        (org.A1.id, revenue, 202603): 1234,
        (org.A2.id, assets, 202603): 4321,  # a child's figure of the consolidated month
        (org.A1.id, assets, 202512): 999,  # last December, not yet stored
    }


@pytest.mark.parametrize("viewer", ["system", "group_admin", "unit_reporter", "academy_viewer", "other_reporter"])
def test_the_engine_gives_the_same_context_as_the_database(session, group, viewer):
    actor = SYSTEM if viewer == "system" else getattr(group, viewer)
    analysis = _engine(session)
    wanted = [(u, p) for u in (group.A, group.A1, group.A2, group.B1) for p in MONTHS[6:]]
    config = RuleConfig(consolidation_units=frozenset({"B"}))
    for pending in ({}, _pending(session, group)):
        by_sql = contexts(session, actor, wanted, config, pending)
        by_engine = contexts(session, actor, wanted, config, pending, analysis=analysis)
        assert by_engine == by_sql
    assert any(c.ytd_before and c.last_year and c.last_december for c in by_sql.values())  # not all empty


def test_the_engine_is_asked_instead_of_the_database(session, group):
    analysis = _engine(session)
    _, code_of = definitions(session, 2026)
    assert engine_figures(session, SYSTEM, analysis, {c: i for i, c in code_of.items()}) is not None
    statements: list[str] = []
    connection = session.connection()
    listener = lambda *args: statements.append(args[2])  # noqa: E731 - a one-line recorder
    event.listen(connection, "before_cursor_execute", listener)
    try:
        contexts(session, SYSTEM, [(group.A1, 202603), (group.A, 202603)], with_required=False, analysis=analysis)
    finally:
        event.remove(connection, "before_cursor_execute", listener)
    assert not [s for s in statements if "FROM fact" in s]


def test_an_engine_behind_the_database_is_not_asked(session, group):
    analysis = _engine(session)
    revenue = indicator(session, "revenue").id
    stored = session.get(Fact, {"unit_id": group.A1.id, "indicator_id": revenue, "period": 202601}) or Fact(
        unit_id=group.A1.id, indicator_id=revenue, period=202601, value=0
    )
    stored.value += 100_000  # changed after the engine was built, as every change is: audited
    session.add(stored)
    record(session, "admin", "fact.set", "fact", "A1/revenue/2026-01", None, {"value": "changed"})
    session.flush()
    _, code_of = definitions(session, 2026)
    assert engine_figures(session, SYSTEM, analysis, {c: i for i, c in code_of.items()}) is None
    wanted = [(group.A1, 202603)]
    by_engine = contexts(session, SYSTEM, wanted, analysis=analysis)
    assert by_engine == contexts(session, SYSTEM, wanted)
    assert by_engine[(group.A1.id, 202603)].ytd_before["revenue"] >= 100_000
