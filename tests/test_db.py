"""The embedded database under concurrent writers, as a served Pacer meets it."""

import threading
import time

from sqlalchemy import text

from pacer.db import make_engine, unit_of_work


def test_a_sqlite_writer_waits_for_the_write_lock_instead_of_failing(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    holding = threading.Event()

    def hold_the_lock() -> None:
        with unit_of_work(engine, writes=True) as session:
            session.execute(text("INSERT INTO t VALUES (1)"))
            holding.set()
            time.sleep(1.5)  # longer than nothing, shorter than the busy timeout

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    holding.wait(5)
    started = time.monotonic()
    with unit_of_work(engine, writes=True) as session:
        session.execute(text("INSERT INTO t VALUES (2)"))
    holder.join()
    assert time.monotonic() - started > 0.5  # it waited its turn ...
    with engine.connect() as conn:  # ... and both writes are there
        assert sorted(conn.scalars(text("SELECT n FROM t"))) == [1, 2]
    engine.dispose()


def test_sqlite_waits_long_enough_for_a_queue_of_sign_ins(tmp_path):
    # Fifty concurrent sign-ins, each holding the lock for a password check, queue for seconds.
    engine = make_engine(f"sqlite:///{tmp_path / 'b.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 30_000
    engine.dispose()
