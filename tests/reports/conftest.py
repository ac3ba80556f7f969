"""A small group with two years of figures, targets and the engine built on the test's transaction.

G -> A (A1, A2), B (B1). Revenue grows 10 % in 2025; A1's profit is a loss in 2024 turned into a
profit in 2025, B1's a loss both years (larger in 2025); receivables and inventory are balances;
R&D and operating cash flow are flows. G and A have revenue and profit targets for 2025.
"""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from pacer.analysis import Analysis
from pacer.models import Fact, Target
from tests.conftest import Org
from tests.factories import indicator

YUAN = 100  # scale 2


def _monthly(org: Org) -> dict[int, dict[str, tuple[int, int]]]:
    """unit id -> indicator -> (2024 monthly value, 2025 monthly value), in yuan."""
    return {
        org.A1.id: {
            "revenue": (3_000_000, 3_300_000),
            "total_profit": (-100_000, 250_000),
            "rd_expense": (200_000, 230_000),
            "operating_cash_flow": (150_000, 180_000),
            "accounts_receivable": (9_000_000, 9_500_000),
            "inventory": (4_000_000, 3_800_000),
        },
        org.A2.id: {
            "revenue": (2_000_000, 2_200_000),
            "total_profit": (150_000, 160_000),
            "rd_expense": (100_000, 90_000),
            "operating_cash_flow": (-50_000, 60_000),
            "accounts_receivable": (5_000_000, 5_100_000),
            "inventory": (3_000_000, 3_100_000),
        },
        org.B1.id: {
            "revenue": (1_000_000, 1_100_000),
            "total_profit": (-50_000, -80_000),
            "rd_expense": (30_000, 33_000),
            "operating_cash_flow": (20_000, -10_000),
            "accounts_receivable": (2_000_000, 2_000_000),
            "inventory": (1_000_000, 1_100_000),
        },
    }


def add_figures(session: Session, org: Org, last: int = 202512) -> None:
    ids = {}
    rows = []
    for unit_id, figures in _monthly(org).items():
        for code, (before, now) in figures.items():
            ind = ids.setdefault(code, indicator(session, code))
            for year, value in ((2024, before), (2025, now)):
                for month in range(1, 13):
                    if year * 100 + month <= last:
                        rows.append(
                            Fact(unit_id=unit_id, indicator_id=ind.id, period=year * 100 + month, value=value * YUAN)
                        )
    session.add_all(rows)
    targets = {
        org.G.id: {"revenue": (80_000_000, 84_000_000), "total_profit": (4_000_000, 4_400_000)},
        org.A.id: {"revenue": (64_000_000, 66_000_000), "total_profit": (5_000_000, 5_200_000)},
    }
    for unit_id, by_code in targets.items():
        for code, (ensure, strive) in by_code.items():
            for tier, value in (("ensure", ensure), ("strive", strive)):
                ind = ids[code]
                session.add(Target(unit_id=unit_id, indicator_id=ind.id, year=2025, tier=tier, value=value * YUAN))
    session.flush()


@pytest.fixture
def group(org: Org, session: Session) -> Org:
    add_figures(session, org)
    return org


@pytest.fixture
def analysis(group: Org, session: Session) -> Analysis:
    from pacer.analysis.serve.service import build

    return build(session.connection())
