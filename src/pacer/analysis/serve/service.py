"""One analysis engine per process and database, kept current as the figures change.

The audit trail is append-only and every change to figures, targets or the org tree writes to
it, and its ids are handed out in commit order (see :mod:`pacer.audit.service`), so its
highest id is a cheap change marker: one indexed query per request decides whether
the cached engine is still current. When it is not, the audit rows written since the engine's
marker say what changed:

- only figures (entity ``fact``) and elimination entries (entity ``elimination``) of units,
  months and indicators the engine already holds: each touched unit-month is read back from the
  fact or elimination table and applied with :meth:`Engine.apply` or :meth:`Engine.eliminate`,
  which bring every ancestor up to date (the same result as a rebuild, exactly);
- only users, grants or tokens: nothing the engine holds, so only the marker moves;
- anything else (the org tree, targets, indicators, a new month or unit, a very large import):
  the engine is rebuilt from the database.

Changes go to a copy of the engine that replaces the cached one when complete, so a reader
holding the previous :class:`Analysis` never sees a half-applied change. The marker is read
after the writer committed, and a rolled-back import writes no audit row, so a failed import
changes nothing here. This works across processes (a CLI import, several web workers), since
every process compares markers with the database rather than listening for its own commits.
"""

from __future__ import annotations

import copy
import gc
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from sqlalchemy import Connection, func, select
from sqlalchemy import Engine as DbEngine

from pacer.analysis.core.cube import EliminationBook
from pacer.analysis.core.inputs import Eliminations
from pacer.analysis.load import source
from pacer.analysis.load.source import EngineData
from pacer.analysis.serve.engine import Engine
from pacer.kit import periods
from pacer.models import AuditEntry, EliminationEntry, Fact, Indicator, Submission

# Audit entities that do not reach the engine (visibility is read per request, not cached).
UNRELATED_ENTITIES = frozenset(
    {"user", "role_grant", "api_token", "submission", "workflow_item", "unit_leader", "person"}
)
# Audit entities replayed unit-month by unit-month.
REPLAYED_ENTITIES = frozenset({"fact", "elimination"})
# Past this many audit rows since the marker, a rebuild is cheaper than replaying them.
MAX_REPLAY_ROWS = 50_000


@dataclass(frozen=True, eq=False)
class Analysis:
    """The engine with the data it was built from and the database id <-> node index maps."""

    data: EngineData
    engine: Engine
    marker: int
    node_of_id: dict[int, int] = field(default_factory=dict)

    def node(self, unit_id: int) -> int | None:
        return self.node_of_id.get(unit_id)

    def unit_id(self, node: int) -> int:
        return int(self.data.unit_ids[node])


def build(connection: Connection, columnar: bool = False, marker: int = 0) -> Analysis:
    data = source.load(connection, columnar=columnar)
    engine = Engine(
        data.units,
        data.tree,
        data.indicators,
        data.facts,
        data.targets,
        data.first_year,
        eliminations=data.eliminations,
    )
    ids = data.unit_ids.tolist()
    return Analysis(data, engine, marker, {int(u): i for i, u in enumerate(ids)})


def change_marker(connection: Connection) -> int:
    return int(connection.scalar(select(func.coalesce(func.max(AuditEntry.id), 0))) or 0)


def restructured(analysis: Analysis, parentage: Sequence[Any]) -> Engine:
    """An engine over the same figures, targets and eliminations as ``analysis``, under the org
    tree that ``parentage`` rows describe (``unit_id``, ``parent_id``, ``valid_from``,
    ``valid_to``): the figures as a restructuring would leave them. Rows of units the engine
    does not hold (a unit created since, which has no figures) are left out."""
    live, data = analysis.engine, analysis.data
    known = analysis.node_of_id
    rows = [r for r in parentage if r.unit_id in known and (r.parent_id is None or r.parent_id in known)]
    tree = source.tree_history(rows, data.unit_ids, live.first_year, live.n_months)
    return Engine(
        data.units,
        tree,
        data.indicators,
        live.facts,
        live.targets,
        live.first_year,
        thresholds=live.thresholds,
        reference_years=live.reference_years,
        grid=live.grid,
        eliminations=_entries(live.eliminations),
    )


