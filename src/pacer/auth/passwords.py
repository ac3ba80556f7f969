"""Password hashing (Argon2id) and the minimum a new password must meet."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pacer.errors import Problem, ValidationFailed

MIN_LENGTH = 8
_hasher = PasswordHasher()
# Verifying against this when the username is unknown makes both failures take as long,
# so response times do not reveal which usernames exist.
_DUMMY_HASH = _hasher.hash("pacer-dummy-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def check_new_password(password: str, username: str) -> None:
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(Problem(f"at least {MIN_LENGTH} characters", field="password"))
    if password.strip().lower() == username.lower():
        problems.append(Problem("must differ from the username", field="password"))
    if problems:
        raise ValidationFailed(problems, source="password")
