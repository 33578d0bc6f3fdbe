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

import pytest

DAKMATCH = Path(sys.executable).parent / "dakmatch"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.mark.slow
def test_serve_migrates_loads_and_answers(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'dm.db'}"}
    env.pop("DAKMATCH_DATABASE_URL", None)
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(DAKMATCH), "serve", "--port", str(port)], env=env, stdout=out, stderr=out
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        status = 0
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status, _ = _get(base + "/readyz")
            except OSError:
                status = 0
            if status == 200:
                break
            time.sleep(0.5)
        assert status == 200, log.read_text()
        if len(os.sched_getaffinity(0)) >= 2:  # the serving process keeps to one CPU
            allowed = {
                line.split(":", 1)[1].strip()
                for task in Path(f"/proc/{server.pid}/task").iterdir()
                for line in (task / "status").read_text().splitlines()
                if line.startswith("Cpus_allowed_list")
            }
            assert len(allowed) == 1, allowed
            assert allowed.pop().isdigit()
        status, listing = _get(base + "/v1/offerings?category=export_facilitation")
        assert status == 200
        assert {"dnk", "ibc-mumbai"} <= {o["id"] for o in listing["offerings"]}  # type: ignore[attr-defined, index]
        status, problem = _get(base + "/v1/offerings/nope")
        assert (status, problem["status"]) == (404, 404)
    finally:
        server.terminate()
        server.wait(timeout=30)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    access = [entry for entry in lines if entry.get("msg") == "request"]
    assert {"request_id", "route", "status", "duration_ms"} <= set(access[-1])
    assert (tmp_path / "data" / "dm.db").exists()
