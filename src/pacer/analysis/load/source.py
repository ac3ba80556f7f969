"""Read the database into the engine's arrays.

Facts are read either row-wise through the caller's connection (sees its own uncommitted
work, as in tests) or in bulk, which is an order of magnitude faster than fetching Python tuples
but sees committed data only: from PostgreSQL with binary ``COPY`` of facts packed by the server
(:mod:`pacer.analysis.load.copy_reader`), from SQLite column-wise through ADBC (Arrow) in a child
process (:mod:`pacer.analysis.load.columnar`). Either way they are scattered batch by batch into the
dense arrays, so the columns are never all in memory.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol
from typing import cast as cast_rows

import numpy as np
from sqlalchemy import Connection, Row, String, case, cast, func, select

from pacer.analysis.core.assigned import Assigned
from pacer.analysis.core.inputs import (
    Eliminations,
    Facts,
    IndicatorDef,
    Targets,
    TreeHistory,
    TreeSegment,
    UnitOfMeasure,
    Units,
)
from pacer.analysis.load import columnar as columnar_read
from pacer.analysis.load import copy_reader
from pacer.analysis.load.assigned import load_assigned
from pacer.analysis.load.definitions import load_indicators, load_units
from pacer.kit import periods
from pacer.models import EliminationEntry, Indicator, Target, Unit, UnitParentage
from pacer.org.repository import depth_first

FACT_QUERY = "SELECT unit_id, indicator_id, period, value FROM fact"
_READERS = 4  # at most this many child processes read facts at once


class UnitRow(Protocol):
    """A unit's row as read from the database (the columns of :class:`~pacer.models.Unit`)."""

    @property
    def id(self) -> int: ...
    @property
    def code(self) -> str: ...
    @property
    def name_zh(self) -> str: ...
    @property
    def name_en(self) -> str: ...


@dataclass(frozen=True, eq=False)
class EngineData:
    units: Units
    unit_ids: np.ndarray  # database id of each unit index
    unit_rows: tuple[UnitRow, ...]
    tree: TreeHistory
    indicators: tuple[IndicatorDef, ...]
    facts: Facts
    targets: Targets
    first_year: int
    last_period: int  # the latest month with any figure
    # as loaded; the engine keeps its own copy current (Engine.eliminate)
    eliminations: Eliminations = field(default_factory=Eliminations.none)
    # who reports what, by span of months; None: every unit reports every reported indicator
    assigned: Assigned | None = None
    # every unit of measure of the group by code (an indicator's own is on its definition)
    measures: Mapping[str, UnitOfMeasure] = field(default_factory=dict)

    def unit_index(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.units.codes)}


