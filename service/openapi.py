"""The OpenAPI document partners generate clients from: problem+json errors, the profile schema."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

from matching import EnterpriseProfile

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
# Operations whose body is an enterprise profile (DESIGN §4).
PROFILE_BODIES = {("/v1/recommendations", "post"), ("/v1/profiles", "post")}


class FieldError(BaseModel):
    field: str = Field(examples=["pincode"])
    message: str = Field(examples=["PIN code 99999 is malformed: it must be 6 digits"])


class Problem(BaseModel):
    """An RFC 9457 problem document; `errors` lists the fields of a validation error."""

    type: str = Field(examples=["https://dakmatch.example/problems/validation-error"])
    title: str = Field(examples=["Validation failed"])
    status: int = Field(examples=[422])
    detail: str = Field(examples=["the profile is not valid"])
    errors: list[FieldError] | None = None


def _profile_schema(components: dict[str, Any]) -> dict[str, str]:
    schema = EnterpriseProfile.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in schema.pop("$defs", {}).items():
        components.setdefault(name, definition)
    components["EnterpriseProfile"] = schema
    return {"$ref": "#/components/schemas/EnterpriseProfile"}


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, with every 4xx/5xx answer described as problem+json."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    spec = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    components = spec.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas["FieldError"] = schemas["Problem"].pop("$defs")["FieldError"]
    components["securitySchemes"] = {
        "ApiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}
    }
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
