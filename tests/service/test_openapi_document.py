"""The OpenAPI document as a client generator reads it: ids, key requirements, described fields."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

# FastAPI's default ids join the function name, the path and the method with underscores
# (`recommend_v1_recommendations_post`); ours are `<tag>-<verb>` in kebab case.
OPERATION_ID = re.compile(r"^[a-z]+(?:-[a-z]+)+$")


@pytest.fixture
def spec(client: TestClient) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/openapi.json").json()
    return document


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    ]


def test_every_operation_has_a_stable_unique_id(spec: dict[str, Any]) -> None:
    ids = [operation.get("operationId", "") for _, _, operation in _operations(spec)]
    assert all(OPERATION_ID.match(i) for i in ids), ids
    assert len(set(ids)) == len(ids)
    named = {(m, p): o["operationId"] for m, p, o in _operations(spec)}
    assert named[("post", "/v1/recommendations")] == "recommendations-create"
    assert named[("get", "/v1/profiles/{profile_id}")] == "profiles-get"


def test_every_operation_has_a_summary_and_a_description(spec: dict[str, Any]) -> None:
    for method, path, operation in _operations(spec):
        assert operation.get("summary"), (method, path)
        assert operation.get("description"), (method, path)


def test_every_operation_declares_its_key_requirement(spec: dict[str, Any]) -> None:
    scheme = spec["components"]["securitySchemes"]["ApiKey"]
    assert scheme == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": scheme["description"],
    }
    security = {(m, p): o["security"] for m, p, o in _operations(spec)}
    # Anonymous callers may rank and read the catalogue: the key is one of two alternatives.
    assert security[("post", "/v1/recommendations")] == [{}, {"ApiKey": []}]
    assert security[("get", "/v1/offerings")] == [{}, {"ApiKey": []}]
    # The probes read no key at all.
    assert security[("get", "/healthz")] == []
    # The roles a key needs are the requirement's scopes (OpenAPI 3.1 allows them for API keys).
    assert security[("get", "/v1/profiles")] == [{"ApiKey": ["partner", "officer"]}]
    assert security[("put", "/v1/offerings/{offering_id}")] == [{"ApiKey": ["admin"]}]
    assert security[("get", "/metrics")] == [{"ApiKey": ["admin"]}]
    for method, path, operation in _operations(spec):
        assert "X-API-Key" not in {p["name"] for p in operation.get("parameters", [])}, path
        sentence = operation["description"].rsplit("\n", 1)[-1]
        assert "key" in sentence.lower(), (method, path, sentence)


def test_the_document_matches_what_the_server_does_without_a_key(
    client: TestClient, spec: dict[str, Any]
) -> None:
    """An operation documented as needing a key answers 401 without one; the others do not."""
    for method, path, operation in _operations(spec):
        url = path.replace("{profile_id}", "00000000-0000-0000-0000-000000000000").replace(
            "{offering_id}", "dnk"
        )
        body: dict[str, Any] | None = {} if "requestBody" in operation else None
        response = client.request(method, url, json=body)
        needs_key = {} not in operation["security"] and operation["security"] != []
        assert (response.status_code == 401) == needs_key, (method, path, response.status_code)


def test_every_operation_that_reads_a_key_declares_its_refusals(
    client: TestClient, spec: dict[str, Any]
) -> None:
    """401 wherever a key is read (and a wrong key is refused), 403 wherever a role is needed."""
    for method, path, operation in _operations(spec):
        responses = operation["responses"]
        if operation["security"] == []:
            assert "401" not in responses, (method, path)
            continue
        assert "401" in responses, (method, path)
        if any(option.get("ApiKey") for option in operation["security"]):
            assert "403" in responses, (method, path)
    wrong = {"X-API-Key": "not-a-key-this-server-made"}
    assert client.get("/v1/offerings", headers=wrong).status_code == 401
    assert client.post("/v1/recommendations", json={}, headers=wrong).status_code == 401
    feedback = spec["paths"]["/v1/feedback"]["post"]["responses"]
    assert feedback["401"]["description"] == "no or unknown X-API-Key"
    assert feedback["403"]["description"] == "the key's role may not do this"
    assert feedback["403"]["content"]["application/problem+json"]["schema"]


def test_every_field_and_parameter_is_described(spec: dict[str, Any]) -> None:
    undescribed = [
        f"{name}.{field}"
        for name, schema in spec["components"]["schemas"].items()
        for field, definition in schema.get("properties", {}).items()
        if not definition.get("description")
    ]
    assert undescribed == []
    for method, path, operation in _operations(spec):
        for parameter in operation.get("parameters", []):
            assert parameter.get("description"), (method, path, parameter["name"])
        if "requestBody" in operation:
            body = operation["requestBody"]
            assert body.get("description") or all(
                "$ref" in media["schema"] or media["schema"].get("description")
                for media in body["content"].values()
            ), (method, path)


def _refs(node: object) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def test_a_client_generator_finds_every_schema_and_answer(spec: dict[str, Any]) -> None:
    """What generators trip over: dangling references, JSON answers without a schema, bodies
    that are not described by a schema."""
    schemas = spec["components"]["schemas"]
    dangling = {r for r in _refs(spec) if r.removeprefix("#/components/schemas/") not in schemas}
    assert dangling == set()
    for method, path, operation in _operations(spec):
        for status, response in operation["responses"].items():
            assert response.get("description"), (method, path, status)
            for media, content in response.get("content", {}).items():
                if media.endswith("json"):
                    assert content.get("schema"), (method, path, status, media)
        for media, content in operation.get("requestBody", {}).get("content", {}).items():
            assert content.get("schema"), (method, path, media)
    ranking = spec["paths"]["/v1/recommendations"]["post"]
    body = ranking["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/EnterpriseProfile"}
    answer = ranking["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/RankingOut"}


def test_every_operation_declares_the_middlewares_refusals(
    client: TestClient, spec: dict[str, Any]
) -> None:
    """429 wherever requests are counted (not the probes), 413 and 415 wherever a body is
    read: the answers service/middleware.py gives before any route."""
    for method, path, operation in _operations(spec):
        responses = operation["responses"]
        assert ("429" in responses) == (path not in ("/healthz", "/readyz")), (method, path)
        if "429" in responses:
            assert "Retry-After" in responses["429"]["headers"], (method, path)
        if "requestBody" in operation:
            assert {"413", "415"} <= set(responses), (method, path)
    text = client.post("/v1/recommendations", content=b"{}", headers={"Content-Type": "text/plain"})
    assert text.status_code == 415
    large = client.post("/v1/recommendations", content=b"{" + b" " * 70_000 + b"}",
                        headers={"Content-Type": "application/json"})
    assert large.status_code == 413


def test_the_rankings_503_says_when_waiting_helps(spec: dict[str, Any]) -> None:
    """A full ranking queue answers 503 with Retry-After (service/recommendations/batcher.py;
    tests/service/test_ranking_batcher.py), and so does a database that did not answer."""
    answer = spec["paths"]["/v1/recommendations"]["post"]["responses"]["503"]
    assert "DAKMATCH_RANKING_QUEUE" in answer["description"]
    assert "not ready" in answer["description"]
    assert "database" in answer["description"]
    assert "Retry-After" in answer["headers"]
    for method, path, operation in _operations(spec):
        if operation["security"]:  # a key is read: looked up in the database
            assert "database" in operation["responses"]["503"]["description"], (method, path)
