"""ASGI middleware: request id + log + metrics, per-tenant CORS, rate limits, body limits,
refused text (NUL, lone surrogates).

Rate limit counters live in :mod:`service.ratelimit` (per process, or in Redis).

Pure ASGI (not BaseHTTPMiddleware) to keep the per-request cost low.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import re
import time
from typing import Any

import anyio.to_thread
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.auth import repository as auth_repo
from service.errors import problem_response
from service.logs import REQUEST_ID
from service.metrics import REQUEST_SECONDS, REQUESTS
from service.ratelimit import make_limiter
from service.settings import Settings
from service.text_guard import json_body_problems, refusal, url_problems

log = logging.getLogger("dakmatch.access")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# The probes are never rate limited; the bodies of these methods are size- and type-checked
# (the OpenAPI document declares the 429, 413 and 415 answers from these: service/openapi.py).
UNLIMITED_PATHS = frozenset({"/healthz", "/readyz"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_FORM_PATHS = ("/results", "/officer")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _state(scope: Scope) -> dict[str, Any]:
    state: dict[str, Any] = scope.setdefault("state", {})
    return state


class ObservabilityMiddleware:
    """Gives each request an id (``X-Request-ID``), counts and times it, logs one JSON line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id")
        # A new id: 32 random hex digits (uuid4().hex builds a UUID object: 4x the time).
        request_id = incoming if incoming and _REQUEST_ID.match(incoming) else os.urandom(16).hex()
        _state(scope)["request_id"] = request_id
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = str(getattr(route, "path", "")) or "unmatched"
            method = str(scope["method"])
            REQUESTS.labels(method, template, str(status)).inc()
            REQUEST_SECONDS.labels(method, template).observe(elapsed)
            log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": method,
                    "route": template,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                    "key": _state(scope).get("key_prefix"),
                },
            )
            REQUEST_ID.reset(token)


class CorsMiddleware:
    """CORS with a per-tenant allow-list.

    A browser's preflight carries no API key, so it is answered from the union of all tenants'
    origins; the real request is then answered with ``Access-Control-Allow-Origin`` only when
    the key's own tenant lists the origin (anonymous requests: any tenant's origin).
    """

    ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE"
    ALLOW_HEADERS = "Content-Type, X-API-Key, Idempotency-Key, If-Match, X-Request-ID"
    EXPOSE_HEADERS = "Location, ETag, Retry-After, X-Request-ID, Idempotent-Replayed"
    CACHE_SECONDS = 30.0
    RETRY_SECONDS = 5.0  # after a failed reload

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.defaults = frozenset(settings.default_cors_origins)
        self._known: frozenset[str] = frozenset()
        self._loaded_at = -math.inf

    async def _all_origins(self, scope: Scope) -> frozenset[str]:
        if time.monotonic() - self._loaded_at > self.CACHE_SECONDS:
            factory = scope["app"].state.session_factory

            def load() -> set[str]:
                with factory() as session:
                    return auth_repo.all_allowed_origins(session)

            try:
                self._known = frozenset(await anyio.to_thread.run_sync(load)) | self.defaults
                self._loaded_at = time.monotonic()
            except SQLAlchemyError as exc:
                # The database is down: keep the last known lists (the defaults before the
                # first load) and try again in a few seconds; the request goes on (a route
                # that needs the database answers 503 itself, one that does not still works).
                log.warning("cannot reload the CORS origins: %s", type(exc).__name__)
                self._known = self._known | self.defaults
                self._loaded_at = time.monotonic() - self.CACHE_SECONDS + self.RETRY_SECONDS
        return self._known

    def forget(self) -> None:
        """Reload the origins on the next request (after a tenant's list changed)."""
        self._loaded_at = -math.inf

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        origin = _header(scope, b"origin") if scope["type"] == "http" else None
        if origin is None:
            await self.app(scope, receive, send)
            return
        known = await self._all_origins(scope)
        preflight = scope["method"] == "OPTIONS" and _header(
            scope, b"access-control-request-method"
        )
        if preflight:
            response: Response
            if origin not in known:
                response = problem_response(
                    403,
                    "cors-origin",
                    "Origin not allowed",
                    f"origin {origin} is on no tenant's allow-list",
                )
            else:
                response = Response(
                    status_code=204,
                    headers={
                        **self._allow(origin),
                        "access-control-allow-methods": self.ALLOW_METHODS,
                        "access-control-allow-headers": self.ALLOW_HEADERS,
                        "access-control-max-age": "600",
                    },
                )
            await response(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                tenant_origins = _state(scope).get("allowed_origins")
                allowed = (
                    origin in tenant_origins or origin in self.defaults
                    if tenant_origins is not None
                    else origin in known
                )
                extra = [(b"vary", b"Origin")]
                if allowed:
                    extra += [(k.encode(), v.encode()) for k, v in self._allow(origin).items()]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_cors)

    def _allow(self, origin: str) -> dict[str, str]:
        return {
            "access-control-allow-origin": origin,
            "access-control-expose-headers": self.EXPOSE_HEADERS,
            "vary": "Origin",
        }


class LimitsMiddleware:
    """Rate limits (429 + Retry-After), body size (413), JSON content type (415), and text
    that cannot be stored in the URL or a JSON body (422, `service.text_guard`)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.max_body = settings.max_body_bytes
        self.per_key = settings.rate_limit_per_key
        self.per_ip = settings.rate_limit_per_ip
        self.limiter = make_limiter(settings, "requests", settings.rate_limit_window_seconds)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] not in UNLIMITED_PATHS:
            # The client's address: the peer's, or what a trusted proxy forwarded for it
            # (ProxyHeadersMiddleware, settings.trusted_proxies, rewrote scope["client"]).
            buckets = [(f"ip:{(scope.get('client') or ('?', 0))[0]}", self.per_ip)]
            key = _header(scope, b"x-api-key")
            if key:
                digest = hashlib.sha256(key.encode()).hexdigest()[:32]
                buckets.append((f"key:{digest}", self.per_key))
            wait = await self.limiter.hit_async(buckets)
            if wait is not None:
                await problem_response(
                    429,
                    "rate-limited",
                    "Too many requests",
                    f"rate limit reached; retry in {wait} s",
                    headers={"Retry-After": str(wait)},
                )(scope, receive, send)
                return
        refused = url_problems(scope)
        if refused:
            await refusal(refused)(scope, receive, send)
            return
        if scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            await self._too_large(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                await self._too_large(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        # The web pages (service/web) post HTML forms; only the API insists on JSON.
        api = not scope["path"].startswith(_FORM_PATHS)
        if body and api and not _is_json(_header(scope, b"content-type")):
            await problem_response(
                415,
                "unsupported-media-type",
                "Unsupported media type",
                "send the body as JSON with Content-Type: application/json",
            )(scope, receive, send)
            return
        refused = json_body_problems(body) if body and api else []
        if refused:
            await refusal(refused)(scope, receive, send)
            return
        await self.app(scope, replaying(body, receive), send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        await problem_response(
            413,
            "payload-too-large",
            "Request body too large",
            f"the body is larger than {self.max_body} bytes",
        )(scope, receive, send)


def replaying(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the whole ``body`` (already read) once, then the client's
    further messages."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )
