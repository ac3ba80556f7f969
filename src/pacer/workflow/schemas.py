"""What the API returns of a workflow item's history, one shape for every feature."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class EventOut(BaseModel):
    """One step of a record's timeline: the verb, the states it moved between, who took it."""

    verb: str
    from_state: str | None
    to_state: str
    actor: str
    at: datetime
    reason: str
