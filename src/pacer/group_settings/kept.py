"""The group's stored settings, kept between requests until they change.

Every request reads them (its pages show the group's name and logo; the cockpit counts time and
money as they say). Every change to them is audited (entity :data:`ENTITY`), so the newest such
audit row names their state: a request reads it along with its sign-in (:func:`marker_columns`,
no statement of its own) and reads the rows again only when it differs from the one they were
kept at, so a change made in one process is seen by the next request of any other. The marker is
the row's id *and* its time: on SQLite a rolled-back row's id is handed out again.

On PostgreSQL two changes of the settings committing out of the order of their ids could leave
the newest id in place while the rows change; what is kept is therefore read again after
:data:`MAX_AGE` seconds whatever the marker says. Within one transaction the settings are read
once (kept on the session) until the transaction changes them itself. Values kept here are
shared by every request and must not be changed by their readers.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime
from typing import Any

from sqlalchemy import URL, ScalarSelect, select
from sqlalchemy.orm import Session

from pacer.models import AuditEntry, GroupSetting

ENTITY = "setting"
MAX_AGE = 5.0  # seconds
SESSION_KEY = "pacer.group_settings"

Marker = tuple[int | None, datetime | None]
_kept: dict[URL, tuple[Marker, float, dict[str, Any]]] = {}
_lock = threading.Lock()


def marker_columns() -> tuple[ScalarSelect[int], ScalarSelect[datetime]]:
    """The id and time of the newest audit row about the settings, as two columns a caller adds
    to a statement of its own (one look-up on ``ix_audit_entity_id`` each)."""
    newest = select(AuditEntry.id).where(AuditEntry.entity == ENTITY).order_by(AuditEntry.id.desc()).limit(1)
    return newest.scalar_subquery(), newest.with_only_columns(AuditEntry.at).scalar_subquery()


def marker(session: Session) -> Marker:
    newest, at = marker_columns()
    row = session.execute(select(newest, at)).one()
    return row[0], row[1]


def stored(session: Session, seen: Marker | None = None) -> dict[str, Any]:
    """The stored settings by name, as ``session`` sees them (``seen``: the marker it read)."""
    within = session.info.get(SESSION_KEY)
    if within is not None:
        return dict(within)
    seen = marker(session) if seen is None else seen  # before the rows: never older rows at a newer marker
    url = session.get_bind().engine.url
    now = time.monotonic()
    with _lock:
        kept = _kept.get(url)
    if kept is not None and kept[0] == seen and now - kept[1] < MAX_AGE:
        values = kept[2]
    else:
        values = {row.key: row.value for row in session.scalars(select(GroupSetting))}
        with _lock:
            _kept[url] = (seen, now, values)
    session.info[SESSION_KEY] = values
    return dict(values)


def forget(session: Session) -> None:
    """The transaction changes the settings: read them again."""
    session.info.pop(SESSION_KEY, None)


def clear() -> None:
    with _lock:
        _kept.clear()
