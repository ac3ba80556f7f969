"""Elimination entries per pair of units: the pair named in ``counterparty`` (``SELLER→BUYER``)
is checked the same way from the CLI and the pages (not a unit with itself, both units in the
tree that month), and rows given as a pair (``seller_code``, ``buyer_code``) are booked at the
pair's nearest common parent in that month's tree (the tree on its first day)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.auth.permissions import Actor, visible_unit_ids
from pacer.eliminations.repository import Placements
from pacer.errors import Problem
from pacer.kit import periods
from pacer.kit.tabular import ProblemSink, Row
from pacer.models import Unit
from pacer.org import repository as org

ARROW = re.compile(r"\s*(?:→|->)\s*")


def split_pair(counterparty: str) -> tuple[str, str] | None:
    parts = ARROW.split(counterparty.strip())
    return (parts[0], parts[1]) if len(parts) == 2 and all(parts) else None


def pair_problems(
    number: int, counterparty: str, period: int, units: dict[str, Unit], placements: Placements
) -> list[Problem]:
    """What is wrong with the pair ``counterparty`` names in ``period``, when it names two units."""
    pair = split_pair(counterparty)
    if pair is None or not all(code in units for code in pair):
        return []
    shown = periods.format_period(period)
    if pair[0] == pair[1]:
        return [Problem(f"an elimination between a unit and itself ('{pair[0]}')", number, "counterparty",
                        zh=f"不能在单位与其自身之间抵销（{pair[0]}）")]  # fmt: skip
    day = periods.first_day(period)
    return [
        Problem(
            f"unit '{code}' of the pair is not in the org tree in {shown}",
            number,
            "counterparty",
            zh=f"交易对中的单位 {code} 在 {shown} 不在组织树中",
        )
        for code in pair
        if not placements.in_tree(units[code].id, day)
    ]


def booked_rows(session: Session, actor: Actor, rows: Iterable[Row], problems: ProblemSink) -> list[Row]:
    """The rows as the import reads them: a row with ``seller_code`` and ``buyer_code`` becomes
    one booked at the pair's nearest common parent, its counterparty the pair; others unchanged."""
    seen = visible_unit_ids(session, actor)
    units = {u.code: u for u in session.scalars(select(Unit)) if seen is None or u.id in seen}
    placements = Placements(session)
    trees: dict[date, dict[int, int | None]] = {}
    out = []
    for row in rows:
        seller, buyer = row.get("seller_code"), row.get("buyer_code")
        if not seller and not buyer:
            out.append(row)
            continue
        parent = _common_parent(session, row, units, placements, trees, problems)
        if parent is not None:
            values = {**row.values, "unit_code": parent.code, "counterparty": f"{seller}→{buyer}"}
            out.append(Row(row.number, values))
    return out


def _common_parent(
    session: Session,
    row: Row,
    units: dict[str, Unit],
    placements: Placements,
    trees: dict[date, dict[int, int | None]],
    problems: ProblemSink,
) -> Unit | None:
    seller, buyer = row.get("seller_code"), row.get("buyer_code")
    for field, code in (("seller_code", seller), ("buyer_code", buyer)):
        if code not in units:
            problems.append(Problem(f"unknown unit '{code[:40]}'", row.number, field, zh=f"未知单位“{code[:40]}”"))
            return None
    try:
        period = periods.parse_period(row.get("period"))
    except ValueError:
        return None  # the import names a bad month
    found = pair_problems(row.number, f"{seller}→{buyer}", period, units, placements)
    if found:
        problems.append(found[0])
        return None
    day = periods.first_day(period)
    tree = trees.setdefault(day, org.tree_on(session, day))
    above: list[int] = []
    node: int | None = units[seller].id
    while node is not None and node not in above:
        above.append(node)
        node = tree.get(node)
    node = units[buyer].id
    while node is not None and node not in above:
        node = tree.get(node)
    by_id = {u.id: u for u in units.values()}
    if node is None or node not in by_id:
        problems.append(Problem(f"'{seller}' and '{buyer}' have no common parent you may book at",
                                row.number, "buyer_code", zh=f"{seller} 与 {buyer} 没有可记账的共同上级"))  # fmt: skip
        return None
    return by_id[node]
