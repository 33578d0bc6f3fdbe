"""``dakmatch serve``: migrate, load the catalogue on first run, then serve with uvicorn."""

from __future__ import annotations

import argparse
import os
import tempfile
from contextlib import ExitStack
from typing import TYPE_CHECKING

from service.bootstrap import database_has_catalog, load_catalog_file, upgrade_database
from service.cli import Subparsers, counted
from service.cli._errors import fail, friendly_errors
from service.metrics import MULTIPROC_ENV
from service.settings import get_settings, secret_key_problem

if TYPE_CHECKING:
    from fastapi import FastAPI


def register(subparsers: Subparsers) -> None:
    serve = subparsers.add_parser(
        "serve",
        help="upgrade the database, load the catalogue if it has none, serve the API and pages",
    )
    serve.add_argument(
        "--host",
        default=None,
        help="address to bind (default 127.0.0.1); any other than loopback needs "
        "DAKMATCH_SECRET_KEY set to a secret of your own of at least 32 characters",
    )
    serve.add_argument("--port", type=int, default=None, help="port (default 8000)")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes (default 1); caches are per process, and so are rate limits "
        "unless DAKMATCH_REDIS_URL is set",
    )
    serve.set_defaults(func=_serve)


@friendly_errors
def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from service.app import create_app
    from service.logs import configure_logging

    settings = get_settings()
    host = args.host or settings.host
    port = settings.port if args.port is None else args.port
    if not 0 < port < 65536:
        return fail(f"--port {port} is not a TCP port (1-65535)")
    if not 1 <= args.workers <= 64:
        return fail(f"--workers {args.workers}: give 1 to 64 processes")
    problem = secret_key_problem(settings.secret_key, host)
    if problem is not None:
        return fail(problem)
    configure_logging(settings.log_level)
    upgrade_database(settings)
    if not database_has_catalog(settings):
        result = load_catalog_file(settings)
        offerings = counted(len(result.catalog), "{n} offering", "{n} offerings")
        print(f"loaded catalogue {result.catalog.version} ({offerings})")
    # Several workers need an import string; each process builds its app from the environment.
    app: str | FastAPI = "service.app:create_app" if args.workers > 1 else create_app(settings)
    with ExitStack() as cleanup:
        if args.workers > 1 and not os.environ.get(MULTIPROC_ENV):
            # /metrics sums the workers' values (service/metrics.py); they inherit the folder.
            folder = cleanup.enter_context(tempfile.TemporaryDirectory(prefix="dakmatch-metrics-"))
            os.environ[MULTIPROC_ENV] = folder
            cleanup.callback(os.environ.pop, MULTIPROC_ENV, None)
        uvicorn.run(
            app,
            factory=args.workers > 1,
            workers=args.workers,
            host=host,
            port=port,
            log_level=settings.log_level.lower(),
            access_log=False,  # the app logs each request itself, as JSON without personal data
            log_config=None,  # keep the JSON logging configured above
            # The app reads X-Forwarded-* itself (service/app.py, settings.trusted_proxies):
            # uvicorn's own copy of that middleware would run it twice per request.
            proxy_headers=False,
        )
    return 0
