"""Jinja2 rendering with what every page needs: language, viewer, CSRF token, formatters."""

from __future__ import annotations

from functools import partial
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.responses import HTMLResponse

from pacer.web import csrf, i18n, nav

TEMPLATES = Path(__file__).parents[1] / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES))


def written_in(text: str | None) -> Markup:
    """The ``lang`` attribute of a text people wrote (a product, a reason) that is in Chinese,
    so that an English page declares it as such (screen readers, translation); else nothing."""
    return Markup(' lang="zh-CN"') if any("\u4e00" <= ch <= "\u9fff" for ch in text or "") else Markup("")


templates.env.globals.update(fmt=i18n, version=package_version("pacer"), written_in=written_in)
templates.env.trim_blocks = True
templates.env.lstrip_blocks = True


def lang_of(request: Request) -> str:
    lang = getattr(request.state, "lang", None)
    if lang is None:
        from pacer.web.deps import language_of

        lang = language_of(request, None)
        request.state.lang = lang
    return lang


def url_with(request: Request, **changes: Any) -> str:
    """The current URL with some query parameters replaced (None removes one)."""
    query = dict(request.query_params)
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = str(value)
    return request.url.path + ("?" + urlencode(query) if query else "")


def is_fragment(request: Request) -> bool:
    """A progressive-enhancement request asking for a page part only."""
    return request.headers.get("x-pacer-fragment") == "1"


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    lang = lang_of(request)
    viewer = getattr(request.state, "viewer", None)
    ctx = {
        "request": request,
        "lang": lang,
        "t": partial(i18n.translate, lang),
        "viewer": viewer,
        "nav": nav.shown(request.app.routes, viewer.roles, request.url.path) if viewer else None,
        "csrf_token": csrf.token_for(request),
        "url_with": partial(url_with, request),
        "site": getattr(request.state, "site", None),  # the group's settings (name, logo), when read
        **(context or {}),
    }
    response = templates.TemplateResponse(request, name, ctx, status_code=status_code)
    csrf.set_cookie_if_new(request, response)
    response.headers["Content-Language"] = "zh-CN" if lang == "zh" else "en"
    return response


def render_fragment(name: str, lang: str, context: dict[str, Any]) -> Markup:
    """A partial rendered on its own, from its context and the language alone (no request, no
    viewer), so that a page can keep it and reuse it for everyone who may see the same thing."""
    ctx = {"lang": lang, "t": partial(i18n.translate, lang), **context}
    return Markup(templates.get_template(name).render(ctx))
