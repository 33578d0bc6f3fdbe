"""``Idempotency-Key``: the first successful response is stored and replayed for repeats."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from service.auth import repository as auth_repo
from service.errors import IdempotencyKeyReused


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: dict[str, Any]


def request_hash(body: Mapping[str, Any]) -> str:
    """Hash of the JSON body; key order and whitespace do not change it."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def replay(session: Session, api_key_id: int, key: str, body_hash: str) -> StoredResponse | None:
    """The stored response for this key, None if new; refuses a key reused with another body."""
    row = auth_repo.find_reply(session, api_key_id, key)
    if row is None:
        return None
    if row.request_hash != body_hash:
        raise IdempotencyKeyReused(
            "this Idempotency-Key was already used with a different body; use a new key"
        )
    return StoredResponse(status=row.response_status, body=dict(row.response_body))


def remember(
    session: Session,
    *,
    api_key_id: int,
    key: str,
    body_hash: str,
    status: int,
    body: Mapping[str, Any],
    profile_id: str | None,
) -> None:
    auth_repo.add_reply(
        session,
        api_key_id=api_key_id,
        key=key,
        request_hash=body_hash,
        status=status,
        body=body,
        profile_id=profile_id,
    )
