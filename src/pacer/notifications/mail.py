"""Send the e-mails waiting in the outbox through the configured SMTP server (standard library).

Called after the transactions that wrote them have committed (by ``pacer workflow tick`` and the
web server's periodic tick). A failed send stays in the outbox with its error and is tried again
at the next tick, up to ``MAX_ATTEMPTS`` times.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pacer.config import Settings
from pacer.db import unit_of_work
from pacer.group_settings import service as group_settings
from pacer.models import OutboxMail
from pacer.models.base import utcnow

MAX_ATTEMPTS = 10
BATCH = 200
TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Sent:
    sent: int = 0
    failed: int = 0


def send_outbox(factory: sessionmaker[Session], settings: Settings) -> Sent:
    """Send what waits (oldest first, one batch); nothing when SMTP is not configured (the group's
    settings in the database, else the environment's)."""
    with unit_of_work(factory=factory, writes=True) as session:
        settings = group_settings.applied(session, settings)
        if not settings.smtp_host:
            return Sent()
        # rows locked while they are sent, so that two servers never send the same e-mail
        pending = list(
            session.scalars(
                select(OutboxMail)
                .where(OutboxMail.sent_at.is_(None), OutboxMail.attempts < MAX_ATTEMPTS)
                .order_by(OutboxMail.id)
                .limit(BATCH)
                .with_for_update(skip_locked=True)
            )
        )
        if not pending:
            return Sent()
        return _send_all(pending, settings)


def _send_all(pending: list[OutboxMail], settings: Settings) -> Sent:
    try:
        smtp = _connect(settings)
    except (OSError, smtplib.SMTPException) as exc:
        for mail in pending:
            _failed(mail, exc)
        return Sent(failed=len(pending))
    sent = failed = 0
    with smtp:
        for mail in pending:
            try:
                smtp.send_message(_message(mail, settings))
            except (OSError, smtplib.SMTPException) as exc:
                _failed(mail, exc)
                failed += 1
                continue
            mail.attempts += 1
            mail.sent_at, mail.last_error = utcnow(), ""
            sent += 1
    return Sent(sent, failed)


def _connect(settings: Settings) -> smtplib.SMTP:
    smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS)
    try:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _message(mail: OutboxMail, settings: Settings) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain=settings.smtp_from.rpartition("@")[2] or None)
    link = f"{settings.public_url.rstrip('/')}{mail.link}" if mail.link else ""
    message.set_content(f"{mail.body}\n\n{link}".strip() + "\n")
    return message


def _failed(mail: OutboxMail, exc: BaseException) -> None:
    mail.attempts += 1
    mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
