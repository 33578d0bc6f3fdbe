"""``dakmatch users create USERNAME``: password from stdin, stored as an Argon2 hash."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from service.cli import main
from service.db import Role, User, make_engine, make_session_factory
from service.db.migrate import upgrade
from service.settings import get_settings
from service.web.users import authenticate


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'users.db'}"
    upgrade(url)
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_create_reads_the_password_from_stdin(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a long passphrase\n"))
    assert main(["users", "create", "asha"]) == 0
    assert "created officer asha" in capsys.readouterr().out
    factory = make_session_factory(make_engine(database))
    with factory() as session:
        user = session.scalars(select(User).where(User.username == "asha")).one()
        assert user.role is Role.OFFICER
        assert user.password_hash.startswith("$argon2id$")
        assert authenticate(session, "asha", "a long passphrase") is not None
        assert authenticate(session, "asha", "a long passphrasE") is None
        assert authenticate(session, "nobody", "a long passphrase") is None


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["users", "create", "asha"], "short\n", "at least 10 characters"),
        (["users", "create", "Bad Name"], "a long passphrase\n", "lower-case letters"),
    ],
)
def test_create_refuses_with_one_line(
    database: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    stdin: str,
    message: str,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1


def test_duplicate_username_is_refused(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a long passphrase\n"))
    assert main(["users", "create", "ravi", "--role", "admin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("another passphrase\n"))
    assert main(["users", "create", "ravi"]) == 1
    assert "already exists" in capsys.readouterr().err
