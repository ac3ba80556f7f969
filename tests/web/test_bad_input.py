"""Unknown things are 404, bad parameters 422, never 500; and a 500 leaves nothing behind that
breaks the client's next request."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from pacer.auth import tokens
from pacer.cockpit.charts import CHARTS
from pacer.models import User
from pacer.web.deps import Db
from pacer.web.params import MAX_ID, MAX_INT
from tests.webclient import page_token, settings_for

HUGE = str(10**30)


def bearer(session: Session, username: str) -> dict[str, str]:
    user = session.scalars(select(User).where(User.username == username)).one()
    raw, _ = tokens.create_token(session, user, "test")
    session.commit()  # a refused request rolls back what the test has not committed
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def api(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False, raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize("name", CHARTS)
def test_a_chart_of_an_unknown_indicator_is_not_found(signed_in, figures, name):
    grace = signed_in("grace")
    response = grace.get(f"/api/cockpit/G/charts/{name}?indicator=no_such_thing")
    assert response.status_code == 404, response.text
    assert "no_such_thing" in response.json()["error"]["message"]
    assert grace.get(f"/cockpit/G/charts/{name}.svg?indicator=no_such_thing").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        f"/api/units?offset={HUGE}",
        f"/api/cockpit/G/ranking?offset={HUGE}",
        f"/api/cockpit/G/off-track?offset={HUGE}",
        f"/api/admin/users?offset={HUGE}",
        f"/api/admin/users?offset={MAX_INT + 1}",
    ],
)
def test_an_offset_beyond_what_storage_holds_is_a_bad_parameter(api, figures, session, path):
    response = api.get(path, headers=bearer(session, "grace"))
    assert response.status_code == 422, response.text
    assert response.json()["error"]["message"].startswith("offset:")


@pytest.mark.parametrize("path", ["/api/units", "/api/admin/users", "/api/cockpit/G/ranking"])
def test_the_largest_offset_storage_holds_gives_an_empty_page(api, figures, session, path):
    response = api.get(f"{path}?offset={MAX_INT}", headers=bearer(session, "grace"))
    assert response.status_code == 200, response.text
    assert response.json()["items"] == []


@pytest.mark.parametrize("number", [HUGE, str(MAX_INT + 1), str(MAX_ID + 1), "-1", "0"])
def test_an_id_beyond_what_storage_holds_is_a_bad_parameter(api, org, session, number):
    auth = bearer(session, "grace")
    for path in (f"/api/tokens/{number}", f"/api/admin/users/alice/grants/{number}"):
        response = api.delete(path, headers=auth)
        assert response.status_code == 422, (path, response.text)
        assert response.json()["error"]["message"].startswith(("token_id:", "grant_id:"))


def test_the_largest_id_storage_holds_is_looked_for(api, org, session):
    auth = bearer(session, "grace")
    assert api.delete(f"/api/tokens/{MAX_ID}", headers=auth).status_code == 404
    assert api.delete(f"/api/admin/users/alice/grants/{MAX_ID}", headers=auth).status_code == 404


def test_an_id_beyond_what_storage_holds_is_a_bad_parameter_on_the_pages_too(signed_in):
    grace = signed_in("grace")
    token = page_token(grace)
    for path in (f"/account/tokens/{HUGE}/revoke", f"/admin/users/alice/grants/{HUGE}/delete"):
        response = grace.post(path, data={"csrf_token": token})
        assert response.status_code == 422, (path, response.text)
    assert grace.get(f"/admin/users?offset={HUGE}").status_code == 422


# -- after an internal error ---------------------------------------------------------------------


@pytest.fixture
def served(database_url: str) -> Iterator[tuple[FastAPI, dict[str, str]]]:
    """The app on a committed database with its own unit of work per request (no test session),
    a user with a token, and two routes that fail inside their transaction."""
    from pacer.app import create_app
    from pacer.db import make_engine
    from tests.factories import create_unit, create_user

    engine = make_engine(database_url)
    with Session(engine) as session:
        unit = create_unit(session, "G", kind="group")
        create_user(session, "grace", [("group_admin", unit)])
        headers = bearer(session, "grace")
        session.commit()
    engine.dispose()
    app = create_app(settings_for(database_url))

    @app.get("/api/test-failure")
    def failing_read(db: Db) -> None:
        db.execute(text("SELECT * FROM no_such_table"))  # the transaction is aborted (PostgreSQL)

    @app.put("/api/test-failure")
    def failing_write(db: Db) -> None:
        db.scalars(select(User)).one().display_name = "changed"
        db.flush()  # the write lock is held (SQLite) and a row changed
        raise RuntimeError("a failure inside a writing transaction")

    return app, headers


@pytest.mark.parametrize("method", ["get", "put"])
def test_after_an_internal_error_the_clients_next_requests_work(served, method):
    app, headers = served
    with TestClient(app, raise_server_exceptions=False) as client:
        for _ in range(2):
            failed = client.request(method, "/api/test-failure", headers=headers)
            assert failed.status_code == 500
            assert "no_such_table" not in failed.text
            assert "RuntimeError" not in failed.text
            me = client.get("/api/me", headers=headers)
            assert me.status_code == 200
            assert me.json()["display_name"] == "Grace"
            assert client.put("/api/me/language", json={"language": "en"}, headers=headers).status_code == 200
            assert client.get("/api/me", headers=headers).json()["language"] == "en"


def test_a_nul_character_in_a_unit_code_is_refused_not_a_server_error(api, figures, session):
    # PostgreSQL cannot hold NUL in text; SQLite finds no such unit: either way no 500
    body = {"title": "t", "held_on": "2026-07-01", "kind": "other", "attendee_units": ["G\x00"]}
    answer = api.post("/api/meetings", json=body, headers=bearer(session, "grace"))
    assert answer.status_code in (404, 422), answer.text
