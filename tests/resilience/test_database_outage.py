"""The database stopped under a running server: 503 problems and a failing /readyz, then
recovery without restarting the server once the database is back."""

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
        try:
            ready = _assert_problem(client.get("/readyz"), 503)
            assert "database" in str(ready["detail"])
            _assert_problem(client.post("/v1/profiles", json=PROFILE_EXAMPLE, headers=headers), 503)
            _assert_problem(client.get(f"/v1/profiles/{profile_id}", headers=headers), 503)
            # The process itself is alive: liveness stays green, so it is not restarted.
            assert client.get("/healthz").status_code == 200
        finally:
            postgres.start()

        deadline = time.monotonic() + 30
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "the server did not recover within 30 s"
            time.sleep(0.25)
        assert server.process.poll() is None
        assert server.process.pid == pid
        again = client.post("/v1/profiles", json=PROFILE_EXAMPLE, headers=headers)
        assert again.status_code == 201, again.text
        read = client.get(f"/v1/profiles/{profile_id}", headers=headers)
        assert read.status_code == 200
        assert read.json()["profile"] == PROFILE_EXAMPLE
