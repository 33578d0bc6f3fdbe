"""The hot path of ``POST /v1/recommendations``, served without FastAPI's routing and
dependency solving.

Ranking requests are the API's volume; for them FastAPI's per-request machinery (matching the
path against every route, solving the dependencies, reading and validating the body and the
query) cost about as much CPU as a whole ``GET /healthz``. This ASGI layer takes the requests
whose shape is the common, valid one:

- ``POST`` to exactly ``/v1/recommendations``;
- no query, or only ``limit`` as a plain number from 1 to 50;
- at most one ``X-API-Key`` header, of at most 200 characters;
- a body that is a JSON object.

It calls what the FastAPI route calls, in the same order (the caller's key, then readiness,
then the ranking batcher, which validates the profile), and answers domain errors with the
same problem+json. Every other request (another query, a body that is not a JSON object, a
malformed header) goes on unchanged to the FastAPI route in ``routes.py``, which stays the
documented endpoint and gives the canonical validation errors. Tests check that both give the
same answers.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from service.deps import ready_for_anyone
from service.errors import DakMatchError, problem_for
from service.middleware import replaying
from service.recommendations.batcher import RankingBatcher
from service.recommendations.routes import router

PATH = "/v1/recommendations"
DEFAULT_LIMIT = 10
_LIMIT = re.compile(rb"limit=([1-9][0-9]?)")
_KEY_MAX = 200  # the route's X-API-Key header allows this many characters


def _limit(query: bytes) -> int | None:
    """The ``limit`` of a query the lane takes (None: leave the request to the route)."""
    if not query:
        return DEFAULT_LIMIT
    match = _LIMIT.fullmatch(query)
    if match is None:
        return None
    limit = int(match.group(1))
    return limit if limit <= 50 else None


def _key(scope: Scope) -> tuple[bool, str | None]:
    """(the lane may take it, the X-API-Key if one was sent)."""
    found: str | None = None
    for name, value in scope["headers"]:
        if name == b"x-api-key":
            if found is not None or len(value) > _KEY_MAX:
                return False, None
            found = value.decode("latin-1")
    return True, found


class RecommendationsFastLane:
    """Serves the common shape of ``POST /v1/recommendations`` directly (see the module)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.route = next(
            r for r in router.routes
            if isinstance(r, APIRoute) and r.path == PATH and "POST" in (r.methods or ())
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        limit = _limit(scope["query_string"])
        usable, key = _key(scope)
        if limit is None or not usable:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        data: Any = None
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            pass  # the route answers with its own wording (or parses what orjson does not)
        if not isinstance(data, dict):
            await self.app(scope, replaying(body, receive), send)
            return
        scope["route"] = self.route  # the request log and metrics name the route's path
        response = await self._answer(scope, data, limit, key)
        await response(scope, receive, send)

    async def _answer(
        self, scope: Scope, data: dict[str, Any], limit: int, key: str | None
    ) -> Response:
        request = Request(scope)
        try:
            served = await ready_for_anyone(request, key)
            batcher: RankingBatcher = request.app.state.ranking_batcher
            body = await batcher.rank(served, data, limit)
        except DakMatchError as exc:
            return problem_for(exc)
        return Response(body, media_type="application/json")
