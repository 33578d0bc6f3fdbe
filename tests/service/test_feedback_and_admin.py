"""Feedback only on visible runs; admin catalogue changes refit the ranker without a restart."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db import Feedback
from service.offerings import repository as catalog_repo
from tests.service.conftest import Keys, make_profile


def _run(client: TestClient, key: str) -> dict[str, Any]:
    profile = client.post("/v1/profiles", json=make_profile(), headers={"X-API-Key": key}).json()
    ranking = client.get(
        f"/v1/profiles/{profile['id']}/recommendations", headers={"X-API-Key": key}
    ).json()
    return dict(ranking)


def _feedback(run: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    body = {
        "run_id": run["run_id"],
        "offering_id": run["recommendations"][0]["offering_id"],
        "outcome": "enrolled",
        "note": "registered",
    }
    return {**body, **overrides}


def test_feedback_is_stored_with_its_author(
    client: TestClient, keys: Keys, session: Session
) -> None:
    run = _run(client, keys.partner)
    response = client.post("/v1/feedback", json=_feedback(run), headers=keys.headers("partner"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["outcome"], body["run_id"]) == ("enrolled", run["run_id"])
    row = session.scalars(select(Feedback).where(Feedback.id == body["id"])).one()
    assert row.actor_key_id is not None
    assert row.note == "registered"


def test_feedback_on_another_tenants_run_is_404(client: TestClient, keys: Keys) -> None:
    theirs = _run(client, keys.other_partner)
    response = client.post("/v1/feedback", json=_feedback(theirs), headers=keys.headers("partner"))
    assert response.status_code == 404
    assert theirs["run_id"] in response.json()["detail"]
    officer = client.post("/v1/feedback", json=_feedback(theirs), headers=keys.headers("officer"))
    assert officer.status_code == 201


def test_feedback_on_unknown_run_or_offering(client: TestClient, keys: Keys) -> None:
    run = _run(client, keys.partner)
    unknown_run = client.post(
        "/v1/feedback", json=_feedback(run, run_id="nope"), headers=keys.headers("partner")
    )
    assert unknown_run.status_code == 404
    not_in_run = client.post(
        "/v1/feedback",
        json=_feedback(run, offering_id="no-such-offering"),
        headers=keys.headers("partner"),
    )
    assert not_in_run.status_code == 422
    assert not_in_run.json()["errors"][0]["field"] == "offering_id"
    bad_outcome = client.post(
        "/v1/feedback", json=_feedback(run, outcome="loved"), headers=keys.headers("partner")
    )
    assert bad_outcome.status_code == 422
    assert bad_outcome.json()["errors"][0]["field"] == "outcome"


def test_admin_put_creates_a_version_and_refits(
    client: TestClient, keys: Keys, session: Session
) -> None:
    before = client.get("/v1/offerings").json()["catalog_version"]
    old_ranker = client.app.state.ranker  # type: ignore[attr-defined]
    offering = client.get("/v1/offerings/speed-post").json()["offering"]
    changed = {**offering, "description": offering["description"] + " Changed by an admin."}
    response = client.put("/v1/offerings/speed-post", json=changed, headers=keys.headers("admin"))
    assert response.status_code == 200, response.text
    after = response.json()["catalog_version"]
    assert after != before
    assert client.get("/v1/offerings").json()["catalog_version"] == after
    assert (
        client.get("/v1/offerings/speed-post")
        .json()["offering"]["description"]
        .endswith("Changed by an admin.")
    )
    assert client.app.state.ranker is not old_ranker  # type: ignore[attr-defined]
    assert client.get("/readyz").json()["catalog_version"] == after
    ranking = client.post("/v1/recommendations", json=make_profile()).json()
    assert ranking["catalog_version"] == after
    stored = catalog_repo.catalog_at(session, before)
    assert stored is not None  # the older version stays readable


def test_admin_put_new_offering_is_201_and_bad_one_422(client: TestClient, keys: Keys) -> None:
    offering = client.get("/v1/offerings/speed-post").json()["offering"]
    new = {**offering, "id": "speed-post-copy", "name": "Speed Post copy for the test"}
    created = client.put("/v1/offerings/speed-post-copy", json=new, headers=keys.headers("admin"))
    assert created.status_code == 201, created.text
    assert client.get("/v1/offerings/speed-post-copy").status_code == 200
    mismatch = client.put("/v1/offerings/other-id", json=new, headers=keys.headers("admin"))
    assert mismatch.status_code == 422
    assert mismatch.json()["errors"][0]["field"] == "id"
    broken = client.put(
        "/v1/offerings/speed-post",
        json={**offering, "features": ["teleportation"]},
        headers=keys.headers("admin"),
    )
    assert broken.status_code == 422
    assert broken.json()["errors"][0]["field"].startswith("features")
