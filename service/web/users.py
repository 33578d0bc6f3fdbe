"""Officer and admin accounts of the web pages: Argon2 password hashes, looked up by username."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from service.auth import repository as auth_repo
from service.db import Role, User

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,99}$")
MIN_PASSWORD = 10

_hasher = PasswordHasher()
# Verified against when the username is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class UserError(ValueError):
    """A username or password that cannot be used; the message says why."""


def check_new(username: str, password: str) -> None:
    """Raise :class:`UserError` when ``username`` or ``password`` may not be used."""
    if not USERNAME.match(username):
        raise UserError(
            f"username {username!r}: use 2-100 lower-case letters, digits, '.', '_' or '-'"
        )
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password must have at least {MIN_PASSWORD} characters")


def create_user(session: Session, username: str, password: str, role: Role) -> User:
    """Store a new active user with an Argon2id hash of ``password``."""
    check_new(username, password)
    if auth_repo.find_user(session, username) is not None:
        raise UserError(f"a user named {username!r} already exists")
    return auth_repo.add_user(session, username, _hasher.hash(password), role)


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active officer or admin with this username and password, or None."""
    user = auth_repo.find_user(session, username.strip())
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active or user.role not in (Role.OFFICER, Role.ADMIN):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def active_user(session: Session, username: str) -> User | None:
    """The active user named ``username`` (a session outlives a deactivated account no longer)."""
    user = auth_repo.find_user(session, username)
    return user if user is not None and user.active else None
