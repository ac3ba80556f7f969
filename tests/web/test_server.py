"""The served application: its admission gate counts the requests inside it, it trusts only the
configured reverse proxies to name the client, and it never signs with a published secret where
others can reach it."""

from __future__ import annotations

import asyncio
import re
import stat

import pytest

from pacer.config import DEVELOPMENT_SECRET, Settings, stored_secret
from pacer.errors import DomainError
from pacer.server import AdmissionLimit, InFlight


def test_the_admission_gate_counts_requests_in_flight_and_lets_at_most_its_limit_in() -> None:
    in_flight, seen = InFlight(), []

    async def app(scope: object, receive: object, send: object) -> None:
        seen.append(in_flight.count)
        await asyncio.sleep(0.01)

    gate = AdmissionLimit(app, limit=2, in_flight=in_flight)

    async def main() -> None:
        await asyncio.gather(*(gate({"type": "http"}, None, None) for _ in range(5)))
        await gate({"type": "lifespan"}, None, None)

    asyncio.run(main())
    assert max(seen) == 2
    assert in_flight.count == 0
    assert not in_flight.busy()
    assert seen[-1] == 0  # a lifespan message is not a request


def _run(monkeypatch, tmp_path, host: str = "127.0.0.1", **env: str) -> dict[str, object]:
    import uvicorn

    from pacer import server
    from pacer.config import get_settings

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # where a generated secret is kept
    for name in ("PACER_FORWARDED_ALLOW_IPS", "PACER_SECRET_KEY", "PACER_ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        server.run_server(host=host, port=8123)
    finally:
        get_settings.cache_clear()
    return calls[0]


def test_the_server_trusts_the_configured_proxies_to_name_the_client(monkeypatch, tmp_path) -> None:
    """Behind a reverse proxy, X-Forwarded-For from the proxies named in
    PACER_FORWARDED_ALLOW_IPS gives the client's address."""
    call = _run(monkeypatch, tmp_path, PACER_FORWARDED_ALLOW_IPS="10.0.0.5,10.0.0.6")
    assert call["proxy_headers"] is True
    assert call["forwarded_allow_ips"] == "10.0.0.5,10.0.0.6"
    assert call["port"] == 8123


def test_a_worker_process_has_time_to_start_on_a_busy_machine(monkeypatch, tmp_path) -> None:
    """uvicorn kills a worker that does not answer its health check in time; a new worker answers
    only once it has imported Pacer, which takes more than uvicorn's default 5 s on a loaded
    machine."""
    assert _run(monkeypatch, tmp_path)["timeout_worker_healthcheck"] >= 60


def test_an_idle_connection_is_kept_longer_than_a_client_or_proxy_keeps_it(monkeypatch, tmp_path) -> None:
    """A server closing a kept-alive connection as the client sends its next request on it resets
    that request (uvicorn's default closes after 5 s idle, less than a pause between clicks);
    nginx keeps an idle upstream connection for up to 60 s."""
    assert _run(monkeypatch, tmp_path)["timeout_keep_alive"] > 60


def test_by_default_the_server_believes_no_forwarded_header(monkeypatch, tmp_path) -> None:
    """Not even from a local client: otherwise anyone on the machine (or a proxy passing the
    header through) could name any address."""
    call = _run(monkeypatch, tmp_path)
    assert call["proxy_headers"] is False
    assert call["forwarded_allow_ips"] is None


def test_a_server_beyond_loopback_refuses_a_published_or_short_secret(monkeypatch, tmp_path) -> None:
    for secret in (DEVELOPMENT_SECRET, "short-secret"):
        with pytest.raises(DomainError, match=re.escape("refusing to listen on 0.0.0.0: PACER_SECRET_KEY")):
            _run(monkeypatch, tmp_path, host="0.0.0.0", PACER_SECRET_KEY=secret)
    assert _run(monkeypatch, tmp_path, host="localhost", PACER_SECRET_KEY=DEVELOPMENT_SECRET)["host"] == "localhost"
    assert _run(monkeypatch, tmp_path, host="0.0.0.0", PACER_SECRET_KEY="x" * 40)["host"] == "0.0.0.0"
    # unset: the installation's generated key, private and long enough
    assert _run(monkeypatch, tmp_path, host="::")["host"] == "::"


def test_without_a_secret_key_one_is_generated_once_and_kept_private(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("PACER_SECRET_KEY", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    first, second = Settings(database_url="sqlite://"), Settings(database_url="sqlite://")
    path = tmp_path / "pacer" / "secret_key"
    assert first.secret_key == second.secret_key == path.read_text().strip()
    assert first.has_private_secret
    assert first.secret_key != DEVELOPMENT_SECRET
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stored_secret(tmp_path / "pacer") == first.secret_key
    assert stored_secret(tmp_path) != first.secret_key  # another installation, another key
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    fallback = stored_secret(blocked)  # a data directory that cannot be written: a key for this process
    assert len(fallback) >= 32
    assert fallback != stored_secret(blocked)


def test_production_refuses_a_published_secret() -> None:
    with pytest.raises(ValueError, match="PACER_SECRET_KEY must be a private random value"):
        Settings(database_url="sqlite://", environment="production", secret_key=DEVELOPMENT_SECRET)


def test_each_worker_imports_the_served_application_by_the_name_uvicorn_is_given(monkeypatch, tmp_path) -> None:
    import importlib

    import uvicorn

    from pacer import server

    targets: list[object] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **kwargs: targets.append(target))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    server.run_server(port=8123)
    module, _, name = str(targets[0]).partition(":")
    assert getattr(importlib.import_module(module), name) is server.create_served_app
