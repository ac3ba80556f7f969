"""The audit trail's search over a year of the benchmark group's history: goal ≤ 200 ms.

`python benchmarks/audit_search.py [--database sqlite|postgresql|both | --postgres]` (also run by
`make benchmark`) builds the 1,000-unit demo group with ten years of figures into
benchmarks/data/audit.db and the PostgreSQL database pacer_bench_audit, then writes those years'
history into the audit trail as collection would have left it: one ``fact.set`` row per figure
(a tenth of them corrected once more later), and per unit-month the submission's create, submit,
approve and accept. It measures (median of 20 after a warm-up) the search
(:func:`pacer.audit.trail.search`, a page of 50, newest first) as the group administrator and as
an approver of a second-level unit, each question against the obvious plain-SQL query that reads
the rows' keys (``entity_key LIKE …``) instead of the unit, indicator and month columns, and the
JSON API ``/api/audit`` in process. Results go to benchmarks/results/audit_search.md (a run on one
database keeps the other's figures from the section before).
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import secrets
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from benchmarks.common import (
    DATA,
    RESULTS,
    _create_postgres_database,
    add_database_options,
    chosen_databases,
    kept_lines,
    load_average,
    machine,
    met,
    section_head,
    table,
    timed,
)
from pacer.db import make_engine
from pacer.demo.loader import DEMO_PASSWORD, load_demo
from pacer.migrate import downgrade, is_initialised, upgrade

GOAL_MS = 200.0
AS_OF = 202610
UNITS = 1000
YEARS = 10  # the benchmark group's units, seed and years (its figures, less the extra indicators)
SQLITE_URL = f"sqlite:///{DATA / 'audit.db'}"
POSTGRES_URL = os.environ.get("PACER_BENCH_AUDIT_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/pacer_bench_audit")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _month_text(column: str) -> str:
    return f"substr(CAST({column} AS TEXT), 1, 4) || '-' || substr(CAST({column} AS TEXT), 5, 2)"


def build(url: str) -> dict[str, Any]:
    DATA.mkdir(exist_ok=True)
    if url.startswith("postgresql"):
        _create_postgres_database(url)
    engine = make_engine(url)
    if is_initialised(engine):
        downgrade(engine, "base")
    upgrade(engine)
    started = time.perf_counter()
    load_demo(engine, units=UNITS, years=YEARS, seed=7, as_of=AS_OF, month_in_progress=False)
    pg = engine.dialect.name == "postgresql"
    value = "json_build_object('value', CAST(f.value AS TEXT))" if pg else "json_object('value', CAST(f.value AS TEXT))"
    state = "json_build_object('state', CAST(:state AS TEXT))" if pg else "json_object('state', :state)"
    with engine.begin() as conn:
        months = list(conn.scalars(text("SELECT DISTINCT period FROM fact ORDER BY period")))
        for round_, share in ((0, 1), (1, 10)):  # every figure, then a tenth corrected once more
            for period in months:
                at = datetime.datetime(period // 100, period % 100, 1, tzinfo=datetime.UTC) + datetime.timedelta(
                    days=6 + 14 * round_
                )
                conn.execute(
                    text(
                        "INSERT INTO audit_entry (at, actor, action, entity, entity_key, before, after, note, "
                        "unit_id, indicator, period) "
                        f"SELECT :at, 'reporter' || CAST(u.id % 97 AS TEXT), 'fact.set', 'fact', "
                        f"u.code || '/' || i.code || '/' || {_month_text('f.period')}, NULL, {value}, "
                        "'submission', u.id, i.code, f.period "
                        "FROM fact f JOIN unit u ON u.id = f.unit_id JOIN indicator i ON i.id = f.indicator_id "
                        "WHERE f.period = :p AND (f.unit_id + f.indicator_id) % :share = 0 ORDER BY f.unit_id"
                    ),
                    {"at": at, "p": period, "share": share},
                )
                for verb in ("create", "submit", "approve", "accept") if round_ == 0 else ():
                    conn.execute(
                        text(
                            "INSERT INTO audit_entry (at, actor, action, entity, entity_key, before, after, note, "
                            "unit_id, indicator, period) "
                            f"SELECT :at, 'approver' || CAST(u.id % 31 AS TEXT), :action, 'workflow_item', "
                            f"'submission/' || u.code || '/' || {_month_text('s.period')}, NULL, {state}, '', "
                            "u.id, NULL, s.period FROM submission s JOIN unit u ON u.id = s.unit_id "
                            "WHERE s.period = :p ORDER BY s.unit_id"
                        ),
                        {"at": at, "p": period, "action": f"submission.{verb}", "state": verb},
                    )
        if pg:
            conn.execute(text("ANALYZE audit_entry"))
        else:
            conn.execute(text("ANALYZE"))
        rows = conn.scalar(text("SELECT count(*) FROM audit_entry"))
    engine.dispose()
    return {"rows": rows, "build_s": time.perf_counter() - started}


def _plain(session: Session, where: str, params: dict[str, Any]) -> list[Any]:
    """The obvious query: the trail's keys matched as text, newest first, a page of 50."""
    sql = f"SELECT id, at, actor, action, entity_key FROM audit_entry WHERE {where} ORDER BY id DESC LIMIT 50"
    return list(session.execute(text(sql), params))