def _entries(book: EliminationBook) -> Eliminations:
    """The elimination entries a book holds, one per node, indicator and month."""
    k, r, t = np.nonzero(book.values)
    nodes = np.asarray(book.nodes, dtype=np.int64)
    return Eliminations(nodes[k], r.astype(np.int64), t.astype(np.int64), book.values[k, r, t].astype(np.int64))


# -- incremental updates ---------------------------------------------------------------------------


def catch_up(connection: Connection, analysis: Analysis, marker: int) -> Analysis | None:
    """``analysis`` brought up to ``marker`` by replaying the audit rows since its own marker,
    or None when the changes need a rebuild. ``analysis`` itself is never modified."""
    if marker == analysis.marker:
        return analysis
    rows = connection.execute(
        select(AuditEntry.entity, AuditEntry.entity_key)
        .where(AuditEntry.id > analysis.marker, AuditEntry.id <= marker)
        .order_by(AuditEntry.id)
        .limit(MAX_REPLAY_ROWS + 1)
    ).all()
    if len(rows) > MAX_REPLAY_ROWS:
        return None
    changes = [(entity, key) for entity, key in rows]
    touched = _touched_unit_months(analysis, changes)
    eliminated = _touched_unit_months(analysis, changes, "elimination")
    if touched is None or eliminated is None:
        return None
    if not touched and not eliminated:
        return replace(analysis, marker=marker)
    figures = _unit_month_figures(connection, analysis, touched)
    entries = _unit_month_eliminations(connection, analysis, eliminated)
    if figures is None or entries is None:
        return None
    engine = copy.deepcopy(analysis.engine)
    for (node, period), (values, present) in figures.items():
        engine.apply(node, period // 100, period % 100, values, present)
    for (node, period), amounts in entries.items():
        engine.eliminate(node, period // 100, period % 100, amounts)
    return replace(analysis, engine=engine, marker=marker, data=replace(analysis.data, facts=engine.facts))


def _touched_unit_months(
    analysis: Analysis, rows: Iterable[tuple[str, str]], wanted: str = "fact"
) -> set[tuple[int, int]] | None:
    """(node, period) of every ``wanted`` row (figures, or elimination entries) in ``rows``;
    None when a row is not one the engine can apply."""
    data = analysis.data
    index = data.unit_index()
    first, last = data.first_year * 100 + 1, data.last_period
    touched: set[tuple[int, int]] = set()
    for entity, key in rows:
        if entity in UNRELATED_ENTITIES or (entity in REPLAYED_ENTITIES and entity != wanted):
            continue
        if entity != wanted:
            return None
        parts = key.rsplit("/", 2)  # unit_code/indicator_code/YYYY-MM; a unit code may hold '/'
        if len(parts) != 3:
            return None
        try:
            period = periods.parse_period(parts[2])
        except ValueError:
            return None
        node = index.get(parts[0])
        if node is None or not first <= period <= last:
            return None  # a new unit or a month outside the engine's time axis
        touched.add((node, period))
    return touched


def _unit_month_figures(
    connection: Connection, analysis: Analysis, touched: set[tuple[int, int]]
) -> dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] | None:
    """Every reported figure of each touched unit-month as stored now, in the engine's layout."""
    catalog = analysis.engine.catalog
    position: dict[int, int] = {}
    for ind_id, code in connection.execute(select(Indicator.id, Indicator.code)):
        i = catalog.index.get(code)
        if i is not None and catalog.reported_pos[i] >= 0:
            position[ind_id] = int(catalog.reported_pos[i])
    n = catalog.n_reported
    out = {key: (np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)) for key in sorted(touched)}
    by_period: dict[int, list[int]] = defaultdict(list)
    for node, period in touched:
        by_period[period].append(analysis.unit_id(node))
    for period, unit_ids in by_period.items():
        for start in range(0, len(unit_ids), 500):
            stmt = select(Fact.unit_id, Fact.indicator_id, Fact.value).where(
                Fact.period == period, Fact.unit_id.in_(unit_ids[start : start + 500])
            )
            for unit_id, ind_id, value in connection.execute(stmt):
                pos = position.get(ind_id)
                if pos is None:
                    return None  # an indicator the engine does not know yet
                values, present = out[(analysis.node_of_id[unit_id], period)]
                values[pos], present[pos] = value, True
    return out


