"""The group's settings as JSON (``/api/admin/settings``), for group administrators."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from pacer.auth.deps import CurrentViewer, protect
from pacer.group_settings import service
from pacer.web.deps import AppSettings, Db

router = APIRouter(prefix="/api/admin/settings", tags=["administration"], dependencies=[Depends(protect)])


class SettingsOut(BaseModel):
    name_zh: str
    name_en: str
    logo_file_id: int | None
    language: str = Field(description="zh or en: the pages' language for those who chose none")
    time_basis: str = Field(description="linear or seasonal: how time progress is counted")
    money_scale: str = Field(description="yi (亿元) or wan (万元)")
    quality_figures: str = Field(description="reported (units report them) or register (derived from the problems)")
    smtp_host: str
    smtp_port: int
    smtp_from: str
    smtp_starttls: bool
    session_hours: int


class SettingsIn(BaseModel):
    """The settings to change (those left out stay as they are)."""

    name_zh: str | None = Field(None, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    language: str | None = Field(None, max_length=8)
    time_basis: str | None = Field(None, max_length=16)
    money_scale: str | None = Field(None, max_length=8)
    quality_figures: str | None = Field(None, max_length=16)
    smtp_host: str | None = Field(None, max_length=200)
    smtp_port: int | None = None
    smtp_from: str | None = Field(None, max_length=200)
    smtp_starttls: bool | None = None
    session_hours: int | None = None


class TestMailIn(BaseModel):
    to: str = Field(max_length=200)


class TestMailOut(BaseModel):
    sent: bool
    error: str | None


@router.get("")
def read(viewer: CurrentViewer, db: Db, env: AppSettings) -> SettingsOut:
    service.require_admin(db, viewer.actor)
    return SettingsOut(**asdict(service.current(db, env)))


@router.patch("")
def change(body: SettingsIn, viewer: CurrentViewer, db: Db, env: AppSettings) -> SettingsOut:
    """Change some settings; a bad value is refused naming its field, and nothing is stored."""
    given = body.model_dump(exclude_none=True)
    form = {k: ("1" if v else "0") if isinstance(v, bool) else str(v) for k, v in given.items()}
    service.save(db, viewer.actor, form, env)
    return SettingsOut(**asdict(service.current(db, env)))


@router.post("/test-mail")
def send_test(body: TestMailIn, viewer: CurrentViewer, db: Db, env: AppSettings) -> TestMailOut:
    """Send one e-mail through the mail server set, to see that it works."""
    service.require_admin(db, viewer.actor)
    failed = service.send_test_mail(service.current(db, env), env, body.to.strip())
    return TestMailOut(sent=failed is None, error=failed)
