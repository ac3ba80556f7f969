"""Faults, each staged for real: PostgreSQL stopped in mid-request and started again, a server
killed (kill -9) in mid-upload and in mid-acceptance (the disk under the database full:
test_full_disk.py; a job's server killed: tests/jobs/test_runner_killed.py).
After each: a clear answer while it lasts, nothing partial kept, every accepted figure and audit
row there, and the same request working once the fault is gone."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from pacer.app import create_app
from pacer.db import make_engine
from pacer.indicators.assignment_write import AssignmentIn, assign
from pacer.jobs.queue import conninfo
from pacer.kit.xlsx import XLSX
from tests.conftest import SERVER_URL, Org
from tests.factories import create_user
from tests.facts.workbooks import fill
from tests.web.test_bad_input import bearer
from tests.webclient import PASSWORD, csrf_from, set_passwords, settings_for, sign_in

MONTH = "2025-01"
URL = f"/api/submissions/A1/{MONTH}"
NEXT = "2025-02"
NEXT_URL = f"/api/submissions/A1/{NEXT}"
THIRD = "2025-03"
SRC = Path(__file__).parents[2] / "src"


def _people(url: str) -> dict[str, dict[str, str]]:
    """The small group of the suite, committed, with revenue reported by A1: each one's token."""
    engine = make_engine(url)
    with Session(engine) as session:
        org = Org(session)
        assign(
            session,
            org.hq_analyst,
            AssignmentIn(indicator_code="revenue", unit_code="A1", from_month="2024-01", reason="月报"),
        )
        create_user(session, "amy", [("unit_approver", org.A1)])
        set_passwords(session, "alice", "amy", "hannah")
        session.commit()
        people = {name: bearer(session, name) for name in ("alice", "amy", "hannah")}
    engine.dispose()
    return people


def _figures(value: str, version: int) -> dict[str, object]:
    return {"figures": [{"indicator_code": "revenue", "value": value}], "version": version}


def _counts(engine: Engine) -> dict[str, int]:
    tables = ("submission", "submission_figure", "fact", "audit_entry")
    with engine.connect() as conn:
        return {t: int(conn.scalar(text(f"SELECT count(*) FROM {t}")) or 0) for t in tables}


# -- PostgreSQL stopped in mid-request and started again ----------------------------------------------------


