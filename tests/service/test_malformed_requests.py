"""A corpus of malformed requests: each answers a 4xx problem+json, never a 5xx."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import Keys, make_profile

REC = "/v1/recommendations"
JSON = {"Content-Type": "application/json"}


def _raw(text: str | bytes, content_type: str = "application/json") -> dict[str, Any]:
    data = text.encode() if isinstance(text, str) else text
    return {"content": data, "headers": {"Content-Type": content_type}}


def _profile(**overrides: Any) -> dict[str, Any]:
    return {"json": make_profile(**overrides)}


# (id, method, path, role, request kwargs, expected status or None for "any 4xx", error field)
CORPUS: list[tuple[str, str, str, str | None, dict[str, Any], int | None, str | None]] = [
    ("truncated-json", "POST", REC, None, _raw('{"pincode": "302001"'), 400, None),
    ("not-json-at-all", "POST", REC, None, _raw("hello"), 400, None),
    ("trailing-garbage", "POST", REC, None, _raw('{"pincode": "302001"} x'), 400, None),
    ("invalid-utf8", "POST", REC, None, _raw(b'{"name": "\xff\xfe"}'), 400, None),
    ("json-array", "POST", REC, None, _raw("[]"), 422, None),
    ("json-string", "POST", REC, None, _raw('"302001"'), 422, None),
    ("json-number", "POST", REC, None, _raw("42"), 422, None),
    ("json-null", "POST", REC, None, _raw("null"), 422, None),
    ("empty-body", "POST", REC, None, {"headers": JSON}, 422, None),
    ("text-plain", "POST", REC, None, _raw('{"pincode": "302001"}', "text/plain"), 415, None),
    ("form-encoded", "POST", REC, None, {"data": {"pincode": "302001"}}, 415, None),
    ("xml", "POST", REC, None, _raw("<profile/>", "application/xml"), 415, None),
    ("missing-pincode", "POST", REC, None, _profile(pincode=None), 422, "pincode"),
    ("missing-sector", "POST", REC, None, _profile(sector=None), 422, "sector"),
    ("unknown-sector", "POST", REC, None, _profile(sector="spaceships"), 422, "sector"),
    ("pincode-letters", "POST", REC, None, _profile(pincode="30A001"), 422, "pincode"),
    ("pincode-short", "POST", REC, None, _profile(pincode="3020"), 422, "pincode"),
    ("pincode-unknown", "POST", REC, None, _profile(pincode="999999"), 422, "pincode"),
    ("pincode-number", "POST", REC, None, _profile(pincode=302001), 422, "pincode"),
    ("unknown-field", "POST", REC, None, _profile(colour="red"), 422, "colour"),
    ("wrong-type-list", "POST", REC, None, _profile(needs="pickup"), 422, "needs"),
    ("unknown-need", "POST", REC, None, _profile(needs=["teleport"]), 422, None),
    ("negative-count", "POST", REC, None, _profile(monthly_domestic_parcels=-3), 422, None),
    ("zero-weight", "POST", REC, None, _profile(typical_weight_kg=0), 422, None),
    (
        "huge-float",
        "POST",
        REC,
        None,
        _raw('{"pincode": "302001", "sector": "apparel", "typical_weight_kg": 1e400}'),
        None,
        None,
    ),
    (
        "nan",
        "POST",
        REC,
        None,
        _raw('{"pincode": "302001", "sector": "apparel", "typical_value_inr": NaN}'),
        None,
        None,
    ),
    (
        "huge-integer",
        "POST",
        REC,
        None,
        _raw(
            '{"pincode": "302001", "sector": "apparel", '
            '"monthly_domestic_parcels": 1' + "0" * 5000 + "}"
        ),
        None,
        None,
    ),
    ("big-integer", "POST", REC, None, _profile(monthly_domestic_parcels=10**30), None, None),
    ("long-products", "POST", REC, None, _profile(products="x" * 2500), 422, "products"),
    ("huge-string", "POST", REC, None, _profile(products="x" * 200_000), 413, None),
    ("deep-nesting", "POST", REC, None, _raw("[" * 5000 + "]" * 5000), None, None),
    ("limit-zero", "POST", REC + "?limit=0", None, _profile(), 422, "limit"),
    ("limit-51", "POST", REC + "?limit=51", None, _profile(), 422, "limit"),
    ("limit-text", "POST", REC + "?limit=ten", None, _profile(), 422, "limit"),
    ("limit-huge", "POST", REC + "?limit=" + "9" * 40, None, _profile(), 422, "limit"),
    ("bad-category", "GET", "/v1/offerings?category=rockets", None, {}, 422, "category"),
    ("long-q", "GET", "/v1/offerings?q=" + "x" * 500, None, {}, 422, "q"),
    ("long-offering-id", "GET", "/v1/offerings/" + "a" * 100, None, {}, 422, "offering_id"),
    ("unknown-path", "GET", "/v1/nothing-here", None, {}, 404, None),
    ("wrong-method", "DELETE", "/v1/offerings", None, {}, 405, None),
    ("post-to-item", "POST", "/v1/profiles/abc", "partner", _profile(), 405, None),
    ("profile-bad-json", "POST", "/v1/profiles", "partner", _raw("{"), 400, None),
    ("profile-array", "POST", "/v1/profiles", "partner", _raw("[1, 2]"), 422, None),
    (
        "idempotency-key-too-long",
        "POST",
        "/v1/profiles",
        "partner",
        {"json": make_profile(), "headers": {"Idempotency-Key": "k" * 500}},
        422,
        None,
    ),
    (
        "api-key-too-long",
        "GET",
        "/v1/profiles",
        None,
        {"headers": {"X-API-Key": "k" * 500}},
        None,
        None,
    ),
    ("negative-offset", "GET", "/v1/profiles?offset=-1", "officer", {}, 422, "offset"),
    ("bad-sector-filter", "GET", "/v1/profiles?sector=x", "officer", {}, 422, "sector"),
    (
        "patch-array",
        "PATCH",
        "/v1/profiles/00000000-0000-0000-0000-000000000000",
        "partner",
        _raw("[]"),
        422,
        None,
    ),
    (
        "patch-unknown-id",
        "PATCH",
        "/v1/profiles/00000000-0000-0000-0000-000000000000",
        "partner",
        {"json": {"name": "x"}},
        404,
        None,
    ),
    (
        "feedback-missing-run",
        "POST",
        "/v1/feedback",
        "partner",
        {"json": {"offering_id": "dnk", "outcome": "shown"}},
        422,
        "run_id",
    ),
    (
        "feedback-bad-outcome",
        "POST",
        "/v1/feedback",
        "partner",
        {"json": {"run_id": "x", "offering_id": "dnk", "outcome": "maybe"}},
        422,
        "outcome",
    ),
    (
        "feedback-extra-field",
        "POST",
        "/v1/feedback",
        "partner",
        {"json": {"run_id": "x", "offering_id": "dnk", "outcome": "shown", "x": 1}},
        422,
        "x",
    ),
    (
        "feedback-long-note",
        "POST",
        "/v1/feedback",
        "partner",
        {"json": {"run_id": "x", "offering_id": "dnk", "outcome": "shown", "note": "n" * 3000}},
        422,
        "note",
    ),
    ("put-offering-empty", "PUT", "/v1/offerings/dnk", "admin", {"json": {}}, 422, None),
    (
        "put-offering-bad-id",
        "PUT",
        "/v1/offerings/Not_A_Slug",
        "admin",
        {"json": {}},
        422,
        "offering_id",
    ),
]


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 30
    assert len({case[0] for case in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize(
    ("method", "path", "role", "kwargs", "expected", "field"),
    [pytest.param(*case[1:], id=case[0]) for case in CORPUS],
)
def test_malformed_request_is_a_problem(
    client: TestClient,
    keys: Keys,
    method: str,
    path: str,
    role: str | None,
    kwargs: dict[str, Any],
    expected: int | None,
    field: str | None,
) -> None:
    headers = {**keys.headers(role), **kwargs.get("headers", {})}
    response = client.request(method, path, **{**kwargs, "headers": headers})
    assert 400 <= response.status_code < 500, response.text
    if expected is not None:
        assert response.status_code == expected, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = json.loads(response.text)
    assert {"type", "title", "status", "detail"} <= set(problem)
    assert problem["status"] == response.status_code
    if response.status_code == 422:
        assert problem["errors"], problem
        assert all(set(e) == {"field", "message"} for e in problem["errors"])
    if field is not None:
        assert field in {e["field"] for e in problem["errors"]}, problem
