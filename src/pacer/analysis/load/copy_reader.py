"""Read the fact table from PostgreSQL with binary ``COPY``, one row per unit and block range.

A binary ``COPY`` of one row per fact would cost the client one protocol message, so several
Python calls, per fact: tens of millions of them. Instead the server packs the facts into two
byte strings per unit, ``string_agg`` of ``int8send``: a key per fact (indicator id in the high
32 bits plus the period) and the values, both big-endian ``int8`` and in the same order. A row
then carries thousands of facts and numpy converts a batch of rows in one go.

The table is read in ranges of heap blocks (a TID range scan, PostgreSQL 14 and later), each
grouped by unit in a small hash table: the read is sequential whatever order the facts were
written in, and the server never holds more than one range. Several connections in threads take
ranges in turn (the server produces one range while the client converts another, and a thread
waiting on its socket does not hold the GIL), all in one snapshot exported by the first. Sees
committed data only.
"""

from __future__ import annotations

import contextlib
import queue
import struct
import threading
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
from psycopg import sql
from sqlalchemy import Connection
from sqlalchemy.engine import Engine

# Facts per batch handed over: large enough that per-batch work is negligible, small enough to
# stay lean.
BATCH_FACTS = 1 << 20
# Heap blocks per query: 16 MB of table, so a few MB of aggregate state on the server.
RANGE_BLOCKS = 2048

# (indicator << 32) + period keeps both exactly, whatever their signs: the low 32 bits read as a
# signed int4 are the period, and the high 32 bits are the indicator less one if it is negative.
UNIT_QUERY = (
    "SELECT unit_id, string_agg(int8send((indicator_id::int8 << 32) + period), ''),"
    " string_agg(int8send(value), '') FROM fact WHERE {where} GROUP BY unit_id"
)

_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
_HEADER = struct.Struct(">11sii")  # signature, flags, length of the header extension
_ROW = struct.Struct(">hiii")  # field count; length and unit id; length of the keys
_LENGTH = struct.Struct(">i")
_TRAILER = b"\xff\xff"  # a field count of -1

Columns = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


class CopyFormatError(RuntimeError):
    """The ``COPY`` output is not what the unit query produces."""


class _Stopped(Exception):
    """Raised inside a ``COPY`` block to make the driver cancel it."""


def supported(conn: Connection) -> bool:
    """Whether facts can be read this way through ``conn``'s engine."""
    url, version = conn.engine.url, conn.dialect.server_version_info
    return (
        url.get_backend_name() == "postgresql"
        and url.get_driver_name() == "psycopg"
        and version is not None
        and version >= (14,)
    )


def copy_statement(first_block: int, end_block: int | None) -> str:
    """The ``COPY`` of the facts in heap blocks ``first_block`` up to ``end_block`` (or the end)."""
    where = f"ctid >= '({first_block},0)'::tid"
    if end_block is not None:
        where += f" AND ctid < '({end_block},0)'::tid"
    return f"COPY ({UNIT_QUERY.format(where=where)}) TO STDOUT (FORMAT binary)"


def fact_batches(engine: Engine, readers: int) -> Iterator[Columns]:
    """The four integer columns (unit id, indicator id, period, value) of the facts, batch by
    batch in no particular order, read on ``readers`` connections of ``engine`` (one per core)."""
    connections: list[Any] = []
    batches: queue.Queue[Columns | BaseException | None] = queue.Queue(maxsize=4)
    stop = threading.Event()
    threads: list[threading.Thread] = []
    try:
        for _ in range(max(1, readers)):
            connections.append(engine.raw_connection())
        blocks = _begin([c.driver_connection for c in connections])
        starts = iter(range(0, max(blocks, 1), RANGE_BLOCKS))
        lock = threading.Lock()

        def next_range() -> tuple[int, int | None] | None:
            with lock:
                first = next(starts, None)
            if first is None:
                return None
            return first, (first + RANGE_BLOCKS if first + RANGE_BLOCKS < blocks else None)

        threads = [
            threading.Thread(target=_read, args=(c.driver_connection, next_range, batches, stop), daemon=True)
            for c in connections
        ]
        for t in threads:
            t.start()
        running = len(threads)
        while running:
            item = batches.get()
            if item is None:
                running -= 1
            elif isinstance(item, BaseException):
                raise item
            else:
                yield item
    finally:
        stop.set()
        while any(t.is_alive() for t in threads):  # unblock readers waiting to hand a batch over
            with contextlib.suppress(queue.Empty):
                batches.get(timeout=0.1)
        for c in connections:
            c.close()  # back to the pool, the transaction rolled back


def _begin(drivers: list[Any]) -> int:
    """Start one read-only snapshot on every connection; the table's size in blocks."""
    snapshot, blocks = "", 0
    for k, driver in enumerate(drivers):
        driver.rollback()  # whatever the pool left open: the snapshot must be the first thing
        driver.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        if k == 0:
            # the size read after the snapshot is taken covers every row the snapshot sees
            snapshot, blocks = driver.execute(
                "SELECT pg_export_snapshot(), pg_relation_size('fact') / current_setting('block_size')::int"
            ).fetchone()
        else:
            driver.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)))
        # room for a range's hash table of units, so it never spills to disk
        driver.execute("SET LOCAL work_mem = '64MB'")
    return int(blocks)


