"""The default SQLite database under a real server: parallel writers wait their turn (none
lost, no 503), erased rows leave no readable bytes, and the files are private (0600)."""

from __future__ import annotations

import sqlite3
import stat
import threading
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from service.examples import PROFILE_EXAMPLE
from tests.resilience.conftest import Server, cli, server_environment

pytestmark = pytest.mark.slow

WRITERS = 50


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sqlite") / "data" / "dakmatch.db"


@pytest.fixture(scope="module")
def sqlite_server(database: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = server_environment(f"sqlite:///{database}")
    env["DAKMATCH_PIN_CPU"] = "false"
    server = Server(env, tmp_path_factory.mktemp("server"))
    server.start()  # `dakmatch serve` creates, migrates and loads the database
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def partner_key(sqlite_server: Server) -> str:
    output = cli(sqlite_server.env, "keys", "create", "--role", "partner", "--tenant", "busy")
    return output.strip().splitlines()[-1].strip()


Call = Callable[[httpx.Client, int], httpx.Response]


def _all_at_once(count: int, call: Call, base: str) -> list[httpx.Response]:
    """``count`` threads, released together, each making one request; their responses."""
    responses: list[httpx.Response | BaseException] = [RuntimeError("no answer")] * count
    start = threading.Barrier(count)
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
    with httpx.Client(base_url=base, timeout=60, limits=limits) as client:

        def run(n: int) -> None:
            start.wait()
            try:
                responses[n] = call(client, n)
            except BaseException as exc:
                responses[n] = exc

        threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    answered = [r for r in responses if isinstance(r, httpx.Response)]
    assert len(answered) == count, [r for r in responses if not isinstance(r, httpx.Response)]
    return answered


def _count(database: Path, sql: str, *params: object) -> int:
    with closing(sqlite3.connect(database)) as conn:
        return int(conn.execute(sql, params).fetchone()[0])


def _checkpoint(database: Path) -> int:
    """Copy the WAL into the file and empty it; 0 when it could do all of it."""
    with closing(sqlite3.connect(database)) as conn:
        return int(conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0])


def test_fifty_parallel_writers_each_kind_lose_nothing(
    sqlite_server: Server, partner_key: str, database: Path
) -> None:
    headers = {"X-API-Key": partner_key}
    profiles = _all_at_once(
        WRITERS,
        lambda c, n: c.post(
            "/v1/profiles", json={**PROFILE_EXAMPLE, "name": f"writer {n}"}, headers=headers
        ),
        sqlite_server.base,
    )
    statuses = sorted(r.status_code for r in profiles)
    print(f"POST /v1/profiles x{WRITERS}: {statuses.count(201)} stored, "
          f"{statuses.count(503)} answered 503")
    assert statuses == [201] * WRITERS, [r.text for r in profiles if r.status_code != 201][:3]
    names = {f"writer {n}" for n in range(WRITERS)}
    stored = {r.json()["profile"]["name"] for r in profiles}
    assert stored == names

    forms = _all_at_once(
        WRITERS,
        lambda c, n: c.post(
            "/results",
            data={"pincode": "302001", "sector": "handicrafts", "name": f"visitor {n}",
                  "consent": "yes"},
        ),
        sqlite_server.base,
    )
    assert sorted(r.status_code for r in forms) == [200] * WRITERS
    assert _count(
        database,
        "SELECT count(*) FROM profiles p JOIN tenants t ON t.id = p.tenant_id WHERE t.name = ?",
        "web",
    ) == WRITERS

    profile_id = profiles[0].json()["id"]
    runs = _all_at_once(
        WRITERS,
        lambda c, n: c.get(f"/v1/profiles/{profile_id}/recommendations", headers=headers),
        sqlite_server.base,
    )
    assert sorted(r.status_code for r in runs) == [200] * WRITERS
    run_ids = {r.json()["run_id"] for r in runs}
    assert len(run_ids) == WRITERS
    assert _count(
        database, "SELECT count(*) FROM recommendation_runs WHERE profile_id = ?", profile_id
    ) == WRITERS


def test_erased_profile_leaves_no_bytes_and_files_are_private(
    sqlite_server: Server, partner_key: str, database: Path
) -> None:
    headers = {"X-API-Key": partner_key}
    marker = "Zqxwv Erasable Handlooms"
    with httpx.Client(base_url=sqlite_server.base, timeout=30) as client:
        created = client.post(
            "/v1/profiles", json={**PROFILE_EXAMPLE, "name": marker}, headers=headers
        )
        assert created.status_code == 201, created.text
        profile_id = created.json()["id"]
        assert client.get(
            f"/v1/profiles/{profile_id}/recommendations", headers=headers
        ).status_code == 200
        assert _checkpoint(database) == 0  # the name is in the main file now
        files = [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
        assert any(marker.encode() in f.read_bytes() for f in files if f.exists())

        assert client.delete(f"/v1/profiles/{profile_id}", headers=headers).status_code == 204
    # No checkpoint by the test: the erasure itself leaves no copy in the WAL.
    for path in files:
        if path.exists():
            assert marker.encode() not in path.read_bytes(), f"{path.name} still holds the name"
    for path in files:
        if path.exists():
            mode = stat.S_IMODE(path.stat().st_mode)
            assert mode == 0o600, f"{path.name}: {oct(mode)}"
    assert stat.S_IMODE(database.parent.stat().st_mode) == 0o700
