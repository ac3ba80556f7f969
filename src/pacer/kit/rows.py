"""Reading one record through a statement already restricted to what the actor sees."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from sqlalchemy import Select
from sqlalchemy.orm import Session

from pacer.errors import NotFound

T = TypeVar("T", bound=tuple[Any, ...])


def one_seen(session: Session, stmt: Select[T], missing: str) -> T:
    """The one row ``stmt`` finds, or NotFound saying ``missing``: the same answer whether the
    record does not exist or lies outside what the actor sees, so its id cannot be probed."""
    found = session.execute(stmt).tuples().one_or_none()
    if found is None:
        raise NotFound(missing)
    return cast(T, found)
