"""Concurrent PATCHes of one profile never interleave: the stored state is exactly the result of
one request that succeeded, and the losers are told (409) rather than half-applied."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest

from service.examples import PROFILE_EXAMPLE
from service.profiles.service import merge_patch
from tests.resilience.conftest import Server

pytestmark = pytest.mark.slow

CONCURRENT = 8
ROUNDS = 4


def _patch(i: int) -> dict[str, Any]:
    """Four fields that only ever change together: a mixed state is easy to see."""
    return {
        "name": f"writer {i}",
        "products": f"batch {i} of hand block printed scarves",
        "monthly_domestic_parcels": 100 + i,
        "typical_value_inr": 1000 + i,
    }


def _race(server: Server, profile_id: str, headers: dict[str, str]) -> dict[int, httpx.Response]:
    """Send CONCURRENT different PATCHes released together by a barrier."""
    results: dict[int, httpx.Response] = {}
    barrier = threading.Barrier(CONCURRENT)

    def send(i: int) -> None:
        with httpx.Client(base_url=server.base, timeout=30) as own:
            barrier.wait()
            results[i] = own.patch(
                f"/v1/profiles/{profile_id}",
                json=_patch(i),
                headers={**headers, "Content-Type": "application/merge-patch+json"},
            )

    threads = [threading.Thread(target=send, args=(i,)) for i in range(CONCURRENT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_concurrent_patches_leave_one_requests_result(server: Server, partner_key: str) -> None:
    headers = {"X-API-Key": partner_key}
    with httpx.Client(base_url=server.base, timeout=30) as client:
        created = client.post("/v1/profiles", json=PROFILE_EXAMPLE, headers=headers)
        assert created.status_code == 201, created.text
        profile_id = created.json()["id"]
        version = created.json()["version"]
        wins_total = 0
        for _ in range(ROUNDS):
            before = client.get(f"/v1/profiles/{profile_id}", headers=headers).json()
            results = _race(server, profile_id, headers)

            statuses = {i: r.status_code for i, r in results.items()}
            assert len(statuses) == CONCURRENT
            assert set(statuses.values()) <= {200, 409}, {i: r.text for i, r in results.items()}
            winners = [i for i, s in statuses.items() if s == 200]
            print(f"{len(winners)} of {CONCURRENT} concurrent PATCHes applied, the rest 409")
            assert winners, "no PATCH succeeded"
            wins_total += len(winners)

            final = client.get(f"/v1/profiles/{profile_id}", headers=headers).json()
            candidates = {i: merge_patch(before["profile"], _patch(i)) for i in winners}
            matching = [i for i, body in candidates.items() if body == final["profile"]]
            assert len(matching) == 1, f"final state {final['profile']} is no winner's result"
            # The final state is what the last successful request answered, at its version.
            last = max(winners, key=lambda i: results[i].json()["version"])
            assert matching == [last]
            assert results[last].json()["profile"] == final["profile"]
            assert final["version"] == before["version"] + len(winners)
        assert final["version"] == version + wins_total
