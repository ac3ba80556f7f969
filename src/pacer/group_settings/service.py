"""Reading and changing the group's settings. Only a group administrator (granted at the group)
changes them; every change is audited (entity ``setting``, key the setting's name); a refused
change stores nothing. Flushes, never commits."""

from __future__ import annotations

import smtplib
from datetime import date
from email.message import EmailMessage
from typing import Any

from sqlalchemy.orm import Session

from pacer.audit.service import record
from pacer.auth.permissions import ADMINISTER, SYSTEM, Actor
from pacer.config import Settings, get_settings
from pacer.errors import Forbidden, NotFound, Problem, ValidationFailed
from pacer.files import service as files
from pacer.group_settings import kept, spec
from pacer.group_settings.kept import ENTITY, Marker
from pacer.group_settings.spec import GroupSettings, defaults, merged, parse
from pacer.models import GroupSetting, StoredFile
from pacer.models.base import utcnow
from pacer.org.repository import roots_on

LOGO_OWNER = "group:logo"
LOGO_TYPES = ("png", "jpg", "jpeg", "gif")
MAIL_TIMEOUT = 10


def current(session: Session, env: Settings | None = None, seen: Marker | None = None) -> GroupSettings:
    """The settings in force: the stored ones over the environment's. ``seen``: the
    :func:`marker` as the caller read it in this transaction (by :func:`marker_columns`)."""
    return merged(defaults(env or get_settings()), kept.stored(session, seen))


def applied(session: Session, env: Settings) -> Settings:
    """The environment's settings with the group's stored ones over them (mail, sign-in lifetime)."""
    return spec.applied(env, current(session, env))


def require_admin(session: Session, actor: Actor) -> None:
    if actor.is_system:
        return
    roots = {unit.id for unit in roots_on(session, date.today())}
    if not roots & set(actor.roots_for(ADMINISTER)):
        raise Forbidden("only a group administrator (granted at the group) changes the group's settings")


def save(session: Session, actor: Actor, form: dict[str, str], env: Settings | None = None) -> list[str]:
    """Store the settings the form gives; the names of those that changed."""
    require_admin(session, actor)
    values, problems = parse(form)
    if problems:
        raise ValidationFailed(problems, "settings")
    now = current(session, env)
    changed = [k for k, v in values.items() if getattr(now, k) != v]
    for key in changed:
        _store(session, actor, key, getattr(now, key), values[key])
    session.flush()
    return changed


def _store(session: Session, actor: Actor, key: str, before: Any, after: Any) -> None:
    kept.forget(session)
    row = session.get(GroupSetting, key)
    if row is None:
        session.add(GroupSetting(key=key, value=after, updated_by=actor.username))
    else:
        row.value, row.updated_by, row.updated_at = after, actor.username, utcnow()
    record(session, actor.username, "setting.update", ENTITY, key, {"value": before}, {"value": after})


def save_logo(session: Session, actor: Actor, filename: str, content: bytes) -> StoredFile:
    """A new logo (PNG, JPEG or GIF, judged by its bytes too)."""
    require_admin(session, actor)
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    if extension not in LOGO_TYPES:
        problem = Problem(
            f"the logo must be a PNG, JPEG or GIF image, not '{filename}'",
            field="logo",
            zh=f"标志须为 PNG、JPEG 或 GIF 图片，“{filename}”不是",
        )
        raise ValidationFailed([problem], "logo")
    root = roots_on(session, date.today())
    if not root:
        raise NotFound("the group has no unit yet to keep a logo for")
    stored = files.save(
        session,
        actor,
        owner=LOGO_OWNER,
        unit_id=root[0].id,
        action=ADMINISTER,
        filename=filename,
        content=content,
        field="logo",
    )
    before = current(session).logo_file_id
    _store(session, actor, "logo_file_id", before, stored.id)
    session.flush()
    return stored


def logo(session: Session) -> tuple[StoredFile, bytes] | None:
    """The logo shown on every page (to anyone: it is the group's emblem)."""
    file_id = current(session).logo_file_id
    if file_id is None:
        return None
    try:
        stored = files.found(session, SYSTEM, file_id, LOGO_OWNER)
    except NotFound:
        return None
    return stored, files.content(session, stored)


def send_test_mail(group: GroupSettings, env: Settings, to_address: str) -> str | None:
    """Send one e-mail through the mail server set; None when it went, else what went wrong."""
    if not group.smtp_host:
        return "no mail server is set"
    if "@" not in to_address:
        return f"'{to_address}' is not an e-mail address"
    message = EmailMessage()
    message["From"], message["To"] = group.smtp_from, to_address
    message["Subject"] = "Pacer: test mail / 测试邮件"
    message.set_content("The mail server Pacer sends notifications through works.\nPacer 通知邮件服务器工作正常。\n")
    try:
        with smtplib.SMTP(group.smtp_host, group.smtp_port, timeout=MAIL_TIMEOUT) as smtp:
            if group.smtp_starttls:
                smtp.starttls()
            if env.smtp_user:
                smtp.login(env.smtp_user, env.smtp_password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        return f"{type(exc).__name__}: {exc}"[:500]
    return None
