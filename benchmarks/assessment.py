"""Scoring every unit of a 1,000-unit group against its responsibility statement: goal ≤ 2 s.

`python benchmarks/assessment.py [--database sqlite|postgresql|both | --postgres] [--runs N]`
builds the benchmark group's org (1,000 units, seed 7, as of October 2026) with two years of
the express report's figures (scoring reads three indicators of each unit from the engine; the
280 statistical indicators of benchmarks/common.py's group add nothing to it) into
benchmarks/data/assessment.db and the PostgreSQL database pacer_bench_assessment, and gives
every unit below the group a signed 2026 business statement (revenue and profit against its
targets of record, the debt ratio, task completion, a deduction for critical quality problems,
a safety veto: the demo's template), drafted through the service. It then measures, as the
system:

1. scoring every statement at year end, through the latest month (October)
   (`pacer.assessment.assess.score`: the engine's values of every unit in one vectorised
   question, the tasks and quality problems of every subtree, the recorded events, then each
   statement scored item by item): median of N after a warm-up;
2. the same scores stored with their working and audited (`record_results`), rolled back after
   each run: median of N.

The engine is built once beforehand (a served engine is kept current as figures arrive; its
build is reported, not counted). Results go to benchmarks/results/assessment.md and the section
"Assessment" of RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from benchmarks.common import (
    DATA,
    RESULTS,
    add_database_options,
    chosen_databases,
    ensure_group,
    machine,
    met,
    section_head,
    statements,
    table,
    timed,
)
from pacer.db import make_engine

GOAL_MS = 2000.0
YEAR, DOMAIN = 2026, "business"  # the group's first year has no targets: the current one, through October
PARAMS = {"units": 1000, "years": 2, "seed": 7, "as_of": 202610, "extra_indicators": 0, "group_indicators": 0}
SQLITE_URL = f"sqlite:///{DATA / 'assessment.db'}"
POSTGRES_URL = os.environ.get(
    "PACER_BENCH_ASSESSMENT_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/pacer_bench_assessment"
)
SECTION = "## Assessment: scoring every unit of a 1,000-unit group"


def prepare(url: str) -> int:
    """Every unit below the group gets its signed statement for the year (once); how many there are."""
    from pacer.assessment import service
    from pacer.assessment.plan import Content
    from pacer.auth.permissions import SYSTEM
    from pacer.demo.statements import ITEMS
    from pacer.errors import ValidationFailed
    from pacer.models import Statement, Unit, UnitParentage

    engine = make_engine(url)
    with Session(engine) as session:
        have = session.scalar(select(func.count()).select_from(Statement).where(Statement.year == YEAR)) or 0
        if have < 500:
            below = select(UnitParentage.unit_id).where(UnitParentage.parent_id.is_not(None))
            units = session.scalars(select(Unit).where(Unit.id.in_(below), Unit.kind != "elimination"))
            content = Content.of({"items": ITEMS})
            for unit in list(units):
                if service.repository.exists(session, unit.id, YEAR, DOMAIN) is not None:
                    continue
                try:
                    with session.begin_nested():
                        made = service.draft(session, SYSTEM, unit.code, YEAR, DOMAIN, content)
                        for verb in ("issue", "sign"):
                            service.act(session, SYSTEM, made.id, verb)
                except ValidationFailed:
                    continue  # a unit without targets of record that year
            session.commit()
        count = session.scalar(select(func.count()).select_from(Statement).where(Statement.year == YEAR)) or 0
    engine.dispose()
    return int(count)


def measure(url: str, runs: int) -> dict[str, Any]:
    from pacer.analysis import build
    from pacer.assessment import assess, repository
    from pacer.assessment.workflow import SIGNED_STATES
    from pacer.auth.permissions import SYSTEM

    engine = make_engine(url)
    with Session(engine) as session:
        t0 = time.perf_counter()
        analysis = build(session.connection())
        build_s = time.perf_counter() - t0
        rows = [r for r in repository.statements(session, SYSTEM, YEAR, DOMAIN) if r[2].state in SIGNED_STATES]

        def score() -> object:
            return assess.score(session, SYSTEM, analysis, rows, "yearend")

        def store() -> object:
            out = assess.record_results(session, SYSTEM, analysis, YEAR, DOMAIN, "yearend")
            session.rollback()
            return out

        scored = timed(score, runs)
        sql = statements(engine, score)
        stored = timed(store, runs)
        graded = {}
        for s in assess.score(session, SYSTEM, analysis, rows, "yearend"):
            graded[s.assessment.grade] = graded.get(s.assessment.grade, 0) + 1
    engine.dispose()
    return {"statements": len(rows), "build_s": build_s, "score": scored, "store": stored, "sql": sql, "grades": graded}


def report(results: dict[str, dict[str, Any]], runs: int) -> str:
    lines = section_head(SECTION.removeprefix("## "), "python benchmarks/assessment.py")
    lines += [
        f"Machine: {machine()}. Goal: every unit scored within {GOAL_MS:.0f} ms. "
        f"Median of {runs} runs after a warm-up.",
        "",
    ]
    rows = []
    for name, r in results.items():
        s, st = r["score"], r["store"]
        rows.append([name, r["statements"], f"{s.median:.0f}", f"{s.cpu_median:.0f}", met(s.median, GOAL_MS),
                     f"{st.median:.0f}", r["sql"], f"{r['build_s']:.1f}"])  # fmt: skip
    header = [
        "database",
        "statements",
        "score ms (wall)",
        "score ms (CPU)",
        "met?",
        "score+store+audit ms",
        "SQL statements",
        "engine build s (not counted)",
    ]
    lines += table(header, rows)
    lines += [""] + [f"- {name}: grades {dict(sorted(r['grades'].items()))}" for name, r in results.items()]
    return "\n".join(lines) + "\n"


def write_results(text: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "assessment.md").write_text(text, encoding="utf-8")
    path = HERE / "RESULTS.md"
    current = path.read_text(encoding="utf-8")
    if SECTION in current:
        start = current.index(SECTION)
        end = current.find("\n## ", start + len(SECTION))
        current = current[:start] + text + (current[end + 1 :] if end != -1 else "")
    else:
        current = current.rstrip("\n") + "\n\n" + text
    path.write_text(current, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_database_options(parser)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    results = {}
    for name, url in chosen_databases(args, SQLITE_URL, POSTGRES_URL).items():
        ensure_group(url, PARAMS)
        print(f"{name}: {prepare(url)} statements", file=sys.stderr)
        results[name] = measure(url, args.runs)
    write_results(report(results, args.runs))
    print(f"wrote {RESULTS / 'assessment.md'}")


if __name__ == "__main__":
    main()
