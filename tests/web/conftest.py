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

from service.runtime import Served

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.service.conftest import (  # noqa: E402
    connection,
    database_url,
    engine,
    geography,
    keys,
    make_app,
    served,
    session,
    session_factory,
    settings,
)

__all__ = [
    "connection",
    "database_url",
    "engine",
    "geography",
    "keys",
    "make_app",
    "served",
    "session",
    "session_factory",
    "settings",
]


@pytest.fixture
def web(make_app: Callable[..., FastAPI], served: Served) -> Iterator[TestClient]:
    """A TestClient on ``http://localhost``: session cookies are Secure except on loopback."""
    if served.ranker is None:
        pytest.skip(f"ranking unavailable: {served.problem}")
    app = make_app()
    with TestClient(app, base_url="http://localhost") as client:
        yield client
