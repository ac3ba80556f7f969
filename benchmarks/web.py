"""The cockpit's speed on the benchmark group: `python benchmarks/web.py [--database sqlite|postgresql|both]`.

Two measurements, written to benchmarks/results/web.md:

1. Server time of the cockpit page, in process (Starlette's TestClient, no network): the group
   node and a second-level node, each asked ``--requests`` times after a warm-up; median and p99.
   The first view of each node and month after the engine is built is reported separately.
2. A load test: ``pacer serve --workers 2`` on a loopback port against the benchmark database,
   and Locust, headless, with ``--users`` simulated users signed in as several personas, each
   looping over the cockpit page, a drill-down to a child and the JSON API for ``--seconds``;
   percentiles and errors from Locust's records of the measured phase (after every user has
   been spawned and has signed in). The run starts once every worker has computed the latest month's answers ahead
   (``pacer.cockpit.warm``); how long that took is reported.

This file is also the Locust file (Locust imports it under another name than ``__main__``, after
Locust itself).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "pacer-demo"
# persona -> the node the persona's cockpit opens on (demo accounts, see pacer.demo)
PERSONAS = {"admin": "G", "wangjing": "G", "liuyang": "G", "zhoumin": "G01", "lina": "G0101"}
GOALS = {"median_ms": 50.0, "p99_ms": 150.0, "load_p99_ms": 300.0}
# a served worker's log line once it has computed the latest month's answers ahead (pacer.cockpit.warm)
WALKED = re.compile(r"cockpit answers computed ahead: (\d+) node views \(version \d+\) in ([\d.]+) s")


# -- Locust users (only when Locust imports this file) -------------------------------------------

# Locust is loaded before it imports its locustfile; an import of this module for its report (the
# tests) leaves Locust, and the gevent patching Locust brings, out.
if __name__ != "__main__" and "locust" in sys.modules:
    from locust import HttpUser, between, events, task

    _RECORD: dict[str, list] = {"times": [], "errors": []}
    _MEASURING = {"on": False}
    # the measured phase starts once every user is spawned and has signed in (a sign-in verifies
    # a password, which takes the server's CPU for a while, and is not what is measured)
    _SIGNED_IN: dict[str, int | None] = {"count": 0, "users": None}

    def _maybe_start_measuring() -> None:
        users = _SIGNED_IN["users"]
        if users is not None and (_SIGNED_IN["count"] or 0) >= users:
            _MEASURING["on"] = True

    @events.spawning_complete.add_listener
    def _start_measuring(user_count: int, **_: object) -> None:
        _SIGNED_IN["users"] = user_count
        _maybe_start_measuring()

    @events.request.add_listener
    def _record(name: str, response_time: float, exception: BaseException | None, **_: object) -> None:
        if not _MEASURING["on"] or name == "sign-in":
            return
        _RECORD["times"].append(response_time)
        if exception is not None:
            _RECORD["errors"].append(f"{name}: {exception}")

    @events.quitting.add_listener
    def _dump(environment: object, **_: object) -> None:
        out = os.environ.get("PACER_BENCH_LOCUST_OUT")
        if out:
            Path(out).write_text(json.dumps(_RECORD), encoding="utf-8")

    class CockpitUser(HttpUser):
        """A signed-in reader: opens the cockpit, drills into a child, reads the JSON API."""

        wait_time = between(1, 3)  # a person reading a page between clicks

        def on_start(self) -> None:
            self.username = random.choice(list(PERSONAS))
            self.home = PERSONAS[self.username]
            form = self.client.get("/login", name="sign-in")
            token = CSRF.search(form.text).group(1)
            self.client.post(
                "/login",
                name="sign-in",
                allow_redirects=False,
                data={"username": self.username, "password": PASSWORD, "csrf_token": token, "next": "/cockpit"},
            )
            body = self.client.get(f"/api/cockpit/{self.home}", name="sign-in").json()
            self.children = [c["code"] for c in body["children"]] or [self.home]
            self.periods = body["periods"][:12]
            _SIGNED_IN["count"] = (_SIGNED_IN["count"] or 0) + 1
            _maybe_start_measuring()

        @task(4)
        def cockpit(self) -> None:
            self.client.get(f"/cockpit/{self.home}", name="/cockpit/[home]")

        @task(3)
        def drill_down(self) -> None:
            child = random.choice(self.children)
            period = random.choice(self.periods) if random.random() < 0.2 else self.periods[0]
            self.client.get(f"/cockpit/{child}?period={period}", name="/cockpit/[child]")

        @task(2)
        def api_cockpit(self) -> None:
            self.client.get(f"/api/cockpit/{self.home}", name="/api/cockpit/[home]")

        @task(1)
        def api_ranking(self) -> None:
            self.client.get(
                f"/api/cockpit/{random.choice(self.children)}/ranking?limit=50", name="/api/cockpit/[child]/ranking"
            )

        @task(1)
        def chart_spec(self) -> None:
            self.client.get(f"/api/cockpit/{self.home}/charts/trend", name="/api/cockpit/[home]/charts/trend")


# -- measuring ------------------------------------------------------------------------------------


def _percentile(values: list[float], q: float) -> float:
    if not values:  # no request reached the measured phase: say so rather than crash
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def server_time(url: str, requests: int, warmup: int) -> dict[str, object]:
    """Median and p99 of the cockpit page for the group node and a second-level node."""
    from fastapi.testclient import TestClient

    from pacer.app import create_app
    from pacer.config import Settings

    app = create_app(Settings(database_url=url, environment="production", secret_key=secrets.token_hex(16)))
    out: dict[str, object] = {}
    with TestClient(app, follow_redirects=False) as client:
        token = CSRF.search(client.get("/login").text).group(1)
        signed = client.post(
            "/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token, "next": "/cockpit"}
        )
        assert signed.status_code == 303, signed.text
        started = time.perf_counter()
        assert client.get("/cockpit/G").status_code == 200
        out["engine_build_s"] = time.perf_counter() - started
        periods = client.get("/api/cockpit/G").json()["periods"]
        pages = {"group node /cockpit/G": "/cockpit/G", "second-level node /cockpit/G01": "/cockpit/G01"}
        # the first view of a node and month after the engine is built computes every answer
        first = []
        for p in periods[1:6]:
            for path in pages.values():
                t0 = time.perf_counter()
                assert client.get(f"{path}?period={p}").status_code == 200
                first.append(1000 * (time.perf_counter() - t0))
        out["first_view_ms"] = {"median": statistics.median(first), "max": max(first), "n": len(first)}
        for label, path in pages.items():
            for _ in range(warmup):
                client.get(path)
            times = []
            for _ in range(requests):
                t0 = time.perf_counter()
                response = client.get(path)
                times.append(1000 * (time.perf_counter() - t0))
                assert response.status_code == 200, response.status_code
            out[label] = {
                "median": statistics.median(times),
                "p99": _percentile(times, 99),
                "max": max(times),
                "n": len(times),
                "bytes": len(response.content),
            }
    out["load"] = os.getloadavg()[0]
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, timeout: float) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return int(r.status)
    except Exception:
        return 0


def _warm(base: str, deadline: float) -> float:
    """Until every worker has built its engine: batches of concurrent sign-ins and page views
    (new connections, so the workers share them) until a whole batch answers quickly."""
    from concurrent.futures import ThreadPoolExecutor

    def one_view(_: int) -> float:
        import http.cookiejar

        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        form = opener.open(f"{base}/login", timeout=900).read().decode()
        token = CSRF.search(form).group(1)
        data = f"username=admin&password={PASSWORD}&csrf_token={token}&next=/cockpit/G".encode()
        opener.open(urllib.request.Request(f"{base}/login", data=data), timeout=900).read()
        t0 = time.perf_counter()
        opener.open(f"{base}/cockpit/G01", timeout=900).read()
        return time.perf_counter() - t0

    started = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        while time.time() < deadline:
            if max(pool.map(one_view, range(8))) < 2.0:
                return time.perf_counter() - started
    raise TimeoutError("the server's workers did not warm up in time")


def load_test(url: str, users: int, seconds: int, workers: int) -> dict[str, object]:
    """Serve the benchmark database on a loopback port and run Locust headless against it."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PACER_DATABASE_URL": url,
        "PACER_ENVIRONMENT": "production",
        "PACER_SECRET_KEY": secrets.token_hex(16),
    }
    bin_dir = Path(sys.executable).parent
    serve = [str(bin_dir / "pacer"), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    work = Path(tempfile.mkdtemp(prefix="pacer-web-bench-"))
    with open(work / "server.log", "w") as log:  # the child keeps its own copy of the descriptor
        server = subprocess.Popen(serve, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        # every worker builds its engine before it accepts connections (pacer.server)
        deadline = time.time() + 1800
        while (work / "server.log").read_text().count("Application startup complete") < workers:
            if server.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"the server did not start; see {work / 'server.log'}")
            time.sleep(1)
        started_s = time.time() - (deadline - 1800)
        # then each worker computes the latest month's answers for every node in the background
        # (pacer.cockpit.warm) and says so in the log; the run starts after that
        while len(walks := WALKED.findall((work / "server.log").read_text())) < workers:
            if server.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"the workers did not compute their answers ahead; see {work / 'server.log'}")
            time.sleep(1)
        ahead_s = time.time() - (deadline - 1800) - started_s
        warm_s = _warm(base, time.time() + 1800)
        record = work / "locust.json"
        command = [
            str(bin_dir / "locust"),
            "-f",
            str(Path(__file__).resolve()),
            "--headless",
            "--host",
            base,
            "--users",
            str(users),
            "--spawn-rate",
            "10",
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "10",
            "--csv",
            str(work / "locust"),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ]
        t0 = time.perf_counter()
        done = subprocess.run(
            command,
            env={**os.environ, "PACER_BENCH_LOCUST_OUT": str(record)},
            capture_output=True,
            text=True,
            timeout=seconds + 300,
        )
        elapsed = time.perf_counter() - t0
        worker_peaks = _worker_peaks(server.pid, workers)  # while they still run
        load = os.getloadavg()[0]
        data = json.loads(record.read_text(encoding="utf-8"))
        stats = _locust_csv(work / "locust_stats.csv")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    times = data["times"]
    return {
        "command": " ".join(["locust", *command[1:]]).replace(str(ROOT) + "/", ""),
        "serve": " ".join(["pacer", *serve[1:]]),
        "warm_s": warm_s,
        "start_s": started_s,
        "elapsed_s": elapsed,
        "ahead_s": ahead_s,
        "walks": [(int(n), float(t)) for n, t in walks[:workers]],
        "requests": len(times),
        "errors": len(data["errors"]),
        "error_samples": data["errors"][:5],
        "p50": _percentile(times, 50),
        "p95": _percentile(times, 95),
        "p99": _percentile(times, 99),
        "max": max(times),
        "rps": len(times) / seconds,
        "per_name": stats,
        "locust_exit": done.returncode,
        "worker_peak_mib": worker_peaks,
        "load": load,
        "locust_stderr": done.stderr[-2000:],
    }


