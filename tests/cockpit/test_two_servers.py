"""Every process sees every change: two real servers on one database, a month accepted through
one of them, the other's cockpit answers with the new figure within seconds."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from pacer.db import get_engine
from pacer.models import Fact
from tests.conftest import Org
from tests.factories import create_user, indicator
from tests.web.test_bad_input import bearer
from tests.webclient import set_passwords

SRC = Path(__file__).parents[2] / "src"
SEEN_WITHIN_S = 5.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _call(port: int, method: str, path: str, headers: dict[str, str], body: object = None) -> tuple[int, object]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    for name, value in {**headers, "Content-Type": "application/json"}.items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


class Server:
    """``uvicorn pacer.server:create_served_app`` in a process of its own."""

    def __init__(self, url: str, log: Path) -> None:
        self.port = _free_port()
        env = os.environ | {
            "PACER_DATABASE_URL": url,
            "PACER_WORKFLOW_TICK_SECONDS": "0",
            "PACER_JOBS_WORKERS": "0",
            "PYTHONPATH": str(SRC),
        }
        command = [sys.executable, "-m", "uvicorn", "pacer.server:create_served_app", "--factory"]
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [*command, "--host", "127.0.0.1", "--port", str(self.port)], env=env, stdout=out, stderr=out
            )
        self.log = log

    def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text(errors="replace")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/favicon.ico", timeout=5):
                    return
            except OSError:
                time.sleep(0.3)
        raise AssertionError(f"the server did not start: {self.log.read_text(errors='replace')}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def two_servers(database_url: str, tmp_path: Path) -> Iterator[tuple[Server, Server, dict[str, dict[str, str]]]]:
    """A group whose unit A2 reported revenue in 2025, A1 nothing yet; two servers on it."""
    with Session(get_engine()) as session:
        org = Org(session)
        from pacer.indicators.assignment_write import AssignmentIn, assign

        assign(
            session,
            org.hq_analyst,
            AssignmentIn(indicator_code="revenue", unit_code="A1", from_month="2024-01", reason="月报"),
        )
        create_user(session, "amy", [("unit_approver", org.A1)])
        revenue = indicator(session, "revenue")
        session.add_all(
            Fact(unit_id=org.A2.id, indicator_id=revenue.id, period=202501 + m, value=100) for m in range(3)
        )
        set_passwords(session, "alice", "amy", "hannah")
        session.commit()
        people = {name: bearer(session, name) for name in ("alice", "amy", "hannah")}
    get_engine().dispose()
    servers = [Server(database_url, tmp_path / "one.log"), Server(database_url, tmp_path / "two.log")]
    try:
        for server in servers:
            server.wait_ready()
        yield servers[0], servers[1], people
    finally:
        for server in servers:
            server.stop()


def _revenue_of_a1(server: Server, who: dict[str, str]) -> object:
    status, body = _call(server.port, "GET", "/api/cockpit/A1?period=2025-01", who)
    assert status == 200, body
    assert isinstance(body, dict)
    tile = next(t for t in body["tiles"] if t["indicator"]["code"] == "revenue")
    return tile["value"]


def test_a_month_accepted_through_one_server_is_answered_by_the_other_within_seconds(two_servers):
    one, two, people = two_servers
    assert _revenue_of_a1(two, people["hannah"]) is None  # the second server's engine, built before
    path = "/api/submissions/A1/2025-01"
    body = {"figures": [{"indicator_code": "revenue", "value": "1234.5"}]}
    status, saved = _call(one.port, "PUT", path, {**people["alice"], "If-Match": '"0"'}, body)
    assert status == 200, saved
    for verb, who in (("submit", "alice"), ("approve", "amy"), ("accept", "hannah")):
        status, answer = _call(one.port, "POST", f"{path}/verbs/{verb}", people[who], {})
        assert status == 200, (verb, answer)
    assert isinstance(answer, dict)
    assert answer["state"] == "accepted"
    accepted = time.monotonic()
    value = _revenue_of_a1(two, people["hannah"])
    while value is None and time.monotonic() - accepted < 30:
        time.sleep(0.1)
        value = _revenue_of_a1(two, people["hannah"])
    seen_after = time.monotonic() - accepted
    assert isinstance(value, str)
    assert Decimal(value) == Decimal("1234.5")
    assert seen_after < SEEN_WITHIN_S, f"the other server answered with the figure after {seen_after:.1f} s"
