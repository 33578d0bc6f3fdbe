"""The deployment files hold what production relies on (no Docker engine runs the tests, so the
Dockerfile and compose file are checked as text), and the gunicorn settings really serve and
shut down gracefully."""

from __future__ import annotations

import fnmatch
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
import yaml

from tests.resilience.conftest import ROOT, free_port

DOCKERFILE = ROOT / "Dockerfile"


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with line continuations joined; heredoc bodies skipped."""
    text = DOCKERFILE.read_text(encoding="utf-8")
    text = re.sub(r"<<'(\w+)'.*?\n\1\n", "<<HEREDOC\n", text, flags=re.S)
    text = re.sub(r"\\\n\s*", " ", text)
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def _stages() -> dict[str, list[tuple[str, str]]]:
    stages: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    for word, rest in _instructions():
        if word == "FROM":
            image, _, name = rest.partition(" AS ")
            current = []
            stages[name.strip() or image] = [(word, image.strip()), *current]
            current = stages[name.strip() or image]
        else:
            current.append((word, rest))
    return stages


def test_dockerfile_is_multi_stage_on_slim_python() -> None:
    stages = _stages()
    assert list(stages) == ["build", "runtime"]
    for body in stages.values():
        assert body[0] == ("FROM", "python:3.11-slim")
    runtime = stages["runtime"]
    copies = [rest for word, rest in runtime if word == "COPY"]
    assert any(c.startswith("--from=build /opt/venv") for c in copies)
    # Nothing is compiled or downloaded in the runtime stage: no pip, no apt.
    assert not any(word == "RUN" and ("pip" in rest or "apt" in rest) for word, rest in runtime)


def test_runtime_runs_as_non_root_with_a_healthcheck_on_healthz() -> None:
    runtime = _stages()["runtime"]
    users = [rest for word, rest in runtime if word == "USER"]
    assert users
    assert users[-1].split(":")[0] not in ("root", "0")
    user_index = max(i for i, (word, _) in enumerate(runtime) if word == "USER")
    assert all(word not in ("RUN", "COPY") for word, _ in runtime[user_index + 1 :])
    checks = [rest for word, rest in runtime if word == "HEALTHCHECK"]
    assert len(checks) == 1
    assert "/healthz" in checks[0]
    cmd = next(rest for word, rest in reversed(runtime) if word == "CMD")
    assert "gunicorn" in cmd
    assert "db upgrade" not in cmd  # migrations are their own step


def test_every_copied_path_exists_and_is_not_dockerignored() -> None:
    ignored = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for word, rest in _instructions():
        if word != "COPY" or rest.startswith("--from"):
            continue
        *sources, _target = rest.split()
        for source in sources:
            assert (ROOT / source).exists(), source
            assert not any(fnmatch.fnmatch(source, pattern) for pattern in ignored), source


def test_compose_has_postgres_a_separate_migrate_step_and_the_app() -> None:
    compose: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert services["db"]["image"].startswith("postgres:")
    migrate = " ".join(services["migrate"]["command"])
    assert "dakmatch db upgrade" in migrate
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    app = services["app"]
    assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "command" not in app  # the image's gunicorn command, which never migrates
    assert app["environment"]["DATABASE_URL"].startswith("postgresql+psycopg://")
    assert "@db:5432/" in app["environment"]["DATABASE_URL"]


class Gunicorn:
    """``gunicorn -c deploy/gunicorn.conf.py`` with two workers on a fresh SQLite file."""

    def __init__(self, tmp_path: Path, **extra_env: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DAKMATCH_", "GUNICORN_"))}
        env.update(
            DATABASE_URL=f"sqlite:///{tmp_path / 'app.db'}",
            DAKMATCH_PORT=str(self.port),
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            WEB_CONCURRENCY="2",
            DAKMATCH_LOG_LEVEL="WARNING",
            **extra_env,
        )
        self.log_path = tmp_path / "gunicorn.log"
        config = str(ROOT / "deploy" / "gunicorn.conf.py")
        command = [sys.executable, "-m", "gunicorn", "--config", config,
                   "service.app:create_app()"]
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=self._log,
                                        stderr=subprocess.STDOUT)

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + 90
        while True:
            assert self.process.poll() is None, self.log_path.read_text()
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, self.log_path.read_text()
            time.sleep(0.3)

    def workers(self) -> list[psutil.Process]:
        children: list[psutil.Process] = psutil.Process(self.process.pid).children()
        return children

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=40)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self._log.close()


@pytest.mark.slow
def test_gunicorn_settings_serve_with_workers_and_stop_gracefully(tmp_path: Path) -> None:
    server = Gunicorn(tmp_path)
    try:
        server.wait_healthy()
        workers = server.workers()
        assert len(workers) == 2
        # No CPU pinning unless the deployer asks for it (GUNICORN_PIN_WORKERS).
        usable = sorted(os.sched_getaffinity(0))
        assert all(w.cpu_affinity() == usable for w in workers)
        assert server.stop() == 0
    finally:
        server.close()


@pytest.mark.slow
@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two usable CPUs")
def test_gunicorn_pins_each_worker_to_a_cpu_of_its_own_when_asked(tmp_path: Path) -> None:
    server = Gunicorn(tmp_path, GUNICORN_PIN_WORKERS="1")
    try:
        server.wait_healthy()
        workers = server.workers()
        assert len(workers) == 2
        deadline = time.monotonic() + 90
        # Both workers started (the event loop and the ranking thread at least).
        while any(len(w.threads()) < 2 for w in workers):
            assert time.monotonic() < deadline, server.log_path.read_text()
            time.sleep(0.3)
        cpus = []
        for worker in workers:
            placed = {tuple(os.sched_getaffinity(t.id)) for t in worker.threads()}
            assert len(placed) == 1, placed  # every thread of the worker on the same CPU
            cpus.append(placed.pop())
        assert sorted(cpus) == [(c,) for c in sorted(os.sched_getaffinity(0))[:2]]
        # A worker that dies is replaced on the CPU it freed.
        freed = workers[0].cpu_affinity()
        workers[0].kill()
        old = {w.pid for w in workers}
        while not (new := [w for w in server.workers() if w.pid not in old]) or (
            new[0].cpu_affinity() != freed
        ):
            assert time.monotonic() < deadline, server.log_path.read_text()
            time.sleep(0.3)
        assert server.stop() == 0
    finally:
        server.close()
