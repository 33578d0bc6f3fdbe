"""A 2xx answer to a write is sent only after its transaction has committed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.orm import Session
from starlette.types import Message, Receive, Scope, Send

from service.db.models import Profile
from tests.service.conftest import Keys, make_profile


def test_profile_is_committed_before_the_201_is_sent(
    make_app: Callable[..., FastAPI], keys: Keys
) -> None:
    order: list[str] = []
    app = make_app()

    async def recording(scope: Scope, receive: Receive, send: Send) -> None:
        async def send_recorded(message: Message) -> None:
            if message["type"] == "http.response.start":
                order.append(f"response {message['status']}")
            await send(message)

        await app(scope, receive, send_recorded)

    writers: set[int] = set()

    def flushed(session: Session, _context: Any) -> None:
        if any(isinstance(row, Profile) for row in session.new):
            writers.add(id(session))

    def committed(session: Session) -> None:
        if id(session) in writers:
            order.append("profile committed")

    event.listen(Session, "after_flush", flushed)
    event.listen(Session, "after_commit", committed)
    try:
        with TestClient(recording) as client:
            order.clear()  # start-up may commit too
            created = client.post(
                "/v1/profiles", json=make_profile(), headers=keys.headers("partner")
            )
    finally:
        event.remove(Session, "after_commit", committed)
        event.remove(Session, "after_flush", flushed)
    assert created.status_code == 201, created.text
    # Every commit of the session that wrote the profile happened before the answer left.
    assert "profile committed" in order
    assert order[-1] == "response 201", order
