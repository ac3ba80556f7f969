"""Read the database into the engine's arrays.

Facts are read column-wise: through ADBC (Arrow) on a separate connection when the data are
committed, which is an order of magnitude faster than fetching Python tuples; through the
caller's connection otherwise (inside a transaction that has not committed yet, as in tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import Connection, select
from sqlalchemy.engine import make_url

from pacer.analysis.inputs import Facts, IndicatorDef, Targets, TreeHistory, TreeSegment, Units
from pacer.indicators.formula import parse
from pacer.kit import periods
from pacer.models import Indicator, IndicatorVersion, Target, Unit, UnitParentage
from pacer.org.repository import depth_first

FACT_QUERY = "SELECT unit_id, indicator_id, period, value FROM fact"


@dataclass(frozen=True, eq=False)
class EngineData:
    units: Units
    unit_ids: np.ndarray  # database id of each unit index
    unit_rows: tuple[Unit, ...]
    tree: TreeHistory
    indicators: tuple[IndicatorDef, ...]
    facts: Facts
    targets: Targets
    first_year: int
    last_period: int  # the latest month with any figure

    def unit_index(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.units.codes)}


def load(conn: Connection, columnar: bool = False, today: date | None = None) -> EngineData:
    today = today or date.today()
    unit_rows, unit_ids, parentage = _units(conn, today)
    indicators, indicator_ids = _indicators(conn)
    unit_ix, ind_ix = _index(unit_ids), _index(indicator_ids)
    u, i, p, v = _fact_columns(conn) if not columnar else _fact_columns_adbc(conn)
    if len(p):
        first_year, last_period = int(p.min()) // 100, int(p.max())
    else:
        first_year = last_period = periods.current_month(today) // 100
        last_period = periods.last_complete_month(today)
    n_months = periods.month_index(last_period, first_year) + 1
    reported = [k for k, d in enumerate(indicators) if d.kind != "derived"]
    rep_pos = np.full(len(indicators), -1, dtype=np.int64)
    rep_pos[reported] = np.arange(len(reported))
    values = np.zeros((len(unit_ids), len(reported), n_months), dtype=np.int64)
    present = np.zeros(values.shape, dtype=bool)
    rows, cols = unit_ix[u], rep_pos[ind_ix[i]]
    months = (p // 100 - first_year) * 12 + p % 100 - 1
    keep = cols >= 0
    values[rows[keep], cols[keep], months[keep]] = v[keep]
    present[rows[keep], cols[keep], months[keep]] = True
    return EngineData(
        units=Units(tuple(r.code for r in unit_rows), tuple(r.name_zh for r in unit_rows)),
        unit_ids=unit_ids, unit_rows=tuple(unit_rows),
        tree=_tree_history(parentage, unit_ix, len(unit_ids), first_year, n_months),
        indicators=tuple(indicators), facts=Facts(values, present),
        targets=_targets(conn, unit_ix, ind_ix, len(unit_ids), len(indicators), first_year, last_period // 100),
        first_year=first_year, last_period=last_period,
    )


def _index(ids: np.ndarray) -> np.ndarray:
    lookup = np.full(int(ids.max()) + 1 if len(ids) else 1, -1, dtype=np.int64)
    lookup[ids] = np.arange(len(ids))
    return lookup


def _units(conn: Connection, today: date) -> tuple[list[Unit], np.ndarray, list[Any]]:
    """Units in depth-first order of today's tree (then any unit no longer in it)."""
    units = {row.id: row for row in conn.execute(select(Unit.__table__))}
    parentage = conn.execute(select(UnitParentage.__table__)).all()
    today_tree = {r.unit_id: r.parent_id for r in parentage
                  if r.valid_from <= today and (r.valid_to is None or r.valid_to > today)}
    ordered = [uid for uid, _ in depth_first(today_tree, {i: u.code for i, u in units.items()})]
    ordered += sorted(set(units) - set(ordered), key=lambda i: units[i].code)
    return [units[i] for i in ordered], np.array(ordered, dtype=np.int64), parentage


