"""Forged requests, fixed sessions and paths out of place, on every route of the app.

- CSRF: every state-changing route (pages and API) called with a signed-in session's cookie but no
  token, an empty one, a wrong one, another session's, or a wrong header, as a form and as JSON:
  each is refused and nothing is stored.
- Session fixation: a session cookie chosen before signing in is never the one after; the token
  of a form shown before signing in is refused after; the cookie of a session signed out, or
  altered, signs nobody in.
- Path traversal: every changing route sent files whose names climb out of a folder; every route
  read with path parameters that do: no file appears outside Pacer's storage, no name is kept with
  a folder in it (the multipart reader may keep only a name's last part, or the name is refused),
  no answer holds a file of the machine.

The routes and their path parameters come from the cross-unit test's group, so a new route is
tried as soon as it exists.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from pacer.auth.sessions import SESSION_COOKIE
from pacer.models import StoredFile
from pacer.web.csrf import COOKIE as CSRF_COOKIE
from tests.hostile import changed, record, row_counts, scaled
from tests.web import test_cross_unit
from tests.web.test_bad_input import bearer
from tests.web.test_cross_unit import WIDER, requests_for, routes
from tests.webclient import PASSWORD, csrf_from, page_token

pytestmark = pytest.mark.slow

group = test_cross_unit.group  # the cross-unit test's group, a fixture here too

# signing in and out change sessions by design: tried last, apart
LAST = ("/login", "/logout")
# what a request from another site can carry: no token, an empty one, a made-up one, the token of
# another person's session (as a form, as JSON, as the header)
FORGED = {
    "form without token": {"data": {"x": "1"}},
    "form with empty token": {"data": {"csrf_token": ""}},
    "form with made-up token": {"data": {"csrf_token": "A" * 43}},
    "form with another session's token": None,  # filled in the test
    "JSON without token": {"json": {}},
    "header with made-up token": {"json": {}, "headers": {"X-CSRF-Token": "A" * 43}},
}


SUITE = ("form without token", "form with another session's token", "JSON without token")


def changing_requests(app) -> list[tuple[str, str]]:
    """(method, url) of every state-changing route, path parameters filled with the group's."""
    out = []
    for method, path in routes(app):
        if method == "GET" or path in LAST:
            continue
        urls = [u for u, unit in requests_for(method, path, WIDER) if unit in (None, "A1")]
        out.append((method, urls[0].split("?")[0]))
    return out


def test_no_changing_route_takes_a_forged_request(app, group, signed_in, session):
    grace, alice = signed_in(WIDER), signed_in("alice")
    forged = dict(FORGED)
    forged["form with another session's token"] = {"data": {"csrf_token": page_token(alice)}}
    if scaled(10) <= 10:  # in the suite, one of each kind: a form, another's token, JSON
        forged = {k: v for k, v in forged.items() if k in SUITE}
    requests = changing_requests(app)
    assert len(requests) > 40
    failures: list[str] = []
    attempts = refused = 0
    for method, url in requests:
        for label, how in forged.items():
            before = row_counts(session)
            response = grace.request(method, url, **how)
            after = row_counts(session)
            attempts += 1
            refused += response.status_code == 403
            wrote = changed(before, after)
            if response.status_code < 400 or wrote:
                failures.append(f"{method} {url} ({label}) -> {response.status_code}, {wrote}")
    tried = f"{len(requests)} changing routes x {len(forged)} forgeries; {refused} refused by the CSRF check (403)"
    record("CSRF", "every state-changing route, signed in by cookie", tried, attempts, failures)
    assert not failures, "\n".join(failures[:20])
    # the check refused them, not something before it: most answers are its 403
    assert refused >= attempts * 0.8, (refused, attempts)
    # and a genuine form passes it
    token = page_token(grace)
    assert grace.post("/account/language", data={"csrf_token": token, "language": "en"}).status_code == 303


