"""Backups restore every row of every table into an empty database of either kind; a damaged
file, a backup of another schema and a database that is not empty are refused, changing nothing.

The SQLite pass restores SQLite into SQLite; the PostgreSQL pass (PACER_TEST_DATABASE_URL)
crosses: SQLite into PostgreSQL, PostgreSQL into SQLite, and PostgreSQL into PostgreSQL.
"""

from __future__ import annotations

import gzip
import json
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, inspect, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool
from typer.testing import CliRunner

from pacer.cli import app as cli
from pacer.config import get_settings
from pacer.db import make_engine
from pacer.errors import DomainError
from pacer.indicators.sync import sync_library
from pacer.migrate import upgrade
from pacer.models import AuditEntry, GroupSetting
from pacer.models.base import utcnow
from pacer.ops.backup import BackupError, backup, head_revision, restore, tables
from tests.conftest import SERVER_URL, _admin_execute, _copy_template
from tests.ops.filler import fill, snapshot

CROSSINGS = (
    [("sqlite", "postgresql"), ("postgresql", "sqlite"), ("postgresql", "postgresql")]
    if SERVER_URL
    else [("sqlite", "sqlite")]
)
NATIVE = "postgresql" if SERVER_URL else "sqlite"


class Databases:
    """New databases of either kind, dropped after the test."""

    def __init__(self, tmp_path: Path, template: str) -> None:
        self.tmp_path, self.template = tmp_path, template
        self.engines: list[Engine] = []
        self.created: list[str] = []

    def url(self, kind: str) -> str:
        name = f"pacer_b_{uuid.uuid4().hex[:10]}"
        if kind == "sqlite":
            return f"sqlite:///{self.tmp_path / name}.db"
        assert SERVER_URL, "a PostgreSQL database needs PACER_TEST_DATABASE_URL"
        _admin_execute(f"CREATE DATABASE {name}")
        self.created.append(name)
        return str(make_url(SERVER_URL).set(database=name))

    def engine(self, url: str) -> Engine:
        engine = make_engine(url, poolclass=NullPool)
        self.engines.append(engine)
        return engine

    def empty(self, kind: str) -> Engine:
        return self.engine(self.url(kind))

    def filled(self, kind: str) -> Engine:
        """A migrated database with the indicator library (a copy of the suite's template when
        it is of this kind) and rows in every table."""
        if kind == NATIVE:
            url = self.url(kind)
            if kind == "sqlite":
                Path(make_url(url).database or "").write_bytes(
                    Path(make_url(self.template).database or "").read_bytes()
                )
                engine = self.engine(url)
            else:
                _admin_execute(f"DROP DATABASE {make_url(url).database}")
                _copy_template(make_url(self.template).database or "", make_url(url).database or "")
                engine = self.engine(url)
        else:
            engine = self.empty(kind)
            upgrade(engine)
            with Session(engine) as session:
                sync_library(session)
                session.commit()
        fill(engine)
        return engine

    def close(self) -> None:
        for engine in self.engines:
            engine.dispose()
        for name in self.created:
            _admin_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def databases(tmp_path: Path, database_template: str) -> Iterator[Databases]:
    made = Databases(tmp_path, database_template)
    yield made
    made.close()


@pytest.mark.parametrize(("source_kind", "target_kind"), CROSSINGS)
def test_a_backup_restores_every_row_of_every_table(databases, tmp_path, source_kind, target_kind):
    source = databases.filled(source_kind)
    before = snapshot(source)
    assert [name for name, rows in before.items() if not rows] == []  # nothing compared vacuously
    file = tmp_path / "pacer.backup"

    made = backup(source, file)
    target = databases.empty(target_kind)
    restored = restore(target, file)

    assert made.rows == restored.rows == sum(len(rows) for rows in before.values())
    after = snapshot(target)
    assert {name: rows for name, rows in after.items() if rows != before[name]} == {}
    with target.begin() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == head_revision()


