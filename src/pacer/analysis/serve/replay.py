"""What a cached engine needs to catch up with the audit trail: the unit-months whose figures or
elimination entries changed since its marker, those as stored now, and the engine grown by the
months that arrived since it was built (see :mod:`pacer.analysis.serve.service`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import numpy as np
from sqlalchemy import Connection, func, or_, select

from pacer.analysis.core.inputs import BoolArray, Int64Array
from pacer.analysis.load import source
from pacer.analysis.load.assigned import load_assigned
from pacer.analysis.load.source import EngineData
from pacer.analysis.serve.engine import Engine
from pacer.kit import periods
from pacer.models import AuditEntry, EliminationEntry, Fact, Indicator, UnitParentage

# Audit entities that do not reach the engine nor the cockpit's kept answers (visibility is read
# per request, not cached): a new change marker over the same engine, its answers kept. Draft
# figures wait in submissions until accepted, which writes ``fact`` rows.
UNRELATED_ENTITIES = frozenset(
    {
        "user",
        "role_grant",
        "api_token",
        "submission",
        "workflow_item",
        "unit_leader",
        "person",
        "task",
        "job",
        "report_record",
        "quality_problem",
        "quality_check",
        "assessment",
        "statement",
        "statement_template",
        "commendation",
        "commendation_award",
        "spc_characteristic",
    }
)
# Audit entities replayed unit-month by unit-month.
REPLAYED_ENTITIES = frozenset({"fact", "elimination"})
# Past this many changed unit-months (some 300 figures each) since the marker, reading them back
# costs more than a rebuild's bulk read of every figure.
MAX_REPLAY_UNIT_MONTHS = 5_000
_IN_LIST = 500  # unit ids per query


@dataclass(frozen=True)
class Changes:
    """(node, YYYYMM) of each unit-month whose figures, or elimination entries, changed."""

    figures: set[tuple[int, int]]
    eliminations: set[tuple[int, int]]


@dataclass(frozen=True)
class MonthFigures:
    """Every reported figure of some unit-months as stored: ``values[k]`` and ``present[k]``
    (one per reported indicator) of node ``units[k]`` in month index ``months[k]``."""

    units: Int64Array
    months: Int64Array
    values: Int64Array
    present: BoolArray


def changes_since(
    connection: Connection, data: EngineData, node_of_id: Mapping[int, int], since: int, marker: int
) -> Changes | None:
    """The unit-months the audit rows ``since < id <= marker`` changed, grouped by the
    database (what each row is about is written with it); None when a row is one the engine
    cannot replay (the org tree, targets, indicators, a unit it does not hold, a month before
    its first) or there are too many."""
    between = (AuditEntry.id > since, AuditEntry.id <= marker)
    rows = connection.execute(
        select(AuditEntry.entity, AuditEntry.unit_id, AuditEntry.period)
        .where(*between)
        .group_by(AuditEntry.entity, AuditEntry.unit_id, AuditEntry.period)
        .limit(MAX_REPLAY_UNIT_MONTHS + 1)
    ).all()
    if len(rows) > MAX_REPLAY_UNIT_MONTHS:
        return None
    found: dict[str, set[tuple[int, int]]] = {entity: set() for entity in REPLAYED_ENTITIES}
    unplaced = set()
    for entity, unit_id, period in rows:
        if entity in UNRELATED_ENTITIES:
            continue
        if entity not in REPLAYED_ENTITIES:
            return None
        if unit_id is None or period is None:
            unplaced.add(entity)  # a key the writer could not read (a unit code holding '/')
        elif unit_id not in node_of_id:
            return None  # a unit created since
        else:
            found[entity].add((node_of_id[unit_id], period))
    for entity in unplaced:
        keys = connection.scalars(
            select(AuditEntry.entity_key).where(
                *between, AuditEntry.entity == entity, or_(AuditEntry.unit_id.is_(None), AuditEntry.period.is_(None))
            )
        )
        parsed = _parsed_keys(data, keys)
        if parsed is None:
            return None
        found[entity] |= parsed
    first = data.first_year * 100 + 1
    if any(period < first for touched in found.values() for _, period in touched):
        return None
    return Changes(found["fact"], found["elimination"])


def _parsed_keys(data: EngineData, keys: Iterable[str]) -> set[tuple[int, int]] | None:
    index = data.unit_index()
    out = set()
    for key in keys:
        parts = key.rsplit("/", 2)  # unit_code/indicator_code/YYYY-MM; a unit code may hold '/'
        node = index.get(parts[0]) if len(parts) == 3 else None
        if node is None:
            return None
        try:
            out.add((node, periods.parse_period(parts[2])))
        except ValueError:
            return None
    return out


def grown(
    connection: Connection, data: EngineData, engine: Engine, last_period: int
) -> tuple[EngineData, Engine] | None:
    """A copy of ``engine`` (sharing nothing it changes) through ``last_period``, with the
    data that depend on its months read again: the org tree, the assignment and, in a new year,
    the targets (as a build would read them); None when the org tree of the months it holds is
    not the one it has (a rebuild is needed)."""
    if last_period <= data.last_period:
        return data, engine.resized(engine.n_months, engine.tree_history, engine.targets)
    n_months = periods.month_index(last_period, data.first_year) + 1
    parentage = connection.execute(select(UnitParentage.__table__)).all()
    history = source.tree_history(parentage, data.unit_ids, data.first_year, n_months)
    held = [s for s in history.segments if s.first_month < engine.n_months]
    if len(held) != len(data.tree.segments) or not all(
        a.first_month == b.first_month and np.array_equal(a.parent, b.parent) and np.array_equal(a.active, b.active)
        for a, b in zip(held, data.tree.segments, strict=True)
    ):
        return None
    ids = dict(connection.execute(select(Indicator.code, Indicator.id)).tuples().all())
    if any(code not in ids for code in engine.catalog.codes):
        return None
    indicator_ids = np.array([ids[code] for code in engine.catalog.codes], dtype=np.int64)
    targets = data.targets
    if last_period // 100 != data.last_period // 100:  # a build holds targets through next year
        targets = source.targets_of(connection, data.unit_ids, indicator_ids, data.first_year, last_period // 100)
    reported = indicator_ids[engine.catalog.reported]
    assigned = load_assigned(connection, data.unit_ids, reported, data.first_year, last_period)
    engine = engine.resized(n_months, history, targets)
    data = replace(data, tree=history, facts=engine.facts, targets=targets, last_period=last_period, assigned=assigned)
    return data, engine


def entries_in(
    connection: Connection, node_of_id: Mapping[int, int], after: int, through: int
) -> set[tuple[int, int]] | None:
    """(node, YYYYMM) of every unit-month with elimination entries in months ``after < period
    <= through`` (months an engine grows by); None for a unit it does not hold."""
    if through <= after:
        return set()
    stmt = (
        select(EliminationEntry.unit_id, EliminationEntry.period)
        .where(EliminationEntry.period > after, EliminationEntry.period <= through)
        .distinct()
    )
    out = set()
    for unit_id, period in connection.execute(stmt):
        if unit_id not in node_of_id:
            return None
        out.add((node_of_id[unit_id], period))
    return out


def figures_of(
    connection: Connection, data: EngineData, engine: Engine, touched: set[tuple[int, int]]
) -> MonthFigures | None:
    """Every reported figure of each touched unit-month (node, YYYYMM) as stored now; None
    when one is of an indicator the engine does not know."""
    catalog = engine.catalog
    indicators = connection.execute(select(Indicator.id, Indicator.code)).all()
    position = _lookup_table(
        (ind_id, int(catalog.reported_pos[catalog.index[code]])) for ind_id, code in indicators if code in catalog.index
    )
    keys = sorted(touched)
    out = MonthFigures(
        np.array([node for node, _ in keys], dtype=np.int64),
        np.array([periods.month_index(period, data.first_year) for _, period in keys], dtype=np.int64),
        np.zeros((len(keys), catalog.n_reported), dtype=np.int64),
        np.zeros((len(keys), catalog.n_reported), dtype=bool),
    )
    for period, rows in _by_period(data, keys).items():
        for start in range(0, len(rows), _IN_LIST):
            row_of = _lookup_table(rows[start : start + _IN_LIST])
            stmt = select(Fact.unit_id, Fact.indicator_id, Fact.value).where(
                Fact.period == period,
                Fact.unit_id.in_([unit_id for unit_id, _ in rows[start : start + _IN_LIST]]),
            )
            found = connection.execute(stmt).all()
            if not found:
                continue
            unit_id, ind_id, value = (np.array(column, dtype=np.int64) for column in zip(*found, strict=True))
            pos = _looked_up(position, ind_id)
            if (pos < 0).any():
                return None  # an indicator the engine does not know yet (or a derived one)
            k = row_of[unit_id]
            out.values[k, pos], out.present[k, pos] = value, True
    return out


def eliminations_of(
    connection: Connection, data: EngineData, engine: Engine, touched: set[tuple[int, int]]
) -> dict[tuple[int, int], Int64Array] | None:
    """Each touched unit-month's elimination entries as stored now, summed per reported
    indicator configured for them (zero elsewhere), by (node, month index)."""
    if not touched:
        return {}
    catalog = engine.catalog
    position: dict[int, int] = {}
    for ind_id, code in connection.execute(select(Indicator.id, Indicator.code).where(Indicator.eliminated.is_(True))):
        i = catalog.index.get(code)
        if i is None or catalog.reported_pos[i] < 0:
            return None  # an indicator the engine does not know yet
        position[ind_id] = int(catalog.reported_pos[i])
    keys = sorted(touched)
    out = {key: np.zeros(catalog.n_reported, dtype=np.int64) for key in keys}
    for period, rows in _by_period(data, keys).items():
        for start in range(0, len(rows), _IN_LIST):
            node_of = dict(rows[start : start + _IN_LIST])
            stmt = (
                select(EliminationEntry.unit_id, EliminationEntry.indicator_id, func.sum(EliminationEntry.value))
                .where(
                    EliminationEntry.period == period,
                    EliminationEntry.unit_id.in_(list(node_of)),
                    EliminationEntry.indicator_id.in_(list(position)),
                )
                .group_by(EliminationEntry.unit_id, EliminationEntry.indicator_id)
            )
            for unit_id, ind_id, value in connection.execute(stmt):
                out[(keys[node_of[unit_id]][0], period)][position[ind_id]] = int(value)
    return {(node, periods.month_index(period, data.first_year)): v for (node, period), v in out.items()}


def _by_period(data: EngineData, keys: list[tuple[int, int]]) -> dict[int, list[tuple[int, int]]]:
    """YYYYMM -> (unit id, position in ``keys``) of each of ``keys`` (node, YYYYMM)."""
    out: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for k, (node, period) in enumerate(keys):
        out[period].append((int(data.unit_ids[node]), k))
    return out


def _lookup_table(pairs: Iterable[tuple[int, int]]) -> Int64Array:
    """A table from id to value for ``(id, value)`` pairs; -1 for any other id."""
    pairs = list(pairs)
    table = np.full(max((i for i, _ in pairs), default=0) + 1, -1, dtype=np.int64)
    for i, value in pairs:
        table[i] = value
    return table


def _looked_up(table: Int64Array, ids: Int64Array) -> Int64Array:
    inside = (ids >= 0) & (ids < len(table))
    return np.where(inside, table[np.where(inside, ids, 0)], -1)