def test_a_session_fixed_before_signing_in_is_not_the_one_after(app, signed_in, client, session):
    signed_in("alice")  # the personas' passwords set
    failures: list[str] = []
    attempts = 0

    def signs_in(cookie: str) -> bool:
        client.cookies.clear()
        client.cookies.set(SESSION_COOKIE, cookie)
        return client.get("/account").status_code == 200

    def sign_in(fixed: dict[str, str]) -> tuple[str, str]:
        client.cookies.clear()
        for name, value in fixed.items():
            client.cookies.set(name, value)
        form = client.get("/login")
        before_token = csrf_from(form.text)
        done = client.post(
            "/login", data={"username": "alice", "password": PASSWORD, "csrf_token": before_token, "next": "/account"}
        )
        assert done.status_code == 303, done.text
        return done.cookies.get(SESSION_COOKIE) or "", before_token

    # a cookie an attacker chose (made up, or one of their own sessions) before the victim signs in
    chosen = ["attacker-chosen-value", "A" * 43, ""]
    for value in chosen:
        attempts += 1
        after, _ = sign_in({SESSION_COOKIE: value} if value else {})
        if after == value or not after:
            failures.append(f"signing in kept the session cookie {value!r}")
    own, _ = sign_in({})  # the attacker's own session, signed out, planted on the victim
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, own)
    assert client.post("/logout", data={"csrf_token": page_token(client)}).status_code == 303
    attempts += 1
    victim, before_token = sign_in({SESSION_COOKIE: own})
    if victim == own:
        failures.append("signing in kept a planted session cookie")
    # the token of the form shown before signing in is not the session's
    attempts += 1
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, victim)
    forged = client.post("/account/language", data={"csrf_token": before_token, "language": "en"})
    if forged.status_code != 403:
        failures.append(f"the sign-in form's token was taken after signing in: {forged.status_code}")
    # signed out, or altered, a cookie signs nobody in
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, victim)
    assert client.get("/account").status_code == 200  # the control: the session works
    out = client.post("/logout", data={"csrf_token": page_token(client)})
    assert out.status_code == 303
    for label, cookie in {
        "signed out": victim,
        "altered": victim[:-1] + ("A" if victim[-1] != "A" else "B"),
        "truncated": victim[:20],
        "another's digest": "0" * 64,
    }.items():
        attempts += 1
        if signs_in(cookie):
            failures.append(f"a {label} session cookie signed in")
    # an anonymous CSRF cookie and token from another client are refused at signing in
    attempts += 1
    other = type(client)(app, follow_redirects=False)
    form = other.get("/login")
    client.cookies.clear()
    client.cookies.set(CSRF_COOKIE, "forged.cookie")
    stolen = client.post(
        "/login", data={"username": "alice", "password": PASSWORD, "csrf_token": csrf_from(form.text), "next": "/"}
    )
    other.close()
    if stolen.status_code != 403:
        failures.append(f"signing in with another client's form token: {stolen.status_code}")
    record(
        "session fixation",
        "signing in, signing out, session cookies",
        "fixed, reused, altered cookies",
        attempts,
        failures,
    )
    assert not failures, "\n".join(failures)


TRAVERSAL_NAMES = [
    "../../../../../../../../tmp/{mark}.csv",
    "..\\..\\..\\..\\tmp\\{mark}.xlsx",
    "/tmp/{mark}.txt",
    "C:\\Windows\\{mark}.txt",
    "%2e%2e%2f%2e%2e%2ftmp%2f{mark}.csv",
    ".{mark}.txt",
    "{mark}\x00.txt",
    "..",
]
TRAVERSAL_PARAMETERS = [
    "..%2f..%2f..%2fetc%2fpasswd",
    "%2e%2e%2f%2e%2e%2fpyproject.toml",
    "..%5c..%5cpyproject.toml",
    "....//....//etc/passwd",
    "%00",
]
SECRETS = ("root:x:0:0", "[project]", "[tool.")  # /etc/passwd, pyproject.toml


