"""Domain exceptions and the one table that maps them to RFC 9457 problem documents.

Every error the API answers is ``application/problem+json`` with ``type``, ``title``,
``status``, ``detail`` and, for validation errors, ``errors: [{field, message}]``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from gettext import ngettext
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.exc import (
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    InternalError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_MEDIA_TYPE = "application/problem+json"
_TYPE_BASE = "https://dakmatch.example/problems/"

log = logging.getLogger("dakmatch.errors")


class DakMatchError(Exception):
    """Base of the errors a caller can fix or must be told about (never a 500)."""

    def __init__(
        self,
        detail: str,
        *,
        errors: Sequence[Mapping[str, str]] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = [dict(e) for e in errors]
        self.headers = dict(headers or {})


class InvalidInput(DakMatchError):
    """The request is well-formed JSON but breaks the schema; ``errors`` names the fields."""


class MalformedRequest(DakMatchError):
    """The body is not JSON, or not the JSON value expected."""


class Unauthenticated(DakMatchError):
    """No API key, or an unknown or revoked one, where a key is required."""


class Forbidden(DakMatchError):
    """The key's role may not do this."""


class OriginNotAllowed(Forbidden):
    """A widget key used from a page outside its tenant's allowed origins (or with none)."""


class NotFound(DakMatchError):
    """No such resource, or one the caller may not see (tenants never learn others' ids)."""


class Conflict(DakMatchError):
    """The request clashes with the stored state (e.g. an Idempotency-Key reused)."""


class IdempotencyKeyReused(DakMatchError):
    """An ``Idempotency-Key`` sent again with a different body (IETF idempotency draft: 422)."""


class PreconditionFailed(DakMatchError):
    """``If-Match`` names a version that is no longer current."""


class PayloadTooLarge(DakMatchError):
    """The body is longer than the configured limit."""


class UnsupportedMediaType(DakMatchError):
    """The body is not declared as JSON."""


class RateLimited(DakMatchError):
    """Too many requests in the window; ``Retry-After`` says when to try again."""


class NotReady(DakMatchError):
    """The service cannot answer yet (no catalogue loaded, ranker not fitted, database down)."""


# The one mapping: exception -> (status, slug, title).
PROBLEMS: dict[type[DakMatchError], tuple[int, str, str]] = {
    MalformedRequest: (400, "malformed-request", "Malformed request"),
    Unauthenticated: (401, "unauthenticated", "API key missing or not valid"),
    Forbidden: (403, "forbidden", "Not allowed for this role"),
    OriginNotAllowed: (403, "origin-not-allowed", "Widget key used from an origin not allowed"),
    NotFound: (404, "not-found", "Not found"),
    Conflict: (409, "conflict", "Conflict"),
    PreconditionFailed: (412, "precondition-failed", "Precondition failed"),
    PayloadTooLarge: (413, "payload-too-large", "Request body too large"),
    UnsupportedMediaType: (415, "unsupported-media-type", "Unsupported media type"),
    InvalidInput: (422, "validation-error", "Validation failed"),
    IdempotencyKeyReused: (422, "idempotency-key-reused", "Idempotency-Key reused"),
    RateLimited: (429, "rate-limited", "Too many requests"),
    NotReady: (503, "not-ready", "Service not ready"),
}

_HTTP_TITLES = {
    400: ("bad-request", "Bad request"),
    401: PROBLEMS[Unauthenticated][1:],
    403: PROBLEMS[Forbidden][1:],
    404: PROBLEMS[NotFound][1:],
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    413: PROBLEMS[PayloadTooLarge][1:],
    415: PROBLEMS[UnsupportedMediaType][1:],
    429: PROBLEMS[RateLimited][1:],
}


# Database errors that say "the database cannot answer now" (down, unreachable, too slow, out
# of connections, the connection lost): 503 with Retry-After, never 500.
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    InternalError,
    DisconnectionError,
    PoolTimeoutError,
)
DATABASE_RETRY_AFTER = "5"


