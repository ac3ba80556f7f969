"""What the inbox API returns."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class NotificationOut(BaseModel):
    id: int
    kind: str
    title: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None


class InboxOut(BaseModel):
    items: list[NotificationOut]
    total: int
    unread: int
    limit: int
    offset: int


class MarkedOut(BaseModel):
    marked: int


class QueueItemOut(BaseModel):
    """An item awaiting a verb the viewer may take."""

    id: int
    workflow: str
    title: str
    state: str
    unit_code: str
    link: str
    due_at: datetime | None
    escalation_level: int
