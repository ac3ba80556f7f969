"""A statement's people and content: HQ's analyst drafts and countersigns, the academy A's
approver signs for A, the academy's own analyst cascades to A1 and A2, whose approver signs."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from pacer.assessment import service
from pacer.assessment.plan import Content
from pacer.models import StatementEvent, Target, Task, WorkflowItem
from pacer.models.quality import QualityProblem
from tests.factories import create_monthly_facts, create_user, indicator
from tests.webclient import app, client  # noqa: F401  (fixtures)

YEAR = 2026
YUAN = 100  # revenue and profit are stored in yuan at two decimals


@pytest.fixture
def signer(session, org):
    return create_user(session, "amy", [("unit_approver", org.A)])


@pytest.fixture
def academy_hq(session, org):
    return create_user(session, "adam", [("hq_analyst", org.A)])


@pytest.fixture
def a1_signer(session, org):
    return create_user(session, "ann", [("unit_approver", org.A1)])


def set_targets(session, unit, code: str, ensure: int, strive: int, year: int = YEAR) -> None:
    ind = indicator(session, code)
    for tier, value in (("ensure", ensure), ("strive", strive)):
        session.add(Target(unit_id=unit.id, indicator_id=ind.id, year=year, tier=tier, value=value))
    session.flush()


def business_items(**changes: dict[str, Any]) -> list[dict[str, Any]]:
    """Revenue 40 points (explicit thresholds), profit 30 (from the targets of record), the debt
    ratio 10 (a cap, lower is better), task completion 20, a deduction and a veto."""
    items: list[dict[str, Any]] = [
        {
            "code": "revenue",
            "kind": "quantitative",
            "name_zh": "营业收入",
            "name_en": "Revenue",
            "indicator": "revenue",
            "weight": 4000,
            "rule": "linear",
            "threshold": 900_000 * YUAN,
            "target": 1_000_000 * YUAN,
            "cap": 12_000,
        },
        {"code": "profit", "kind": "quantitative", "indicator": "total_profit", "weight": 3000, "rule": "linear"},
        {
            "code": "debt",
            "kind": "quantitative",
            "indicator": "debt_to_asset_ratio",
            "weight": 1000,
            "rule": "linear",
            "threshold": 7000,
            "target": 6000,
        },
        {
            "code": "tasks",
            "kind": "qualitative",
            "measure": "task_completion",
            "weight": 2000,
            "rule": "linear",
            "threshold": 6000,
            "target": 10000,
        },
        {"code": "accident", "kind": "deduction", "measure": "critical_problems", "per_event": 300, "limit": 1000},
        {"code": "safety", "kind": "veto", "measure": "events", "grade": "C"},
    ]
    for item in items:
        item.update(changes.get(item["code"], {}))
    return items


def business(**changes: dict[str, Any]) -> Content:
    return Content.of({"items": business_items(**changes)})


@pytest.fixture
def targets(session, org):
    set_targets(session, org.A, "total_profit", 80_000 * YUAN, 100_000 * YUAN)


LAST_YEAR = 2025
LAST_MONTHS = [LAST_YEAR * 100 + m for m in range(1, 13)]


def _task(session, unit, n: int, state: str, closed: date | None) -> None:
    item = WorkflowItem(workflow="task", entity_key=f"t{n}", unit_id=unit.id, state=state)
    session.add(item)
    session.flush()
    deadline = date(LAST_YEAR, 6, 30)
    session.add(
        Task(
            workflow_item_id=item.id,
            unit_id=unit.id,
            title=f"task {n}",
            owner="alice",
            issuer="hannah",
            assigned_on=date(LAST_YEAR, 1, 10),
            deadline=deadline,
            original_deadline=deadline,
            closed_on=closed,
            created_by="hannah",
        )
    )


def _critical_problem(session, unit) -> None:
    item = WorkflowItem(workflow="quality_problem", entity_key="p1", unit_id=unit.id, state="open")
    session.add(item)
    session.flush()
    session.add(
        QualityProblem(
            unit_id=unit.id,
            workflow_item_id=item.id,
            title="重大质量事故",
            found_stage="test",
            severity="critical",
            found_on=date(LAST_YEAR, 3, 1),
            deadline=date(LAST_YEAR, 4, 1),
            owner="alice",
            created_by="hannah",
        )
    )


@pytest.fixture
def scene(session, org, signer):
    """A1 and A2's figures for 2025: revenue 40,000 + 45,000 a month (1,020,000 for the year),
    profit 6,000 + 1,500 (90,000), each 65 % in debt; three tasks of A1, two verified; a critical
    problem at A2; a safety incident recorded by HQ. The statement is signed."""
    create_monthly_facts(session, org.A1, {"revenue": 40_000, "total_profit": 6_000}, LAST_MONTHS)
    create_monthly_facts(session, org.A2, {"revenue": 45_000, "total_profit": 1_500}, LAST_MONTHS)
    for unit in (org.A1, org.A2):
        create_monthly_facts(session, unit, {"total_assets": 1_000_000, "total_liabilities": 650_000}, LAST_MONTHS)
    _task(session, org.A1, 1, "verified", date(LAST_YEAR, 6, 1))
    _task(session, org.A1, 2, "verified", date(LAST_YEAR, 7, 15))
    _task(session, org.A1, 3, "in_progress", None)
    _critical_problem(session, org.A2)
    set_targets(session, org.A, "total_profit", 80_000 * YUAN, 100_000 * YUAN, year=LAST_YEAR)
    statement = service.draft(session, org.hq_analyst, "A", LAST_YEAR, "business", business(safety={"grade": "D"}))
    service.act(session, org.hq_analyst, statement.id, "issue")
    service.act(session, signer, statement.id, "sign")
    session.add(
        StatementEvent(
            statement_id=statement.id,
            code="safety",
            occurred_on=date(LAST_YEAR, 5, 5),
            note="火灾",
            recorded_by="hannah",
        )
    )
    session.flush()
    return statement
