"""The ranking fast lane answers exactly as the FastAPI route does, and leaves every other
shape of request to the route."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.recommendations import fast_lane
from service.recommendations.fast_lane import RecommendationsFastLane
from service.runtime import Served
from tests.service.conftest import Keys, make_profile

REC = "/v1/recommendations"


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records the requests the lane answered itself (the route answers the others)."""
    seen: list[str] = []
    answer = RecommendationsFastLane._answer

    async def spy(self: RecommendationsFastLane, scope: Any, *args: Any) -> Any:
        seen.append(scope["query_string"].decode())
        return await answer(self, scope, *args)

    monkeypatch.setattr(RecommendationsFastLane, "_answer", spy)
    return seen


@pytest.fixture
def lane_client(make_app: Callable[..., FastAPI], taken: list[str]) -> Iterator[TestClient]:
    with TestClient(make_app()) as test_client:
        yield test_client


def _same(left: Any, right: Any) -> None:
    assert left.status_code == right.status_code
    assert left.headers["content-type"] == right.headers["content-type"]
    assert left.content == right.content or left.json() == right.json()


@pytest.mark.parametrize(
    "body",
    [
        make_profile(),
        make_profile(pincode="400001", sector="gems_jewellery", destinations=["AE", "US"]),
        make_profile(destinations=None, monthly_domestic_parcels=300,
                     sales_channels=["amazon"], needs=["cash_on_delivery"]),
        make_profile(pincode="999999"),  # 422: no such PIN code
        make_profile(colour="blue"),  # 422: unknown field
        make_profile(typical_weight_kg="heavy"),  # 422: wrong type
    ],
)
def test_lane_and_route_give_the_same_answer(
    lane_client: TestClient, taken: list[str], body: dict[str, Any]
) -> None:
    lane = lane_client.post(f"{REC}?limit=5", json=body)
    route = lane_client.post(f"{REC}?limit=5&via=route", json=body)  # unknown query: the route
    assert taken == ["limit=5"]
    _same(lane, route)


def test_lane_checks_the_key_before_readiness(
    lane_client: TestClient, taken: list[str], keys: Keys
) -> None:
    good = lane_client.post(REC, json=make_profile(), headers=keys.headers("partner"))
    bad = lane_client.post(REC, json=make_profile(), headers={"X-API-Key": "dm_nope"})
    bad_route = lane_client.post(f"{REC}?x=1", json=make_profile(),
                                 headers={"X-API-Key": "dm_nope"})
    assert good.status_code == 200
    assert bad.status_code == 401
    _same(bad, bad_route)
    assert taken == ["", ""]


def test_not_ready_is_503_in_the_lane(
    make_app: Callable[..., FastAPI], served: Served, taken: list[str]
) -> None:
    app = make_app()
    with TestClient(app) as client:
        app.state.runtime.served = Served(served.catalog, None, geography=served.geography,
                                          problem="refitting")
        lane = client.post(REC, json=make_profile())
        route = client.post(f"{REC}?x=1", json=make_profile())
    assert lane.status_code == 503
    _same(lane, route)
    assert taken == [""]


@pytest.mark.parametrize(
    ("query", "body", "headers"),
    [
        ("limit=0", b"{}", {}),
        ("limit=51", b"{}", {}),
        ("limit=ten", b"{}", {}),
        ("limit=5&limit=6", b"{}", {}),
        ("", b"[1, 2]", {}),
        ("", b'"profile"', {}),
        ("", b"{not json", {}),
        ("", b"", {}),
        ("", b"{}", {"X-API-Key": "k" * 201}),
    ],
)
def test_other_shapes_go_to_the_route(
    lane_client: TestClient, taken: list[str], query: str, body: bytes,
    headers: dict[str, str],
) -> None:
    response = lane_client.post(f"{REC}?{query}" if query else REC, content=body,
                                headers={"Content-Type": "application/json", **headers})
    assert taken == []
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"].startswith("application/problem+json")


def test_limit_parsing() -> None:
    assert fast_lane._limit(b"") == 10
    assert fast_lane._limit(b"limit=1") == 1
    assert fast_lane._limit(b"limit=50") == 50
    for query in (b"limit=51", b"limit=05", b"limit=", b"limit=5&", b"x=1", b"limit=99"):
        assert fast_lane._limit(query) is None
