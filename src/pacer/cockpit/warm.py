"""The latest month's cockpit answers computed ahead of the first view, in the background.

The first view of a node and month computes every answer (tiles, the ranking with its trends,
the bridge, the outlook, the off-track list, the rendered tables), and other requests in the
same process wait meanwhile. After each engine version a served worker therefore walks the
latest month's tree, top down, and computes those answers for every node in a background
thread (:class:`Warmer`), so that the views people open first are answered from the cache.

Visibility is untouched: answers are computed with every child visible and kept under the same
keys a request would use (``service``), so they serve exactly the viewers who see all of a
node's children; a viewer who sees fewer has other keys and computes their own, as before. The
walk yields to requests between nodes, stops when the engine version changes (the next version
is walked instead) and leaves room in the cache for the answers requests add. Changes the engine
does not hold (submissions saved, verbs, tasks' progress) move the database's change marker
without a new engine version: the walk goes on through them, and each engine is walked once.
"""

from __future__ import annotations

import gc
import logging
import math
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext

import numpy as np
from sqlalchemy import Connection
from sqlalchemy import Engine as DbEngine
from sqlalchemy.orm import Session

from pacer.analysis import Analysis, change_marker, changes_since, default_period, get_analysis
from pacer.auth.permissions import SYSTEM
from pacer.cockpit import cache, pages, service
from pacer.cockpit.scope import Scope, shown_as

log = logging.getLogger("pacer.cockpit")
# The walk stops once this share of the cache's bound is used, leaving the rest to requests.
CACHE_SHARE = 0.5
# Between nodes: a pause, then a wait (up to the limit) while requests are in flight.
PAUSE_S = 0.002
MAX_WAIT_S = 1.0
# How often the engine version is compared with the database during a walk, and how often an
# idle warmer asks for the current engine.
CHECK_EVERY_S = 1.0
POLL_S = 5.0


def node_order(analysis: Analysis) -> list[int]:
    """The nodes of the default month's tree, top down (by depth, then in tree order)."""
    year, month = divmod(default_period(analysis), 100)
    depth = analysis.engine.tree(year, month).depth
    order = np.lexsort((np.arange(len(depth)), depth))
    return [int(n) for n in order if depth[n] >= 0]


def warm_node(db: Session, analysis: Analysis, node: int, year: int, month: int, lang: str) -> None:
    """Compute and keep what the cockpit page and ``/api/cockpit`` answer for ``node`` at the
    month in ``lang``, for a viewer who sees every child, as the group's settings show it."""
    scope = Scope(db, SYSTEM, analysis, node, year, month, lang, None, *shown_as(db))
    view = service.cockpit(scope)
    service.quality_tiles(scope)
    pages.tables_html(scope, view)


def warm(
    bind: DbEngine | Connection,
    analysis: Analysis,
    langs: Sequence[str],
    *,
    stop: Callable[[], bool] = lambda: False,
    busy: Callable[[], bool] = lambda: False,
) -> int:
    """Walk ``analysis`` (see the module docstring), reading the database through ``bind``; the
    number of node views computed.

    Returns early when ``stop()`` says so, when the database holds a newer engine version, or
    when the cache's share for the walk is used. ``busy()`` says whether requests are in flight.
    """
    year, month = divmod(default_period(analysis), 100)  # the month the cockpit opens on
    order = node_order(analysis)
    limit = int(CACHE_SHARE * cache.MAX_ENTRIES)
    done, checked, seen = 0, -math.inf, analysis.marker
    for lang in langs:
        for node in order:
            time.sleep(PAUSE_S)
            waited = 0.0
            while busy() and waited < MAX_WAIT_S and not stop():
                time.sleep(0.005)
                waited += 0.005
            if stop() or cache.size(analysis) >= limit:
                return done
            if time.monotonic() - checked >= CHECK_EVERY_S:
                checked = time.monotonic()
                with _connect(bind) as conn:
                    current = _same_engine_at(conn, analysis, seen)
                if current is None:
                    return done
                seen = current
            with Session(bind) as db:
                warm_node(db, analysis, node, year, month, lang)
            done += 1
    return done


def _same_engine_at(conn: Connection, analysis: Analysis, seen: int) -> int | None:
    """The database's change marker if the changes since ``seen`` leave the engine of
    ``analysis`` as it is (none, or none the engine holds), else None: a newer engine version."""
    marker = change_marker(conn)
    if marker == seen:
        return seen
    changes = changes_since(conn, analysis.data, analysis.node_of_id, seen, marker)
    if changes is None or changes.figures or changes.eliminations:
        return None
    return marker


def _connect(bind: DbEngine | Connection) -> AbstractContextManager[Connection]:
    return bind.connect() if isinstance(bind, DbEngine) else nullcontext(bind)


class Warmer:
    """A background thread that walks each new engine version of a database once (a new
    change marker over the same engine is no new version: see the module docstring).

    It asks for the current engine (:func:`get_analysis`, which catches up or rebuilds when the
    figures changed) every ``poll`` seconds, and walks it when it is a version not walked yet.
    """

    def __init__(
        self,
        db_engine: DbEngine,
        langs: Sequence[str],
        busy: Callable[[], bool] = lambda: False,
        poll: float = POLL_S,
        logger: logging.Logger = log,
    ) -> None:
        self.db_engine, self.langs, self.busy, self.poll = db_engine, tuple(langs), busy, poll
        self.log = logger
        self.stopping = threading.Event()
        self.walked = threading.Event()  # set after each finished walk (for tests and benchmarks)
        self.thread = threading.Thread(target=self._run, name="pacer-cockpit-warmer", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self.stopping.set()
        if self.thread.is_alive():
            self.thread.join(timeout)

    def _run(self) -> None:
        walked: object = None  # the engine last walked
        failing = False
        while not self.stopping.is_set():
            try:
                analysis = get_analysis(self.db_engine)
                if analysis.engine is not walked:
                    started = time.perf_counter()
                    count = warm(self.db_engine, analysis, self.langs, stop=self.stopping.is_set, busy=self.busy)
                    walked = analysis.engine
                    # The kept answers live as long as the engine version: keep the collector off
                    # them, or each full collection walks them all (hundreds of milliseconds on
                    # the benchmark group) while requests wait. They are freed by reference count
                    # with their version's cache; only the youngest generations are collected here,
                    # the full collection being as slow as the pauses this avoids.
                    gc.collect(1)
                    gc.freeze()
                    self.log.info(
                        "cockpit answers computed ahead: %d node views (version %d) in %.1f s",
                        count,
                        analysis.marker,
                        time.perf_counter() - started,
                    )
                    self.walked.set()
                failing = False
            except Exception:  # an empty or unreachable database: try again at the next poll
                if not failing:  # said once, not at every poll
                    self.log.exception("computing cockpit answers ahead failed; trying again every %.0f s", self.poll)
                failing = True
            self.stopping.wait(self.poll)
