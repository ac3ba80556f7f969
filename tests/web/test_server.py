"""The served application: its admission gate counts the requests inside it, and it trusts the
configured reverse proxies to name the client."""

from __future__ import annotations

import asyncio

from pacer.web.server import AdmissionLimit, InFlight


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
    assert max(seen) == 2 and in_flight.count == 0 and not in_flight.busy()
    assert seen[-1] == 0  # a lifespan message is not a request


def test_the_server_trusts_the_configured_proxies_to_name_the_client(monkeypatch) -> None:
    """Behind a reverse proxy, X-Forwarded-For from the proxies named in
    PACER_FORWARDED_ALLOW_IPS gives the client's address (sign-in throttling counts it)."""
    import uvicorn

    from pacer.config import get_settings
    from pacer.web import server

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))
    monkeypatch.setenv("PACER_FORWARDED_ALLOW_IPS", "10.0.0.5,10.0.0.6")
    get_settings.cache_clear()
    try:
        server.run_server(port=8123)
    finally:
        get_settings.cache_clear()
    assert calls[0]["proxy_headers"] is True
    assert calls[0]["forwarded_allow_ips"] == "10.0.0.5,10.0.0.6"
    assert calls[0]["port"] == 8123
