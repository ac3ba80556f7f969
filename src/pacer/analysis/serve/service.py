"""One analysis engine per process and database, kept current as the figures change.

The audit trail is append-only and every change to figures, targets or the org tree writes to
it, and its ids are handed out in commit order (see :mod:`pacer.audit.service`), so its
highest id is a cheap change marker: one indexed query per request decides whether
the cached engine is still current. When it is not, the audit rows written since the engine's
marker say what changed:

- only figures (entity ``fact``) and elimination entries (entity ``elimination``) of units the
  engine holds, in its months or later ones: the engine is grown by the months that arrived
  (its arrays extended, the month's tree, assignment and targets read), each touched unit-month
  is read back from the fact or elimination table, and :meth:`Engine.replace_months` recomputes
  the months they change (the same result as a rebuild, exactly);
- only users, grants or tokens: nothing the engine holds, so only the marker moves;
- anything else (the org tree, targets, indicators, a new unit, a change of more unit-months
  than reading them back is worth): the engine is rebuilt from the database.

Changes go to a copy of the engine that replaces the cached one when complete, so a reader
holding the previous :class:`Analysis` never sees a half-applied change. The marker is read
after the writer committed, and a rolled-back import writes no audit row, so a failed import
changes nothing here. This works across processes (a CLI import, several web workers), since
every process compares markers with the database rather than listening for its own commits.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Connection, func, select
from sqlalchemy import Engine as DbEngine

from pacer.analysis.core.eliminations import EliminationBook
from pacer.analysis.core.inputs import Eliminations
from pacer.analysis.load import source
from pacer.analysis.load.source import EngineData
from pacer.analysis.serve import replay, shared
from pacer.analysis.serve.engine import Engine
from pacer.config import get_settings
from pacer.models import AuditEntry, Indicator, Submission
from pacer.ops import metrics

log = logging.getLogger(__name__)


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
    or None when the changes need a rebuild. ``analysis`` itself is never modified: the changes
    go to a copy of its engine, grown by the months that arrived (see :mod:`.replay`)."""
    if marker == analysis.marker:
        return analysis
    data, engine = analysis.data, analysis.engine
    changes = replay.changes_since(connection, data, analysis.node_of_id, analysis.marker, marker)
    if changes is None:
        return None
    if not changes.figures and not changes.eliminations:
        return replace(analysis, marker=marker)
    last = max([data.last_period, *(period for _, period in changes.figures)])
    copied = replay.grown(connection, data, engine, last)
    added = replay.entries_in(connection, analysis.node_of_id, data.last_period, last)
    if copied is None or added is None:
        return None
    data, engine = copied
    # entries of a month without figures stay out, as a build leaves them
    eliminated = {(node, period) for node, period in changes.eliminations if period <= last} | added
    figures = replay.figures_of(connection, data, engine, changes.figures)
    entries = replay.eliminations_of(connection, data, engine, eliminated)
    if figures is None or entries is None:
        return None
    engine.replace_months(figures.units, figures.months, figures.values, figures.present, entries)
    return replace(analysis, engine=engine, marker=marker, data=replace(data, facts=engine.facts))


# -- the cache ---------------------------------------------------------------------------------------

_cache: dict[str, Analysis] = {}
_lock = threading.Lock()


def get_analysis(db_engine: DbEngine) -> Analysis:
    """The current engine for this database: cached, caught up on new figures, or rebuilt; with
    the ``engine_snapshot_dir`` setting, one engine for the processes of the machine (see
    :mod:`pacer.analysis.serve.shared`)."""
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
        store = _store(db_engine)
        with db_engine.connect() as conn:
            if store is not None:
                current = _from_store(conn, store, cached, marker)
            else:
                caught_up = catch_up(conn, cached, marker) if cached is not None else None
                current = caught_up if caught_up is not None else _kept(_built(conn, marker))
        _cache[key] = current
        return current


def _built(conn: Connection, marker: int) -> Analysis:
    with metrics.engine_build() as built:
        built["analysis"] = current = build(conn, columnar=_is_large(conn), marker=marker)
    return current


