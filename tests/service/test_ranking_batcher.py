"""The ranking batcher: requests waiting together are ranked as one batch, and each still gets
exactly the answer it gets alone."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient

from matching import Ranker, Ranking, parse_profile, ranking_payload
from service.errors import InvalidInput, NotReady
from service.reasons import renderer
from service.recommendations.batcher import RankingBatcher, encode_body
from service.runtime import ServedCatalog
from tests.service.conftest import make_profile

BODIES = [
    make_profile(),
    make_profile(pincode="400001", sector="gems_jewellery", destinations=["AE", "US"],
                 typical_value_inr=60000, needs=["shipment_insurance"], name=None),
    make_profile(pincode="221001", sector="handloom_textiles", destinations=None,
                 sales_channels=["amazon"], monthly_domestic_parcels=120,
                 monthly_international_parcels=None, needs=["cash_on_delivery", "pickup"]),
    make_profile(pincode="781001", sector="tea_coffee", destinations=["GB"],
                 typical_weight_kg=5, needs=["bulk_freight"], first_time_exporter=False),
    make_profile(pincode="682001", sector="food_spices", products="cardamom and pepper",
                 destinations=["US", "DE", "SG"], monthly_international_parcels=200),
    make_profile(pincode="110001", sector="electronics", destinations=None,
                 sales_channels=["own_website", "ondc"], monthly_domestic_parcels=900,
                 needs=["returns"], typical_weight_kg=0.8),
]
LIMITS = [10, 3, 10, 50, 1, 7]


class GatedRanker:
    """The real ranker, recording batch sizes; its first batch waits until released."""

    def __init__(self, ranker: Ranker) -> None:
        self.ranker = ranker
        self.sizes: list[int] = []
        self.entered = threading.Event()
        self.release = threading.Event()

    def rank_batch(self, profiles: Sequence[Any], k: Sequence[int]) -> list[Ranking]:
        self.sizes.append(len(profiles))
        if len(self.sizes) == 1:
            self.entered.set()
            assert self.release.wait(20)
        return self.ranker.rank_batch(profiles, k)


def gated(served: ServedCatalog) -> tuple[ServedCatalog, GatedRanker]:
    assert served.ranker is not None
    gate = GatedRanker(served.ranker)
    return ServedCatalog(served.catalog, cast(Ranker, gate), geography=served.geography), gate


def alone(served: ServedCatalog, body: dict[str, Any], limit: int) -> dict[str, Any]:
    assert served.ranker is not None
    assert served.geography is not None
    ranking = served.ranker.rank(parse_profile(body, served.geography), k=limit)
    payload: dict[str, Any] = json.loads(json.dumps(ranking_payload(
        ranking, served.catalog.version, render=renderer("en", served.catalog).many)))
    return payload


def wait_until(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_waiting_requests_form_one_batch_with_unchanged_answers(served: ServedCatalog) -> None:
    held, gate = gated(served)
    batcher = RankingBatcher(threads=1, queue_size=64)
    batcher.start()

    async def scenario() -> list[bytes | BaseException]:
        first = asyncio.create_task(batcher.rank(held, BODIES[0], LIMITS[0]))
        await asyncio.to_thread(gate.entered.wait, 20)
        rest = [asyncio.create_task(batcher.rank(held, body, limit))
                for body, limit in zip(BODIES[1:], LIMITS[1:], strict=True)]
        bad = asyncio.create_task(batcher.rank(held, make_profile(pincode="999999"), 5))
        await asyncio.to_thread(wait_until, lambda: batcher.waiting == len(BODIES))
        gate.release.set()
        return await asyncio.gather(first, *rest, bad, return_exceptions=True)

    try:
        outcomes = asyncio.run(scenario())
    finally:
        batcher.stop()
    assert gate.sizes == [1, len(BODIES) - 1]  # the invalid profile never reaches the ranker
    for body, limit, outcome in zip(BODIES, LIMITS, outcomes, strict=False):
        assert isinstance(outcome, bytes)
        assert json.loads(outcome) == alone(served, body, limit)
    assert isinstance(outcomes[-1], InvalidInput)
    assert outcomes[-1].errors[0]["field"] == "pincode"


def test_a_full_queue_answers_503_with_retry_after(served: ServedCatalog) -> None:
    held, gate = gated(served)
    batcher = RankingBatcher(threads=1, queue_size=1)
    batcher.start()

    async def scenario() -> BaseException | None:
        first = asyncio.create_task(batcher.rank(held, BODIES[0], 5))
        await asyncio.to_thread(gate.entered.wait, 20)
        waiting = asyncio.create_task(batcher.rank(held, BODIES[1], 5))
        await asyncio.sleep(0)
        try:
            await batcher.rank(held, BODIES[2], 5)
        except NotReady as exc:
            refused: BaseException | None = exc
        else:
            refused = None
        gate.release.set()
        await asyncio.gather(first, waiting)
        return refused

    try:
        refused = asyncio.run(scenario())
    finally:
        batcher.stop()
    assert isinstance(refused, NotReady)
    assert refused.headers == {"Retry-After": "1"}


def test_a_stopped_batcher_refuses() -> None:
    batcher = RankingBatcher(threads=1, queue_size=4)
    with pytest.raises(NotReady):
        asyncio.run(batcher.rank(cast(ServedCatalog, None), {}, 5))


def test_concurrent_http_requests_get_the_sequential_answers(
    make_app: Callable[..., FastAPI], served: ServedCatalog
) -> None:
    app = make_app(ranking_threads=1)
    with TestClient(app) as client:
        def post(index: int) -> dict[str, Any]:
            body, limit = BODIES[index % len(BODIES)], LIMITS[index % len(LIMITS)]
            response = client.post(f"/v1/recommendations?limit={limit}", json=body)
            assert response.status_code == 200, response.text
            assert response.headers["content-type"] == "application/json"
            payload: dict[str, Any] = response.json()
            return payload

        sequential = [post(i) for i in range(len(BODIES))]
        held, gate = gated(served)
        app.state.runtime.served = held
        batcher: RankingBatcher = app.state.ranking_batcher
        count = 3 * len(BODIES)
        with ThreadPoolExecutor(max_workers=count) as pool:
            first = pool.submit(post, 0)
            assert gate.entered.wait(20)
            rest = [pool.submit(post, i) for i in range(1, count)]
            wait_until(lambda: batcher.waiting == count - 1)
            gate.release.set()
            answers = [first.result(), *(f.result() for f in rest)]
    # Every request was answered, each exactly once and in a batch. The ones sent while the
    # first batch was held were all accepted before it was released: the loop had handed them
    # over or still held them for the end of its pass, so they make at most two batches.
    assert gate.sizes[0] == 1
    assert sum(gate.sizes) == count
    assert len(gate.sizes) <= 3, gate.sizes
    assert max(gate.sizes[1:]) > 1, gate.sizes
    assert len(answers) == count
    for index, answer in enumerate(answers):
        assert answer == sequential[index % len(BODIES)]
        assert answer == alone(served, BODIES[index % len(BODIES)], LIMITS[index % len(LIMITS)])


def test_bodies_are_byte_for_byte_what_json_response_writes(served: ServedCatalog) -> None:
    assert served.ranker is not None
    assert served.geography is not None
    for body, limit in zip(BODIES, LIMITS, strict=True):
        ranking = served.ranker.rank(parse_profile(body, served.geography), k=limit)
        payload = ranking_payload(ranking, served.catalog.version,
                                  render=renderer("hi", served.catalog).many)
        assert encode_body(payload) == JSONResponse(payload).body


def test_several_ranking_threads_share_one_queue(served: ServedCatalog) -> None:
    batcher = RankingBatcher(threads=3, queue_size=64)
    assert batcher.running == 0
    batcher.start()
    assert batcher.running == 3

    async def scenario() -> list[bytes]:
        return await asyncio.gather(*(
            batcher.rank(served, BODIES[i % len(BODIES)], LIMITS[i % len(LIMITS)])
            for i in range(4 * len(BODIES))
        ))

    try:
        answers = asyncio.run(scenario())
    finally:
        batcher.stop()
    assert batcher.running == 0
    for i, answer in enumerate(answers):
        assert json.loads(answer) == alone(served, BODIES[i % len(BODIES)],
                                           LIMITS[i % len(LIMITS)])
