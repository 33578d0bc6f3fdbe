"""Profiles: create, idempotency, read, list, patch, erase, tenant isolation, runs, audit."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service import audit
from service.db import Feedback, IdempotencyKey, Profile, RecommendationRun
from tests.service.conftest import Keys, make_profile


def _create(client: TestClient, key: str, **overrides: object) -> dict[str, object]:
    response = client.post(
        "/v1/profiles", json=make_profile(**overrides), headers={"X-API-Key": key}
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_create_answers_201_with_location(client: TestClient, keys: Keys) -> None:
    response = client.post("/v1/profiles", json=make_profile(), headers=keys.headers("partner"))
    assert response.status_code == 201
    body = response.json()
    assert response.headers["location"] == f"/v1/profiles/{body['id']}"
    assert response.headers["etag"] == '"1"'
    assert body["tenant"] == "acme"
    assert (body["state"], body["district"]) == ("Rajasthan", "Jaipur")
    assert body["profile"] == make_profile()
    again = client.get(response.headers["location"], headers=keys.headers("partner"))
    assert again.json() == body


def test_invalid_profile_names_the_fields(client: TestClient, keys: Keys) -> None:
    response = client.post(
        "/v1/profiles",
        json=make_profile(pincode="12345", colour="blue"),
        headers=keys.headers("partner"),
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"pincode", "colour"} <= fields


def test_idempotency_key_replays_the_first_result(
    client: TestClient, keys: Keys, session: Session
) -> None:
    headers = {**keys.headers("partner"), "Idempotency-Key": "order-42"}
    first = client.post("/v1/profiles", json=make_profile(), headers=headers)
    second = client.post("/v1/profiles", json=make_profile(), headers=headers)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert second.headers["location"] == first.headers["location"]
    assert second.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    count = session.scalar(select(func.count()).select_from(Profile))
    assert count == 1


def test_idempotency_key_with_another_body_is_refused(client: TestClient, keys: Keys) -> None:
    headers = {**keys.headers("partner"), "Idempotency-Key": "order-43"}
    assert client.post("/v1/profiles", json=make_profile(), headers=headers).status_code == 201
    other = client.post("/v1/profiles", json=make_profile(sector="apparel"), headers=headers)
    assert other.status_code == 422
    assert other.json()["type"].endswith("/idempotency-key-reused")


def test_idempotency_keys_are_per_api_key(client: TestClient, keys: Keys) -> None:
    a = client.post(
        "/v1/profiles",
        json=make_profile(),
        headers={**keys.headers("partner"), "Idempotency-Key": "same"},
    )
    b = client.post(
        "/v1/profiles",
        json=make_profile(),
        headers={**keys.headers("other_partner"), "Idempotency-Key": "same"},
    )
    assert a.json()["id"] != b.json()["id"]
    assert b.json()["tenant"] == "globex"


def test_partner_sees_only_its_tenant(client: TestClient, keys: Keys) -> None:
    mine = _create(client, keys.partner)
    theirs = _create(client, keys.other_partner)
    path = f"/v1/profiles/{theirs['id']}"
    for method in ("GET", "DELETE"):
        response = client.request(method, path, headers=keys.headers("partner"))
        assert response.status_code == 404, method
        assert response.json()["detail"] == f"no profile with id '{theirs['id']}'"
    patched = client.patch(path, json={"name": "x"}, headers=keys.headers("partner"))
    assert patched.status_code == 404
    ranked = client.get(f"{path}/recommendations", headers=keys.headers("partner"))
    assert ranked.status_code == 404
    listed = client.get("/v1/profiles", headers=keys.headers("partner")).json()
    assert [p["id"] for p in listed["items"]] == [mine["id"]]
    assert client.get(path, headers=keys.headers("other_partner")).status_code == 200
    officer = client.get("/v1/profiles", headers=keys.headers("officer")).json()
    assert {p["id"] for p in officer["items"]} == {mine["id"], theirs["id"]}


def test_listing_filters_and_pages(client: TestClient, keys: Keys) -> None:
    jaipur = [_create(client, keys.partner) for _ in range(3)]
    mumbai = _create(client, keys.other_partner, pincode="400001", sector="food_spices")
    officer = keys.headers("officer")
    by_state = client.get("/v1/profiles", params={"state": "maharashtra"}, headers=officer).json()
    assert [p["id"] for p in by_state["items"]] == [mumbai["id"]]
    by_sector = client.get("/v1/profiles", params={"sector": "handicrafts"}, headers=officer)
    assert {p["id"] for p in by_sector.json()["items"]} == {p["id"] for p in jaipur}
    by_district = client.get("/v1/profiles", params={"district": "Jaipur"}, headers=officer)
    assert by_district.json()["total"] == 3
    page1 = client.get("/v1/profiles", params={"limit": 2}, headers=officer).json()
    page2 = client.get("/v1/profiles", params={"limit": 2, "offset": 2}, headers=officer).json()
    assert (page1["total"], len(page1["items"]), len(page2["items"])) == (4, 2, 2)
    assert not {p["id"] for p in page1["items"]} & {p["id"] for p in page2["items"]}
    too_big = client.get("/v1/profiles", params={"limit": 1000}, headers=officer)
    assert too_big.status_code == 422
    assert too_big.json()["errors"][0]["field"] == "limit"


def test_patch_merges_and_validates_the_whole(client: TestClient, keys: Keys) -> None:
    created = _create(client, keys.partner)
    path = f"/v1/profiles/{created['id']}"
    headers = keys.headers("partner")
    patched = client.patch(
        path, json={"monthly_international_parcels": 90, "name": None}, headers=headers
    )
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["version"] == 2
    assert body["profile"]["monthly_international_parcels"] == 90
    assert "name" not in body["profile"]
    moved = client.patch(path, json={"pincode": "400001"}, headers=headers).json()
    assert moved["state"] == "Maharashtra"
    bad = client.patch(path, json={"pincode": "999999x"}, headers=headers)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "pincode"
    removed_required = client.patch(path, json={"sector": None}, headers=headers)
    assert removed_required.status_code == 422
    assert client.get(path, headers=headers).json()["version"] == 3


def test_patch_with_stale_if_match_is_412(client: TestClient, keys: Keys) -> None:
    created = _create(client, keys.partner)
    path = f"/v1/profiles/{created['id']}"
    headers = keys.headers("partner")
    assert (
        client.patch(path, json={"name": "A"}, headers={**headers, "If-Match": '"1"'}).status_code
        == 200
    )
    stale = client.patch(path, json={"name": "B"}, headers={**headers, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert client.get(path, headers=headers).json()["profile"]["name"] == "A"


def test_erasure_leaves_no_rows(client: TestClient, keys: Keys, session: Session) -> None:
    headers = {**keys.headers("partner"), "Idempotency-Key": "erase-me"}
    created = client.post("/v1/profiles", json=make_profile(), headers=headers).json()
    keep = _create(client, keys.partner, name="Someone else")
    runs = []
    for profile_id in (created["id"], keep["id"]):
        ranking = client.get(
            f"/v1/profiles/{profile_id}/recommendations", headers=keys.headers("partner")
        ).json()
        runs.append(ranking["run_id"])
        feedback = client.post(
            "/v1/feedback",
            json={
                "run_id": ranking["run_id"],
                "offering_id": ranking["recommendations"][0]["offering_id"],
                "outcome": "accepted",
                "note": "called the export desk",
            },
            headers=keys.headers("officer"),
        )
        assert feedback.status_code == 201, feedback.text
    assert (
        client.delete(f"/v1/profiles/{created['id']}", headers=keys.headers("partner")).status_code
        == 204
    )

    def count(model: type, **where: object) -> int:
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return int(session.scalar(query) or 0)

    session.expire_all()
    assert count(Profile, id=created["id"]) == 0
    assert count(RecommendationRun, profile_id=created["id"]) == 0
    assert count(Feedback, run_id=runs[0]) == 0
    assert count(IdempotencyKey, profile_id=created["id"]) == 0
    assert count(IdempotencyKey, key="erase-me") == 0
    # The other profile keeps its run and feedback.
    assert count(RecommendationRun, profile_id=keep["id"]) == 1
    assert count(Feedback, run_id=runs[1]) == 1
    gone = client.get(f"/v1/profiles/{created['id']}", headers=keys.headers("partner"))
    assert gone.status_code == 404
    # The same idempotency key may now create a new profile.
    fresh = client.post("/v1/profiles", json=make_profile(), headers=headers)
    assert fresh.status_code == 201
    assert fresh.json()["id"] != created["id"]


def test_stored_run_is_the_ranking_served(client: TestClient, keys: Keys, session: Session) -> None:
    created = _create(client, keys.partner)
    ranking = client.get(
        f"/v1/profiles/{created['id']}/recommendations",
        params={"limit": 3},
        headers=keys.headers("partner"),
    ).json()
    assert ranking["run_id"]
    assert len(ranking["recommendations"]) <= 3
    stored = session.get(RecommendationRun, ranking["run_id"])
    assert stored is not None
    assert stored.ranking == ranking
    assert stored.catalog_version == ranking["catalog_version"]
    runs = client.get(f"/v1/profiles/{created['id']}/runs", headers=keys.headers("partner"))
    assert [r["id"] for r in runs.json()["items"]] == [ranking["run_id"]]


def test_officer_reads_and_changes_are_audited(
    client: TestClient, keys: Keys, session: Session
) -> None:
    created = _create(client, keys.partner)
    path = f"/v1/profiles/{created['id']}"
    officer = keys.headers("officer")
    client.get(path, headers=officer)
    client.patch(path, json={"name": "Changed by officer"}, headers=officer)
    client.get(f"{path}/recommendations", headers=officer)
    client.get(path, headers=keys.headers("partner"))  # partners' own reads are not audited
    client.delete(path, headers=officer)
    actions = audit.events_for(session, str(created["id"]))
    officer_id = actions[0][0]
    assert officer_id.startswith("key:")
    assert actions == [
        (officer_id, "read"),
        (officer_id, "update"),
        (officer_id, "rank"),
        (officer_id, "erase"),
    ]


def test_simultaneous_idempotent_requests_conflict_cleanly(
    client: TestClient, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second of two requests racing with one key hits the unique index: 409, not 500."""
    from service import idempotency

    headers = {**keys.headers("partner"), "Idempotency-Key": "race"}
    assert client.post("/v1/profiles", json=make_profile(), headers=headers).status_code == 201
    monkeypatch.setattr(idempotency, "replay", lambda *_args: None)  # as if not yet visible
    raced = client.post("/v1/profiles", json=make_profile(), headers=headers)
    assert raced.status_code == 409
    assert raced.headers["content-type"] == "application/problem+json"
