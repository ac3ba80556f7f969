from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from pacer.models import Base


def test_models_and_migrations_agree(engine):
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_migrations_go_down_and_up_again(tmp_path):
    from sqlalchemy import inspect

    from pacer.db import make_engine
    from pacer.migrate import downgrade, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'updown.db'}")
    upgrade(engine)
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    upgrade(engine)
    assert "fact" in inspect(engine).get_table_names()
