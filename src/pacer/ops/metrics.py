"""Metrics in the Prometheus text format, by ``prometheus_client``.

With several worker processes each process writes its own values to files in the directory
``PROMETHEUS_MULTIPROC_DIR`` names (prometheus_client's multiprocess mode), and ``/metrics``,
whichever worker answers it, adds up every process's files: counters and histograms are
summed, the engine's gauges are given per process (label ``pid``), the connection pool's summed
over the live processes. ``pacer serve --workers N`` (N > 1) sets the directory itself; see
README "Metrics" for other servers.
"""

from __future__ import annotations

import os
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields, is_dataclass
from typing import Any

import numpy as np
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client import multiprocess as prometheus_multiprocess
from prometheus_client.exposition import choose_encoder
from sqlalchemy import Engine, event

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

REQUESTS = Counter(
    "pacer_http_requests",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "pacer_http_request_duration_seconds",
    "Time to answer an HTTP request, by method, route template and status.",
    ["method", "route", "status"],
    buckets=LATENCY_BUCKETS,
)
JOBS = Counter(
    "pacer_jobs", "Background jobs run to their end, by kind and final state (done, failed).", ["kind", "state"]
)
JOB_DURATION = Histogram(
    "pacer_job_duration_seconds",
    "Time a background job ran, by kind.",
    ["kind"],
    buckets=(0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0),
)
ENGINE_BUILDS = Histogram(
    "pacer_engine_build_seconds",
    "Time to build the analysis engine from the database.",
    buckets=(0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 40.0, 80.0),
)
ENGINE_BYTES = Gauge(
    "pacer_engine_bytes", "Bytes of the arrays of the process's analysis engine.", multiprocess_mode="liveall"
)
POOL = Gauge(
    "pacer_db_pool_connections",
    "Database connections of the process's pool: open (checked in or out) and checked out (in use).",
    ["state"],
    multiprocess_mode="livesum",
)


_watched: weakref.WeakSet[Engine] = weakref.WeakSet()


def multiprocess() -> bool:
    return bool(os.environ.get(MULTIPROCESS_DIR))


def exposition(accept: str | None) -> tuple[bytes, str]:
    """Every metric, this process's or every worker's in multiprocess mode, in the format the
    scraper accepts (the Prometheus text format, or OpenMetrics), and its content type."""
    registry = REGISTRY
    if multiprocess():
        registry = CollectorRegistry()
        prometheus_multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    encoder, content_type = choose_encoder(accept or "")
    return encoder(registry), content_type


def request_answered(method: str, route: str, status: int, seconds: float) -> None:
    labels = (method, route, str(status))
    REQUESTS.labels(*labels).inc()
    LATENCY.labels(*labels).observe(seconds)


def job_ended(kind: str, state: str, seconds: float) -> None:
    JOBS.labels(kind, state).inc()
    JOB_DURATION.labels(kind).observe(seconds)


@contextmanager
def engine_build() -> Iterator[dict[str, Any]]:
    """Times an engine build; the caller puts the built analysis in the yielded dict's
    ``analysis`` so that its size is recorded too."""
    started = time.perf_counter()
    built: dict[str, Any] = {}
    yield built
    ENGINE_BUILDS.observe(time.perf_counter() - started)
    if "analysis" in built:
        ENGINE_BYTES.set(array_bytes(built["analysis"]))


def array_bytes(root: object, depth: int = 3) -> int:
    """Bytes of the numpy arrays reachable from ``root`` through attributes, dataclass fields,
    lists, tuples and dict values (each array counted once)."""
    seen: set[int] = set()

    def walk(obj: object, level: int) -> int:
        if id(obj) in seen:
            return 0
        seen.add(id(obj))
        if isinstance(obj, np.ndarray):
            return int(obj.nbytes)
        if level == 0 or isinstance(obj, str | bytes | int | float):
            return 0
        if isinstance(obj, dict):
            children: Any = obj.values()
        elif isinstance(obj, list | tuple):
            children = obj
        elif is_dataclass(obj):
            children = (getattr(obj, f.name) for f in fields(obj))
        elif hasattr(obj, "__dict__"):
            children = vars(obj).values()
        else:
            return 0
        return sum(walk(child, level - 1) for child in children)

    return walk(root, depth)


def watch_pool(engine: Engine) -> None:
    """Keep the pool gauges current: each connection opened and closed, lent and returned (once
    per engine, however many applications share it)."""
    if engine in _watched:
        return
    _watched.add(engine)
    opened, lent = POOL.labels("open"), POOL.labels("checked_out")
    # Each connection is counted by what the gauges saw of it: one opened before the engine was
    # watched (by a command or another application on the same engine) is counted when it is
    # first lent, and its closing or return is not taken off what was never added.
    counted: set[int] = set()  # id() of the DBAPI connections counted open
    out: set[int] = set()  # id() of the pool entries counted lent

    def count_open(dbapi_connection: Any) -> None:
        if dbapi_connection is not None and id(dbapi_connection) not in counted:
            counted.add(id(dbapi_connection))
            opened.inc()

    def count_closed(dbapi_connection: Any, *_: Any) -> None:
        if id(dbapi_connection) in counted:
            counted.discard(id(dbapi_connection))
            opened.dec()

    def count_lent(dbapi_connection: Any, entry: Any, _proxy: Any) -> None:
        count_open(dbapi_connection)
        if id(entry) not in out:
            out.add(id(entry))
            lent.inc()

    def count_returned(_dbapi_connection: Any, entry: Any) -> None:
        if id(entry) in out:
            out.discard(id(entry))
            lent.dec()

    event.listen(engine, "connect", lambda dbapi_connection, _entry: count_open(dbapi_connection))
    event.listen(engine, "close", count_closed)
    event.listen(engine, "close_detached", count_closed)
    event.listen(engine, "checkout", count_lent)
    event.listen(engine, "checkin", count_returned)
