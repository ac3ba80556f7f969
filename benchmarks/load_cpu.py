"""Load, per route: the server's CPU time per request of each route the load test's users ask
for (benchmarks/load.py), measured in one process without the network, the web server or the
other requests: what each answer costs, not how long it waited.

`python benchmarks/load_cpu.py [--users 40] [--rounds 30] [--profile ROUTE]`

1. Copies the 1,000-unit benchmark group (``pacer_bench``) into a database of its own
   (``pacer_load_cpu``) and prepares it as the load test does (``load.prepare``: accounts, the
   owners' tasks, what the reporters type), for ``--users`` users of the same five personas.
2. Builds the application as the production set-up runs it (``PACER_ENVIRONMENT=production``),
   its analysis engine, and the latest month's cockpit answers computed ahead (``warm``), as a
   served worker does before its first request; the leaders' reports are made by the in-process
   job runner.
3. Signs every user in (its own client and cookies, over https as behind the proxy), then plays
   ``--rounds`` rounds: in each, every user takes its next step as the load test's user does
   (the same tasks, weights and flows; a reporter steps in one round in ``load.TYPING``, as it
   waits that much longer). Each request's CPU time in the application (work it hands to threads
   runs in the request's thread, so the thread's CPU time is the request's; the test client's
   own work is not counted; ``/healthz`` shows what the middleware alone costs) is recorded per
   route.

Reported per route: requests, CPU ms per request (mean, p50, max), wall ms, SQL statements per
request; the mean over every request (weighted by the mix, as the rounds play it); the
database server's CPU over the rounds (the whole server, its ended backends included).
``--profile ROUTE`` prints where that route's time goes (cProfile on CPU time, or ``--profiler
pyinstrument`` when it is installed).
Results: benchmarks/results/load_cpu.json.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from benchmarks import load
from benchmarks.common import POSTGRES_URL, RESULTS

SUB = "/api/submissions/[unit]/[month]"


def run_inline() -> None:
    """Work the application hands to a thread (sync routes and dependencies, file reads) runs in
    the request's own thread instead: the same work, so that a request's CPU time is its thread's
    and the profiler sees all of it."""
    import anyio.to_thread

    async def run_sync(func: Any, *args: Any, **_: Any) -> Any:
        return func(*args)

    anyio.to_thread.run_sync = run_sync


class Profiler:
    """cProfile, on CPU time (waiting for the database is not the server's work), or, when it is
    installed, pyinstrument's sampling profiler (wall time, far less overhead)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        if kind == "pyinstrument":
            from pyinstrument import Profiler as Sampler  # a developer's tool, not a dependency

            self.sampler = Sampler(interval=0.0005, async_mode="disabled")
        else:
            self.cprofile = cProfile.Profile(time.thread_time)

    def start(self) -> None:
        self.sampler.start() if self.kind == "pyinstrument" else self.cprofile.enable()

    def stop(self) -> None:
        self.sampler.stop() if self.kind == "pyinstrument" else self.cprofile.disable()

    def text(self) -> str:
        if self.kind == "pyinstrument":
            return str(self.sampler.output_text(unicode=False, show_all=False))
        out = io.StringIO()
        stats = pstats.Stats(self.cprofile, stream=out)
        stats.dump_stats(Path(tempfile.gettempdir()) / "load_cpu.prof")  # for pstats
        stats.sort_stats("cumulative").print_stats(80)
        stats.sort_stats("tottime").print_stats(40)
        return out.getvalue()


class Meter:
    """ASGI middleware outermost: each request's CPU time in the application (its thread's, see
    :func:`run_inline`), and the profiler on while a chosen route is asked for."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.cpu = 0.0
        self.profiler: Profiler | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        profiler = self.profiler
        c0 = time.thread_time()
        if profiler is not None:
            profiler.start()
        try:
            await self.app(scope, receive, send)
        finally:
            if profiler is not None:
                profiler.stop()
            self.cpu = time.thread_time() - c0


class Recorder:
    """Each request's CPU time in the application and wall time and SQL statements, per route."""

    def __init__(self, meter: Meter | None, db_engine: Any, profile: str | None, profiler: str = "cprofile") -> None:
        from sqlalchemy import event

        self.meter = meter
        self.rows: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
        self.statements = 0
        self.profile_name = profile
        self.profiler = Profiler(profiler) if profile else None
        self.failures: list[str] = []

        def count(*_: object) -> None:
            self.statements += 1

        if db_engine is not None:
            event.listen(db_engine, "before_cursor_execute", count)

    @classmethod
    def null(cls) -> Recorder:
        """A recorder of set-up requests, not measured."""
        return cls(None, None, None)

    def call(self, client: Any, method: str, path: str, name: str, **kw: Any) -> Any:
        if self.meter is None:
            return client.request(method, path, **kw)
        profiling = self.profiler is not None and self.profile_name in (name, "all")
        self.meter.profiler = self.profiler if profiling else None
        n0, w0 = self.statements, time.perf_counter()
        response = client.request(method, path, **kw)
        wall = time.perf_counter() - w0
        self.rows[name].append((self.meter.cpu * 1000, wall * 1000, self.statements - n0))
        if response.status_code >= 400:
            self.failures.append(f"{name}: {response.status_code} {response.text[:200]}")
        return response


class User:
    """One simulated user: the load test's persona, its own client, its next step."""

    def __init__(self, persona: str, account: dict[str, Any], client: Any, rec: Recorder, plan: dict[str, Any]):
        self.persona, self.account, self.client, self.rec, self.plan = persona, account, client, rec, plan
        self.csrf = ""
        # reporter
        self.queue = list(account.get("units", []))
        self.unit: str | None = None
        self.step = 0
        self.version = 0
        self.checks: list[dict[str, Any]] = []
        # approver
        self.review: str | None = None
        # owner
        self.percent = dict.fromkeys(account.get("tasks", []), 0)
        self.state = dict.fromkeys(account.get("tasks", []), "assigned")

    def sign_in(self) -> None:
        token = load.CSRF.search(self.client.get("/login").text).group(1)  # type: ignore[union-attr]
        form = {"username": self.account["username"], "password": self.account["password"]}
        done = self.client.post("/login", data={**form, "csrf_token": token, "next": "/"})
        assert done.status_code == 303, f"sign-in of {self.account['username']}: {done.status_code}"
        self.csrf = load.CSRF.search(self.client.get("/account").text).group(1)  # type: ignore[union-attr]

    def get(self, path: str, name: str) -> Any:
        return self.rec.call(self.client, "GET", path, name)

    def write(self, method: str, path: str, name: str, body: dict[str, Any], **headers: str) -> Any:
        response = self.rec.call(
            self.client, method, path, name, json=body, headers={"X-CSRF-Token": self.csrf, **headers}
        )
        return response.json() if response.status_code < 400 else None

    def act(self) -> None:
        getattr(self, self.persona)()

    # -- the personas, as benchmarks/load.py plays them -------------------------------------------

    def analyst(self) -> None:
        home = self.account["home"]
        pick = random.choices(range(5), weights=(4, 3, 3, 2, 1))[0]
        if pick == 0:
            self.get(f"/cockpit/{home}", "/cockpit/[home]")
        elif pick == 1:
            self.get(f"/cockpit/{random.choice(self.account['children'])}", "/cockpit/[child]")
        elif pick == 2:
            code = random.choice(self.plan["indicators"])
            self.get(f"/cockpit/{home}/indicators/{code}", "/cockpit/[home]/indicators/[code]")
        elif pick == 3:
            self.get(f"/api/cockpit/{home}", "/api/cockpit/[home]")
        else:
            self.get(f"/api/cockpit/{home}/ranking?limit=50", "/api/cockpit/[home]/ranking")

    def reporter(self) -> None:
        if self.unit is None:
            if not self.queue:
                self.queue = list(self.account["units"])
            self.unit, self.step = self.queue.pop(0), 0
        api = f"/api/submissions/{self.unit}/{load.MONTH}"
        if self.step == 0:
            page = self.get(f"/submissions/{self.unit}/{load.MONTH}", "/submissions/[unit]/[month]")
            found = load.VERSION.search(page.text)
            if found is None or 'data-testid="save"' not in page.text:
                self.unit = None
                return
            self.version, self.step = int(found.group(1)), 1
            return
        figures = self.plan["figures"][self.unit]
        if self.step <= 3:
            typed = figures[: len(figures) * self.step // 3]
            body = {"figures": [{"indicator_code": c, "value": v} for c, v in typed], "narrative": {}}
            saved = self.write(
                "PUT", api, "/api/submissions/[unit]/[month] (save)", body, **{"If-Match": f'"{self.version}"'}
            )
            if saved is None:
                self.unit = None
                return
            self.version, self.checks, self.step = saved["version"], saved["checks"], self.step + 1
            return
        if self.step == 4:
            self.step = 5
            unexplained = {
                c["key"]: "与上年同期口径一致，已核实。"
                for c in self.checks
                if c["severity"] == "warning" and not c["explanation"]
            }
            if unexplained:
                body = {"explanations": unexplained, "version": self.version}
                explained = self.write("PUT", f"{api}/explanations", f"{SUB}/explanations", body)
                if explained is None:
                    self.unit = None
                    return
                self.version = explained["version"]
                return
        done = self.write("POST", f"{api}/verbs/submit", f"{SUB}/verbs/submit", {"version": self.version})
        if done is not None:
            self.queue.append(self.unit)
        self.unit = None

    def approver(self) -> None:
        if self.review is None:
            listed = self.get(
                f"/api/submissions?period={load.MONTH}&state=submitted&limit=50", "/api/submissions?state=submitted"
            )
            items = listed.json()["items"] if listed.status_code == 200 else []
            if items:
                self.review = random.choice(items)["unit_code"]
                self.get(f"/submissions/{self.review}/{load.MONTH}", "/submissions/[unit]/[month]")
            else:
                self.get(f"/submissions?period={load.MONTH}", "/submissions")
            return
        path = f"/api/submissions/{self.review}/{load.MONTH}/verbs"
        if random.random() < 0.1:
            reason = {"reason": "请核对本月收入与成本的口径后重新报送。"}
            self.write("POST", f"{path}/return", f"{SUB}/verbs/return", reason)
        else:
            self.write("POST", f"{path}/approve", f"{SUB}/verbs/approve", {})
        self.review = None

    def owner(self) -> None:
        pick = random.choices(range(3), weights=(2, 3, 3))[0]
        if pick == 0:
            self.get("/tasks/mine", "/tasks/mine")
            return
        task_id = random.choice(self.account["tasks"])
        if pick == 1:
            self.get(f"/tasks/{task_id}", "/tasks/[id]")
            return
        state = self.state[task_id]
        if state in ("assigned", "accepted"):
            verb = "accept" if state == "assigned" else "start"
            done = self.write("POST", f"/api/tasks/{task_id}/verbs/{verb}", f"/api/tasks/[id]/verbs/{verb}", {})
            if done is not None:
                self.state[task_id] = done["state"]
            return
        self.percent[task_id] = min(99, self.percent[task_id] + random.randint(1, 5))
        body = {"percent": self.percent[task_id], "narrative": "本周完成现场核查，整改措施按计划推进。"}
        self.write("POST", f"/api/tasks/{task_id}/progress", "/api/tasks/[id]/progress", body)

    def leader(self) -> None:
        home = self.account["home"]
        pick = random.choices(range(5), weights=(1, 4, 2, 1, 2))[0]
        if pick == 0:
            self.get("/reports", "/reports")
        elif pick == 1:
            seen = [i for unit, ids in self.plan["reports"].items() if home in (self.plan["top"], unit) for i in ids]
            if seen:
                self.get(f"/jobs/{random.choice(seen)}/file", "/jobs/[id]/file")
        elif pick == 2:
            self.get(f"/cockpit/{home}/ranking.xlsx", "/cockpit/[home]/ranking.xlsx")
        elif pick == 3:
            code = random.choice(self.plan["indicators"])
            self.get(f"/cockpit/{home}/indicators/{code}/export.xlsx", "/cockpit/[home]/indicators/[code]/export.xlsx")
        else:
            self.get(f"/cockpit/{home}", "/cockpit/[home]")


# -- set-up ------------------------------------------------------------------------------------------


def served_app(url: str, work: Path) -> Any:
    """The application as the production set-up configures it (benchmarks/load.py), its
    analysis engine built and the latest month's cockpit answers computed ahead, as a served
    worker does before it accepts a connection."""
    os.environ.update(
        PACER_DATABASE_URL=url,
        PACER_ENVIRONMENT="production",
        PACER_SECRET_KEY=secrets.token_urlsafe(48),
        PACER_PUBLIC_URL="https://pacer.example.com",
        PACER_DATA_DIR=str(work / "data"),
    )
    from pacer.analysis import get_analysis
    from pacer.app import create_app
    from pacer.config import get_settings

    get_settings.cache_clear()  # read before, by the preparation, without these
    from pacer.cockpit.warm import warm
    from pacer.web.i18n import LANGUAGES

    run_inline()
    app = create_app()
    app.state.meter = Meter(app)
    t0 = time.perf_counter()
    analysis = get_analysis(app.state.db_engine)
    built = time.perf_counter() - t0
    default = app.state.settings.language
    walked = warm(app.state.db_engine, analysis, [default, *(x for x in LANGUAGES if x != default)])
    print(
        f"engine {built:.0f} s; {walked} node views ahead in {time.perf_counter() - t0 - built:.0f} s", file=sys.stderr
    )
    return app


def client(app: Any) -> Any:
    """A browser's session with the application (through its meter)."""
    from fastapi.testclient import TestClient

    # https, as behind the proxy: the production set-up's cookies are Secure; entered, so that
    # its requests share one event loop thread rather than starting one each
    made = TestClient(app.state.meter, base_url="https://testserver", follow_redirects=False)
    made.__enter__()
    return made


def make_reports(app: Any, plan: dict[str, Any]) -> dict[str, list[int]]:
    """As the group administrator, the leaders' reports (load.ask_for_reports), made by this
    process's job runner; the ids of those done, by unit."""
    from benchmarks.common import GROUP
    from pacer.demo.loader import DEMO_PASSWORD

    admin = User("admin", {"username": "admin", "password": DEMO_PASSWORD}, client(app), Recorder.null(), plan)
    admin.sign_in()
    period = f"{GROUP['as_of'] // 100}-{GROUP['as_of'] % 100:02d}"
    ids: dict[int, str] = {}
    for unit in sorted({a["home"] for a in plan["accounts"]["leader"]}):
        form = {"kind": "economic", "unit": unit, "period": period, "span": "month", "format": "xlsx", "lang": "zh"}
        done = admin.client.post("/reports", data={**form, "csrf_token": admin.csrf})
        ids[int(done.headers["location"].rsplit("/", 1)[1])] = unit
    deadline = time.time() + 900
    while time.time() < deadline:
        states = {i: admin.client.get(f"/api/jobs/{i}").json()["state"] for i in ids}
        if all(s in ("done", "failed") for s in states.values()):
            break
        time.sleep(1)
    by_unit: dict[str, list[int]] = defaultdict(list)
    for i, unit in ids.items():
        if states[i] == "done":
            by_unit[unit].append(i)
    return dict(by_unit)


# -- the rounds --------------------------------------------------------------------------------------


def play(app: Any, plan: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    random.seed(args.seed)
    rounds = args.rounds
    rec = Recorder(app.state.meter, app.state.db_engine, args.profile, args.profiler)
    users = [
        User(persona, account, client(app), rec, plan)
        for persona, accounts in plan["accounts"].items()
        for account in accounts
    ]
    for user in users:
        user.sign_in()
    probe = client(app)
    for _ in range(50):
        rec.call(probe, "GET", "/healthz", "/healthz")
    pg0 = load.cpu_seconds([])["postgres"]
    t0, c0 = time.perf_counter(), time.process_time()
    for n in range(rounds):
        random.shuffle(users)
        for user in users:
            if user.persona != "reporter" or n % load.TYPING == 0:
                user.act()
    out = {
        "wall_s": time.perf_counter() - t0,
        "cpu_s": time.process_time() - c0,
        "postgres_s": load.cpu_seconds([])["postgres"] - pg0,
        "routes": {},
        "failures": rec.failures[:10],
        "failure_count": len(rec.failures),
    }
    for name, rows in sorted(rec.rows.items()):
        cpu = [r[0] for r in rows]
        out["routes"][name] = {
            "requests": len(rows),
            "cpu_ms": statistics.fmean(cpu),
            "cpu_p50_ms": statistics.median(cpu),
            "cpu_max_ms": max(cpu),
            "wall_ms": statistics.fmean(r[1] for r in rows),
            "statements": statistics.fmean(r[2] for r in rows),
        }
    measured = {k: v for k, v in out["routes"].items() if not k.startswith("/healthz")}
    count = sum(r["requests"] for r in measured.values())
    out["requests"] = count
    out["mean_cpu_ms"] = sum(r["cpu_ms"] * r["requests"] for r in measured.values()) / max(1, count)
    out["postgres_ms_per_request"] = 1000 * out["postgres_s"] / max(1, count)
    if rec.profiler is not None:
        out["profile"] = rec.profiler.text()
    return out


def table(result: dict[str, Any]) -> str:
    lines = [
        "| route | requests | CPU ms / request | p50 | max | wall ms | SQL statements |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in result["routes"].items():
        lines.append(
            f"| `{name}` | {r['requests']} | {r['cpu_ms']:.1f} | {r['cpu_p50_ms']:.1f} | {r['cpu_max_ms']:.1f} | "
            f"{r['wall_ms']:.1f} | {r['statements']:.1f} |"
        )
    lines.append(
        f"\n{result['requests']} requests: {result['mean_cpu_ms']:.1f} ms of CPU per request on average (in the "
        f"application), PostgreSQL {result['postgres_ms_per_request']:.1f} ms; load average "
        + "/".join(f"{x:.1f}" for x in os.getloadavg())
    )
    return "\n".join(lines)


def main() -> None:
    from sqlalchemy.engine import make_url

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--source", default=POSTGRES_URL, help="the benchmark group (default pacer_bench)")
    parser.add_argument("--url", default=None, help="the database the run writes (default pacer_load_cpu)")
    parser.add_argument("--no-copy", action="store_true", help="--url as it is, prepared already (--plan)")
    parser.add_argument("--plan", default=None, help="a plan kept from an earlier run (with --no-copy)")
    parser.add_argument("--profile", default=None, help="a route's name (or 'all'): print where its time goes")
    parser.add_argument("--profiler", default="cprofile", choices=("cprofile", "pyinstrument"))
    args = parser.parse_args()
    url = args.url or make_url(args.source).set(database="pacer_load_cpu").render_as_string(hide_password=False)
    work = Path(tempfile.mkdtemp(prefix="pacer-load-cpu-"))
    if not args.no_copy:
        print(f"copied in {load.copy_database(args.source, url):.0f} s", file=sys.stderr, flush=True)
        from pacer.db import make_engine
        from pacer.migrate import upgrade

        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
    if args.plan:
        plan = json.loads(Path(args.plan).read_text(encoding="utf-8"))
    else:
        t0 = time.perf_counter()
        plan = load.prepare(url, args.users)
        print(f"prepared {args.users} users in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
        plan["database"] = make_url(url).database
        kept = work / "plan.json"
        kept.write_text(json.dumps(plan), encoding="utf-8")
        print(f"plan kept in {kept} (--no-copy --plan to play it again)", file=sys.stderr)
    app = served_app(url, work)
    if "reports" not in plan:
        plan["reports"] = make_reports(app, plan)
        if args.plan is None:
            (work / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    result = play(app, plan, args)
    app.state.jobs.stop()
    print(table(result))
    if result["failures"]:
        print(f"{result['failure_count']} failures, first: {result['failures']}", file=sys.stderr)
    if "profile" in result:
        print(result.pop("profile"))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "load_cpu.json").write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