def _likes(codes: list[str]) -> tuple[str, dict[str, str]]:
    """A subtree as key patterns: the unit's own rows and a submission's (``submission/UNIT/…``)."""
    parts, params = [], {}
    for n, code in enumerate(codes):
        params[f"c{n}"], params[f"w{n}"] = f"{code}/%", f"submission/{code}/%"
        parts.append(f"entity_key LIKE :c{n} OR entity_key LIKE :w{n}")
    return "(" + " OR ".join(parts) + ")", params


def questions(session: Session) -> dict[str, Any]:
    from pacer.audit.query import AuditAsk
    from pacer.auth.permissions import load_actor
    from pacer.models import RoleGrant, Unit, UnitParentage, User
    from pacer.org.repository import subtree_select

    hq = load_actor(session, "admin")
    children = session.scalars(
        select(Unit)
        .join(UnitParentage, UnitParentage.unit_id == Unit.id)
        .where(UnitParentage.parent_id == select(Unit.id).where(Unit.code == "G").scalar_subquery())
        .order_by(Unit.code)
    ).all()
    today = datetime.date.today()
    trees = {
        u: list(session.scalars(select(Unit.code).where(Unit.id.in_(subtree_select([u.id], today))))) for u in children
    }
    second, subtree = max(trees.items(), key=lambda item: len(item[1]))  # the largest second-level subtree
    approver = session.scalar(
        select(User.username)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == "unit_approver", RoleGrant.unit_id == second.id)
    )
    leaf = session.scalar(
        text("SELECT unit_id FROM fact WHERE period = :p ORDER BY unit_id DESC LIMIT 1"), {"p": AS_OF}
    )
    leaf_code = session.get(Unit, leaf).code
    month = f"{AS_OF // 100}-{AS_OF % 100:02d}"
    subtree_where, subtree_params = _likes(subtree)
    since = datetime.date(AS_OF // 100, 6, 1)
    if approver is None:  # the demo names approvers for its first units only: one for this unit
        approver = "bench_approver"
        user = User(username=approver, display_name="Approver")
        session.add(user)
        session.flush()
        session.add(RoleGrant(user_id=user.id, role="unit_approver", unit_id=second.id))
        session.commit()
    return {
        "hq": hq,
        "approver": load_actor(session, approver),
        "second": second.code,
        "subtree_units": len(subtree),
        "cases": [
            ("HQ: the newest changes", "hq", AuditAsk(), "1 = 1", {}),
            (
                "HQ: a second-level unit and the units below",
                "hq",
                AuditAsk(unit=second.code),
                subtree_where,
                subtree_params,
            ),
            (
                "HQ: an indicator in a month",
                "hq",
                AuditAsk(indicator="revenue", period=AS_OF),
                "entity_key LIKE :k",
                {"k": f"%/revenue/{month}"},
            ),
            ("HQ: one person", "hq", AuditAsk(person="reporter5"), "actor = :a", {"a": "reporter5"}),
            (
                "HQ: sign-offs since June",
                "hq",
                AuditAsk(kind="workflow_item", start=since),
                "entity = 'workflow_item' AND at >= :s",
                {"s": datetime.datetime.combine(since, datetime.time(), datetime.UTC)},
            ),
            (
                "HQ: one unit's figures of one month",
                "hq",
                AuditAsk(unit=leaf_code, period=AS_OF, kind="fact"),
                "entity_key LIKE :k",
                {"k": f"{leaf_code}/%/{month}"},
            ),
            ("approver: the newest changes in their subtree", "approver", AuditAsk(), subtree_where, subtree_params),
            (
                "approver: an indicator in a month",
                "approver",
                AuditAsk(indicator="revenue", period=AS_OF),
                f"{subtree_where} AND entity_key LIKE :k",
                {**subtree_params, "k": f"%/revenue/{month}"},
            ),
        ],
        "figure": (leaf_code, "revenue", AS_OF),
    }


def measure(url: str, runs: int) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from pacer.app import create_app
    from pacer.audit import trail
    from pacer.config import Settings

    engine = make_engine(url)
    out: dict[str, Any] = {"cases": []}
    with Session(engine) as session:
        q = questions(session)
        out["second"], out["subtree_units"] = q["second"], q["subtree_units"]
        out["rows"] = session.scalar(text("SELECT count(*) FROM audit_entry"))
        for name, who, ask, where, params in q["cases"]:
            actor = q[who]
            found = trail.search(session, actor, ask, 50)
            plain = _plain(session, where, params)
            out["cases"].append(
                {
                    "name": name,
                    "rows": len(found.lines),
                    "plain_rows": len(plain),
                    "service": timed(lambda a=actor, k=ask: trail.search(session, a, k, 50), runs),
                    "plain": timed(lambda w=where, p=params: _plain(session, w, p), max(3, runs // 4)),
                }
            )
            session.expunge_all()
        unit, indicator, period = q["figure"]
        history = trail.figure_history(session, q["hq"], unit, indicator, period)
        out["history_steps"] = len(history.steps)
        out["history"] = timed(lambda: trail.figure_history(session, q["hq"], unit, indicator, period), runs)
    engine.dispose()
    app = create_app(Settings(database_url=url, environment="production", secret_key=secrets.token_hex(16)))
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        token = CSRF.search(client.get("/login").text).group(1)
        form = {"username": "admin", "password": DEMO_PASSWORD, "csrf_token": token, "next": "/cockpit"}
        assert client.post("/login", data=form).status_code == 303
        api = f"/api/audit?unit={out['second']}"
        assert client.get(api).status_code == 200
        out["api"] = timed(lambda: client.get(api), runs)
        out["page"] = timed(lambda: client.get("/audit"), runs)
    return out


def _rows(name: str, r: dict[str, Any]) -> list[list[str]]:
    rows = []
    for c in r["cases"]:
        service, plain = c["service"], c["plain"]
        rows.append([name, f"{c['name']} ({c['rows']} rows)", f"<= {GOAL_MS:.0f} ms",
                     f"median {service.median:.1f} ms, max {service.max:.1f} ms", met(service.median, GOAL_MS),
                     f"median {plain.median:.1f} ms ({c['plain_rows']} rows)"])  # fmt: skip
    for what, key in (
        (f"one figure's history ({r['history_steps']} steps)", "history"),
        ("`/api/audit?unit=…` in process (sign-in, JSON)", "api"),
        ("the page `/audit` in process", "page"),
    ):
        ms = r[key].median
        rows.append([name, what, f"<= {GOAL_MS:.0f} ms", f"median {ms:.1f} ms", met(ms, GOAL_MS), "—"])
    return rows


def report(results: dict[str, dict[str, Any]], runs: int, earlier: Path) -> str:
    """The section: the databases measured now, and those of an earlier section at ``earlier`` kept."""
    kept = kept_lines(earlier, list(results))
    rows = [row for name, r in results.items() for row in _rows(name, r)]
    header = ["database", "question (a page of 50, newest first)", "goal", "measured", "met?", "plain SQL on the keys"]
    lines = section_head("The audit trail's search over ten years of the group's history",
                         "python benchmarks/audit_search.py [--postgres]")  # fmt: skip
    lines += [*_ordered(table(header, rows) + [k for k in kept if k.startswith("|")]), "", "### Details", ""]
    details = [k for k in kept if k.startswith("-")]
    for name, r in results.items():
        built = f"built in {r['build_s']:.0f} s" if r["build_s"] else "the group built by an earlier run (--reuse)"
        details.append(
            f"- {name}: {r['rows']:,} audit rows; the approver's subtree ({r['second']}) holds {r['subtree_units']} "
            f"units; {built}; measured {r['at']}, load average {r['load']} at the end."
        )
    lines += sorted(details, key=lambda d: not d.startswith("- SQLite"))
    lines += [
        "- The history: one `fact.set` row per figure of the ten years (a tenth corrected once more) and per "
        "unit-month the submission's create, submit, approve and accept, written as collection leaves them.",
        "- The plain SQL is what one writes without the rows' unit, indicator and month columns: the keys "
        "matched with `LIKE` (a subtree as one pattern per unit), newest first, 50 rows. It reads the same "
        "rows for the HQ questions; it cannot scope an approver's group-wide rows apart, and an indicator "
        "or a unit-month becomes a pattern that no index serves.",
        f"- Medians of {runs} runs after a warm-up (the plain SQL: {max(3, runs // 4)}), in process, no network. "
        "The machine is shared with other work (see the load average).",
        f"- Machine: {machine()}.",
        "",
    ]
    return "\n".join(lines)


def _ordered(table_lines: list[str]) -> list[str]:
    """The table's head, then SQLite's rows, then PostgreSQL's."""
    head, rows = table_lines[:2], table_lines[2:]
    return head + sorted(rows, key=lambda row: not row.startswith("| SQLite |"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_options(parser)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="measure the group built by an earlier run")
    args = parser.parse_args()
    results = {}
    for name, url in chosen_databases(args, SQLITE_URL, POSTGRES_URL).items():
        built = {"rows": 0, "build_s": 0.0} if args.reuse else build(url)
        results[name] = {**built, **measure(url, args.runs)}
        results[name] |= {"at": f"{datetime.datetime.now():%Y-%m-%d %H:%M}", "load": load_average()}
        print(f"{name}: measured", file=sys.stderr)
    RESULTS.mkdir(exist_ok=True)
    section = RESULTS / "audit_search.md"
    section.write_text(report(results, args.runs, section), encoding="utf-8")
    print(f"wrote {section}")


if __name__ == "__main__":
    main()
