"""``POST /v1/recommendations``: rank a profile without storing anything."""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
from anyio import CapacityLimiter
from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import JSONResponse

from service.deps import OptionalCaller, ReadyDep
from service.examples import PROFILE_EXAMPLES
from service.ranking import rank_profile, validate_profile
from service.recommendations.schemas import RankingOut
from service.runtime import Served

router = APIRouter(prefix="/v1/recommendations", tags=["recommendations"])

_PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}


@router.post(
    "",
    response_model=RankingOut,
    responses={
        422: {"description": "invalid profile, field by field", **_PROBLEM},
        503: {"description": "ranker not ready", **_PROBLEM},
    },
)
async def recommend(
    _caller: OptionalCaller,
    served: ReadyDep,
    request: Request,
    data: Annotated[
        dict[str, Any],
        Body(
            description="an enterprise profile (DESIGN §4); unknown fields are refused",
            openapi_examples=PROFILE_EXAMPLES,
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=50, description="how many recommendations")] = 10,
) -> JSONResponse:
    """Rank the offerings for a profile; nothing is stored. Open to anonymous callers.

    Each recommendation carries its score, reasons, prerequisites and where to go; offerings
    ruled out by hard limits are listed under `not_eligible` with the reason.
    """
    limiter: CapacityLimiter = request.app.state.ranking_limiter
    payload = await anyio.to_thread.run_sync(_rank, served, data, limit, limiter=limiter)
    return JSONResponse(payload)


def _rank(served: Served, data: dict[str, Any], limit: int) -> dict[str, Any]:
    valid = validate_profile(data, served.geography)
    return rank_profile(served, valid.profile, limit)
