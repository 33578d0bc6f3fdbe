"""Prometheus metrics: requests per route template, latencies, ranking time, catalogue version.

With several worker processes (gunicorn, ``dakmatch serve --workers N``) each keeps its own
values; when ``PROMETHEUS_MULTIPROC_DIR`` names a folder (set before the workers start, as
deploy/gunicorn.conf.py and ``dakmatch serve`` do), every process writes its values there and
``/metrics`` answers the sum over all of them, whichever process serves it (prometheus_client's
multiprocess mode; a worker that exits is marked dead, see :func:`mark_dead`).
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

# Buckets from 1 ms: a ranking takes a few milliseconds, /healthz well under one.
_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)

REQUESTS = Counter(
    "dakmatch_http_requests_total",
    "HTTP requests answered, by method, route template and status code",
    ("method", "route", "status"),
)
REQUEST_SECONDS = Histogram(
    "dakmatch_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and route template",
    ("method", "route"),
    buckets=_BUCKETS,
)
RANKING_SECONDS = Histogram(
    "dakmatch_ranking_duration_seconds",
    "Time the ranker takes for one profile",
    buckets=_BUCKETS,
)
CATALOG_INFO = Gauge(
    "dakmatch_catalog_info",
    "The served catalogue version (value 1) and its number of offerings",
    ("version", "offerings"),
    multiprocess_mode="livemax",  # several processes: each live one's catalogue
)
_shown: list[tuple[str, str]] = []  # the labels of the catalogue this process shows


def set_catalog_version(version: str, offerings: int) -> None:
    """Expose only the catalogue now served."""
    for old in _shown:  # in multiprocess mode clear() leaves the stored value: zero it first
        CATALOG_INFO.labels(*old).set(0)
    CATALOG_INFO.clear()
    _shown[:] = [(version, str(offerings))]
    CATALOG_INFO.labels(version=version, offerings=str(offerings)).set(1)


def render() -> tuple[bytes, str]:
    """The exposition text (of every process in multiprocess mode) and its content type."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST


def mark_dead(pid: int) -> None:
    """Drop the live-process gauges of an exited worker (gunicorn's ``child_exit``, a worker's
    own shutdown); its counters stay in the sums."""
    if os.environ.get(MULTIPROC_ENV):
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]
