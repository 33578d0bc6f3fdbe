"""The pages through HTTP (TestClient): form, results, consent, languages, officer dashboard."""

from __future__ import annotations

import csv
import io
import re
from typing import Any
from urllib.parse import urlencode

from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.db import Feedback, Profile, Role
from service.web.users import create_user

PASSWORD = "correct horse battery"
FORM: dict[str, Any] = {
    "pincode": "302001",
    "sector": "handicrafts",
    "name": "Sanganer Prints",
    "needs": ["international_shipping", "export_documentation"],
    "destinations": ["US", "Germany"],
    "typical_weight_kg": "1.2",
    "monthly_international_parcels": "40",
    "first_time_exporter": "yes",
}


def _profiles(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Profile)) or 0


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def test_form_inputs_carry_the_profile_field_names(web: TestClient) -> None:
    page = web.get("/")
    assert page.status_code == 200
    names = set(re.findall(r'name="([a-z_]+)"', page.text))
    assert {
        "name", "pincode", "sector", "products", "business_type", "size_class", "udyam_number",
        "gstin", "iec", "sales_channels", "destinations", "monthly_domestic_parcels",
        "monthly_international_parcels", "typical_weight_kg", "typical_value_inr", "needs",
        "first_time_exporter", "rural", "consent",
    } <= names  # fmt: skip
    assert page.text.count('type="checkbox" name="needs"') == 19


def test_results_without_consent_store_nothing(web: TestClient, session: Session) -> None:
    before = _profiles(session)
    page = web.post("/results", data=FORM)
    assert page.status_code == 200
    assert "Jaipur, Rajasthan" in page.text
    assert page.text.count('class="card"') >= 3
    assert "Why it fits" in page.text
    assert "<details" in page.text
    assert _profiles(session) == before


def test_consent_stores_the_profile_with_its_run_under_tenant_web(
    web: TestClient, session: Session
) -> None:
    before = _profiles(session)
    page = web.post("/results", data={**FORM, "consent": "yes"})
    assert page.status_code == 200
    assert "Your answers are saved" in page.text
    assert _profiles(session) == before + 1
    stored = session.scalars(select(Profile).order_by(Profile.created_at.desc())).first()
    assert stored is not None
    assert stored.body["destinations"] == ["US", "DE"]
    assert stored.district == "Jaipur"


def test_failed_submit_keeps_values_and_shows_errors_inline(web: TestClient) -> None:
    page = web.post(
        "/results",
        data={**FORM, "pincode": "99999", "typical_weight_kg": "heavy", "consent": "yes"},
    )
    assert page.status_code == 422
    assert 'id="err-pincode"' in page.text
    assert 'aria-invalid="true"' in page.text
    assert "Enter the 6-digit PIN code" in page.text
    assert page.text.index('href="#pincode"') < page.text.index('href="#typical_weight_kg"')
    assert 'value="99999"' in page.text
    assert 'value="heavy"' in page.text
    assert re.search(r'value="international_shipping" checked', page.text)
    assert re.search(r'name="consent" value="yes" checked', page.text)


def test_language_switch_is_remembered(web: TestClient) -> None:
    hindi = web.get("/?lang=hi")
    assert 'lang="hi"' in hindi.text
    assert "उपयुक्त सेवाएँ दिखाएँ" in hindi.text
    assert web.get("/").text.count("उपयुक्त सेवाएँ दिखाएँ") == 1  # cookie remembered
    marathi = web.post("/results?lang=mr", data=FORM)
    assert "तुमच्या व्यवसायाला जुळणाऱ्या सेवा" in marathi.text
    assert "हस्तकला" in marathi.text
    # The results page switches language by posting the answers again (not in a link).
    switch = r'<button type="submit" formaction="/results\?lang=en" lang="en">'
    assert re.search(switch, marathi.text)
    english = web.post(
        "/results?lang=en",
        content=urlencode(_hidden_fields(marathi.text)),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert english.status_code == 200
    assert "Services that fit your business" in english.text


def _hidden_fields(html: str) -> list[tuple[str, str]]:
    """The hidden inputs of the results page's language form, unescaped."""
    import html as html_lib

    return [
        (name, html_lib.unescape(value))
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html)
    ]


def test_pincode_lookup(web: TestClient) -> None:
    assert web.get("/pincode/411001").json()["district"] == "Pune"
    missing = web.get("/pincode/999999")
    assert missing.status_code == 404
    assert "not in the India Post directory" in missing.json()["error"]


