"""Load: simulated users against the production set-up on PostgreSQL, on loopback.

`python benchmarks/load.py [--users 200] [--seconds 300] [--workers 2]`

1. Copies the 1,000-unit benchmark group (database ``pacer_bench``, benchmarks/common.py) into a
   database of its own (``pacer_load``, ``CREATE DATABASE ... TEMPLATE``), since the run writes;
   brings its schema and job queue up (`pacer db upgrade`); creates one account per simulated
   user (its own Argon2 hash, through the product's user service) and the tasks the task owners
   work on (through the task service).
2. Starts the production set-up as the README's "Production" section documents it:
   ``PACER_ENVIRONMENT=production``, ``PACER_JOBS_QUEUE=procrastinate``, `pacer worker` and
   `pacer serve --workers N` on 127.0.0.1; waits until every web worker has built its engine and
   computed the latest month's answers ahead; asks, as the group administrator, for the reports
   the leaders download (made by `pacer worker`).
3. Runs Locust (pinned in the ``bench`` extra), headless, in a process of its own, with five
   personas, each user signed in with its own account: HQ analysts reading cockpits and indicator
   pages; unit reporters opening the month's entry grid, saving figures (the whole grid typed so
   far, as the page does), explaining the rules' warnings and submitting; approvers approving
   (one in ten returned with a reason) what their units submitted; task owners accepting,
   starting and reporting progress on their tasks; leaders downloading reports and Excel exports.
   The measured phase starts once every user has signed in and lasts ``--seconds``.

Reported per route (Locust's records of the measured phase): requests, failures, throughput and
p50/p95/p99; and the CPU time over the measured phase of the server (web workers, the job worker
and the whole PostgreSQL server, its ended backends included) and of the load generator, which
shares the machine's cores. Results: benchmarks/results/load.md and load.json.

This file is also the Locust file (Locust imports it under another name than ``__main__``).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
ROOT = HERE.parent
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
GOAL_P99_MS = 500.0
# the month being reported: the bench group holds accepted figures up to 2026-10
PERIOD = 202611
MONTH = f"{PERIOD // 100}-{PERIOD % 100:02d}"
# each persona's share of the users
SHARES = {"analyst": 0.25, "reporter": 0.30, "approver": 0.10, "owner": 0.20, "leader": 0.15}
UNITS_PER_REPORTER = 10
TYPING = 3  # a reporter's wait between steps of the grid, in multiples of the others' wait
TASKS_PER_OWNER = 2
# a served worker's log line once it has computed the latest month's answers ahead (pacer.cockpit.warm)
WALKED = re.compile(r"cockpit answers computed ahead: (\d+) node views \(version \d+\) in ([\d.]+) s")


def persona_counts(users: int) -> dict[str, int]:
    """How many users of each persona ``users`` makes: each share rounded, at least one each,
    the rest given to the largest persona."""
    counts = {name: max(1, round(users * share)) for name, share in SHARES.items()}
    counts["reporter"] += users - sum(counts.values())
    return counts


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank percentile (NaN for no values)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


# -- CPU time of processes, from /proc -----------------------------------------------------------


def cpu_seconds(pgids: list[int]) -> dict[str, float]:
    """CPU time (user + system) so far of the processes in the process groups ``pgids`` (the
    server's) and of the PostgreSQL server: every one of its processes, and the postmaster's
    children that have ended (a backend whose connection closed during the run is reaped by the
    postmaster, which then counts its CPU time among its children's: without it, the backends
    that end between two readings drop out and the difference can even come out negative)."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {"server": 0.0, "postgres": 0.0}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            used = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
            if int(fields[2]) in pgids:
                out["server"] += used
            elif stat.split(" (", 1)[1].startswith("postgres"):
                out["postgres"] += used
                if not Path(entry.path, "cmdline").read_bytes().startswith(b"postgres:"):
                    # the postmaster (its children retitle themselves "postgres: ..."): cutime, cstime
                    out["postgres"] += (int(fields[13]) + int(fields[14])) / tick
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
    return out


# -- Locust users (only when Locust imports this file) -------------------------------------------

if __name__ != "__main__" and "locust" in sys.modules:
    import resource

    import gevent
    from locust import HttpUser, between, events, task
    from requests.cookies import RequestsCookieJar

    PLAN: dict[str, Any] = json.loads(Path(os.environ["PACER_LOAD_PLAN"]).read_text(encoding="utf-8"))
    _ACCOUNTS = {name: list(accounts) for name, accounts in PLAN["accounts"].items()}
    _COUNTS = persona_counts(int(PLAN["users"]))
    _STATE: dict[str, Any] = {"signed_in": 0, "measuring": False, "records": [], "cpu": {}}

    def _self_cpu() -> float:
        used = resource.getrusage(resource.RUSAGE_SELF)
        return used.ru_utime + used.ru_stime

    def _snapshot(label: str) -> None:
        _STATE["cpu"][label] = {
            "at": time.time(),
            "generator": _self_cpu(),
            **cpu_seconds(PLAN["pgids"]),
        }

    def _measure_for(environment: Any, seconds: float) -> None:
        _snapshot("start")
        _STATE["measuring"] = True
        gevent.sleep(seconds)
        _STATE["measuring"] = False
        _snapshot("end")
        environment.runner.quit()

    def _signed_in(environment: Any) -> None:
        _STATE["signed_in"] += 1
        if _STATE["signed_in"] == int(PLAN["users"]):  # every user spawned and signed in
            gevent.spawn(_measure_for, environment, float(PLAN["seconds"]))

    @events.request.add_listener
    def _record(name: str, response_time: float, exception: BaseException | None, **_: object) -> None:
        if _STATE["measuring"] and name != "sign-in":
            _STATE["records"].append((name, time.time(), response_time, None if exception is None else str(exception)))

    @events.quitting.add_listener
    def _dump(environment: Any, **_: object) -> None:
        if "end" not in _STATE["cpu"]:
            _snapshot("end")
        Path(os.environ["PACER_LOAD_OUT"]).write_text(
            json.dumps({"records": _STATE["records"], "cpu": _STATE["cpu"], "signed_in": _STATE["signed_in"]}),
            encoding="utf-8",
        )

    class _LoopbackJar(RequestsCookieJar):
        """The session's cookies, sent over the loopback's plain HTTP although the server marks
        them Secure: TLS would end at the reverse proxy in front of it (README, "Production")."""

        def set_cookie(self, cookie: Any, *args: Any, **kwargs: Any) -> Any:
            cookie.secure = False
            return super().set_cookie(cookie, *args, **kwargs)

    class _Pacer(HttpUser):
        """A person at a browser: signs in with its own account, then clicks, reading each page."""

        abstract = True
        persona = ""
        wait_time = between(*PLAN["wait"])

        def on_start(self) -> None:
            # TLS ends at the reverse proxy (README, "Production"): the server is told so and sets
            # Secure cookies, which the client here sends over the loopback's plain HTTP as a
            # browser sends them over HTTPS to the proxy.
            self.client.cookies = _LoopbackJar()
            self.client.headers["X-Forwarded-Proto"] = "https"
            self.account = _ACCOUNTS[self.persona].pop()
            form = self.client.get("/login", name="sign-in")
            token = CSRF.search(form.text).group(1)  # type: ignore[union-attr]
            with self.client.post(
                "/login",
                name="sign-in",
                allow_redirects=False,
                catch_response=True,
                data={
                    "username": self.account["username"],
                    "password": self.account["password"],
                    "csrf_token": token,
                    "next": "/",
                },
            ) as signed:
                if signed.status_code != 303:
                    signed.failure(f"sign-in of {self.account['username']}: {signed.status_code}")
            page = self.client.get("/account", name="sign-in")
            self.csrf = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
            self.started()
            _signed_in(self.environment)

        def started(self) -> None:
            """What the persona reads once signed in (before the measured phase)."""

        def write(self, method: str, path: str, name: str, body: dict[str, Any], **headers: str) -> Any:
            """A JSON write as the page's script sends it (the session's CSRF token in a header)."""
            with self.client.request(
                method,
                path,
                name=name,
                json=body,
                headers={"X-CSRF-Token": self.csrf, **headers},
                catch_response=True,
            ) as response:
                if response.status_code >= 400:
                    response.failure(f"{response.status_code}: {response.text[:300]}")
                    return None
                return response.json()

    class Analyst(_Pacer):
        """An HQ analyst: the cockpit of the unit in charge, its children's, indicator pages."""

        persona = "analyst"
        fixed_count = _COUNTS["analyst"]

        @task(4)
        def cockpit(self) -> None:
            self.client.get(f"/cockpit/{self.account['home']}", name="/cockpit/[home]")

        @task(3)
        def drill_down(self) -> None:
            self.client.get(f"/cockpit/{random.choice(self.account['children'])}", name="/cockpit/[child]")

        @task(3)
        def indicator(self) -> None:
            code = random.choice(PLAN["indicators"])
            self.client.get(
                f"/cockpit/{self.account['home']}/indicators/{code}", name="/cockpit/[home]/indicators/[code]"
            )

        @task(2)
        def api_cockpit(self) -> None:
            self.client.get(f"/api/cockpit/{self.account['home']}", name="/api/cockpit/[home]")

        @task(1)
        def ranking(self) -> None:
            self.client.get(f"/api/cockpit/{self.account['home']}/ranking?limit=50", name="/api/cockpit/[home]/ranking")

    class Reporter(_Pacer):
        """A unit's reporter: for each of its units in turn, opens the month's entry grid, saves
        the figures typed so far three times (a third, two thirds, all), explains the rules'
        warnings, submits; a month its approver returned is saved again and submitted again."""

        persona = "reporter"
        fixed_count = _COUNTS["reporter"]
        # typing a third of a grid of some 300 figures takes longer than reading a page
        wait_time = between(*(TYPING * w for w in PLAN["wait"]))

        def started(self) -> None:
            self.queue = list(self.account["units"])
            self.unit: str | None = None
            self.step = 0
            self.version = 0

        def _api(self) -> str:
            return f"/api/submissions/{self.unit}/{MONTH}"

        @task
        def work(self) -> None:
            if self.unit is None:
                if not self.queue:
                    self.queue = list(self.account["units"])  # back to the first: returned ones
                self.unit, self.step = self.queue.pop(0), 0
            if self.step == 0:
                page = self.client.get(f"/submissions/{self.unit}/{MONTH}", name="/submissions/[unit]/[month]")
                found = VERSION.search(page.text)
                if found is None or 'data-testid="save"' not in page.text:  # submitted or approved: read only
                    self.unit = None
                    return
                self.version = int(found.group(1))
                self.step = 1
                return
            figures = PLAN["figures"][self.unit]
            if self.step <= 3:
                typed = figures[: len(figures) * self.step // 3]
                saved = self.write(
                    "PUT",
                    self._api(),
                    "/api/submissions/[unit]/[month] (save)",
                    {"figures": [{"indicator_code": c, "value": v} for c, v in typed], "narrative": {}},
                    **{"If-Match": f'"{self.version}"'},
                )
                if saved is None:
                    self.unit = None
                    return
                self.version = saved["version"]
                self.checks = saved["checks"]
                self.step += 1
                return
            if self.step == 4:
                unexplained = {
                    c["key"]: "与上年同期口径一致，已核实。"
                    for c in self.checks
                    if c["severity"] == "warning" and not c["explanation"]
                }
                self.step = 5
                if unexplained:
                    explained = self.write(
                        "PUT",
                        f"{self._api()}/explanations",
                        "/api/submissions/[unit]/[month]/explanations",
                        {"explanations": unexplained, "version": self.version},
                    )
                    if explained is None:
                        self.unit = None
                        return
                    self.version = explained["version"]
                    return
            submitted = self.write(
                "POST",
                f"{self._api()}/verbs/submit",
                "/api/submissions/[unit]/[month]/verbs/submit",
                {"version": self.version},
            )
            if submitted is not None:
                self.queue.append(self.unit)  # looked at again later: returned, or read only
            self.unit = None

    class Approver(_Pacer):
        """An approver of several units: lists what they submitted, reviews the month's grid,
        approves it (one in ten returned with a reason)."""

        persona = "approver"
        fixed_count = _COUNTS["approver"]

        def started(self) -> None:
            self.review: str | None = None

        @task
        def work(self) -> None:
            if self.review is None:
                listed = self.client.get(
                    f"/api/submissions?period={MONTH}&state=submitted&limit=50", name="/api/submissions?state=submitted"
                )
                items = listed.json()["items"] if listed.status_code == 200 else []
                if items:
                    self.review = random.choice(items)["unit_code"]
                    self.client.get(f"/submissions/{self.review}/{MONTH}", name="/submissions/[unit]/[month]")
                else:
                    self.client.get(f"/submissions?period={MONTH}", name="/submissions")
                return
            path = f"/api/submissions/{self.review}/{MONTH}/verbs"
            if random.random() < 0.1:
                reason = {"reason": "请核对本月收入与成本的口径后重新报送。"}
                self.write("POST", f"{path}/return", "/api/submissions/[unit]/[month]/verbs/return", reason)
            else:
                self.write("POST", f"{path}/approve", "/api/submissions/[unit]/[month]/verbs/approve", {})
            self.review = None

    class Owner(_Pacer):
        """A task's owner: the list of their tasks, a task's page, accepting, starting and
        reporting progress."""

        persona = "owner"
        fixed_count = _COUNTS["owner"]

        def started(self) -> None:
            self.percent = dict.fromkeys(self.account["tasks"], 0)
            self.state = dict.fromkeys(self.account["tasks"], "assigned")

        @task(2)
        def mine(self) -> None:
            self.client.get("/tasks/mine", name="/tasks/mine")

        @task(3)
        def one(self) -> None:
            self.client.get(f"/tasks/{random.choice(self.account['tasks'])}", name="/tasks/[id]")

        @task(3)
        def update(self) -> None:
            task_id = random.choice(self.account["tasks"])
            state = self.state[task_id]
            if state in ("assigned", "accepted"):
                verb = "accept" if state == "assigned" else "start"
                done = self.write("POST", f"/api/tasks/{task_id}/verbs/{verb}", f"/api/tasks/[id]/verbs/{verb}", {})
                if done is not None:
                    self.state[task_id] = done["state"]
                return
            self.percent[task_id] = min(99, self.percent[task_id] + random.randint(1, 5))
            self.write(
                "POST",
                f"/api/tasks/{task_id}/progress",
                "/api/tasks/[id]/progress",
                {"percent": self.percent[task_id], "narrative": "本周完成现场核查，整改措施按计划推进。"},
            )

    class Leader(_Pacer):
        """A leader: the reports made, downloading them, the Excel exports of the cockpit."""

        persona = "leader"
        fixed_count = _COUNTS["leader"]

        @task(1)
        def reports(self) -> None:
            self.client.get("/reports", name="/reports")

        @task(4)
        def download(self) -> None:
            home = self.account["home"]
            # the reports of the units the leader sees: every one at the group, else the unit's own
            seen = [i for unit, ids in PLAN["reports"].items() if home in (PLAN["top"], unit) for i in ids]
            if seen:
                self.client.get(f"/jobs/{random.choice(seen)}/file", name="/jobs/[id]/file")

        @task(2)
        def ranking(self) -> None:
            self.client.get(f"/cockpit/{self.account['home']}/ranking.xlsx", name="/cockpit/[home]/ranking.xlsx")

        @task(1)
        def indicator_export(self) -> None:
            code = random.choice(PLAN["indicators"])
            self.client.get(
                f"/cockpit/{self.account['home']}/indicators/{code}/export.xlsx",
                name="/cockpit/[home]/indicators/[code]/export.xlsx",
            )

        @task(2)
        def cockpit(self) -> None:
            self.client.get(f"/cockpit/{self.account['home']}", name="/cockpit/[home]")


# -- preparing the load database -------------------------------------------------------------------


def copy_database(source_url: str, target_url: str) -> float:
    """``target`` afresh as a copy of ``source`` (``CREATE DATABASE ... TEMPLATE``: nobody may be
    connected to the source meanwhile); the seconds it took."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    source, target = make_url(source_url).database, make_url(target_url).database
    admin = create_engine(make_url(source_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    t0 = time.perf_counter()
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": source}):
            raise SystemExit(f"no database {source}: build the benchmark group first (benchmarks/common.py)")
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target}" TEMPLATE "{source}"'))
    admin.dispose()
    return time.perf_counter() - t0


def _reporting_units(session: Any) -> list[tuple[int, str]]:
    """The units whose last month was reported (an accepted submission for it), by code."""
    from sqlalchemy import func, select

    from pacer.models import Submission, Unit

    last = session.scalar(select(func.max(Submission.period)))
    return [
        (uid, code)
        for uid, code in session.execute(
            select(Unit.id, Unit.code)
            .join(Submission, Submission.unit_id == Unit.id)
            .where(Submission.period == last, Submission.state == "accepted")
            .order_by(Unit.code)
        )
    ]


def _figures(session: Any, units: list[tuple[int, str]]) -> dict[str, list[tuple[str, str]]]:
    """What each unit's reporter types for the month, as the grid sends it (each indicator on its
    reporting basis, in its stored unit): a flow's month as the same month last year (year to
    date: this year's months of record before it added), a balance as last month's."""
    from sqlalchemy import func, select

    from pacer.indicators.assignment_service import reported_indicators_of
    from pacer.kit.numbers import format_scaled
    from pacer.models import Fact, Indicator

    ids = [uid for uid, _ in units]
    indicators = {i.code: i for i in session.scalars(select(Indicator))}
    year = PERIOD // 100

    def read(first: int, last: int) -> dict[tuple[int, int], int]:
        rows = session.execute(
            select(Fact.unit_id, Fact.indicator_id, func.sum(Fact.value))
            .where(Fact.unit_id.in_(ids), Fact.period.between(first, last))
            .group_by(Fact.unit_id, Fact.indicator_id)
        )
        return {(u, i): int(v) for u, i, v in rows}

    last_year, last_month, ytd_before = (
        read(PERIOD - 100, PERIOD - 100),
        read(PERIOD - 1, PERIOD - 1),
        read(year * 100 + 1, PERIOD - 1),
    )
    reported = reported_indicators_of(session, ids, PERIOD)
    out: dict[str, list[tuple[str, str]]] = {}
    for uid, code in units:
        typed = []
        for ind_code in reported[uid]:
            ind = indicators[ind_code]
            if ind.kind == "stock":
                value = last_month.get((uid, ind.id))
            else:
                value = last_year.get((uid, ind.id))
                if value is not None and ind.reporting == "ytd":
                    value += ytd_before.get((uid, ind.id), 0)
            if value is not None:
                typed.append((ind_code, format_scaled(value, ind.scale)))
        out[code] = typed
    return out


def prepare(url: str, users: int) -> dict[str, Any]:
    """The accounts (one per simulated user, each with its own password and Argon2 hash, created
    through the product's user service), the owners' tasks (the task service, assigned by the
    group administrator) and what the reporters type; returned as the Locust users' plan."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from pacer.auth.passwords import hash_password
    from pacer.auth.permissions import load_actor
    from pacer.auth.service import add_user
    from pacer.db import make_engine
    from pacer.models import Indicator, Unit, UnitParentage, User
    from pacer.tasks import service as tasks
    from pacer.tasks.validation import TaskPlan

    counts = persona_counts(users)
    engine = make_engine(url)
    accounts: dict[str, list[dict[str, Any]]] = {name: [] for name in counts}
    with Session(engine) as session, session.begin():
        top = (
            session.scalars(
                select(Unit.code)
                .join(UnitParentage, UnitParentage.unit_id == Unit.id)
                .where(UnitParentage.parent_id.is_(None), UnitParentage.valid_to.is_(None))
            ).first()
            or session.scalars(select(Unit.code).order_by(Unit.id)).first()
        )
        children: dict[str, list[str]] = {}
        for child, parent in session.execute(
            select(Unit.code, UnitParentage.parent_id)
            .join(UnitParentage, UnitParentage.unit_id == Unit.id)
            .where(UnitParentage.valid_to.is_(None), UnitParentage.parent_id.is_not(None))
        ):
            children.setdefault(session.get(Unit, parent).code, []).append(child)  # type: ignore[union-attr]
        second = sorted(children.get(top, []))
        units = _reporting_units(session)
        leaves = [(uid, code) for uid, code in units if code not in children]
        n_rep = counts["reporter"]
        per = max(1, min(UNITS_PER_REPORTER, len(leaves) // max(1, n_rep + counts["owner"])))
        mine = [leaves[i * per : (i + 1) * per] or [leaves[i % len(leaves)]] for i in range(n_rep)]
        rest = leaves[n_rep * per :] or leaves
        figures = _figures(session, sorted({u for group in mine for u in group}))

        def account(persona: str, n: int, grants: list[str]) -> dict[str, Any]:
            username = f"load-{persona}-{n:03d}"
            password = secrets.token_urlsafe(12)
            user = add_user(session, username, f"{persona} {n}", grants, actor="system")
            user.password_hash = hash_password(password)  # as `pacer users set-password` does
            found = {"username": username, "password": password}
            accounts[persona].append(found)
            return found

        for n in range(counts["analyst"]):
            home = top if n % 3 == 0 or not second else second[n % len(second)]
            got = account("analyst", n, [f"hq_analyst@{home}"])
            got.update(home=home, children=sorted(children.get(home, [home])))
        for n, group in enumerate(mine):
            account("reporter", n, [f"unit_reporter@{c}" for _, c in group])["units"] = [c for _, c in group]
        for n in range(counts["approver"]):
            theirs = [c for i, group in enumerate(mine) if i % counts["approver"] == n for _, c in group]
            account("approver", n, [f"unit_approver@{c}" for c in sorted(set(theirs))] or [f"unit_approver@{top}"])
        admin = load_actor(session, "admin")
        deadline = datetime.date(PERIOD // 100 + 1, 3, 31)
        for n in range(counts["owner"]):
            _, unit = rest[n % len(rest)]
            got = account("owner", n, [f"unit_reporter@{unit}"])
            session.flush()
            got["tasks"] = [
                tasks.create(
                    session,
                    admin,
                    TaskPlan(
                        unit_code=unit,
                        title=f"整改事项 {n}-{k}：库存周转天数压降",
                        owner=got["username"],
                        deadline=deadline,
                        description="按季度压降库存周转天数，逐月报告进度。",
                    ),
                    lang="zh",
                ).id
                for k in range(TASKS_PER_OWNER)
            ]
        for n in range(counts["leader"]):
            home = top if n % 2 == 0 or not second else second[n % len(second)]
            account("leader", n, [f"viewer@{home}"])["home"] = home
        indicators = list(
            session.scalars(
                select(Indicator.code)
                .where(Indicator.kind != "derived", Indicator.origin == "builtin")
                .order_by(Indicator.id)
                .limit(20)
            )
        )
        made = session.scalar(select(User.id).where(User.username == "admin"))
        assert made is not None, "the group's administrator 'admin' signs in to ask for the leaders' reports"
    engine.dispose()
    return {
        "users": users,
        "accounts": accounts,
        "figures": figures,
        "indicators": indicators,
        "top": top,
        "second": second,
        "reporting_units": len(units),
        "reported_per_unit": round(sum(len(v) for v in figures.values()) / max(1, len(figures))),
    }


# -- the production set-up --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Browser:
    """A signed-in session of the standard library's HTTP client (setting up, not measured)."""

    def __init__(self, base: str, username: str, password: str) -> None:
        import http.cookiejar

        self.base = base
        jar = http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(secure_protocols=("https", "http")))
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        self.opener.addheaders = [("X-Forwarded-Proto", "https")]
        token = CSRF.search(self.get("/login")).group(1)  # type: ignore[union-attr]
        form = {"username": username, "password": password, "csrf_token": token, "next": "/"}
        self.post("/login", form)
        self.csrf = CSRF.search(self.get("/account")).group(1)  # type: ignore[union-attr]

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=600) as r:
            return str(r.read().decode())

    def post(self, path: str, form: dict[str, str]) -> str:
        from urllib.parse import urlencode

        with self.opener.open(
            urllib.request.Request(self.base + path, data=urlencode(form).encode()), timeout=600
        ) as r:
            return str(r.geturl())


def ask_for_reports(base: str, plan: dict[str, Any], deadline: float) -> dict[str, Any]:
    """As the group administrator, ask for the reports the leaders download (each leader's
    unit's economic-operation report in Excel), made by `pacer worker`;
    wait until each is done. The ids of those done, and why the others are not."""
    from benchmarks.common import GROUP
    from pacer.demo.loader import DEMO_PASSWORD

    admin = Browser(base, "admin", DEMO_PASSWORD)
    last = GROUP["as_of"]
    period = f"{last // 100}-{last % 100:02d}"
    homes = sorted({a["home"] for a in plan["accounts"]["leader"]})
    asked = [(home, "xlsx") for home in homes]
    ids: dict[int, str] = {}
    for unit, fmt in asked:
        form = {"kind": "economic", "unit": unit, "period": period, "span": "month", "format": fmt, "lang": "zh"}
        where = admin.post("/reports", {**form, "csrf_token": admin.csrf})
        ids[int(where.rsplit("/", 1)[1])] = unit
    t0 = time.perf_counter()
    states: dict[int, dict[str, Any]] = {}
    while time.time() < deadline:
        states = {i: json.loads(admin.get(f"/api/jobs/{i}")) for i in ids}
        if all(s["state"] in ("done", "failed") for s in states.values()):
            break
        time.sleep(2)
    return {
        "done": [i for i, s in states.items() if s["state"] == "done"],
        "by_unit": {
            u: [i for i, s in states.items() if s["state"] == "done" and ids[i] == u] for u in set(ids.values())
        },
        "not_done": {i: f"{s['state']} {s['error']}" for i, s in states.items() if s["state"] != "done"},
        "asked": [f"{unit} {fmt}" for unit, fmt in asked],
        "seconds": time.perf_counter() - t0,
        "bytes": [s["file"]["size"] for s in states.values() if s.get("file")],
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    from sqlalchemy.engine import make_url

    bin_dir = Path(sys.executable).parent
    url = args.url
    work = Path(tempfile.mkdtemp(prefix="pacer-load-"))
    out: dict[str, Any] = {"url": make_url(url).render_as_string(hide_password=True)}
    if args.copy_from:
        out["copy_s"] = copy_database(args.copy_from, url)
        print(f"copied {args.copy_from} in {out['copy_s']:.0f} s", file=sys.stderr, flush=True)
    env = {
        **os.environ,
        "PACER_DATABASE_URL": url,
        "PACER_ENVIRONMENT": "production",
        "PACER_SECRET_KEY": secrets.token_urlsafe(48),
        "PACER_JOBS_QUEUE": "procrastinate",
        "PACER_FORWARDED_ALLOW_IPS": "127.0.0.1",
        "PACER_PUBLIC_URL": "https://pacer.example.com",
        "PACER_DATA_DIR": str(work / "data"),
    }
    subprocess.run([str(bin_dir / "pacer"), "db", "upgrade"], env=env, check=True, stdout=subprocess.DEVNULL)
    t0 = time.perf_counter()
    plan = prepare(url, args.users)
    out["prepare_s"] = time.perf_counter() - t0
    print(f"prepared {args.users} accounts in {out['prepare_s']:.0f} s", file=sys.stderr, flush=True)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    serve = [
        str(bin_dir / "pacer"),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(args.workers),
    ]
    with open(work / "server.log", "w") as log, open(work / "worker.log", "w") as wlog:
        server = subprocess.Popen(serve, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        worker = subprocess.Popen(
            [str(bin_dir / "pacer"), "worker"], env=env, stdout=wlog, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        launched = time.time()
        deadline = launched + 1800
        log_text = lambda: (work / "server.log").read_text()  # noqa: E731
        while log_text().count("Application startup complete") < args.workers:
            if server.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"the server did not start; see {work / 'server.log'}")
            time.sleep(1)
        out["ready_s"] = time.time() - launched
        while len(walks := WALKED.findall(log_text())) < args.workers:
            if server.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"the workers did not compute their answers ahead; see {work / 'server.log'}")
            time.sleep(1)
        out["ahead_s"] = time.time() - launched - out["ready_s"]
        out["walks"] = [(int(n), float(s)) for n, s in walks[: args.workers]]
        out["reports"] = ask_for_reports(base, plan, time.time() + 900)
        print(f"reports: {out['reports']}", file=sys.stderr, flush=True)
        plan.update(
            seconds=args.seconds,
            wait=[args.wait_min, args.wait_max],
            reports=out["reports"]["by_unit"],
            pgids=[server.pid, worker.pid],
            database=make_url(url).database,
        )
        (work / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
        record = work / "locust.json"
        command = [
            str(bin_dir / "locust"),
            "-f",
            str(Path(__file__).resolve()),
            "--headless",
            "--host",
            base,
            "--users",
            str(args.users),
            "--spawn-rate",
            str(args.spawn_rate),
            "--run-time",
            f"{args.seconds + args.users // args.spawn_rate + 120}s",
            "--stop-timeout",
            "10",
            "--only-summary",
            "--loglevel",
            "WARNING",
        ]
        locust_env = {**os.environ, "PACER_LOAD_PLAN": str(work / "plan.json"), "PACER_LOAD_OUT": str(record)}
        t0 = time.perf_counter()
        done = subprocess.run(command, env=locust_env, capture_output=True, text=True, timeout=args.seconds + 1200)
        out["locust_s"] = time.perf_counter() - t0
        out["locust_exit"] = done.returncode
        out["locust_stderr"] = done.stderr[-3000:]
        from benchmarks.memory import children, peak_mib

        out["worker_peak_mib"] = (
            [
                peak_mib(pid)
                for pid in children(server.pid)
                if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
            ]
            if args.workers > 1
            else [peak_mib(server.pid)]
        )
        out["load"] = os.getloadavg()
        data = json.loads(record.read_text(encoding="utf-8"))
    finally:
        for proc in (server, worker):
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in (server, worker):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    out.update(
        serve=" ".join(["pacer", *serve[1:]]).replace(str(port), "PORT"),
        command=" ".join(["locust", *command[1:]]).replace(str(ROOT) + "/", "").replace(str(port), "PORT"),
        work=str(work),
        plan={k: plan[k] for k in ("indicators", "top", "reporting_units", "reported_per_unit")},
        counts=persona_counts(args.users),
        units_per_reporter=[len(a["units"]) for a in plan["accounts"]["reporter"]],
        signed_in=data["signed_in"],
        **summarise(data, args.seconds),
    )
    return out


def summarise(data: dict[str, Any], seconds: float) -> dict[str, Any]:
    """Per route and over all: requests, failures, throughput, p50/p95/p99, max; CPU times."""
    records = data["records"]
    cpu = data["cpu"]
    measured = cpu["end"]["at"] - cpu["start"]["at"] if "start" in cpu else float(seconds)
    routes: dict[str, dict[str, Any]] = {}
    for name, _, ms, error in records:
        r = routes.setdefault(name, {"times": [], "errors": []})
        r["times"].append(ms)
        if error:
            r["errors"].append(error)

    def row(times: list[float], errors: list[str]) -> dict[str, Any]:
        return {
            "requests": len(times),
            "failures": len(errors),
            "rps": len(times) / measured if measured else float("nan"),
            "p50": percentile(times, 50),
            "p95": percentile(times, 95),
            "p99": percentile(times, 99),
            "max": max(times) if times else float("nan"),
            "errors": errors[:3],
        }

    every = [ms for _, _, ms, _ in records]
    errors = [f"{name}: {e}" for name, _, _, e in records if e]
    used = {k: cpu["end"][k] - cpu["start"][k] for k in ("generator", "server", "postgres") if "start" in cpu}
    return {
        "measured_s": measured,
        "routes": {name: row(r["times"], r["errors"]) for name, r in sorted(routes.items())},
        "all": row(every, errors),
        "cpu_s": used,
    }


# -- report -----------------------------------------------------------------------------------------


def _span(seconds: int) -> str:
    return f"{seconds // 60} minutes" if seconds % 60 == 0 and seconds >= 120 else f"{seconds} s"


def report(args: argparse.Namespace, r: dict[str, Any]) -> str:
    from benchmarks.common import machine

    a = r["all"]
    cores = os.cpu_count() or 1
    met = a["p99"] <= GOAL_P99_MS and a["failures"] == 0
    cpu = r["cpu_s"]
    lines = [
        f"## Load: {args.users} users for {_span(args.seconds)} against the production set-up (PostgreSQL)",
        "",
        f"Command: `python benchmarks/load.py --users {args.users} --seconds {args.seconds} --workers {args.workers}`. "
        f"Run {datetime.datetime.now():%Y-%m-%d %H:%M}; load average "
        + "/".join(f"{x:.1f}" for x in r["load"])
        + f" at the end. Machine: {machine()}.",
        "",
        "| measurement | goal | measured | met? |",
        "|---|---|---|---|",
        f"| p99 over every request | ≤ {GOAL_P99_MS:.0f} ms | {a['p99']:.0f} ms "
        f"(p50 {a['p50']:.0f}, p95 {a['p95']:.0f}, "
        f"max {a['max']:.0f}) | {'yes' if a['p99'] <= GOAL_P99_MS else '**no**'} |",
        f"| errors | 0 | {a['failures']} of {a['requests']} | {'yes' if a['failures'] == 0 else '**no**'} |",
        f"| throughput | — | {a['rps']:.1f} requests/s over {r['measured_s']:.0f} s | — |",
        "",
        "| route | requests | failures | per second | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| `{name}` | {x['requests']} | {x['failures']} | {x['rps']:.2f} | {x['p50']:.0f} | {x['p95']:.0f} | "
        f"{x['p99']:.0f} | {x['max']:.0f} |"
        for name, x in r["routes"].items()
    ]
    span = r["measured_s"]
    lines += [
        "",
        "### Details",
        "",
        f'- Set-up (README, "Production"): `{r["serve"]}` and `pacer worker`, with '
        "`PACER_ENVIRONMENT=production`, `PACER_JOBS_QUEUE=procrastinate`, `PACER_FORWARDED_ALLOW_IPS=127.0.0.1`, "
        f"on a copy of the benchmark group (`pacer_bench` → `{r['url'].rsplit('/', 1)[1]}`"
        + (f", copied in {r['copy_s']:.0f} s" if "copy_s" in r else "")
        + "). TLS would end at a reverse proxy: the load generator sends `X-Forwarded-Proto: https` as the proxy "
        "does and sends the Secure cookies over the loopback's plain HTTP.",
        f"- The web workers were ready (engine built) {r['ready_s']:.0f} s after launch; computing the latest month's "
        f"answers ahead took {r['ahead_s']:.0f} s more ("
        + ", ".join(f"{n} node views in {s:.0f} s" for n, s in r["walks"])
        + "). Peak memory of each web worker (its own `VmHWM`, read as the run ended): "
        + ", ".join(f"{m / 1024:.2f} GiB" for m in r["worker_peak_mib"])
        + ".",
        f"- Reports for the leaders, asked for as the group administrator before the run and made by `pacer worker`: "
        f"{', '.join(r['reports']['asked'])}; {len(r['reports']['done'])} done in {r['reports']['seconds']:.0f} s"
        + (f", not done: {r['reports']['not_done']}" if r["reports"]["not_done"] else "")
        + ".",
        f"- Users: {', '.join(f'{n} {p}s' for p, n in r['counts'].items())}; each its own account (created in the "
        "load database through the user service, its own random password and Argon2 hash) and signs in through "
        f"the sign-in form; {r['signed_in']} signed in. Each waits {args.wait_min:g}–{args.wait_max:g} s between "
        f"requests; {args.spawn_rate} spawned per second. The measured phase starts once every user has signed in "
        "(each sign-in verifies an Argon2 hash, ≈ 0.1 s of CPU) and lasts "
        f"{span:.0f} s; sign-ins are not counted.",
        "- Personas. HQ analysts (`hq_analyst`, a third at the group, the rest at second-level units): their "
        "unit's cockpit page, a child's, an indicator's page (one of the library's first 20), the cockpit JSON, "
        "the ranking JSON. Unit reporters (`unit_reporter` on up to "
        f"{max(r['units_per_reporter'])} reporting units each, {r['plan']['reported_per_unit']} figures a unit on "
        f"average): for each unit in turn the {MONTH} entry grid page, then three saves through the JSON API with "
        "the version read (the first third of the grid typed, two thirds, all: the grid sends every figure typed; "
        f"waiting {TYPING * args.wait_min:g}–{TYPING * args.wait_max:g} s between steps, as typing takes longer), "
        "explanations for the rules' warnings, and submit; a month returned is saved and submitted again. "
        "Figures typed: a flow's month as the same month last year (a year-to-date indicator: with this "
        "year's months before it), a balance as last month's. Approvers (`unit_approver` on the units of one "
        f"reporter in {r['counts']['approver']}): the submitted months listed (JSON), one's grid page, approve (one in "
        "ten returned with a reason). Task owners (`unit_reporter` on a reporting unit, 2 tasks each, assigned by "
        "the group administrator through the task service before the run): their task list page, a task's page, "
        "accept, start, then progress reports (percent and narrative). Leaders (`viewer`, half at the group, half "
        "at second-level units): the reports page, a report file downloaded, the ranking in Excel, an indicator's "
        "history in Excel, the cockpit page.",
        f"- CPU time over the measured phase ({span:.0f} s, so {cores * span:.0f} core-seconds on {cores} cores): "
        "the server's processes (uvicorn and its web workers, `pacer worker`) "
        f"{cpu.get('server', float('nan')):.0f} s, "
        "PostgreSQL (the whole server, its ended backends included) "
        f"{cpu.get('postgres', float('nan')):.0f} s, the load generator "
        f"(Locust, one process) {cpu.get('generator', float('nan')):.0f} s. The load generator runs on the same "
        f"{cores} cores as the server and takes its share of them.",
        "- Percentiles: nearest rank over the measured phase's requests, per route and over all; response times "
        "as Locust measures them (to the last byte of the body). A failure is an answer of 400 or above, or no "
        "answer.",
    ]
    if a["failures"]:
        lines.append("- First errors: " + "; ".join(e[:300] for e in a["errors"]))
    if not met:
        lines.append("- The goal is not met; see below.")
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from benchmarks.common import POSTGRES_URL, RESULTS

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=300, help="the measured phase, after every user signed in")
    parser.add_argument("--workers", type=int, default=2, help="web worker processes (`pacer serve --workers`)")
    parser.add_argument("--spawn-rate", type=int, default=5, help="users started per second")
    parser.add_argument("--wait-min", type=float, default=2.0, help="seconds a user waits between requests, at least")
    parser.add_argument("--wait-max", type=float, default=8.0, help="... and at most")
    parser.add_argument(
        "--source",
        default=POSTGRES_URL,
        help="the benchmark group's database, copied for the run (default pacer_bench)",
    )
    parser.add_argument(
        "--url",
        default=None,
        help="the load database (default: pacer_load beside the source); with --no-copy used as it is",
    )
    parser.add_argument("--no-copy", action="store_true", help="use --url as it is (a trial on another group)")
    parser.add_argument("--trial", action="store_true", help="print the section, write no results")
    args = parser.parse_args()
    from sqlalchemy.engine import make_url

    if args.url is None:
        args.url = make_url(args.source).set(database="pacer_load").render_as_string(hide_password=False)
    args.copy_from = None if args.no_copy else args.source
    result = run(args)
    section = report(args, result)
    print(section)
    if args.trial:
        print(json.dumps({k: v for k, v in result.items() if k != "routes"}, default=str)[:4000], file=sys.stderr)
        print(json.dumps(result["cpu_s"]), file=sys.stderr)
        return
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "load.md").write_text(section, encoding="utf-8")
    (RESULTS / "load.json").write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    print(f"wrote {RESULTS / 'load.md'}")


if __name__ == "__main__":
    main()
