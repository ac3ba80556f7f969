"""procrastinate's tables, types and functions in PostgreSQL: created and dropped by Pacer's
migrations (``20261207_jobs_queue_schema``), so that ``pacer db upgrade`` builds them with the rest
of the schema and ``alembic heads`` stays one. SQLite has none (its queue is the ``job`` table).

The objects are those of the procrastinate version pinned in ``pyproject.toml``
(:data:`VERSION`), as that version ships them; a later pin comes with a migration of Pacer's that
runs procrastinate's own migration scripts between the two versions (``procrastinate/sql/
migrations``), and the suite refuses a new pin without it.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

VERSION = "3.10.0"  # the procrastinate whose schema the migrations build
PREFIX = "procrastinate_"


def present(connection: Connection) -> bool:
    return bool(connection.scalar(text("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")))


def create(connection: Connection) -> bool:
    """Create the queue's objects in the connection's transaction unless they are there already
    (made by a ``pacer db upgrade`` of before they were a migration); whether they were made."""
    from procrastinate.schema import SchemaManager

    if connection.dialect.name != "postgresql" or present(connection):
        return False
    # one script of many statements: psycopg runs it as one when given no parameters
    connection.connection.driver_connection.execute(SchemaManager.get_schema())  # type: ignore[union-attr]
    return True


# each kind of the queue's objects: how to find them by name in this schema, and how to drop one
_QUEUE_OBJECTS = (
    (
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE :like",
        'DROP TABLE IF EXISTS "{name}" CASCADE',
    ),
    (
        "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = current_schema() AND p.proname LIKE :like",
        "DROP FUNCTION IF EXISTS {name} CASCADE",
    ),
    (
        "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
        "WHERE n.nspname = current_schema() AND t.typname LIKE :like AND t.typtype IN ('e', 'c')",
        'DROP TYPE IF EXISTS "{name}" CASCADE',
    ),
)


def drop(connection: Connection) -> None:
    """Drop every object of the queue (its tables with their rows, types and functions)."""
    if connection.dialect.name != "postgresql":
        return
    like = {"like": PREFIX.replace("_", r"\_") + "%"}
    for find, drop_one in _QUEUE_OBJECTS:
        for name in connection.scalars(text(find), like).all():
            connection.execute(text(drop_one.format(name=name)))


def is_ours(name: str | None, type_: str) -> bool:
    """Whether autogenerate compares this object with Pacer's models (the queue's tables are not
    models: procrastinate defines them)."""
    return not (type_ == "table" and (name or "").startswith(PREFIX))
