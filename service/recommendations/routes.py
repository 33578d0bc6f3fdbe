"""``POST /v1/recommendations``: rank a profile without storing anything."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from service.deps import ReadyForAnyone
from service.errors import InvalidInput, MalformedRequest
from service.examples import PROFILE_EXAMPLES
from service.recommendations.batcher import RankingBatcher
from service.recommendations.schemas import RankingOut

router = APIRouter(prefix="/v1/recommendations", tags=["recommendations"])

_PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}

# The body is read by the route itself (see ``recommend``), so FastAPI does not document it:
# it is declared here. service/openapi.py points its schema at the EnterpriseProfile schema.
_PROFILE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "an enterprise profile (DESIGN §4); unknown fields are refused",
        "content": {
            "application/json": {
                "schema": {"type": "object"},
                "examples": PROFILE_EXAMPLES,
            }
        },
    }
}


def profile_object(body: bytes) -> dict[str, Any]:
    """The request body as a JSON object: 400 when it is not JSON, 422 when not an object."""
    if not body:
        raise InvalidInput(
            "the profile is not valid",
            errors=[{"field": "body", "message": "a profile (a JSON object) is required"}],
        )
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise MalformedRequest(
            "the body is not valid JSON", errors=[{"field": "body", "message": str(exc)}]
        ) from exc
    if not isinstance(data, dict):
        raise InvalidInput(
            "the profile is not valid",
            errors=[{"field": "body", "message": "the profile must be a JSON object"}],
        )
    return data


@router.post(
    "",
    response_model=RankingOut,
    operation_id="recommendations-create",
    responses={
        400: {"description": "the body is not JSON", **_PROBLEM},
        422: {"description": "invalid profile, field by field", **_PROBLEM},
        503: {"description": "ranker not ready", **_PROBLEM},
    },
    openapi_extra=_PROFILE_BODY,
)
async def recommend(
    served: ReadyForAnyone,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=50, description="how many recommendations")] = 10,
) -> Response:
    """Rank the offerings for a profile; nothing is stored. Open to anonymous callers.

    Each recommendation carries its score, reasons, prerequisites and where to go; offerings
    ruled out by hard limits are listed under `not_eligible` with the reason.
    """
    # The body is read here rather than declared as a parameter: the profile is validated
    # once, by matching.parse_profile in the ranking thread (batched with whatever else is
    # waiting), not a second time by FastAPI on the event loop.
    data = profile_object(await request.body())
    batcher: RankingBatcher = request.app.state.ranking_batcher
    body = await batcher.rank(served, data, limit)
    return Response(body, media_type="application/json")
