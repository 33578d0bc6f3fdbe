"""Settings read DAKMATCH_* and the contract's plain DATABASE_URL."""

from __future__ import annotations

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
