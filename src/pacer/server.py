"""Run the application under uvicorn; several workers share the database and, on one machine,
the analysis engine (:mod:`pacer.analysis.serve.shared`)."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pacer.analysis import get_analysis
from pacer.app import create_app
from pacer.auth.passwords import verify_password
from pacer.cockpit.warm import Warmer
from pacer.config import MIN_SECRET_LENGTH, Settings, data_dir, get_settings
from pacer.db import make_engine
from pacer.errors import DomainError
from pacer.models import User
from pacer.ops.metrics import MULTIPROCESS_DIR
from pacer.ops.requests import logging_config
from pacer.web.i18n import LANGUAGES

log = logging.getLogger("pacer.web")
# Requests let into the application at once per worker; the rest wait in the event loop holding
# nothing. Each request in flight may hold two database connections (its session and the change
# marker's), so this stays under the pool's 15: otherwise threads waiting for a connection can
# hold every thread the requests holding connections need, and all wait for the pool's timeout.
ADMITTED = 6


class InFlight:
    """How many HTTP requests are inside the application now (read by background work that
    should give way to them)."""

    def __init__(self) -> None:
        self.count = 0

    def busy(self) -> bool:
        return self.count > 0


class AdmissionLimit:
    """At most ``limit`` HTTP requests inside the application at once (ASGI middleware)."""

    def __init__(self, app: Any, limit: int = ADMITTED, in_flight: InFlight | None = None) -> None:
        self.app, self.gate = app, asyncio.Semaphore(limit)
        self.in_flight = in_flight or InFlight()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        async with self.gate:
            self.in_flight.count += 1  # only the event loop's thread writes it
            try:
                await self.app(scope, receive, send)
            finally:
                self.in_flight.count -= 1


def create_served_app() -> FastAPI:
    """The application as ``pacer serve`` runs it: each worker builds its analysis engine before
    it accepts a connection, so no request waits for a build (a worker still starting leaves its
    connections to the others). Then, and after every new engine version, a background thread
    computes the latest month's cockpit answers for every node, giving way to requests
    (:mod:`pacer.cockpit.warm`)."""
    app = create_app()
    inner = app.router.lifespan_context
    in_flight = InFlight()

    @asynccontextmanager
    async def lifespan(a: FastAPI) -> AsyncIterator[Any]:  # what the application's own lifespan yields
        try:
            await asyncio.to_thread(get_analysis, a.state.db_engine)
        except Exception:  # an empty or unreachable database: requests will say why
            log.exception("the analysis engine could not be built at start")
        default = a.state.settings.language
        # uvicorn's logger: the one whose records a served worker prints
        warmer = Warmer(
            a.state.db_engine,
            [default, *(x for x in LANGUAGES if x != default)],
            busy=in_flight.busy,
            logger=logging.getLogger("uvicorn.error"),
        )
        warmer.start()
        a.state.jobs.start()
        ticker = _start_ticker(a)
        try:
            async with inner(a) as state:
                yield state
        finally:
            if ticker is not None:
                ticker.cancel()
            await asyncio.to_thread(warmer.stop)
            await asyncio.to_thread(a.state.jobs.stop)

    app.router.lifespan_context = lifespan
    app.add_middleware(AdmissionLimit, in_flight=in_flight)
    return app


def _start_ticker(app: FastAPI) -> asyncio.Task[None] | None:
    """The workflow's deadline steps and e-mails, every PACER_WORKFLOW_TICK_SECONDS (0: none;
    with the procrastinate queue, ``pacer worker`` runs it once per schedule for all servers)."""
    from pacer.workflow.jobs import tick_forever

    settings: Settings = app.state.settings
    if settings.workflow_tick_seconds <= 0 or settings.jobs_queue == "procrastinate":
        return None
    return asyncio.create_task(
        tick_forever(app.state.session_factory, settings, logging.getLogger("uvicorn.error")),
        name="pacer-workflow-tick",
    )


# How long uvicorn's process manager waits for a worker process to answer its health check
# before it kills and replaces it. Its default, 5 s, is shorter than a new worker takes to import
# Pacer on a busy machine (it answers only once the import is done): every worker was killed
# before it started, again and again, and the server never served.
WORKER_HEALTHCHECK_S = 120

# How long a kept-alive connection may stay idle before the server closes it. uvicorn's default,
# 5 s, is shorter than the pause between two clicks: a client (a browser, or the reverse proxy's
# pool of upstream connections, nginx's idle for up to 60 s) sending its next request on the
# connection as the server closes it had it reset (ECONNRESET, a failed request), the more often
# the busier the server. Longer than any proxy's idle time, the client always closes first.
KEEP_ALIVE_S = 75

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host.lower() in LOOPBACK_NAMES


def check_secret(settings: Settings, host: str) -> None:
    """A server others can reach must sign with a private key: with a published one, anyone
    could forge the sign-in form's CSRF pair."""
    if not is_loopback(host) and not settings.has_private_secret:
        raise DomainError(
            f"refusing to listen on {host}: PACER_SECRET_KEY is a published value or shorter than "
            f"{MIN_SECRET_LENGTH} characters; set a private random one, or unset it to use the key "
            "generated in the data directory"
        )


