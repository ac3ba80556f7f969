"""Load a generated demo group into the database through the bulk paths.

Tens of millions of facts do not go through the ORM: PostgreSQL gets binary COPY built with
numpy, SQLite one prepared statement in primary-key order inside one transaction.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Connection, Engine, func, insert, select, text
from sqlalchemy.orm import Session

from pacer.auth.passwords import hash_password
from pacer.demo.generator import DemoConfig, DemoGroup, generate
from pacer.errors import Conflict
from pacer.indicators.service import sync_library
from pacer.kit import periods
from pacer.migrate import reset as drop_schema
from pacer.migrate import upgrade
from pacer.models import (
    AuditEntry,
    EliminationEntry,
    Indicator,
    IndicatorVersion,
    PeriodLock,
    Person,
    RoleGrant,
    Submission,
    Target,
    Unit,
    UnitLeader,
    UnitParentage,
    User,
)
from pacer.models.base import utcnow

BEGINNING = date(1900, 1, 1)
CHUNK = 1_000_000
# Every demo account signs in with this password (printed by `pacer demo`, given in the README).
DEMO_PASSWORD = "pacer-demo"


def load_demo(
    engine: Engine,
    *,
    units: int | None,
    years: int | None,
    seed: int,
    as_of: int,
    extra_indicators: int = 0,
    config: Path | None = None,
    reset: bool = False,
    console: Console | None = None,
) -> dict[str, Any]:
    started = time.perf_counter()
    as_of_year = as_of // 100
    first_year = as_of_year - years + 1 if years else None
    demo_config = DemoConfig.load(config)
    with _progress(console) as progress:
        task = progress.add_task("Generating the demo group", total=None)
        group = generate(
            demo_config,
            seed=seed,
            units=units,
            first_year=first_year,
            as_of=(as_of_year, as_of % 100),
            extra_indicators=extra_indicators,
        )
        progress.update(task, total=1, completed=1)
        if reset:  # only now that the group could be generated: bad input drops nothing
            drop_schema(engine)
            upgrade(engine)
        with engine.connect() as conn, _bulk_mode(conn), conn.begin():
            _refuse_non_empty(conn)
            session = Session(bind=conn)
            sync_library(session)
            session.flush()
            indicator_ids = _filler_indicators(session, group)
            session.flush()
            _org(conn, group)
            _people(conn, group)
            submission_ids = _submissions(conn, group)
            _facts(conn, group, indicator_ids, submission_ids, progress)
            _targets(conn, group, {**indicator_ids, **_ids(conn)})
            _eliminations(conn, group, indicator_ids)
            _locks_and_audit(conn, group)
            session.close()
    return {
        "units": len(group.units),
        "facts": len(group.facts),
        "targets": len(group.targets),
        "users": len(group.users),
        "seconds": time.perf_counter() - started,
        "group": group,
    }


@contextmanager
def _bulk_mode(conn: Connection) -> Iterator[None]:
    """SQLite checks three foreign keys per inserted fact; generated rows are consistent by
    construction, so the load skips those checks (pragmas only work outside a transaction)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.driver_connection
    # A rollback journal only copies pages that existed before the load (almost none); WAL
    # would write every new page twice.
    raw.execute("PRAGMA foreign_keys=OFF")
    raw.execute("PRAGMA journal_mode=DELETE")
    try:
        yield
    finally:
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("PRAGMA foreign_keys=ON")


def _progress(console: Console | None) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=console is None,
    )


def _refuse_non_empty(conn: Connection) -> None:
    count = conn.scalar(select(func.count()).select_from(Unit))
    if count:
        raise Conflict(
            f"the database already holds {count} units; the demo needs an empty one "
            "(use 'pacer demo --reset' to rebuild it, which deletes everything)"
        )


def _ids(conn: Connection) -> dict[str, int]:
    return dict(conn.execute(select(Indicator.code, Indicator.id)).all())


def _filler_indicators(session: Session, group: DemoGroup) -> dict[str, int]:
    first = group.first_year
    for f in group.extra_indicators:
        ind = Indicator(
            code=f.code,
            category="statistics",
            unit=f.unit,
            scale=f.scale,
            direction="higher",
            kind=f.kind,
            reporting="monthly",
        )
        session.add(ind)
        session.flush()
        session.add(
            IndicatorVersion(
                indicator_id=ind.id,
                from_year=first,
                to_year=None,
                name_zh=f.name_zh,
                name_en=f.name_en,
                definition_zh="用于容量测试的统计指标。",
                definition_en="A statistical indicator used for volume tests.",
            )
        )
    ids = dict(session.execute(select(Indicator.code, Indicator.id)).all())
    missing = [c for c in group.indicators if c not in ids]
    if missing:
        raise Conflict(f"the indicator library lacks {', '.join(missing)}")
    return ids


