"""Key material: how a key looks, and the hash that is the only thing stored."""

from __future__ import annotations

import hashlib
import secrets

from service.db import Role

_PREFIX = "dmk"
PREFIX_LENGTH = 12


def new_secret(role: Role) -> str:
    """A new key such as ``dmk_p_3q...``: 256 random bits, role letter for people reading logs."""
    return f"{_PREFIX}_{role.value[0]}_{secrets.token_urlsafe(32)}"


def key_hash(secret: str) -> str:
    """SHA-256 of the key. Keys carry 256 random bits, so a fast hash suffices (no guessing)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def display_prefix(secret: str) -> str:
    """The first characters, shown by ``keys list`` to tell keys apart."""
    return secret[:PREFIX_LENGTH]
