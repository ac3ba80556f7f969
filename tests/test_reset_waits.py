"""Rebuilding the schema on SQLite waits its turn behind another process's write (a server still
shutting down while ``make demo`` starts again) instead of failing with "database is locked"."""

import sqlite3
import threading
import time

from pacer.db import make_engine
from pacer.migrate import is_initialised, reset, upgrade


def test_a_reset_waits_for_a_write_in_another_connection_to_commit(tmp_path):
    path = tmp_path / "pacer.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("CREATE TABLE elsewhere (x INTEGER)")  # another process writing, not yet committed

    def commit_later() -> None:
        time.sleep(1.0)
        other.execute("COMMIT")

    writer = threading.Thread(target=commit_later)
    writer.start()
    try:
        reset(engine)  # a deferred transaction would read, then fail to write after the commit
    finally:
        writer.join()
        other.close()
    assert not is_initialised(engine)
    upgrade(engine)
    assert is_initialised(engine)
    engine.dispose()
