"""Many rows written in the caller's transaction at the database's bulk speed.

An import writes hundreds of thousands of rows; SQLAlchemy's executemany binds each row's
parameters one by one in Python, which costs more than the database's own work. Here the rows
are plain tuples in the order of ``columns``, converted once per column where the column's type
needs it (a date and time, JSON), and handed to the driver: on PostgreSQL by ``COPY`` (an upsert
copies into a temporary table, then inserts from it), elsewhere by the driver's ``executemany``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, DateTime, Table

Rows = Sequence[tuple[Any, ...]]
# SQLite's page cache while a bulk write runs: an import's month touches a page of the fact table
# per figure (it is clustered by unit and indicator), some 1.2 GB for a thousand units; in the
# default 2 MB cache the pages are spilled and read again, which costs three to four times the
# CPU of the writes themselves.
ROOMY_CACHE_KIB = 1 << 20


class Json(str):
    """A JSON column's value already written as JSON text: bound as it is, not encoded again."""


@contextmanager
def roomy_cache(connection: Connection, kib: int = ROOMY_CACHE_KIB) -> Iterator[None]:
    """On SQLite, a page cache of up to ``kib`` KiB for the bulk writes inside, the connection's own
    size restored after (the pages the transaction changed are written at its commit, then let go);
    nothing elsewhere (PostgreSQL's server keeps its own buffers)."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")


def insert_rows(connection: Connection, table: Table, columns: Sequence[str], rows: Rows) -> None:
    """INSERT ``rows`` into ``table``."""
    if not rows:
        return
    rows = _bound(connection, table, columns, rows)
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        _copy(connection, f"{table.name} ({names})", rows)
        return
    marks = ", ".join("?" * len(columns))
    _executemany(connection, f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)


def upsert_rows(connection: Connection, table: Table, columns: Sequence[str], keys: Sequence[str], rows: Rows) -> None:
    """INSERT ``rows`` into ``table``; a row whose ``keys`` are taken replaces the other columns."""
    if not rows:
        return
    rows = _bound(connection, table, columns, rows)
    names = ", ".join(columns)
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)
    conflict = f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
    if connection.dialect.name != "postgresql":
        marks = ", ".join("?" * len(columns))
        _executemany(connection, f"INSERT INTO {table.name} ({names}) VALUES ({marks}) {conflict}", rows)
        return
    # One scratch table per connection, table and columns, kept for the connection's life and
    # emptied at every commit: a table created and dropped per call would hold its locks until the
    # outer transaction ends, and a long transaction of many upserts would fill the lock table.
    digest = hashlib.blake2b(f"{table.name}({names})".encode(), digest_size=8).hexdigest()
    scratch = f"bulk_{digest}"
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]  # psycopg's, open
    try:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {scratch} ON COMMIT DELETE ROWS"
            f" AS SELECT {names} FROM {table.name} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {scratch}")
        _copy(connection, f"{scratch} ({names})", rows)
        cursor.execute(f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {scratch} {conflict}")
        cursor.execute(f"TRUNCATE {scratch}")
    finally:
        cursor.close()


def _bound(connection: Connection, table: Table, columns: Sequence[str], rows: Rows) -> Rows:
    """``rows`` with each value converted as the column's type binds it (for the driver); a
    :class:`Json` value is already converted. A value that is the same object as the row
    before's (one time stamp, one actor for every row) is converted once. Column by column: the
    columns that need no conversion are not touched row by row."""
    processors: list[tuple[int, Callable[[Any], Any]]] = []
    for k, name in enumerate(columns):
        bind = table.c[name].type.bind_processor(connection.dialect)
        if bind is None and connection.dialect.name == "sqlite" and isinstance(table.c[name].type, DateTime):
            bind = _sqlite_time
        if bind is not None:
            processors.append((k, bind))
    if not processors:
        return rows
    values: list[Sequence[Any]] = list(zip(*rows, strict=True))
    for k, process in processors:
        values[k] = _converted(values[k], process)
    return list(zip(*values, strict=True))


def _converted(values: Sequence[Any], process: Callable[[Any], Any]) -> list[Any]:
    out: list[Any] = []
    seen, bound = _UNSEEN, None
    for value in values:
        if type(value) is Json:
            out.append(value)
            continue
        if value is not seen:
            seen, bound = value, process(value)
        out.append(bound)
    return out


_UNSEEN = object()


def _sqlite_time(value: Any) -> Any:
    """A time stamp as SQLite's driver writes one (its default adapter), here once per value rather
    than once per row: an import stamps 300,000 audit rows with one time."""
    return value.isoformat(" ") if isinstance(value, datetime) else value


def _executemany(connection: Connection, statement: str, rows: Rows) -> None:
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]  # the driver's, open
    try:
        cursor.executemany(statement, rows)
    finally:
        cursor.close()


def _copy(connection: Connection, target: str, rows: Rows) -> None:
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]  # psycopg's, open
    try:
        with cursor.copy(f"COPY {target} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    finally:
        cursor.close()