def _indicators(conn: Connection) -> tuple[list[IndicatorDef], np.ndarray]:
    rows = conn.execute(select(Indicator.__table__).order_by(Indicator.id)).all()
    # The engine evaluates one formula per indicator: the latest definition's.
    formulas: dict[int, str | None] = {}
    for ind_id, formula in conn.execute(
        select(IndicatorVersion.indicator_id, IndicatorVersion.formula).order_by(IndicatorVersion.from_year)
    ):
        formulas[ind_id] = formula
    defs = [IndicatorDef(code=r.code, kind=r.kind, unit=r.unit, scale=r.scale, direction=r.direction,
                         formula=parse(formulas[r.id]) if r.kind == "derived" else None) for r in rows]
    return defs, np.array([r.id for r in rows], dtype=np.int64)


def _fact_columns(conn: Connection) -> tuple[np.ndarray, ...]:
    rows = conn.exec_driver_sql(FACT_QUERY).fetchall()
    if not rows:
        return tuple(np.zeros(0, dtype=np.int64) for _ in range(4))
    return tuple(np.array(col, dtype=np.int64) for col in zip(*rows))


def _fact_columns_adbc(conn: Connection) -> tuple[np.ndarray, ...]:
    url = make_url(str(conn.engine.url.render_as_string(hide_password=False)))
    if url.get_backend_name() == "sqlite":
        import adbc_driver_sqlite.dbapi as adbc

        connection = adbc.connect(url.database)
    else:
        import adbc_driver_postgresql.dbapi as adbc

        connection = adbc.connect(url.set(drivername="postgresql").render_as_string(hide_password=False))
    with connection, connection.cursor() as cursor:
        cursor.execute(FACT_QUERY)
        table = cursor.fetch_arrow_table()
    return tuple(table.column(k).to_numpy().astype(np.int64, copy=False) for k in range(4))


def _month_starting(day: date, first_year: int) -> int:
    """Index of the first month entirely on or after ``day``."""
    index = (day.year - first_year) * 12 + day.month - 1
    return index if day.day == 1 else index + 1


def _tree_history(parentage: list[Any], unit_ix: np.ndarray, n: int, first_year: int, n_months: int) -> TreeHistory:
    starts = {0}
    for r in parentage:
        for day in (r.valid_from, r.valid_to):
            if day is not None and 0 < _month_starting(day, first_year) < n_months:
                starts.add(_month_starting(day, first_year))
    segments = []
    for start in sorted(starts):
        on = date(first_year + start // 12, start % 12 + 1, 1)
        parent = np.full(n, -1, dtype=np.int32)
        active = np.zeros(n, dtype=bool)
        for r in parentage:
            if r.valid_from <= on and (r.valid_to is None or r.valid_to > on):
                active[unit_ix[r.unit_id]] = True
                parent[unit_ix[r.unit_id]] = unit_ix[r.parent_id] if r.parent_id is not None else -1
        segments.append(TreeSegment(start, parent, active))
    return TreeHistory(tuple(segments))


def _targets(conn: Connection, unit_ix: np.ndarray, ind_ix: np.ndarray, n_units: int, n_ind: int,
             first_year: int, last_year: int) -> Targets:
    n_years = last_year - first_year + 2  # room for next year's targets
    out = Targets.empty(n_units, n_ind, first_year, n_years)
    phasing = np.zeros((n_units, n_ind, n_years, 12), dtype=np.int32)
    stmt = select(Target.unit_id, Target.indicator_id, Target.year, Target.tier, Target.value, Target.phasing_bp).where(
        Target.is_current.is_(True), Target.year.between(first_year, first_year + n_years - 1))
    for unit_id, ind_id, year, tier, value, phasing_bp in conn.execute(stmt):
        key = (unit_ix[unit_id], ind_ix[ind_id], year - first_year, 0 if tier == "ensure" else 1)
        out.values[key], out.present[key] = value, True
        if phasing_bp and tier == "ensure":
            phasing[key[:3]] = phasing_bp
    return Targets(out.values, out.present, first_year, phasing)
