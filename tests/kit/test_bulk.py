"""Bulk writes: an upsert replaces what it finds and adds what it does not, and many upserts in one
long transaction (a request's savepoints inside a test's transaction, a long import) do not pile
up locks until the database's lock table is full."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, select, text

from pacer.kit import bulk
from pacer.models import Fact, Indicator

COLUMNS = ("unit_id", "indicator_id", "period", "value", "submission_id")


def _revenue(session) -> int:
    return session.scalar(select(Indicator.id).where(Indicator.code == "revenue"))


def test_an_upsert_replaces_the_rows_it_finds_and_adds_the_others(session, org):
    table = cast(Table, Fact.__table__)
    revenue = _revenue(session)
    connection = session.connection()
    bulk.upsert_rows(connection, table, COLUMNS, COLUMNS[:3], [(org.A1.id, revenue, 202601, 10, None)])
    bulk.upsert_rows(
        connection,
        table,
        COLUMNS,
        COLUMNS[:3],
        [(org.A1.id, revenue, 202601, 11, None), (org.A1.id, revenue, 202602, 20, None)],
    )
    stored = session.execute(
        select(Fact.period, Fact.value).where(Fact.unit_id == org.A1.id).order_by(Fact.period)
    ).all()
    assert [tuple(r) for r in stored] == [(202601, 11), (202602, 20)]


def test_many_upserts_in_one_transaction_hold_a_bounded_number_of_locks(session, org):
    table = cast(Table, Fact.__table__)
    revenue = _revenue(session)
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    own_locks = text("SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid()")
    counts = []
    for k in range(60):
        with session.begin_nested():  # what a request's commit is inside a test's transaction
            bulk.upsert_rows(connection, table, COLUMNS, COLUMNS[:3], [(org.A1.id, revenue, 202601, k, None)])
        if postgres:
            counts.append(connection.scalar(own_locks))
    assert session.scalar(select(Fact.value).where(Fact.unit_id == org.A1.id, Fact.period == 202601)) == 59
    if postgres:  # a scratch table per call would add its locks on every call
        assert counts[-1] == counts[9], counts


def test_a_roomy_cache_holds_while_its_writes_run_and_the_connections_own_size_comes_back(session, org):
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return  # PostgreSQL's server keeps its own buffers: nothing to set
    size = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    with bulk.roomy_cache(connection, 4096):
        assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == -4096
        bulk.upsert_rows(
            connection,
            cast(Table, Fact.__table__),
            COLUMNS,
            COLUMNS[:3],
            [(org.A1.id, _revenue(session), 202601, 7, None)],
        )
    assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == size
    assert session.scalar(select(Fact.value).where(Fact.unit_id == org.A1.id)) == 7


def test_a_time_stamp_is_written_as_the_driver_writes_it(session, org):
    from pacer.audit.service import AUDIT_COLUMNS
    from pacer.models import AuditEntry
    from pacer.models.base import utcnow

    now = utcnow()
    row = (now, "system", "fact.set", "fact", "A1/revenue/2026-01", None, None, "", org.A1.id, "revenue", 202601)
    connection = session.connection()
    bulk.insert_rows(connection, cast(Table, AuditEntry.__table__), AUDIT_COLUMNS, [row, row])
    stored = session.scalars(select(AuditEntry.at).where(AuditEntry.entity_key == "A1/revenue/2026-01")).all()
    assert [a.replace(tzinfo=None) for a in stored] == [now.replace(tzinfo=None)] * 2
    if connection.dialect.name == "sqlite":  # the text SQLite's driver writes for a time stamp
        raw = connection.exec_driver_sql("SELECT at FROM audit_entry WHERE entity_key = 'A1/revenue/2026-01'")
        assert {r[0] for r in raw} == {now.isoformat(" ")}