def check_published_logins(settings: Settings, host: str) -> None:
    """A server others can reach must not let anyone in with the demo's published password."""
    if is_loopback(host):
        return
    from pacer.demo.loader import DEMO_PASSWORD

    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            # The demo gives all its users one hash (one salt); a password set any other way has a
            # hash of its own, so only hashes several active users share need to be tried.
            shared = session.scalars(
                select(User.password_hash)
                .where(User.is_active.is_(True), User.password_hash.is_not(None))
                .group_by(User.password_hash)
                .having(func.count() > 1)
            ).all()
    finally:
        engine.dispose()
    if any(verify_password(h, DEMO_PASSWORD) for h in shared):
        raise DomainError(
            f"refusing to listen on {host}: the demo's accounts still have the published password; "
            "give them new ones (pacer users set-password) or serve on 127.0.0.1"
        )


def run_server(host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    settings = get_settings()
    check_secret(settings, host)
    # X-Forwarded-For and -Proto are believed from the configured proxies only: from anyone else
    # they would let a client choose the address sign-in throttling and the sessions record.
    proxies = settings.forwarded_allow_ips.strip()
    if workers > 1:
        share_metrics_between_workers()
        share_engine_between_workers(settings)
    # With more than one worker uvicorn must import the app itself in each process, hence the
    # import string and factory flag rather than an app object.
    uvicorn.run(
        "pacer.server:create_served_app",
        factory=True,
        host=host,
        port=port,
        workers=max(workers, 1),
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_S,
        timeout_keep_alive=KEEP_ALIVE_S,
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
        log_config=logging_config(settings.log_format),
        access_log=False,  # each request's line is Pacer's own (pacer.ops.requests): with its id and user
    )


def share_engine_between_workers(settings: Settings) -> None:
    """The workers map one analysis engine instead of each building its own: under ``engines``
    in the data directory unless PACER_ENGINE_SNAPSHOT_DIR names a directory. The workers,
    started after this, inherit the variable."""
    if not settings.engine_snapshot_dir:
        os.environ["PACER_ENGINE_SNAPSHOT_DIR"] = str(data_dir() / "engines")


def share_metrics_between_workers() -> None:
    """prometheus_client's multiprocess mode: every worker writes its metrics to files in one
    directory, read together by whichever worker answers /metrics. One the operator names in
    PROMETHEUS_MULTIPROC_DIR is emptied first (values of an earlier run would be added in);
    else a new one is made. The workers, started after this, inherit the variable."""
    import tempfile
    from pathlib import Path

    named = os.environ.get(MULTIPROCESS_DIR)
    if named:
        for stale in Path(named).glob("*.db"):
            stale.unlink()
    else:
        os.environ[MULTIPROCESS_DIR] = tempfile.mkdtemp(prefix="pacer-metrics-")
