"""One handler for domain and HTTP errors: JSON under /api, a page (or sign-in redirect) elsewhere."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DataError
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


async def unexpected_error(request: Request, exc: Exception) -> Response:
    # Logged by the server; the client gets the usual shape without internals.
    return error_response(request, 500, "internal error; the details are in the server log")


def install(app: FastAPI) -> None:
    app.add_exception_handler(Exception, unexpected_error)
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(DataError, data_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
