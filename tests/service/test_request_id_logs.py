"""Every log line written while a request is served carries that request's id, not only the
access line (the logging set-up of ``dakmatch serve`` and gunicorn workers)."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.logs import configure_logging
from service.recommendations.service import parse_body
from service.runtime import ServedCatalog
from tests.service.conftest import make_profile


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


def test_lines_logged_in_the_ranking_thread_carry_their_requests_ids(
    make_app: Callable[..., FastAPI], served: ServedCatalog, stderr_log: io.StringIO,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """POST /v1/recommendations validates and ranks in a ranking thread of its own
    (service/recommendations/batcher.py): what is logged there names the request too."""
    probe = logging.getLogger("dakmatch.probe")
    ranker = served.ranker
    assert ranker is not None
    rank = ranker.rank_batch

    def parse_logged(*args: Any) -> Any:
        probe.info("validating")
        return parse_body(*args)

    def rank_logged(*args: Any, **kwargs: Any) -> Any:
        probe.info("ranking")
        return rank(*args, **kwargs)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr("service.recommendations.batcher.parse_body", parse_logged)
    monkeypatch.setattr(ranker, "rank_batch", rank_logged)
    with TestClient(make_app(), raise_server_exceptions=False) as client:
        ranked = client.post("/v1/recommendations", json=make_profile(),
                             headers={"X-Request-ID": "req-rank"})
        assert ranked.status_code == 200
        monkeypatch.setattr(ranker, "rank_batch", broken)
        failed = client.post("/v1/recommendations", json=make_profile(),
                             headers={"X-Request-ID": "req-bug"})
        assert failed.status_code == 500

    lines = [json.loads(line) for line in stderr_log.getvalue().splitlines()]

    def ids(message: str) -> list[str | None]:
        return [line.get("request_id") for line in lines if line["msg"] == message]

    assert ids("validating") == ["req-rank", "req-bug"]
    assert ids("ranking") == ["req-rank"]
    assert ids("ranking batch failed") == ["req-bug"]