on_postgresql = pytest.mark.skipif(not SERVER_URL, reason="PostgreSQL's own faults: the PostgreSQL pass")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """A PostgreSQL cluster of the test's own (never the shared server), to stop and start."""

    def __init__(self, root: Path) -> None:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        assert found, "PostgreSQL's server programs (initdb, pg_ctl) are not installed under /usr/lib/postgresql"
        self.bin, self.data, self.port = found[-1].parent, root / "pgdata", _free_port()
        root.chmod(0o755)  # the server's user reads its directory (the test's own is the test user's)
        self.data.mkdir()
        shutil.chown(self.data, "postgres", "postgres")
        self.log = root / "postgresql.log"
        self.log.touch()
        shutil.chown(self.log, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, *args: str) -> None:
        done = subprocess.run([str(self.bin / program), *args], capture_output=True, user="postgres", timeout=60)
        assert done.returncode == 0, done.stderr.decode() + done.stdout.decode()

    def load(self, template_url: str) -> None:
        """The suite's migrated template, copied into this cluster (quicker than migrating)."""
        source = conninfo(template_url)
        dump = subprocess.run([str(self.bin / "pg_dump"), "--no-owner", source], capture_output=True, timeout=120)
        assert dump.returncode == 0, dump.stderr.decode()
        target = conninfo(self.url)
        load = subprocess.run(
            [str(self.bin / "psql"), "-q", "-v", "ON_ERROR_STOP=1", target], input=dump.stdout, capture_output=True
        )
        assert load.returncode == 0, load.stderr.decode()

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    root = Path(tempfile.mkdtemp(prefix="pacer-pg-"))
    try:
        own = Cluster(root)
        own.start()
        try:
            yield own
        finally:
            with contextlib.suppress(AssertionError):
                own.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _waiting_on_a_lock(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(
            conn.scalar(
                text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND state = 'active'")
            )
        )


@on_postgresql
def test_postgresql_stopped_mid_request_is_answered_503_and_started_again_serves_as_before(cluster, database_template):
    cluster.load(database_template)
    people = _people(cluster.url)
    engine = make_engine(cluster.url)
    app = create_app(settings_for(cluster.url, jobs_workers=0, workflow_tick_seconds=0))
    with TestClient(app) as client:
        assert client.put(URL, headers=people["alice"], json=_figures("10", 0)).status_code == 200
        before = _counts(engine)
        blocker = engine.connect()
        blocker.begin()
        blocker.execute(text("LOCK TABLE audit_entry IN ACCESS EXCLUSIVE MODE"))  # the save's last write waits
        answers: list[object] = []
        request = threading.Thread(
            target=lambda: answers.append(client.put(URL, headers=people["alice"], json=_figures("99", 1)))
        )
        request.start()
        deadline = time.monotonic() + 30
        while not _waiting_on_a_lock(engine):  # the figure written, the audit row waiting: mid-request
            assert time.monotonic() < deadline, "the request never reached its audit row"
            time.sleep(0.05)
        cluster.stop()
        request.join(30)
        blocker.invalidate()
        (cut,) = answers
        assert cut.status_code == 503, cut.text  # type: ignore[attr-defined]
        assert cut.headers["Retry-After"] == "5"  # type: ignore[attr-defined]
        assert "nothing was saved" in cut.json()["error"]["message"]  # type: ignore[attr-defined]

        down = client.get(URL, headers=people["alice"])
        assert down.status_code == 503, down.text
        assert down.json()["error"]["message"].startswith("the database cannot be reached now")

        cluster.start()
        engine.dispose()
        assert _counts(engine) == before  # nothing of the cut request kept
        back = client.get(URL, headers=people["alice"])
        assert back.status_code == 200, back.text
        assert back.json()["figures"][0]["value"] == "10.00"
        again = client.put(URL, headers=people["alice"], json=_figures("99", 1))
        assert again.status_code == 200, again.text
        assert client.get(URL, headers=people["alice"]).json()["figures"][0]["value"] == "99.00"
        after = _counts(engine)
        assert after["audit_entry"] > before["audit_entry"]  # the save audited with it
    app.state.db_engine.dispose()
    engine.dispose()


# -- a server killed (kill -9) in mid-upload and in mid-acceptance ------------------------------------------


class Served:
    """``pacer serve`` on the test's database, in a process group of its own; ``settings``
    (environment variables) on top of the test's, ``preload`` a module imported before the app."""

    def __init__(self, url: str, log: Path, settings: dict[str, str] | None = None, preload: str = "") -> None:
        self.url, self.log, self.port = url, log, _free_port()
        self.settings, self.preload = settings or {}, preload
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = (
            os.environ
            | {
                "PACER_DATABASE_URL": self.url,
                "PACER_WORKFLOW_TICK_SECONDS": "0",
                "PACER_JOBS_WORKERS": "0",
                "PACER_ENVIRONMENT": "test",
                "PACER_SECRET_KEY": "test-secret-key",
                "PYTHONPATH": os.pathsep.join((str(SRC), str(SRC.parent))),
            }
            | self.settings
        )
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        program = (f"import {self.preload}; " if self.preload else "") + "from pacer.cli import app; app()"
        command = [sys.executable, "-c", program, "serve", "--port", str(self.port)]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [*command, "--workers", "1"], env=env, stdout=out, stderr=out, start_new_session=True
            )
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(httpx2.HTTPError):
                if httpx2.get(f"{self.base}/readyz", timeout=5).status_code == 200:
                    return
            assert self.process.poll() is None, self.log.read_text(errors="replace")
            assert time.monotonic() < deadline, self.log.read_text(errors="replace")
            time.sleep(0.2)

    def kill(self) -> None:
        """kill -9 of the server and its worker processes: nothing of theirs runs after it."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[Served]:
    server = Served(database_url, tmp_path / "server.log")
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def writes_held(url: str) -> Iterator[Engine]:
    """The database's writers made to wait, in mid-transaction where the database allows it:
    on PostgreSQL every write of a request is done but its audit row (the last) waits; SQLite
    has one write lock, held here, so a writing request waits at its start."""
    engine = make_engine(url)
    held = engine.connect().execution_options(sqlite_write=True)  # SQLite: BEGIN IMMEDIATE
    held.begin()
    if held.dialect.name == "postgresql":
        held.execute(text("LOCK TABLE audit_entry IN ACCESS EXCLUSIVE MODE"))
    try:
        yield engine
    finally:
        held.rollback()
        held.close()


def _in_flight(engine: Engine, answers: list[object]) -> None:
    """Until the request is in the middle of its transaction (PostgreSQL: waiting on the held
    audit table; SQLite: waiting for the write lock): it must not have been answered."""
    if engine.dialect.name == "postgresql":
        deadline = time.monotonic() + 30
        while not _waiting_on_a_lock(engine):
            assert time.monotonic() < deadline, "the request never reached its audit row"
            time.sleep(0.05)
    else:
        time.sleep(1.5)
    assert answers == [], "answered before the server was killed"


def _sent(call) -> tuple[threading.Thread, list[object]]:
    answers: list[object] = []

    def send() -> None:
        try:
            answers.append(call())
        except httpx2.HTTPError as exc:  # the server died under it
            answers.append(exc)

    thread = threading.Thread(target=send)
    thread.start()
    return thread, answers


def _prepared(url: str, people: dict[str, dict[str, str]], approve: bool) -> None:
    """January accepted (figures of record); February, if ``approve``, approved and waiting for HQ."""
    app = create_app(settings_for(url, jobs_workers=0, workflow_tick_seconds=0))
    with TestClient(app) as client:
        for at, value in ((URL, "7"), (NEXT_URL, "10"))[: 2 if approve else 1]:
            assert client.put(at, headers=people["alice"], json=_figures(value, 0)).status_code == 200
            assert client.post(f"{at}/verbs/submit", headers=people["alice"], json={}).status_code == 200
            assert client.post(f"{at}/verbs/approve", headers=people["amy"], json={}).status_code == 200
            if at == URL:
                assert client.post(f"{at}/verbs/accept", headers=people["hannah"], json={}).status_code == 200
    app.state.db_engine.dispose()


def _signed_in(base: str, username: str) -> httpx2.Client:
    client = httpx2.Client(base_url=base, timeout=60)
    token = csrf_from(client.get("/login").text)
    signed = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token, "next": "/"})
    assert signed.status_code == 303, signed.text
    return client


def _upload(client: httpx2.Client | TestClient, workbook: Path) -> httpx2.Response:
    token = csrf_from(client.get("/account").text)
    files = {"file": (workbook.name, workbook.read_bytes(), XLSX)}
    return client.post(f"/submissions/A1/{THIRD}/upload", data={"csrf_token": token}, files=files)


def test_a_server_killed_mid_acceptance_and_mid_upload_keeps_nothing_of_either_and_both_work_after(
    database_url, served, tmp_path
):
    people = _people(database_url)
    _prepared(database_url, people, approve=True)
    engine = make_engine(database_url)
    before = _counts(engine)
    served.start()
    accept = f"{served.base}{NEXT_URL}/verbs/accept"
    with writes_held(database_url) as held:
        thread, answers = _sent(lambda: httpx2.post(accept, headers=people["hannah"], json={}, timeout=60))
        _in_flight(held, answers)
        served.kill()
    thread.join(30)
    assert isinstance(answers[0], httpx2.HTTPError)  # no answer: the server died
    assert _counts(engine) == before  # not a figure of record, not an audit row more

    served.start()
    month = httpx2.get(f"{served.base}{NEXT_URL}", headers=people["hannah"], timeout=30).json()
    assert month["state"] == "approved"
    assert [e["verb"] for e in month["history"]] == ["create", "submit", "approve"]
    january = httpx2.get(f"{served.base}{URL}", headers=people["hannah"], timeout=30).json()
    assert (january["state"], january["figures"][0]["value"]) == ("accepted", "7.00")  # no accepted figure lost
    accepted = httpx2.post(accept, headers=people["hannah"], json={}, timeout=60)
    assert accepted.status_code == 200, accepted.text
    assert [e["verb"] for e in accepted.json()["history"]] == ["create", "submit", "approve", "accept"]
    after = _counts(engine)
    assert after["fact"] > before["fact"]
    assert after["audit_entry"] > before["audit_entry"]

    # March's workbook: the server killed while it uploads
    alice = _signed_in(served.base, "alice")
    workbook = tmp_path / "filled.xlsx"
    workbook.write_bytes(alice.get(f"/submissions/A1/{THIRD}/template.xlsx").content)
    fill(workbook, "A1", {"revenue": "2,000"})
    with writes_held(database_url) as held:
        thread, answers = _sent(lambda: _upload(alice, workbook))
        _in_flight(held, answers)
        served.kill()
    thread.join(30)
    assert isinstance(answers[0], httpx2.HTTPError)
    assert _counts(engine) == after  # no partial submission, no audit row of it

    app = create_app(settings_for(database_url, jobs_workers=0, workflow_tick_seconds=0))  # the next server
    with TestClient(app, follow_redirects=False) as client:
        march = f"/api/submissions/A1/{THIRD}"
        assert client.get(march, headers=people["alice"]).status_code == 404  # no March at all
        again = _upload(sign_in(client, "alice"), workbook)
        assert again.status_code == 303, again.text
        shown = client.get(march, headers=people["alice"]).json()
        assert (shown["state"], shown["figures"][0]["value"]) == ("draft", "2000.00")
        assert client.get(NEXT_URL, headers=people["alice"]).json()["state"] == "accepted"
    app.state.db_engine.dispose()
    assert _counts(engine)["audit_entry"] > after["audit_entry"]
    engine.dispose()
