"""The session-signing secret (DESIGN §6): off loopback a server starts only with a real
``DAKMATCH_SECRET_KEY``; compose ships none; a cookie signed with the published default is
worthless once a real secret is set."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy.orm import Session

from service.db import Role
from service.settings import (
    DEFAULT_SECRET_KEY,
    DOCUMENTED_SECRETS,
    is_loopback,
    secret_key_problem,
)
from service.web.security import SESSION_COOKIE
from service.web.users import create_user
from tests.service.test_serve import DAKMATCH, free_port, start_serve, wait_ready

ROOT = Path(__file__).resolve().parents[2]
REAL_SECRET = "k3Jq8vR2-xW9pZ4mT7bN1cY6hF0sL5dA_eG"  # made for this test, 36 characters


def _refused(tmp_path: Path, secret: str | None, *args: str) -> str:
    """Run ``dakmatch serve`` with ``secret`` and return its stderr; it must exit non-zero
    before serving (on the old code it served: the timeout fails the test)."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "DAKMATCH_HOST")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'dm.db'}"
    if secret is not None:
        env["DAKMATCH_SECRET_KEY"] = secret
    try:
        done = subprocess.run(
            [str(DAKMATCH), "serve", "--port", str(free_port()), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError("dakmatch serve started instead of refusing") from exc
    assert done.returncode == 1, done.stderr
    assert not (tmp_path / "dm.db").exists()  # refused before touching the database
    return done.stderr


@pytest.mark.parametrize(
    ("secret", "says"),
    [
        (None, "published example"),
        (DEFAULT_SECRET_KEY, "published example"),
        ("change-me-in-production", "published example"),
        ("x" * 31, "has 31 characters, at least 32"),
    ],
)
def test_serve_off_loopback_refuses_a_weak_secret(
    tmp_path: Path, secret: str | None, says: str
) -> None:
    err = _refused(tmp_path, secret, "--host", "0.0.0.0")
    assert "refusing to serve on 0.0.0.0" in err
    assert says in err
    assert "DAKMATCH_SECRET_KEY" in err
    if secret:
        assert secret not in err  # a secret is never printed


def test_serve_reads_the_host_from_the_environment_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAKMATCH_HOST", "192.0.2.10")
    err = _refused(tmp_path, None)
    assert "refusing to serve on 192.0.2.10" in err


@pytest.mark.slow
def test_serve_off_loopback_starts_with_a_real_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAKMATCH_SECRET_KEY", REAL_SECRET)
    server, base, log = start_serve(tmp_path, "--host", "0.0.0.0")
    try:
        wait_ready(base, server, log)  # 0.0.0.0 includes 127.0.0.1
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_gunicorn_off_loopback_refuses_the_default_secret(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DAKMATCH_")}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'app.db'}",
        GUNICORN_BIND=f"0.0.0.0:{free_port()}",
        WEB_CONCURRENCY="1",
    )
    config = str(ROOT / "deploy" / "gunicorn.conf.py")
    command = [sys.executable, "-m", "gunicorn", "--config", config, "service.app:create_app()"]
    try:
        done = subprocess.run(
            command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError("gunicorn started instead of refusing") from exc
    assert done.returncode != 0
    assert "refusing to serve on 0.0.0.0" in done.stderr + done.stdout


def test_the_rule() -> None:
    for host in ("127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"):
        assert is_loopback(host)
        assert secret_key_problem(DEFAULT_SECRET_KEY, host) is None
    for host in ("0.0.0.0", "::", "10.0.0.5", "dakmatch.example.in"):
        assert not is_loopback(host)
        assert secret_key_problem(DEFAULT_SECRET_KEY, host) is not None
        assert secret_key_problem(REAL_SECRET, host) is None
    assert secret_key_problem(" change-me-in-production ".ljust(40), "0.0.0.0") is not None


def test_compose_requires_a_secret_and_ships_no_example() -> None:
    text = (ROOT / "compose.yaml").read_text()
    compose = yaml.safe_load(text)
    value = compose["services"]["app"]["environment"]["DAKMATCH_SECRET_KEY"]
    assert re.fullmatch(r"\$\{DAKMATCH_SECRET_KEY:\?[^}]+\}", value), value
    assert compose["services"]["migrate"]["environment"]["DAKMATCH_SECRET_KEY"] == value
    for example in DOCUMENTED_SECRETS:
        assert example not in text


def test_docs_publish_no_secret_that_would_be_accepted() -> None:
    """Every value the README or docs show for DAKMATCH_SECRET_KEY is on the refused list."""
    shown = set()
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        shown |= set(re.findall(r"DAKMATCH_SECRET_KEY=([^\s`'\"]+)", path.read_text()))
    assert {s for s in shown if not s.startswith("$")} <= DOCUMENTED_SECRETS


@pytest.fixture
def officer_app(make_app: Callable[..., FastAPI], session: Session) -> FastAPI:
    create_user(session, "asha", "correct horse battery", Role.OFFICER)
    session.commit()
    return make_app(secret_key=REAL_SECRET)


def _forged(secret: str, username: str) -> str:
    return URLSafeTimedSerializer(secret, salt="dakmatch-web-session").dumps({"u": username})


def test_a_cookie_signed_with_the_default_secret_is_refused(officer_app: FastAPI) -> None:
    with TestClient(officer_app, base_url="http://127.0.0.1") as client:
        client.cookies.set(SESSION_COOKIE, _forged(DEFAULT_SECRET_KEY, "asha"), path="/officer")
        page = client.get("/officer")
        assert page.status_code == 200
        assert 'action="/officer/login"' in page.text  # the sign-in form, not the queue
        export = client.get("/officer/export.csv", follow_redirects=False)
        assert export.status_code == 303
        # The same cookie signed with the server's own secret is a session (the test can fail).
        client.cookies.set(SESSION_COOKIE, _forged(REAL_SECRET, "asha"), path="/officer")
        assert client.get("/officer/export.csv").headers["content-type"].startswith("text/csv")
