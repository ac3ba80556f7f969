"""Read the fact table column-wise (Arrow) in a short-lived child process.

ADBC reads tens of millions of facts an order of magnitude faster than a DBAPI driver builds
Python tuples. Its SQLite driver carries its own copy of the SQLite library, though, and two
copies of SQLite in one process break each other's POSIX file locks (closing a file in one
drops the locks the other holds), which ends in "disk I/O error" on a database the application
also uses through Python's ``sqlite3``. So the read runs in a child process: the child opens
the database with ADBC alone and streams record batches as Arrow IPC through a pipe; the
parent turns each batch into array positions while the child reads the next (two cores
work at once) and never holds more than a few batches of columns. Several children can read
disjoint parts of the table at once.

Run as ``python -m pacer.analysis.load.columnar`` with the database URL and query on standard
input; only :func:`fact_batches` is meant to be called.
"""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import cast

import numpy as np
import pyarrow as pa
from adbc_driver_manager import dbapi as adbc_dbapi
from sqlalchemy.engine import URL, make_url

import pacer

# Rows per batch: large enough that per-batch work is negligible, small enough to stay lean.
BATCH_ROWS = 1 << 20
_COMPACT = pa.schema(
    [("unit_id", pa.int32()), ("indicator_id", pa.int32()), ("period", pa.int32()), ("value", pa.int64())]
)


def supported(url: URL) -> bool:
    """Whether ``url`` names a database the child process can open (a file or a server)."""
    backend = url.get_backend_name()
    if backend == "sqlite":
        return url.database not in (None, "", ":memory:") and "mode=memory" not in str(url)
    return backend == "postgresql"


def fact_batches(url: URL | str, queries: Sequence[str]) -> Iterator[tuple[np.ndarray, ...]]:
    """The four integer columns (unit id, indicator id, period, value) of each of ``queries``,
    batch by batch in no particular order, each query read with ADBC in its own child process
    (give one query per core, each over a disjoint part of the table). Sees committed data
    only."""
    url = make_url(url) if isinstance(url, str) else url
    text = url.render_as_string(hide_password=False)
    children = [_start(text, q) for q in queries]
    batches: queue.Queue[pa.RecordBatch | BaseException | None] = queue.Queue(maxsize=4)
    readers = [threading.Thread(target=_pump, args=(c, batches), daemon=True) for c in children]
    for r in readers:
        r.start()
    try:
        running = len(readers)
        while running:
            item = batches.get()
            if item is None:
                running -= 1
            elif isinstance(item, BaseException):
                raise RuntimeError(f"columnar read failed: {item}") from item
            else:
                yield tuple(item.column(k).to_numpy() for k in range(4))
    finally:
        for c in children:
            if c.poll() is None:
                c.kill()
        while any(r.is_alive() for r in readers):  # let blocked readers finish
            with contextlib.suppress(queue.Empty):
                batches.get(timeout=0.1)
        for c in children:
            c.wait()


def _start(url: str, query: str) -> subprocess.Popen[bytes]:
    # the child imports Pacer from wherever this process did, installed or not
    root = str(Path(pacer.__file__).resolve().parents[1])
    path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
    child = subprocess.Popen(
        [sys.executable, "-m", "pacer.analysis.load.columnar"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": path},
    )
    assert child.stdin is not None
    # the URL may carry a password: standard input keeps it out of the process list
    child.stdin.write(f"{url}\n{query}\n".encode())
    child.stdin.close()
    return child


def _pump(child: subprocess.Popen[bytes], out: queue.Queue[pa.RecordBatch | BaseException | None]) -> None:
    """Read one child's batches into ``out`` (pyarrow reads without holding the GIL)."""
    assert child.stdout is not None
    try:
        with child.stdout, pa.ipc.open_stream(child.stdout) as reader:
            for batch in reader:
                out.put(batch)
        if child.wait() != 0:
            raise OSError(_stderr(child) or f"exit status {child.returncode}")
        assert child.stderr is not None
        child.stderr.close()
        out.put(None)
    except BaseException as exc:
        if child.poll() is None or child.returncode != 0:
            exc = OSError(_stderr(child) or str(exc))
        out.put(exc)


def _stderr(child: subprocess.Popen[bytes]) -> str:
    assert child.stderr is not None
    text = child.stderr.read().decode(errors="replace").strip()
    child.stderr.close()
    return text.splitlines()[-1] if text else ""


def _connect(url: URL) -> adbc_dbapi.Connection:
    if url.get_backend_name() == "sqlite":
        import adbc_driver_sqlite.dbapi as sqlite

        return sqlite.connect(url.database)
    import adbc_driver_postgresql.dbapi as postgresql

    # the PostgreSQL driver ships no type information (no py.typed); it returns a DB-API Connection
    return cast(
        adbc_dbapi.Connection,
        postgresql.connect(url.set(drivername="postgresql").render_as_string(hide_password=False)),
    )


def _serve() -> None:
    """The child: read the query with ADBC and write compact batches to standard output."""
    url_line, query = sys.stdin.read().split("\n", 1)
    url = make_url(url_line.strip())
    out = pa.output_stream(sys.stdout.buffer)
    with _connect(url) as connection, connection.cursor() as cursor:
        if url.get_backend_name() == "sqlite":
            cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": str(BATCH_ROWS)})
        cursor.execute(query.strip())
        with pa.ipc.new_stream(out, _COMPACT) as writer:
            for batch in cursor.fetch_record_batch():
                if batch.num_rows:
                    writer.write_batch(_compact(batch))
    out.close()


def _compact(batch: pa.RecordBatch) -> pa.RecordBatch:
    # ids and periods fit 32 bits: the pipe and the parent's batches are a third smaller
    columns = [batch.column(k).cast(_COMPACT.field(k).type) for k in range(4)]
    return pa.RecordBatch.from_arrays(columns, schema=_COMPACT)


if __name__ == "__main__":
    _serve()
