"""The served application's admission gate counts the requests inside the application."""

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
