"""Engine, sessions and the unit of work. The edge (CLI command, request, job) commits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, func, select
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from pacer.config import Settings, get_settings

SQLITE_BUSY_SECONDS = 30
# the advisory lock key queued writers take on PostgreSQL (any fixed 64-bit number; "PACERWRQ")
WRITER_QUEUE_LOCK = 0x5041434552575251


def make_engine(url: str, echo: bool = False, **options: Any) -> Engine:
    if url.startswith("sqlite"):
        # Writers queue for SQLite's single write lock; wait for it as a server would rather
        # than failing after the driver's default five seconds.
        options.setdefault("connect_args", {}).setdefault("timeout", SQLITE_BUSY_SECONDS)
        engine = create_engine(url, echo=echo, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, **options)


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    # The driver's own transaction handling breaks SAVEPOINTs and transactional DDL; let
    # SQLAlchemy emit BEGIN itself (the documented pysqlite recipe).
    dbapi_connection.isolation_level = None
    # Foreign keys are off by default in SQLite; WAL lets readers run during an import.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # A deferred transaction that read first cannot become a writer once another connection has
    # committed (SQLite answers "database is locked" without waiting); one that is known to write
    # takes the write lock at BEGIN, waiting its turn.
    writes = connection.get_execution_options().get("sqlite_write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


@lru_cache
def _engine_for(url: str, echo: bool) -> Engine:
    return make_engine(url, echo)


def get_engine(settings: Settings | None = None) -> Engine:
    settings = settings or get_settings()
    return _engine_for(settings.database_url, settings.echo_sql)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


@contextmanager
def unit_of_work(
    engine: Engine | None = None,
    factory: sessionmaker[Session] | None = None,
    writes: bool = False,
    queue: bool = False,
) -> Iterator[Session]:
    """One transaction: commit when the block ends, roll back everything if it raises.

    ``writes`` says the transaction will write: on SQLite it then queues for the write lock at
    its start instead of failing when a concurrent writer commits first. ``queue`` (with
    ``writes``) makes it wait, from its start, for every other queued writer to end on PostgreSQL
    as well (a transaction-scoped advisory lock): imports that read, check and then write the
    same rows (a unit's submission for a month, a target's current revision) run one after the
    other instead of failing on each other's uncommitted rows. Other writers are not held up.
    """
    session = (factory or session_factory(engine or get_engine()))()
    dialect = session.get_bind().dialect.name
    if writes and dialect == "sqlite":
        session.connection(execution_options={"sqlite_write": True})
    elif writes and queue and dialect == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(WRITER_QUEUE_LOCK)))
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
