from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select
from typer.testing import CliRunner

from pacer.db import make_engine
from pacer.jobs.queue_schema import is_ours
from pacer.migrate import alembic_config, downgrade, reset, upgrade
from pacer.models import Base, Fact

runner = CliRunner()


def test_models_and_migrations_agree(engine):
    with engine.connect() as connection:
        opts = {"compare_type": True, "include_name": lambda name, type_, _parents: is_ours(name, type_)}
        diff = compare_metadata(MigrationContext.configure(connection, opts=opts), Base.metadata)
    assert diff == []


def _small_demo() -> None:
    """A small demo group, so that every table holds rows the downgrades must cope with."""
    from pacer.cli import app

    result = runner.invoke(app, ["demo", "--units", "10", "--years", "1", "--as-of", "2026-06", "--no-summary"])
    assert result.exit_code == 0, result.output


def _revisions() -> list[str]:
    """Every revision, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [s.revision for s in reversed(list(script.walk_revisions()))]


def test_every_migration_goes_down_and_up_again_with_figures_in_the_database(database_url):
    _small_demo()
    engine = make_engine(database_url)
    with engine.connect() as conn:
        facts = conn.scalar(select(func.count()).select_from(Fact))
    assert facts > 0
    revisions = _revisions()
    for below in reversed(["base", *revisions[:-1]]):  # one step down at a time, each with data
        downgrade(engine, below)
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    upgrade(engine)
    assert {"fact", "elimination_entry", "web_session"} <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Fact)) == 0
    engine.dispose()


def test_reset_drops_every_table_of_a_filled_database_and_leaves_others_alone(database_url):
    from sqlalchemy import text

    _small_demo()
    engine = make_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE someone_elses (id INTEGER PRIMARY KEY)"))
    reset(engine)
    assert set(inspect(engine).get_table_names()) == {"someone_elses"}
    upgrade(engine)
    upgrade(engine)
    assert "fact" in inspect(engine).get_table_names()
    engine.dispose()


def test_the_fact_table_is_keyed_by_unit_month_and_indicator(engine):
    """A unit's month lies together in the key (SQLite stores the table in its order): a month's
    collection writes a few pages per unit rather than a page per figure."""
    key = inspect(engine).get_pk_constraint("fact")
    assert key["constrained_columns"] == ["unit_id", "period", "indicator_id"]


def test_the_audit_trail_index_by_key_leaves_out_figures_and_serves_queries_by_key(engine):
    """A month's import writes 300,000 figures' rows; keyed UNIT/INDICATOR/YYYY-MM, they would fall
    on a page of the key's index each. Nothing looks them up by key, so the index leaves them out,
    and a query by key that repeats its condition (``keyed_entities``) still uses it."""
    from sqlalchemy import text

    from pacer.models import AuditEntry, keyed_entities

    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            definition = conn.scalar(text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_audit_entity'"))
        else:
            definition = conn.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'ix_audit_entity'"))
        assert "entity <> 'fact'" in definition.replace("::text", "").replace("(", "").replace(")", "")
        if engine.dialect.name == "sqlite":
            stmt = select(AuditEntry.id).where(
                AuditEntry.entity == "workflow_item", AuditEntry.entity_key.in_(["a", "b"]), keyed_entities()
            )
            compiled = stmt.compile(conn, compile_kwargs={"literal_binds": True})
            plan = " ".join(str(row) for row in conn.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
            assert "ix_audit_entity " in plan or "ix_audit_entity (" in plan