def _worker_peaks(server_pid: int, workers: int) -> list[float]:
    """Each served worker's own peak memory in MiB (``peak_mib``, the same as every benchmark's):
    uvicorn's worker processes, or the server process itself when it serves alone."""
    from benchmarks.memory import children, peak_mib

    if workers <= 1:
        return [peak_mib(server_pid)]
    spawned = [
        pid for pid in children(server_pid) if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]  # not the resource tracker
    return [peak_mib(pid) for pid in spawned]


def _locust_csv(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(encoding="utf-8") as f:
        return [row for row in csv.DictReader(f) if row["Name"] not in ("sign-in", "Aggregated")]


# -- report ---------------------------------------------------------------------------------------


def goals(
    args: argparse.Namespace, results: dict[str, dict[str, object]]
) -> list[tuple[str, str, str, str, bool, str]]:
    """The table's rows: (database, measurement, goal, measured, met, why not met). "Goals missed"
    lists exactly the rows not met, with their why."""
    rows = []
    cores = os.cpu_count()
    for db, r in results.items():
        st = r["server"]
        busy = (
            f"load average {st.get('load', float('nan')):.1f} on {cores} cores when measured "
            "(other work shares them; the server time is wall time in this process)"
        )
        for label in ("group node /cockpit/G", "second-level node /cockpit/G01"):
            m = st[label]
            rows.append(
                (
                    db,
                    f"server time, {label}: median",
                    "≤ 50 ms",
                    f"{m['median']:.1f} ms",
                    m["median"] <= GOALS["median_ms"],
                    f"median {m['median']:.1f} ms; {busy}.",
                )
            )
            rows.append(
                (
                    db,
                    f"server time, {label}: p99 (n = {m['n']})",
                    "≤ 150 ms",
                    f"{m['p99']:.1f} ms",
                    m["p99"] <= GOALS["p99_ms"],
                    f"p99 {m['p99']:.1f} ms (max {m['max']:.1f} ms) over {m['n']} requests; {busy}.",
                )
            )
        if "load" in r:
            ld = r["load"]
            rows.append(
                (
                    db,
                    f"{args.users} users, {args.seconds} s: p99",
                    "≤ 300 ms",
                    f"{ld['p99']:.0f} ms",
                    ld["p99"] <= GOALS["load_p99_ms"],
                    f"p99 {ld['p99']:.0f} ms. The tail is the first view of a node and month the background "
                    "walk does not cover (an earlier month, another language past the walk's share of the "
                    "cache, a viewer who sees only some children) in each worker: every answer computed once "
                    "while requests queued behind it in that worker wait, with Locust on the same two cores "
                    f"(load average {ld.get('load', float('nan')):.1f} on {cores} cores at the end). "
                    "Fix: share kept answers between workers.",
                )
            )
            rows.append(
                (
                    db,
                    f"{args.users} users: errors",
                    "0",
                    f"{ld['errors']} of {ld['requests']}",
                    ld["errors"] == 0,
                    f"{ld['errors']} of {ld['requests']} requests failed; the first: "
                    + "; ".join(str(e) for e in ld.get("error_samples", []))
                    + ".",
                )
            )
    return rows


def report(args: argparse.Namespace, results: dict[str, dict[str, object]]) -> str:
    from benchmarks.common import machine

    lines = [
        "## Web: the cockpit page and API on the benchmark group\n",
        f"Machine: {machine()}  ",
        f"Command: `python benchmarks/web.py --database {args.database} --requests {args.requests} "
        f"--users {args.users} --seconds {args.seconds} --workers {args.workers}` "
        "(part of `make benchmark`)  ",
        "Group: 1,000 units × 300 indicators × 118 months (≈35 M facts), `benchmarks/common.py`.\n",
        "| database | measurement | goal | measured | met |",
        "|---|---|---|---|---|",
    ]
    rows = goals(args, results)
    lines += [
        f"| {db} | {what} | {goal} | {measured} | {'yes' if met else '**no**'} |"
        for db, what, goal, measured, met, _ in rows
    ]
    for db, r in results.items():
        st = r["server"]
        fv = st["first_view_ms"]
        lines += [
            "",
            f"### {db}\n",
            f"- Engine build on the first request of a process: {st['engine_build_s']:.1f} s.",
            f"- First view of a node and month after the build (every answer computed, then kept): "
            f"median {fv['median']:.0f} ms, max {fv['max']:.0f} ms over {fv['n']} views.",
            "- Server time in process (after warm-up), median / p99 / max: "
            + "; ".join(
                f"{label} {m['median']:.1f} / {m['p99']:.1f} / {m['max']:.1f} ms ({m['bytes'] // 1024} KiB)"
                for label in ("group node /cockpit/G", "second-level node /cockpit/G01")
                for m in [st[label]]
            )
            + ".",
        ]
        if "load" in r:
            ld = r["load"]
            lines += [
                f"- Load test: `{ld['serve']}`, then `{ld['command']}` (host and CSV path vary per run). "
                f"The workers were ready (engine built) {ld['start_s']:.0f} s after launch; computing the latest "
                f"month's answers ahead, in the background, took {ld['ahead_s']:.0f} s more ("
                + ", ".join(f"{n} node views in {t:.0f} s" for n, t in ld["walks"])
                + f" per worker); warm-up requests took {ld['warm_s']:.0f} s more. Measured phase: "
                f"{ld['requests']} requests ({ld['rps']:.1f}/s), p50 {ld['p50']:.0f} ms, p95 {ld['p95']:.0f} ms, "
                f"p99 {ld['p99']:.0f} ms, max {ld['max']:.0f} ms, {ld['errors']} errors."
                + (
                    " Peak memory of each worker (its own high-water mark, read as the load test ended): "
                    + ", ".join(f"{m / 1024:.2f} GiB" for m in ld["worker_peak_mib"])
                    + "."
                    if ld.get("worker_peak_mib")
                    else ""
                ),
                "",
                "Per request, Locust's own figures over the whole run (the sign-in phase included, so "
                "higher in the tail than the measured phase above):",
                "",
                "| request | count | failures | median ms | p95 ms | p99 ms |",
                "|---|---|---|---|---|---|",
            ]
            lines += [
                f"| {s['Name']} | {s['Request Count']} | {s['Failure Count']} | {s['50%']} | {s['95%']} | {s['99%']} |"
                for s in ld["per_name"]
            ]
    missed = [f"- {db}, {what}: {why}" for db, what, _, _, met, why in rows if not met]
    if missed:
        lines += ["", "### Goals missed, and why\n", *missed]
    lines += [
        "",
        "### Method\n",
        "- Server time: `create_app` on the benchmark database in this process, signed in as the group "
        "administrator, Starlette's TestClient (no network); wall time of each GET, "
        f"{args.warmup} warm-up requests, then {args.requests} timed ones per page.",
        "- Load: `pacer serve` (uvicorn, production settings) on 127.0.0.1; each worker builds its engine before "
        "it accepts connections, then computes the latest month's answers for every node in a background "
        "thread; the run starts once every worker has logged the end of that walk and a batch of "
        "concurrent sign-ins and page views answers within 2 s. "
        f"Locust {args.users} users, 10 spawned per second, each signs in as one of "
        f"{', '.join(PERSONAS)} and waits 1–3 s between requests; tasks weighted 4 cockpit page, 3 drill-down "
        "to a child (one in five at one of the last twelve months), 2 cockpit JSON, 1 ranking JSON, "
        "1 chart specification. Percentiles are computed from every request after all users were spawned "
        "and had signed in (a sign-in verifies an Argon2 password hash, ≈ 0.1 s of CPU); sign-ins are not "
        "counted. Locust runs on the same two cores as the server.",
        "- Peak memory: each worker's own high-water mark of resident memory (`VmHWM` in "
        "/proc/<pid>/status, `peak_mib` in benchmarks/memory.py, as in every benchmark), never `ru_maxrss`, "
        "which a process inherits from the one that started it.",
        "- Why it is fast: the engine answers from memory; each answer (tiles, ranking with its trends, "
        "bridge, outlook, off-track list, chart specifications and images, the rendered ranking and bridge "
        "tables) is kept per engine version and key (node, month, language, and the visible children where "
        "the answer lists other units); the visibility rule runs on every request and cuts cached lists to "
        "what the viewer sees. A change to figures, targets, the org tree or grants yields a new engine "
        "version, and with it empty caches. In a served worker a background thread computes the latest "
        "month's answers for every node (top down, the site's language first, giving way to requests) "
        "after each new engine version, with every child visible: the keys a viewer who sees all of a "
        "node's children asks for. Other months, and viewers who see fewer children, are computed on "
        "their first view.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from benchmarks.common import POSTGRES_URL, RESULTS, SQLITE_URL, ensure_group

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--requests", type=int, default=300, help="timed requests per page (server time)")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-load", action="store_true", help="server time only")
    parser.add_argument("--url", help="measure this database as it is instead (a trial run; writes no results)")
    args = parser.parse_args()
    urls = {"SQLite": SQLITE_URL, "PostgreSQL": POSTGRES_URL}
    chosen = list(urls) if args.database == "both" else ["SQLite" if args.database == "sqlite" else "PostgreSQL"]
    if args.url:
        urls, chosen = {"trial": args.url}, ["trial"]
    results: dict[str, dict[str, object]] = {}
    for name in chosen:
        if not args.url:
            print(f"{name}: {ensure_group(urls[name])}", flush=True)
        results[name] = {"server": server_time(urls[name], args.requests, args.warmup)}
        print(json.dumps(results[name], default=str), flush=True)
        if not args.no_load:
            results[name]["load"] = load_test(urls[name], args.users, args.seconds, args.workers)
            print(json.dumps(results[name]["load"], default=str)[:3000], flush=True)
    if args.url:
        print(report(args, results))
        return
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "web.md").write_text(report(args, results), encoding="utf-8")
    print(f"wrote {RESULTS / 'web.md'}")


if __name__ == "__main__":
    main()
