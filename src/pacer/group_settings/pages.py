"""The group's settings page, ``/admin/settings`` (group administrators), the logo upload, the
"send a test mail" button, and the logo every page's header shows (``/settings/logo``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from starlette.responses import RedirectResponse, Response

from pacer.auth.deps import CurrentViewer, protect
from pacer.errors import DomainError, ValidationFailed
from pacer.files.service import read_limited
from pacer.group_settings import service
from pacer.group_settings.spec import EDITABLE, LANGUAGES, MONEY_SCALES, QUALITY_FIGURES, TIME_BASES
from pacer.web.deps import AppSettings, Db
from pacer.web.i18n import translate
from pacer.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)
Protected = [Depends(protect)]


@router.get("/admin/settings")
def settings_page(request: Request, viewer: CurrentViewer, db: Db, env: AppSettings, sent: str = "") -> Response:
    return _page(request, viewer, db, env, notice=translate(lang_of(request), "settings.saved") if sent == "1" else "")


def _page(
    request: Request,
    viewer: CurrentViewer,
    db: Db,
    env: AppSettings,
    error: str = "",
    notice: str = "",
    status_code: int = 200,
) -> Response:
    service.require_admin(db, viewer.actor)
    context = {
        "s": service.current(db, env),
        "languages": LANGUAGES,
        "time_bases": TIME_BASES,
        "money_scales": MONEY_SCALES,
        "quality_figures": QUALITY_FIGURES,
        "error": error,
        "notice": notice,
    }
    return render(request, "group_settings/settings.html", context, status_code)


def _refused(request: Request, viewer: CurrentViewer, db: Db, env: AppSettings, exc: DomainError) -> Response:
    if exc.status in (403, 404):
        raise exc
    db.rollback()
    lang = lang_of(request)
    said = "; ".join(p.said(lang) for p in exc.problems) if isinstance(exc, ValidationFailed) else exc.message
    return _page(request, viewer, db, env, error=said, status_code=exc.status)


@router.post("/admin/settings", dependencies=Protected)
async def save(request: Request, viewer: CurrentViewer, db: Db, env: AppSettings) -> Response:
    form = await request.form()
    values = {k: str(form.get(k, "")) for k in EDITABLE if k in form and k != "smtp_starttls"}
    values["smtp_starttls"] = "1" if "1" in form.getlist("smtp_starttls") else "0"
    try:
        service.save(db, viewer.actor, values, env)
    except DomainError as exc:
        return _refused(request, viewer, db, env, exc)
    return RedirectResponse("/admin/settings?sent=1", status_code=303)


@router.post("/admin/settings/logo", dependencies=Protected)
def upload_logo(
    request: Request, viewer: CurrentViewer, db: Db, env: AppSettings, logo: Annotated[UploadFile, File()]
) -> Response:
    try:
        service.save_logo(db, viewer.actor, logo.filename or "", read_limited(logo.file, "logo"))
    except DomainError as exc:
        return _refused(request, viewer, db, env, exc)
    return RedirectResponse("/admin/settings?sent=1", status_code=303)


@router.post("/admin/settings/test-mail", dependencies=Protected)
def send_test(
    request: Request, viewer: CurrentViewer, db: Db, env: AppSettings, to: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    service.require_admin(db, viewer.actor)
    lang = lang_of(request)
    failed = service.send_test_mail(service.current(db, env), env, to.strip() or viewer.user.email or "")
    if failed:
        return _page(request, viewer, db, env, error=translate(lang, "settings.mail_failed", error=failed))
    return _page(request, viewer, db, env, notice=translate(lang, "settings.mail_sent", to=to.strip()))


@router.get("/settings/logo")
def logo(db: Db) -> Response:
    found = service.logo(db)
    if found is None:
        return Response(status_code=404)
    stored, content = found
    return Response(content, media_type=stored.content_type, headers={"Cache-Control": "public, max-age=86400"})
