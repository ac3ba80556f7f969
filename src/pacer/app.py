"""The application factory: pages, JSON API, static assets and API docs, all served locally."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import ASGIApp

from pacer.config import Settings, get_settings
from pacer.db import get_engine, session_factory
from pacer.ops import metrics, probes
from pacer.web import errors, headers, vendor
from pacer.web.i18n import translate
from pacer.web.templating import lang_of

STATIC = Path(__file__).parent / "static"
SWAGGER = Path(fastapi_offline.__file__).parent / "static"


class PacerApp(FastAPI):
    """The application with its security headers and request id outermost, so that every answer
    carries them, the server-error page included (and is logged and counted)."""

    def build_middleware_stack(self) -> ASGIApp:
        from pacer.ops.requests import RequestObserver

        return headers.SecurityHeaders(RequestObserver(super().build_middleware_stack()))


def docs_with_way_back(html: str, lang: str) -> str:
    """The API documentation with the page's language and a link back to the application."""
    back = (
        f'<nav class="pacer-back" aria-label="{translate(lang, "nav.main")}"><a href="/cockpit" '
        f'data-testid="docs-back">‹ {translate(lang, "docs.back")}</a></nav>'
    )
    html = html.replace("<html>", f'<html lang="{"zh-CN" if lang == "zh" else "en"}">', 1)
    html = html.replace("</head>", '<link rel="stylesheet" href="/static/docs.css"></head>', 1)
    return html.replace("<body>", "<body>" + back, 1)


def routers() -> tuple[APIRouter, ...]:
    """Every feature's pages and API, in the order their paths must be tried."""
    from pacer.admin import api as admin_api
    from pacer.admin import pages as admin_pages
    from pacer.auth import api as auth_api
    from pacer.auth import pages as auth_pages
    from pacer.cockpit import api as cockpit_api
    from pacer.cockpit import pages as cockpit_pages
    from pacer.indicators import api as indicators_api
    from pacer.indicators import assignment_api, assignment_pages
    from pacer.indicators import pages as indicators_pages
    from pacer.meetings import api as meetings_api
    from pacer.meetings import pages as meetings_pages
    from pacer.notifications import api as inbox_api
    from pacer.notifications import pages as inbox_pages
    from pacer.submissions import api as submissions_api
    from pacer.submissions import monitor_api, monitor_pages, upload_pages
    from pacer.submissions import pages as submission_pages
    from pacer.targets import api as targets_api
    from pacer.targets import pages as targets_pages
    from pacer.targets import round_api, round_pages
    from pacer.tasks import api as tasks_api
    from pacer.tasks import board_api, board_pages
    from pacer.tasks import pages as tasks_pages

    return (
        auth_pages.router,
        admin_pages.router,
        cockpit_pages.router,
        assignment_pages.router,
        targets_pages.router,
        submission_pages.router,
        upload_pages.router,
        indicators_pages.router,  # after the assignments: /indicators/{code} would take their path
        auth_api.router,
        admin_api.router,
        cockpit_api.router,
        assignment_api.router,
        inbox_pages.router,
        monitor_pages.router,
        board_pages.router,  # before the tasks' own pages: /tasks/board is not a task
        tasks_pages.router,
        round_pages.router,
        meetings_pages.router,
        *_jobs_and_reports(),
        meetings_api.router,
        inbox_api.router,
        round_api.router,
        board_api.router,  # before the tasks' own: /api/tasks/board is not a task
        monitor_api.router,  # before the submissions' own: /monitor is not a unit
        submissions_api.router,
        targets_api.router,
        tasks_api.router,
        indicators_api.router,
        *commendation_routers(),
        *administration_routers(),
        *quality_routers(),
        *assessment_routers(),
        vendor.router,
    )


def quality_routers() -> tuple[APIRouter, ...]:
    """Quality problems and their zeroing; statistical process control on stored characteristics."""
    from pacer.characteristics import api as characteristics_api
    from pacer.characteristics import pages as characteristics_pages
    from pacer.quality import api as quality_api
    from pacer.quality import pages as quality_pages

    return (quality_pages.router, quality_api.router, characteristics_pages.router, characteristics_api.router)


