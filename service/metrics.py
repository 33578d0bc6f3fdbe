"""Prometheus metrics: requests per route template, latencies, ranking time, catalogue version."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

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
)


def set_catalog_version(version: str, offerings: int) -> None:
    """Expose only the catalogue now served."""
    CATALOG_INFO.clear()
    CATALOG_INFO.labels(version=version, offerings=str(offerings)).set(1)


def render() -> tuple[bytes, str]:
    """The exposition text and its content type."""
    return generate_latest(), CONTENT_TYPE_LATEST
