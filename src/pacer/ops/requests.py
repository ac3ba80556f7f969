"""One log line and one metric sample per HTTP request, each request named by an id.

The id is the incoming ``X-Request-ID`` when it is a plain token (letters, digits and ``._:-``,
up to 128 characters: a proxy's or a client's id is kept through), else a new random one. It
goes back in the response's ``X-Request-ID`` header and onto every log record written while
the request is answered, so that a report's or a job's own log lines join its request's.

Logs are text or JSON lines (``PACER_LOG_FORMAT``); a request's line carries its id, method,
path, status, duration in milliseconds, the signed-in user and the client's address.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.json import JsonFormatter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pacer.ops import metrics

HEADER = "x-request-id"
ACCEPTED_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
UNMATCHED = "<unmatched>"  # a path no route takes: not a label of its own, or 404s would fill the metrics
log = logging.getLogger("pacer.request")
current_request_id: ContextVar[str] = ContextVar("pacer_request_id", default="-")


class RequestObserver:
    """ASGI middleware: the request id, the request's log line and its metric sample."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        token = current_request_id.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            _record(scope, request_id, status, seconds)
            current_request_id.reset(token)


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == HEADER.encode():
            given = str(value.decode("latin-1"))
            if ACCEPTED_ID.fullmatch(given):
                return given
            break
    return uuid.uuid4().hex


def route_of(scope: Scope) -> str:
    """The route template that answered (``/api/tasks/{task_id}``), never the raw path."""
    path = getattr(scope.get("route"), "path", None)
    return str(path) if path else UNMATCHED


def _user(scope: Scope) -> str | None:
    viewer = (scope.get("state") or {}).get("viewer")
    actor = getattr(viewer, "actor", None)
    return getattr(actor, "username", None)


def _record(scope: Scope, request_id: str, status: int, seconds: float) -> None:
    method, path = scope["method"], scope["path"]
    metrics.request_answered(method, route_of(scope), status, seconds)
    client = scope.get("client")
    log.info(
        "%s %s %s %.1f ms",
        method,
        path,
        status,
        seconds * 1000,
        extra={
            "request_id": request_id,
            "method": method,
            "path": path,
            "route": route_of(scope),
            "status": status,
            "duration_ms": round(seconds * 1000, 1),
            "user": _user(scope),
            "client": client[0] if client else None,
        },
    )


# -- logging ---------------------------------------------------------------------------------------


class RequestIdFilter(logging.Filter):
    """Every record names the request it was written for ('-' outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get()
        return True


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"


def logging_config(log_format: str, level: str = "INFO") -> dict[str, Any]:
    """The ``logging.config.dictConfig`` of a served process: uvicorn's loggers and Pacer's
    on standard error, in text or JSON lines."""
    formatter: dict[str, Any] = (
        {
            "()": JsonFormatter,
            "fmt": JSON_FIELDS,
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger", "process": "pid"},
            "timestamp": False,
        }
        if log_format == "json"
        else {"format": TEXT_FORMAT}
    )
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "pacer",
        "filters": ["request_id"],
        "stream": "ext://sys.stderr",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"pacer": formatter},
        "handlers": {"stderr": handler},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.error": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "pacer": {"handlers": ["stderr"], "level": level, "propagate": False},
        },
    }
