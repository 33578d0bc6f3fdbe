"""dakmatch keys create|list|revoke|origins."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from service.auth.keys import key_hash
from service.cli import main
from service.db import ApiKey, make_engine, make_session_factory
from service.settings import get_settings


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    monkeypatch.delenv("DAKMATCH_DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    assert main(["db", "upgrade"]) == 0
    yield url
    get_settings.cache_clear()


def test_create_prints_the_key_last_and_stores_only_a_hash(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["keys", "create", "--role", "partner", "--tenant", "wtc-mumbai"]) == 0
    secret = capsys.readouterr().out.strip().splitlines()[-1]
    assert secret.startswith("dmk_p_")
    assert len(secret) > 40
    engine = make_engine(db_url)
    with make_session_factory(engine)() as session:
        row = session.scalars(select(ApiKey)).one()
    engine.dispose()
    assert row.key_hash == key_hash(secret)
    assert secret not in (row.key_hash, row.prefix)
    assert secret.startswith(row.prefix)


def test_partner_needs_a_tenant(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "create", "--role", "partner"]) == 1
    assert "--tenant" in capsys.readouterr().err
    assert main(["keys", "create", "--role", "officer", "--tenant", "Bad Name!"]) == 1


def test_list_and_revoke(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["keys", "create", "--role", "officer"])
    main(["keys", "create", "--role", "admin"])
    capsys.readouterr()
    assert main(["keys", "list"]) == 0
    listing = capsys.readouterr().out
    assert "officer" in listing
    assert "admin" in listing
    assert "dakmatch" in listing
    assert main(["keys", "revoke", "1"]) == 0
    assert main(["keys", "revoke", "1"]) == 1  # already revoked
    assert main(["keys", "list"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.strip().startswith("1 ")]
    assert rows
    assert not rows[-1].rstrip().endswith("-")


def test_origins(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["keys", "create", "--role", "partner", "--tenant", "mssidc"])
    capsys.readouterr()
    assert main(["keys", "origins", "--tenant", "mssidc", "https://portal.mssidc.example"]) == 0
    assert "https://portal.mssidc.example" in capsys.readouterr().out
    assert main(["keys", "origins", "--tenant", "mssidc", "https://x.example/path"]) == 1
    assert main(["keys", "origins", "--tenant", "nobody", "https://x.example"]) == 1
    assert main(["keys", "origins", "--tenant", "mssidc", "--clear"]) == 0
    assert "(none)" in capsys.readouterr().out


@pytest.mark.parametrize("action", ["create", "list", "revoke", "origins"])
def test_help(action: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["keys", action, "--help"])
    assert exit_info.value.code == 0
    assert "usage: dakmatch keys" in capsys.readouterr().out
