"""A throwaway PostgreSQL (initdb + pg_ctl on a spare port) and the real server started on it.

The shared PostgreSQL on 5432 is never touched: each test module gets its own cluster in a temp
directory, stopped and removed at the end. As root, the PostgreSQL binaries run as the
``postgres`` user (they refuse to run as root).
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
# The console script's entry point, run by this interpreter (no reliance on PATH).
DAKMATCH = [
    sys.executable,
    "-c",
    "import sys; from service.cli import main; sys.exit(main(sys.argv[1:]))",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _postgres_bin() -> Path | None:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class Postgres:
    """One PostgreSQL cluster in a temp directory, on a free loopback port."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="dakmatch-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self._as_postgres: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            self._as_postgres = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, timeout: float = 60) -> None:
        command = [*self._as_postgres, *args]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {result.stderr}{result.stdout}\n{log}")

    def init(self) -> None:
        self._run(
            str(self.bindir / "initdb"),
            "-D", str(self.data),
            "-U", "postgres",
            "-A", "trust",
            "-E", "UTF8",
            "--no-locale",
            "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
            "-c max_connections=60 -c shared_buffers=32MB"
        )
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop"
        )  # fmt: skip

    def destroy(self) -> None:
        try:
            self.stop("immediate")
        except RuntimeError:
            pass  # already stopped
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    bindir = _postgres_bin()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    pg = Postgres(bindir)
    try:
        pg.init()
        pg.start()
        yield pg
    finally:
        pg.destroy()


def cli(env: dict[str, str], *args: str) -> str:
    """Run ``dakmatch ARGS`` as a subprocess; its stdout."""
    result = subprocess.run(
        [*DAKMATCH, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, f"dakmatch {' '.join(args)}: {result.stderr}"
    return result.stdout


def server_environment(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DAKMATCH_")}
    env.update(
        DATABASE_URL=database_url,
        DAKMATCH_DATABASE_URL=database_url,
        DAKMATCH_RATE_LIMIT_PER_KEY="0",
        DAKMATCH_RATE_LIMIT_PER_IP="0",
        DAKMATCH_CATALOG_REFRESH_SECONDS="1",
        DAKMATCH_LOG_LEVEL="WARNING",
    )
    return env


class Server:
    """``dakmatch serve`` in a subprocess on a free port."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"server-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 90) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [*DAKMATCH, "serve", "--port", str(self.port)],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-3000:]}")
            try:
                response = httpx.get(self.base + "/readyz", timeout=2)
                if response.status_code == 200:
                    return
                last = response.text
            except httpx.HTTPError as exc:
                last = repr(exc)
            time.sleep(0.25)
        raise RuntimeError(f"server not ready after {timeout} s: {last}")

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flushing: a crash."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def _ranking_available() -> bool:
    import matching

    return hasattr(matching, "Ranker") and hasattr(matching, "parse_profile")


@pytest.fixture(scope="module")
def environment(postgres: Postgres) -> dict[str, str]:
    """Server environment on the throwaway database, migrated and holding the catalogue.

    The server is ready only with a fitted ranker (readiness contract): skipped until matching
    provides one, the same rule as tests/service's ``ranker_ready``.
    """
    if not _ranking_available():
        pytest.skip("matching.Ranker / parse_profile are not available yet")
    env = server_environment(postgres.url)
    cli(env, "db", "upgrade")
    cli(env, "catalog", "load")
    return env


@pytest.fixture(scope="module")
def partner_key(environment: dict[str, str]) -> str:
    output = cli(environment, "keys", "create", "--role", "partner", "--tenant", "resilience")
    return output.strip().splitlines()[-1].strip()


@pytest.fixture
def server(
    environment: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    srv = Server(environment, tmp_path_factory.mktemp("server"))
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()
