"""Officer sign-in under attack: failed attempts throttled per username and per client address,
and password hashing bounded.

Each Argon2 verification takes 64 MiB and tens of milliseconds of CPU: 16 concurrent bad
sign-ins took a server from 415 MB to 1.4 GB and slowed ranking sixteenfold. So

- after ``MAX_FAILURES`` failed sign-ins in a window of ``WINDOW_SECONDS`` for one username, or
  from one client address, further attempts are answered 429 with ``Retry-After`` before any
  database or hashing work (a right password does not help while throttled); a good sign-in
  clears its username's count;
- at most ``HASHING_AT_ONCE`` verifications run at once per process; an attempt waits up to
  ``HASHING_WAIT_SECONDS`` for its turn, then is answered 503 with ``Retry-After``.

The failures are counted by the rate limiter of :mod:`service.ratelimit` under its own
namespace: in this process, or in Redis shared by every worker and server when
``DAKMATCH_REDIS_URL`` is set. The client address is the one a trusted proxy forwarded
(``DAKMATCH_TRUSTED_PROXIES``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from starlette.datastructures import State

from service.ratelimit import Limiter, make_limiter
from service.settings import Settings

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60
HASHING_AT_ONCE = 2
HASHING_WAIT_SECONDS = 2.0
BUSY_RETRY_SECONDS = 2
NAMESPACE = "officer-login"


class Busy(Exception):
    """Every hashing slot stayed taken for ``HASHING_WAIT_SECONDS``."""


class LoginGuard:
    """Failure counts per username and per address, and the hashing slots (thread-safe)."""

    def __init__(
        self,
        failures: Limiter,
        *,
        max_failures: int = MAX_FAILURES,
        hashing_at_once: int = HASHING_AT_ONCE,
        hashing_wait_seconds: float = HASHING_WAIT_SECONDS,
    ) -> None:
        self.failures = failures
        self.max_failures = max_failures
        self.hashing_wait = hashing_wait_seconds
        self.slots = threading.BoundedSemaphore(hashing_at_once)

    @staticmethod
    def buckets(username: str, address: str) -> tuple[str, str]:
        """The username's bucket (first) and the address's."""
        return f"user:{username.strip().lower()}", f"addr:{address}"

    def retry_after(self, buckets: tuple[str, ...]) -> int | None:
        """Seconds until these buckets may try again (None: now)."""
        return self.failures.check([(b, self.max_failures) for b in buckets])

    def failed(self, buckets: tuple[str, ...]) -> None:
        self.failures.hit([(b, self.max_failures) for b in buckets])

    def succeeded(self, username_bucket: str) -> None:
        self.failures.clear([username_bucket])

    @contextmanager
    def hashing(self) -> Iterator[None]:
        """Hold one hashing slot; raise :class:`Busy` when none frees up in time."""
        if not self.slots.acquire(timeout=self.hashing_wait):
            raise Busy
        try:
            yield
        finally:
            self.slots.release()


_CREATE = threading.Lock()


def guard_of(state: State) -> LoginGuard:
    """The app's guard (``app.state.login_guard``), made on first use from its settings."""
    guard = getattr(state, "login_guard", None)
    if guard is None:
        with _CREATE:
            guard = getattr(state, "login_guard", None)
            if guard is None:
                settings: Settings = state.settings
                guard = LoginGuard(make_limiter(settings, NAMESPACE, WINDOW_SECONDS))
                state.login_guard = guard
    assert isinstance(guard, LoginGuard)
    return guard
