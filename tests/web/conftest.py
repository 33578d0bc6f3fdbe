"""Fixtures of the web tests: the service fixtures (migrated database rolled back per test, an
app on it) for TestClient tests, and for the browser tests a live server on a loopback port with
its own migrated SQLite file, an officer account and a partner key."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.runtime import ServedCatalog

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.service.conftest import (  # noqa: E402
    connection,
    engine,
    geography,
    keys,
    make_app,
    migrated_database,
    served,
    session,
    session_factory,
    settings,
)

__all__ = [
    "connection",
    "engine",
    "geography",
    "keys",
    "make_app",
    "served",
    "session",
    "session_factory",
    "settings",
]


PG_DATABASE = "dakmatch_web_test"  # our own PostgreSQL database, apart from the service tests


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database migrated to head once per session, holding the packaged catalogue."""
    return migrated_database(
        request.param, tmp_path_factory.mktemp("db"), PG_DATABASE, "web tests"
    )


@pytest.fixture
def web(make_app: Callable[..., FastAPI], served: ServedCatalog) -> Iterator[TestClient]:
    """A TestClient on ``http://localhost``: session cookies are Secure except on loopback."""
    if served.ranker is None:
        pytest.skip(f"ranking unavailable: {served.problem}")
    app = make_app()
    with TestClient(app, base_url="http://localhost") as client:
        yield client
