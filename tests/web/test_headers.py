"""Every answer carries the security headers — pages, JSON, static files, the API documentation,
errors and the server-error page — and cookies are Secure over HTTPS."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.webclient import csrf_from, page_token

EXPECTED = {"x-frame-options": "DENY", "referrer-policy": "same-origin", "x-content-type-options": "nosniff"}


def _check(response) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (response.request.url, name)
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    script = next(part for part in policy.split(";") if part.strip().startswith("script-src")).split()
    assert "'unsafe-inline'" not in script
    assert "'unsafe-eval'" not in script


def test_every_kind_of_answer_carries_the_security_headers(app, signed_in):
    @app.get("/boom-for-test")
    def boom() -> None:
        raise RuntimeError("boom")

    grace = signed_in("grace")
    answers = [
        grace.get(path)
        for path in (
            "/cockpit",
            "/account",
            "/admin/users",
            "/api/me",
            "/api/admin/users",
            "/static/pacer.css",
            "/static/pacer.js",
            "/openapi.json",
            "/no-such-page",
            "/api/no-such-thing",
        )
    ]
    answers.append(grace.post("/api/tokens", json={"name": "x"}))  # 403, no CSRF header
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as anonymous:
        answers += [anonymous.get("/login"), anonymous.get("/account"), anonymous.get("/boom-for-test")]
    assert answers[-1].status_code == 500
    for response in answers:
        _check(response)


def test_the_api_documentation_allows_its_own_set_up_script_only(client):
    import base64
    import hashlib
    import re

    page = client.get("/docs")
    _check(page)
    inline = re.findall(r"<script>(.*?)</script>", page.text, re.S)
    assert len(inline) == 1
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in page.headers["content-security-policy"]


def _login_cookies(app, base_url: str) -> list[str]:
    with TestClient(app, base_url=base_url, follow_redirects=False) as c:
        form = c.get("/login")
        signed = c.post(
            "/login", data={"username": "alice", "password": "correct-horse", "csrf_token": csrf_from(form.text)}
        )
        assert signed.status_code == 303
        return [*form.headers.get_list("set-cookie"), *signed.headers.get_list("set-cookie")]


def _secure(cookies: list[str], name: str) -> bool:
    cookie = next(c for c in cookies if c.startswith(f"{name}=") and "Max-Age=0" not in c)
    return "Secure" in cookie


def test_cookies_are_secure_over_https_and_in_production(app, org, session):
    from tests.webclient import set_passwords

    set_passwords(session, "alice")
    over_https = _login_cookies(app, "https://pacer.example")
    assert _secure(over_https, "pacer_csrf")
    assert _secure(over_https, "pacer_session")
    over_http = _login_cookies(app, "http://127.0.0.1")
    assert not _secure(over_http, "pacer_csrf")
    assert not _secure(over_http, "pacer_session")
    app.state.settings = app.state.settings.model_copy(update={"environment": "production"})
    with TestClient(app, base_url="http://pacer.example") as c:
        assert _secure(c.get("/login").headers.get_list("set-cookie"), "pacer_csrf")
    assert _secure(_login_cookies(app, "https://pacer.example"), "pacer_session")
    app.state.settings = app.state.settings.model_copy(update={"cookie_secure": False})
    assert not _secure(_login_cookies(app, "https://pacer.example"), "pacer_session")


def test_a_page_token_still_works_with_the_headers(signed_in):
    grace = signed_in("grace")
    assert grace.post("/api/tokens", json={"name": "x"}, headers={"X-CSRF-Token": page_token(grace)}).status_code == 201
