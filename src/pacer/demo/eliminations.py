"""The demo group's elimination entries: intra-group sales between its units, eliminated where
the seller and the buyer are consolidated together. Pure, and derived from the generated figures,
so the same seed gives the same entries."""

from __future__ import annotations

from datetime import date

import numpy as np

from pacer.demo.config import DemoConfig
from pacer.demo.records import DemoElimination, DemoUnit, FactArrays, UnitMove

# A sale removes revenue and the buyer's matching cost; the receivable it leaves removes the
# seller's receivable and asset and the buyer's payable, so consolidated balance sheets still tie.
SALE_INDICATORS = ("revenue", "operating_cost")
BALANCE_INDICATORS = ("accounts_receivable", "total_assets", "total_liabilities")
RECEIVABLE_PER_SALE = (3, 2)  # the month-end receivable is half as much again as the month's sale


def intra_group_eliminations(
    config: DemoConfig, units: list[DemoUnit], moves: list[UnitMove], facts: FactArrays, indicators: list[str]
) -> list[DemoElimination]:
    index = {u.code: i for i, u in enumerate(units)}
    sales = [s for s in config.intra_group_sales if s.seller in index and s.buyer in index]
    if not sales:
        return []
    traders = np.array(sorted({index[c] for s in sales for c in (s.seller, s.buyer)}))
    rows = (facts.indicator == indicators.index("revenue")) & np.isin(facts.unit, traders)
    revenue = {
        (int(u), int(p)): int(v)
        for u, p, v in zip(facts.unit[rows], facts.period[rows], facts.value[rows], strict=True)
    }
    trees: dict[int, dict[str, str | None]] = {}
    out: list[DemoElimination] = []
    for sale in sales:
        seller, buyer = index[sale.seller], index[sale.buyer]
        counterparty = f"{sale.seller}→{sale.buyer}"
        for (unit, period), amount in sorted(revenue.items()):
            if unit != seller or (buyer, period) not in revenue:
                continue
            sold = amount * sale.share_bp // 10_000
            if period not in trees:
                trees[period] = _parents_on(units, moves, date(period // 100, period % 100, 1))
            at = _common_parent(sale.seller, sale.buyer, trees[period])
            if sold <= 0 or at is None:
                continue
            owed = sold * RECEIVABLE_PER_SALE[0] // RECEIVABLE_PER_SALE[1]
            out += [DemoElimination(at, code, period, counterparty, sold) for code in SALE_INDICATORS]
            out += [DemoElimination(at, code, period, counterparty, owed) for code in BALANCE_INDICATORS]
    return out


def _parents_on(units: list[DemoUnit], moves: list[UnitMove], day: date) -> dict[str, str | None]:
    parents = {u.code: u.parent_code for u in units}
    for move in sorted(moves, key=lambda m: m.effective):
        if move.effective <= day:
            parents[move.unit_code] = move.new_parent_code
    return parents


def _common_parent(a: str, b: str, parents: dict[str, str | None]) -> str | None:
    """The nearest unit both ``a`` and ``b`` sit under."""
    above: list[str] = []
    node = parents.get(a)
    while node is not None:
        above.append(node)
        node = parents.get(node)
    node = parents.get(b)
    while node is not None and node not in above:
        node = parents.get(node)
    return node