def _kept(analysis: Analysis) -> Analysis:
    """The engine's arrays live as long as the process: keep the collector off them."""
    gc.collect()
    gc.freeze()
    return analysis


# -- one engine per machine ----------------------------------------------------------------------

_stores: dict[tuple[str, str], shared.Store | None] = {}


def _store(db_engine: DbEngine) -> shared.Store | None:
    """Where this machine's processes share the engine of this database, or None (each process
    holds its own: no directory set, or an in-memory database, which is the process's own)."""
    root = get_settings().engine_snapshot_dir
    url = db_engine.url
    if not root:
        return None
    if url.get_backend_name() == "sqlite":
        database = url.database
        if database is None or database in ("", ":memory:") or "mode=memory" in str(url.query):
            return None
        identity = f"sqlite:{os.path.realpath(database)}"  # the same file, whatever the working directory
    else:
        identity = url.render_as_string(hide_password=True)
    if (root, identity) not in _stores:
        try:
            _stores[(root, identity)] = shared.Store(root, identity)
        except (OSError, shared.SnapshotError):
            log.exception("the engine is not shared between processes")
            _stores[(root, identity)] = None
    return _stores[(root, identity)]


def _mapped(path: Path) -> Analysis | None:
    """The snapshot at ``path``, or None when it has been replaced meanwhile or is not whole."""
    try:
        analysis = shared.load(path)
        if not isinstance(analysis, Analysis):
            raise shared.SnapshotError(f"{path}: not an engine snapshot")
    except FileNotFoundError:
        return None
    except Exception:  # never written whole by this version: set aside, the engine is made anew
        log.exception("engine snapshot %s is not usable; it is removed", path)
        path.unlink(missing_ok=True)
        return None
    return analysis


def _from_store(conn: Connection, store: shared.Store, cached: Analysis | None, marker: int) -> Analysis:
    """The engine at ``marker`` (or later) from this machine's snapshots: mapped when one is there,
    else caught up or built by this process, under the machine-wide lock, and written for the
    others. A snapshot that cannot be written (a full disk) leaves this process its own engine."""
    found = store.newest(at_least=marker)
    if found is not None and (mapped := _mapped(found[1])) is not None:
        return _kept(mapped) if cached is None else mapped
    with store.lock():
        base = cached
        found = store.newest()
        if found is not None and (base is None or found[0] > base.marker):
            mapped = _mapped(found[1])  # the lock keeps it there
            if mapped is not None and found[0] >= marker:
                return _kept(mapped) if cached is None else mapped
            base = mapped or base
        current = catch_up(conn, base, marker) if base is not None else None
        rebuilt = current is None
        if current is None:
            current = _built(conn, marker)
        elif base is not None and current.engine is base.engine:
            return current  # only the marker moved: every process catches up as cheaply
        try:
            path = store.write(current, marker)
        except OSError:
            log.exception("the engine could not be shared through %s; this process keeps its own", store.dir)
            return current
        store.prune(path)
        # this process's own copy is dropped for the mapped one the others share
        current = _mapped(path) or current
        return _kept(current) if rebuilt or cached is None else current


# The column-wise read starts helper processes (about a second); it pays off only for big groups.
COLUMNAR_FROM_FACTS = 2_000_000


def _is_large(conn: Connection) -> bool:
    """Whether the group holds enough figures for the column-wise read, judged cheaply from
    submissions (one per unit-month) times indicators rather than counting facts."""
    submissions = conn.scalar(select(func.count()).select_from(Submission)) or 0
    indicators = conn.scalar(select(func.count()).select_from(Indicator)) or 0
    return submissions * indicators >= COLUMNAR_FROM_FACTS


def is_built(db_engine: DbEngine) -> bool:
    """Whether this process holds an engine for this database (current or not)."""
    return db_engine.url.render_as_string(hide_password=False) in _cache


def clear() -> None:
    _cache.clear()
