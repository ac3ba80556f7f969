"""/healthz, /readyz and /metrics; each request's id, log line and metric sample; the job, engine
and connection pool metrics."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from pythonjsonlogger.json import JsonFormatter

from pacer.analysis.serve import service
from pacer.app import create_app
from pacer.auth.permissions import load_actor
from pacer.db import make_engine
from pacer.jobs.kinds import Kind, Output, register
from pacer.jobs.runner import claim_next, execute, savepoints
from pacer.jobs.service import Asked, enqueue
from pacer.ops import metrics
from pacer.ops.metrics import array_bytes
from pacer.ops.requests import RequestIdFilter, current_request_id, logging_config
from tests.webclient import settings_for

LOOPBACK = ("127.0.0.1", 50000)


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def local(app):
    """A client on the server's own machine."""
    with TestClient(app, follow_redirects=False, client=LOOPBACK) as c:
        yield c


def test_healthz_answers_while_the_process_lives(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_waits_for_the_engine_then_is_ready(client, app):
    service.clear()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "not ready",
        "database": "ok",
        "migrations": "ok",
        "engine": "not built yet",
    }
    service.get_analysis(app.state.db_engine)
    try:
        response = client.get("/readyz")
        assert response.status_code == 200
        assert response.json()["status"] == "ready"
    finally:
        service.clear()


def test_readyz_says_the_database_cannot_be_reached():
    app = create_app(settings_for("postgresql+psycopg://nobody:hidden@127.0.0.1:1/none"))
    with TestClient(app) as c:
        response = c.get("/readyz")
    app.state.db_engine.dispose()
    assert response.status_code == 503
    assert response.json()["database"].startswith("unreachable: ")
    assert "hidden" not in response.text


def test_readyz_says_the_schema_is_missing(tmp_path):
    app = create_app(settings_for(f"sqlite:///{tmp_path / 'empty.db'}"))
    with TestClient(app) as c:
        response = c.get("/readyz")
    app.state.db_engine.dispose()
    assert response.status_code == 503
    assert response.json()["migrations"] == "no schema: run pacer db upgrade"


# -- request ids and log lines -------------------------------------------------------------------


def test_every_answer_carries_a_new_request_id(client):
    first, second = client.get("/healthz"), client.get("/nowhere")
    ids = {first.headers["x-request-id"], second.headers["x-request-id"]}
    assert len(ids) == 2
    assert all(len(i) == 32 for i in ids)


def test_a_plain_incoming_request_id_is_kept_and_any_other_replaced(client):
    assert client.get("/healthz", headers={"X-Request-ID": "lb-7f3a:01.2"}).headers["x-request-id"] == "lb-7f3a:01.2"
    for bad in ("has space", "x" * 129, "<script>", "ü"):
        answered = client.get("/healthz", headers={"X-Request-ID": bad.encode()})
        assert answered.headers["x-request-id"] != bad
        assert len(answered.headers["x-request-id"]) == 32


