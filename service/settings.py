"""Settings: the one place that reads the environment.

Every setting is read from ``DAKMATCH_<NAME>``; the database URL is also read from the plain
``DATABASE_URL`` of the design contract (``DAKMATCH_DATABASE_URL`` wins when both are set).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from service.db.engine import Timeouts

DEFAULT_DATABASE_URL = "sqlite:///./data/dakmatch.db"
# Signs officer sessions and forms. The default is public (it is in this file), so it is good
# only on a loopback address; anyone could sign an officer's session cookie with it.
DEFAULT_SECRET_KEY = "dev-only-change-me"
MIN_SECRET_LENGTH = 32
# Every secret this project has published as a default or an example (settings, compose.yaml
# up to 2026-12, the docs): refused as a real secret even when long enough.
DOCUMENTED_SECRETS = frozenset(
    {
        DEFAULT_SECRET_KEY,
        "change-me-in-production",
    }
)


class Settings(BaseSettings):
    """Runtime configuration of the service and the CLI."""

    model_config = SettingsConfigDict(env_prefix="DAKMATCH_", extra="ignore", frozen=True)

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        validation_alias=AliasChoices("DAKMATCH_DATABASE_URL", "DATABASE_URL", "database_url"),
        description="SQLAlchemy URL; an SQLite file under ./data by default",
    )
    # Bounded waits on the database (seconds): a database that is down or does not answer gives
    # 503 within about these times instead of a request that hangs. The statement timeout is
    # PostgreSQL's statement_timeout; on SQLite it is how long a writer waits for its turn.
    database_connect_timeout: float = Field(default=5.0, gt=0, le=600)
    database_statement_timeout: float = Field(default=30.0, ge=0, le=86_400)
    database_pool_timeout: float = Field(default=10.0, gt=0, le=600)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    catalog_path: Path | None = Field(
        default=None, description="catalogue YAML loaded on first start (default: the packaged one)"
    )
    # 64 KiB: a full profile with 2,000 characters of products is under 4 KiB.
    max_body_bytes: int = Field(default=65_536, ge=1024)
    # Per key and per client address, per window; 0 switches a limit off. The address limit is
    # the higher one: a partner portal sends all its users' requests from one address.
    rate_limit_per_key: int = Field(default=600, ge=0)
    rate_limit_per_ip: int = Field(default=1200, ge=0)
    rate_limit_window_seconds: int = Field(default=60, ge=1)
    # Rate limit counters shared by every process and server using this Redis (redis://...);
    # unset: each process counts on its own.
    redis_url: str | None = Field(
        default=None, description="Redis for shared rate limit counters (redis://host:6379/0)"
    )
    # Peers whose X-Forwarded-For / X-Forwarded-Proto are believed (addresses or networks,
    # comma-separated, "*" for any): the load balancer or reverse proxy in front of the app.
    # A request from any other peer is keyed on the peer's own address, whatever it claims.
    trusted_proxies: str = "127.0.0.1,::1"
    default_cors_origins: tuple[str, ...] = ()
    # Ranking threads per process; each ranks every request waiting when it becomes free as
    # one batch (first come first served). Under the GIL one thread is the fastest.
    ranking_threads: int = Field(default=1, ge=1, le=64)
    # Rankings that may wait per process; more are answered 503 with Retry-After.
    ranking_queue: int = Field(default=256, ge=1, le=100_000)
    # How often each process checks for a newer catalogue version (0: only at start-up).
    catalog_refresh_seconds: float = Field(default=30.0, ge=0)
    secret_key: str = Field(
        default=DEFAULT_SECRET_KEY,
        description="signs web sessions; required (32+ characters) on a non-loopback address",
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @property
    def database_timeouts(self) -> Timeouts:
        return Timeouts(
            connect=self.database_connect_timeout,
            statement=self.database_statement_timeout,
            pool=self.database_pool_timeout,
        )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address to bind) is reachable only from this machine."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost: may resolve to anything


def secret_key_problem(secret: str, host: str) -> str | None:
    """Why ``secret`` may not sign sessions on a server bound to ``host`` (None: it may).

    Off loopback the secret must be set, at least ``MIN_SECRET_LENGTH`` characters long and
    none of the published examples (DESIGN §6).
    """
    if is_loopback(host):
        return None
    fix = (
        "set DAKMATCH_SECRET_KEY to a random secret of your own, e.g. the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`"
    )
    if secret.strip() in DOCUMENTED_SECRETS:
        return (
            f"refusing to serve on {host} with a published example DAKMATCH_SECRET_KEY "
            f"(anyone could forge an officer's session): {fix}"
        )
    if len(secret) < MIN_SECRET_LENGTH:
        return (
            f"refusing to serve on {host}: DAKMATCH_SECRET_KEY has {len(secret)} characters, "
            f"at least {MIN_SECRET_LENGTH} are needed: {fix}"
        )
    return None


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once; tests build their own ``Settings(...)`` instead."""
    return Settings()
