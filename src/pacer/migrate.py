"""Run Alembic from inside Pacer, so an installed package can build its own schema."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, MetaData, inspect, text

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(slug)s")
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _writer(engine: Engine) -> Engine:
    """The engine whose transactions take SQLite's write lock at BEGIN, waiting their turn behind
    another process (a server still shutting down) rather than failing when it has written."""
    return engine.execution_options(sqlite_write=True)


def upgrade(engine: Engine, revision: str = "head") -> None:
    with _writer(engine).begin() as connection:
        command.upgrade(alembic_config(connection=connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    with _writer(engine).begin() as connection:
        command.downgrade(alembic_config(connection=connection), revision)


def is_initialised(engine: Engine) -> bool:
    return inspect(engine).has_table("alembic_version")


def reset(engine: Engine) -> None:
    """Drop every table of Pacer's schema (whatever revision it is at) and the migrations' own
    record, in one transaction; other tables in the database are left alone.

    It does not depend on the downgrades, so a database whose schema is at a revision this
    version does not know, or half built, can still be reset.
    """
    from pacer.jobs import queue_schema
    from pacer.models import Base

    with _writer(engine).begin() as connection:
        present = set(inspect(connection).get_table_names())
        ours = set(Base.metadata.tables) | {"alembic_version"}
        reflected = MetaData()
        reflected.reflect(connection, only=sorted(present & ours))
        reflected.drop_all(connection)  # referring tables first
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP FUNCTION IF EXISTS audit_entry_append_only()"))
            queue_schema.drop(connection)  # the jobs' queue, which the migrations made