def _unit_month_eliminations(
    connection: Connection, analysis: Analysis, touched: set[tuple[int, int]]
) -> dict[tuple[int, int], np.ndarray] | None:
    """Each touched unit-month's elimination entries as stored now, summed per reported
    indicator configured for them (zero elsewhere)."""
    if not touched:
        return {}
    catalog = analysis.engine.catalog
    position: dict[int, int] = {}
    for ind_id, code in connection.execute(select(Indicator.id, Indicator.code).where(Indicator.eliminated.is_(True))):
        i = catalog.index.get(code)
        if i is None or catalog.reported_pos[i] < 0:
            return None  # an indicator the engine does not know yet
        position[ind_id] = int(catalog.reported_pos[i])
    out = {key: np.zeros(catalog.n_reported, dtype=np.int64) for key in sorted(touched)}
    by_period: dict[int, list[int]] = defaultdict(list)
    for node, period in touched:
        by_period[period].append(analysis.unit_id(node))
    for period, unit_ids in by_period.items():
        for start in range(0, len(unit_ids), 500):
            stmt = (
                select(EliminationEntry.unit_id, EliminationEntry.indicator_id, func.sum(EliminationEntry.value))
                .where(
                    EliminationEntry.period == period,
                    EliminationEntry.unit_id.in_(unit_ids[start : start + 500]),
                    EliminationEntry.indicator_id.in_(list(position)),
                )
                .group_by(EliminationEntry.unit_id, EliminationEntry.indicator_id)
            )
            for unit_id, ind_id, value in connection.execute(stmt):
                out[(analysis.node_of_id[unit_id], period)][position[ind_id]] = int(value)
    return out


# -- the cache ---------------------------------------------------------------------------------------

_cache: dict[str, Analysis] = {}
_lock = threading.Lock()


def get_analysis(db_engine: DbEngine) -> Analysis:
    """The current engine for this database: cached, caught up on new figures, or rebuilt."""
    key = db_engine.url.render_as_string(hide_password=False)
    with db_engine.connect() as conn:
        marker = change_marker(conn)
    cached = _cache.get(key)
    if cached is not None and cached.marker == marker:
        return cached
    with _lock:
        cached = _cache.get(key)
        if cached is not None and cached.marker == marker:
            return cached
        with db_engine.connect() as conn:
            current = catch_up(conn, cached, marker) if cached is not None else None
            if current is None:
                current = build(conn, columnar=_is_large(conn), marker=marker)
                # The engine's arrays live as long as the process: keep the collector off them.
                gc.collect()
                gc.freeze()
        _cache[key] = current
        return current


# The column-wise read starts helper processes (about a second); it pays off only for big groups.
COLUMNAR_FROM_FACTS = 2_000_000


def _is_large(conn: Connection) -> bool:
    """Whether the group holds enough figures for the column-wise read, judged cheaply from
    submissions (one per unit-month) times indicators rather than counting facts."""
    submissions = conn.scalar(select(func.count()).select_from(Submission)) or 0
    indicators = conn.scalar(select(func.count()).select_from(Indicator)) or 0
    return submissions * indicators >= COLUMNAR_FROM_FACTS


def clear() -> None:
    _cache.clear()
