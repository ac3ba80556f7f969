"""Saving an upload and reading it back. Whoever owns the file (a meeting, a task) checks its own
permission too; here the actor must have ``action`` on the owning record's unit to store or remove
a file, and see that unit to read one. Flushes, never commits."""

from __future__ import annotations

import hashlib
from typing import BinaryIO

from sqlalchemy.orm import Session

from pacer.auth.permissions import READ, Actor, require
from pacer.config import get_settings
from pacer.errors import NotFound, ValidationFailed
from pacer.files import repository
from pacer.files.kinds import Refused, kind_of, refuse, safe_name
from pacer.models import StoredFile, StoredFileContent

CHUNK = 1024 * 1024


def max_bytes() -> int:
    """The largest file an upload stores (PACER_UPLOAD_MAX_BYTES)."""
    return get_settings().upload_max_bytes


def too_large(field: str, limit: int) -> Refused:
    return refuse(
        field,
        f"the file is larger than the {limit:,} bytes an upload may have (PACER_UPLOAD_MAX_BYTES)",
        f"文件超过了上传上限 {limit:,} 字节（PACER_UPLOAD_MAX_BYTES）",
    )


def read_limited(stream: BinaryIO, field: str = "file") -> bytes:
    """An upload's bytes, refused as soon as it passes the limit (the rest is never read)."""
    limit, parts, size = max_bytes(), [], 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise _failed(too_large(field, limit), 413)
        parts.append(chunk)
    return b"".join(parts)


def _failed(refused: Refused, status: int = 422) -> ValidationFailed:
    failed = ValidationFailed([refused.problem], "upload")
    failed.status = status
    return failed


def save(
    session: Session,
    actor: Actor,
    *,
    owner: str,
    unit_id: int,
    action: str,
    filename: str,
    content: bytes,
    field: str = "file",
) -> StoredFile:
    """Store ``content`` under ``filename`` for the record ``owner`` (``meeting:12``) of unit
    ``unit_id``; a refusal raises :class:`ValidationFailed` naming ``field`` and stores nothing."""
    require(session, actor, action, unit_id)
    try:
        if len(content) > max_bytes():
            raise too_large(field, max_bytes())
        name = safe_name(filename, field)
        kind = kind_of(name, content, field)
    except Refused as refused:
        raise _failed(refused, 413 if len(content) > max_bytes() else 422) from None
    stored = StoredFile(
        owner=owner,
        unit_id=unit_id,
        filename=name,
        content_type=kind.content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=actor.username,
    )
    session.add(stored)
    session.flush()
    session.add(StoredFileContent(file_id=stored.id, content=content))
    session.flush()
    return stored


def found(session: Session, actor: Actor, file_id: int, owner: str, action: str = READ) -> StoredFile:
    """The file ``file_id`` of ``owner``, if the actor may ``action`` its unit; else not found
    (the same answer as for a file that does not exist)."""
    stored = repository.one(session, actor, file_id, owner, action)
    if stored is None:
        raise NotFound(f"no file {file_id} here")
    return stored


def content(session: Session, stored: StoredFile) -> bytes:
    return repository.content(session, stored.id)


def listed(session: Session, actor: Actor, owner: str) -> list[StoredFile]:
    return repository.owned(session, actor, owner)


def remove(session: Session, actor: Actor, file_id: int, owner: str, action: str) -> None:
    stored = found(session, actor, file_id, owner)
    require(session, actor, action, stored.unit_id)
    session.delete(stored)
    session.flush()


def follow(session: Session, owner: str, unit_id: int) -> None:
    """The owner's files move with it when it moves to another unit."""
    repository.move(session, owner, unit_id)


def keep(
    session: Session, *, owner: str, unit_id: int, filename: str, content_type: str, content: bytes, by: str
) -> StoredFile:
    """Store a file Pacer made itself (a generated report): no upload checks, no size limit, the
    type is the one Pacer gives it. The caller has checked the owner's permission. Flushes."""
    stored = StoredFile(
        owner=owner,
        unit_id=unit_id,
        filename=safe_name(filename),
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=by,
    )
    session.add(stored)
    session.flush()
    session.add(StoredFileContent(file_id=stored.id, content=content))
    session.flush()
    return stored