def test_each_request_is_logged_once_with_its_id_route_status_duration_and_user(signed_in, caplog):
    alice = signed_in("alice")
    with caplog.at_level(logging.INFO, logger="pacer.request"):
        response = alice.get("/api/jobs/999999", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 404
    lines = [r for r in caplog.records if r.name == "pacer.request" and getattr(r, "request_id", "") == "req-42"]
    assert len(lines) == 1
    line = lines[0]
    assert (line.method, line.path, line.route, line.status, line.user) == (
        "GET",
        "/api/jobs/999999",
        "/api/jobs/{job_id}",
        404,
        "alice",
    )
    assert line.duration_ms >= 0
    assert line.getMessage().startswith("GET /api/jobs/999999 404 ")


def test_json_log_lines_carry_the_request_fields_and_the_id_of_the_request_they_were_written_in():
    config = logging_config("json")["formatters"]["pacer"]
    formatter = JsonFormatter(**{k: v for k, v in config.items() if k != "()"})
    record = logging.LogRecord("pacer.reports", logging.WARNING, __file__, 1, "slow chart %s", ("c1",), None)
    token = current_request_id.set("abc123")
    try:
        RequestIdFilter().filter(record)
    finally:
        current_request_id.reset(token)
    line = json.loads(formatter.format(record))
    assert line["message"] == "slow chart c1"
    assert line["request_id"] == "abc123"
    assert line["level"] == "WARNING"
    assert line["logger"] == "pacer.reports"
    assert isinstance(line["pid"], int)
    assert "time" in line


def test_text_logs_name_the_request_too():
    config = logging_config("text")
    assert "%(request_id)s" in config["formatters"]["pacer"]["format"]
    assert config["loggers"]["uvicorn.access"]["handlers"] == []  # one line per request: Pacer's


# -- metrics -------------------------------------------------------------------------------------


def test_requests_are_counted_and_timed_by_route_template_and_status(signed_in, local):
    alice = signed_in("alice")
    labels = {"method": "GET", "route": "/api/jobs/{job_id}", "status": "404"}
    before = value("pacer_http_requests_total", **labels)
    timed = value("pacer_http_request_duration_seconds_count", **labels)
    alice.get("/api/jobs/999998")
    alice.get("/api/jobs/999997")
    local.get("/no/such/page")
    text = local.get("/metrics").text
    assert value("pacer_http_requests_total", **labels) == before + 2
    assert value("pacer_http_request_duration_seconds_count", **labels) == timed + 2
    assert 'route="/api/jobs/{job_id}"' in text
    assert 'route="/api/jobs/999998"' not in text  # templates, not paths
    assert 'pacer_http_requests_total{method="GET",route="<unmatched>",status="404"}' in text
    assert "pacer_http_request_duration_seconds_bucket" in text


def test_metrics_answer_only_this_machine_without_a_token(client, local):
    refused = client.get("/metrics")  # the test client's address is not loopback
    assert refused.status_code == 403
    assert "PACER_METRICS_TOKEN" in refused.json()["detail"]
    answered = local.get("/metrics")
    assert answered.status_code == 200
    assert answered.headers["content-type"].startswith("text/plain; version=")
    assert "# TYPE pacer_http_requests_total counter" in answered.text


def test_with_a_token_metrics_answer_its_bearer_from_anywhere_and_nobody_else(app, client, local):
    app.state.settings = app.state.settings.model_copy(update={"metrics_token": "s3cret-metrics-token"})
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret-metrics-token"}).status_code == 200
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert local.get("/metrics").status_code == 401  # the token is then asked of everyone


def _made(ctx):
    return Output("made.txt", b"made", "text/plain; charset=utf-8")


def _breaks(ctx):
    return 1 / 0


register(Kind("test_metric_made", ("测试", "Test"), _made))
register(Kind("test_metric_breaks", ("测试", "Test"), _breaks))


def test_jobs_are_counted_by_kind_and_outcome_and_timed(session, org):
    alice = load_actor(session, "alice")
    done = value("pacer_jobs_total", kind="test_metric_made", state="done")
    failed = value("pacer_jobs_total", kind="test_metric_breaks", state="failed")
    timed = value("pacer_job_duration_seconds_count", kind="test_metric_made")
    tx = savepoints(session)
    for kind in ("test_metric_made", "test_metric_breaks"):
        enqueue(session, alice, Asked(kind, {"lang": "en"}, org.A1.id, "2025-09", ("测试", "Test")))
        job_id = claim_next(tx)
        assert job_id is not None
        execute(tx, job_id)
    assert value("pacer_jobs_total", kind="test_metric_made", state="done") == done + 1
    assert value("pacer_jobs_total", kind="test_metric_breaks", state="failed") == failed + 1
    assert value("pacer_job_duration_seconds_count", kind="test_metric_made") == timed + 1


def test_an_engine_build_is_timed_and_its_size_given(app, local):
    service.clear()
    builds = value("pacer_engine_build_seconds_count")
    try:
        analysis = service.get_analysis(app.state.db_engine)
    finally:
        service.clear()
    assert value("pacer_engine_build_seconds_count") == builds + 1
    assert value("pacer_engine_bytes") == array_bytes(analysis)
    assert "pacer_engine_bytes" in local.get("/metrics").text


def test_the_engine_size_counts_its_arrays(figures, session):
    with metrics.engine_build() as built:
        built["analysis"] = analysis = service.build(session.connection())
    facts = array_bytes(analysis.engine.facts)
    assert facts >= 3 * 2 * 23 * 8  # three units, two indicators, 23 months of 8-byte values at least
    assert value("pacer_engine_bytes") >= facts + analysis.data.unit_ids.nbytes


def test_connections_opened_before_the_pool_was_watched_are_counted_when_lent_and_never_below_zero(tmp_path):
    """An engine already in use when an application is made on it (a command's, another app's):
    its open connection is counted once it is lent, and closing it takes off only what was added."""
    engine = make_engine(f"sqlite:///{tmp_path / 'watched.db'}")
    held = engine.connect()  # lent before the watch: its return is not counted
    with engine.connect():
        pass  # opened and returned before the watch: in the pool
    opened, lent = (
        value("pacer_db_pool_connections", state="open"),
        value("pacer_db_pool_connections", state="checked_out"),
    )
    metrics.watch_pool(engine)
    with engine.connect():
        assert value("pacer_db_pool_connections", state="checked_out") == lent + 1
        assert value("pacer_db_pool_connections", state="open") == opened + 1
    held.close()
    assert value("pacer_db_pool_connections", state="checked_out") == lent
    engine.dispose()  # closes both: only the one counted is taken off
    assert value("pacer_db_pool_connections", state="open") == opened
    assert value("pacer_db_pool_connections", state="checked_out") == lent


def test_the_pool_gauges_follow_connections_lent_and_returned(app, local):
    lent = value("pacer_db_pool_connections", state="checked_out")
    with app.state.db_engine.connect():
        assert value("pacer_db_pool_connections", state="checked_out") == lent + 1
        assert value("pacer_db_pool_connections", state="open") >= 1
    assert value("pacer_db_pool_connections", state="checked_out") == lent
    assert 'pacer_db_pool_connections{state="open"}' in local.get("/metrics").text
