"""The role x endpoint matrix of DESIGN §5: every cell asserted."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import Keys, make_profile

ROLES = (None, "partner", "officer", "admin", "widget")
OK = "ok"
# endpoint -> expected status for (anonymous, partner, officer, admin, widget); the widget key
# is sent from its tenant's allowed origin (tests/service/test_widget_keys.py: from elsewhere)
MATRIX: dict[str, tuple[int, int, int, int, int]] = {
    "GET /healthz": (200, 200, 200, 200, 200),
    "GET /readyz": (200, 200, 200, 200, 200),
    "GET /v1/offerings": (200, 200, 200, 200, 200),
    "GET /v1/offerings/{offering}": (200, 200, 200, 200, 200),
    "POST /v1/recommendations": (200, 200, 200, 200, 200),
    "POST /v1/profiles": (401, 201, 201, 403, 403),
    "GET /v1/profiles": (401, 200, 200, 403, 403),
    "GET /v1/profiles/{profile}": (401, 200, 200, 403, 403),
    "PATCH /v1/profiles/{profile}": (401, 200, 200, 403, 403),
    "DELETE /v1/profiles/{profile}": (401, 204, 204, 403, 403),
    "GET /v1/profiles/{profile}/recommendations": (401, 200, 200, 403, 403),
    "GET /v1/profiles/{profile}/runs": (401, 200, 200, 403, 403),
    "POST /v1/feedback": (401, 201, 201, 403, 403),
    "PUT /v1/offerings/{offering}": (401, 403, 403, 200, 403),
    "GET /metrics": (401, 403, 403, 200, 403),
}
CELLS = [
    pytest.param(endpoint, role, expected[i], id=f"{endpoint} as {role or 'anonymous'}")
    for endpoint, expected in MATRIX.items()
    for i, role in enumerate(ROLES)
]


def _body(endpoint: str, client: TestClient, keys: Keys, run: dict[str, Any]) -> Any:
    if endpoint in {"POST /v1/recommendations", "POST /v1/profiles"}:
        return make_profile()
    if endpoint.startswith("PATCH"):
        return {"monthly_international_parcels": 55}
    if endpoint == "POST /v1/feedback":
        return {"run_id": run["run_id"], "offering_id": run["offering_id"], "outcome": "shown"}
    if endpoint.startswith("PUT"):
        offering = client.get("/v1/offerings/speed-post").json()["offering"]
        return {**offering, "name": "Speed Post (renamed by an admin)"}
    return None


@pytest.mark.parametrize(("endpoint", "role", "expected"), CELLS)
def test_role_matrix(
    client: TestClient, keys: Keys, endpoint: str, role: str | None, expected: int
) -> None:
    # A profile of the partner's tenant with one stored run, made before the call under test.
    created = client.post("/v1/profiles", json=make_profile(), headers=keys.headers("partner"))
    assert created.status_code == 201, created.text
    profile_id = created.json()["id"]
    ranking = client.get(
        f"/v1/profiles/{profile_id}/recommendations", headers=keys.headers("partner")
    ).json()
    run = {"run_id": ranking["run_id"], "offering_id": ranking["recommendations"][0]["offering_id"]}
    method, template = endpoint.split(" ", 1)
    path = template.format(profile=profile_id, offering="speed-post")
    body = _body(endpoint, client, keys, run)
    response = client.request(
        method, path, headers=keys.headers(role), **({"json": body} if body is not None else {})
    )
    assert response.status_code == expected, response.text
    if expected >= 400:
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == expected


def test_matrix_covers_every_route(client: TestClient) -> None:
    """A new endpoint must be added to the matrix."""
    spec = client.get("/openapi.json").json()
    documented = {
        f"{method.upper()} {path}" for path, ops in spec["paths"].items() for method in ops
    }
    normalised = {
        e.replace("{offering}", "{offering_id}").replace("{profile}", "{profile_id}")
        for e in MATRIX
    }
    assert documented == normalised


@pytest.mark.parametrize("path", ["/v1/offerings", "/v1/profiles"])
def test_unknown_or_revoked_key_is_401(
    client: TestClient, keys: Keys, path: str, session: Any
) -> None:
    from service.auth import repository as auth_repo

    unknown = client.get(path, headers={"X-API-Key": "dmk_p_not-a-real-key"})
    assert unknown.status_code == 401
    assert unknown.headers["content-type"] == "application/problem+json"
    assert client.get("/v1/profiles", headers=keys.headers("officer")).status_code == 200
    prefix = keys.officer[:12]
    assert auth_repo.revoke_key(session, prefix) is not None
    session.commit()
    revoked = client.get(path, headers=keys.headers("officer"))
    assert revoked.status_code == 401
