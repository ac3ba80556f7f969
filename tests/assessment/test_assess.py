"""The academy A assessed for 2025 from its figures in the engine, its tasks, its quality problems
and HQ's recorded events, against hand-computed points; HQ's adjustment needs a reason."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pacer.analysis.serve.service import build
from pacer.assessment import assess, service
from pacer.errors import Forbidden, NotFound, ValidationFailed
from pacer.models import AuditEntry
from tests.assessment.conftest import LAST_MONTHS, YUAN, business, set_targets
from tests.factories import create_monthly_facts

YEAR = 2025


def _year_end(session, org):
    [result] = assess.record_results(session, org.hq_analyst, build(session.connection()), YEAR, "business", "yearend")
    return result


def test_each_item_is_scored_from_the_engine_the_tasks_and_the_quality_records(session, org, scene):
    result = _year_end(session, org)
    points = {i["code"]: (i["value"], i["points"], i["status"]) for i in result.working["items"]}
    assert points == {
        "revenue": (1_020_000 * YUAN, 4800, "capped"),  # (1,020,000 - 900,000) / 100,000 = 1.2, the cap
        "profit": (90_000 * YUAN, 1500, "scored"),  # (90,000 - 80,000) / 20,000 = 0.5 of 30
        "debt": (6500, 500, "scored"),  # (65 - 70) / (60 - 70) = 0.5 of 10
        "tasks": (6667, 334, "scored"),  # 2 of 3 done: (66.67 - 60) / 40 x 20 = 3.335 -> 3.34
    }
    assert result.working["adjustments"][0]["points"] == -300  # one critical problem
    assert result.total == 4800 + 1500 + 500 + 334 - 300
    assert result.working["grade_by_points"] == "C"
    assert result.grade == "D"  # the safety incident's veto
    assert result.through == 202512


def test_the_mid_year_score_holds_flows_to_half_their_targets(session, org, scene):
    engine = build(session.connection())
    [result] = assess.record_results(session, org.hq_analyst, engine, YEAR, "business", "midyear")
    revenue = next(i for i in result.working["items"] if i["code"] == "revenue")
    assert (revenue["value"], revenue["threshold"], revenue["target"]) == (
        510_000 * YUAN,
        450_000 * YUAN,
        500_000 * YUAN,
    )
    assert result.through == 202506


def test_a_draft_statement_is_not_assessed(session, org):
    service.draft(session, org.hq_analyst, "B", YEAR, "business", business(profit={"threshold": 1, "target": 2}))
    assert (
        assess.record_results(session, org.hq_analyst, build(session.connection()), YEAR, "business", "yearend") == []
    )


def test_hq_adjusts_a_score_only_with_a_reason_and_it_is_audited(session, org, scene):
    result = _year_end(session, org)
    with pytest.raises(ValidationFailed) as refused:
        assess.adjust(session, org.hq_analyst, result.id, 500, "  ")
    assert refused.value.problems[0].zh == "调整考核得分须书面说明原因"
    assess.adjust(session, org.hq_analyst, result.id, 500, "承担重大专项任务")
    assert result.final == result.total + 500
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "assessment.adjust")).one()
    assert audit.note == "承担重大专项任务"
    assert audit.after["final"] == result.final
    again = _year_end(session, org)  # computing again keeps the adjustment
    assert again.final == again.total + 500


def test_the_unit_cannot_adjust_its_own_score_and_others_do_not_see_it(session, org, scene, signer):
    result = _year_end(session, org)
    with pytest.raises(Forbidden):
        assess.adjust(session, signer, result.id, 500, "自评")
    with pytest.raises(NotFound):
        assess.adjust(session, org.other_reporter, result.id, 500, "跨单位")


def test_the_league_table_ranks_assessed_units_first_and_grades_by_bands_or_distribution(session, org, scene):
    from pacer.assessment.league import league

    service.draft(session, org.hq_analyst, "B", YEAR, "business", business(profit={"threshold": 1, "target": 2}))
    result = _year_end(session, org)
    rows = league(session, org.hq_analyst, YEAR, "business")
    assert [(r.unit.code, r.rank, r.of, r.grade) for r in rows] == [("A", 1, 1, "D"), ("B", None, None, None)]
    assert rows[0].result.final == result.final
    forced_rows = league(session, org.hq_analyst, YEAR, "business", grading="forced")
    assert forced_rows[0].grade == "D"  # forced: B (half of one unit rounds up to one), but the veto caps it
    assert league(session, org.other_reporter, YEAR, "business") == []


def test_a_closed_year_offers_no_what_if(session, org, scene):
    from pacer.assessment.whatif import what_if

    assert what_if(session, org.hq_analyst, build(session.connection()), scene.id) == []


def _through_september(session, org, **changes):
    """A's 2025 statement with figures to September only: the year is still being reported."""
    months = LAST_MONTHS[:9]
    create_monthly_facts(session, org.A1, {"revenue": 40_000, "total_profit": 6_000}, months)
    create_monthly_facts(session, org.A2, {"revenue": 45_000, "total_profit": 1_500}, months)
    for unit in (org.A1, org.A2):
        create_monthly_facts(session, unit, {"total_assets": 1_000_000, "total_liabilities": 650_000}, months)
    set_targets(session, org.A, "total_profit", 80_000 * YUAN, 100_000 * YUAN, year=YEAR)
    return service.draft(session, org.hq_analyst, "A", YEAR, "business", business(**changes))


