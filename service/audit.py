"""The audit trail of officers' reads and changes of profiles (queries live here)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db import AuditEvent


def record(session: Session, actor: str, action: str, profile_id: str | None = None) -> None:
    session.add(AuditEvent(actor=actor, action=action, profile_id=profile_id))


def events_for(session: Session, profile_id: str) -> list[tuple[str, str]]:
    """(actor, action) of every event on a profile, oldest first."""
    rows = session.execute(
        select(AuditEvent.actor, AuditEvent.action)
        .where(AuditEvent.profile_id == profile_id)
        .order_by(AuditEvent.id)
    )
    return [(actor, action) for actor, action in rows]