def test_officer_flow_sign_in_outcome_csv_charts(web: TestClient, session: Session) -> None:
    create_user(session, "asha", PASSWORD, Role.OFFICER)
    session.commit()
    web.post("/results", data={**FORM, "consent": "yes"})
    login = web.get("/officer")
    assert "Officer sign-in" in login.text
    wrong = web.post(
        "/officer/login",
        data={"username": "asha", "password": "nope", "csrf_token": form_token(login.text)},
    )
    assert wrong.status_code == 401
    forged = web.post(
        "/officer/login", data={"username": "asha", "password": PASSWORD, "csrf_token": "x"}
    )
    assert forged.status_code == 403
    signed = web.post(
        "/officer/login",
        data={"username": "asha", "password": PASSWORD, "csrf_token": form_token(login.text)},
        follow_redirects=False,
    )
    assert signed.status_code == 303
    queue = web.get("/officer?state=Rajasthan&sector=handicrafts")
    assert "Sanganer Prints" in queue.text
    assert "Sanganer Prints" not in web.get("/officer?state=Goa").text
    profile_id = re.search(r"/officer/profiles/([0-9a-f-]{36})", queue.text).group(1)  # type: ignore[union-attr]
    page = web.get(f"/officer/profiles/{profile_id}")
    run_id = re.search(r'name="run_id" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    offering = re.search(r'name="offering_id" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    data = {"run_id": run_id, "offering_id": offering, "outcome": "enrolled"}
    assert web.post(f"/officer/profiles/{profile_id}/outcomes", data=data).status_code == 403
    done = web.post(
        f"/officer/profiles/{profile_id}/outcomes",
        data={**data, "csrf_token": form_token(page.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert (
        session.scalar(select(func.count()).select_from(Feedback).where(Feedback.run_id == run_id))
        == 1
    )
    bad = web.post(
        f"/officer/profiles/{profile_id}/outcomes",
        data={**data, "offering_id": "not-suggested", "csrf_token": form_token(page.text)},
    )
    assert bad.status_code == 422
    assert "&#39;not-suggested&#39; was not suggested in this list" in bad.text
    hindi = web.post(
        f"/officer/profiles/{profile_id}/outcomes?lang=hi",
        data={**data, "offering_id": "not-suggested", "csrf_token": form_token(page.text)},
    )
    assert hindi.status_code == 422
    assert "इस सूची में &#39;not-suggested&#39; का सुझाव नहीं दिया गया था" in hindi.text
    web.cookies.delete("dakmatch_lang")
    missing = web.post("/officer/profiles/no-such-id/rank?lang=mr",
                       data={"csrf_token": form_token(page.text)})
    assert missing.status_code == 404
    assert "no-such-id आयडी असलेली कोणतीही जतन केलेली प्रोफाइल नाही." in missing.text
    web.cookies.delete("dakmatch_lang")
    assert "Sanganer Prints" in web.get("/officer?outcome=enrolled").text
    assert "Sanganer Prints" not in web.get("/officer?outcome=none").text
    exported = web.get("/officer/export.csv?state=Rajasthan")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    mine = [r for r in rows if r["profile_id"] == profile_id]
    assert mine
    assert mine[0]["suggestion_1"]
    assert f"{offering}=enrolled" in mine[0]["outcomes"]
    charts = web.get("/officer/charts")
    assert charts.text.count("<svg") == 3
    assert "100% (1/1)" in charts.text


def test_dashboard_needs_a_session(web: TestClient) -> None:
    assert web.get("/officer/charts", follow_redirects=False).status_code == 303
    assert web.get("/officer/export.csv", follow_redirects=False).status_code == 303
    web.cookies.set("dakmatch_officer", "forged.value", domain="localhost", path="/officer")
    assert "Officer sign-in" in web.get("/officer").text


def test_widget_script_and_docs(web: TestClient) -> None:
    script = web.get("/embed.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert "attachShadow" in script.text
    assert "X-API-Key" in script.text
    docs = web.get("/docs/embed")
    assert 'data-key="YOUR_WIDGET_KEY"' in docs.text
    assert "--role widget" in docs.text
    assert "--role partner" not in docs.text
    assert '<script src="/embed.js">' in docs.text


def test_officer_ranks_a_partner_profile_that_has_no_run(
    web: TestClient, session: Session, keys: Any
) -> None:
    create_user(session, "ravi", PASSWORD, Role.OFFICER)
    session.commit()
    body = {"name": "Kolhapur Chappals", "pincode": "416001", "sector": "leather_footwear",
            "products": "Kolhapuri chappals, we sell on Amazon"}
    created = web.post("/v1/profiles", json=body, headers={"X-API-Key": keys.partner})
    assert created.status_code == 201
    profile_id = created.json()["id"]
    login = web.get("/officer")
    web.post(
        "/officer/login",
        data={"username": "ravi", "password": PASSWORD, "csrf_token": form_token(login.text)},
    )
    page = web.get(f"/officer/profiles/{profile_id}")
    assert "No suggestions stored" in page.text
    assert web.post(f"/officer/profiles/{profile_id}/rank").status_code == 403  # no CSRF token
    ranked = web.post(f"/officer/profiles/{profile_id}/rank",
                      data={"csrf_token": form_token(page.text)})
    assert ranked.status_code == 200
    assert ranked.text.count('class="card"') >= 1
    assert 'name="outcome" value="accepted"' in ranked.text


def _card(html: str, offering_id: str) -> str:
    pattern = (
        rf'<li class="card" id="offering-{offering_id}">(.*?)</li>\s*(?=<li class="card"|</ol>)'
    )
    found = re.search(pattern, html, re.S)
    assert found, f"no card for {offering_id}"
    return found.group(1)


def _html(text: str) -> str:
    return str(escape(text))


def test_cards_show_description_date_doubts_and_official_sources(web: TestClient) -> None:
    from catalog import load_catalog

    catalog = load_catalog()
    page = web.post("/results?lang=en", data=FORM)
    ids = re.findall(r'id="offering-([a-z0-9-]+)"', page.text)
    assert ids
    for offering_id in ids:
        offering = catalog.get(offering_id)
        assert offering is not None
        card = _card(page.text, offering_id)
        assert _html(offering.description) in card
        assert f'<time datetime="{offering.as_of.isoformat()}">' in card
        assert "(see uncertain)" not in card
        for doubt in offering.doubts:
            assert _html(doubt) in card, offering_id
        for note in offering.uncertain:  # the researcher's notes never reach the page
            assert _html(note) not in card, offering_id
        if offering.official_sources:
            assert "(official)" in card
            assert "No official page was found" not in card
        else:
            assert "No official page was found for this service" in card


def test_cards_speak_hindi_and_marathi_with_the_catalogues_own_text(web: TestClient) -> None:
    from catalog import load_catalog

    catalog = load_catalog()
    for lang, heading in (("hi", "तय करने से पहले जाँच लें"), ("mr", "निर्णय घेण्यापूर्वी तपासा")):
        page = web.post(f"/results?lang={lang}", data=FORM)
        ids = re.findall(r'id="offering-([a-z0-9-]+)"', page.text)
        assert ids
        for offering_id in ids:
            english = catalog.get(offering_id)
            assert english is not None
            local = english.localized(lang)
            card = _card(page.text, offering_id)
            assert _html(local.name) in card
            assert _html(local.description) in card
            assert _html(english.description) not in card
            if local.next_step:
                assert _html(local.next_step) in card
            if english.doubts:
                assert heading in card
        assert "डाक घर निर्यात केंद्र (DNK)" in page.text  # India Post's own name for it


def _sign_in(web: TestClient, username: str) -> None:
    login = web.get("/officer")
    signed = web.post(
        "/officer/login",
        data={"username": username, "password": PASSWORD, "csrf_token": form_token(login.text)},
        follow_redirects=False,
    )
    assert signed.status_code == 303


def test_admins_see_the_facts_to_recheck_officers_do_not(
    web: TestClient, session: Session
) -> None:
    import datetime as dt

    from catalog import load_catalog
    from catalog.rules import stale

    create_user(session, "meera", PASSWORD, Role.ADMIN)
    create_user(session, "ravi", PASSWORD, Role.OFFICER)
    session.commit()
    _sign_in(web, "ravi")
    assert "/officer/catalogue" not in web.get("/officer").text
    refused = web.get("/officer/catalogue")
    assert refused.status_code == 403
    assert "Only catalogue administrators" in refused.text
    web.cookies.clear()
    _sign_in(web, "meera")
    assert 'href="/officer/catalogue"' in web.get("/officer").text
    page = web.get("/officer/catalogue?days=365")
    assert page.status_code == 200
    expected = stale(load_catalog(), days=365, today=dt.date.today())
    assert expected, "the packaged catalogue has facts older than a year"
    listed = re.findall(r'<tr id="stale-([a-z0-9-]+)">', page.text)
    assert listed == [o.id for o in expected]
    assert str(expected[0].source_urls[0]) in page.text
    assert f"{len(expected)} of " in page.text
    assert "active offerings have facts older than 365 days." in page.text
    assert re.search(r"active offerings (has|have) facts older than 36,500 days\.",
                     web.get("/officer/catalogue?days=36500").text)
    assert "older than 1 day." in web.get("/officer/catalogue?days=1").text
    hindi = web.get("/officer/catalogue?days=36500&lang=hi").text
    assert "की जानकारी 36,500 दिन से पुरानी है।" in hindi
    assert re.findall(r'<tr id="stale-', web.get("/officer/catalogue?days=36500").text) == []
    assert web.get("/officer/catalogue?days=-1").status_code == 422


def test_a_us_caveat_on_a_card_is_in_the_visitors_language(web: TestClient) -> None:
    from catalog import load_catalog

    catalog = load_catalog()
    for lang in ("hi", "mr"):
        page = web.post(f"/results?lang={lang}", data=FORM)
        for offering_id in ("itps", "ems", "dnk"):
            if f'id="offering-{offering_id}"' not in page.text:
                continue
            offering = catalog.get(offering_id)
            assert offering is not None
            card = _card(page.text, offering_id)
            assert _html(offering.localized(lang).caveats[0].text) in card
            assert _html(offering.caveats[0].text) not in card
            break
        else:
            raise AssertionError("no US-bound postal product among the cards")


def test_officer_page_names_offerings_from_the_runs_catalogue_version(
    web: TestClient, session: Session
) -> None:
    """A run is shown with the catalogue version it was ranked with (its Hindi names), not
    with whatever the catalogue says today."""
    import uuid

    from catalog import Catalog, load_catalog
    from service.offerings import repository as catalog_repo
    from service.profiles import repository as profiles_repo

    create_user(session, "asha", PASSWORD, Role.OFFICER)
    session.commit()
    web.post("/results", data={**FORM, "consent": "yes"})
    _sign_in(web, "asha")
    queue = web.get("/officer?state=Rajasthan")
    profile_id = re.search(r"/officer/profiles/([0-9a-f-]{36})", queue.text).group(1)  # type: ignore[union-attr]
    found = profiles_repo.profile_with_newest_run(session, profile_id)
    assert found is not None
    run = found[2]
    assert run is not None
    first = run.ranking["recommendations"][0]["offering_id"]
    catalog = load_catalog()
    entry = catalog.get(first)
    assert entry is not None
    old_name = "पुराने सूचीपत्र का नाम"
    changed = entry.model_copy(update={"i18n": {
        **entry.i18n, "hi": entry.i18n["hi"].model_copy(update={"name": old_name})}})
    older = Catalog(offerings=tuple(changed if o.id == first else o for o in catalog.offerings),
                    version="older-version-of-the-page-test")
    catalog_repo.store_catalog(session, older, source="test: an older version")
    run_id = str(uuid.uuid4())
    profiles_repo.add_run(session, run_id=run_id, profile_id=profile_id,
                          catalog_version=older.version, model_version="m",
                          ranking={**run.ranking, "run_id": run_id}, items=())
    session.commit()
    page = web.get(f"/officer/profiles/{profile_id}?lang=hi")
    assert run_id in page.text  # the newest run is the one shown
    assert old_name in _card(page.text, first)
    assert _html(entry.localized("hi").name) not in _card(page.text, first)


def test_the_queue_counts_profiles_with_plurals(web: TestClient, session: Session) -> None:
    create_user(session, "asha", PASSWORD, Role.OFFICER)
    session.commit()
    _sign_in(web, "asha")
    before = web.get("/officer?state=Rajasthan&lang=en").text
    assert '<p role="status" id="found">0 profiles found</p>' in before
    web.post("/results", data={**FORM, "consent": "yes"})
    one = web.get("/officer?state=Rajasthan&lang=en").text
    assert '<p role="status" id="found">1 profile found</p>' in one
    web.post("/results", data={**FORM, "name": "Second", "consent": "yes"})
    assert '<p role="status" id="found">2 profiles found</p>' in web.get(
        "/officer?state=Rajasthan&lang=en").text
    assert '<p role="status" id="found">2 प्रोफ़ाइलें मिलीं</p>' in web.get(
        "/officer?state=Rajasthan&lang=hi").text
    assert '<p role="status" id="found">2 प्रोफाइल सापडल्या</p>' in web.get(
        "/officer?state=Rajasthan&lang=mr").text
