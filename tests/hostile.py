"""The hostile-input campaigns' shared tally: each test of a class of attack counts what it tried
and what failed, and (when PACER_HOSTILE_REPORT names a file) appends its counts there as one JSON
line, before asserting that nothing failed. PACER_HOSTILE_SCALE multiplies the number of generated
examples (1 in the suite; benchmarks/hostile.py runs larger campaigns with the same tests)."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from functools import cache

from sqlalchemy import text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from pacer.models import Base


def scaled(examples: int) -> int:
    """``examples`` times the campaign's scale (at least one)."""
    return max(1, round(examples * float(os.environ.get("PACER_HOSTILE_SCALE", "1"))))


def record(kind: str, target: str, tried: str, attempts: int, failures: Sequence[str]) -> None:
    """Count one campaign: ``kind`` is the class of attack, ``target`` what it was aimed at."""
    path = os.environ.get("PACER_HOSTILE_REPORT")
    if not path:
        return
    line = {
        "kind": kind,
        "target": target,
        "tried": tried,
        "attempts": attempts,
        "failures": len(failures),
        "examples": list(failures[:5]),
    }
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(line, ensure_ascii=False) + "\n")


def row_counts(session: Session) -> dict[str, int]:
    """Every table's number of rows, as this session sees them (in one statement, its text made
    once per dialect: the campaigns count before and after thousands of requests)."""
    tables = Base.metadata.sorted_tables
    counts = session.execute(text(_counting(session.get_bind().dialect.name))).one()
    return {t.name: n for t, n in zip(tables, counts, strict=True)}


@cache
def _counting(dialect: str) -> str:
    quote = (postgresql.dialect() if dialect == "postgresql" else sqlite.dialect()).identifier_preparer.quote
    return "SELECT " + ", ".join(f"(SELECT count(*) FROM {quote(t.name)})" for t in Base.metadata.sorted_tables)


def changed(before: dict[str, int], after: dict[str, int], ignore: Sequence[str] = ()) -> list[str]:
    return [f"{t} {before[t]}->{after[t]}" for t in before if before[t] != after[t] and t not in ignore]
