"""The demo's bulk load leaves SQLite's WAL mode only once no other process has the file open:
it waits for a server still shutting down, and names the cause when one keeps it."""

import sqlite3
import threading
import time

import pytest

from pacer.demo.bulk import _leave_wal
from pacer.errors import Conflict


def _open_in_wal(path):
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("PRAGMA journal_mode=WAL")
    other.execute("CREATE TABLE IF NOT EXISTS t (x INTEGER)")
    other.execute("SELECT count(*) FROM t").fetchall()
    return other


def test_leaving_wal_waits_for_another_connection_to_close(tmp_path):
    path = tmp_path / "demo.db"
    other = _open_in_wal(path)
    closer = threading.Timer(1.0, other.close)
    closer.start()
    raw = sqlite3.connect(path, isolation_level=None)
    try:
        _leave_wal(raw, time.monotonic() + 30)
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        closer.join()
        raw.close()


def test_a_file_kept_open_by_another_process_is_named_not_called_a_bug(tmp_path):
    path = tmp_path / "demo.db"
    other = _open_in_wal(path)
    raw = sqlite3.connect(path, isolation_level=None)
    try:
        with pytest.raises(Conflict, match="in use by another process"):
            _leave_wal(raw, time.monotonic() + 0.5)
    finally:
        raw.close()
        other.close()
