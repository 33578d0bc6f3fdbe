"""Fixed-window rate limiters: counters in this process, or in Redis shared by every process.

One interface, :class:`Limiter`, two implementations: :class:`MemoryLimiter` (per process, the
default) and :class:`RedisLimiter` (``DAKMATCH_REDIS_URL`` set: all workers and servers count
against one budget). :func:`make_limiter` picks one from the settings. A bucket is a name and
its limit per window; a limit of 0 or less never limits. Callers choose the names (``ip:...``,
``key:...``); each limiter has its own ``namespace`` so that two uses never share a counter.

Blocking calls (``hit``, ``check``, ``clear``) may be used from threads (sync route handlers);
the async ``hit_async`` is for the event loop (middleware) and does Redis I/O in a thread.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Sequence

import anyio.to_thread
import redis
from redis.exceptions import RedisError

from service.settings import Settings

log = logging.getLogger("dakmatch.ratelimit")

Bucket = tuple[str, int]
"""A counter's name and its limit per window."""


class Limiter(ABC):
    """Counts events per bucket in fixed windows of ``window_seconds``."""

    def __init__(self, window_seconds: int) -> None:
        if window_seconds < 1:
            raise ValueError("window_seconds must be at least 1")
        self.window_seconds = window_seconds

    def _window(self, now: float) -> tuple[int, int]:
        """The current window's number and the whole seconds until it ends (at least 1)."""
        index = int(now // self.window_seconds)
        return index, max(1, math.ceil((index + 1) * self.window_seconds - now))

    @abstractmethod
    def hit(self, buckets: Sequence[Bucket], now: float | None = None) -> int | None:
        """Count one event in every bucket; the seconds to wait when one is now over its limit,
        else None."""

    @abstractmethod
    def check(self, buckets: Sequence[Bucket], now: float | None = None) -> int | None:
        """Without counting: the seconds to wait when a bucket has already reached its limit
        (the next ``hit`` would be over), else None."""

    @abstractmethod
    def clear(self, names: Sequence[str], now: float | None = None) -> None:
        """Forget the current window's counts of these buckets (e.g. after a good sign-in)."""

    async def hit_async(self, buckets: Sequence[Bucket]) -> int | None:
        """``hit`` for the event loop."""
        return self.hit(buckets)


class MemoryLimiter(Limiter):
    """Counters in this process (each worker process has its own)."""

    def __init__(self, window_seconds: int) -> None:
        super().__init__(window_seconds)
        self._lock = threading.Lock()
        self._index = -1
        self._counts: dict[str, int] = {}

    def _current(self, now: float | None) -> int:
        index, wait = self._window(time.time() if now is None else now)
        if index != self._index:
            self._index, self._counts = index, {}
        return wait

    def hit(self, buckets: Sequence[Bucket], now: float | None = None) -> int | None:
        with self._lock:
            wait = self._current(now)
            over = False
            for name, limit in buckets:
                if limit <= 0:
                    continue
                count = self._counts.get(name, 0) + 1
                self._counts[name] = count
                over = over or count > limit
            return wait if over else None

    def check(self, buckets: Sequence[Bucket], now: float | None = None) -> int | None:
        with self._lock:
            wait = self._current(now)
            full = any(limit > 0 and self._counts.get(n, 0) >= limit for n, limit in buckets)
            return wait if full else None

    def clear(self, names: Sequence[str], now: float | None = None) -> None:
        with self._lock:
            self._current(now)
            for name in names:
                self._counts.pop(name, None)


class RedisLimiter(Limiter):
    """Counters in Redis, shared by every process that uses the same URL and namespace.

    One round trip per call (INCR and EXPIRE of each bucket in one pipeline). While Redis cannot
    be reached, counting falls back to this process's memory (logged) and Redis is tried again
    after ``RETRY_SECONDS``: a rate limiter never makes the service fail.
    """

    RETRY_SECONDS = 5.0
    TIMEOUT_SECONDS = 0.5

    def __init__(self, url: str, window_seconds: int, namespace: str) -> None:
        super().__init__(window_seconds)
        self.namespace = namespace
        self._redis = redis.Redis.from_url(
            url,
            socket_timeout=self.TIMEOUT_SECONDS,
            socket_connect_timeout=self.TIMEOUT_SECONDS,
        )
        self._fallback = MemoryLimiter(window_seconds)
        self._down_until = 0.0

    def _key(self, index: int, name: str) -> str:
        return f"dakmatch:ratelimit:{self.namespace}:{index}:{name}"

    def _usable(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, exc: RedisError) -> None:
        if self._usable():
            log.warning(
                "redis unreachable (%s): counting in this process for %.0f s",
                type(exc).__name__,
                self.RETRY_SECONDS,
            )
        self._down_until = time.monotonic() + self.RETRY_SECONDS

    def hit(self, buckets: Sequence[Bucket], now: float | None = None) -> int | None:
        now = time.time() if now is None else now
        live = [(name, limit) for name, limit in buckets if limit > 0]
        if not live:
            return None
        if not self._usable():
            return self._fallback.hit(live, now)
        index, wait = self._window(now)
        pipe = self._redis.pipeline(transaction=False)
        for name, _limit in live:
            key = self._key(index, name)
            pipe.incr(key)
            pipe.expire(key, self.window_seconds + 1)
        try:
            replies = pipe.execute()
        except RedisError as exc:
            self._failed(exc)
            return self._fallback.hit(live, now)
        counts = replies[::2]
        over = any(int(count) > limit for count, (_name, limit) in zip(counts, live, strict=True))
        return wait if over else None

    def check(self, buckets: Sequence[Bucket], now: float | None = None) -> int | None:
        now = time.time() if now is None else now
        live = [(name, limit) for name, limit in buckets if limit > 0]
        if not live:
            return None
        if not self._usable():
            return self._fallback.check(live, now)
        index, wait = self._window(now)
        try:
            counts = self._redis.mget([self._key(index, name) for name, _limit in live])
        except RedisError as exc:
            self._failed(exc)
            return self._fallback.check(live, now)
        full = any(
            int(count or 0) >= limit for count, (_name, limit) in zip(counts, live, strict=True)
        )
        return wait if full else None

    def clear(self, names: Sequence[str], now: float | None = None) -> None:
        now = time.time() if now is None else now
        self._fallback.clear(names, now)
        if not names or not self._usable():
            return
        index, _wait = self._window(now)
        try:
            self._redis.delete(*(self._key(index, name) for name in names))
        except RedisError as exc:
            self._failed(exc)

    async def hit_async(self, buckets: Sequence[Bucket]) -> int | None:
        return await anyio.to_thread.run_sync(self.hit, buckets)

    def close(self) -> None:
        self._redis.close()


def make_limiter(settings: Settings, namespace: str, window_seconds: int) -> Limiter:
    """Redis-backed when ``settings.redis_url`` is set, else in this process's memory."""
    if settings.redis_url:
        return RedisLimiter(settings.redis_url, window_seconds, namespace)
    return MemoryLimiter(window_seconds)
