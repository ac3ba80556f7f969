"""``pacer serve --workers 2`` as a deployment runs it: JSON log lines on standard error, and
metrics that add up every worker's requests whichever worker answers /metrics."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REQUESTS = 30


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _healthz_count(metrics: str) -> float:
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith("pacer_http_requests_total{") and 'route="/healthz"' in line
    )


def _request_lines(log: Path) -> list[dict[str, object]]:
    lines = []
    for text in log.read_text().splitlines():
        record = json.loads(text)  # every line is one JSON object
        if record.get("logger") == "pacer.request":
            lines.append(record)
    return lines


@pytest.fixture
def served(database_url, tmp_path, free_tcp_port):
    log = tmp_path / "server.log"
    env = {
        **os.environ,
        "PACER_DATABASE_URL": database_url,
        "PACER_LOG_FORMAT": "json",
        "PACER_WORKFLOW_TICK_SECONDS": "0",
        "PACER_JOBS_WORKERS": "0",
        "PACER_ENVIRONMENT": "test",
        "PACER_ENGINE_SNAPSHOT_DIR": str(tmp_path / "engines"),  # the workers' shared engine
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [sys.executable, "-c", "from pacer.cli import app; app()", "serve", "--port", str(free_tcp_port)]
    with log.open("w") as err:
        server = subprocess.Popen([*command, "--workers", "2"], env=env, stdout=err, stderr=err)
    base = f"http://127.0.0.1:{free_tcp_port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if _get(f"{base}/readyz")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
        yield base, log
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_metrics_add_up_every_workers_requests_and_each_request_logs_one_json_line(served):
    base, log = served
    sent = 0
    pids: set[object] = set()
    for _ in range(10):  # until both workers have answered some (the kernel shares connections out)
        for _ in range(REQUESTS):
            assert _get(f"{base}/healthz", {"X-Request-ID": f"probe-{sent}"})[0] == 200
            sent += 1
        time.sleep(0.3)  # the log lines are written after the answers
        pids = {r["pid"] for r in _request_lines(log) if r["path"] == "/healthz"}
        if len(pids) >= 2:
            break
    assert len(pids) == 2, "one worker answered every request: nothing to add up"
    for _ in range(4):  # whichever worker answers the scrape, it counts every worker's requests
        status, metrics = _get(f"{base}/metrics")
        assert status == 200
        assert _healthz_count(metrics) == sent
    lines = [r for r in _request_lines(log) if r["path"] == "/healthz"]
    assert sorted(r["request_id"] for r in lines) == sorted(f"probe-{i}" for i in range(sent))
    first = lines[0]
    assert {"time", "level", "message", "method", "status", "duration_ms", "user", "route"} <= set(first)
    assert (first["method"], first["status"], first["route"], first["user"]) == ("GET", 200, "/healthz", None)
