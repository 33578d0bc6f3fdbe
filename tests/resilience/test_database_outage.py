"""The database stopped under a running server: 503 problems with Retry-After and a failing
/readyz while rankings that need no database go on, then recovery without restarting the
server, ready on the first check once the database is back."""

from __future__ import annotations

import time

import httpx
import pytest

from service.examples import PROFILE_EXAMPLE
from tests.resilience.conftest import Postgres, Server

pytestmark = pytest.mark.slow

PROBLEM = "application/problem+json"


def _assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    if status == 503:
        assert int(response.headers["retry-after"]) > 0
    body: dict[str, object] = response.json()
    assert body["status"] == status
    return body


def test_database_outage_answers_503_and_recovers_without_restart(
    postgres: Postgres, server: Server, partner_key: str
) -> None:
    headers = {"X-API-Key": partner_key}
    assert server.process is not None
    pid = server.process.pid
    with httpx.Client(base_url=server.base, timeout=15) as client:
        created = client.post("/v1/profiles", json=PROFILE_EXAMPLE, headers=headers)
        assert created.status_code == 201, created.text
        profile_id = created.json()["id"]

        postgres.stop()
        stopped = time.monotonic()
        try:
            ready = _assert_problem(client.get("/readyz"), 503)
            assert "database" in str(ready["detail"])
            _assert_problem(client.post("/v1/profiles", json=PROFILE_EXAMPLE, headers=headers), 503)
            _assert_problem(client.get(f"/v1/profiles/{profile_id}", headers=headers), 503)
            for path in ("/v1/recommendations", "/v1/recommendations?lang=en"):
                _assert_problem(client.post(path, json=PROFILE_EXAMPLE, headers=headers), 503)
            # Rankings that need no database go on, from a browser page too (the CORS layer
            # reloads the tenants' origins from the database and must not fail the request).
            origin = {"Origin": "https://portal.example.in"}
            for path in ("/v1/recommendations", "/v1/recommendations?lang=en"):
                ranked = client.post(path, json=PROFILE_EXAMPLE, headers=origin)
                assert ranked.status_code == 200, ranked.text
            assert client.get("/v1/offerings", headers=origin).status_code == 200
            # The process itself is alive: liveness stays green, so it is not restarted.
            assert client.get("/healthz").status_code == 200
            # Long enough for the catalogue watcher (every second here) to have seen the outage.
            time.sleep(max(0.0, 2.5 - (time.monotonic() - stopped)))
        finally:
            postgres.start()

        # Ready on the first check once the database is back (it used to wait for the
        # catalogue watcher's next pass: up to DAKMATCH_CATALOG_REFRESH_SECONDS, 30 by default).
        first = client.get("/readyz")
        assert first.status_code == 200, first.text
        assert server.process.poll() is None
        assert server.process.pid == pid
        again = client.post("/v1/profiles", json=PROFILE_EXAMPLE, headers=headers)
        assert again.status_code == 201, again.text
        read = client.get(f"/v1/profiles/{profile_id}", headers=headers)
        assert read.status_code == 200
        assert read.json()["profile"] == PROFILE_EXAMPLE
