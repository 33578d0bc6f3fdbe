"""Body size (413), content type (415), rate limits (429), CORS per tenant, metrics, logs."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from service.auth import repository as auth_repo
from service.logs import JsonFormatter
from tests.service.conftest import Keys, make_profile

PROBLEM = "application/problem+json"


def test_body_over_the_limit_is_413(make_app: Callable[..., FastAPI], keys: Keys) -> None:
    with TestClient(make_app(max_body_bytes=2048)) as client:
        big = make_profile(products="x" * 3000)
        response = client.post("/v1/recommendations", json=big)
        assert response.status_code == 413
        assert response.headers["content-type"] == PROBLEM
        assert "2048" in response.json()["detail"]
        # Without Content-Length (chunked), the limit still holds.
        chunks = iter([b'{"products": "', b"y" * 3000, b'"}'])
        streamed = client.post(
            "/v1/profiles",
            content=chunks,
            headers={**keys.headers("partner"), "Content-Type": "application/json"},
        )
        assert streamed.status_code == 413


def test_non_json_body_is_415(client: TestClient) -> None:
    response = client.post(
        "/v1/recommendations", content=b"pincode=302001", headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    assert response.headers["content-type"] == PROBLEM
    form = client.post("/v1/recommendations", data={"pincode": "302001"})
    assert form.status_code == 415


def test_per_ip_limit_is_429_with_retry_after(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(rate_limit_per_ip=3, rate_limit_window_seconds=3600)
    with TestClient(app) as client:
        statuses = [client.get("/v1/offerings/dnk").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = client.get("/v1/offerings")
        assert limited.status_code == 429
        assert limited.headers["content-type"] == PROBLEM
        assert 1 <= int(limited.headers["retry-after"]) <= 3600
        assert client.get("/healthz").status_code == 200  # probes are never limited


def test_per_key_limit_counts_each_key(make_app: Callable[..., FastAPI], keys: Keys) -> None:
    app = make_app(rate_limit_per_key=2, rate_limit_per_ip=0, rate_limit_window_seconds=3600)
    with TestClient(app) as client:
        partner = [
            client.get("/v1/offerings/dnk", headers=keys.headers("partner")) for _ in range(3)
        ]
        assert [r.status_code for r in partner] == [200, 200, 429]
        assert "retry-after" in partner[-1].headers
        other = client.get("/v1/offerings/dnk", headers=keys.headers("other_partner"))
        assert other.status_code == 200


def test_cors_allow_list_per_tenant(
    make_app: Callable[..., FastAPI], keys: Keys, session: Session
) -> None:
    acme = auth_repo.find_tenant(session, "acme")
    assert acme is not None
    auth_repo.set_allowed_origins(session, acme, ["https://portal.acme.example"])
    session.commit()
    origin = {"Origin": "https://portal.acme.example"}
    with TestClient(make_app()) as client:
        preflight = client.options(
            "/v1/profiles",
            headers={
                **origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "X-API-Key, Content-Type",
            },
        )
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == origin["Origin"]
        assert "X-API-Key" in preflight.headers["access-control-allow-headers"]
        stranger = client.options(
            "/v1/profiles",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert stranger.status_code == 403
        assert "access-control-allow-origin" not in stranger.headers
        own = client.get("/v1/profiles", headers={**origin, **keys.headers("partner")})
        assert own.headers["access-control-allow-origin"] == origin["Origin"]
        assert "Location" in own.headers["access-control-expose-headers"]
        # globex's key used from acme's portal: the browser gets no CORS permission.
        other = client.get("/v1/profiles", headers={**origin, **keys.headers("other_partner")})
        assert other.status_code == 200
        assert "access-control-allow-origin" not in other.headers
        anonymous = client.get("/v1/offerings", headers=origin)
        assert anonymous.headers["access-control-allow-origin"] == origin["Origin"]
        no_origin = client.get("/v1/offerings")
        assert "access-control-allow-origin" not in no_origin.headers


def test_metrics_per_route_template(client: TestClient, keys: Keys) -> None:
    client.get("/v1/offerings/dnk")
    client.get("/v1/offerings/no-such")
    client.post("/v1/recommendations", json=make_profile())
    text = client.get("/metrics", headers=keys.headers("admin")).text
    assert (
        'dakmatch_http_requests_total{method="GET",route="/v1/offerings/{offering_id}",status="404"}'
        in text
    )
    assert 'route="/v1/offerings/dnk"' not in text  # templates, not raw paths
    assert "dakmatch_http_request_duration_seconds_bucket" in text
    count_line = next(
        line
        for line in text.splitlines()
        if line.startswith("dakmatch_ranking_duration_seconds_count")
    )
    assert float(count_line.split()[-1]) >= 1
    listing = client.get("/v1/offerings").json()
    version, count = listing["catalog_version"], listing["count"]
    assert f'dakmatch_catalog_info{{offerings="{count}",version="{version}"}} 1.0' in text


def test_logs_are_json_with_request_id_and_no_personal_data(
    client: TestClient, keys: Keys, caplog: pytest.LogCaptureFixture
) -> None:
    secret_name = "Kamala Devi Handlooms 9876543210"
    gstin = "27AAPFU0939F1ZV"
    with caplog.at_level(logging.INFO):
        response = client.post(
            "/v1/profiles",
            json=make_profile(name=secret_name, products=f"sarees; GSTIN {gstin}"),
            headers={**keys.headers("partner"), "X-Request-ID": "req-abc-123"},
        )
        client.get(f"/v1/profiles/{response.json()['id']}", headers=keys.headers("partner"))
    assert response.headers["x-request-id"] == "req-abc-123"
    formatter = JsonFormatter()
    # Everything the server side logged (the test client's own httpx2 lines are not the app's).
    lines = [formatter.format(r) for r in caplog.records if not r.name.startswith("httpx")]
    access = [json.loads(line) for line in lines if '"msg": "request"' in line]
    assert access[0]["request_id"] == "req-abc-123"
    assert access[0]["route"] == "/v1/profiles"
    assert access[0]["status"] == 201
    assert access[1]["route"] == "/v1/profiles/{profile_id}"
    everything = "\n".join(lines)
    for personal in (secret_name, "9876543210", gstin, response.json()["id"]):
        assert personal not in everything
