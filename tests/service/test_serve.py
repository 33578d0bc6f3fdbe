"""`dakmatch serve` end to end: a fresh SQLite file is migrated, loaded and served."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

DAKMATCH = Path(sys.executable).parent / "dakmatch"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def wait_ready(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    status = 0
    while time.monotonic() < deadline and server.poll() is None:
        try:
            status, _ = _get(base + "/readyz")
        except OSError:
            status = 0
        if status == 200:
            return
        time.sleep(0.5)
    raise AssertionError(f"not ready ({status}):\n{log.read_text()[-4000:]}")


def start_serve(
    tmp_path: Path, *args: str, **extra_env: str
) -> tuple[subprocess.Popen[bytes], str, Path]:
    """``dakmatch serve`` on a free port and a fresh SQLite file: the process, its address
    and its log."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'dm.db'}",
           **extra_env}
    env.pop("DAKMATCH_DATABASE_URL", None)
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(DAKMATCH), "serve", "--port", str(port), *args], env=env, stdout=out, stderr=out
        )
    return server, f"http://127.0.0.1:{port}", log


@pytest.mark.slow
def test_serve_migrates_loads_and_answers(tmp_path: Path) -> None:
    server, base, log = start_serve(tmp_path)
    try:
        wait_ready(base, server, log)
        # CPU placement is the deployer's (deploy/gunicorn.conf.py): the app leaves it alone.
        threads = [int(task.name) for task in Path(f"/proc/{server.pid}/task").iterdir()]
        assert len(threads) > 1  # the event loop and the ranking thread at least
        for thread in threads:
            try:
                assert os.sched_getaffinity(thread) == os.sched_getaffinity(0)
            except ProcessLookupError:  # a thread that ended meanwhile
                continue
        status, listing = _get(base + "/v1/offerings?category=export_facilitation")
        assert status == 200
        assert {"dnk", "ibc-mumbai"} <= {o["id"] for o in listing["offerings"]}
        status, problem = _get(base + "/v1/offerings/nope")
        assert (status, problem["status"]) == (404, 404)
    finally:
        server.terminate()
        server.wait(timeout=30)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    access = [entry for entry in lines if entry.get("msg") == "request"]
    assert {"request_id", "route", "status", "duration_ms"} <= set(access[-1])
    assert (tmp_path / "data" / "dm.db").exists()


def _ranked_requests(metrics: str) -> float:
    """POST /v1/recommendations answered 200, as /metrics counts them."""
    series = ('dakmatch_http_requests_total{method="POST",route="/v1/recommendations",'
              'status="200"} ')
    found = [line for line in metrics.splitlines() if line.startswith(series)]
    return float(found[0].rsplit(" ", 1)[1]) if found else 0.0


@pytest.mark.slow
def test_serve_with_several_workers_ranks_in_each_and_metrics_add_up(tmp_path: Path) -> None:
    # Workers are spawned processes that import the app afresh (with the parent's sys.path).
    # /metrics sums what every worker counted (prometheus_client's multiprocess mode): the
    # folder is named here only to see which processes wrote to it.
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    server, base, log = start_serve(tmp_path, "--workers", "2",
                               PROMETHEUS_MULTIPROC_DIR=str(metrics_dir))
    try:
        wait_ready(base, server, log)
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'dm.db'}"}
        created = subprocess.run([str(DAKMATCH), "keys", "create", "--role", "admin"], env=env,
                                 capture_output=True, text=True, check=True)
        admin = {"X-API-Key": created.stdout.strip().splitlines()[-1]}
        body = json.dumps({"pincode": "302001", "sector": "handicrafts",
                           "needs": ["domestic_shipping"]}).encode()

        def writers() -> set[str]:
            return {p.stem.rsplit("_", 1)[1] for p in metrics_dir.glob("counter_*.db")}

        sent = 0
        while sent < 8 or (len(writers()) < 2 and sent < 400):  # until both workers counted
            request = urllib.request.Request(
                base + "/v1/recommendations?limit=3", data=body, method="POST",
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                assert len(json.loads(response.read())["recommendations"]) == 3
            sent += 1
        assert len(writers()) == 2, writers()
        for _ in range(6):  # whichever worker answers, it reports both workers' counts
            request = urllib.request.Request(base + "/metrics", headers=admin)
            with urllib.request.urlopen(request, timeout=10) as response:
                assert _ranked_requests(response.read().decode()) == sent
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert "Traceback" not in log.read_text()
