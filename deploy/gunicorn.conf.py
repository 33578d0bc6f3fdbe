"""Production server settings: gunicorn managing uvicorn workers (``uvicorn-worker``).

    gunicorn -c deploy/gunicorn.conf.py "service.app:create_app()"

Deployment configuration, not application code: it reads a few ``GUNICORN_*``/``WEB_*``
variables of the container environment; the app itself reads only ``DAKMATCH_*`` settings.
Each worker is a separate process with its own ranker (fitted in the app's lifespan) and its own
database pool, so the app stays stateless and any number of these servers can run side by side.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

_port = os.environ.get("DAKMATCH_PORT", "8000")
bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{_port}")

# Ranking is CPU-bound and requests are short: one worker per core (plus one, so a worker busy
# refitting the ranker after a catalogue change does not halve capacity on a small machine).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "uvicorn_worker.UvicornWorker"

# A worker silent for this long (no heartbeat) is killed and replaced; start-up (geography load
# and ranker fit, about 2 s) and the slowest request are far below it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# SIGTERM: stop accepting, let in-flight requests finish for up to this long, then exit.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Shorter than a load balancer's idle timeout (AWS ALB 60 s), so the balancer never reuses a
# connection the server has just closed.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# Recycle workers now and then (jittered so they do not all restart together) to bound any slow
# growth of memory.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "2000"))

# The app logs each request itself as JSON (service/logs.py); gunicorn logs only its own events.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("DAKMATCH_LOG_LEVEL", "info").lower()

# Behind a load balancer or reverse proxy: trust X-Forwarded-* only from these addresses or
# networks. The app applies the same setting itself (rate limits key on the forwarded client).
forwarded_allow_ips = os.environ.get("DAKMATCH_TRUSTED_PROXIES", "127.0.0.1,::1")
# Worker temporary files in memory, not on a possibly slow container layer.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None


def on_starting(server: object) -> None:
    """Refuse to start off loopback without a real DAKMATCH_SECRET_KEY (DESIGN §6), as
    ``dakmatch serve`` does: the published default would let anyone sign an officer's session."""
    from service.settings import Settings, secret_key_problem

    for address in [bind] if isinstance(bind, str) else list(bind):
        problem = secret_key_problem(Settings().secret_key, str(address).rsplit(":", 1)[0])
        if problem is not None:
            raise SystemExit(f"error: {problem}")


# CPU placement is the deployer's choice and off by default. GUNICORN_PIN_WORKERS=1 keeps each
# worker (every thread of it) on a CPU of its own while free CPUs remain; workers beyond the
# CPUs, and every worker without the variable, are placed by the operating system. A worker's
# event loop and its ranking thread take turns holding the interpreter; on one CPU they do not
# wake a second one at each hand-over (bench/RESULTS.md measures it). Pin only where this server
# has the machine (or its container's CPU set) to itself: two pinned servers would share CPUs.
pin_workers = os.environ.get("GUNICORN_PIN_WORKERS", "").strip().lower() in {"1", "true", "yes"}


def pre_fork(server: Any, worker: Any) -> None:
    """In the arbiter, before each worker starts: choose its CPU (one no live worker holds)."""
    worker.cpu = None
    if pin_workers and hasattr(os, "sched_setaffinity"):
        held = {getattr(w, "cpu", None) for w in server.WORKERS.values()}
        free = [cpu for cpu in sorted(os.sched_getaffinity(0)) if cpu not in held]
        worker.cpu = free[0] if free else None


def post_fork(server: Any, worker: Any) -> None:
    """In the new worker, before the app is loaded (its threads inherit the CPU)."""
    if worker.cpu is not None:
        os.sched_setaffinity(0, {worker.cpu})
        server.log.info("worker %s pinned to CPU %s", worker.pid, worker.cpu)


# /metrics sums every worker's values (prometheus_client's multiprocess mode, service/metrics.py):
# the workers write them into this folder, emptied at start. Set PROMETHEUS_MULTIPROC_DIR to
# choose it; else a fresh temporary folder, removed when gunicorn exits.
_metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
_own_metrics_dir = not _metrics_dir
if _metrics_dir:
    for stale in Path(_metrics_dir).glob("*.db"):
        stale.unlink()
else:
    _metrics_dir = tempfile.mkdtemp(prefix="dakmatch-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir  # inherited by every worker


def child_exit(server: Any, worker: Any) -> None:
    """In the arbiter, when a worker has exited (even killed): drop its live gauges."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Any) -> None:
    if _own_metrics_dir:
        shutil.rmtree(_metrics_dir, ignore_errors=True)
