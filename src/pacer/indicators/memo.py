"""What is read of the group's configuration, kept between requests until it changes.

The indicator library (indicators and their yearly versions, units of measure, categories, sets)
and who reports what change rarely, but every entry grid, save and import reads them. Every
change to them is audited (entities :data:`ENTITIES`), so the newest audit row about them is a
cheap marker of their state: one query on an index per request, in the reader's own transaction,
decides whether what was kept is still current. A reader that sees a change (committed, or its
own) gets a fresh memo at once, in this process and in any other.

The marker is the row's id *and* its time: on SQLite a rolled-back audit row's id is handed out
again, so an id alone could name two different states. Values kept here are shared by every
request and must not be changed by their readers.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from pacer.models import AuditEntry

T = TypeVar("T")
# Audit entities of the tables kept here ("group": a whole group loaded at once).
ENTITIES = ("indicator", "indicator_category", "indicator_set", "measure_unit", "indicator_assignment", "group")
MAX_ENTRIES = 256  # a year's definitions, catalogue and rules are a few entries each

Reader = Session | Connection


class Memo:
    """Values computed from the configuration as it stood at one marker."""

    def __init__(self, marker: Hashable) -> None:
        self.marker = marker
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        """``make()``, computed once per ``key`` while the configuration stays as it is (two
        readers asking at once may both compute it; their answers are equal)."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return cast(T, self._values[key])
        value = make()
        with self._lock:
            self._values[key] = value
            while len(self._values) > MAX_ENTRIES:
                self._values.popitem(last=False)
        return value


_memos: dict[str, Memo] = {}
_lock = threading.Lock()


def marker(db: Reader) -> tuple[int, object]:
    """The id and time of the newest audit row about the configuration ((0, None): none yet).
    One index look-up per entity (``ix_audit_entity_id``), not a scan of the audit trail."""
    newest = [
        select(AuditEntry.id).where(AuditEntry.entity == e).order_by(AuditEntry.id.desc()).limit(1) for e in ENTITIES
    ]
    rows = db.execute(
        select(AuditEntry.id, AuditEntry.at).where(AuditEntry.id.in_([s.scalar_subquery() for s in newest]))
    ).all()
    return max(((int(i), at) for i, at in rows), default=(0, None), key=lambda r: r[0])


def current(db: Reader) -> Memo:
    """The memo of the configuration as ``db`` sees it now (one per database, the latest kept)."""
    engine = db.get_bind().engine if isinstance(db, Session) else db.engine
    url = engine.url.render_as_string(hide_password=False)
    seen = (url, *marker(db))
    with _lock:
        memo = _memos.get(url)
        if memo is None or memo.marker != seen:
            memo = _memos[url] = Memo(seen)
        return memo


def clear() -> None:
    with _lock:
        _memos.clear()
