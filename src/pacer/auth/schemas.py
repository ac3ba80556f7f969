"""What the auth API reads and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class GrantOut(BaseModel):
    id: int
    role: str
    unit_code: str
    unit_name: str


class MeOut(BaseModel):
    username: str
    display_name: str
    language: str
    grants: list[GrantOut]


class LanguageIn(BaseModel):
    language: Literal["zh", "en"]


class PasswordIn(BaseModel):
    current_password: str
    new_password: str


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    days: int | None = Field(default=None, ge=1, le=3650)


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="The bearer token; shown this once only.")
