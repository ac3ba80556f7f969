"""A statement's people and content: HQ's analyst drafts and countersigns, the academy A's
approver signs for A, the academy's own analyst cascades to A1 and A2, whose approver signs."""

from __future__ import annotations

from typing import Any

import pytest

from pacer.assessment.plan import Content
from pacer.models import Target
from tests.factories import create_user, indicator

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