@pytest.mark.parametrize(("source_kind", "target_kind"), CROSSINGS)
def test_after_a_restore_new_rows_get_new_ids_and_the_audit_trail_stays_append_only(
    databases, tmp_path, source_kind, target_kind
):
    source = databases.filled(source_kind)
    backup(source, tmp_path / "pacer.backup")
    target = databases.empty(target_kind)
    restore(target, tmp_path / "pacer.backup")
    with target.begin() as connection:
        highest = connection.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
        new = connection.execute(
            insert(AuditEntry).values(at=utcnow(), actor="t", action="t", entity="t", entity_key="t", note="")
        ).inserted_primary_key
    assert new is not None
    assert new[0] > highest
    with pytest.raises(DBAPIError, match="append-only"), target.begin() as connection:
        connection.execute(update(AuditEntry).values(note="rewritten"))


def test_a_backup_is_one_snapshot_while_others_write(databases, tmp_path):
    """A change committed while the backup is being read (after its first table) is not in it."""
    source = databases.filled(NATIVE)
    first = tables()[0].name
    later = GroupSetting.__tablename__
    assert [t.name for t in tables()].index(later) > 0

    def write_meanwhile(table: str, _rows: int) -> None:
        if table != first:
            return

        def other_process() -> None:  # another connection, as a web worker would be
            with source.begin() as connection:
                connection.execute(insert(GroupSetting).values(key="meanwhile", value="1", updated_by="t"))
                connection.execute(
                    insert(AuditEntry).values(at=utcnow(), actor="t", action="t", entity="t", entity_key="t", note="")
                )

        worker = threading.Thread(target=lambda: failed.extend(_failure_of(other_process)))
        worker.start()
        worker.join()

    failed: list[BaseException] = []

    file = tmp_path / "pacer.backup"
    before = snapshot(source)
    made = backup(source, file, progress=write_meanwhile)
    assert failed == []
    assert made.rows == sum(len(rows) for rows in before.values())
    with source.connect() as connection:
        assert connection.scalar(select(GroupSetting.value).where(GroupSetting.key == "meanwhile")) == "1"
    target = databases.empty("sqlite")
    restore(target, file)
    assert snapshot(target) == before


def _failure_of(work: Callable[[], None]) -> list[BaseException]:
    try:
        work()
    except BaseException as exc:
        return [exc]
    return []


# -- refusals ------------------------------------------------------------------------------------


@pytest.fixture
def made(databases, tmp_path) -> Path:
    file = tmp_path / "pacer.backup"
    backup(databases.filled(NATIVE), file)
    return file


def _rewritten(made: Path, change: Callable[[list[str]], list[str]]) -> Path:
    lines = gzip.decompress(made.read_bytes()).decode().splitlines()
    out = made.with_name("changed.backup")
    out.write_bytes(gzip.compress(("\n".join(change(lines)) + "\n").encode()))
    return out


def _header_with(made: Path, **values: object) -> Path:
    def change(lines: list[str]) -> list[str]:
        return [json.dumps(json.loads(lines[0]) | values), *lines[1:]]

    return _rewritten(made, change)


def _no_tables(engine: Engine) -> bool:
    return inspect(engine).get_table_names() == []


def test_a_backup_of_another_migration_is_refused_before_anything_is_written(databases, made):
    target = databases.empty(NATIVE)
    with pytest.raises(DomainError, match="made at migration 20200101_old, this version of Pacer is at"):
        restore(target, _header_with(made, head="20200101_old"))
    assert _no_tables(target)


def test_a_database_that_is_not_empty_is_refused_and_left_as_it_was(databases, made):
    target = databases.filled(NATIVE)
    before = snapshot(target)
    with pytest.raises(DomainError, match="the database is not empty"):
        restore(target, made)
    assert snapshot(target) == before


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda data: data[: len(data) // 2], "cut short"),
        (lambda data: data[:10] + bytes(b ^ 0xFF for b in data[10:40]) + data[40:], "damaged|not JSON"),
        (lambda data: b"not a backup at all\n", "not a gzip file"),
        (lambda data: b"", "empty"),
        (lambda data: gzip.compress(b'{"format": "pacer-backup"'), "not JSON"),
    ],
    ids=["truncated", "corrupt", "not-gzip", "empty", "half-a-header"],
)
def test_a_damaged_file_is_refused_in_one_line_and_nothing_is_written(databases, made, damage, message):
    damaged = made.with_name("damaged.backup")
    damaged.write_bytes(damage(made.read_bytes()))
    target = databases.empty(NATIVE)
    with pytest.raises(BackupError, match=message) as caught:
        restore(target, damaged)
    assert "\n" not in caught.value.message
    assert _no_tables(target)


