"""The rules' context read from the database: last months, last year, last December, the
children's sums of a unit reporting consolidated figures, what the unit must report; through the
visibility rule and in a few queries whatever the number of unit-months."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from pacer.auth.permissions import SYSTEM
from pacer.errors import Forbidden
from pacer.models import Fact
from pacer.submissions.rule_config import RuleConfig
from pacer.submissions.rule_context import build_context, contexts, definitions
from tests.factories import indicator


def put(session, unit, code, period, value):
    session.add(Fact(unit_id=unit.id, indicator_id=indicator(session, code).id, period=period, value=value))
    session.flush()


@pytest.fixture
def figures(session, org):
    for month in (1, 2, 3):
        put(session, org.A1, "revenue", 202500 + month, 100 * month)  # flows: the month's amount
        put(session, org.A1, "revenue", 202600 + month, 1000 * month)
    put(session, org.A1, "total_assets", 202512, 5000)
    put(session, org.A1, "total_assets", 202603, 6000)
    put(session, org.A2, "total_assets", 202603, 4000)
    put(session, org.A, "total_assets", 202603, 9500)
    put(session, org.B1, "total_assets", 202603, 1)
    return org


def test_the_context_holds_last_months_last_year_and_last_december(session, figures):
    ctx = build_context(session, figures.unit_reporter, figures.A1, 202603)
    assert ctx.unit_code == "A1"
    assert ctx.period == 202603
    assert ctx.ytd_before["revenue"] == 1000 + 2000
    assert ctx.last_year["revenue"] == 100 + 200 + 300
    assert ctx.last_december == {"total_assets": 5000}
    assert ctx.children_sum is None  # A1 reports its own figures only
    assert {"revenue", "total_assets", "headcount"} <= ctx.required  # no assignment rules: everything
    assert "debt_to_asset_ratio" not in ctx.required


def test_the_definitions_carry_names_units_and_formulas(session, org):
    defs, code_of = definitions(session, 2026)
    assert defs["revenue"].name_zh == "营业收入"
    assert defs["revenue"].symbol_en == "yuan"
    assert defs["headcount"].never_negative
    assert defs["headcount"].dimension == "headcount"
    assert defs["debt_to_asset_ratio"].percent
    assert "total_liabilities" in (defs["debt_to_asset_ratio"].formula or "")
    assert code_of[indicator(session, "revenue").id] == "revenue"


def test_a_unit_reporting_consolidated_figures_gets_its_childrens_sum(session, figures):
    figures.A.tags = {"reports": "consolidated"}
    session.flush()
    ctx = build_context(session, figures.academy_viewer, figures.A, 202603)
    assert ctx.children_sum == {"total_assets": 6000 + 4000, "revenue": 3000}
    by_config = build_context(session, SYSTEM, figures.B, 202603, RuleConfig(consolidation_units=frozenset({"B"})))
    assert by_config.children_sum == {"total_assets": 1}


def test_figures_not_yet_stored_are_laid_over_the_stored_ones(session, figures):
    ids = indicator(session, "revenue").id
    [ctx] = contexts(session, SYSTEM, [(figures.A1, 202603)], pending={(figures.A1.id, ids, 202602): 50}).values()
    assert ctx.ytd_before["revenue"] == 1000 + 50


def test_a_reporter_cannot_read_a_siblings_context(session, figures):
    with pytest.raises(Forbidden):
        build_context(session, figures.unit_reporter, figures.A2, 202603)
    with pytest.raises(Forbidden):
        build_context(session, figures.other_reporter, figures.A1, 202603)


def test_figures_outside_the_actors_subtree_count_as_absent(session, figures):
    # the reporter of A1 asks for the context of a unit tagged consolidated above it: a sibling's
    # figures stay out of the sum (the batch read takes the actor's visibility, not the unit's)
    figures.A.tags = {"reports": "consolidated"}
    session.flush()
    [ctx] = contexts(session, figures.unit_reporter, [(figures.A, 202603)]).values()
    assert ctx.children_sum == {"total_assets": 6000, "revenue": 3000}


def test_many_unit_months_cost_a_few_queries(session, figures):
    statements = []
    connection = session.connection()
    listener = lambda *args: statements.append(args[2])  # noqa: E731 - a one-line recorder
    event.listen(connection, "before_cursor_execute", listener)
    try:
        wanted = [(u, 202600 + m) for u in (figures.A1, figures.A2, figures.B1) for m in (1, 2, 3)]
        found = contexts(session, SYSTEM, wanted, with_required=False)
        first, statements[:] = len(statements), []
        contexts(session, SYSTEM, wanted, with_required=False)
    finally:
        event.remove(connection, "before_cursor_execute", listener)
    assert len(found) == 9
    # the library's marker, the definitions (two), then two reads of the figures around each
    # month (the flows' sums, the stocks' balances), whatever the units; the definitions are kept
    # while the library stays as it is
    assert first <= 1 + 2 + 2 * 3
    assert len(statements) <= 1 + 2 * 3
