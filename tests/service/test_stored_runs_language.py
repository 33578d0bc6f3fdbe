"""Stored runs read in another language (issue 18): ``GET /v1/profiles/{id}/runs`` and
``GET /v1/profiles/{id}/recommendations`` write names and reasons in the asked language from
the run's codes and the catalogue version the run was ranked with; what is stored stays as it
was (English names, the codes of its day)."""

from __future__ import annotations

import re
import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from catalog import Catalog
from service.db import RecommendationRun
from service.offerings import repository as catalog_repo
from service.profiles import repository as profiles_repo
from tests.service.conftest import Keys, make_profile, served_catalog

DEVANAGARI = re.compile(r"[\u0900-\u097F]")
# Bound for the US with light parcels: ITPS is suggested, with its US duty caveat.
PROFILE = make_profile(pincode="302001", sector="handicrafts", needs=["international_shipping"],
                       destinations=["US"], typical_weight_kg=1.2, name="Sanganer Prints")
OLD_NAME = "आईटीपीएस (पुराने सूचीपत्र का नाम)"


def _older_catalogue(catalog: Catalog) -> Catalog:
    """The served catalogue with another Hindi name for ITPS: a version a run was ranked with
    before the name changed."""
    itps = catalog.get("itps")
    assert itps is not None
    hindi = itps.i18n["hi"].model_copy(update={"name": OLD_NAME})
    changed = itps.model_copy(update={"i18n": {**itps.i18n, "hi": hindi}})
    offerings = tuple(changed if o.id == "itps" else o for o in catalog.offerings)
    return Catalog(offerings=offerings, version="older-version-of-the-test")


def _stored_profile(client: TestClient, keys: Keys) -> tuple[str, dict[str, Any]]:
    headers = keys.headers("partner")
    created = client.post("/v1/profiles", json=PROFILE, headers=headers)
    assert created.status_code == 201, created.text
    profile_id = str(created.json()["id"])
    ranked = client.get(f"/v1/profiles/{profile_id}/recommendations", headers=headers)
    assert ranked.status_code == 200, ranked.text
    return profile_id, ranked.json()


def _add_run(session: Session, profile_id: str, version: str, ranking: dict[str, Any]) -> str:
    run_id = str(uuid.uuid4())
    profiles_repo.add_run(session, run_id=run_id, profile_id=profile_id,
                          catalog_version=version, model_version="m",
                          ranking={**ranking, "run_id": run_id, "catalog_version": version},
                          items=())
    session.commit()
    return run_id


def _runs(client: TestClient, keys: Keys, profile_id: str, lang: str) -> dict[str, Any]:
    answer = client.get(f"/v1/profiles/{profile_id}/runs?lang={lang}",
                        headers=keys.headers("partner"))
    assert answer.status_code == 200, answer.text
    return {item["id"]: item["ranking"] for item in answer.json()["items"]}


def test_a_run_is_read_in_hindi_with_the_catalogue_version_it_was_ranked_with(
    client: TestClient, keys: Keys, session: Session,
) -> None:
    catalog = served_catalog()
    profile_id, english = _stored_profile(client, keys)
    assert "itps" in [r["offering_id"] for r in english["recommendations"]]
    older = _older_catalogue(catalog)
    catalog_repo.store_catalog(session, older, source="test: an older version")
    # A run of the older version that also names an offering no catalogue has any more.
    gone = {**english["recommendations"][0], "offering_id": "withdrawn-service",
            "name": "A service since withdrawn", "rank": len(english["recommendations"]) + 1}
    old_run = _add_run(session, profile_id, older.version,
                       {**english, "recommendations": [*english["recommendations"], gone]})

    runs = _runs(client, keys, profile_id, "hi")
    current, previous = runs[english["run_id"]], runs[old_run]
    for ranking in (current, previous):
        names = {r["offering_id"]: r["name"] for r in ranking["recommendations"]}
        for offering_id, name in names.items():
            entry = catalog.get(offering_id)
            if offering_id == "withdrawn-service":
                assert name == "A service since withdrawn"  # as stored: no catalogue knows it
            elif offering_id == "itps" and ranking is previous:
                assert name == OLD_NAME  # the run's own catalogue version
            else:
                assert entry is not None
                assert name == entry.localized("hi").name
        for item in ranking["recommendations"]:
            assert all(DEVANAGARI.search(s) for s in item["reasons"]), item["reasons"]
        itps = next(r for r in ranking["recommendations"] if r["offering_id"] == "itps")
        caveat = next(s for c, s in zip(itps["reason_codes"], itps["reasons"], strict=True)
                      if c["code"] == "caveat")
        entry = catalog.get("itps")
        assert entry is not None
        assert entry.localized("hi").caveats[0].text in caveat
    assert current["recommendations"][0]["reason_codes"] == english["recommendations"][0][
        "reason_codes"]
    # What is stored is not rewritten: English names, as ranked.
    stored = session.get(RecommendationRun, old_run)
    assert stored is not None
    assert {r["name"] for r in stored.ranking["recommendations"]} == {
        r["name"] for r in english["recommendations"]} | {"A service since withdrawn"}


