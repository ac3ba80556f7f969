"""Backups that restore into an empty database of either kind (SQLite or PostgreSQL).

A backup is one gzip-compressed file of JSON lines, the same whichever database wrote it:

- a header: the format, its version, the schema's migration head, when and from which kind of
  database it was made, and every table with its columns;
- each table in dependency order (a referred-to table before those referring to it): a line
  ``{"table": name}``, its rows as JSON arrays ordered by primary key, and ``{"rows": n}``;
- a last line ``{"end": true, "rows": total}``: a file without it was cut short.

Values are written database-neutrally: times in UTC as ISO 8601, dates as ISO dates, binary
columns in base64, JSON columns as JSON; numbers and text as they are.

**Consistency.** Every table is read inside one transaction that sees one snapshot of the
database while the application keeps writing: REPEATABLE READ (read only) on PostgreSQL; on
SQLite, whose connections run in WAL mode (:mod:`pacer.db`), a read transaction sees the
database as it was at its first read until it ends.

**Restore** reads the whole file once to check it (gzip's checksum, the structure, each table's
row count, the last line) before it touches the database, refuses a file made at another
migration head and a database that already has tables, and then, in one transaction, builds
the schema with the migrations and inserts the rows table by table. Anything failing rolls all of
it back. A row referring to another row of its own table (a task's parent or successor) is
inserted with that column empty and the column set once the table's rows are in. PostgreSQL's
sequences are moved past the restored ids.

**Jobs.** The ``job`` table is Pacer's record of every job, queued ones included, and is
backed up like any other; procrastinate's tables (PostgreSQL's queue) are not: they hold nothing
the ``job`` table does not (one row per queued job, besides workers' heartbeats and the periodic
tick's last moments, which workers remake), and a backup restores into SQLite as well, which has
no such tables. A restore hands the queued jobs to the queue again: a job running when the backup
was made is queued again (its work was not in the backup), and with ``PACER_JOBS_QUEUE=
procrastinate`` each queued job is put in procrastinate's queue in the restore's transaction, so
that a worker runs it; with the embedded queue the servers' threads find them in the ``job`` table.

**The audit trail stays append-only.** Its triggers refuse UPDATE, DELETE (and TRUNCATE); a
restore only INSERTs into it, into a table the restore itself has just created, so the triggers
stay in force throughout and nothing is switched off. A restore into a database that already has
an audit trail is refused rather than merged, since merging would need to rewrite it.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Engine, Table, bindparam, delete, func, inspect, select, text, update
from sqlalchemy.types import Integer

from pacer.errors import DomainError
from pacer.models.base import utcnow
from pacer.ops.archive import (
    BATCH,
    FORMAT,
    VERSION,
    BackupError,
    Header,
    Progress,
    Summary,
    check,
    decoder,
    encoder,
    head_revision,
    lines_of,
    schema_revision,
    tables,
)

__all__ = ["BackupError", "backup", "check", "head_revision", "move_sequences", "restore", "tables"]

# -- backup ----------------------------------------------------------------------------------------


def backup(engine: Engine, output: Path, progress: Progress | None = None) -> Summary:
    """Write a consistent backup of the database to ``output`` (a new file: written beside it
    under a temporary name and renamed once complete, so a failed backup leaves nothing)."""
    if output.exists():
        raise DomainError(f"{output}: the file exists already; choose another name (a backup never overwrites)")
    if not output.parent.is_dir():
        raise DomainError(f"{output.parent}: no such directory")
    partial = output.with_name(f".{output.name}.partial")
    try:
        with gzip.open(partial, "wt", encoding="utf-8", compresslevel=3) as out:
            summary = _write(engine, out, progress)
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    return summary


def _snapshot(engine: Engine) -> Connection:
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        connection = connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    return connection


def _write(engine: Engine, out: IO[str], progress: Progress | None) -> Summary:
    every = tables()
    with _snapshot(engine) as connection, connection.begin():
        head = schema_revision(connection)
        expected = head_revision()
        if head is None:
            raise DomainError("the database has no schema yet: there is nothing to back up")
        if head != expected:
            raise DomainError(
                f"the database's schema is at migration {head}, not at this version's {expected}: "
                "run 'pacer db upgrade' first (or back up with the version that made it)"
            )
        header = {
            "format": FORMAT,
            "version": VERSION,
            "head": head,
            "made_at": utcnow().isoformat(),
            "made_from": engine.dialect.name,
            "tables": [[t.name, [c.name for c in t.columns]] for t in every],
        }
        out.write(json.dumps(header, ensure_ascii=False) + "\n")
        total = 0
        for table in every:
            count = _write_table(connection, table, out)
            total += count
            if progress is not None:
                progress(table.name, count)
        out.write(json.dumps({"end": True, "rows": total}) + "\n")
    return Summary(head, len(every), total)


def _write_table(connection: Connection, table: Table, out: IO[str]) -> int:
    out.write(json.dumps({"table": table.name}) + "\n")
    encoders = [(i, e) for i, c in enumerate(table.columns) if (e := encoder(c)) is not None]
    query = select(table).order_by(*table.primary_key.columns)
    count = 0
    for rows in connection.execution_options(yield_per=BATCH).execute(query).partitions():
        lines = []
        for row in rows:
            values = list(row)
            for i, encode in encoders:
                if values[i] is not None:
                    values[i] = encode(values[i])
            lines.append(json.dumps(values, ensure_ascii=False))
        out.write("\n".join(lines) + "\n")
        count += len(rows)
    out.write(json.dumps({"rows": count}) + "\n")
    return count


# -- restore ---------------------------------------------------------------------------------------


def restore(engine: Engine, path: Path, progress: Progress | None = None) -> Summary:
    """Restore the backup at ``path`` into the empty database of ``engine``: all or nothing.

    The file must be there, the database reachable and empty, and the file whole and made at
    this version's migration head, before anything is written."""
    from pacer.migrate import alembic_config

    if not path.is_file():
        raise DomainError(f"{path}: no such file" if not path.exists() else f"{path}: not a file")
    present = inspect(engine).get_table_names()
    if present:
        raise DomainError(
            f"the database is not empty ({len(present)} tables, e.g. {sorted(present)[0]}): "
            "restore only into a new, empty database"
        )
    header = check(path)
    expected = head_revision()
    if header.head != expected:
        raise DomainError(
            f"{path}: the backup was made at migration {header.head}, this version of Pacer is at "
            f"{expected}: restore it with the version that made it, then upgrade"
        )
    ours = {t.name: [c.name for c in t.columns] for t in tables()}
    if header.columns != ours:
        raise DomainError(f"{path}: the backup's tables differ from this version's schema at the same migration")
    from alembic import command

    with engine.execution_options(sqlite_write=True).begin() as connection:
        command.upgrade(alembic_config(connection=connection), "head")
        _empty_seeded_tables(connection)
        summary = _insert_all(connection, path, header, progress)
        if connection.dialect.name == "postgresql":
            move_sequences(connection)
        _queue_again(connection)
    return summary


