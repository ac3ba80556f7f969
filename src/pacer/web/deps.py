"""Request dependencies: the unit of work, the settings, the analysis engine and the language.

The request owns the transaction: it commits when the handler returns and rolls back when it
raises. Who is asking is :mod:`pacer.auth.deps`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, cast

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from pacer.analysis import Analysis, get_analysis
from pacer.config import Settings
from pacer.db import unit_of_work
from pacer.models import User
from pacer.web.i18n import LANGUAGES


def get_settings_dep(request: Request) -> Settings:
    return cast(Settings, request.app.state.settings)  # the application state is untyped


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_db(request: Request) -> Iterator[Session]:
    with unit_of_work(factory=request.app.state.session_factory, writes=request.method not in SAFE_METHODS) as session:
        yield session


Db = Annotated[Session, Depends(get_db, scope="function")]
AppSettings = Annotated[Settings, Depends(get_settings_dep)]


def language_of(request: Request, user: User | None) -> str:
    """``?lang=`` for this request, else (an API call's) the first language of Accept-Language
    Pacer speaks, else the user's choice, else the site default."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    if request.url.path.startswith("/api/"):
        accepted = accepted_language(request.headers.get("accept-language", ""))
        if accepted is not None:
            return accepted
    if user is not None and user.language in LANGUAGES:
        return user.language
    site = getattr(request.state, "site", None)  # the group's settings, once read for the request
    language = getattr(site, "language", None)
    return language if language in LANGUAGES else get_settings_dep(request).language


def accepted_language(header: str) -> str | None:
    """The language of an Accept-Language header Pacer speaks that it rates highest (``zh-CN``
    is zh), None when it names neither."""
    ranked = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:7])
            except ValueError:
                weight = 0.0
        if primary in LANGUAGES and weight > 0:
            ranked.append((-weight, position, primary))
    return min(ranked)[2] if ranked else None


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def get_analysis_dep(request: Request) -> Analysis:
    """The process's analysis engine for this database (rebuilt when the figures changed)."""
    return get_analysis(request.app.state.db_engine)


CurrentAnalysis = Annotated[Analysis, Depends(get_analysis_dep)]
