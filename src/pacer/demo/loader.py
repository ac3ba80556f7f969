"""Load a generated demo group into the database: the library, organisation, people, figures
(through the bulk paths of :mod:`pacer.demo.bulk`), targets, eliminations and locks.

The last month is still being reported: its units' months go through the submission workflow
one by one (:mod:`pacer.demo.in_progress`); ``month_in_progress=False`` (the benchmark groups)
loads every month whole, as accepted."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Connection, Engine, func, insert, select, text
from sqlalchemy.orm import Session

from pacer.auth.passwords import hash_password
from pacer.demo import in_progress
from pacer.demo.bulk import bulk_mode, write_facts
from pacer.demo.charts import load_charts
from pacer.demo.commendations import load_commendations
from pacer.demo.followup import load_followup
from pacer.demo.generator import DemoConfig, DemoGroup, generate
from pacer.demo.own_load import assign_sets, load_own_library
from pacer.demo.quality import load_quality
from pacer.demo.quality_figures import follow_register
from pacer.demo.records import FactArrays
from pacer.demo.statements import load_statements
from pacer.errors import Conflict
from pacer.indicators.sync import sync_library
from pacer.kit import periods
from pacer.migrate import reset as drop_schema
from pacer.migrate import upgrade
from pacer.models import (
    AuditEntry,
    EliminationEntry,
    Fact,
    Indicator,
    IndicatorCategory,
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
    group_indicators: int = 0,
    config: Path | None = None,
    reset: bool = False,
    console: Console | None = None,
    month_in_progress: bool = True,  # the last month through the workflow (see the module's text)
) -> dict[str, Any]:
    started = time.perf_counter()
    as_of_year, first_year = as_of // 100, (as_of // 100 - years + 1 if years else None)
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
            group_indicators=group_indicators,
        )
        progress.update(task, total=1, completed=1)
        states, bulk = _split(group, month_in_progress)
        if reset:  # only now that the group could be generated: bad input drops nothing
            drop_schema(engine)
            upgrade(engine)
        with engine.execution_options(sqlite_write=True).connect() as conn, bulk_mode(conn), conn.begin():
            _refuse_non_empty(conn)
            session = Session(bind=conn)
            sync_library(session)
            session.flush()
            load_own_library(session, demo_config)
            indicator_ids = _filler_indicators(session, group)
            session.flush()
            _org(conn, group)
            assign_sets(session, demo_config, group, indicator_ids)
            session.flush()
            _people(conn, group)
            submission_ids = _submissions(conn, bulk)
            write_facts(conn, bulk, indicator_ids, submission_ids, progress)
            _targets(conn, group, {**indicator_ids, **_ids(conn)})
            _eliminations(conn, group, indicator_ids)
            facts = _finish(conn, session, group, states, progress)
            session.close()
    return {
        "units": len(group.units),
        "facts": facts,
        "targets": len(group.targets),
        "users": len(group.users),
        "seconds": time.perf_counter() - started,
        "group": group,
    }


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
    return dict(conn.execute(select(Indicator.code, Indicator.id)).tuples().all())


def _filler_indicators(session: Session, group: DemoGroup) -> dict[str, int]:
    first = group.first_year
    if group.extra_indicators:
        session.add(IndicatorCategory(code="statistics", name_zh="统计", name_en="Statistics", origin="group"))
    for f in group.extra_indicators:
        ind = Indicator(
            code=f.code,
            origin="group",
            category="statistics",
            unit=f.unit,
            scale=f.scale,
            direction="higher",
            kind=f.kind,
            reporting=None if f.formula else "monthly",
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
                formula=f.formula,
            )
        )
    ids = dict(session.execute(select(Indicator.code, Indicator.id)).tuples().all())
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
    """One accepted submission per unit-month with figures loaded whole."""
    facts = group.facts
    keys = np.unique(facts.unit.astype(np.int64) * 1_000_000 + facts.period)
    now = utcnow()
    rows = [
        {
            "id": n + 1,
            "unit_id": int(k // 1_000_000) + 1,
            "period": int(k % 1_000_000),
            "state": "accepted",
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


def _split(group: DemoGroup, month_in_progress: bool) -> tuple[dict[int, str], DemoGroup]:
    """The last month's plan (:mod:`pacer.demo.in_progress`) and the group as loaded in bulk:
    without the facts of that month that go in through the workflow."""
    if not month_in_progress:
        return {}, group
    states = in_progress.plan(group)
    kept = ~in_progress.held_back(group, states)
    f = group.facts
    return states, replace(group, facts=FactArrays(f.unit[kept], f.indicator[kept], f.period[kept], f.value[kept]))


def _finish(conn: Connection, session: Session, group: DemoGroup, states: dict[int, str], progress: Progress) -> int:
    """Locks, the audit line, the follow-up and quality records (the quality problem figures
    set to the register's counts) and the last month through the workflow, unit by unit; how
    many facts are of record then."""
    _locks_and_audit(conn, group)
    load_followup(session, group)
    load_quality(session)
    load_charts(session)
    follow_register(session, group)  # the quality problem figures are the register's counts
    load_commendations(session, group)
    load_statements(session, group)
    if not states:
        return len(group.facts)
    task = progress.add_task("Reporting the last month through the workflow", total=None)
    in_progress.walk(session, group, states)
    session.flush()
    progress.update(task, total=1, completed=1)
    return int(conn.scalar(select(func.count()).select_from(Fact)) or 0)


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
