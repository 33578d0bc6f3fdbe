"""Rate limits behind a proxy (the forwarded client's address, only from trusted proxies) and
counters shared through a real Redis at 127.0.0.1:6379 (skipped when it cannot be reached)."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.ratelimit import Limiter, MemoryLimiter, RedisLimiter, make_limiter
from service.settings import Settings

REDIS_URL = "redis://127.0.0.1:6379/0"
CLOSED_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not redis_reachable(), reason="no Redis at 127.0.0.1:6379")


def fresh_address() -> str:
    """A client address of documentation range 198.18.0.0/15 no other test run uses."""
    n = uuid.uuid4().int
    return f"198.{18 + n % 2}.{n // 2 % 256}.{n // 512 % 256}"


def _statuses(client: TestClient, count: int, headers: dict[str, str] | None = None) -> list[int]:
    return [client.get("/v1/offerings/dnk", headers=headers).status_code for _ in range(count)]


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_budget(
    make_app: Callable[..., FastAPI],
) -> None:
    app = make_app(
        rate_limit_per_ip=2, rate_limit_window_seconds=3600, trusted_proxies="10.0.0.0/8"
    )
    with TestClient(app, client=("10.0.0.5", 40000)) as proxy:
        first = {"X-Forwarded-For": "203.0.113.1"}
        assert _statuses(proxy, 3, first) == [200, 200, 429]
        # Another visitor through the same load balancer is not limited by the first one.
        assert _statuses(proxy, 1, {"X-Forwarded-For": "203.0.113.2"}) == [200]
        # A visitor who adds his own X-Forwarded-For: the proxy appends the real address, and
        # the rightmost address that is not a trusted proxy is the client.
        spoofed = [
            proxy.get(
                "/v1/offerings/dnk", headers={"X-Forwarded-For": f"192.0.2.{n}, 203.0.113.1"}
            ).status_code
            for n in range(3)
        ]
        assert spoofed == [429, 429, 429]


def test_forwarded_for_from_an_untrusted_peer_is_ignored(
    make_app: Callable[..., FastAPI],
) -> None:
    app = make_app(
        rate_limit_per_ip=2, rate_limit_window_seconds=3600, trusted_proxies="10.0.0.0/8"
    )
    with TestClient(app, client=("198.51.100.7", 40000)) as attacker:
        rotating = [
            attacker.get(
                "/v1/offerings/dnk", headers={"X-Forwarded-For": f"203.0.113.{n}"}
            ).status_code
            for n in range(3)
        ]
        assert rotating == [200, 200, 429]


@needs_redis
def test_two_app_instances_share_one_budget_through_redis(
    make_app: Callable[..., FastAPI],
) -> None:
    settings = {
        "rate_limit_per_ip": 3,
        "rate_limit_window_seconds": 3600,
        "redis_url": REDIS_URL,
    }
    address = (fresh_address(), 40000)
    with (
        TestClient(make_app(**settings), client=address) as one,
        TestClient(make_app(**settings), client=address) as two,
    ):
        assert _statuses(one, 2) == [200, 200]
        assert _statuses(two, 2) == [200, 429]
        assert _statuses(one, 1) == [429]
        other = (fresh_address(), 40000)
        with TestClient(make_app(**settings), client=other) as third:
            assert _statuses(third, 1) == [200]


@needs_redis
def test_without_a_redis_url_each_instance_counts_alone(
    make_app: Callable[..., FastAPI],
) -> None:
    settings = {"rate_limit_per_ip": 3, "rate_limit_window_seconds": 3600}
    address = (fresh_address(), 40000)
    with (
        TestClient(make_app(**settings), client=address) as one,
        TestClient(make_app(**settings), client=address) as two,
    ):
        assert _statuses(one, 2) == [200, 200]
        assert _statuses(two, 3) == [200, 200, 200]


def test_unreachable_redis_falls_back_to_counting_in_the_process(
    make_app: Callable[..., FastAPI], caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(
        rate_limit_per_ip=2, rate_limit_window_seconds=3600, redis_url=CLOSED_REDIS_URL
    )
    with TestClient(app, client=(fresh_address(), 40000)) as client:
        assert _statuses(client, 3) == [200, 200, 429]
    assert "redis unreachable" in caplog.text


@pytest.fixture(params=["memory", pytest.param("redis", marks=needs_redis)])
def limiter(request: pytest.FixtureRequest) -> Iterator[Limiter]:
    """Both implementations, with a namespace of their own."""
    settings = Settings(redis_url=REDIS_URL if request.param == "redis" else None)
    made = make_limiter(settings, f"test-{uuid.uuid4().hex}", window_seconds=60)
    assert isinstance(made, RedisLimiter if request.param == "redis" else MemoryLimiter)
    yield made
    if isinstance(made, RedisLimiter):
        made.close()


def test_limiter_hit_check_and_clear(limiter: Limiter) -> None:
    now = 1_000_040.0  # 20 s into a 60 s window (1,000,020 is a multiple of 60)
    user, ip = ("user:asha", 3), ("ip:198.51.100.7", 5)
    assert [limiter.hit([user, ip], now) for _ in range(3)] == [None, None, None]
    assert limiter.check([user], now) == 40  # the next failure would be the fourth
    assert limiter.check([ip], now) is None
    assert limiter.hit([user, ip], now) == 40
    limiter.clear(["user:asha"], now)
    assert limiter.check([user, ip], now) is None
    assert limiter.hit([("off", 0)], now) is None  # a limit of 0 never limits
    assert limiter.hit([user], now + 60) is None  # a new window starts from zero


def test_limiter_windows_are_counted_apart_by_namespace() -> None:
    one, two = MemoryLimiter(60), MemoryLimiter(60)
    assert one.hit([("ip:x", 1)], 0.0) is None
    assert two.hit([("ip:x", 1)], 0.0) is None
    assert one.hit([("ip:x", 1)], 0.0) == 60