def test_what_the_rest_of_the_year_is_worth_item_by_item(session, org):
    from pacer.assessment.whatif import what_if

    statement = _through_september(session, org)
    worth = {
        w.code: (w.heading, w.points, w.most, w.at_stake, w.needed, w.met)
        for w in what_if(session, org.hq_analyst, build(session.connection()), statement.id)
    }
    # 85,000 a month for nine months heads for 1,020,000: above the strive target, capped at 1.2
    assert worth["revenue"] == (1_020_000 * YUAN, 4800, 4800, 0, 235_000 * YUAN, False)
    assert worth["profit"] == (90_000 * YUAN, 1500, 3000, 1500, 32_500 * YUAN, False)
    assert worth["debt"] == (6500, 500, 1000, 500, None, False)


def test_a_strive_target_already_met_is_said_so_not_a_negative_amount(session, org):
    from pacer.assessment.whatif import what_if

    statement = _through_september(session, org, revenue={"threshold": 500_000 * YUAN, "target": 700_000 * YUAN})
    [revenue] = [
        w for w in what_if(session, org.hq_analyst, build(session.connection()), statement.id) if w.code == "revenue"
    ]
    assert (revenue.value, revenue.needed, revenue.met) == (765_000 * YUAN, 0, True)


def test_the_mid_year_score_holds_flows_to_the_time_progress_of_their_targets_phasing(session, org, scene):
    from pacer.auth.permissions import SYSTEM
    from pacer.group_settings import service as group_settings
    from pacer.models import Target

    group_settings.save(session, SYSTEM, {"time_basis": "seasonal"})  # as the cockpit then judges elapsed time
    backloaded = [600] * 5 + [1000] + [1000] * 6  # 40 % of the year's profit due by June
    for target in session.scalars(select(Target).where(Target.unit_id == org.A.id, Target.year == YEAR)):
        target.phasing_bp = backloaded
    session.flush()
    [result] = assess.record_results(session, org.hq_analyst, build(session.connection()), YEAR, "business", "midyear")
    items = {i["code"]: i for i in result.working["items"]}
    profit, revenue = items["profit"], items["revenue"]
    # 45,000 so far against 40 % of 80,000 and of 100,000: at the strive tier's pace, full marks
    assert (profit["value"], profit["threshold"], profit["target"]) == (45_000 * YUAN, 32_000 * YUAN, 40_000 * YUAN)
    assert profit["points"] == 3000
    assert "time progress through month 6, 40.0%" in profit["note"][0]
    assert "时间进度 40.0%" in profit["note"][1]
    # revenue has no phased target nor earlier years: held to half its year (linear)
    assert (revenue["threshold"], revenue["target"]) == (450_000 * YUAN, 500_000 * YUAN)
