"""Test databases are built by the migrations; each test runs in a transaction rolled back after.

SQLite by default; set PACER_TEST_DATABASE_URL (a postgresql+psycopg URL to any database on the
server) to run the same suite on PostgreSQL.
"""

from __future__ import annotations

import gc
import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from pacer.config import get_settings
from pacer.db import _engine_for, make_engine
from pacer.group_settings import kept as kept_settings
from pacer.indicators import memo
from pacer.migrate import upgrade

SERVER_URL = os.environ.get("PACER_TEST_DATABASE_URL")

# The suite runs on shared machines under load: a property test is judged on the examples it
# finds, never on how fast the machine produced them.
settings.register_profile("pacer", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("pacer")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Long-running tests first, in their order: the workers then share out the short tests at the
    end and finish together. The PostgreSQL pass leaves out what the SQLite pass has answered for
    both databases (`_sqlite_pass_only`)."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
    if not SERVER_URL:
        return
    left_out = [item for item in items if _sqlite_pass_only(item)]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not _sqlite_pass_only(item)]


def _sqlite_pass_only(item: pytest.Item) -> bool:
    """A test that reaches no database through the fixtures below (all stand on
    `database_template`) gives the same answer on either. A browser test checks what a page shows
    and does; the routes under it are tested on both databases, and a browser test whose flow
    depends on the database says so (`pytest.mark.browser(postgresql=True)`)."""
    if "database_template" not in getattr(item, "fixturenames", ()):
        return True
    browser = item.get_closest_marker("browser")
    return browser is not None and not browser.kwargs.get("postgresql", False)


def pytest_report_header(config: pytest.Config) -> str:
    if SERVER_URL:
        return "database: PostgreSQL; the tests that the SQLite pass answers for both are deselected here"
    return "database: SQLite"


def _admin_execute(statement: str) -> None:
    admin = make_engine(str(make_url(SERVER_URL).set(database="postgres")))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(statement))
    admin.dispose()


def _copy_template(template: str, name: str) -> None:
    """CREATE DATABASE … TEMPLATE, which PostgreSQL refuses while anyone is connected to the
    template. A session an earlier test dropped without closing is closed by collecting it; a
    connection still open after that is named in the failure, so the test that kept it is found."""
    gc.collect()
    for attempt in range(20):
        try:
            _admin_execute(f"CREATE DATABASE {name} TEMPLATE {template}")
            return
        except OperationalError as error:
            if "is being accessed by other users" not in str(error) or attempt == 19:
                raise OperationalError(
                    f"{error.statement} [held by: {_sessions_on(template)}]", error.params, error.orig
                ) from error
            time.sleep(0.25)


def _sessions_on(database: str) -> str:
    admin = make_engine(str(make_url(SERVER_URL).set(database="postgres")))
    with admin.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT application_name, state, backend_start, left(query, 120) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": database},
        ).all()
    admin.dispose()
    return "; ".join(" | ".join(str(v) for v in row) for row in rows) or "nobody now"


def _migrated(url: str) -> None:
    from pacer.indicators.sync import sync_library

    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        sync_library(session)
        session.commit()
    engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database with the indicator library: SQLite file or PostgreSQL template."""
    if SERVER_URL:
        name = f"pacer_tmpl_{uuid.uuid4().hex[:10]}"
        _admin_execute(f"CREATE DATABASE {name}")
        url = str(make_url(SERVER_URL).set(database=name))
        _migrated(url)
        yield url
        _admin_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    else:
        path = tmp_path_factory.mktemp("db") / "template.db"
        url = f"sqlite:///{path}"
        _migrated(url)
        yield url


def fresh_database(template_url: str, tmp_path: Path) -> Iterator[str]:
    """A private copy of the template, for tests whose code commits (the CLI)."""
    if SERVER_URL:
        template = make_url(template_url).database
        name = f"pacer_t_{uuid.uuid4().hex[:10]}"
        _copy_template(template, name)
        yield str(make_url(SERVER_URL).set(database=name))
        _engine_for.cache_clear()
        _admin_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    else:
        path = tmp_path / "pacer.db"
        path.write_bytes(Path(make_url(template_url).database).read_bytes())
        yield f"sqlite:///{path}"
        _engine_for.cache_clear()


@pytest.fixture(scope="session")
def engine(database_template: str) -> Iterator[Engine]:
    # No pool: PostgreSQL copies a template only while nobody is connected to it.
    engine = make_engine(database_template, poolclass=NullPool)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _forget_the_library() -> Iterator[None]:
    """What is kept of the library and of the settings between requests is per process and
    database; a test's rolled-back rows (some written without an audit row, by factories) must not
    reach the next."""
    yield
    memo.clear()
    kept_settings.clear()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose every commit is a savepoint inside one transaction rolled back at the end."""
    connection = engine.connect()
    transaction = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    yield session
    session.close()
    transaction.rollback()
    connection.close()


