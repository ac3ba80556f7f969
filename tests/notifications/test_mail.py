"""E-mails wait in the outbox until their transaction commits, then go to a real SMTP server
(a local aiosmtpd started by the test); a failed send is kept with its error and tried again."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler
from sqlalchemy import select

from pacer.db import make_engine, session_factory, unit_of_work
from pacer.models import Notification, OutboxMail, User
from pacer.notifications.mail import send_outbox
from pacer.notifications.service import Message, notify
from tests.webclient import settings_for


class Inbox(MessageHandler):
    def __init__(self) -> None:
        super().__init__()
        self.received: list = []

    def handle_message(self, message) -> None:
        self.received.append(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def factory(database_url):
    engine = make_engine(database_url)
    yield session_factory(engine)
    engine.dispose()


def _user(factory, email: str | None = "lin@example.com") -> int:
    with unit_of_work(factory=factory, writes=True) as session:
        user = User(username="lin", display_name="Lin", email=email, language="en")
        session.add(user)
        session.flush()
        return user.id


def _notify_then_fail(factory, user_id: int) -> None:
    with unit_of_work(factory=factory, writes=True) as session:
        notify(session, [user_id], Message("workflow", "回滚", "Rolled back"), email=True)
        raise RuntimeError("the change fails after notifying")


HELLO = Message("workflow", "目标建议 #1：已提交", "Target proposal #1: submitted", "请审核", "Please review", "/p/1")


def test_a_committed_notification_is_mailed_after_commit_and_a_rolled_back_one_never(factory, smtp):
    handler, port = smtp
    user_id = _user(factory)
    with unit_of_work(factory=factory, writes=True) as session:
        notify(session, [user_id], HELLO, email=True)
    with pytest.raises(RuntimeError):
        _notify_then_fail(factory, user_id)
    settings = settings_for(
        "unused", smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False, public_url="https://pacer.test"
    )

    assert handler.received == []  # nothing is sent inside the transaction
    result = send_outbox(factory, settings)
    assert (result.sent, result.failed) == (1, 0)
    (mail,) = handler.received
    assert mail["To"] == "lin@example.com"
    assert mail["Subject"] == "Target proposal #1: submitted"
    assert "https://pacer.test/p/1" in mail.get_payload()
    assert send_outbox(factory, settings).sent == 0  # sent once only
    with unit_of_work(factory=factory) as session:
        assert session.scalars(select(Notification.title_en)).all() == ["Target proposal #1: submitted"]


def test_a_failed_send_keeps_its_error_and_is_retried(factory, smtp):
    handler, port = smtp
    _user(factory)
    with unit_of_work(factory=factory, writes=True) as session:
        notify(session, [session.scalar(select(User.id))], HELLO, email=True)
    closed = _free_port()
    down = settings_for("unused", smtp_host="127.0.0.1", smtp_port=closed, smtp_starttls=False)
    assert send_outbox(factory, down).failed == 1
    with unit_of_work(factory=factory) as session:
        waiting = session.scalars(select(OutboxMail)).one()
        assert (waiting.sent_at, waiting.attempts) == (None, 1)
        assert "ConnectionRefusedError" in waiting.last_error
    up = settings_for("unused", smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False)
    assert send_outbox(factory, up).sent == 1
    assert len(handler.received) == 1


def test_no_mail_is_queued_without_smtp_or_without_an_address(session, org):
    assert notify(session, [org.unit_reporter.user_id], HELLO) == 1  # PACER_SMTP_HOST is unset
    lin = User(username="lin", display_name="Lin", email=None)
    session.add(lin)
    session.flush()
    notify(session, [lin.id], HELLO, email=True)
    assert session.scalars(select(OutboxMail)).all() == []