def _org(conn: Connection, group: DemoGroup) -> None:
    # Explicit ids in depth-first order: unit i of the generator is id i + 1.
    ids = {u.code: n + 1 for n, u in enumerate(group.units)}
    conn.execute(
        insert(Unit),
        [
            {
                "id": ids[u.code],
                "code": u.code,
                "name_zh": u.name_zh,
                "name_en": u.name_en,
                "kind": u.kind,
                "tags": u.tags,
                "created_on": u.created_on,
                "dissolved_on": u.dissolved_on,
            }
            for u in group.units
        ],
    )
    moves = {m.unit_code: m for m in group.moves}
    rows = []
    for u in group.units:
        start = u.created_on or BEGINNING
        end = u.dissolved_on + timedelta(days=1) if u.dissolved_on else None
        move = moves.get(u.code)
        parent = ids[u.parent_code] if u.parent_code else None
        if move:
            rows.append({"unit_id": ids[u.code], "parent_id": parent, "valid_from": start, "valid_to": move.effective})
            rows.append(
                {
                    "unit_id": ids[u.code],
                    "parent_id": ids[move.new_parent_code],
                    "valid_from": move.effective,
                    "valid_to": end,
                }
            )
        else:
            rows.append({"unit_id": ids[u.code], "parent_id": parent, "valid_from": start, "valid_to": end})
    conn.execute(insert(UnitParentage), rows)
    _sync_sequence(conn, "unit")


def _people(conn: Connection, group: DemoGroup) -> None:
    ids = {u.code: n + 1 for n, u in enumerate(group.units)}
    for leader in group.leaders:
        person_id = conn.execute(
            insert(Person).values(name_zh=leader.name_zh, name_en=leader.name_en)
        ).inserted_primary_key[0]
        conn.execute(
            insert(UnitLeader).values(
                unit_id=ids[leader.unit_code],
                person_id=person_id,
                role=leader.role,
                portfolio_zh=leader.portfolio_zh,
                portfolio_en=leader.portfolio_en,
            )
        )
    password_hash = hash_password(DEMO_PASSWORD)
    for user in group.users:
        user_id = conn.execute(
            insert(User).values(
                username=user.username,
                display_name=user.display_name_zh,
                is_active=True,
                language="zh",
                password_hash=password_hash,
                created_at=utcnow(),
            )
        ).inserted_primary_key[0]
        conn.execute(
            insert(RoleGrant).values(user_id=user_id, role=user.role, unit_id=ids[user.unit_code], created_at=utcnow())
        )