def test_no_upload_or_download_leaves_its_folder(app, group, signed_in, session):
    grace = signed_in(WIDER)
    token, api = page_token(grace), bearer(session, WIDER)
    mark = f"x-traversal-{uuid.uuid4().hex[:12]}"
    names = [n.format(mark=mark) for n in TRAVERSAL_NAMES]
    failures: list[str] = []
    attempts = 0
    fields = ("file", "files", "workbook", "logo", "evidence", "attachments", "template")
    for method, url in changing_requests(app):
        for name in names:
            attempts += 1
            files = [(field, (name, b"unit_code,value\nA1,1\n", "text/csv")) for field in fields]
            if url.startswith("/api/"):
                response = grace.request(method, url, files=files, headers=api)
                if response.status_code == 401:  # a route revoked the token (DELETE /api/tokens/1): anew
                    api = bearer(session, WIDER)
                    response = grace.request(method, url, files=files, headers=api)
            else:
                response = grace.request(method, url, files=files, data={"csrf_token": token})
            if response.status_code >= 500:
                failures.append(f"{method} {url} with {name!r} -> {response.status_code}")
    # the documented file route itself: each name refused, a plain one taken (the control)
    token, api = page_token(grace), bearer(session, WIDER)
    meeting = f"/api/meetings/{_fill(app, 'meeting_id')}/documents"
    for name in names:
        attempts += 1
        response = grace.post(meeting, files={"file": (name, b"text", "text/plain")}, headers=api)
        kept = response.json().get("filename", "") if response.status_code == 201 else ""
        if response.status_code not in (201, 422) or _climbs(kept):
            failures.append(f"POST {meeting} with {name!r} -> {response.status_code} {kept!r}")
    assert grace.post(meeting, files={"file": ("plain.txt", b"text", "text/plain")}, headers=api).status_code == 201
    stored = session.scalars(select(StoredFile.filename)).all()
    failures += [f"a stored file is named {n!r}" for n in stored if _climbs(n)]
    # the downloads and every other read, with path parameters that climb out
    reads = 0
    for method, path in routes(app):
        if method != "GET" or "{" not in path:
            continue
        url = requests_for(method, path, WIDER)[0][0].split("?")[0]
        for value in TRAVERSAL_PARAMETERS:
            for piece in {p for p in path.split("/") if p.startswith("{")}:
                attempted = _replace(path, url, piece, value)
                reads += 1
                response = grace.get(attempted, headers=api if attempted.startswith("/api/") else None)
                if response.status_code >= 500 or any(s in response.text for s in SECRETS):
                    failures.append(f"GET {attempted} -> {response.status_code}")
    for value in TRAVERSAL_PARAMETERS:
        reads += 1
        response = grace.get(f"/static/{value}")
        if response.status_code != 404 or any(s in response.text for s in SECRETS):
            failures.append(f"GET /static/{value} -> {response.status_code}")
    outside = [str(p) for p in _places() if any(p.glob(f"*{mark}*"))]
    failures += [f"a file named after the upload appeared in {p}" for p in outside]
    tried = f"{attempts} uploads with climbing file names, {reads} reads with climbing path parameters"
    record("path traversal", "every upload and every route with path parameters", tried, attempts + reads, failures)
    assert not failures, "\n".join(failures[:20])


def _climbs(name: str) -> bool:
    """A name that names a folder, hides itself or holds a control character."""
    return "/" in name or "\\" in name or name.startswith(".") or any(ord(c) < 32 for c in name)


def _fill(app, name: str) -> str:
    from tests.web.test_cross_unit import FILL

    return FILL[name][0]


def _replace(path: str, url: str, piece: str, value: str) -> str:
    """``url`` (``path`` filled) with the segment of ``piece`` (a ``{name}``) set to ``value``."""
    template, filled = path.split("/"), url.split("/")
    return "/".join(value if t == piece else f for t, f in zip(template, filled, strict=True))


def _places() -> list[Path]:
    here = Path.cwd()
    return [Path(tempfile.gettempdir()), Path("/tmp"), here, *here.parents]
