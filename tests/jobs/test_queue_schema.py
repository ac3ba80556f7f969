"""procrastinate's tables are made and removed by Pacer's migrations (PostgreSQL only), with one
migration head; a database whose tables were made before keeps them and their rows."""

from __future__ import annotations

import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from pacer.db import make_engine
from pacer.jobs import queue_schema
from pacer.migrate import alembic_config, downgrade, upgrade
from pacer.ops.archive import head_revision
from tests.conftest import SERVER_URL

on_postgresql = pytest.mark.skipif(not SERVER_URL, reason="the procrastinate queue lives in PostgreSQL")
REVISION = "20261207_jobs_queue_schema"
QUEUE_TABLES = {"procrastinate_jobs", "procrastinate_events", "procrastinate_periodic_defers", "procrastinate_workers"}


def _before() -> str:
    script = ScriptDirectory.from_config(alembic_config())
    down = script.get_revision(REVISION).down_revision
    assert isinstance(down, str)
    return down


def test_the_migrations_have_one_head():
    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1


def test_the_pinned_procrastinate_is_the_one_whose_schema_the_migrations_build():
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    pins = [d for d in pyproject["project"]["dependencies"] if d.startswith("procrastinate==")]
    assert pins == [f"procrastinate=={queue_schema.VERSION}"]  # a new pin needs a migration of its own
    assert version("procrastinate") == queue_schema.VERSION


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return {t for t in inspect(engine).get_table_names() if t.startswith("procrastinate_")}
    finally:
        engine.dispose()


@on_postgresql
def test_the_migration_makes_the_queue_and_its_downgrade_removes_it(database_url):
    assert _tables(database_url) == QUEUE_TABLES
    engine = make_engine(database_url)
    downgrade(engine, _before())
    with engine.connect() as conn:
        left = conn.scalar(text("SELECT count(*) FROM pg_proc WHERE proname LIKE 'procrastinate%'")) + conn.scalar(
            text("SELECT count(*) FROM pg_type WHERE typname LIKE 'procrastinate%'")
        )
    assert _tables(database_url) == set()
    assert left == 0
    assert "job" in inspect(engine).get_table_names()  # Pacer's own job table stays
    upgrade(engine)
    engine.dispose()
    assert _tables(database_url) == QUEUE_TABLES


@on_postgresql
def test_a_queue_made_before_the_migration_is_kept_with_its_jobs(database_url):
    engine = make_engine(database_url)
    downgrade(engine, _before())
    with engine.begin() as conn:  # as `pacer db upgrade` made it before the migration did
        assert queue_schema.create(conn) is True
        conn.execute(text("INSERT INTO procrastinate_jobs (queue_name, task_name, args) VALUES ('pacer', 't', '{}')"))
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT version_num FROM alembic_version")) == head_revision()
        assert conn.scalar(text("SELECT count(*) FROM procrastinate_jobs WHERE task_name = 't'")) == 1
    engine.dispose()


def test_the_queue_tables_are_made_on_postgresql_only(database_url):
    assert _tables(database_url) == (QUEUE_TABLES if database_url.startswith("postgresql") else set())
