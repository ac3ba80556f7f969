"""Tell users something: a line in their inbox and, when SMTP is configured, an e-mail.

Both are written in the caller's transaction. The e-mail waits in the outbox until the change
that caused it has committed (:mod:`pacer.notifications.mail` sends it), so a change rolled back
tells nobody.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, ScalarSelect, func, insert, select, update
from sqlalchemy.orm import QueryableAttribute, Session

from pacer.config import get_settings
from pacer.errors import NotFound
from pacer.models import Notification, OutboxMail, User
from pacer.models.base import utcnow


@dataclass(frozen=True)
class Message:
    kind: str  # what it is about, for filtering and icons: "workflow", "reminder", "escalation" ...
    title_zh: str
    title_en: str
    body_zh: str = ""
    body_en: str = ""
    link: str = ""  # a path inside Pacer


def notify(session: Session, user_ids: Iterable[int], message: Message, email: bool | None = None) -> int:
    """Put ``message`` in the inbox of each active user (once each); queue an e-mail to those with
    an address when ``email`` (default: when PACER_SMTP_HOST is set). Returns how many were told."""
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    stmt = select(User.id, User.email, User.language).where(User.id.in_(ids), User.is_active.is_(True))
    users = list(session.execute(stmt).tuples())
    settings = get_settings()
    email = bool(settings.smtp_host) if email is None else email
    line = {
        "kind": message.kind,
        "title_zh": message.title_zh[:300],
        "title_en": message.title_en[:300],
        "body_zh": message.body_zh,
        "body_en": message.body_en,
        "link": message.link,
    }
    if users:  # rows, in one statement: a verb tells a unit's every approver and HQ's analysts
        session.execute(insert(Notification), [{"user_id": user_id, **line} for user_id, _, _ in users])
    mails = [_mail(address, language, message) for _, address, language in users if email and address]
    if mails:
        session.execute(insert(OutboxMail), mails)
    session.flush()
    return len(users)


def _mail(address: str, language: str, message: Message) -> dict[str, str]:
    zh = language == "zh"
    return {
        "to_address": address,
        "subject": (message.title_zh if zh else message.title_en)[:300],
        "body": message.body_zh if zh else message.body_en,
        "link": message.link,
    }


# -- the inbox -----------------------------------------------------------------------------------


def inbox(session: Session, user_id: int, limit: int, offset: int) -> tuple[int, list[Notification]]:
    """(total, one page of the user's notifications, newest first)."""
    total = session.scalar(select(func.count()).select_from(Notification).where(Notification.user_id == user_id))
    rows = session.scalars(
        select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(Notification.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return int(total or 0), list(rows)


def unread_count(session: Session, user_id: int) -> int:
    return int(session.scalar(select(unread_column(user_id))) or 0)


def unread_column(user_id: int | ColumnElement[int] | QueryableAttribute[int]) -> ScalarSelect[int]:
    """How many notifications of the user are not read yet, as a column of another statement
    (``user_id`` may be a column of that statement's, such as ``User.id``)."""
    stmt = select(func.count()).select_from(Notification)
    return stmt.where(Notification.user_id == user_id, Notification.read_at.is_(None)).scalar_subquery()


def mark_read(session: Session, user_id: int, notification_id: int, now: datetime | None = None) -> Notification:
    row = session.get(Notification, notification_id)
    if row is None or row.user_id != user_id:  # another user's notification is not found either
        raise NotFound("no such notification")
    if row.read_at is None:
        row.read_at = now or utcnow()
        session.flush()
    return row


def mark_all_read(session: Session, user_id: int, now: datetime | None = None) -> int:
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)
