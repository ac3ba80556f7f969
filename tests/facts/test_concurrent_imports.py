"""Imports run side by side, as several people or jobs start them at once on one database: on
SQLite each queues for the write lock, on PostgreSQL for the writers' advisory lock, and all succeed,
also when they open the same unit's submission for a month."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import create_engine, func, select

from pacer.models import Fact
from tests.factories import write_csv

PROCESSES = 8
MONTHS = 6
RUNNER = "from pacer.cli import app; app()"
SHARED = dict(
    zip(
        [f"U{n}" for n in range(PROCESSES)],
        [
            "revenue",
            "operating_cost",
            "total_profit",
            "net_profit",
            "rd_expense",
            "inventory",
            "total_assets",
            "total_liabilities",
        ],
        strict=False,
    )
)


def test_concurrent_facts_imports_queue_for_the_write_lock_and_all_succeed(database_url, tmp_path):
    units = [f"U{n}" for n in range(PROCESSES)]
    org = write_csv(
        tmp_path / "org.csv",
        "code,name_zh,name_en,kind,parent_code",
        "G,集团,Group,group,",
        *(f"{u},单位{u},Unit {u},company,G" for u in units),
    )
    env = {**os.environ, "PACER_DATABASE_URL": database_url}
    cli = [sys.executable, "-c", RUNNER]
    subprocess.run([*cli, "org", "import", str(org)], env=env, check=True, capture_output=True)
    files = []
    for unit in units:
        lines = [f"{unit},revenue,2025-{m:02d},{100 * m},ytd" for m in range(1, MONTHS + 1)]
        lines += [f"{unit},headcount,2025-{m:02d},{10 + m}," for m in range(1, MONTHS + 1)]
        # and one figure each of the same unit's same month: one submission, opened by the first
        lines.append(f"G,{SHARED[unit]},2025-01,1,monthly")
        files.append(write_csv(tmp_path / f"{unit}.csv", "unit_code,indicator_code,period,value,basis", *lines))
    running = [
        subprocess.Popen(
            [*cli, "facts", "import", str(path)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for path in files
    ]
    outcomes = [(p.wait(timeout=120), p.stderr.read()) for p in running]
    for p in running:
        p.stdout.close()
        p.stderr.close()
    assert [code for code, _ in outcomes] == [0] * PROCESSES, [e for _, e in outcomes if e]
    engine = create_engine(database_url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Fact)) == PROCESSES * (MONTHS * 2 + 1)
    engine.dispose()
