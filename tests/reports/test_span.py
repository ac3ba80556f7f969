"""A quarter's, half year's or month's report shows that span everywhere: the section tables, the
ranking of units and each unit's contribution, each checked against sums read from the database
directly (not through the engine)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from pacer.analysis import wording
from pacer.auth.permissions import SYSTEM
from pacer.models import Fact, Indicator, Unit
from pacer.reports import EconomicRequest, build_economic
from tests.reports.conftest import YUAN

DIVISORS = {
    "万元": Decimal(10_000),
    "亿元": Decimal(100_000_000),
    "RMB 10k": Decimal(10_000),
    "RMB 100m": Decimal(100_000_000),
}
CHILDREN = {"A": ("A1", "A2"), "B": ("B1",)}


@pytest.fixture
def uneven(group, session):
    """Months that differ, so a wrong window shows: A1's revenue rises in August 2025, B1's falls in
    July 2025, A2's was higher in August 2024."""
    revenue = session.scalar(select(Indicator.id).where(Indicator.code == "revenue"))
    for unit, period, delta in (
        (group.A1, 202508, 1_500_000),
        (group.B1, 202507, -400_000),
        (group.A2, 202408, 300_000),
    ):
        session.execute(
            update(Fact)
            .where(Fact.unit_id == unit.id, Fact.indicator_id == revenue, Fact.period == period)
            .values(value=Fact.value + delta * YUAN)
        )
    session.flush()
    from pacer.analysis.serve.service import build

    return build(session.connection())


def _sums(session, first: int, last: int) -> dict[str, Decimal]:
    """Revenue in yuan per leaf unit over the months first..last, summed by SQL."""
    rows = session.execute(
        select(Unit.code, func.sum(Fact.value))
        .join(Unit, Unit.id == Fact.unit_id)
        .join(Indicator, Indicator.id == Fact.indicator_id)
        .where(Indicator.code == "revenue", Fact.period.between(first, last))
        .group_by(Unit.code)
    ).all()
    leaves = {code: Decimal(int(total)) / YUAN for code, total in rows}
    out = {child: sum((leaves[leaf] for leaf in kids), Decimal(0)) for child, kids in CHILDREN.items()}
    out["G"] = out["A"] + out["B"]
    return out


def _text(yuan: Decimal, label: str) -> str:
    return wording.number(yuan / DIVISORS[label], 2)


def _growth(now: Decimal, before: Decimal) -> float:
    return float((now - before) / abs(before))


@pytest.mark.parametrize(
    ("period", "span", "first", "heading"),
    [("2025-08", "quarter", 7, "本季度"), ("2025-11", "half", 7, "本半年"), ("2025-08", "month", 8, "本月")],
)
def test_every_table_of_a_span_report_shows_the_span(session, uneven, period, span, first, heading):
    report = build_economic(session, SYSTEM, EconomicRequest(None, period, span, "zh"), analysis=uneven)
    month = int(period[5:])
    now = _sums(session, 202500 + first, 202500 + month)
    before = _sums(session, 202400 + first, 202400 + month)

    section = next(t for t in report.tables() if t.key == "revenue_profit.table")
    row = next(r for r in section.rows if r[0].text == "营业收入")
    label = row[1].text
    assert row[section.columns.index(heading)].text == _text(now["G"], label)
    assert row[section.columns.index("上年同期")].text == _text(before["G"], label)
    assert row[section.columns.index("同比")].text == wording.percent(
        100 * _growth(now["G"], before["G"]), 1, signed=True
    )

    ranking = next(t for t in report.tables() if t.key == "ranking")
    label = ranking.caption.rsplit("（", 1)[1].rstrip("）")
    expected = sorted(CHILDREN, key=lambda c: -_growth(now[c], before[c]))
    assert [r[1].text for r in ranking.rows] == [f"单位{c}" for c in expected]
    for r, c in zip(ranking.rows, expected, strict=True):
        assert r[ranking.columns.index(heading)].text == _text(now[c], label)
        assert r[ranking.columns.index("上年同期")].text == _text(before[c], label)
    assert heading in next(p.text for p in report.section("units").blocks if hasattr(p, "text"))

    contribution = next(t for t in report.tables() if t.key == "contribution")
    label = contribution.caption.rsplit("（", 1)[1].rstrip("）")
    lines = {r[0].text: r for r in contribution.rows}
    for c in CHILDREN:
        line = lines[f"单位{c}"]
        assert line[contribution.columns.index(heading)].text == _text(now[c], label)
        assert line[contribution.columns.index("上年同期")].text == _text(before[c], label)
    chart = next(c for c in report.charts() if c.key.startswith("units.bridge"))
    labels = [v["label"] for v in chart.spec["data"]["values"]]
    assert labels[0] == "上年同期"
    assert labels[-1] == "本期"


def test_a_year_report_compares_the_year_to_date(session, uneven):
    report = build_economic(session, SYSTEM, EconomicRequest(None, "2025-08", "year", "en"), analysis=uneven)
    now, before = _sums(session, 202501, 202508), _sums(session, 202401, 202408)
    contribution = next(t for t in report.tables() if t.key == "contribution")
    label = contribution.caption.rsplit("(", 1)[1].rstrip(")")
    lines = {r[0].text: r for r in contribution.rows}
    for c in CHILDREN:
        assert lines[f"Unit {c}"][contribution.columns.index("Year to date")].text == _text(now[c], label)
        assert lines[f"Unit {c}"][contribution.columns.index("Same period last year")].text == _text(before[c], label)