def _submissions(conn: Connection, group: DemoGroup) -> np.ndarray:
    """One accepted submission per unit-month with figures (the latest month is still submitted)."""
    facts = group.facts
    keys = np.unique(facts.unit.astype(np.int64) * 1_000_000 + facts.period)
    as_of = group.as_of[0] * 100 + group.as_of[1]
    now = utcnow()
    rows = [
        {
            "id": n + 1,
            "unit_id": int(k // 1_000_000) + 1,
            "period": int(k % 1_000_000),
            "state": "submitted" if k % 1_000_000 == as_of else "accepted",
            "source": "demo",
            "created_at": now,
            "updated_at": now,
        }
        for n, k in enumerate(keys.tolist())
    ]
    for start in range(0, len(rows), 50_000):
        conn.execute(insert(Submission), rows[start : start + 50_000])
    _sync_sequence(conn, "submission")
    return keys


def _fact_columns(
    group: DemoGroup, indicator_ids: dict[str, int], submission_keys: np.ndarray
) -> tuple[np.ndarray, ...]:
    facts = group.facts
    ind_ids = np.array([indicator_ids[c] for c in group.indicators], dtype=np.int64)[facts.indicator]
    unit_ids = facts.unit.astype(np.int64) + 1
    sub_ids = np.searchsorted(submission_keys, facts.unit.astype(np.int64) * 1_000_000 + facts.period) + 1
    order = np.lexsort((facts.period, ind_ids, unit_ids))  # primary-key order
    return unit_ids[order], ind_ids[order], facts.period[order].astype(np.int64), facts.value[order], sub_ids[order]


def _facts(
    conn: Connection, group: DemoGroup, indicator_ids: dict[str, int], submission_keys: np.ndarray, progress: Progress
) -> None:
    columns = _fact_columns(group, indicator_ids, submission_keys)
    task = progress.add_task("Loading monthly figures", total=len(columns[0]))
    if conn.dialect.name == "postgresql":
        _copy_postgresql(conn, columns, lambda n: progress.advance(task, n))
    else:
        _insert_sqlite(conn, columns, lambda n: progress.advance(task, n))


def _insert_sqlite(conn: Connection, columns: tuple[np.ndarray, ...], advance) -> None:  # type: ignore[no-untyped-def]
    raw = conn.connection.driver_connection
    cursor = raw.cursor()
    for start in range(0, len(columns[0]), CHUNK):
        part = [c[start : start + CHUNK].tolist() for c in columns]
        cursor.executemany(
            "INSERT INTO fact (unit_id, indicator_id, period, value, submission_id) VALUES (?,?,?,?,?)",
            zip(*part, strict=False),
        )
        advance(len(part[0]))
    cursor.close()


_PG_ROW = np.dtype(
    [
        ("n", ">i2"),
        ("l0", ">i4"),
        ("u", ">i4"),
        ("l1", ">i4"),
        ("i", ">i4"),
        ("l2", ">i4"),
        ("p", ">i4"),
        ("l3", ">i4"),
        ("v", ">i8"),
        ("l4", ">i4"),
        ("s", ">i4"),
    ]
)


_FACT_KEYS = {
    "fk_fact_unit_id_unit": "FOREIGN KEY (unit_id) REFERENCES unit (id)",
    "fk_fact_indicator_id_indicator": "FOREIGN KEY (indicator_id) REFERENCES indicator (id)",
    "fk_fact_submission_id_submission": "FOREIGN KEY (submission_id) REFERENCES submission (id)",
}


def _copy_postgresql(conn: Connection, columns: tuple[np.ndarray, ...], advance) -> None:  # type: ignore[no-untyped-def]
    # Binary COPY rows are fixed-width here, so numpy can lay them out at memory speed.
    # Keys are dropped and rebuilt once after the load: checking three foreign keys and
    # maintaining the primary key row by row costs far more than one sort and three joins.
    conn.execute(text("SET LOCAL maintenance_work_mem = '1GB'"))
    conn.execute(
        text("ALTER TABLE fact DROP CONSTRAINT pk_fact, " + ", ".join(f"DROP CONSTRAINT {name}" for name in _FACT_KEYS))
    )
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(
        "COPY fact (unit_id, indicator_id, period, value, submission_id) FROM STDIN (FORMAT BINARY)"
    ) as copy:
        copy.write(b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big"))
        for start in range(0, len(columns[0]), CHUNK):
            u, i, p, v, s = (c[start : start + CHUNK] for c in columns)
            rows = np.empty(len(u), dtype=_PG_ROW)
            rows["n"], rows["l0"], rows["l1"], rows["l2"], rows["l3"], rows["l4"] = 5, 4, 4, 4, 8, 4
            rows["u"], rows["i"], rows["p"], rows["v"], rows["s"] = u, i, p, v, s
            copy.write(rows.tobytes())
            advance(len(u))
        copy.write((-1).to_bytes(2, "big", signed=True))
    conn.execute(text("ALTER TABLE fact ADD CONSTRAINT pk_fact PRIMARY KEY (unit_id, indicator_id, period)"))
    for name, definition in _FACT_KEYS.items():
        conn.execute(text(f"ALTER TABLE fact ADD CONSTRAINT {name} {definition}"))


def _targets(conn: Connection, group: DemoGroup, indicator_ids: dict[str, int]) -> None:
    ids = {u.code: n + 1 for n, u in enumerate(group.units)}
    now = utcnow()
    rows = [
        {
            "unit_id": ids[t.unit_code],
            "indicator_id": indicator_ids[t.indicator_code],
            "year": t.year,
            "tier": t.tier,
            "basis": "growth" if t.growth_bp is not None else "absolute",
            "value": t.value,
            "growth_bp": t.growth_bp,
            "phasing_bp": list(t.phasing_bp) if t.phasing_bp else None,
            "revision": 1,
            "is_current": True,
            "reason": "",
            "created_at": now,
            "created_by": "demo",
        }
        for t in group.targets
    ]
    for start in range(0, len(rows), 20_000):
        conn.execute(insert(Target), rows[start : start + 20_000])


def _eliminations(conn: Connection, group: DemoGroup, indicator_ids: dict[str, int]) -> None:
    if not group.eliminations:
        return
    ids = {u.code: n + 1 for n, u in enumerate(group.units)}
    now = utcnow()
    conn.execute(
        insert(EliminationEntry),
        [
            {
                "unit_id": ids[e.unit_code],
                "indicator_id": indicator_ids[e.indicator_code],
                "period": e.period,
                "counterparty": e.counterparty,
                "value": e.value,
                "description": "内部交易抵销 intra-group sale",
                "created_at": now,
                "created_by": "demo",
                "updated_at": now,
                "updated_by": "demo",
            }
            for e in group.eliminations
        ],
    )


def _locks_and_audit(conn: Connection, group: DemoGroup) -> None:
    # The books of every year before the current one are closed.
    last_closed = (group.as_of[0] - 1) * 100 + 12
    closed = periods.periods_between(group.first_year * 100 + 1, last_closed)
    if closed:
        conn.execute(insert(PeriodLock), [{"period": p, "locked_at": utcnow(), "locked_by": "demo"} for p in closed])
    conn.execute(
        insert(AuditEntry).values(
            at=utcnow(),
            actor="system",
            action="demo.load",
            entity="group",
            entity_key=group.units[0].code,
            before=None,
            after={"units": len(group.units), "facts": len(group.facts), "targets": len(group.targets)},
            note="demo group generated",
        )
    )


def _sync_sequence(conn: Connection, table: str) -> None:
    # Rows inserted with explicit ids leave PostgreSQL's sequence behind; SQLite needs nothing.
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
