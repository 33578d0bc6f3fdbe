"""dakmatch db upgrade|downgrade|current and catalog load, through the console entry point."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from catalog import default_catalog_path
from service.cli import main
from service.db.migrate import head_revision
from service.settings import get_settings


@pytest.fixture
def db_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'sub' / 'cli.db'}"
    monkeypatch.delenv("DAKMATCH_DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_upgrade_current_downgrade(db_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "current"]) == 0
    head = head_revision()
    assert f"current: {head}; head: {head}" in capsys.readouterr().out
    assert main(["db", "downgrade", "base"]) == 0
    assert main(["db", "current"]) == 0
    assert "current: none" in capsys.readouterr().out


def test_catalog_load_is_idempotent(
    db_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade"]) == 0
    assert main(["catalog", "load"]) == 0
    assert "loaded new catalogue" in capsys.readouterr().out
    assert main(["catalog", "load"]) == 0
    assert "unchanged" in capsys.readouterr().out
    document = yaml.safe_load(default_catalog_path().read_text(encoding="utf-8"))
    document["offerings"][0]["name"] = "Renamed for the test"
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(document), encoding="utf-8")
    assert main(["catalog", "load", str(changed)]) == 0
    out = capsys.readouterr().out
    assert "loaded new" in out
    assert "2 versions stored" in out


def test_invalid_catalogue_is_refused(
    db_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade"]) == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("offerings: []\n", encoding="utf-8")
    assert main(["catalog", "load", str(bad)]) == 1
    assert "catalogue not valid" in capsys.readouterr().err


def test_load_before_upgrade_says_so(db_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "load"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("error: database sqlite")
    assert "catalog_versions" in err[0]


def test_unreachable_database_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody:secret@127.0.0.1:9/none")
    monkeypatch.delenv("DAKMATCH_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    try:
        assert main(["db", "upgrade"]) == 1
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("error: database postgresql+psycopg://nobody:***@127.0.0.1:9/none")
    assert "secret" not in err[0]


@pytest.mark.parametrize(
    "argv",
    [
        ["db"],
        ["db", "upgrade"],
        ["db", "downgrade"],
        ["db", "current"],
        ["serve"],
        ["catalog", "load"],
    ],
)
def test_every_command_has_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*argv, "--help"])
    assert exit_info.value.code == 0
    assert "usage: dakmatch" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["serve", "--port", "0"], "--port 0"), (["serve", "--workers", "0"], "--workers 0")],
)
def test_serve_refuses_bad_numbers(
    db_env: str, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 1
    assert capsys.readouterr().err.startswith(f"error: {message}")