@pytest.fixture
def database_url(database_template: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A private committed database, made current for code that reads the settings."""
    for url in fresh_database(database_template, tmp_path):
        monkeypatch.setenv("PACER_DATABASE_URL", url)
        get_settings.cache_clear()
        yield url
    get_settings.cache_clear()


class DemoGroups:
    """Demo groups loaded once per test process and way of loading; each test gets a private
    copy (a file copy on SQLite, CREATE DATABASE … TEMPLATE on PostgreSQL), so a test may change
    its group as it likes."""

    def __init__(self, template_url: str, folder: Path) -> None:
        self._template_url, self._folder = template_url, folder
        self._made: dict[object, tuple[str, str]] = {}  # key -> (url, what loading it printed)
        self._open: list[Iterator[str]] = []

    def cli(self, *args: str) -> tuple[str, str]:
        """The group `pacer demo --reset ARGS --no-summary` loads: its template's URL and output."""
        return self.loaded(args, lambda url: _pacer_demo(url, args))

    def loaded(self, key: object, load: Callable[[str], str | None]) -> tuple[str, str]:
        """The template ``load(url)`` fills (once per ``key``): its URL and what ``load`` returned."""
        if key not in self._made:
            folder = self._folder / f"demo{len(self._made)}"
            folder.mkdir()
            databases = fresh_database(self._template_url, folder)
            url = next(databases)
            self._open.append(databases)
            output = load(url) or ""
            _forget_engines_of(url)
            self._made[key] = (url, output)
        return self._made[key]

    def copy(self, template_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
        """A private copy of a template, made current for code that reads the settings."""
        for url in fresh_database(template_url, tmp_path):
            monkeypatch.setenv("PACER_DATABASE_URL", url)
            get_settings.cache_clear()
            yield url
        get_settings.cache_clear()

    def close(self) -> None:
        for databases in self._open:
            next(databases, None)  # fresh_database's own clean-up: the template is dropped


def _pacer_demo(url: str, args: tuple[str, ...]) -> str:
    from typer.testing import CliRunner

    from pacer.cli import app

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PACER_DATABASE_URL", url)
        get_settings.cache_clear()
        result = CliRunner().invoke(app, ["demo", "--reset", *args, "--no-summary"])
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    return result.output


def _forget_engines_of(url: str) -> None:
    """Close what this process holds open on ``url`` (PostgreSQL copies a template only while
    nobody is connected to it)."""
    from pacer.analysis.serve import service

    for echo in (False, True):
        _engine_for(url, echo).dispose()
    _engine_for.cache_clear()
    service.clear()


@pytest.fixture(scope="session")
def demo_groups(database_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoGroups]:
    groups = DemoGroups(database_template, tmp_path_factory.mktemp("demo_groups"))
    yield groups
    groups.close()


class Org:
    """A small group: G -> A (A1, A2), B (B1), with one persona per role that matters."""

    def __init__(self, session: Session) -> None:
        from tests.factories import create_unit, create_user

        self.G = create_unit(session, "G", kind="group")
        self.A = create_unit(session, "A", self.G, kind="academy")
        self.A1 = create_unit(session, "A1", self.A, kind="institute")
        self.A2 = create_unit(session, "A2", self.A, kind="factory")
        self.B = create_unit(session, "B", self.G)
        self.B1 = create_unit(session, "B1", self.B)
        self.group_admin = create_user(session, "grace", [("group_admin", self.G)])
        self.hq_analyst = create_user(session, "hannah", [("hq_analyst", self.G)])
        self.academy_viewer = create_user(session, "victor", [("viewer", self.A)])
        self.unit_reporter = create_user(session, "alice", [("unit_reporter", self.A1)])
        self.other_reporter = create_user(session, "bob", [("unit_reporter", self.B1)])
        self.outsider = create_user(session, "oscar")


@pytest.fixture
def org(session: Session) -> Org:
    return Org(session)
