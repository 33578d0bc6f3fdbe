"""Settings read DAKMATCH_* and the contract's plain DATABASE_URL."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from service.settings import DEFAULT_DATABASE_URL, Settings


def test_default_is_sqlite_under_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("DAKMATCH_DATABASE_URL", raising=False)
    assert Settings().database_url == DEFAULT_DATABASE_URL == "sqlite:///./data/dakmatch.db"


def test_plain_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DAKMATCH_DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert Settings().database_url == "postgresql+psycopg://u@h/db"


def test_prefixed_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:///a.db")
    monkeypatch.setenv("DAKMATCH_DATABASE_URL", "sqlite:///b.db")
    assert Settings().database_url == "sqlite:///b.db"


def test_prefixed_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAKMATCH_PORT", "9001")
    monkeypatch.setenv("DAKMATCH_LOG_LEVEL", "debug")
    settings = Settings()
    assert (settings.port, settings.log_level) == (9001, "DEBUG")


def test_bad_value_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAKMATCH_PORT", "70000")
    with pytest.raises(ValidationError, match="port"):
        Settings()


def test_switch_interval_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAKMATCH_SWITCH_INTERVAL_MS", "0.1")
    with pytest.raises(ValidationError, match="switch_interval_ms"):
        Settings()
    monkeypatch.setenv("DAKMATCH_SWITCH_INTERVAL_MS", "12.5")
    assert Settings().switch_interval_ms == 12.5


def test_a_serving_app_sets_the_switch_interval(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from service.app import create_app
    from service.bootstrap import load_catalog_file, upgrade_database

    settings = Settings(database_url=f"sqlite:///{tmp_path}/serve.db", switch_interval_ms=12.0,
                        catalog_refresh_seconds=0)
    upgrade_database(settings)
    load_catalog_file(settings)
    before = sys.getswitchinterval()
    try:
        with TestClient(create_app(settings)) as client:  # its own runtime, as `serve` does
            assert client.get("/readyz").status_code == 200
            assert sys.getswitchinterval() == pytest.approx(0.012)
    finally:
        sys.setswitchinterval(before)
        gc.unfreeze()
