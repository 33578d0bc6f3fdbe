"""The OpenAPI document partners generate clients from.

FastAPI writes it from the routes; this module adds what a client generator needs and FastAPI
cannot know: problem+json errors, the profile schema of the bodies read as raw JSON, and, per
operation, whether the ``X-API-Key`` scheme is required, optional or not read at all.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

from matching import EnterpriseProfile
from service.deps import API_KEY_HEADER
from service.errors import DATABASE_RETRY_AFTER
from service.middleware import BODY_METHODS, UNLIMITED_PATHS

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
# Operations whose body is an enterprise profile (DESIGN §4).
PROFILE_BODIES = {("/v1/recommendations", "post"), ("/v1/profiles", "post")}


SCHEME = API_KEY_HEADER.scheme_name
# OpenAPI's way of saying "anonymous, or with a key": an empty requirement is one alternative.
KEY_OPTIONAL: list[dict[str, list[str]]] = [{}, {SCHEME: []}]
# The refusals of every operation that reads a key (a route may describe them more closely).
UNKNOWN_KEY = {"description": "no or unknown X-API-Key"}
INVALID_KEY = {"description": "an X-API-Key was sent and is not valid"}
WRONG_ROLE = {"description": "the key's role may not do this"}
# The header of the answers that say when to try again (429; 503 where waiting helps).
RETRY_AFTER: dict[str, Any] = {"Retry-After": {
    "description": "seconds to wait before trying again",
    "schema": {"type": "integer", "minimum": 1},
}}
DATABASE_DOWN = (
    f"the database did not answer (`Retry-After: {DATABASE_RETRY_AFTER}`)"
)
# The middleware's refusals (service/middleware.py), on every operation they can meet.
RATE_LIMITED = {
    "description": "too many requests from this address or key in the window "
    "(`DAKMATCH_RATE_LIMIT_PER_IP`, `DAKMATCH_RATE_LIMIT_PER_KEY`); retry after "
    "`Retry-After` seconds",
    "headers": RETRY_AFTER,
}
TOO_LARGE = {"description": "the body is larger than `DAKMATCH_MAX_BODY_BYTES` (64 KiB)"}
NOT_JSON = {"description": "a body sent without `Content-Type: application/json`"}


class FieldError(BaseModel):
    """One field of a request that is not valid, and why."""

    field: str = Field(
        description="the field's name, dotted for nested fields (`body` for the whole body)",
        examples=["pincode"],
    )
    message: str = Field(
        description="what is wrong with it, in English",
        examples=["PIN code 99999 is malformed: it must be 6 digits"],
    )


class Problem(BaseModel):
    """An RFC 9457 problem document; `errors` lists the fields of a validation error."""

    type: str = Field(
        description="a URI naming the kind of problem; stable, so clients can branch on it",
        examples=["https://dakmatch.example/problems/validation-error"],
    )
    title: str = Field(description="a short summary of the kind of problem",
                       examples=["Validation failed"])
    status: int = Field(description="the HTTP status code", examples=[422])
    detail: str = Field(description="what went wrong with this request",
                        examples=["the profile is not valid"])
    errors: list[FieldError] | None = Field(
        default=None, description="for validation errors (400, 422): each field that failed"
    )


def _profile_schema(components: dict[str, Any]) -> dict[str, str]:
    schema = EnterpriseProfile.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in schema.pop("$defs", {}).items():
        components.setdefault(name, definition)
    components["EnterpriseProfile"] = schema
    return {"$ref": "#/components/schemas/EnterpriseProfile"}


def _declare_keys(spec: dict[str, Any]) -> None:
    """Give every operation a ``security`` entry, say in its description which keys it takes,
    and declare the answers that refuse a key (401, and 403 for the wrong role).

    FastAPI lists ``ApiKey`` on every operation that reads the key, with the roles that
    :func:`service.deps.require` demands as its scopes (OpenAPI 3.1 allows role names there for
    API keys); an operation that reads the key without demanding a role is open to anonymous
    callers, which OpenAPI says with an empty alternative.
    """
    for operation in _operations(spec):
        requirement = operation.get("security", [])
        roles = sorted({role for option in requirement for role in option.get(SCHEME, [])})
        responses = operation.setdefault("responses", {})
        if requirement:
            # A key is looked up in the database, as are the stored profiles and runs.
            _add_503(responses, DATABASE_DOWN)
        if roles:
            sentence = f"Needs an `X-API-Key` of role {' or '.join(roles)}."
            responses.setdefault("401", dict(UNKNOWN_KEY))
            responses.setdefault("403", dict(WRONG_ROLE))
        elif requirement:
            responses.setdefault("401", dict(INVALID_KEY))
            operation["security"] = KEY_OPTIONAL
            sentence = (
                "Open to anonymous callers; an `X-API-Key` that is sent must be valid (a widget "
                "key, only from its tenant's allowed origins)."
            )
        else:
            operation["security"] = []
            sentence = "Needs no key."
        operation["description"] = f"{operation.get('description', '').rstrip()}\n\n{sentence}"


def _add_503(responses: dict[str, Any], cause: str) -> None:
    """Declare ``cause`` among the 503 answers of an operation (with ``Retry-After``)."""
    found = responses.get("503")
    text = f"{found['description']}; or {cause}" if found else cause
    responses["503"] = {**(found or {}), "description": text, "headers": RETRY_AFTER}


def _declare_limits(spec: dict[str, Any]) -> None:
    """The answers the middleware gives before any route: 429 wherever requests are counted,
    413 and 415 wherever a body is read."""
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            responses = operation.setdefault("responses", {})
            if path not in UNLIMITED_PATHS:
                responses.setdefault("429", dict(RATE_LIMITED))
            if method.upper() in BODY_METHODS and "requestBody" in operation:
                responses.setdefault("413", dict(TOO_LARGE))
                responses.setdefault("415", dict(NOT_JSON))


def _operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [operation for methods in spec["paths"].values() for operation in methods.values()]


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, with every 4xx/5xx answer described as problem+json and every
    operation's key requirement."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    spec = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    components = spec.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas["FieldError"] = schemas["Problem"].pop("$defs")["FieldError"]
    _declare_keys(spec)
    _declare_limits(spec)
    profile_ref = _profile_schema(schemas)
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for status, response in operation.get("responses", {}).items():
                if status[0] in "45":
                    response["content"] = {"application/problem+json": {"schema": PROBLEM_REF}}
                    if status == "422":
                        response["description"] = response.get(
                            "description", "Validation failed"
                        ).replace("Validation Error", "Validation failed, field by field")
            if (path, method) in PROFILE_BODIES:
                body = operation["requestBody"]["content"]["application/json"]
                body["schema"] = profile_ref
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    app.openapi_schema = spec
    return spec
