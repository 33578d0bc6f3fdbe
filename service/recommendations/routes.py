"""``POST /v1/recommendations``: rank a profile without storing anything.

Ranking requests are the API's volume, and FastAPI's validation of declared parameters (the
body, the query, the key header) cost the event loop about as much as the rest of the route
(bench/RESULTS.md). So the route declares none: it reads the raw body (``Request.body()`` and
orjson), the ``limit`` and the key itself, and leaves validating the profile to
``matching.parse_profile`` in the ranking thread. The parameters and the body are documented
in the OpenAPI document through ``openapi_extra``. It is still the one route of this path:
dependencies and middleware of the app and the router apply to it as to any other.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response

from service.deps import API_KEY_HEADER, ready_for_anyone
from service.errors import InvalidInput, MalformedRequest, fields_not_valid
from service.examples import PROFILE_EXAMPLES
from service.languages import LANGUAGES, request_language
from service.reasons import codes_markdown
from service.recommendations.batcher import RankingBatcher
from service.recommendations.schemas import RankingOut

router = APIRouter(prefix="/v1/recommendations", tags=["recommendations"])

DEFAULT_LIMIT = 10
MAX_LIMIT = 50
_KEY_HEADER = "x-api-key"

_PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}
# The answer's language, and that it depends on Accept-Language (for caches).
_HEADERS = {lang: {"Content-Language": lang, "Vary": "Accept-Language"} for lang in LANGUAGES}

# What FastAPI would document for declared parameters; service/openapi.py points the body's
# schema at the EnterpriseProfile schema.
_OPENAPI: dict[str, Any] = {
    "parameters": [
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "description": "how many recommendations (1-50)",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                       "default": DEFAULT_LIMIT, "title": "Limit"},
        },
        {
            "name": "lang",
            "in": "query",
            "required": False,
            "description": "language of the answer's text: en, hi or mr (wins over "
            "Accept-Language; anything else: Accept-Language, then English)",
            "schema": {"type": "string", "enum": ["en", "hi", "mr"], "title": "Lang"},
        },
        {
            "name": "Accept-Language",
            "in": "header",
            "required": False,
            "description": "the answer's language when `lang` is not given (en, hi, mr)",
            "schema": {"type": "string", "title": "Accept-Language"},
        },
    ],
    # The key is optional here: anonymous, or the ApiKey scheme (service/deps.py).
    "security": [{}, {API_KEY_HEADER.scheme_name: []}],
    "requestBody": {
        "required": True,
        "description": "an enterprise profile (DESIGN §4); unknown fields are refused",
        "content": {"application/json": {"schema": {"type": "object"},
                                         "examples": PROFILE_EXAMPLES}},
    },
}


def limit_of(request: Request) -> int:
    """The ``limit`` query parameter (default 10); 422 unless a whole number from 1 to 50."""
    raw = request.query_params.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_LIMIT):
        raise InvalidInput(
            fields_not_valid(1),
            errors=[{"field": "limit",
                     "message": f"must be a whole number from 1 to {MAX_LIMIT}"}],
        )
    return int(raw)


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
        403: {"description": "a widget key sent without an Origin its tenant allows", **_PROBLEM},
        422: {"description": "invalid profile or limit, field by field", **_PROBLEM},
        503: {"description": "the ranker is not ready (no catalogue or post-office geography "
              "loaded yet); or this process already has `DAKMATCH_RANKING_QUEUE` rankings "
              "(default 256) waiting: retry after `Retry-After` seconds (1)", **_PROBLEM},
    },
    openapi_extra=_OPENAPI,
    description=f"""Rank the offerings for a profile; nothing is stored. Open to anonymous
callers, and to widget keys from their tenant's allowed origins.

Each recommendation carries its score, reasons, prerequisites and where to go; offerings ruled
out by hard limits are listed under `not_eligible` with the reason. `reasons` and
`prerequisites` are sentences in the asked language (`?lang=` en, hi or mr wins over
`Accept-Language`; English otherwise; the answer's `Content-Language` says which), written
from `reason_codes` and `prerequisite_codes`: stable codes with parameters that a partner may
render itself. Numbers are written the Indian way (`1,50,000`).

{codes_markdown()}
""",
)
async def recommend(request: Request) -> Response:
    """Rank the offerings for a profile (the OpenAPI text is the ``description`` above)."""
    # A key that is sent must be valid (401) before "not ready" (503), as on every route.
    served = await ready_for_anyone(request, request.headers.get(_KEY_HEADER))
    limit = limit_of(request)
    lang = request_language(request)
    data = profile_object(await request.body())
    # Validation and ranking run in a ranking thread, batched with whatever else is waiting.
    batcher: RankingBatcher = request.app.state.ranking_batcher
    body = await batcher.rank(served, data, limit, lang)
    return Response(body, media_type="application/json", headers=_HEADERS[lang])
