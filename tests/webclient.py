"""Fixtures for web tests: the app on the test's rolled-back session, and signed-in clients."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pacer.app import create_app
from pacer.auth.passwords import hash_password
from pacer.config import Settings
from pacer.models import User
from pacer.web.deps import get_db

PASSWORD = "correct-horse"
_HASH = hash_password(PASSWORD)  # hashing is deliberately slow: once per test run
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def settings_for(url: str, **overrides: object) -> Settings:
    return Settings(database_url=url, environment="test", secret_key="test-secret-key", **overrides)


def set_passwords(session: Session, *usernames: str) -> None:
    for user in session.scalars(select(User).where(User.username.in_(usernames))):
        user.password_hash = _HASH
    session.flush()


@pytest.fixture
def app(session: Session, engine: Engine) -> Iterator[FastAPI]:
    """The app on the test's session. Its own engine and job threads point at the template, so
    they are closed after the test: PostgreSQL copies a template only while nobody is connected."""
    app = create_app(settings_for(engine.url.render_as_string(hide_password=False)))

    def db_override() -> Iterator[Session]:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise

    app.dependency_overrides[get_db] = db_override
    yield app
    app.state.jobs.stop()
    app.state.db_engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as c:
        yield c


def csrf_from(html: str) -> str:
    match = CSRF.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> TestClient:
    form = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_from(form.text), "next": "/account"},
    )
    assert response.status_code == 303, response.text
    return client


def page_token(client: TestClient, path: str = "/account") -> str:
    return csrf_from(client.get(path).text)


@pytest.fixture
def signed_in(org, session: Session, app: FastAPI) -> Iterator[Callable[[str], TestClient]]:
    """A factory of clients, each signed in as one persona of ``org``."""
    set_passwords(session, "grace", "hannah", "victor", "alice", "bob", "oscar")
    clients: list[TestClient] = []

    def make(username: str) -> TestClient:
        c = TestClient(app, follow_redirects=False)
        clients.append(c)
        return sign_in(c, username)

    yield make
    for c in clients:
        c.close()


@pytest.fixture
def figures(org, session: Session, app: FastAPI):
    """Revenue and total profit for the leaves of ``org`` over 2024–2025 (A1 stops after
    November 2025), a revenue target for G, and the engine built on this test's transaction."""
    from pacer.analysis.serve.service import build
    from pacer.models import Fact, Target
    from pacer.web.deps import get_analysis_dep
    from tests.factories import indicator

    revenue, profit = indicator(session, "revenue"), indicator(session, "total_profit")
    size = {org.A1.id: 300, org.A2.id: 200, org.B1.id: 100}
    rows = []
    for unit_id, base in size.items():
        for year in (2024, 2025):
            for month in range(1, 13):
                if unit_id == org.A1.id and year == 2025 and month == 12:
                    continue
                grow = 1.1 if year == 2025 else 1.0
                rows.append(
                    Fact(
                        unit_id=unit_id,
                        indicator_id=revenue.id,
                        period=year * 100 + month,
                        value=int(base * 10_000 * 100 * grow),
                    )
                )
                rows.append(
                    Fact(
                        unit_id=unit_id,
                        indicator_id=profit.id,
                        period=year * 100 + month,
                        value=int(base * 1_000 * 100 * (grow if unit_id != org.B1.id else -1)),
                    )
                )
    session.add_all(rows)
    session.add(Target(unit_id=org.G.id, indicator_id=revenue.id, year=2025, tier="ensure", value=7_000_000 * 1_200))
    session.flush()
    app.dependency_overrides[get_analysis_dep] = lambda: build(session.connection())
    return org
