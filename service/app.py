"""The FastAPI application factory: routers, error handlers, middleware and lifespan."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import anyio.to_thread
from fastapi import FastAPI, Response
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from service import errors, health, languages, metrics
from service.db import make_engine, make_session_factory
from service.deps import Admin
from service.feedback.routes import router as feedback_router
from service.learning import repository as learning_repo
from service.logs import configure_logging
from service.middleware import CorsMiddleware, LimitsMiddleware, ObservabilityMiddleware
from service.offerings import repository as catalog_repo
from service.offerings.routes import router as offerings_router
from service.openapi import build_openapi
from service.profiles.routes import router as profiles_router
from service.recommendations.batcher import RankingBatcher
from service.recommendations.routes import router as recommendations_router
from service.runtime import Runtime, load_geography
from service.settings import Settings, get_settings
from service.web import router as web_router

log = logging.getLogger("dakmatch.app")

API_DESCRIPTION = """\
DakMatch matches Indian MSMEs to India Post and partner services.

Errors are `application/problem+json` (RFC 9457). Authenticate with the `X-API-Key` header.
A widget key (public, in a partner's web page) may only rank profiles and read the catalogue,
and only from its tenant's allowed origins.
"""


def create_app(
    settings: Settings | None = None,
    *,
    session_factory: sessionmaker[Session] | None = None,
    runtime: Runtime | None = None,
) -> FastAPI:
    """Build the app.

    Tests pass their own ``session_factory`` (bound to a connection rolled back per test) and a
    ``runtime`` holding a geography and a ranker built once per test session; in production
    both are made from the settings at start-up. A given runtime whose catalogue is not the
    newest in the database is refitted.
    """
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not logging.getLogger().handlers:  # a worker process started by `serve --workers`
            configure_logging(settings.log_level)
        engine = None
        factory = session_factory
        if factory is None:
            engine = make_engine(settings.database_url, settings.database_timeouts)
            factory = make_session_factory(engine)
        state = runtime if runtime is not None else Runtime()
        if state.geography is None:
            state.geography, problem = load_geography()
            if problem:
                state.problems.append(problem)
        app.state.session_factory = factory
        app.state.runtime = state
        languages.load()  # the gettext catalogues, compiled once before the first request
        refresh_catalog(app)
        batcher = RankingBatcher(settings.ranking_threads, settings.ranking_queue)
        batcher.start()
        app.state.ranking_batcher = batcher
        if runtime is None:
            _freeze_start_up_objects()
        watcher = None
        if settings.catalog_refresh_seconds > 0:
            watcher = asyncio.create_task(_watch_catalog(app, settings.catalog_refresh_seconds))
        try:
            yield
        finally:
            if watcher is not None:
                watcher.cancel()
            await anyio.to_thread.run_sync(batcher.stop)
            if engine is not None:
                engine.dispose()
            metrics.mark_dead(os.getpid())  # this worker's live gauges (multiprocess mode)

    app = FastAPI(
        title="DakMatch API",
        version="1.0.0",
        description=API_DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.openapi = lambda: build_openapi(app)  # type: ignore[method-assign]
    errors.install(app)
    app.include_router(health.router)
    # Routes are matched in this order: the ranking route, the API's volume, right after the
    # probes (each router passed costs its routes' matching: 7 us per request for offerings').
    app.include_router(recommendations_router)
    app.include_router(offerings_router)
    app.include_router(profiles_router)
    app.include_router(feedback_router)
    app.include_router(web_router)  # HTML pages: form, results, officer dashboard, widget

    @app.get(
        "/metrics", tags=["health"], response_class=Response, operation_id="health-metrics"
    )
    def prometheus_metrics(_caller: Admin) -> Response:
        """Prometheus metrics (admin keys): requests and latency per route, ranking latency,
        the served catalogue version."""
        body, content_type = metrics.render()
        return Response(body, media_type=content_type)

    # Added innermost first: requests pass ProxyHeaders -> Observability -> CORS -> Limits ->
    # routes.
    app.add_middleware(LimitsMiddleware, settings=settings)
    app.add_middleware(CorsMiddleware, settings=settings)
    app.add_middleware(ObservabilityMiddleware)
    # Outermost: the client's address and scheme as a trusted proxy forwarded them.
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    return app


def _freeze_start_up_objects() -> None:
    """Keep what the process loaded at start-up (directory, catalogue, fitted ranker) out of
    the cyclic garbage collector's full passes.

    Under load a full collection walked all of it and paused the process for 100-150 ms,
    which was the whole p99 of POST /v1/recommendations. Only for an app that loaded its own
    runtime: tests hand in theirs and build hundreds of apps in one process.
    """
    gc.collect()
    gc.freeze()


def refresh_catalog(app: FastAPI) -> None:
    """Serve the newest catalogue in the database and its active learned model, refitting the
    ranker when the catalogue changed and applying the model when another became active.

    Runs at start-up and every ``catalog_refresh_seconds``, so that a catalogue changed through
    another process (``dakmatch catalog load``, an admin PUT on another worker) or a model
    activated or rolled back (``dakmatch model ...``) is picked up. Each pass reads only the
    two version names unless one changed.
    """
    runtime: Runtime = app.state.runtime
    factory: sessionmaker[Session] = app.state.session_factory
    stored = None
    model: tuple[str | None, dict[str, Any] | None] | None = None
    try:
        with factory() as session:
            newest = catalog_repo.newest_version(session)
            current = runtime.served
            if newest is not None and (current is None or current.catalog.version != newest):
                stored = catalog_repo.latest_catalog(session)
            active = learning_repo.active_version(session)
            if active != runtime.model_wanted:
                row = learning_repo.get_version(session, active) if active else None
                model = (active, dict(row.model) if row else None)
        runtime.database_problem = None
    except SQLAlchemyError as exc:  # "not ready" with the reason, not a crash
        runtime.database_problem = f"database unreachable ({type(exc).__name__})"
        log.error("cannot read the catalogue: %s", type(exc).__name__)
    if model is not None:
        runtime.use_model(*model)
    if stored is not None:
        runtime.install(stored.catalog)
    runtime.expose(app.state)


async def _watch_catalog(app: FastAPI, every: float) -> None:
    while True:
        await asyncio.sleep(every)
        await anyio.to_thread.run_sync(refresh_catalog, app)
