"""Idempotent write calls for clients that retry (an upstream system pushing figures).

A call sent with an ``Idempotency-Key`` header is remembered, per user, with a digest of what it
asked (method, path, query, ``If-Match``, the JSON body) and the response it got, for
``PACER_IDEMPOTENCY_HOURS``. A retry with the same key and the same call gets that response
again (``Idempotent-Replayed: true``) and changes nothing; the same key with another call is
refused (422). A refused call is not remembered: nothing was stored, so a retry runs again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pacer.errors import Conflict, DomainError
from pacer.models import IdempotencyKey
from pacer.models.base import utcnow

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
MAX_KEY = 200


@dataclass(frozen=True)
class Idempotency:
    """The call's key (None: an ordinary call) and what it asked, digested."""

    key: str | None
    fingerprint: str
    hours: int
    language: str

    def _say(self, zh: str, en: str) -> str:
        return zh if self.language == "zh" else en

    def replayed(self, db: Session, user_id: int) -> JSONResponse | None:
        """The response a call with this key got before, or None to make the call now;
        refused when the key was used for another call."""
        if self.key is None:
            return None
        cutoff = utcnow() - timedelta(hours=self.hours)
        db.execute(delete(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.created_at < cutoff))
        row = db.scalar(select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == self.key))
        if row is None:
            return None
        if row.fingerprint != self.fingerprint:
            raise DomainError(
                self._say(
                    f"{HEADER} '{self.key}' 已用于另一次不同的调用：每次新的调用请使用新的键",
                    f"{HEADER} '{self.key}' was used for a different call: use a new key for each new call",
                ),
                status=422,
            )
        headers = {REPLAYED: "true", **({"ETag": row.etag} if row.etag else {})}
        return JSONResponse(row.body, status_code=row.status, headers=headers)

    def remember(self, db: Session, user_id: int, body: dict[str, Any], status: int, etag: str | None) -> None:
        """Keep the response of the call just made, in the call's transaction."""
        if self.key is None:
            return
        row = IdempotencyKey(
            user_id=user_id, key=self.key, fingerprint=self.fingerprint, status=status, body=body, etag=etag
        )
        try:
            with db.begin_nested():
                db.add(row)
        except IntegrityError:
            raise Conflict(
                self._say(
                    f"另一次使用 {HEADER} '{self.key}' 的调用正在进行：请稍后重试，以取得它的结果",
                    f"another call with {HEADER} '{self.key}' is under way: retry it to get that call's response",
                )
            ) from None


async def idempotency(
    request: Request,
    key: Annotated[
        str | None,
        Header(alias=HEADER, description="Any unique text (a UUID): a retried call with it is made once."),
    ] = None,
) -> Idempotency:
    language = getattr(request.state, "lang", "en")
    if key is not None:
        key = key.strip()
        if not key or len(key) > MAX_KEY or not key.isascii() or not key.isprintable():
            said = (
                f"{HEADER}：需为 1–{MAX_KEY} 个可打印的 ASCII 字符"
                if language == "zh"
                else f"{HEADER}: 1 to {MAX_KEY} printable ASCII characters"
            )
            raise DomainError(said, status=422)
    raw = await request.body()
    try:
        body: object = json.loads(raw) if raw else None
        text = json.dumps(body, sort_keys=True, ensure_ascii=False)
    except ValueError:
        text = raw.decode("utf-8", "replace")
    asked = [request.method, request.url.path, request.url.query, request.headers.get("if-match", ""), text]
    fingerprint = hashlib.sha256("\n".join(asked).encode()).hexdigest()
    return Idempotency(key, fingerprint, request.app.state.settings.idempotency_hours, language)


Idempotent = Annotated[Idempotency, Depends(idempotency)]
