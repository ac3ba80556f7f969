"""``/healthz`` (the process answers), ``/readyz`` (it can serve: database reachable, schema at
this version's migration head, analysis engine built) and ``/metrics`` (Prometheus text format,
for the token bearer or loopback clients only). None needs a signed-in user."""

from __future__ import annotations

import secrets
from functools import lru_cache
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy import Engine, text
from starlette.responses import JSONResponse, Response

from pacer.config import Settings
from pacer.ops import metrics

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready", "not ready"]
    database: str
    """"ok", or why the database cannot be used."""
    migrations: str
    """"ok", or how the schema differs from this version's."""
    engine: str
    """"ok" once the analysis engine is built."""


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """The process is alive and answering."""
    return Health(status="ok")


# Out of the API's description: its 503 is an answer (not ready yet), not a server error.
@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}}, include_in_schema=False)
def readyz(request: Request) -> JSONResponse:
    """Whether this process can serve: database reachable, migrations current, engine built (503 if not)."""
    engine: Engine = request.app.state.db_engine
    database, migrations = _database(engine)
    built = _engine_built(engine)
    ready = database == migrations == built == "ok"
    answer = Readiness(status="ready" if ready else "not ready", database=database, migrations=migrations, engine=built)
    return JSONResponse(answer.model_dump(), status_code=200 if ready else 503)


@lru_cache
def _head() -> str:
    from pacer.ops.archive import head_revision

    return head_revision()


def _database(engine: Engine) -> tuple[str, str]:
    from pacer.ops.archive import schema_revision

    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = schema_revision(connection)
    except Exception as exc:  # any failure to reach it is the answer, not an error of the probe
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        return f"unreachable: {first[0] if first else type(exc).__name__}", "unknown"
    if current is None:
        return "ok", "no schema: run pacer db upgrade"
    if current != _head():
        return "ok", f"the schema is at {current}, this version at {_head()}: run pacer db upgrade"
    return "ok", "ok"


def _engine_built(engine: Engine) -> str:
    from pacer.analysis import is_built

    return "ok" if is_built(engine) else "not built yet"


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}}, 401: {}, 403: {}},
)
def prometheus_metrics(request: Request) -> Response:
    """Request, job, engine and connection pool metrics in the Prometheus text format."""
    settings: Settings = request.app.state.settings
    refusal = _refusal(request, settings)
    if refusal is not None:
        return refusal
    body, content_type = metrics.exposition(request.headers.get("accept"))
    return Response(body, headers={"Content-Type": content_type})


def _refusal(request: Request, settings: Settings) -> Response | None:
    """With PACER_METRICS_TOKEN set, its bearer only; else clients on this machine only."""
    if settings.metrics_token:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and secrets.compare_digest(
            given.strip().encode(), settings.metrics_token.encode()
        ):
            return None
        return JSONResponse(
            {"detail": "the metrics need the bearer token PACER_METRICS_TOKEN sets"},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    from pacer.server import is_loopback

    if request.client is not None and is_loopback(request.client.host):
        return None
    return JSONResponse(
        {"detail": "the metrics are served to this machine only; set PACER_METRICS_TOKEN to read them from elsewhere"},
        status_code=403,
    )
