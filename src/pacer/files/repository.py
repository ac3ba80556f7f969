"""Every query of stored files, each through the visibility rule on the owning record's unit."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pacer.auth.permissions import READ, Actor, restrict
from pacer.models import StoredFile, StoredFileContent


def owned(session: Session, actor: Actor, owner: str) -> list[StoredFile]:
    stmt = select(StoredFile).where(StoredFile.owner == owner).order_by(StoredFile.uploaded_at, StoredFile.id)
    return list(session.scalars(restrict(stmt, actor, StoredFile.unit_id)))


def one(session: Session, actor: Actor, file_id: int, owner: str, action: str = READ) -> StoredFile | None:
    stmt = select(StoredFile).where(StoredFile.id == file_id, StoredFile.owner == owner)
    return session.scalar(restrict(stmt, actor, StoredFile.unit_id, action))


def content(session: Session, file_id: int) -> bytes:
    """The bytes of a file already found through :func:`one`."""
    return session.scalars(select(StoredFileContent.content).where(StoredFileContent.file_id == file_id)).one()


def move(session: Session, owner: str, unit_id: int) -> None:
    session.execute(update(StoredFile).where(StoredFile.owner == owner).values(unit_id=unit_id))
