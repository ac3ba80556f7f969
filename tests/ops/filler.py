"""Rows in every table of the schema, of every kind of value the schema holds (text in Chinese
with quotes and new lines, big and negative numbers, fractions, times to the microsecond, binary,
JSON, empty values, rows referring to rows of their own table both backwards and forwards), so
that a backup's round trip is checked on all of it; and every table's rows, read comparably."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Column, Connection, Engine, Table, func, select
from sqlalchemy.types import JSON, BigInteger, Boolean, Date, DateTime, Float, Integer, LargeBinary, String

from pacer.ops.backup import move_sequences, tables

ROWS = 3


def fill(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in tables():
            _fill_table(connection, table)
        if connection.dialect.name == "postgresql":  # the rows above were given their ids
            move_sequences(connection)


def _fill_table(connection: Connection, table: Table) -> None:
    key = list(table.primary_key.columns)
    start = 1
    if len(key) == 1 and isinstance(key[0].type, Integer):
        start = int(connection.scalar(select(func.coalesce(func.max(key[0]), 0))) or 0) + 1
    referred: dict[Column[Any], list[Any]] = {}
    for fk in table.foreign_key_constraints:
        if fk.referred_table is table:
            continue
        rows = connection.execute(select(*fk.elements[0].column.table.columns)).mappings().all()
        rows = rows[: ROWS + 5]
        for element in fk.elements:
            referred[element.parent] = [r[element.column.name] for r in rows]
    self_refs = {fk.parent for fk in table.foreign_keys if fk.column.table is table}
    records = []
    for i in range(ROWS):
        record: dict[str, Any] = {}
        for column in table.columns:
            if column in self_refs:
                continue
            if column in referred:
                choices = referred[column]
                record[column.name] = choices[i % len(choices)]
            elif column.primary_key and isinstance(column.type, Integer) and len(key) == 1:
                record[column.name] = start + i
            elif i == ROWS - 1 and column.nullable and not column.primary_key:
                record[column.name] = None
            else:
                record[column.name] = _value(column, i)
        if table.name == "indicator_assignment":  # one of set and indicator
            record["set_id"] = None
        records.append(record)
    connection.execute(table.insert(), records)
    for column in self_refs:  # the first refers forwards, the others backwards
        for i in range(ROWS):
            target = start + (i + 1 if i == 0 else i - 1)
            connection.execute(table.update().where(key[0] == start + i).values({column.name: target}))


def _value(column: Column[Any], i: int) -> Any:
    kind = column.type
    if isinstance(kind, Boolean):
        return i % 2 == 0
    if isinstance(kind, BigInteger):
        return -(2**53) + 7 * i if i == 1 else 2**53 + i
    if isinstance(kind, Integer):
        return 200_000 + i
    if isinstance(kind, Float):
        return [1 / 3, -2.5e-7, 12345.678][i]
    if isinstance(kind, DateTime):
        return datetime(2025, 3, 4, 5, 6, 7, 123_456, tzinfo=UTC) + timedelta(days=i, microseconds=i)
    if isinstance(kind, Date):
        return date(2025, 2, 28) + timedelta(days=i)
    if isinstance(kind, LargeBinary):
        return bytes(range(256)) + bytes([i]) * 10
    if isinstance(kind, JSON):
        return {"中文": [1, 2.5, '引号"', None, True], "i": i}
    if isinstance(kind, String):
        text = f"{column.name[:6]}{i}“测试”'\"\n\\%_"
        return text[: kind.length] if kind.length else text * 3
    raise AssertionError(f"no test value for {column.table.name}.{column.name} ({kind})")


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows ordered by primary key, times in UTC (SQLite keeps them without zone)."""
    every: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for table in tables():
            rows = [tuple(_comparable(v) for v in row) for row in connection.execute(select(table))]
            positions = [list(table.columns).index(c) for c in table.primary_key.columns]
            # in Python: the two databases may collate text keys differently
            every[table.name] = sorted(rows, key=lambda row: repr([row[p] for p in positions]))
    return every


def _comparable(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    if isinstance(value, memoryview):
        return bytes(value)
    return value
