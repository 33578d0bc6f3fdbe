"""Live servers for the browser tests: the app (uvicorn, loopback, its own migrated SQLite file)
and a partner's page on another origin that embeds the widget."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import uvicorn
from sqlalchemy.orm import sessionmaker

from catalog import load_catalog
from service.app import create_app
from service.auth import repository as auth_repo
from service.db import Role, make_engine
from service.db.migrate import upgrade
from service.offerings import repository as catalog_repo
from service.runtime import Runtime
from service.settings import Settings
from service.web.users import create_user

OFFICER = ("asha", "correct horse battery")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Live:
    base: str
    partner_page: str
    foreign_page: str
    hindi_page: str
    database_url: str


class _Pages(BaseHTTPRequestHandler):
    pages: dict[str, bytes] = {}  # noqa: RUF012 - set once per server before it starts

    def do_GET(self) -> None:
        body = self.pages.get(self.path)
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body or b"not found")

    def log_message(self, format: str, *args: Any) -> None:
        return


def _partner_html(base: str, key: str, title: str, lang: str = "en") -> bytes:
    return f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
<style>body {{ font-family: Georgia, serif; background: #eef; }}
h2, button, label {{ color: red !important; font-size: 40px; }}</style>
</head><body><main><h1>{title}</h1><p>Our members can check which India Post services fit them:</p>
<script src="{base}/embed.js" data-key="{key}"></script></main></body></html>""".encode()


def start_servers(tmp: Path, geography: Any) -> Iterator[Live]:
    url = f"sqlite:///{tmp / 'web.db'}"
    upgrade(url)
    app_port, partner_port = free_port(), free_port()
    base = f"http://127.0.0.1:{app_port}"
    partner_origin = f"http://localhost:{partner_port}"
    engine = make_engine(url)
    with sessionmaker(bind=engine).begin() as session:
        catalog_repo.store_catalog(session, load_catalog(), source="browser tests")
        create_user(session, *OFFICER, Role.OFFICER)
        # Widget keys, as the embed docs say (a page's key is public).
        _, partner_key = auth_repo.create_key(session, Role.WIDGET, "wtc-demo")
        auth_repo.set_allowed_origins(
            session, auth_repo.get_or_create_tenant(session, "wtc-demo"), [partner_origin]
        )
        _, foreign_key = auth_repo.create_key(session, Role.WIDGET, "elsewhere")
    engine.dispose()

    settings = Settings(database_url=url, catalog_refresh_seconds=0, log_level="WARNING")
    app = create_app(settings, runtime=Runtime(geography=geography))
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=app_port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()

    _Pages.pages = {
        "/": _partner_html(base, partner_key, "WTC demo members' portal"),
        "/elsewhere": _partner_html(base, foreign_key, "A portal not on the allow-list"),
        "/hindi": _partner_html(base, partner_key, "WTC demo (Hindi page)", lang="hi"),
    }
    partner = ThreadingHTTPServer(("127.0.0.1", partner_port), _Pages)
    partner_thread = threading.Thread(target=partner.serve_forever, daemon=True)
    partner_thread.start()

    deadline = time.monotonic() + 120
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the app server did not start")
        time.sleep(0.1)
    try:
        yield Live(
            base=base,
            partner_page=f"{partner_origin}/",
            foreign_page=f"{partner_origin}/elsewhere",
            hindi_page=f"{partner_origin}/hindi",
            database_url=url,
        )
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        partner.shutdown()
        partner.server_close()


def save_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
