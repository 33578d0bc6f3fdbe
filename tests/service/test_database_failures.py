"""Database trouble answers 503 with Retry-After within the configured waits, never 500 and
never a hang; what needs no database (anonymous rankings, the catalogue) keeps answering.

Two real failures, no mocks: a PostgreSQL address where nothing listens (connection refused),
and a socket that accepts connections and never says a word (the kernel completes the TCP
handshake for a listening socket that nobody accepts from). Also real engines against the test
databases: statement and pool timeouts, and statement parameters kept out of error messages.
"""

from __future__ import annotations

import functools
import socket
import time
from collections.abc import Callable, Iterator

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from catalog.geo import Geography
from service.app import create_app
from service.db import make_engine
from service.db.engine import Timeouts
from service.examples import PROFILE_EXAMPLE
from service.runtime import Runtime, ServedCatalog
from service.settings import Settings

ORIGIN = "https://portal.example.in"
CONNECT_TIMEOUT = 2.0  # libpq's smallest
BOUND = 10.0  # seconds any answer may take here (the old code hung past 25 s, or forever)


@pytest.fixture(params=["refused", "silent"])
def dead_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """A PostgreSQL URL whose server refuses connections, or accepts them and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        if request.param == "silent":
            sock.listen(64)
        port = sock.getsockname()[1]
        yield f"postgresql+psycopg://dakmatch@127.0.0.1:{port}/dakmatch"


def _problem(response: httpx2.Response, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    if status == 503:
        assert int(response.headers["retry-after"]) > 0


@pytest.mark.timeout(180)
def test_database_down_or_silent_answers_503_in_seconds_and_rankings_go_on(
    dead_database: str, geography: Geography, served: ServedCatalog
) -> None:
    settings = Settings(
        database_url=dead_database,
        catalog_refresh_seconds=0,
        database_connect_timeout=CONNECT_TIMEOUT,
    )
    app = create_app(settings, runtime=Runtime(geography=geography, served=served))
    timings: dict[str, float] = {}

    def timed(name: str, call: Callable[[], httpx2.Response]) -> httpx2.Response:
        started = time.perf_counter()
        response = call()
        timings[name] = time.perf_counter() - started
        return response

    key = {"X-API-Key": "dmk_p_not-checked-the-database-is-down"}
    with TestClient(app, raise_server_exceptions=False) as client:
        # Needs no database: anonymous rankings, with a browser's Origin header too (the CORS
        # layer reloads the tenants' origins from the database), and the catalogue.
        paths = (("ranking", "/v1/recommendations"), ("route", "/v1/recommendations?lang=en"))
        for name, path in paths:

            def rank(p: str = path) -> httpx2.Response:
                return client.post(p, json=PROFILE_EXAMPLE, headers={"Origin": ORIGIN})

            answer = timed(f"{name} with Origin", rank)
            assert answer.status_code == 200, answer.text
            assert answer.json()["recommendations"]
        assert client.post("/v1/recommendations", json=PROFILE_EXAMPLE).status_code == 200
        assert client.get("/v1/offerings", headers={"Origin": ORIGIN}).status_code == 200
        assert client.get("/healthz").status_code == 200

        # Needs the database: 503 with Retry-After, within the connect timeout.
        _problem(timed("readyz", lambda: client.get("/readyz")), 503)
        for path in ("/v1/recommendations", "/v1/recommendations?lang=en"):
            _problem(
                timed(
                    f"ranking with a key ({path})",
                    functools.partial(client.post, path, json=PROFILE_EXAMPLE, headers=key),
                ),
                503,
            )
        _problem(timed("read a profile", lambda: client.get("/v1/profiles/abc", headers=key)), 503)
        _problem(
            timed(
                "store a profile",
                lambda: client.post("/v1/profiles", json=PROFILE_EXAMPLE, headers=key),
            ),
            503,
        )
        form = {"pincode": "302001", "sector": "handicrafts", "consent": "yes"}
        _problem(timed("consented form", lambda: client.post("/results", data=form)), 503)
    print({name: round(seconds, 2) for name, seconds in timings.items()})
    assert max(timings.values()) < BOUND, timings


def test_sqlite_pool_and_postgresql_statement_waits_are_bounded(engine: Engine) -> None:
    """The statement timeout (PostgreSQL) and the wait for a connection (SQLite's one
    connection, PostgreSQL's pool) end in an error that the app answers 503."""
    url = engine.url.render_as_string(hide_password=False)
    short = make_engine(url, Timeouts(connect=2, statement=1, pool=1))
    try:
        if short.dialect.name == "postgresql":
            started = time.perf_counter()
            with pytest.raises(OperationalError), short.connect() as conn:
                conn.execute(text("SELECT pg_sleep(10)"))
            assert time.perf_counter() - started < 5
        capacity = short.pool.size() + short.pool._max_overflow  # type: ignore[attr-defined]
        held = [short.connect() for _ in range(capacity)]
        try:
            started = time.perf_counter()
            with pytest.raises(PoolTimeoutError):
                short.connect()
            assert time.perf_counter() - started < 5
        finally:
            for conn in held:
                conn.close()
    finally:
        short.dispose()


def test_statement_parameters_stay_out_of_error_messages(engine: Engine) -> None:
    phone = "+91 98765 43210"
    with pytest.raises(DBAPIError) as raised, engine.connect() as conn:
        conn.execute(text("SELECT * FROM no_such_table WHERE note = :note"), {"note": phone})
    assert phone not in str(raised.value)
    assert "hidden" in str(raised.value)


def test_timeouts_come_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().database_timeouts == Timeouts()
    monkeypatch.setenv("DAKMATCH_DATABASE_CONNECT_TIMEOUT", "3")
    monkeypatch.setenv("DAKMATCH_DATABASE_STATEMENT_TIMEOUT", "12.5")
    monkeypatch.setenv("DAKMATCH_DATABASE_POOL_TIMEOUT", "7")
    assert Settings().database_timeouts == Timeouts(connect=3, statement=12.5, pool=7)
