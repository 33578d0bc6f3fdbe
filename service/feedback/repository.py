"""Every query on feedback."""

from __future__ import annotations

from sqlalchemy.orm import Session

from service.db import Feedback, Outcome


def add_feedback(
    session: Session,
    *,
    run_id: str,
    offering_id: str,
    outcome: Outcome,
    note: str | None,
    actor_key_id: int | None = None,
    actor_user: str | None = None,
) -> Feedback:
    row = Feedback(
        run_id=run_id,
        offering_id=offering_id,
        outcome=outcome,
        note=note,
        actor_key_id=actor_key_id,
        actor_user=actor_user,
    )
    session.add(row)
    session.flush()
    return row
