"""GET /healthz, /readyz, /v1/offerings and /v1/offerings/{id}."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete
from sqlalchemy.orm import Session

from catalog import Geography, load_catalog
from service.db import CatalogVersion
from service.runtime import ServedCatalog

PROBLEM = "application/problem+json"


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_ready_when_ranker_fitted(client: TestClient, served: ServedCatalog) -> None:
    assert served.ranker is not None
    response = client.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json()["catalog_version"] == load_catalog().version
    assert response.json()["model_version"] == served.ranker.model_version


def test_readyz_503_without_catalogue(session: Session, make_app: Callable[..., FastAPI]) -> None:
    session.execute(delete(CatalogVersion))
    session.commit()
    app = make_app()
    with TestClient(app) as client:
        app.state.runtime.served = None  # the session-wide runtime came with a catalogue
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.headers["content-type"] == PROBLEM
        assert "dakmatch catalog load" in response.json()["detail"]
        listing = client.get("/v1/offerings")
        assert listing.status_code == 503
        assert listing.headers["content-type"] == PROBLEM


def test_list_offerings_serves_latest_version(client: TestClient) -> None:
    catalog = load_catalog()
    body = client.get("/v1/offerings").json()
    assert body["catalog_version"] == catalog.version
    assert body["count"] == len(catalog) == len(body["offerings"])
    assert {o["id"] for o in body["offerings"]} == set(catalog.ids)


def test_filter_by_category(client: TestClient) -> None:
    body = client.get("/v1/offerings", params={"category": "export_facilitation"}).json()
    ids = {o["id"] for o in body["offerings"]}
    assert {"dnk", "ibc-mumbai"} <= ids
    assert {o["category"] for o in body["offerings"]} == {"export_facilitation"}


def test_filter_by_provider_and_q(client: TestClient) -> None:
    body = client.get("/v1/offerings", params={"provider": "amazon"}).json()
    assert body["count"] >= 1
    assert all("amazon" in o["provider"].lower() for o in body["offerings"])
    assert "amazon-india-post" in {o["id"] for o in body["offerings"]}
    q = client.get("/v1/offerings", params={"q": "no-such-word-anywhere"}).json()
    assert q["count"] == 0
    assert q["offerings"] == []


def test_unknown_category_is_a_field_error(client: TestClient) -> None:
    response = client.get("/v1/offerings", params={"category": "spaceflight"})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["errors"][0]["field"] == "category"


def test_get_offering(client: TestClient) -> None:
    body = client.get("/v1/offerings/dnk").json()
    assert body["offering"]["id"] == "dnk"
    assert body["catalog_version"] == load_catalog().version


def test_discontinued_offering_is_listed_with_its_status(client: TestClient) -> None:
    body = client.get("/v1/offerings/registered-small-packet").json()
    assert body["offering"]["status"] == "discontinued"
    assert body["offering"]["status_since"] == "2026-01-01"


def test_unknown_offering_is_a_404_problem(client: TestClient) -> None:
    response = client.get("/v1/offerings/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == 404
    assert "no-such-thing" in problem["detail"]
    assert set(problem) >= {"type", "title", "status", "detail"}


def test_unknown_path_and_method_are_problems(client: TestClient) -> None:
    missing = client.get("/v2/nothing")
    assert (missing.status_code, missing.headers["content-type"]) == (404, PROBLEM)
    wrong = client.delete("/healthz")
    assert (wrong.status_code, wrong.headers["content-type"]) == (405, PROBLEM)


def test_unreachable_database_is_not_ready(geography: Geography, served: ServedCatalog) -> None:
    from service.app import create_app
    from service.runtime import Runtime
    from service.settings import Settings

    settings = Settings(database_url="postgresql+psycopg://nobody@127.0.0.1:9/none")
    app = create_app(settings, runtime=Runtime(geography=geography, served=served))
    with TestClient(app) as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.headers["content-type"] == PROBLEM
        assert "database unreachable" in response.json()["detail"]
        assert client.get("/healthz").status_code == 200


def test_a_catalogue_loaded_elsewhere_is_picked_up(client: TestClient, session: Session) -> None:
    """Another process (`dakmatch catalog load`, another worker) stored a newer version."""
    import dataclasses

    from catalog import catalog_version
    from service.app import refresh_catalog
    from service.offerings import repository as repo

    catalog = load_catalog()
    renamed = (
        catalog.offerings[0].model_copy(update={"name": "Renamed elsewhere"}),
        *catalog.offerings[1:],
    )
    newer = dataclasses.replace(
        catalog, offerings=renamed, version=catalog_version(renamed, catalog.howto)
    )
    repo.store_catalog(session, newer)
    session.commit()
    assert client.get("/v1/offerings").json()["catalog_version"] == catalog.version
    refresh_catalog(client.app)  # type: ignore[arg-type]  # what the watcher runs every 30 s
    body = client.get("/v1/offerings").json()
    assert body["catalog_version"] == newer.version
    assert body["offerings"][0]["name"] == "Renamed elsewhere"


def test_offerings_speak_the_asked_language(client: TestClient) -> None:
    catalog = load_catalog()
    dnk = catalog.get("dnk")
    assert dnk is not None
    for params, headers, lang in (
        ({"lang": "hi"}, {}, "hi"),
        ({}, {"Accept-Language": "mr-IN,mr;q=0.9,en;q=0.5"}, "mr"),
        ({"lang": "en"}, {"Accept-Language": "hi"}, "en"),
    ):
        listed = client.get("/v1/offerings", params=params, headers=headers)
        assert listed.status_code == 200, listed.text
        assert listed.headers["content-language"] == lang
        by_id = {o["id"]: o for o in listed.json()["offerings"]}
        local = dnk.localized(lang)
        assert by_id["dnk"]["name"] == local.name
        assert by_id["dnk"]["description"] == local.description
        assert by_id["dnk"]["caveats"][0]["text"] == local.caveats[0].text
        assert by_id["dnk"]["doubts"] == list(local.doubts)
        one = client.get("/v1/offerings/dnk", params=params, headers=headers)
        assert one.json()["offering"]["next_step"] == local.next_step
    assert by_id["dnk"]["name"] == "Dak Ghar Niryat Kendra (post office export centre)"


def test_offerings_search_finds_hindi_words(client: TestClient) -> None:
    found = client.get("/v1/offerings", params={"q": "निर्यात केंद्र", "lang": "hi"}).json()
    assert "dnk" in {o["id"] for o in found["offerings"]}


def test_recommendations_name_offerings_and_caveats_in_the_asked_language(
    client: TestClient,
) -> None:
    catalog = load_catalog()
    profile = {"pincode": "302001", "sector": "handicrafts", "destinations": ["US"],
               "typical_weight_kg": 1.2, "needs": ["international_shipping"]}
    answer = client.post("/v1/recommendations?lang=mr", json=profile)
    assert answer.status_code == 200, answer.text
    recommendations = answer.json()["recommendations"]
    for item in recommendations:
        offering = catalog.get(item["offering_id"])
        assert offering is not None
        assert item["name"] == offering.localized("mr").name
    english = client.post("/v1/recommendations?lang=en", json=profile).json()
    assert [r["offering_id"] for r in english["recommendations"]] == [
        r["offering_id"] for r in recommendations
    ]
    assert english["recommendations"][0]["name"] == catalog.get(  # type: ignore[union-attr]
        english["recommendations"][0]["offering_id"]
    ).name
