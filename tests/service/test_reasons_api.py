"""Reasons through the API: codes with parameters beside sentences in the asked language
(``?lang=`` wins over ``Accept-Language``; unknown: English), and the codes listed in /docs."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from matching.reasons import CODES, Reason
from service.reasons import render
from tests.service.conftest import Keys, make_profile, served_catalog

REC = "/v1/recommendations"
DEVANAGARI = re.compile(r"[\u0900-\u097F]")
# A profile whose answer has reasons, prerequisites and not-eligible entries of many kinds.
PROFILE = make_profile(pincode="302001", sector="handicrafts", needs=["international_shipping"],
                       destinations=["US", "DE"], typical_weight_kg=5,
                       monthly_international_parcels=40, typical_value_inr=150000)


def _sentences(answer: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for item in answer["recommendations"]:
        out += item["reasons"] + item["prerequisites"]
    for item in answer["not_eligible"]:
        out += item["reasons"]
    return out


def _codes(answer: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in answer["recommendations"]:
        out += item["reason_codes"] + item["prerequisite_codes"]
    for item in answer["not_eligible"]:
        out += item["reason_codes"]
    return out


def test_english_answer_has_codes_and_their_sentences(client: TestClient) -> None:
    response = client.post(REC, json=PROFILE)
    assert response.status_code == 200, response.text
    assert response.headers["content-language"] == "en"
    answer = response.json()
    assert answer["ask"] == []
    assert answer["not_eligible"], "the 5 kg profile excludes ITPS"
    for item in answer["recommendations"]:
        assert len(item["reasons"]) == len(item["reason_codes"]) > 0
        assert len(item["prerequisites"]) == len(item["prerequisite_codes"])
        for code, sentence in zip(item["reason_codes"], item["reasons"], strict=True):
            assert render(Reason.from_json(code), "en", served_catalog()) == sentence
    itps = next(n for n in answer["not_eligible"] if n["offering_id"] == "itps")
    assert {"code": "over_max_weight", "params": {"weight_kg": 5.0, "max_kg": 2.0}} in itps[
        "reason_codes"]
    assert "typical parcel 5 kg is over the 2 kg limit" in itps["reasons"]
    for code in _codes(answer):
        assert code["code"] in CODES
        assert tuple(code["params"]) == CODES[code["code"]]
    assert not any(DEVANAGARI.search(s) for s in _sentences(answer))


@pytest.mark.parametrize(
    ("query", "header", "expected"),
    [
        ("", "hi", "hi"),
        ("", "mr-IN,mr;q=0.9,en;q=0.8", "mr"),
        ("", "en-GB,en;q=0.9", "en"),
        ("?lang=mr", "hi", "mr"),  # ?lang= wins
        ("?lang=hi", None, "hi"),
        ("?lang=en", "hi", "en"),
        ("?lang=fr", None, "en"),  # unknown: English
        ("", "fr-FR,de;q=0.5", "en"),
        ("?lang=xx", "mr", "mr"),  # an unknown ?lang= is no choice: the header decides
    ],
)
def test_language_of_the_answer(
    client: TestClient, query: str, header: str | None, expected: str
) -> None:
    headers = {"Accept-Language": header} if header else {}
    response = client.post(REC + query, json=PROFILE, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-language"] == expected
    assert "Accept-Language" in response.headers["vary"]
    answer = response.json()
    sentences = _sentences(answer)
    if expected == "en":
        assert not any(DEVANAGARI.search(s) for s in sentences)
    else:
        # Every sentence is in the language (places and catalogue prose stay as they are,
        # but each sentence has its template's words)
        assert all(DEVANAGARI.search(s) for s in sentences), [
            s for s in sentences if not DEVANAGARI.search(s)]
    english = client.post(REC, json=PROFILE).json()
    assert _codes(answer) == _codes(english)  # the codes do not depend on the language
    for item in answer["recommendations"]:
        for code, sentence in zip(item["reason_codes"], item["reasons"], strict=True):
            assert render(Reason.from_json(code), expected, served_catalog()) == sentence


def test_hindi_and_marathi_sentences_of_a_known_rule(client: TestClient) -> None:
    hindi = client.post(REC, json=PROFILE, headers={"Accept-Language": "hi-IN"}).json()
    itps = next(n for n in hindi["not_eligible"] if n["offering_id"] == "itps")
    assert "आम पार्सल 5 किग्रा है, जो 2 किग्रा की सीमा से अधिक है" in itps["reasons"]
    marathi = client.post(REC + "?lang=mr", json=PROFILE).json()
    itps = next(n for n in marathi["not_eligible"] if n["offering_id"] == "itps")
    assert "नेहमीचे पार्सल 5 किलो आहे, जे 2 किलोच्या मर्यादेपेक्षा जास्त आहे" in itps["reasons"]


def test_stored_runs_are_written_in_the_asked_language(client: TestClient, keys: Keys) -> None:
    headers = keys.headers("partner")
    created = client.post("/v1/profiles", json=PROFILE, headers=headers).json()
    ranked = client.get(f"/v1/profiles/{created['id']}/recommendations?lang=hi",
                        headers=headers)
    assert ranked.status_code == 200, ranked.text
    assert ranked.headers["content-language"] == "hi"
    assert all(DEVANAGARI.search(s) for s in _sentences(ranked.json()))
    runs = client.get(f"/v1/profiles/{created['id']}/runs",
                      headers={**headers, "Accept-Language": "en"}).json()
    stored = runs["items"][0]["ranking"]
    assert _codes(stored) == _codes(ranked.json())
    assert not any(DEVANAGARI.search(s) for s in _sentences(stored))
    marathi = client.get(f"/v1/profiles/{created['id']}/runs?lang=mr", headers=headers).json()
    assert all(DEVANAGARI.search(s) for s in _sentences(marathi["items"][0]["ranking"]))


def test_openapi_lists_every_code_with_an_english_example(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    operation = spec["paths"][REC]["post"]
    text = operation["description"]
    for code in CODES:
        assert f"| `{code}` |" in text, code
    assert "typical parcel 5 kg is over the 2 kg limit" in text
    assert any(p["name"] == "lang" and p["in"] == "query" for p in operation["parameters"])


# Parameters that carry names (of places, states) or the enterprise's own words, not prose.
NAME_PARAMS = frozenset({"place", "district", "state", "regions", "words"})


def _prose(value: Any) -> list[str]:
    """The strings among a code's parameter values (nested causes included, names left out)
    that read as a sentence: four words or more."""
    if isinstance(value, dict):
        if "code" in value and "params" in value:
            return _prose(value["params"])
        return [s for k, v in value.items() if k not in NAME_PARAMS for s in _prose(v)]
    if isinstance(value, list):
        return [s for v in value for s in _prose(v)]
    if isinstance(value, str) and len(value.split()) >= 4:
        return [value]
    return []


def test_codes_carry_no_catalogue_prose_and_caveats_come_in_the_asked_language(
    client: TestClient,
) -> None:
    """Issue 18: a caveat names the catalogue's warning (offering and index); its sentence
    quotes the warning in the asked language, and no parameter carries an English sentence."""
    catalog = served_catalog()
    english = client.post(REC, json=PROFILE).json()
    caveats = [(item["offering_id"], code) for item in english["recommendations"]
               for code in item["reason_codes"] if code["code"] == "caveat"]
    assert caveats, "a US-bound profile hears of the US duty"
    for offering_id, code in caveats:
        assert code["params"]["offering"] == offering_id
        assert "text" not in code["params"]
    for lang in ("en", "hi", "mr"):
        answer = client.post(f"{REC}?lang={lang}", json=PROFILE).json()
        assert _codes(answer) == _codes(english)
        for code in _codes(answer):
            assert not _prose(code), code
        for item in answer["recommendations"]:
            offering = catalog.get(item["offering_id"])
            assert offering is not None
            local = offering.localized(lang)
            for code, sentence in zip(item["reason_codes"], item["reasons"], strict=True):
                if code["code"] == "caveat":
                    index = code["params"]["caveat"]
                    assert local.caveats[index].text in sentence
                    if lang != "en":
                        assert offering.caveats[index].text not in sentence


def test_a_discontinued_service_names_its_replacement_in_the_asked_language(
    client: TestClient,
) -> None:
    profile = make_profile(pincode="110001", sector="books_printing", typical_weight_kg=1,
                           products="books and magazines by book packet",
                           needs=["domestic_shipping"])
    for lang in ("en", "hi"):
        answer = client.post(f"{REC}?lang={lang}&limit=50", json=profile).json()
        book = next(n for n in answer["not_eligible"] if n["offering_id"] == "book-packet")
        assert book["reason_codes"][0] == {
            "code": "discontinued", "params": {"since": "2024-12-18", "offering": "book-packet"}}
        entry = served_catalog().get("book-packet")
        assert entry is not None
        step = entry.localized(lang).next_step
        assert step is not None
        assert step[1:] in book["reasons"][0]
        if lang == "hi":
            assert DEVANAGARI.search(step)


def test_openapi_explains_the_codes_that_name_catalogue_text(client: TestClient) -> None:
    text = client.get("/openapi.json").json()["paths"][REC]["post"]["description"]
    assert "| `caveat` | `offering`, `caveat`, `countries` |" in text
    assert "| `discontinued` | `since`, `offering` |" in text
    assert "Parameters carry no sentences." in text


def test_a_doubtful_limit_is_said_in_the_asked_language_never_excluding(
    client: TestClient,
) -> None:
    """Issue 18: doubtful limits (EMS 35 kg, Rail Post's 100 kg floor) keep the offering and say
    the doubt, with its figure, in the asked language."""
    profiles = {
        "ems": make_profile(destinations=["AE"], typical_weight_kg=40),
        "rail-post-gati-shakti": make_profile(
            pincode="411001", sector="engineering_goods", destinations=None,
            needs=["bulk_freight"], typical_weight_kg=50, monthly_domestic_parcels=10,
            monthly_international_parcels=None),
    }
    expected = {"ems": {"limit": "max_weight_kg", "limit_value": 35.0, "value": 40.0},
                "rail-post-gati-shakti": {"limit": "min_weight_kg", "limit_value": 100.0,
                                          "value": 50.0}}
    for offering_id, profile in profiles.items():
        for lang in ("en", "hi", "mr"):
            answer = client.post(f"{REC}?lang={lang}&limit=50", json=profile).json()
            assert offering_id not in {n["offering_id"] for n in answer["not_eligible"]}
            item = next(r for r in answer["recommendations"] if r["offering_id"] == offering_id)
            index = next(i for i, c in enumerate(item["reason_codes"])
                         if c["code"] == "unconfirmed_limit")
            assert item["reason_codes"][index]["params"] == expected[offering_id]
            sentence = item["reasons"][index]
            assert {"ems": "35", "rail-post-gati-shakti": "100"}[offering_id] in sentence
            if lang == "en":
                assert "confirm it before you book" in sentence
            else:
                assert DEVANAGARI.search(sentence), sentence
                assert "secondary" not in sentence
