"""One analysis engine per process and database, rebuilt when the figures change.

The audit trail is append-only and every change to figures, targets or the org tree writes to
it, so its highest id is a cheap change marker: one indexed query per request decides whether
the cached engine is still current.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine as DbEngine, func, select

from pacer.analysis import source
from pacer.analysis.engine import Engine
from pacer.analysis.source import EngineData
from pacer.models import AuditEntry


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
    engine = Engine(data.units, data.tree, data.indicators, data.facts, data.targets, data.first_year)
    ids = data.unit_ids.tolist()
    return Analysis(data, engine, marker, {int(u): i for i, u in enumerate(ids)})


def change_marker(connection: Connection) -> int:
    return int(connection.scalar(select(func.coalesce(func.max(AuditEntry.id), 0))) or 0)


_cache: dict[str, Analysis] = {}
_lock = threading.Lock()


def get_analysis(db_engine: DbEngine) -> Analysis:
    """The current engine for this database, built or rebuilt when its figures have changed."""
    key = db_engine.url.render_as_string(hide_password=False)
    with db_engine.connect() as conn:
        marker = change_marker(conn)
    cached = _cache.get(key)
    if cached is not None and cached.marker == marker:
        return cached
    with _lock:
        cached = _cache.get(key)
        if cached is None or cached.marker != marker:
            # ADBC's SQLite driver carries its own copy of SQLite; two copies locking one WAL
            # database file in one process end in "disk I/O error", so SQLite reads row-wise.
            with db_engine.connect() as conn:
                cached = build(conn, columnar=db_engine.dialect.name != "sqlite", marker=marker)
            _cache[key] = cached
        return cached


def clear() -> None:
    _cache.clear()


