"""The academy A assessed for 2025 from its figures in the engine, its tasks, its quality problems
and HQ's recorded events, against hand-computed points; HQ's adjustment needs a reason."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pacer.analysis.serve.service import build
from pacer.assessment import assess, service
from pacer.errors import Forbidden, NotFound, ValidationFailed
from pacer.models import AuditEntry
from tests.assessment.conftest import YUAN, business

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


def test_what_the_rest_of_the_year_is_worth_item_by_item(session, org, scene):
    from pacer.assessment.whatif import what_if

    worth = {
        w.code: (w.points, w.most, w.at_stake, w.needed)
        for w in what_if(session, org.hq_analyst, build(session.connection()), scene.id)
    }
    assert worth["revenue"] == (4800, 4800, 0, 0 - 20_000 * YUAN)
    assert worth["profit"] == (1500, 3000, 1500, 10_000 * YUAN)
    assert worth["debt"] == (500, 1000, 500, None)