def commendation_routers() -> tuple[APIRouter, ...]:
    """The commendation register."""
    from pacer.commendations import api as commendations_api
    from pacer.commendations import pages as commendations_pages

    return (commendations_pages.router, commendations_api.router)


def assessment_routers() -> tuple[APIRouter, ...]:
    """Responsibility statements, their signing and the assessment."""
    from pacer.assessment import api as assessment_api
    from pacer.assessment import pages as assessment_pages

    return (assessment_pages.router, assessment_api.router)


def administration_routers() -> tuple[APIRouter, ...]:
    """The audit trail, the reporting calendar, the group's settings and the org tree."""
    from pacer.audit import api as audit_api
    from pacer.audit import pages as audit_pages
    from pacer.calendar import api as calendar_api
    from pacer.calendar import pages as calendar_pages
    from pacer.eliminations import api as eliminations_api
    from pacer.eliminations import pages as eliminations_pages
    from pacer.group_settings import api as settings_api
    from pacer.group_settings import pages as settings_pages
    from pacer.org import api as org_api
    from pacer.org import pages as org_pages

    return (
        audit_pages.router,
        audit_api.router,
        calendar_pages.router,
        calendar_api.router,
        settings_pages.router,
        settings_api.router,
        org_pages.router,
        org_api.router,
        eliminations_pages.router,
        eliminations_api.router,
    )


def _jobs_and_reports() -> tuple[APIRouter, ...]:
    from pacer.cockpit import outlook_job
    from pacer.facts import import_pages
    from pacer.jobs import api as jobs_api
    from pacer.jobs import pages as jobs_pages
    from pacer.reports import api as reports_api
    from pacer.reports import pages as reports_pages
    from pacer.reports import record_pages

    # a record's pages before /reports' own
    routers = (jobs_pages.router, record_pages.router, reports_pages.router, jobs_api.router, reports_api.router)
    return (*routers, import_pages.router, outlook_job.router)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = PacerApp(
        title="Pacer",
        summary="Operations management for multi-level enterprise groups.",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.db_engine = get_engine(settings)
    metrics.watch_pool(app.state.db_engine)
    app.state.session_factory = session_factory(app.state.db_engine)
    app.state.jobs = _job_runner(app.state.session_factory, settings)
    app.mount("/static/docs", StaticFiles(directory=SWAGGER), name="docs-static")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in routers():
        app.include_router(router)
    app.include_router(probes.router)  # /healthz, /readyz, /metrics
    errors.install(app)
    _add_home_and_docs(app)
    return app


def _job_runner(factory: Any, settings: Settings) -> Any:
    """The background jobs' runner: threads that start with the first job this process queues
    (or with ``pacer serve``), none when PACER_JOBS_WORKERS is 0 or ``pacer worker`` processes
    run the jobs (PACER_JOBS_QUEUE=procrastinate)."""
    from pacer.jobs.queue import Doorbell
    from pacer.jobs.runner import ThreadRunner, transactions

    if settings.jobs_queue == "procrastinate":
        return Doorbell()
    return ThreadRunner(transactions(factory), settings.jobs_workers, settings.jobs_poll_seconds)


def _add_home_and_docs(app: FastAPI) -> None:
    """The application's own routes: the home redirect, the icon and the API documentation."""

    @app.get("/", include_in_schema=False)
    def home() -> Response:
        return RedirectResponse("/cockpit", status_code=303)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(
            (STATIC / "favicon.svg").read_bytes(),
            media_type="image/svg+xml",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        # Swagger UI from Pacer's own static files: isolated networks have no CDN. Its one
        # inline script (the set-up) is allowed by its hash, no other.
        page = get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Pacer API",
            swagger_js_url="/static/docs/swagger-ui-bundle.js",
            swagger_css_url="/static/docs/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )
        html = docs_with_way_back(bytes(page.body).decode(), lang_of(request))
        answer = HTMLResponse(html)
        answer.headers["Content-Security-Policy"] = headers.policy_allowing_inline_scripts_of(html)
        return answer
