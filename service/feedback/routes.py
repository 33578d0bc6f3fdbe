"""``POST /v1/feedback``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status

from service.deps import PartnerOrOfficer, SessionDep, SessionRoute
from service.feedback.service import record_feedback
from service.profiles.schemas import FeedbackIn, FeedbackOut

router = APIRouter(prefix="/v1/feedback", tags=["feedback"], route_class=SessionRoute)

_PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=FeedbackOut,
    operation_id="feedback-create",
    responses={
        200: {
            "description": "this outcome of this run's offering was recorded before: the one "
            "record now has this note (when given), author and time",
            "model": FeedbackOut,
        },
        404: {"description": "no such run, or one the caller may not see", **_PROBLEM},
        422: {"description": "invalid body, or an offering the run did not list", **_PROBLEM},
    },
)
def post_feedback(
    caller: PartnerOrOfficer, session: SessionDep, data: FeedbackIn, response: Response
) -> FeedbackOut:
    """Record what became of one offering of a run: `shown`, `accepted`, `rejected`, `enrolled`.

    Only on runs of profiles the caller may see (a partner: its own tenant's). The latest
    outcome of an offering is the one that counts. Each outcome is kept once per run and
    offering: posting it again answers 200 with the same record, now with the new note (when
    given), author and time, so repeats never count twice.
    """
    out, created = record_feedback(session, caller, data)
    if not created:
        response.status_code = status.HTTP_200_OK
    return out
