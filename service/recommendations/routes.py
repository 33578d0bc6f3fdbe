"""``POST /v1/recommendations``: rank a profile without storing anything."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import Response

from service.deps import ReadyForAnyone
from service.examples import PROFILE_EXAMPLES
from service.recommendations.batcher import RankingBatcher
from service.recommendations.schemas import RankingOut

router = APIRouter(prefix="/v1/recommendations", tags=["recommendations"])

_PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}


@router.post(
    "",
    response_model=RankingOut,
    operation_id="recommendations-create",
    responses={
        422: {"description": "invalid profile, field by field", **_PROBLEM},
        503: {"description": "ranker not ready", **_PROBLEM},
    },
)
async def recommend(
    served: ReadyForAnyone,
    request: Request,
    data: Annotated[
        dict[str, Any],
        Body(
            description="an enterprise profile (DESIGN §4); unknown fields are refused",
            openapi_examples=PROFILE_EXAMPLES,
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=50, description="how many recommendations")] = 10,
) -> Response:
    """Rank the offerings for a profile; nothing is stored. Open to anonymous callers.

    Each recommendation carries its score, reasons, prerequisites and where to go; offerings
    ruled out by hard limits are listed under `not_eligible` with the reason.
    """
    # Validation and ranking run in a ranking thread, batched with whatever else is waiting.
    batcher: RankingBatcher = request.app.state.ranking_batcher
    body = await batcher.rank(served, data, limit)
    return Response(body, media_type="application/json")
