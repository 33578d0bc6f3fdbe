"""Micro-batched ranking: requests are handed to a ranking thread in batches.

A single ranking costs mostly fixed per-call overhead of its array steps and of handing work
between threads; ``Ranker.rank_batch`` pays that once for a whole batch and gives each profile
exactly the ranking it gets alone. The event loop collects the requests that reach the ranking
step during one pass of the loop and hands them over together at the end of that pass (no
timer: a lone request waits for nothing but the rest of the pass); a ranking thread takes every
batch waiting when it becomes free. Requests are served first come first served; when
``queue_size`` requests wait, the caller gets 503 with ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

import orjson

from matching import EnterpriseProfile, ranking_payload
from service.errors import DakMatchError, NotReady
from service.logs import REQUEST_ID
from service.metrics import RANKING_SECONDS
from service.offerings.language import localized_names
from service.reasons import renderer
from service.recommendations.service import parse_body
from service.runtime import ServedCatalog

log = logging.getLogger("dakmatch.ranking")

MAX_BATCH = 64  # profiles ranked together at most (a batch of 64 takes a few ms)


@dataclass
class _Job:
    served: ServedCatalog
    data: Mapping[str, Any]
    limit: int
    lang: str
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[bytes]
    # The request's id (service.logs): lines logged in the ranking thread carry it too.
    request_id: str | None = None
    profile: EnterpriseProfile | None = None
    outcome: bytes | BaseException | None = field(default=None)


_STOP = object()


class RankingBatcher:
    """Ranking threads fed from one first-come-first-served queue of batches.

    Parameters
    ----------
    threads : int
        Ranking threads in this process, each taking a batch at a time.
    queue_size : int
        Requests that may wait; beyond, :meth:`rank` raises ``NotReady`` (503).
    """

    def __init__(self, threads: int, queue_size: int) -> None:
        self.threads = threads
        self.queue_size = queue_size
        self._queue: queue.Queue[list[_Job] | object] = queue.Queue()
        self._lock = threading.Lock()
        self._queued = 0  # requests in ``_queue`` (under ``_lock``)
        # Per event loop, the requests of its current pass (touched by that loop only).
        self._collecting: dict[asyncio.AbstractEventLoop, list[_Job]] = {}
        self._workers: list[threading.Thread] = []

    @property
    def waiting(self) -> int:
        """Requests accepted and not yet taken by a ranking thread."""
        with self._lock:
            queued = self._queued
        return queued + sum(len(jobs) for jobs in list(self._collecting.values()))

    @property
    def running(self) -> int:
        """Ranking threads alive (0 before :meth:`start` and after :meth:`stop`)."""
        return sum(worker.is_alive() for worker in self._workers)

    def start(self) -> None:
        """Start the ranking threads (once, in the app's lifespan)."""
        for number in range(self.threads):
            worker = threading.Thread(target=self._work, name=f"ranking-{number}", daemon=True)
            worker.start()
            self._workers.append(worker)

    def stop(self, timeout: float = 30.0) -> None:
        """Let the threads finish what is queued, then end them."""
        for _ in self._workers:
            self._queue.put(_STOP)
        for worker in self._workers:
            worker.join(timeout)
        self._workers.clear()

    async def rank(
        self, served: ServedCatalog, data: Mapping[str, Any], limit: int, lang: str = "en"
    ) -> bytes:
        """Validate and rank ``data`` in a ranking thread; the API's JSON body as bytes, its
        reasons in ``lang``.

        Raises ``InvalidInput`` (422) for a bad profile and ``NotReady`` (503) when the
        queue is full or no ranking thread runs.
        """
        if not self._workers:
            raise NotReady("the ranking threads are not running")
        if self.waiting >= self.queue_size:
            raise NotReady(
                f"{self.queue_size} rankings are already waiting; retry in a second",
                headers={"Retry-After": "1"},
            )
        loop = asyncio.get_running_loop()
        job = _Job(served, data, limit, lang, loop, loop.create_future(), REQUEST_ID.get())
        collecting = self._collecting.get(loop)
        if collecting is None:
            collecting = self._collecting[loop] = []
            loop.call_soon(self._hand_over, loop)  # runs after this pass's other callbacks
        collecting.append(job)
        return await job.future

    def _hand_over(self, loop: asyncio.AbstractEventLoop) -> None:
        jobs = self._collecting.pop(loop, [])
        if jobs:
            with self._lock:
                self._queued += len(jobs)
            self._queue.put(jobs)

    def _work(self) -> None:
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            jobs = list(cast(list[_Job], first))
            stop = False
            while len(jobs) < MAX_BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stop = True
                    break
                jobs.extend(cast(list[_Job], item))
            with self._lock:
                self._queued -= len(jobs)
            for start in range(0, len(jobs), MAX_BATCH):
                batch = jobs[start:start + MAX_BATCH]
                try:
                    _run(batch)
                except Exception as exc:  # a bug: every waiting request gets its 500
                    with _serving(batch):
                        log.exception("ranking batch failed")
                    for job in batch:
                        if job.outcome is None:
                            job.outcome = exc
                _deliver(batch)
            if stop:
                return


@contextmanager
def _serving(jobs: list[_Job]) -> Iterator[None]:
    """Lines logged inside carry the request ids of ``jobs`` (comma-separated when a step
    serves several requests at once), as lines logged on the event loop do."""
    token = REQUEST_ID.set(",".join(job.request_id for job in jobs if job.request_id) or None)
    try:
        yield
    finally:
        REQUEST_ID.reset(token)


def _run(jobs: list[_Job]) -> None:
    """Validate each job, rank the valid ones in batches of the same served ranker, encode."""
    groups: dict[int, list[_Job]] = {}
    for job in jobs:
        try:
            with _serving([job]):
                job.profile = parse_body(job.data, job.served.geography)
        except DakMatchError as exc:
            job.outcome = exc
            continue
        groups.setdefault(id(job.served), []).append(job)
    for group in groups.values():
        served = group[0].served
        if served.ranker is None:
            for job in group:
                job.outcome = NotReady(served.problem or "the ranker is not fitted")
            continue
        profiles = [job.profile for job in group if job.profile is not None]
        started = time.perf_counter()
        with _serving(group):
            rankings = served.ranker.rank_batch(profiles, k=[job.limit for job in group])
        share = (time.perf_counter() - started) / len(group)
        for job, ranking in zip(group, rankings, strict=True):
            RANKING_SECONDS.observe(share)
            with _serving([job]):
                payload = ranking_payload(ranking, served.catalog.version,
                                          render=renderer(job.lang, served.catalog).many)
                job.outcome = encode_body(localized_names(payload, served.catalog, job.lang))


def encode_body(payload: dict[str, Any]) -> bytes:
    """The body, byte for byte as Starlette's ``JSONResponse`` writes it (compact UTF-8), with
    orjson: 3 us instead of 60 us for a ranking of ten."""
    body: bytes = orjson.dumps(payload)
    return body


def _deliver(jobs: list[_Job]) -> None:
    """Hand the outcomes to the event loops that wait for them (one wake-up per loop)."""
    by_loop: dict[asyncio.AbstractEventLoop, list[_Job]] = {}
    for job in jobs:
        by_loop.setdefault(job.loop, []).append(job)
    for loop, waiting in by_loop.items():
        try:
            loop.call_soon_threadsafe(_settle, waiting)
        except RuntimeError:  # the loop is closed: nobody waits any more
            continue


def _settle(jobs: list[_Job]) -> None:
    for job in jobs:
        if job.future.done():  # the client went away
            continue
        if isinstance(job.outcome, BaseException):
            job.future.set_exception(job.outcome)
        elif job.outcome is not None:
            job.future.set_result(job.outcome)
        else:
            job.future.set_exception(RuntimeError("ranking produced no answer"))
