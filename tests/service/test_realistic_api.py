"""Profiles as enterprises really send them, through the API and the results page (issue 17)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

REC = "/v1/recommendations"


@pytest.mark.parametrize(
    "body",
    [
        {"pincode": "302001", "sector": "handicrafts", "needs": ["international_shipping"]},
        {"pincode": "422001", "sector": "agri_produce", "business_type": "fpo",
         "typical_weight_kg": 3000},
        {"pincode": "395002", "sector": "handloom_textiles", "typical_weight_kg": 5000},
        {"pincode": "560001", "sector": "other", "products": "two partners, need life cover"},
        {"pincode": "226001", "sector": "handicrafts",
         "products": "चिकनकारी कुर्ते, हम विदेश भेजना चाहते हैं, Instagram pe bechte hai"},
        {"pincode": "400001", "sector": "food_spices"},
    ],
)
def test_realistic_profiles_are_ranked_not_refused(
    client: TestClient, body: dict[str, Any]
) -> None:
    response = client.post(REC, json=body)
    assert response.status_code == 200, response.text
    payload = response.json()
    assert len(payload["ask"]) <= 3
    assert all(set(item) == {"field", "why", "code"} for item in payload["ask"])


def test_fewer_items_than_the_limit_and_the_questions(client: TestClient) -> None:
    payload = client.post(REC + "?limit=10", json={
        "pincode": "560001", "sector": "other", "needs": ["life_cover"]}).json()
    assert [r["offering_id"] for r in payload["recommendations"]] == ["pli",
                                                                       "ippb-accident-cover"]
    vague = client.post(REC, json={"pincode": "400001", "sector": "food_spices"}).json()
    assert vague["ask"]
    assert len(vague["recommendations"]) < 10


def test_questions_in_the_language_asked_for(client: TestClient) -> None:
    body = {"pincode": "400001", "sector": "food_spices"}
    english = client.post(REC, json=body).json()["ask"]
    hindi = client.post(REC + "?lang=hi", json=body).json()["ask"]
    assert [a["field"] for a in hindi] == [a["field"] for a in english]


def test_results_page_says_fewer_and_asks(client: TestClient) -> None:
    page = client.post("/results", data={"pincode": "560001", "sector": "other",
                                          "needs": "life_cover", "lang": "hi"})
    assert page.status_code == 200
    assert 'id="fewer"' in page.text
    vague = client.post("/results?lang=mr", data={"pincode": "400001", "sector": "food_spices"})
    assert vague.status_code == 200
    assert 'id="ask"' in vague.text
    assert "अधिक चांगल्या उत्तरासाठी" in vague.text
