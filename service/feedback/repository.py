"""Every query on feedback."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.db import Feedback, Outcome
from service.db.base import utcnow


def _recorded(session: Session, run_id: str, offering_id: str, outcome: Outcome) -> Feedback | None:
    query = select(Feedback).where(
        Feedback.run_id == run_id,
        Feedback.offering_id == offering_id,
        Feedback.outcome == outcome,
    )
    return session.scalars(query).first()


def record_outcome(
    session: Session,
    *,
    run_id: str,
    offering_id: str,
    outcome: Outcome,
    note: str | None,
    actor_key_id: int | None = None,
    actor_user: str | None = None,
) -> tuple[Feedback, bool]:
    """Record ``outcome`` for an offering of a run; returns the row and whether it is new.

    One row per (run, offering, outcome): recording the same outcome again moves the row's
    time to now (it is the latest outcome again) and takes the new author, and the new note
    when one is given, so repeated posts never pile up or count more than once.
    """
    row = _recorded(session, run_id, offering_id, outcome)
    if row is None:
        try:
            with session.begin_nested():
                row = Feedback(
                    run_id=run_id,
                    offering_id=offering_id,
                    outcome=outcome,
                    note=note,
                    actor_key_id=actor_key_id,
                    actor_user=actor_user,
                )
                session.add(row)
            return row, True
        except IntegrityError:  # the same outcome recorded at this moment by another request
            row = _recorded(session, run_id, offering_id, outcome)
            if row is None:
                raise
    row.created_at = utcnow()
    row.actor_key_id, row.actor_user = actor_key_id, actor_user
    if note is not None:
        row.note = note
    session.flush()
    return row, False


def latest_outcomes(session: Session, run_ids: list[str]) -> dict[str, dict[str, Outcome]]:
    """Per run, the last outcome recorded for each offering."""
    found: dict[str, dict[str, Outcome]] = defaultdict(dict)
    if not run_ids:
        return found
    rows = session.execute(
        select(Feedback.run_id, Feedback.offering_id, Feedback.outcome)
        .where(Feedback.run_id.in_(run_ids))
        .order_by(Feedback.created_at, Feedback.id)
    )
    for run_id, offering_id, outcome in rows:
        found[run_id][offering_id] = outcome
    return found


def outcome_times(session: Session) -> list[tuple[dt.datetime, Outcome]]:
    """When each outcome was recorded, and which."""
    rows = session.execute(select(Feedback.created_at, Feedback.outcome))
    return [(created_at, outcome) for created_at, outcome in rows]


def decided_counts(session: Session) -> list[tuple[str, Outcome, int]]:
    """(offering, outcome, count) of every outcome other than ``shown``."""
    rows = session.execute(
        select(Feedback.offering_id, Feedback.outcome, func.count())
        .where(Feedback.outcome != Outcome.SHOWN)
        .group_by(Feedback.offering_id, Feedback.outcome)
    )
    return [(offering_id, outcome, count) for offering_id, outcome, count in rows]
