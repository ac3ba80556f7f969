"""Figures of a month the cached engine does not hold yet grow it by that month, without a
rebuild, to exactly what a rebuild gives: arrays, org tree, assignment, targets, answers."""

from __future__ import annotations

import datetime

import numpy as np
from sqlalchemy import select

from pacer.analysis.serve import service
from pacer.db import unit_of_work
from pacer.eliminations.service import import_eliminations
from pacer.facts.service import import_facts
from pacer.kit.numbers import format_scaled
from pacer.kit.tabular import Row
from pacer.models import Fact, Indicator, Unit

from .test_incremental import answers, builds, demo  # noqa: F401  (fixtures)
from .test_incremental_eliminations import entry


def month_rows(db, source: int, target: str, units: int | None = None) -> list[Row]:
    """Every reported figure of ``source`` (YYYYMM) again as ``target``'s, monthly, for the first
    ``units`` units that have any."""
    with db.connect() as conn:
        found = conn.execute(
            select(Unit.code, Indicator.code, Indicator.scale, Fact.value)
            .join(Unit, Unit.id == Fact.unit_id)
            .join(Indicator, Indicator.id == Fact.indicator_id)
            .where(Fact.period == source)
            .order_by(Unit.code, Indicator.code)
        ).all()
    chosen = sorted({unit for unit, *_ in found})[:units]
    return [
        Row(
            n,
            {
                "unit_code": unit,
                "indicator_code": code,
                "period": target,
                "value": format_scaled(value, scale),
                "basis": "monthly",
            },
        )
        for n, (unit, code, scale, value) in enumerate((r for r in found if r[0] in chosen), start=2)
    ]


def assert_as_built(after, fresh) -> None:
    a, b = after.data, fresh.data
    assert a.last_period == b.last_period
    assert after.engine.n_months == fresh.engine.n_months
    assert np.array_equal(a.facts.dense(), b.facts.dense())
    assert np.array_equal(a.facts.present, b.facts.present)
    assert [s.first_month for s in a.tree.segments] == [s.first_month for s in b.tree.segments]
    for x, y in zip(a.tree.segments, b.tree.segments, strict=True):
        assert np.array_equal(x.parent, y.parent)
        assert np.array_equal(x.active, y.active)
    assert np.array_equal(a.targets.values, b.targets.values)
    assert np.array_equal(a.targets.present, b.targets.present)
    assert np.array_equal(a.targets.phasing, b.targets.phasing)
    assert (a.assigned is None) == (b.assigned is None)
    if a.assigned is not None and b.assigned is not None:
        assert a.assigned.starts == b.assigned.starts
        assert all(np.array_equal(x, y) for x, y in zip(a.assigned.masks, b.assigned.masks, strict=True))
    for restate in (False, True):
        assert np.array_equal(after.engine.cube(restate).dense()[0], fresh.engine.cube(restate).dense()[0])
        assert np.array_equal(after.engine.cube(restate).dense()[1], fresh.engine.cube(restate).dense()[1])
    assert entries(after.engine) == entries(fresh.engine)


def entries(engine) -> dict[int, list]:
    """Each node's elimination entries, by node (a node whose entries are all zero left out)."""
    book = engine.eliminations
    return {node: book.values[k].tolist() for k, node in enumerate(book.nodes) if book.values[k].any()}


def test_a_new_months_figures_grow_the_cached_engine_by_that_month_as_a_rebuild_would(demo, builds):  # noqa: F811  (the fixture imported above)
    before = service.get_analysis(demo)
    before.engine.cube(restate=True)
    october = before.engine.cockpit(0, 2026, 10).rows
    with unit_of_work(demo) as session:
        import_eliminations(
            session,
            [
                entry(2, "G", "revenue", "2026-11", "250000000.00", "G0302→G0203"),
                entry(3, "G01", "revenue", "2026-12", "1.00", "G0104→G0105"),  # a month without figures
            ],
        )
        import_facts(session, month_rows(demo, 202610, "2026-11"), today=datetime.date(2026, 12, 6))
    after = service.get_analysis(demo)

    assert len(builds) == 1, "the new month was added, not rebuilt"
    assert (before.data.last_period, after.data.last_period) == (202610, 202611)
    assert before.engine.n_months + 1 == after.engine.n_months
    assert before.engine.cockpit(0, 2026, 10).rows == october, "readers of the old engine see no change"
    with demo.connect() as conn:
        fresh = service.build(conn)
    assert_as_built(after, fresh)
    for restate in (False, True):
        assert answers(after, 2026, 11, restate) == answers(fresh, 2026, 11, restate)
    november = after.engine.cockpit(0, 2026, 11, ["revenue"]).row("revenue")
    assert november.value.scaled is not None


def test_figures_of_next_year_grow_the_engine_across_the_year_with_its_targets(demo, builds):  # noqa: F811  (the fixture imported above)
    with unit_of_work(demo) as session:  # booked ahead, for a month the engine does not hold yet
        import_eliminations(session, [entry(2, "G01", "revenue", "2026-12", "7.00", "G0104→G0105")])
    before = service.get_analysis(demo)
    with unit_of_work(demo) as session:
        import_facts(session, month_rows(demo, 202610, "2027-01", units=3), today=datetime.date(2027, 2, 10))
    after = service.get_analysis(demo)

    assert len(builds) == 1
    assert after.data.last_period == 202701
    assert after.engine.n_months == before.engine.n_months + 3  # November and December hold nothing
    assert after.data.targets.values.shape[2] == before.data.targets.values.shape[2] + 1
    with demo.connect() as conn:
        fresh = service.build(conn)
    assert_as_built(after, fresh)
    for restate in (False, True):
        assert answers(after, 2027, 1, restate) == answers(fresh, 2027, 1, restate)
        assert answers(after, 2026, 12, restate) == answers(fresh, 2026, 12, restate)
    assert entries(after.engine), "the entry booked ahead is in the grown engine"
