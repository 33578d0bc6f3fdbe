"""NUL characters and lone surrogates are refused at validation (422, naming the field) wherever
text comes in, and never reach the database or the log (issue 15 item 6)."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from catalog.geo import Geography
from matching import ProfileError, parse_profile
from matching.safe_text import text_problem, unsafe_text_errors
from tests.service.conftest import Keys, make_profile

PHONE = "9876543210"
JSON = {"Content-Type": "application/json"}


def _body(**overrides: Any) -> bytes:
    """A profile as JSON text with escapes kept as written (``\\u0000``, ``\\ud800``)."""
    text = json.dumps(make_profile())[:-1]
    for key, raw in overrides.items():
        text += f', "{key}": {raw}'
    return (text + "}").encode()


def _fields(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return [e["field"] for e in response.json()["errors"]]


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('"call me on ' + PHONE + '\\u0000"', "products"),
        ('"\\ud800x"', "products"),
        ('"x\\uDFFF"', "products"),
    ],
)
@pytest.mark.parametrize("path", ["/v1/recommendations", "/v1/recommendations?lang=en"])
def test_rankings_refuse_nul_and_lone_surrogates(
    client: TestClient, path: str, raw: str, field: str
) -> None:
    body = _body(products=raw)
    assert _fields(client.post(path, content=body, headers=JSON)) == [field]


def test_stored_profiles_refuse_them_by_field_and_store_nothing(
    client: TestClient, keys: Keys, caplog: pytest.LogCaptureFixture
) -> None:
    headers = {**JSON, **keys.headers("partner")}
    caplog.set_level(logging.DEBUG)
    before = client.get("/v1/profiles", headers=headers).json()["total"]
    lone = client.post("/v1/profiles", content=b'{"name": "\\ud800x"}', headers=headers)
    assert _fields(lone) == ["name"]
    assert lone.json()["detail"] == "1 field not valid"
    body = _body(name='"Asha \\u0000 ' + PHONE + '"', needs='["pickup", "\\u0000"]')
    response = client.post("/v1/profiles", content=body, headers=headers)
    assert sorted(_fields(response)) == ["name", "needs.1"]
    assert response.json()["detail"] == "2 fields not valid"
    assert "NUL" in response.json()["errors"][0]["message"]
    keyed = client.post("/v1/profiles", content=b'{"\\u0000": 1}', headers=headers)
    assert _fields(keyed) == ["body"]
    assert client.get("/v1/profiles", headers=headers).json()["total"] == before

    stored = client.post("/v1/profiles", json=make_profile(), headers=headers)
    assert stored.status_code == 201
    patched = client.patch(
        f"/v1/profiles/{stored.json()['id']}",
        content=b'{"products": "bulk \\u0000"}',
        headers=headers,
    )
    assert _fields(patched) == ["products"]
    # A surrogate pair is one real character (an emoji): accepted.
    pair = _body(name='"Asha \\ud83d\\ude00"')
    emoji = client.post("/v1/profiles", content=pair, headers=headers)
    assert emoji.status_code == 201, emoji.text
    assert emoji.json()["profile"]["name"] == "Asha \U0001f600"
    assert PHONE not in caplog.text


def test_feedback_note_with_nul_is_refused_and_not_logged(
    client: TestClient, keys: Keys, caplog: pytest.LogCaptureFixture
) -> None:
    headers = {**JSON, **keys.headers("partner")}
    created = client.post("/v1/profiles", json=make_profile(), headers=headers)
    ranked = client.get(f"/v1/profiles/{created.json()['id']}/recommendations", headers=headers)
    run = ranked.json()
    caplog.set_level(logging.DEBUG)
    note = f"call {PHONE}\\u0000"
    body = (
        f'{{"run_id": "{run["run_id"]}", "offering_id": '
        f'"{run["recommendations"][0]["offering_id"]}", "outcome": "accepted", "note": "{note}"}}'
    )
    assert _fields(client.post("/v1/feedback", content=body.encode(), headers=headers)) == ["note"]
    assert PHONE not in caplog.text


def test_paths_and_queries_refuse_nul(client: TestClient, keys: Keys) -> None:
    headers = keys.headers("partner")
    assert _fields(client.get("/v1/profiles/ab%00cd", headers=headers)) == ["path"]
    assert _fields(client.get("/v1/profiles/ab%00cd/recommendations", headers=headers)) == [
        "path"
    ]
    assert _fields(client.get("/v1/offerings?q=ex%00port")) == ["q"]
    assert _fields(client.get("/v1/profiles?district=Pu%00ne", headers=headers)) == ["district"]
    assert _fields(client.get("/officer?state=%00")) == ["state"]


def test_public_form_shows_a_field_error_and_stores_nothing(
    client: TestClient, keys: Keys
) -> None:
    officer = keys.headers("officer")
    before = client.get("/v1/profiles", headers=officer).json()["total"]
    form = {
        "pincode": "302001",
        "sector": "handicrafts",
        "name": f"Asha\x00{PHONE}",
        "products": "scarves",
        "consent": "yes",
    }
    page = client.post("/results", data=form)
    assert page.status_code == 422
    assert "text/html" in page.headers["content-type"]
    assert "Remove the invisible control character" in page.text
    assert 'href="#name"' in page.text  # the error summary points at the name field
    assert "\x00" not in page.text
    assert client.get("/v1/profiles", headers=officer).json()["total"] == before


def test_officer_sign_in_refuses_nul(client: TestClient) -> None:
    login = client.get("/officer")
    token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
    assert token is not None
    answer = client.post(
        "/officer/login",
        data={"username": "asha\x00", "password": "x", "csrf_token": token.group(1)},
    )
    assert _fields(answer) == ["username"]


def test_profile_validation_refuses_them_for_batch_rows(geography: Geography) -> None:
    row = {**make_profile(), "name": "Asha\x00", "products": "\ud800 scarves"}
    with pytest.raises(ProfileError) as raised:
        parse_profile(row, geography)
    assert [e["field"] for e in raised.value.errors] == ["name", "products"]
    assert all("\x00" not in e["message"] and "\ud800" not in e["message"]
               for e in raised.value.errors)


def test_text_problem_names_the_character_and_passes_real_text() -> None:
    assert text_problem("नमस्ते, Pune 411001 😀") is None
    assert "U+0000" in (text_problem("a\x00") or "")
    assert "U+DC00" in (text_problem("\udc00") or "")
    assert unsafe_text_errors({"a": [{"b": "\x00"}]}) == [
        {"field": "a.0.b", "message": "a.0.b " + (text_problem("\x00") or "")}
    ]
    assert [e["field"] for e in unsafe_text_errors(
        {"ok": 1.5, "k\ud800": "v", "t": ("x", 2, "\udfff"), "n": None})] == ["body", "t.2"]
    assert unsafe_text_errors({"a": ["नमस्ते", 3, True, None], "b": {"c": "😀"}}) == []
