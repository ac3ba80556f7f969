"""An app configured for single sign-on, on the test's rolled-back session, and a browser that
walks the OpenID Connect flow through the provider the suite started."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import requests
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from pacer.app import create_app
from pacer.web.deps import get_db
from tests.webclient import settings_for

CALLBACK = "http://testserver/login/oidc/callback"
HIDDEN = re.compile(r'name="([^"]+)" value="([^"]*)"')


def sso_client(session: Session, engine: Engine, **overrides: object) -> Iterator[TestClient]:
    app: FastAPI = create_app(settings_for(engine.url.render_as_string(hide_password=False), **overrides))

    def db_override() -> Iterator[Session]:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise

    app.dependency_overrides[get_db] = db_override
    with TestClient(app, follow_redirects=False) as client:
        yield client
    app.state.jobs.stop()
    app.state.db_engine.dispose()


def through_provider(client: TestClient, issuer: str, login: str, secret: str, next: str = "/account"):
    """Pacer's redirect to the provider, the provider's sign-in form, and its redirect back to
    Pacer's callback, as a browser follows them; Pacer's answer to the callback."""
    start = client.get("/login/oidc", params={"next": next})
    assert start.status_code == 303, start.text
    authorize = start.headers["location"]
    assert authorize.startswith(issuer + "/authorize?")
    browser = requests.Session()
    form = browser.get(authorize, timeout=10)
    fields = {k: html.unescape(v) for k, v in HIDDEN.findall(form.text)}
    answer = browser.post(
        authorize, data={**fields, "login": login, "secret": secret}, allow_redirects=False, timeout=10
    )
    assert answer.status_code == 302, answer.text
    callback = answer.headers["location"]
    assert callback.startswith(CALLBACK + "?")
    return client.get(callback.removeprefix("http://testserver"))
