"""The public form's POST does its database and ranking work off the event loop: while one
visitor's consented form waits for the database, other requests are still answered."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from catalog.geo import Geography
from service.app import create_app
from service.db import Profile, make_engine
from service.runtime import Runtime, ServedCatalog
from service.settings import Settings
from tests.service.conftest import migrated_database
from tests.web.test_pages import FORM

HOLD_AT_MOST = 3.0  # seconds the database stays locked when nothing else releases it


def test_a_form_waiting_for_the_database_does_not_stop_other_requests(
    tmp_path: Path, geography: Geography, served: ServedCatalog
) -> None:
    url = migrated_database("sqlite", tmp_path, "form", "concurrency test")
    settings = Settings(database_url=url, catalog_refresh_seconds=0)
    app = create_app(settings, runtime=Runtime(geography=geography, served=served))
    path = make_url(url).database
    assert path is not None
    with TestClient(app, base_url="http://localhost") as client:
        assert client.get("/healthz").status_code == 200
        # Another process holds the database's write lock: the consented form must wait.
        holder = sqlite3.connect(path, isolation_level=None, timeout=10)
        holder.execute("BEGIN IMMEDIATE")
        released = threading.Event()
        posted: dict[str, Any] = {}

        def post_form() -> None:
            posted["response"] = client.post("/results", data={**FORM, "consent": "yes"})

        poster = threading.Thread(target=post_form)
        poster.start()
        try:
            poster.join(1.0)  # time to rank and reach the database, where it now waits
            assert poster.is_alive(), "the form did not wait for the locked database"
            answered: dict[str, Any] = {}

            def probe() -> None:
                answered["status"] = client.get("/healthz").status_code
                answered["while_locked"] = not released.is_set()

            prober = threading.Thread(target=probe)
            prober.start()
            prober.join(HOLD_AT_MOST)
        finally:
            released.set()
            holder.execute("ROLLBACK")
            holder.close()
        prober.join(30)
        poster.join(30)
        # The probe was answered while the form still waited for the lock (on the event loop,
        # the form's wait would have held the probe until the lock was released).
        assert answered == {"status": 200, "while_locked": True}
        assert posted["response"].status_code == 200
        assert "Your answers are saved" in posted["response"].text
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Profile)) == 1
    engine.dispose()

