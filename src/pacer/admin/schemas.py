"""What the user-administration API reads and answers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from pacer.auth.schemas import GrantOut


class UserOut(BaseModel):
    username: str
    display_name: str
    language: str
    is_active: bool
    email: str | None = None
    sign_in: str = Field(default="local", description="local (a password), oidc or ldap")
    grants: list[GrantOut]


class UserIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    display_name: str = Field(min_length=1, max_length=100)
    password: str = Field(default="", description="The initial password (local sign-in only).")
    language: Literal["zh", "en"] = "zh"
    sign_in: Literal["local", "oidc", "ldap"] = Field(
        default="local",
        description="oidc or ldap: no password; linked to the provider's identity at the first sign-in.",
    )
    role: str | None = Field(
        default=None, description="With unit_code: a first role grant (needed from a subtree administrator)."
    )
    unit_code: str | None = None


class GrantIn(BaseModel):
    role: str
    unit_code: str


class ActiveIn(BaseModel):
    is_active: bool


class PasswordResetIn(BaseModel):
    password: str


class EmailIn(BaseModel):
    email: str = Field(max_length=200, description="Where e-mail notifications go; empty: nowhere.")


class SignInIn(BaseModel):
    sign_in: Literal["local", "oidc", "ldap"]
    password: str = Field(default="", description="The new password, when the user moves to local sign-in.")
