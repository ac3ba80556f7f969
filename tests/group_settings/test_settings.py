"""The group's settings: stored in the database over the environment's, audited, changed by group
administrators only; bad values refused one message each with nothing stored; the features that
read them (pages' header, default language, sign-in lifetime, notification mail)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler
from sqlalchemy import func, insert, select

from pacer.auth.permissions import SYSTEM
from pacer.db import make_engine, session_factory, unit_of_work
from pacer.errors import Forbidden, ValidationFailed
from pacer.group_settings import kept, service
from pacer.models import AuditEntry, GroupSetting, OutboxMail, StoredFile, User, WebSession
from pacer.notifications.mail import send_outbox
from pacer.notifications.service import Message, notify
from tests.webclient import page_token, settings_for

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


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
    handler, port = Inbox(), _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def stored(session) -> tuple[int, int]:
    rows = session.scalar(select(func.count()).select_from(GroupSetting))
    audited = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "setting"))
    return rows, audited


def test_the_environment_s_settings_hold_until_the_group_sets_its_own(session, org):
    env = settings_for("unused", smtp_host="mail.env", session_hours=5, language="zh")
    assert (service.current(session, env).smtp_host, service.current(session, env).session_hours) == ("mail.env", 5)
    changed = service.save(
        session, org.group_admin, {"name_zh": "星河集团", "smtp_host": "mail.db", "session_hours": "8"}, env
    )
    assert sorted(changed) == ["name_zh", "session_hours", "smtp_host"]
    now = service.current(session, env)
    assert (now.name("zh"), now.name("en"), now.smtp_host, now.session_hours) == ("星河集团", "星河集团", "mail.db", 8)
    row = session.scalars(select(AuditEntry).where(AuditEntry.entity_key == "smtp_host")).one()
    assert (row.actor, row.before, row.after) == ("grace", {"value": "mail.env"}, {"value": "mail.db"})


@pytest.mark.parametrize(
    ("field", "value"),
    [("smtp_port", "70000"), ("smtp_port", "25a"), ("session_hours", "0"), ("language", "fr"), ("smtp_from", "x")],
)
def test_a_bad_value_is_refused_naming_its_field_and_nothing_is_stored(session, org, field, value):
    with pytest.raises(ValidationFailed) as refused:
        service.save(session, org.group_admin, {"name_en": "Quasar", field: value})
    assert [p.field for p in refused.value.problems] == [field]
    assert stored(session) == (0, 0)


def test_only_a_group_administrator_changes_them(session, org):
    for actor in (org.hq_analyst, org.unit_reporter, org.outsider):
        with pytest.raises(Forbidden):
            service.save(session, actor, {"name_en": "Mine"})
    assert stored(session) == (0, 0)


def test_a_logo_must_be_an_image_by_its_name_and_its_bytes(session, org):
    with pytest.raises(ValidationFailed, match="must be a PNG, JPEG or GIF"):
        service.save_logo(session, org.group_admin, "logo.pdf", b"%PDF-1.4")
    with pytest.raises(ValidationFailed, match="content is not PNG"):
        service.save_logo(session, org.group_admin, "logo.png", b"GIF89a not a png")
    assert session.scalar(select(func.count()).select_from(StoredFile)) == 0
    assert service.current(session).logo_file_id is None
    kept = service.save_logo(session, org.group_admin, "logo.png", PNG)
    assert service.current(session).logo_file_id == kept.id
    assert service.logo(session)[1] == PNG


def test_the_test_mail_goes_through_the_server_set(session, org, smtp):
    inbox, port = smtp
    service.save(session, SYSTEM, {"smtp_host": "127.0.0.1", "smtp_port": str(port), "smtp_starttls": "0"})
    env = settings_for("unused")
    assert service.send_test_mail(service.current(session, env), env, "grace@example.com") is None
    assert [m["To"] for m in inbox.received] == ["grace@example.com"]
    service.save(session, SYSTEM, {"smtp_port": str(_free_port())})  # nobody listens there
    failed = service.send_test_mail(service.current(session, env), env, "grace@example.com")
    assert failed is not None
    assert "Connection" in failed or "Errno" in failed


def test_notifications_go_through_the_mail_server_the_group_set(database_url, smtp):
    inbox, port = smtp
    factory = session_factory(make_engine(database_url))
    with unit_of_work(factory=factory, writes=True) as session:
        user = User(username="lin", display_name="Lin", email="lin@example.com", language="en")
        session.add(user)
        session.flush()
        notify(session, [user.id], Message("workflow", "你好", "Hello"), email=True)
        service.save(session, SYSTEM, {"smtp_host": "127.0.0.1", "smtp_port": str(port), "smtp_starttls": "0"})
    sent = send_outbox(factory, settings_for("unused"))  # the environment names no mail server
    assert sent.sent == 1
    assert [m["To"] for m in inbox.received] == ["lin@example.com"]
    with unit_of_work(factory=factory) as session:
        assert session.scalar(select(OutboxMail.sent_at)) is not None


def test_pages_show_the_group_s_name_and_speak_its_default_language(session, org, signed_in, client):
    service.save(session, SYSTEM, {"name_zh": "类星集团", "name_en": "Quasar Group", "language": "en"})
    session.flush()
    login = client.get("/login")
    assert 'lang="en"' in login.text  # nobody signed in: the group's default language
    assert "Quasar Group" in login.text
    grace = signed_in("grace")
    assert "类星集团" in grace.get("/admin/settings?lang=zh").text


def test_a_sign_in_lasts_as_long_as_the_group_set(session, org, signed_in):
    service.save(session, SYSTEM, {"session_hours": "2"})
    session.flush()
    signed_in("hannah")
    web = session.scalars(select(WebSession).order_by(WebSession.created_at.desc())).first()
    assert web.expires_at - web.created_at == timedelta(hours=2)


def test_the_settings_page_refuses_a_bad_port_with_one_message(session, org, signed_in):
    grace = signed_in("grace")
    token = page_token(grace, "/admin/settings")
    answer = grace.post(
        "/admin/settings?lang=en", data={"csrf_token": token, "smtp_port": "99999", "name_en": "Quasar"}
    )
    assert answer.status_code == 422
    assert answer.text.count('role="alert"') == 1
    assert "smtp_port" in answer.text
    assert stored(session) == (0, 0)
    upload = grace.post(
        "/admin/settings/logo?lang=en", data={"csrf_token": token}, files={"logo": ("logo.txt", b"hello", "text/plain")}
    )
    assert upload.status_code == 422
    assert "must be a PNG, JPEG or GIF" in upload.text
    assert signed_in("hannah").get("/admin/settings").status_code == 403


def test_a_setting_changed_by_another_process_is_read_by_the_next_request(database_url):
    env = settings_for("unused")
    here = session_factory(make_engine(database_url))
    with unit_of_work(factory=here) as session:
        assert service.current(session, env).money_scale == "yi"  # kept for the next requests
    elsewhere = session_factory(make_engine(database_url))  # another process's connections
    with unit_of_work(factory=elsewhere, writes=True) as session:
        service.save(session, SYSTEM, {"money_scale": "wan"})
    with unit_of_work(factory=here) as session:
        assert service.current(session, env).money_scale == "wan"


def test_settings_changed_without_an_audit_row_to_mark_it_are_read_again_after_a_while(database_url, monkeypatch):
    """Two changes committed out of the order of their audit ids leave the marker in place: what
    is kept is read again after ``MAX_AGE`` seconds all the same."""
    env = settings_for("unused")
    engine = make_engine(database_url)
    factory = session_factory(engine)
    monkeypatch.setattr(kept, "MAX_AGE", 10**9)
    with unit_of_work(factory=factory) as session:
        assert service.current(session, env).money_scale == "yi"
    with engine.begin() as connection:
        connection.execute(insert(GroupSetting).values(key="money_scale", value="wan", updated_by="t"))
    with unit_of_work(factory=factory) as session:
        assert service.current(session, env).money_scale == "yi"  # the marker has not moved
    monkeypatch.setattr(kept, "MAX_AGE", 0.0)
    with unit_of_work(factory=factory) as session:
        assert service.current(session, env).money_scale == "wan"


def test_a_page_shows_a_setting_saved_after_the_settings_were_kept(session, org, signed_in):
    grace = signed_in("grace")
    assert "Quasar Group" not in grace.get("/account?lang=en").text
    service.save(session, SYSTEM, {"name_en": "Quasar Group"})
    session.flush()
    assert "Quasar Group" in grace.get("/account?lang=en").text