def test_ranking_a_stored_profile_answers_in_the_asked_language(
    client: TestClient, keys: Keys
) -> None:
    profile_id, _ = _stored_profile(client, keys)
    marathi = client.get(f"/v1/profiles/{profile_id}/recommendations?lang=mr",
                         headers=keys.headers("partner")).json()
    for item in marathi["recommendations"]:
        entry = served_catalog().get(item["offering_id"])
        assert entry is not None
        assert item["name"] == entry.localized("mr").name
        assert all(DEVANAGARI.search(s) for s in item["reasons"])


def test_a_run_stored_with_english_caveat_text_is_read_in_marathi(
    client: TestClient, keys: Keys, session: Session,
) -> None:
    """Runs stored before caveats were named by reference carry the English text in their
    codes (and a discontinued service's English replacement): read in Marathi, they quote
    the catalogue's Marathi text, with the codes in today's form."""
    catalog = served_catalog()
    profile_id, english = _stored_profile(client, keys)
    itps_entry = catalog.get("itps")
    packet = catalog.get("registered-small-packet")
    assert itps_entry is not None
    assert packet is not None
    legacy = {"code": "caveat", "params": {"countries": ["US"],
                                           "text": itps_entry.caveats[0].text}}
    recommendations = [
        {**r, "reason_codes": [legacy if c["code"] == "caveat" else c for c in r["reason_codes"]]}
        for r in english["recommendations"]
    ]
    not_eligible = [{"offering_id": "registered-small-packet", "reasons": ["old"],
                     "reason_codes": [{"code": "discontinued", "params": {
                         "since": "2026-01-01", "replacement": packet.next_step}}]}]
    run_id = _add_run(session, profile_id, catalog.version,
                      {**english, "recommendations": recommendations,
                       "not_eligible": not_eligible})
    ranking = _runs(client, keys, profile_id, "mr")[run_id]
    itps = next(r for r in ranking["recommendations"] if r["offering_id"] == "itps")
    index = [c["code"] for c in itps["reason_codes"]].index("caveat")
    assert itps["reason_codes"][index] == {
        "code": "caveat", "params": {"offering": "itps", "caveat": 0, "countries": ["US"]}}
    assert itps_entry.localized("mr").caveats[0].text in itps["reasons"][index]
    excluded = ranking["not_eligible"][0]
    assert excluded["reason_codes"][0]["params"] == {
        "since": "2026-01-01", "offering": "registered-small-packet"}
    step = packet.localized("mr").next_step
    assert step is not None
    assert DEVANAGARI.search(step)
    assert step[1:] in excluded["reasons"][0]


def test_a_run_is_written_again_without_any_catalogue() -> None:
    """Before a catalogue is loaded (and for a version the database lost), a stored run keeps
    its stored names, and its sentences are still written in the asked language; a caveat
    says that conditions apply rather than nothing."""
    from service.offerings.language import stored_answer

    stored = {"recommendations": [{
        "offering_id": "itps", "name": "International Tracked Packet Service (ITPS)",
        "reasons": ["old"], "reason_codes": [
            {"code": "caveat", "params": {"offering": "itps", "caveat": 0, "countries": ["US"]}},
            {"code": "export_bill", "params": {}}],
        "prerequisites": [], "prerequisite_codes": []}], "not_eligible": [], "ask": []}
    hindi = stored_answer(stored, "hi", None, None)
    item = hindi["recommendations"][0]
    assert item["name"] == "International Tracked Packet Service (ITPS)"
    assert all(DEVANAGARI.search(s) for s in item["reasons"])
    assert "शर्तें लागू हैं" in item["reasons"][0]
    assert stored["recommendations"][0]["reasons"] == ["old"]
