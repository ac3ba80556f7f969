"""The signed-in user and their API tokens, as JSON."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from pacer.auth import service, sessions, tokens
from pacer.auth.deps import CurrentViewer, protect
from pacer.auth.schemas import GrantOut, LanguageIn, MeOut, PasswordIn, TokenCreated, TokenIn, TokenOut
from pacer.models import ApiToken
from pacer.web import errors
from pacer.web.deps import AppSettings, Db, client_ip
from pacer.web.params import RowId

router = APIRouter(prefix="/api", tags=["account"], dependencies=[Depends(protect)])


def _token_out(token: ApiToken) -> TokenOut:
    return TokenOut.model_validate(token, from_attributes=True)


@router.get("/me")
def me(viewer: CurrentViewer, db: Db) -> MeOut:
    """The signed-in user, language and role grants."""
    grants = [
        GrantOut(id=g.id, role=g.role, unit_code=u.code, unit_name=u.name(viewer.user.language))
        for g, u in service.grants_of(db, viewer.user.id)
    ]
    return MeOut(
        username=viewer.user.username,
        display_name=viewer.user.display_name,
        language=viewer.user.language,
        grants=grants,
    )


@router.put("/me/language")
def set_language(body: LanguageIn, viewer: CurrentViewer, db: Db) -> MeOut:
    """Store the user's interface language (zh or en)."""
    service.set_language(db, viewer.user, body.language)
    return me(viewer, db)


@router.put("/me/password", status_code=204, response_model=None)
def change_password(
    request: Request, body: PasswordIn, viewer: CurrentViewer, db: Db, settings: AppSettings
) -> Response | None:
    """Change the password; every other sign-in of the user and every API token end."""
    # A wrong current password is a guess at it too: it counts towards the account's sign-in lock.
    keep = viewer.web_session.id if viewer.web_session else None
    username, ip = viewer.user.username, client_ip(request)
    try:
        sessions.change_password(db, viewer.user, body.current_password, body.new_password, keep, ip, settings)
    except sessions.WrongPassword as exc:
        db.rollback()
        sessions.record_failure(db, username, ip)  # kept: the answer is a normal return
        details: list[dict[str, object]] = [
            {"message": p.message, "field": p.field, "row": p.row} for p in exc.problems
        ]
        return errors.error_response(request, exc.status, "; ".join(str(p) for p in exc.problems), details)
    return None


@router.get("/tokens")
def list_tokens(viewer: CurrentViewer, db: Db) -> list[TokenOut]:
    """The user's API tokens (never the secrets)."""
    return [_token_out(t) for t in tokens.list_tokens(db, viewer.user)]


@router.post("/tokens", status_code=201)
def create_token(body: TokenIn, viewer: CurrentViewer, db: Db, settings: AppSettings) -> TokenCreated:
    """Create a bearer token from a browser sign-in (not with a token); the secret is shown this once."""
    # A token lives at most PACER_TOKEN_MAX_DAYS and ends with a password change or deactivation.
    tokens.require_session(viewer.web_session)
    raw, token = tokens.create_token(db, viewer.user, body.name, body.days, settings.token_max_days)
    return TokenCreated(token=raw, **_token_out(token).model_dump())


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: RowId, viewer: CurrentViewer, db: Db) -> None:
    """Revoke one of the user's tokens."""
    tokens.revoke_token(db, viewer.user, token_id)