def database_unavailable() -> JSONResponse:
    """The 503 answer to a database that failed (the same from the routes and middleware)."""
    return problem_response(
        503,
        "database-unavailable",
        "Database unavailable",
        "the database did not answer; retry shortly",
        headers={"Retry-After": DATABASE_RETRY_AFTER},
    )


def fields_not_valid(count: int) -> str:
    """The ``detail`` of a validation error: '1 field not valid', '2 fields not valid'."""
    return ngettext("{n} field not valid", "{n} fields not valid", count).format(n=count)


def problem_response(
    status: int,
    slug: str,
    title: str,
    detail: str,
    *,
    errors: Sequence[Mapping[str, str]] = (),
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """Build one problem+json response."""
    body: dict[str, Any] = {
        "type": _TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = [dict(e) for e in errors]
    return JSONResponse(
        body, status_code=status, headers=dict(headers or {}), media_type=PROBLEM_MEDIA_TYPE
    )


def problem_for(exc: DakMatchError) -> JSONResponse:
    """The problem response for a domain exception (walks the MRO, so subclasses map too)."""
    for kind in type(exc).__mro__:
        if kind in PROBLEMS:
            status, slug, title = PROBLEMS[kind]
            return problem_response(
                status, slug, title, exc.detail, errors=exc.errors, headers=exc.headers
            )
    return problem_response(400, "bad-request", "Bad request", exc.detail, errors=exc.errors)


def _field(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"}:
        where, rest = parts[0], parts[1:]
        if where == "body":
            return ".".join(rest) or "body"
        return ".".join(rest) if rest else where
    return ".".join(parts) or "request"


def validation_errors(raw: Sequence[Any]) -> tuple[bool, list[dict[str, str]]]:
    """(is the body malformed JSON, [{field, message}]) from FastAPI's validation errors."""
    malformed = any(err.get("type") == "json_invalid" for err in raw)
    fields = [
        {"field": _field(err.get("loc", ())), "message": str(err.get("msg", "is not valid"))}
        for err in raw
    ]
    return malformed, fields


def pydantic_field_errors(exc: ValidationError) -> list[dict[str, str]]:
    """[{field, message}] of a pydantic error, without echoing the input back."""
    return [
        {"field": ".".join(str(p) for p in err["loc"]) or "body", "message": err["msg"]}
        for err in exc.errors(include_url=False, include_input=False)
    ]


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem+json."""

    async def on_domain(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DakMatchError)
        return problem_for(exc)

    async def on_validation(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        malformed, fields = validation_errors(exc.errors())
        if malformed:
            return problem_response(
                400,
                "malformed-request",
                "Malformed request",
                "the body is not valid JSON",
                errors=fields,
            )
        return problem_response(
            422,
            "validation-error",
            "Validation failed",
            fields_not_valid(len(fields)),
            errors=fields,
        )

    async def on_http(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        slug, title = _HTTP_TITLES.get(exc.status_code, ("http-error", "HTTP error"))
        detail = exc.detail if isinstance(exc.detail, str) else title
        if exc.status_code == 404 and detail == "Not Found":
            detail = "no such path"
        return problem_response(
            exc.status_code, slug, title, detail, headers=getattr(exc, "headers", None)
        )

    async def on_database(_request: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, IntegrityError):
            return problem_response(
                409, "conflict", "Conflict", "the change clashes with stored data; retry"
            )
        log.error("database error: %s", type(exc).__name__)
        return database_unavailable()

    async def on_unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return problem_response(
            500, "internal-error", "Internal error", "the server failed; the error was logged"
        )

    app.add_exception_handler(DakMatchError, on_domain)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(IntegrityError, on_database)
    for unavailable in DATABASE_UNAVAILABLE:
        app.add_exception_handler(unavailable, on_database)
    app.add_exception_handler(Exception, on_unexpected)
