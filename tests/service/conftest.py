"""Fixtures: a database migrated by Alembic once per session (SQLite always, PostgreSQL when
TEST_DATABASE_URL is set), rolled back per test, and apps built on it with TestClient."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from catalog import Catalog, load_catalog
from catalog.geo import Geography
from service.app import create_app
from service.db import make_engine
from service.db.migrate import upgrade
from service.offerings import repository as catalog_repo
from service.runtime import Runtime, ServedCatalog, fit_ranker
from service.settings import Settings

PG_DATABASE = "dakmatch_service_test"


def _postgres_url(name: str) -> str | None:
    """A fresh database ``name`` next to TEST_DATABASE_URL's (other helpers' data untouched)."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return None
    admin = make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def fresh_database_url(kind: str, tmp: Path, name: str) -> str:
    """An empty database of ``kind`` (``sqlite`` or ``postgresql``); skips without PostgreSQL."""
    if kind == "sqlite":
        return f"sqlite:///{tmp / (name + '.db')}"
    url = _postgres_url(name)
    if url is None:
        pytest.skip("TEST_DATABASE_URL not set")
    return url


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database migrated to head once per session, holding the packaged catalogue."""
    return migrated_database(request.param, tmp_path_factory.mktemp("db"), PG_DATABASE, "tests")


def migrated_database(kind: str, tmp: Path, name: str, source: str) -> str:
    """An empty database of ``kind`` migrated to head and holding the packaged catalogue."""
    url = fresh_database_url(kind, tmp, name)
    upgrade(url)
    engine = make_engine(url)
    with sessionmaker(bind=engine).begin() as session:
        catalog_repo.store_catalog(session, served_catalog(), source=source)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """One connection per test inside a transaction that is rolled back at the end."""
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        if outer.is_active:
            outer.rollback()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    """Sessions whose commits become savepoints of the test's transaction."""
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as s:
        yield s


_CATALOG: list[Catalog] = []


def served_catalog() -> Catalog:
    if not _CATALOG:
        _CATALOG.append(load_catalog())
    return _CATALOG[0]


@pytest.fixture(scope="session")
def geography() -> Geography:
    """The India Post directory, read once per session (about 10 s)."""
    return Geography.load()


@pytest.fixture(scope="session")
def served(geography: Geography) -> ServedCatalog:
    """The packaged catalogue with a ranker fitted once per session."""
    catalog = served_catalog()
    ranker, problem = fit_ranker(catalog, geography)
    assert ranker is not None, problem
    return ServedCatalog(catalog=catalog, ranker=ranker, geography=geography)


@pytest.fixture
def settings(database_url: str) -> Settings:
    # No background catalogue polling: it would share the test's connection with requests.
    return Settings(database_url=database_url, catalog_refresh_seconds=0)


@pytest.fixture
def make_app(
    settings: Settings,
    session_factory: sessionmaker[Session],
    geography: Geography,
    served: ServedCatalog,
) -> Callable[..., FastAPI]:
    """Build an app on the test's transaction; keyword arguments override settings."""

    def build(**overrides: Any) -> FastAPI:
        runtime = Runtime(geography=geography, served=served)
        return create_app(
            settings.model_copy(update=overrides),
            session_factory=session_factory,
            runtime=runtime,
        )

    return build


@pytest.fixture
def client(make_app: Callable[..., FastAPI]) -> Iterator[TestClient]:
    with TestClient(make_app()) as test_client:
        yield test_client


def make_profile(**overrides: Any) -> dict[str, Any]:
    """A valid profile body (DESIGN §4); an override of None removes the field."""
    from service.examples import PROFILE_EXAMPLE

    body = {**PROFILE_EXAMPLE, **overrides}
    return {k: v for k, v in body.items() if v is not None}


WIDGET_ORIGIN = "https://shop.acme.example"


@dataclass(frozen=True)
class Keys:
    """One key per role: two partner tenants, an officer, an admin and a widget key of the
    first partner, whose tenant allows ``WIDGET_ORIGIN`` (secrets for X-API-Key)."""

    partner: str
    other_partner: str
    officer: str
    admin: str
    widget: str

    def headers(self, role: str | None) -> dict[str, str]:
        """The key's header; a widget key's comes with its tenant's allowed ``Origin``."""
        if role is None:
            return {}
        extra = {"Origin": WIDGET_ORIGIN} if role == "widget" else {}
        return {"X-API-Key": getattr(self, role), **extra}


@pytest.fixture
def keys(session: Session) -> Keys:
    from service.auth import repository as auth_repo
    from service.db import Role

    made = {
        "partner": auth_repo.create_key(session, Role.PARTNER, "acme")[1],
        "other_partner": auth_repo.create_key(session, Role.PARTNER, "globex")[1],
        "officer": auth_repo.create_key(session, Role.OFFICER, "dakmatch")[1],
        "admin": auth_repo.create_key(session, Role.ADMIN, "dakmatch")[1],
        "widget": auth_repo.create_key(session, Role.WIDGET, "acme")[1],
    }
    acme = auth_repo.find_tenant(session, "acme")
    assert acme is not None
    auth_repo.set_allowed_origins(session, acme, [WIDGET_ORIGIN])
    session.commit()
    return Keys(**made)