RESTORED = "run again: the backup was made while it ran"


def _queue_again(connection: Connection) -> None:
    """The restored jobs that were queued or running, in the queue again (see "Jobs" above)."""
    from pacer.jobs import queue
    from pacer.models import Job

    connection.execute(
        update(Job)
        .where(Job.state == "running")
        .values(state="queued", started_at=None, progress=0.0, message=RESTORED)
    )
    if queue.enabled() and connection.dialect.name == "postgresql":
        waiting = connection.scalars(select(Job.id).where(Job.state == "queued").order_by(Job.id)).all()
        queue.defer_on(connection, list(waiting))


def _empty_seeded_tables(connection: Connection) -> None:
    """Remove the rows the migrations themselves put in (the standard measure units and
    categories): the backup holds these tables as they were."""
    for table in reversed(tables()):
        if connection.scalar(select(func.count()).select_from(table)):
            connection.execute(delete(table))


def _insert_all(connection: Connection, path: Path, header: Header, progress: Progress | None) -> Summary:
    by_name = {t.name: t for t in tables()}
    lines = lines_of(path)
    next(lines)
    total = 0
    batch: list[list[Any]] = []
    links: list[dict[str, Any]] = []
    table = by_name[next(iter(header.columns))]
    count = 0
    for _, item in lines:
        if isinstance(item, list):
            batch.append(item)
            if len(batch) >= BATCH:
                links += _insert(connection, table, batch, path)
                batch = []
            count += 1
        elif "table" in item:
            table, count, links = by_name[item["table"]], 0, []
        elif "rows" in item and "end" not in item:
            links += _insert(connection, table, batch, path)
            _link_within(connection, table, links)
            batch, total = [], total + count
            if progress is not None:
                progress(table.name, count)
    return Summary(header.head, len(header.columns), total)


def _self_references(table: Table) -> list[str]:
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def _insert(connection: Connection, table: Table, rows: list[list[Any]], path: Path) -> list[dict[str, Any]]:
    """Insert ``rows``; the references within the table they hold are returned, to set later."""
    if not rows:
        return []
    columns = list(table.columns)
    decoders = [(i, c.name, d) for i, c in enumerate(columns) if (d := decoder(c)) is not None]
    names = [c.name for c in columns]
    later = _self_references(table)
    keys = [c.name for c in table.primary_key.columns]
    records, links = [], []
    for row in rows:
        for i, name, decode in decoders:
            if row[i] is not None:
                try:
                    row[i] = decode(row[i])
                except (ValueError, TypeError) as exc:
                    raise BackupError(f"{path}: table {table.name}, column {name}: {exc}") from None
        record = dict(zip(names, row, strict=True))
        within = {name: record[name] for name in later if record[name] is not None}
        if within:
            links.append({**{f"k_{k}": record[k] for k in keys}, **within})
            record.update(dict.fromkeys(within))
        records.append(record)
    connection.execute(table.insert(), records)
    return links


def _link_within(connection: Connection, table: Table, links: list[dict[str, Any]]) -> None:
    """Set the columns referring to rows of the same table once all its rows are in."""
    keys = [c.name for c in table.primary_key.columns]
    for name in _self_references(table):
        values = [link for link in links if name in link]
        if not values:
            continue
        where = [table.c[k] == bindparam(f"k_{k}") for k in keys]
        statement = table.update().where(*where).values({name: bindparam(name)})
        connection.execute(statement, [{**{f"k_{k}": v[f"k_{k}"] for k in keys}, name: v[name]} for v in values])


def move_sequences(connection: Connection) -> None:
    """Each id sequence past the highest id restored, so new rows get new ids."""
    quote = connection.dialect.identifier_preparer.quote
    for table in tables():
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(key[0].type, Integer) or key[0].autoincrement is False:
            continue
        column = key[0].name
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                f"COALESCE((SELECT MAX({quote(column)}) FROM {quote(table.name)}), 0) + 1, false)"
            ),
            {"table": quote(table.name), "column": column},
        )