def load(conn: Connection, columnar: bool = False, today: date | None = None) -> EngineData:
    """Everything the engine needs, read through ``conn``.

    With ``columnar`` the facts are read in bulk on connections of their own, which see
    committed data only: with binary ``COPY`` from PostgreSQL 14 or later through psycopg (see
    :mod:`pacer.analysis.load.copy_reader`), otherwise with ADBC in a child process (see
    :mod:`pacer.analysis.load.columnar`); an in-memory SQLite database is always read through ``conn``.
    """
    today = today or date.today()
    unit_rows, unit_ids, parentage = _units(conn, today)
    measures = load_units(conn)
    indicators, indicator_ids = load_indicators(conn, measures)
    unit_ix, ind_ix = _index(unit_ids), _index(indicator_ids)
    reported = [k for k, d in enumerate(indicators) if d.kind != "derived"]
    rep_pos = np.full(len(indicators), -1, dtype=np.int64)
    rep_pos[reported] = np.arange(len(reported))
    url = conn.engine.url
    batches: Iterable[tuple[np.ndarray, ...]]
    if columnar and copy_reader.supported(conn):
        batches = copy_reader.fact_batches(conn.engine, min(os.cpu_count() or 1, _READERS))
    elif columnar and columnar_read.supported(url):
        batches = columnar_read.fact_batches(url, _fact_queries(unit_ids))
    else:
        batches = _fact_rows(conn)
    # an id that is no indicator's (-1) reads the -1 appended: none, even without indicators
    dense = DenseFacts(unit_ix, np.append(rep_pos, -1)[ind_ix], len(reported))
    for batch in batches:
        dense.add(*batch)
    if dense.first_year is not None:
        first_year, last_period = dense.first_year, dense.last_period
    else:
        first_year = periods.current_month(today) // 100
        last_period = periods.last_complete_month(today)
    n_months = periods.month_index(last_period, first_year) + 1
    facts = dense.facts(first_year, n_months)
    return EngineData(
        units=Units(tuple(r.code for r in unit_rows), tuple(r.name_zh for r in unit_rows)),
        unit_ids=unit_ids,
        unit_rows=tuple(unit_rows),
        tree=_tree_history(parentage, unit_ix, len(unit_ids), first_year, n_months),
        indicators=tuple(indicators),
        facts=facts,
        targets=_targets(conn, unit_ix, ind_ix, len(unit_ids), len(indicators), first_year, last_period // 100),
        first_year=first_year,
        last_period=last_period,
        eliminations=load_eliminations(conn, unit_ix, ind_ix, indicators, first_year, n_months),
        assigned=load_assigned(conn, unit_ids, indicator_ids[reported], first_year, last_period),
        measures=measures,
    )


class DenseFacts:
    """Builds ``Facts`` from batches of (unit id, indicator id, period, value) columns.

    Each batch is scattered straight into the dense arrays, so no more than one batch of columns
    is ever held; the month axis grows (rarely: it is set by the first batch) when a batch
    reaches outside the months seen so far. Facts of unknown units or derived indicators are
    ignored.
    """

    def __init__(self, unit_ix: np.ndarray, rep_of_id: np.ndarray, n_reported: int) -> None:
        self._unit_ix, self._rep_of_id = unit_ix, rep_of_id
        self._n, self._r = int((unit_ix >= 0).sum()), n_reported
        self._first = 0  # absolute month (12 * year + month - 1) of month index 0
        self._facts = Facts(np.zeros((self._n, self._r, 0), dtype=np.int32), np.zeros((self._n, self._r, 0), bool))

    @property
    def first_year(self) -> int | None:
        return self._first // 12 if self._facts.shape[2] else None

    @property
    def last_period(self) -> int:
        last = self._first + self._facts.shape[2] - 1
        return (last // 12) * 100 + last % 12 + 1

    def add(self, unit_id: np.ndarray, indicator_id: np.ndarray, period: np.ndarray, value: np.ndarray) -> None:
        if not len(period):
            return
        rows = self._unit_ix[unit_id]
        cols = self._rep_of_id[indicator_id]
        if rows.min() < 0 or cols.min() < 0:
            keep = (rows >= 0) & (cols >= 0)
            rows, cols, period, value = rows[keep], cols[keep], period[keep], value[keep]
            if not len(period):
                return
        # periods (yyyymm) to months through a small table: one gather instead of four passes
        low, high = int(period.min()), int(period.max())
        table = np.arange(low, high + 1, dtype=np.int64)
        table = (table // 100) * 12 + table % 100 - 1
        self._cover(int(table[0]), int(table[-1]))
        table -= self._first
        self._facts.record(rows, cols, table[period - low], np.asarray(value, dtype=np.int64))

    def _cover(self, low: int, high: int) -> None:
        t = self._facts.shape[2]
        if t and self._first <= low and high < self._first + t:
            return
        first = min(low, self._first) if t else low
        first -= first % 12  # month index 0 is a January
        last = max(high, self._first + t - 1) if t else high
        self._facts = self._facts.moved(last - first + 1, self._first - first if t else 0)
        self._first = first

    def facts(self, first_year: int, n_months: int) -> Facts:
        """The arrays for months ``0..n_months-1`` from January of ``first_year``."""
        self._cover(12 * first_year, 12 * first_year + n_months - 1)
        at = self._first - 12 * first_year
        if at == 0 and self._facts.shape[2] == n_months:
            return self._facts
        return self._facts.moved(n_months, at)


def load_eliminations(
    conn: Connection,
    unit_ix: np.ndarray,
    ind_ix: np.ndarray,
    indicators: list[IndicatorDef],
    first_year: int,
    n_months: int,
) -> Eliminations:
    """The elimination entries of indicators configured for them, summed per unit, indicator
    and month, in the engine's layout (``unit_ix`` and ``ind_ix`` map database ids to unit and
    indicator positions). Entries outside the engine's months are left out: a month gets into
    the engine with its first figure, and a new month rebuilds it."""
    stmt = (
        select(
            EliminationEntry.unit_id,
            EliminationEntry.indicator_id,
            EliminationEntry.period,
            func.sum(EliminationEntry.value),
        )
        .join(Indicator, Indicator.id == EliminationEntry.indicator_id)
        .where(Indicator.eliminated.is_(True))
        .group_by(EliminationEntry.unit_id, EliminationEntry.indicator_id, EliminationEntry.period)
    )
    rows = conn.execute(stmt).all()
    if not rows:
        return Eliminations.none()
    unit_id, ind_id, period, value = (np.array(c, dtype=np.int64) for c in zip(*rows, strict=True))
    reported = np.array([d.kind != "derived" for d in indicators], dtype=bool)
    rep_pos = np.where(reported, np.cumsum(reported) - 1, -1)
    unit = _lookup(unit_ix, unit_id)
    ind = _lookup(ind_ix, ind_id)
    r = np.where(ind >= 0, rep_pos[ind], -1)
    month = (period // 100 - first_year) * 12 + period % 100 - 1
    keep = (unit >= 0) & (r >= 0) & (month >= 0) & (month < n_months)
    return Eliminations(unit[keep], r[keep], month[keep], value[keep])


def _lookup(index: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Positions of database ``ids`` through an ``_index`` table; -1 for ids it does not hold."""
    inside = (ids >= 0) & (ids < len(index))
    return np.where(inside, index[np.where(inside, ids, 0)], -1)


def _index(ids: np.ndarray) -> np.ndarray:
    lookup = np.full(int(ids.max()) + 1 if len(ids) else 1, -1, dtype=np.int64)
    lookup[ids] = np.arange(len(ids))
    return lookup


def _units(conn: Connection, today: date) -> tuple[list[UnitRow], np.ndarray, Sequence[Row[Any]]]:
    """Units in depth-first order of today's tree (then any unit no longer in it)."""
    units = {row.id: row for row in conn.execute(select(Unit.__table__))}
    parentage = conn.execute(select(UnitParentage.__table__)).all()
    today_tree = {
        r.unit_id: r.parent_id
        for r in parentage
        if r.valid_from <= today and (r.valid_to is None or r.valid_to > today)
    }
    ordered = [uid for uid, _ in depth_first(today_tree, {i: u.code for i, u in units.items()})]
    ordered += sorted(set(units) - set(ordered), key=lambda i: units[i].code)
    # a Row reads its columns through __getattr__, which a Protocol does not see
    return [cast_rows(UnitRow, units[i]) for i in ordered], np.array(ordered, dtype=np.int64), parentage


def _fact_queries(unit_ids: np.ndarray) -> list[str]:
    """The fact query split into one part per core by ranges of unit id (the leading column of
    the primary key, so each part is a range scan)."""
    ids = np.sort(unit_ids)
    parts = max(1, min(os.cpu_count() or 1, _READERS, len(ids)))
    if parts == 1:
        return [FACT_QUERY]
    bounds = [int(ids[len(ids) * k // parts]) for k in range(1, parts)]
    ranges = [f"unit_id < {bounds[0]}"]
    ranges += [f"unit_id >= {a} AND unit_id < {b}" for a, b in itertools.pairwise(bounds)]
    ranges.append(f"unit_id >= {bounds[-1]}")
    return [f"{FACT_QUERY} WHERE {r}" for r in ranges]


def _fact_rows(conn: Connection, rows_per_batch: int = 500_000) -> Iterator[tuple[np.ndarray, ...]]:
    """The facts through the DBAPI driver (one Python tuple per fact), in batches."""
    result = conn.exec_driver_sql(FACT_QUERY, execution_options={"yield_per": rows_per_batch})
    for part in result.partitions(rows_per_batch):
        yield tuple(np.array(column, dtype=np.int64) for column in zip(*part, strict=True))


def _month_starting(day: date, first_year: int) -> int:
    """Index of the first month entirely on or after ``day``."""
    index = (day.year - first_year) * 12 + day.month - 1
    return index if day.day == 1 else index + 1


def tree_history(parentage: Sequence[Any], unit_ids: np.ndarray, first_year: int, n_months: int) -> TreeHistory:
    """The engine's trees over its months from parentage rows (``unit_id``, ``parent_id``,
    ``valid_from``, ``valid_to``) of the units ``unit_ids`` (in node order), as :func:`load` builds them."""
    return _tree_history(parentage, _index(unit_ids), len(unit_ids), first_year, n_months)


def _tree_history(
    parentage: Sequence[Row[Any]], unit_ix: np.ndarray, n: int, first_year: int, n_months: int
) -> TreeHistory:
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


def targets_of(
    conn: Connection, unit_ids: np.ndarray, indicator_ids: np.ndarray, first_year: int, last_year: int
) -> Targets:
    """The current targets of the units ``unit_ids`` (in node order) and the indicators
    ``indicator_ids`` (in the engine's order) from ``first_year`` through the year after
    ``last_year``, as :func:`load` reads them."""
    unit_ix, ind_ix = _index(unit_ids), _index(indicator_ids)
    return _targets(conn, unit_ix, ind_ix, len(unit_ids), len(indicator_ids), first_year, last_year)


def _targets(
    conn: Connection, unit_ix: np.ndarray, ind_ix: np.ndarray, n_units: int, n_ind: int, first_year: int, last_year: int
) -> Targets:
    n_years = last_year - first_year + 2  # room for next year's targets
    out = Targets.empty(n_units, n_ind, first_year, n_years)
    phasing = np.zeros((n_units, n_ind, n_years, 12), dtype=np.int32)
    # phasing travels as JSON text and is parsed in one go: decoding a JSON list per row
    # costs more than everything else about the targets
    stmt = select(
        Target.unit_id,
        Target.indicator_id,
        Target.year,
        case((Target.tier == "ensure", 0), else_=1),
        Target.value,
        cast(Target.phasing_bp, String),
    ).where(Target.is_current.is_(True), Target.year.between(first_year, first_year + n_years - 1))
    rows = conn.execute(stmt).all()
    if not rows:
        return Targets(out.values, out.present, first_year, phasing)
    unit_id, ind_id, year, tier, value, texts = zip(*rows, strict=True)
    key = (unit_ix[np.array(unit_id)], ind_ix[np.array(ind_id)], np.array(year) - first_year, np.array(tier))
    out.values[key], out.present[key] = np.array(value, dtype=np.int64), True
    phased = [k for k, (t, text) in enumerate(zip(tier, texts, strict=True)) if t == 0 and text and text != "null"]
    if phased:
        phasing[tuple(a[phased] for a in key[:3])] = _phasing_rows([texts[k] for k in phased])
    return Targets(out.values, out.present, first_year, phasing)


def _phasing_rows(texts: list[str]) -> np.ndarray:
    """``[rows, 12]`` basis points from JSON lists of twelve integers."""
    joined = ",".join(t.strip().strip("[]") for t in texts)
    try:
        flat = np.array(joined.split(","), dtype=np.int32)
    except ValueError:
        flat = np.zeros(0, dtype=np.int32)
    if flat.size == 12 * len(texts):
        return flat.reshape(len(texts), 12)
    return np.array([json.loads(t) for t in texts], dtype=np.int32).reshape(len(texts), 12)
