"""Every log line written while a request is served carries that request's id, not only the
access line (the logging set-up of ``dakmatch serve`` and gunicorn workers)."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.logs import configure_logging


@pytest.fixture
def stderr_log(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """The app's real logging configuration, writing into a buffer instead of stderr."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    buffer = io.StringIO()
    monkeypatch.setattr(sys, "stderr", buffer)
    configure_logging("INFO")
    try:
        yield buffer
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def test_every_line_of_a_request_carries_its_id(
    make_app: Callable[..., FastAPI], stderr_log: io.StringIO
) -> None:
    app = make_app()
    probe = logging.getLogger("dakmatch.probe")

    @app.get("/probe-async")
    async def probe_async() -> dict[str, str]:
        probe.info("on the event loop")
        return {}

    @app.get("/probe-thread")
    def probe_thread() -> dict[str, str]:  # FastAPI runs it in its thread pool
        probe.warning("in a worker thread")
        return {}

    with TestClient(app) as client:
        probe.info("outside any request")
        assert client.get("/probe-async", headers={"X-Request-ID": "req-one"}).status_code == 200
        assert client.get("/probe-thread", headers={"X-Request-ID": "req-two"}).status_code == 200

    lines = [json.loads(line) for line in stderr_log.getvalue().splitlines()]
    ours = {line["msg"]: line for line in lines if line["logger"] == "dakmatch.probe"}
    assert ours["on the event loop"]["request_id"] == "req-one"
    assert ours["in a worker thread"]["request_id"] == "req-two"
    assert "request_id" not in ours["outside any request"]
    access = [line for line in lines if line["msg"] == "request"]
    assert [line["request_id"] for line in access] == ["req-one", "req-two"]
