"""``POST /v1/recommendations`` reads its body, limit and key itself: the same answers as a
route with declared parameters, and the same parameters in the OpenAPI document."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import Keys, make_profile

REC = "/v1/recommendations"


@pytest.mark.parametrize(("query", "count"), [("", 10), ("?limit=1", 1), ("?limit=50", None),
                                              ("?limit=05", 5)])
def test_limit(client: TestClient, query: str, count: int | None) -> None:
    response = client.post(REC + query, json=make_profile())
    assert response.status_code == 200
    recommendations = response.json()["recommendations"]
    assert len(recommendations) == count if count is not None else 10 < len(recommendations) <= 50


@pytest.mark.parametrize("limit", ["0", "51", "-1", "+5", "5.0", "five", "", "\u0665", "9" * 40])
def test_bad_limit_is_422_naming_the_field(client: TestClient, limit: str) -> None:
    response = client.post(REC, params={"limit": limit}, json=make_profile())
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == ["limit"]
    assert response.json()["detail"] == "1 field not valid"


def test_key_before_readiness_before_limit_before_body(client: TestClient, keys: Keys) -> None:
    bad_key = {"X-API-Key": "dm_nope", "Content-Type": "application/json"}
    assert client.post(REC + "?limit=0", content=b"[", headers=bad_key).status_code == 401
    good = keys.headers("partner")
    assert client.post(REC + "?limit=0", content=b"[", headers={
        **good, "Content-Type": "application/json"}).status_code == 422
    assert client.post(REC, content=b"[", headers={
        **good, "Content-Type": "application/json"}).status_code == 400
    assert client.post(REC, json=make_profile(), headers=good).status_code == 200


def test_openapi_documents_what_the_route_reads(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"][REC]["post"]
    parameters: dict[str, Any] = {p["name"]: p for p in operation["parameters"]}
    assert parameters["limit"]["in"] == "query"
    assert parameters["limit"]["schema"]["minimum"] == 1
    assert parameters["limit"]["schema"]["maximum"] == 50
    # The key: a header parameter, or the document's security scheme (service/openapi.py).
    assert "X-API-Key" in parameters or operation.get("security")
    body = operation["requestBody"]
    assert body["required"] is True
    assert body["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/EnterpriseProfile"}
    assert {"400", "422", "503"} <= set(operation["responses"])


def test_validation_errors_count_their_fields_with_a_plural(client: TestClient) -> None:
    one = client.get("/v1/offerings", params={"category": "nope"})
    two = client.get("/v1/offerings", params={"category": "nope", "status": "nope"})
    assert (one.status_code, two.status_code) == (422, 422)
    assert one.json()["detail"] == "1 field not valid"
    assert two.json()["detail"] == "2 fields not valid"
