"""One handler for domain and HTTP errors: JSON under /api, a page (or sign-in redirect) elsewhere."""

from __future__ import annotations

from urllib.parse import quote

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response

from pacer.errors import DomainError, ValidationFailed
from pacer.web.templating import render


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def error_response(
    request: Request, status: int, message: str, details: list[dict[str, object]] | None = None
) -> Response:
    if wants_json(request):
        body: dict[str, object] = {"message": message, "status": status}
        if details:
            body["details"] = details
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse({"error": body}, status_code=status, headers=headers)
    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    return render(request, "errors/error.html", {"status": status, "message": message}, status_code=status)


async def domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    details: list[dict[str, object]] | None = None
    message = exc.message
    if isinstance(exc, ValidationFailed):
        # a refusal given its words in the reader's language says it in that language
        lang = exc.language or "en"
        details = []
        for p in exc.problems:
            detail: dict[str, object] = {"message": p.text(lang), "field": p.field, "row": p.row}
            detail |= {"sheet": p.sheet, "cell": p.cell} | ({"message_zh": p.zh} if p.zh else {})
            detail |= {"message_en": p.message} if exc.language else {}
            details.append(detail)
        message = "; ".join(p.said(lang) for p in exc.problems)
    return error_response(request, exc.status, message, details)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = exc.detail if isinstance(exc.detail, str) else "request refused"
    response = error_response(request, exc.status_code, message)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    details = [
        {"message": e.get("msg", ""), "field": ".".join(str(p) for p in e.get("loc", ())[1:])} for e in exc.errors()
    ]
    message = "; ".join(f"{d['field']}: {d['message']}" for d in details) or "invalid request"
    return error_response(request, 422, message, details)


async def data_error(request: Request, exc: Exception) -> Response:
    """A value the database cannot hold: PostgreSQL refuses a NUL character in any text, which no
    form or API field can carry meaningfully; anything else is unexpected."""
    if "NUL" in str(exc):
        return error_response(request, 422, "a text field holds a NUL (0x00) character, which cannot be stored")
    return await unexpected_error(request, exc)


# what a database says when the disk under it is full: SQLite's SQLITE_FULL, PostgreSQL's 53100;
# or when it cannot write there (a file-size limit reached, a failing disk): SQLite's write errors,
# PostgreSQL's 58030
DISK_FULL = ("database or disk is full", "No space left on device", "could not extend file")
WRITE_FAILED = ("SQLITE_FULL", "SQLITE_IOERR_WRITE", "SQLITE_IOERR_FSYNC", "SQLITE_IOERR_TRUNCATE")
DISK_FULL_SAID = "the server's disk is full or cannot be written: nothing was saved; free space on it, then try again"
UNAVAILABLE = (
    "connection refused",
    "server closed the connection",
    "terminating connection",
    "the database system is shutting down",
    "the database system is starting up",
    "the database system is in recovery mode",
    "connection failed",
    "consuming input failed",
    "connection is lost",
)


def storage_fault(exc: BaseException) -> tuple[int, str] | None:
    """The status and words of a database that cannot store now (its disk full: 507) or cannot be
    reached (stopped, restarting: 503); None for any other error. The transaction was rolled back:
    nothing of the request was kept."""
    orig = getattr(exc, "orig", None) or exc  # the driver's own error (a bulk COPY raises it unwrapped)
    said, sqlstate = str(orig), getattr(orig, "sqlstate", None)
    written = getattr(orig, "sqlite_errorname", "") in WRITE_FAILED or sqlstate == "58030"
    if written or sqlstate == "53100" or any(words in said for words in DISK_FULL):
        return 507, DISK_FULL_SAID
    if getattr(exc, "connection_invalidated", False) or (sqlstate or "").startswith(("08", "57P")):
        return 503, "the database cannot be reached now: nothing was saved; try again in a moment"
    if any(words in said for words in UNAVAILABLE):
        return 503, "the database cannot be reached now: nothing was saved; try again in a moment"
    return None


async def database_error(request: Request, exc: Exception) -> Response:
    """A database that cannot store or be reached answers what happened, and that nothing was
    kept, instead of an internal error; anything else is unexpected."""
    fault = storage_fault(exc)
    if fault is None:
        return await unexpected_error(request, exc)
    status, message = fault
    response = error_response(request, status, message)
    if status == 503:
        response.headers["Retry-After"] = "5"
    return response


async def unexpected_error(request: Request, exc: Exception) -> Response:
    # Logged by the server; the client gets the usual shape without internals.
    return error_response(request, 500, "internal error; the details are in the server log")


def install(app: FastAPI) -> None:
    app.add_exception_handler(Exception, unexpected_error)
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(DataError, data_error)
    app.add_exception_handler(OperationalError, database_error)
    app.add_exception_handler(psycopg.OperationalError, database_error)  # raised by the driver itself
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
