"""Recording feedback: only on runs the caller may see, only for offerings the run named."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from service import audit
from service.db import Role
from service.deps import Caller
from service.errors import InvalidInput, NotFound
from service.feedback import repository as repo
from service.profiles import repository as profiles_repo
from service.profiles.schemas import FeedbackIn, FeedbackOut
from service.profiles.service import viewer_of


def _offering_ids(ranking: dict[str, Any]) -> set[str]:
    listed = [*ranking.get("recommendations", ()), *ranking.get("not_eligible", ())]
    return {str(item.get("offering_id")) for item in listed if isinstance(item, dict)}


def record_feedback(session: Session, caller: Caller, data: FeedbackIn) -> tuple[FeedbackOut, bool]:
    """Record the outcome; returns it and whether it is new (False: the same outcome of this
    run and offering was recorded before, and now has this note, author and time)."""
    run = profiles_repo.get_run(session, data.run_id, viewer_of(caller))
    if run is None:
        raise NotFound(f"no recommendation run with id '{data.run_id}'")
    if data.offering_id not in _offering_ids(run.ranking):
        raise InvalidInput(
            "the offering is not part of this run",
            errors=[
                {
                    "field": "offering_id",
                    "message": f"'{data.offering_id}' is not in run "
                    f"{run.id}; give an offering the run listed",
                }
            ],
        )
    row, created = repo.record_outcome(
        session,
        run_id=run.id,
        offering_id=data.offering_id,
        outcome=data.outcome,
        note=data.note,
        actor_key_id=caller.key_id,
    )
    if caller.role is Role.OFFICER:
        audit.record(session, caller.actor, f"feedback:{data.outcome.value}", run.profile_id)
    out = FeedbackOut(
        id=row.id,
        run_id=row.run_id,
        offering_id=row.offering_id,
        outcome=row.outcome,
        note=row.note,
        created_at=row.created_at,
    )
    return out, created
