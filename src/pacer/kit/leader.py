"""One process among all those sharing a database (web server workers, on one machine or several)
holds a named lock while it lives: the one that does what must happen once however many
processes there are (the embedded queue's workflow tick).

On PostgreSQL the lock is a session-level advisory lock on a connection the holder keeps open;
PostgreSQL releases it when that connection ends, whichever way the process stopped. On SQLite,
whose processes share one machine, it is an exclusive ``flock`` on a file beside the database,
which the kernel releases when the process ends. The others try again each time they ask, so
one of them takes over when the holder is gone.
"""

from __future__ import annotations

import fcntl
import os
import zlib

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.pool import NullPool

# the high half of every advisory lock key taken here ("PACR"), the low half from the name
KEY_PREFIX = 0x50414352 << 32


class Leadership:
    def __init__(self, engine: Engine, name: str) -> None:
        self.engine, self.name = engine, name
        self._connection: Connection | None = None
        self._fd: int | None = None

    def held(self) -> bool:
        """Whether this process holds the lock now, taking it if it is free."""
        if self.engine.dialect.name == "postgresql":
            return self._held_on_postgresql()
        return self._held_on_file()

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()  # ends the session, and the lock with it
            finally:
                self._connection = None
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _held_on_postgresql(self) -> bool:
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT 1"))
                return True
            except Exception:  # the connection was lost, and the lock with it: try again
                self._drop()
        key = KEY_PREFIX | zlib.crc32(self.name.encode())
        # a connection of its own, outside the pool the requests share
        lone = create_engine(self.engine.url, poolclass=NullPool)
        connection = lone.connect().execution_options(isolation_level="AUTOCOMMIT")
        if connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}):
            self._connection = connection
            return True
        connection.close()
        return False

    def _held_on_file(self) -> bool:
        if self._fd is not None:
            return True
        database = self.engine.url.database
        if not database or database == ":memory:":
            return True  # a database of this process alone
        fd = os.open(f"{database}.{self.name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.invalidate()
            except Exception:  # already gone
                return
