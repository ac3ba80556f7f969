"""The backup file: its format, its values written database-neutrally, and reading it back with
every check a restore needs before it touches a database (see :mod:`pacer.ops.backup`)."""

from __future__ import annotations

import base64
import gzip
import json
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Connection, Table, inspect, text
from sqlalchemy.types import Boolean, Date, DateTime, Float, Integer, LargeBinary

from pacer.errors import DomainError

FORMAT = "pacer-backup"
VERSION = 1
BATCH = 2000

Progress = Callable[[str, int], None]
"""Called after each table with its name and how many rows it held."""


class BackupError(DomainError):
    """A backup file that cannot be restored (not one, cut short, damaged): bad input."""

    status = 422


@dataclass(frozen=True)
class Summary:
    head: str
    tables: int
    rows: int


def tables() -> list[Table]:
    """Every table of the schema, each after the tables it refers to."""
    from pacer.models import Base

    return list(Base.metadata.sorted_tables)


def head_revision() -> str:
    """The migration head this version of Pacer builds."""
    from alembic.script import ScriptDirectory

    from pacer.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def schema_revision(connection: Connection) -> str | None:
    """The migration head a database's schema is at (None: no schema)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    head = connection.scalar(text("SELECT version_num FROM alembic_version"))
    return None if head is None else str(head)


# -- values ----------------------------------------------------------------------------------------


def encoder(column: Column[Any]) -> Callable[[Any], Any] | None:
    kind = column.type
    if isinstance(kind, DateTime):
        return lambda v: (v if v.tzinfo else v.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    if isinstance(kind, Date):
        return lambda v: v.isoformat()
    if isinstance(kind, LargeBinary):
        return lambda v: base64.b64encode(bytes(v)).decode("ascii")
    return None


def decoder(column: Column[Any]) -> Callable[[Any], Any] | None:
    kind = column.type
    if isinstance(kind, DateTime):
        return lambda v: datetime.fromisoformat(v).astimezone(UTC)
    if isinstance(kind, Date):
        return date.fromisoformat
    if isinstance(kind, LargeBinary):
        return lambda v: base64.b64decode(v, validate=True)
    if isinstance(kind, Boolean):
        return _boolean
    if isinstance(kind, Integer):
        return _integer
    if isinstance(kind, Float):
        return float
    return None


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{value!r} is not true or false")
    return value


def _integer(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{value!r} is not a whole number")
    return value


# -- reading a backup ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    head: str
    made_at: str
    made_from: str
    columns: dict[str, list[str]]


def lines_of(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, decoded JSON) of each line of a backup; a damaged file raises BackupError."""
    number = 0
    try:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                yield number, json.loads(line)
    except FileNotFoundError:
        raise DomainError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DomainError(f"{path}: is a directory, not a backup file") from None
    except gzip.BadGzipFile:
        raise BackupError(f"{path}: not a Pacer backup (not a gzip file)") from None
    except EOFError:
        raise BackupError(f"{path}: the backup is cut short (it ends within line {number + 1})") from None
    except (zlib.error, UnicodeDecodeError, OSError) as exc:
        raise BackupError(f"{path}: the backup is damaged near line {number + 1} ({exc})") from None
    except json.JSONDecodeError as exc:
        raise BackupError(f"{path}: line {number} is not JSON ({exc.msg}): the backup is damaged") from None


def _header(path: Path, first: Any) -> Header:
    if not isinstance(first, dict) or first.get("format") != FORMAT:
        raise BackupError(f"{path}: not a Pacer backup (its first line does not say {FORMAT})")
    if first.get("version") != VERSION:
        raise BackupError(f"{path}: a backup of format version {first.get('version')}; this Pacer reads {VERSION}")
    try:
        columns = {str(name): [str(c) for c in cols] for name, cols in first["tables"]}
        return Header(str(first["head"]), str(first["made_at"]), str(first["made_from"]), columns)
    except (KeyError, TypeError, ValueError):
        raise BackupError(f"{path}: line 1: the header is incomplete: the backup is damaged") from None


def check(path: Path) -> Header:
    """The backup's header, once the whole file has been read and found complete and sound."""
    lines = lines_of(path)
    first = next(lines, None)
    if first is None:
        raise BackupError(f"{path}: the file is empty: not a Pacer backup")
    header = _header(path, first[1])
    table: str | None = None
    width = count = total = 0
    ended = False
    for number, item in lines:
        where = f"{path}: line {number}"
        if ended:
            raise BackupError(f"{where}: more after the end of the backup: the backup is damaged")
        if isinstance(item, list):
            if table is None or len(item) != width:
                raise BackupError(f"{where}: a row out of place or of the wrong width: the backup is damaged")
            count += 1
        elif isinstance(item, dict) and "table" in item and table is None:
            table = str(item["table"])
            if table not in header.columns:
                raise BackupError(f"{where}: table {table} is not in the header: the backup is damaged")
            width, count = len(header.columns[table]), 0
        elif isinstance(item, dict) and "rows" in item and "end" not in item and table is not None:
            if item["rows"] != count:
                raise BackupError(f"{where}: table {table} should have {item['rows']} rows, has {count}")
            table, total = None, total + count
        elif isinstance(item, dict) and item.get("end") is True and table is None:
            if item.get("rows") != total:
                raise BackupError(f"{where}: the backup should hold {item.get('rows')} rows, holds {total}")
            ended = True
        else:
            raise BackupError(f"{where}: unexpected line: the backup is damaged")
    if not ended:
        inside = f" (it ends within table {table})" if table else ""
        raise BackupError(f"{path}: the backup is cut short{inside}: its last line is missing")
    return header