def _read(
    driver: Any, next_range: Any, out: queue.Queue[Columns | BaseException | None], stop: threading.Event
) -> None:
    try:
        with driver.cursor() as cursor:
            while (blocks := next_range()) is not None:
                with cursor.copy(copy_statement(*blocks)) as copy:
                    for batch in parse(copy):
                        if stop.is_set():
                            raise _Stopped
                        out.put(batch)
        out.put(None)
    except _Stopped:
        pass
    except BaseException as exc:
        out.put(exc)


def parse(chunks: Iterable[bytes | bytearray | memoryview], batch_facts: int = BATCH_FACTS) -> Iterator[Columns]:
    """The fact columns from the binary ``COPY`` output of the unit query, received in chunks of
    any size (a row may span chunks), at least ``batch_facts`` facts a batch but the last."""
    stream = _Stream()
    for chunk in chunks:
        stream.feed(chunk)
        if stream.facts >= batch_facts:
            yield stream.take()
    if not stream.ended:
        raise CopyFormatError("the COPY output ends before its trailer")
    if stream.facts:
        yield stream.take()


class _Stream:
    """Parses rows as chunks arrive, keeping them as slices of the chunks until taken."""

    def __init__(self) -> None:
        self.started = self.ended = False
        self._pending = bytearray()  # the start of a row that continues in a later chunk
        self._need = _HEADER.size  # bytes ``_pending`` must reach before it can be parsed
        self._units: list[int] = []
        self._counts: list[int] = []
        self._keys: list[memoryview] = []
        self._values: list[memoryview] = []
        self.facts = 0

    def feed(self, chunk: bytes | bytearray | memoryview) -> None:
        if self.ended:
            if len(chunk):
                raise CopyFormatError("data after the trailer of the COPY output")
            return
        if self._pending or len(chunk) < self._need:
            self._pending += chunk
            if len(self._pending) < self._need:
                return
            view, self._pending = memoryview(bytes(self._pending)), bytearray()
        else:
            view = memoryview(chunk)
        at = 0
        if not self.started:
            at = self._header(view)
            if not self.started:
                self._pending = bytearray(view)
                return
        at = self._rows(view, at)
        if at < len(view):
            if self.ended:
                raise CopyFormatError("data after the trailer of the COPY output")
            self._pending = bytearray(view[at:])

    def _header(self, view: memoryview) -> int:
        if len(view) < _HEADER.size:
            self._need = _HEADER.size
            return 0
        signature, _flags, extension = _HEADER.unpack_from(view)
        if signature != _SIGNATURE or extension < 0:
            raise CopyFormatError("not the output of a binary COPY")
        end = _HEADER.size + int(extension)
        self.started = len(view) >= end
        self._need = end
        return end

    def _rows(self, view: memoryview, at: int) -> int:
        """Take the complete rows from ``at`` on; the offset of the first incomplete one."""
        end, row, length = len(view), _ROW, _LENGTH
        while True:
            if end - at < row.size:
                if end - at >= 2 and view[at : at + 2] == _TRAILER:
                    self.ended = True
                    return at + 2
                self._need = 2 if end - at < 2 else row.size
                return at
            fields, unit_length, unit, keys_length = row.unpack_from(view, at)
            if fields != 3 or unit_length != 4 or keys_length < 0 or keys_length % 8:
                if view[at : at + 2] == _TRAILER:
                    self.ended = True
                    return at + 2
                raise CopyFormatError(_unexpected(fields, unit_length, keys_length))
            keys_end = at + row.size + keys_length
            if end - keys_end < length.size:
                self._need = keys_end + length.size - at
                return at
            (values_length,) = length.unpack_from(view, keys_end)
            if values_length != keys_length:
                values = "no" if values_length < 0 else f"{values_length / 8:g}"
                raise CopyFormatError(
                    f"unit {unit}: {keys_length // 8} indicators and periods but "
                    f"{values} values (a NULL indicator, period or value?)"
                )
            stop = keys_end + length.size + values_length
            if stop > end:
                self._need = stop - at
                return at
            self._units.append(unit)
            self._counts.append(keys_length >> 3)
            self._keys.append(view[at + row.size : keys_end])
            self._values.append(view[keys_end + length.size : stop])
            self.facts += keys_length >> 3
            at = stop

    def take(self) -> Columns:
        """The columns of the rows parsed so far, which are then forgotten."""
        counts = np.array(self._counts, dtype=np.int64)
        keys = np.frombuffer(b"".join(self._keys), dtype=">i4").reshape(-1, 2)
        period = keys[:, 1].astype(np.int32)
        indicator = keys[:, 0].astype(np.int32)
        indicator += period < 0
        columns = (
            np.repeat(np.array(self._units, dtype=np.int32), counts),
            indicator,
            period,
            np.frombuffer(b"".join(self._values), dtype=">i8").astype(np.int64),
        )
        self._units, self._counts, self._keys, self._values = [], [], [], []
        self.facts = 0
        return columns


def _unexpected(fields: int, unit_length: int, keys_length: int) -> str:
    if fields != 3:
        return f"a row of {fields} fields, not the unit query's 3"
    if -1 in (unit_length, keys_length):
        return "a NULL unit id, or a unit without indicator or period"
    return f"field lengths {unit_length} and {keys_length}, not the unit query's"