def test_a_file_cut_after_a_whole_line_is_refused_as_cut_short(databases, made):
    cut = _rewritten(made, lambda lines: lines[: len(lines) // 2])
    with pytest.raises(BackupError, match="cut short"):
        restore(databases.empty(NATIVE), cut)


def test_a_bad_value_found_while_inserting_rolls_the_whole_restore_back(databases, made):
    """The structure is sound, a date is not: the schema built and the rows inserted before it
    are rolled back, leaving the database as empty as it was."""

    def bad_date(lines: list[str]) -> list[str]:
        header = json.loads(lines[0])
        columns = dict(header["tables"])
        position = columns["audit_entry"].index("at")
        start = lines.index(json.dumps({"table": "audit_entry"}))
        row = json.loads(lines[start + 2])
        row[position] = "not-a-time"
        lines[start + 2] = json.dumps(row)
        return lines

    target = databases.empty(NATIVE)
    with pytest.raises(BackupError, match="table audit_entry, column at"):
        restore(target, _rewritten(made, bad_date))
    assert _no_tables(target)


# -- the commands --------------------------------------------------------------------------------

runner = CliRunner()


def _use(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("PACER_DATABASE_URL", url)
    get_settings.cache_clear()


def test_backup_and_restore_commands_round_trip(database_url, databases, tmp_path, monkeypatch):
    source = databases.engine(database_url)
    fill(source)
    before = snapshot(source)
    file = tmp_path / "pacer.backup"
    result = runner.invoke(cli, ["backup", "--output", str(file)])
    assert result.exit_code == 0, result.output
    assert f"written to {file}" in result.output

    target = databases.url(NATIVE)
    _use(monkeypatch, target)
    result = runner.invoke(cli, ["restore", str(file)])
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output
    assert snapshot(databases.engine(target)) == before


def test_backup_never_overwrites_a_file(database_url, tmp_path):
    file = tmp_path / "kept.backup"
    file.write_text("precious")
    result = runner.invoke(cli, ["backup", "--output", str(file)])
    assert result.exit_code == 1
    assert "the file exists already" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert file.read_text() == "precious"


def test_backup_into_a_missing_directory_is_one_line(database_url, tmp_path):
    result = runner.invoke(cli, ["backup", "--output", str(tmp_path / "nowhere" / "x.backup")])
    assert result.exit_code == 1
    assert "no such directory" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_backup_needs_the_output_option(database_url):
    result = runner.invoke(cli, ["backup"])
    assert result.exit_code == 2
    assert "--output" in result.output
    assert "Traceback" not in result.output


def test_restoring_a_damaged_file_creates_no_database_file(tmp_path, monkeypatch):
    target = tmp_path / "new.db"
    _use(monkeypatch, f"sqlite:///{target}")
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(b"\x1f\x8b garbage")
    result = runner.invoke(cli, ["restore", str(damaged)])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert not target.exists()


def test_restoring_a_missing_file_is_one_line(tmp_path, monkeypatch):
    _use(monkeypatch, f"sqlite:///{tmp_path / 'new.db'}")
    result = runner.invoke(cli, ["restore", str(tmp_path / "missing.backup")])
    assert result.exit_code == 1
    assert "no such file" in result.output
    assert not (tmp_path / "new.db").exists()


def test_a_failed_restore_into_a_new_sqlite_file_leaves_no_file(made, tmp_path, monkeypatch):
    target = tmp_path / "new.db"
    _use(monkeypatch, f"sqlite:///{target}")
    wrong = _header_with(made, head="20200101_old")
    result = runner.invoke(cli, ["restore", str(wrong)])
    assert result.exit_code == 1
    assert "made at migration 20200101_old" in result.output
    assert not target.exists()
