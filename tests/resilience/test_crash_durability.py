"""SIGKILL during a burst of concurrent profile writes loses no acknowledged write."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from service.examples import PROFILE_EXAMPLE
from tests.resilience.conftest import Postgres, Server

pytestmark = pytest.mark.slow

WRITERS = 8


def _stored_ids(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {str(row[0]) for row in conn.execute(text("SELECT id FROM profiles"))}
    finally:
        engine.dispose()


def test_sigkill_during_write_burst_loses_no_acknowledged_profile(
    postgres: Postgres, environment: dict[str, str], partner_key: str, tmp_path: Path
) -> None:
    before = _stored_ids(postgres.url)
    server = Server(environment, tmp_path)
    server.start()
    acknowledged: list[str] = []
    attempts = [0] * WRITERS
    interrupted = [False] * WRITERS
    lock = threading.Lock()

    def write(n: int) -> None:
        headers = {"X-API-Key": partner_key}
        with httpx.Client(base_url=server.base, timeout=10) as client:
            while True:
                attempts[n] += 1
                body = {**PROFILE_EXAMPLE, "name": f"burst {n}-{attempts[n]}"}
                try:
                    response = client.post("/v1/profiles", json=body, headers=headers)
                except httpx.HTTPError:
                    interrupted[n] = True  # the server died under this request
                    return
                assert response.status_code == 201, response.text
                with lock:
                    acknowledged.append(response.json()["id"])

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    try:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while len(acknowledged) < 100:
            assert time.monotonic() < deadline, f"only {len(acknowledged)} writes in 30 s"
            time.sleep(0.01)
        server.kill()
    finally:
        server.kill()
        for thread in threads:
            thread.join(timeout=30)
    assert all(interrupted), "every writer was still writing when the server was killed"

    restarted = Server(environment, tmp_path)
    restarted.start()
    try:
        written = _stored_ids(postgres.url) - before
        missing = set(acknowledged) - written
        print(f"acknowledged {len(acknowledged)}, stored {len(written)}")
        assert missing == set(), f"{len(missing)} acknowledged profiles lost"
        # At most the requests in flight at the kill were stored without an answer.
        assert len(written) - len(acknowledged) <= WRITERS
        with httpx.Client(base_url=restarted.base, timeout=10) as client:
            for profile_id in acknowledged[-20:]:
                read = client.get(f"/v1/profiles/{profile_id}", headers={"X-API-Key": partner_key})
                assert read.status_code == 200, read.text
    finally:
        restarted.stop()
