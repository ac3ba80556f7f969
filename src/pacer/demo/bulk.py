"""The bulk paths demo figures take into the database.

Tens of millions of facts do not go through the ORM: PostgreSQL gets binary COPY built with
numpy, SQLite one prepared statement in primary-key order inside one transaction.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, cast

import numpy as np
from rich.progress import Progress
from sqlalchemy import Connection, Table, text

from pacer.db import SQLITE_BUSY_SECONDS
from pacer.demo.generator import DemoGroup
from pacer.errors import Conflict
from pacer.models import Fact


def _driver(conn: Connection) -> Any:
    """The DB-API connection under ``conn`` (sqlite3's or psycopg's, untyped here)."""
    raw = conn.connection.driver_connection
    if raw is None:
        raise RuntimeError("the database connection is closed")
    return raw


CHUNK = 1_000_000


@contextmanager
def bulk_mode(conn: Connection) -> Iterator[None]:
    """SQLite checks three foreign keys per inserted fact; generated rows are consistent by
    construction, so the load skips those checks (pragmas only work outside a transaction)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = _driver(conn)
    # A rollback journal only copies pages that existed before the load (almost none); WAL
    # would write every new page twice.
    raw.execute("PRAGMA foreign_keys=OFF")
    _leave_wal(raw, time.monotonic() + SQLITE_BUSY_SECONDS)
    try:
        yield
    finally:
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("PRAGMA foreign_keys=ON")


def _leave_wal(raw: Any, deadline: float) -> None:
    """Leaving WAL needs the database to itself: wait while another process still has it open
    (a server shutting down as ``make demo`` starts again), then say who holds it."""
    while True:
        try:
            raw.execute("PRAGMA journal_mode=DELETE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc):
                raise
            if time.monotonic() > deadline:
                raise Conflict(
                    "the database file is in use by another process (a running 'pacer serve'?): stop it and try again"
                ) from None
            time.sleep(0.2)


def _fact_columns(
    group: DemoGroup, indicator_ids: dict[str, int], submission_keys: np.ndarray
) -> tuple[np.ndarray, ...]:
    facts = group.facts
    ind_ids = np.array([indicator_ids[c] for c in group.indicators], dtype=np.int64)[facts.indicator]
    unit_ids = facts.unit.astype(np.int64) + 1
    sub_ids = np.searchsorted(submission_keys, facts.unit.astype(np.int64) * 1_000_000 + facts.period) + 1
    order = np.lexsort((ind_ids, facts.period, unit_ids))  # primary-key order: unit, month, indicator
    return unit_ids[order], ind_ids[order], facts.period[order].astype(np.int64), facts.value[order], sub_ids[order]


def write_facts(
    conn: Connection, group: DemoGroup, indicator_ids: dict[str, int], submission_keys: np.ndarray, progress: Progress
) -> None:
    columns = _fact_columns(group, indicator_ids, submission_keys)
    task = progress.add_task("Loading monthly figures", total=len(columns[0]))
    if conn.dialect.name == "postgresql":
        _copy_postgresql(conn, columns, lambda n: progress.advance(task, n))
    else:
        _insert_sqlite(conn, columns, lambda n: progress.advance(task, n))


def _insert_sqlite(conn: Connection, columns: tuple[np.ndarray, ...], advance: Callable[[int], None]) -> None:
    raw = _driver(conn)
    cursor = raw.cursor()
    for start in range(0, len(columns[0]), CHUNK):
        part = [c[start : start + CHUNK].tolist() for c in columns]
        cursor.executemany(
            "INSERT INTO fact (unit_id, indicator_id, period, value, submission_id) VALUES (?,?,?,?,?)",
            zip(*part, strict=False),
        )
        advance(len(part[0]))
    cursor.close()


_PG_ROW = np.dtype(
    [
        ("n", ">i2"),
        ("l0", ">i4"),
        ("u", ">i4"),
        ("l1", ">i4"),
        ("i", ">i4"),
        ("l2", ">i4"),
        ("p", ">i4"),
        ("l3", ">i4"),
        ("v", ">i8"),
        ("l4", ">i4"),
        ("s", ">i4"),
    ]
)


_FACT_KEYS = {
    "fk_fact_unit_id_unit": "FOREIGN KEY (unit_id) REFERENCES unit (id)",
    "fk_fact_indicator_id_indicator": "FOREIGN KEY (indicator_id) REFERENCES indicator (id)",
    "fk_fact_submission_id_submission": "FOREIGN KEY (submission_id) REFERENCES submission (id)",
}


def _copy_postgresql(conn: Connection, columns: tuple[np.ndarray, ...], advance: Callable[[int], None]) -> None:
    # Binary COPY rows are fixed-width here, so numpy can lay them out at memory speed.
    # Keys are dropped and rebuilt once after the load: checking three foreign keys and
    # maintaining the primary key row by row costs far more than one sort and three joins.
    conn.execute(text("SET LOCAL maintenance_work_mem = '1GB'"))
    conn.execute(
        text("ALTER TABLE fact DROP CONSTRAINT pk_fact, " + ", ".join(f"DROP CONSTRAINT {name}" for name in _FACT_KEYS))
    )
    cursor = _driver(conn).cursor()
    with cursor.copy(
        "COPY fact (unit_id, indicator_id, period, value, submission_id) FROM STDIN (FORMAT BINARY)"
    ) as copy:
        copy.write(b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big"))
        for start in range(0, len(columns[0]), CHUNK):
            u, i, p, v, s = (c[start : start + CHUNK] for c in columns)
            rows = np.empty(len(u), dtype=_PG_ROW)
            rows["n"], rows["l0"], rows["l1"], rows["l2"], rows["l3"], rows["l4"] = 5, 4, 4, 4, 8, 4
            rows["u"], rows["i"], rows["p"], rows["v"], rows["s"] = u, i, p, v, s
            copy.write(rows.tobytes())
            advance(len(u))
        copy.write((-1).to_bytes(2, "big", signed=True))
    key = ", ".join(c.name for c in cast(Table, Fact.__table__).primary_key.columns)
    conn.execute(text(f"ALTER TABLE fact ADD CONSTRAINT pk_fact PRIMARY KEY ({key})"))
    for name, definition in _FACT_KEYS.items():
        conn.execute(text(f"ALTER TABLE fact ADD CONSTRAINT {name} {definition}"))
