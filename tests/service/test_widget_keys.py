"""Widget keys (DESIGN §5): ranking and the catalogue only, and only from the tenant's allowed
origins. The key is public (it sits in a partner's page), so it must open nothing stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.auth import repository as auth_repo
from service.cli import main
from service.db import ApiKey, Role, Tenant, make_engine, make_session_factory
from service.settings import get_settings
from tests.service.conftest import WIDGET_ORIGIN, Keys, make_profile

ELSEWHERE = "https://evil.example"

# The common shape (?limit=N only) and a repeated limit (the last one counts): the widget
# check holds on both.
RANKING_PATHS = ["/v1/recommendations?limit=3", "/v1/recommendations?limit=3&limit=4"]


def _problem(response: Any, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, object] = response.json()
    assert body["status"] == status
    return body


@pytest.mark.parametrize("path", RANKING_PATHS)
def test_widget_key_ranks_from_its_tenants_origin(
    client: TestClient, keys: Keys, path: str
) -> None:
    response = client.post(path, json=make_profile(), headers=keys.headers("widget"))
    assert response.status_code == 200, response.text
    assert response.json()["recommendations"]
    # The browser may read the answer: the tenant's origin is allowed by CORS too.
    assert response.headers["access-control-allow-origin"] == WIDGET_ORIGIN


@pytest.mark.parametrize("path", RANKING_PATHS)
@pytest.mark.parametrize("origin", [ELSEWHERE, None, "https://shop.acme.example.evil.example"])
def test_widget_key_from_another_origin_is_403(
    client: TestClient, keys: Keys, path: str, origin: str | None
) -> None:
    headers = {"X-API-Key": keys.widget, **({"Origin": origin} if origin else {})}
    body = _problem(client.post(path, json=make_profile(), headers=headers), 403)
    assert body["title"] == "Widget key used from an origin not allowed"
    assert "acme" in str(body["detail"])
    assert "allowed origins" in str(body["detail"])


def test_widget_key_reads_the_catalogue_only_from_its_origin(
    client: TestClient, keys: Keys
) -> None:
    for path in ("/v1/offerings", "/v1/offerings/speed-post"):
        assert client.get(path, headers=keys.headers("widget")).status_code == 200
        _problem(client.get(path, headers={"X-API-Key": keys.widget}), 403)
        _problem(client.get(path, headers={"X-API-Key": keys.widget, "Origin": ELSEWHERE}), 403)


def test_a_widget_key_of_another_tenant_does_not_count_on_this_origin(
    client: TestClient, keys: Keys, session: object
) -> None:
    from sqlalchemy.orm import Session

    assert isinstance(session, Session)
    _, other = auth_repo.create_key(session, Role.WIDGET, "globex")
    session.commit()
    headers = {"X-API-Key": other, "Origin": WIDGET_ORIGIN}  # acme's origin, globex's key
    _problem(client.post("/v1/recommendations", json=make_profile(), headers=headers), 403)


def test_widget_key_never_opens_stored_profiles_or_feedback(
    client: TestClient, keys: Keys
) -> None:
    """Even from its own origin, for its own tenant's profile: list, read, change, erase,
    rank-and-store, runs and feedback are all 403 with a detail that says what it may do."""
    created = client.post("/v1/profiles", json=make_profile(), headers=keys.headers("partner"))
    profile_id = created.json()["id"]
    ranking = client.get(
        f"/v1/profiles/{profile_id}/recommendations", headers=keys.headers("partner")
    ).json()
    feedback = {
        "run_id": ranking["run_id"],
        "offering_id": ranking["recommendations"][0]["offering_id"],
        "outcome": "accepted",
    }
    widget = keys.headers("widget")
    calls = [
        ("GET", "/v1/profiles", None),
        ("POST", "/v1/profiles", make_profile()),
        ("GET", f"/v1/profiles/{profile_id}", None),
        ("PATCH", f"/v1/profiles/{profile_id}", {"name": "Changed"}),
        ("DELETE", f"/v1/profiles/{profile_id}", None),
        ("GET", f"/v1/profiles/{profile_id}/recommendations", None),
        ("GET", f"/v1/profiles/{profile_id}/runs", None),
        ("POST", "/v1/feedback", feedback),
    ]
    for method, path, body in calls:
        answer = _problem(client.request(method, path, headers=widget, json=body), 403)
        assert "widget key may only rank profiles" in str(answer["detail"]), path
    # Nothing changed: the partner still reads the profile as stored, with no feedback.
    still = client.get(f"/v1/profiles/{profile_id}", headers=keys.headers("partner"))
    assert still.status_code == 200
    assert still.json()["profile"]["name"] == make_profile()["name"]


def test_partner_keys_keep_working_without_an_origin(client: TestClient, keys: Keys) -> None:
    listed = client.get("/v1/profiles", headers=keys.headers("partner"))
    assert listed.status_code == 200
    ranked = client.post(
        "/v1/recommendations", json=make_profile(), headers=keys.headers("partner")
    )
    assert ranked.status_code == 200


# --- the command line ---------------------------------------------------------------------


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    monkeypatch.delenv("DAKMATCH_DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    assert main(["db", "upgrade"]) == 0
    return url


def _stored(url: str) -> list[tuple[str, str]]:
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        rows = session.execute(
            select(ApiKey.role, Tenant.name).join(Tenant, ApiKey.tenant_id == Tenant.id)
        ).all()
    engine.dispose()
    get_settings.cache_clear()
    return [(role.value, name) for role, name in rows]


def test_cli_creates_a_widget_key(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["keys", "create", "--role", "widget", "--tenant", "wtc-mumbai"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1].startswith("dmk_w_")
    assert "widget key" in out[0]
    assert main(["keys", "create", "--role", "widget"]) == 1
    assert "a widget key needs --tenant" in capsys.readouterr().err
    assert _stored(cli_db) == [("widget", "wtc-mumbai")]


@pytest.mark.parametrize("role", ["partner", "widget"])
@pytest.mark.parametrize("tenant", ["web", "dakmatch"])
def test_cli_refuses_keys_of_built_in_tenants(
    cli_db: str, capsys: pytest.CaptureFixture[str], role: str, tenant: str
) -> None:
    capsys.readouterr()
    assert main(["keys", "create", "--role", role, "--tenant", tenant]) == 1
    captured = capsys.readouterr()
    assert f"tenant {tenant!r} is built in" in captured.err
    assert "dmk_" not in captured.out
    assert _stored(cli_db) == []
    # Officer and admin keys still belong to the operator's tenant.
    assert main(["keys", "create", "--role", "officer"]) == 0
    assert _stored(cli_db) == [("officer", "dakmatch")]


def test_the_migrated_role_check_admits_widget_and_nothing_unknown(session: Any) -> None:
    """Migration 0002 replaced the CHECK constraint of the role columns, not dropped it."""
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    tenant = auth_repo.get_or_create_tenant(session, "check-tenant")
    insert = text(
        "INSERT INTO api_keys (key_hash, prefix, role, tenant_id, created_at) "
        "VALUES (:hash, 'dmk_x', :role, :tenant, CURRENT_TIMESTAMP)"
    )
    with session.begin_nested():
        session.execute(insert, {"hash": "a" * 64, "role": "widget", "tenant": tenant.id})
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(insert, {"hash": "b" * 64, "role": "superuser", "tenant": tenant.id})


@pytest.mark.parametrize("role", [Role.PARTNER, Role.WIDGET])
def test_a_key_of_a_built_in_tenant_made_before_the_rule_is_refused(
    client: TestClient, keys: Keys, session: Any, role: Role
) -> None:
    """A partner key of tenant `web` (made before create_key refused it) would read every
    consenting visitor's profile: it is refused on every request."""
    from service.auth.keys import display_prefix, key_hash, new_secret

    web = auth_repo.get_or_create_tenant(session, "web")
    auth_repo.set_allowed_origins(session, web, [WIDGET_ORIGIN])
    secret = new_secret(role)
    prefix = display_prefix(secret)
    session.add(ApiKey(key_hash=key_hash(secret), prefix=prefix, role=role, tenant_id=web.id))
    session.commit()
    headers = {"X-API-Key": secret, "Origin": WIDGET_ORIGIN}
    for method, path in (("GET", "/v1/profiles"), ("GET", "/v1/offerings")):
        body = _problem(client.request(method, path, headers=headers), 403)
        assert "built-in tenant 'web'" in str(body["detail"])
