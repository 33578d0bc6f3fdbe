"""Property test: requests generated from /openapi.json never get a 5xx.

Hypothesis draws an operation of the served OpenAPI document, values for its path and query
parameters (from the declared enums and bounds, and beyond them), a key of any role or none,
and a body that is either the example profile mutated or arbitrary JSON. Bounded to a few
hundred requests so it runs in seconds.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.service.conftest import Keys, make_profile

_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


def _value(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values for one parameter: valid ones from the schema, and some that break it."""
    options = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
    strategies: list[st.SearchStrategy[Any]] = [st.text(max_size=40), st.integers()]
    for option in options:
        if "enum" in option:
            strategies.append(st.sampled_from(option["enum"]))
        if option.get("type") == "integer":
            low = option.get("minimum", -(10**6))
            high = option.get("maximum", 10**6)
            strategies.append(st.integers(low - 2, high + 2))
        if "$ref" in option:
            strategies.append(st.text(max_size=20))
    return st.one_of(strategies)


def _mutated_profile() -> st.SearchStrategy[Any]:
    base = make_profile()
    field = st.sampled_from([*base, "unknown_field"])
    return st.builds(
        lambda key, value, drop: {
            **{k: v for k, v in base.items() if k != drop},
            key: value,
        },
        field,
        _json,
        st.sampled_from([None, *base]),
    )


@st.composite
def _requests(draw: st.DrawFn, operations: list[tuple[str, str, dict[str, Any]]]) -> dict[str, Any]:
    path, method, operation = draw(st.sampled_from(operations))
    params: dict[str, Any] = {}
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "header":
            continue
        value = draw(_value(parameter.get("schema", {})))
        if parameter["in"] == "path":
            text = str(value) or "x"
            path = path.replace("{" + parameter["name"] + "}", quote(text, safe=""))
        elif draw(st.booleans()):
            params[parameter["name"]] = value
    request: dict[str, Any] = {"method": method.upper(), "url": path, "params": params}
    if "requestBody" in operation:
        request["json"] = draw(st.one_of(_mutated_profile(), _json))
    request["role"] = draw(st.sampled_from([None, "partner", "officer", "admin"]))
    return request


@pytest.fixture
def operations(client: TestClient) -> list[tuple[str, str, dict[str, Any]]]:
    spec = client.get("/openapi.json").json()
    return [
        (path, method, operation)
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    ]


def test_openapi_document_has_examples(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    body = spec["paths"]["/v1/recommendations"]["post"]["requestBody"]["content"]
    assert "artisan-exporter" in body["application/json"]["examples"]
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            assert operation.get("description") or operation.get("summary"), (method, path)


def test_generated_requests_never_get_5xx(
    client: TestClient, keys: Keys, operations: list[tuple[str, str, dict[str, Any]]]
) -> None:
    @settings(
        max_examples=150,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(request=_requests(operations))
    def check(request: dict[str, Any]) -> None:
        role = request.pop("role")
        response = client.request(**request, headers=keys.headers(role))
        assert response.status_code < 500, (request, response.text)
        if response.status_code >= 400:
            assert response.headers["content-type"] == "application/problem+json", request

    check()
