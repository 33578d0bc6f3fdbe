"""Engine and session factory, with bounded waits for every database.

SQLite (the default, one file): every transaction starts with ``BEGIN IMMEDIATE``, so writers
queue for the one write lock (up to the statement timeout) instead of failing when a read
transaction tries to become a write transaction after another writer committed (pysqlite
recipe in SQLAlchemy's SQLite dialect documentation, "Serializable isolation / Savepoints /
Transactional DDL"); within a process they queue for its one pooled connection. WAL journal,
foreign keys on, erased rows overwritten (``secure_delete``, whatever the build's default) and
the WAL emptied after an erasure (:func:`checkpoint_after_commit`), and the file with its
``-wal``/``-shm`` companions readable by the owner only (0600).

PostgreSQL: a connect timeout, a server-side ``statement_timeout`` and a pool timeout, so a
database that is down, or a server that accepts connections and never answers, gives an error
(answered 503) within seconds rather than a request that hangs.

Statement parameters are never put into error messages (``hide_parameters``): they carry
personal data and end up in logs.
"""

from __future__ import annotations

import logging
import math
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

FILE_MODE = 0o600
DIRECTORY_MODE = 0o700
_CHECKPOINT = "dakmatch_wal_checkpoint"

log = logging.getLogger("dakmatch.db")


class DatabaseUrlError(ValueError):
    """The database URL cannot be parsed or names a driver that is not installed."""


@dataclass(frozen=True)
class Timeouts:
    """How long one database operation may wait, in seconds (``Settings`` gives these).

    ``connect``: opening a connection (PostgreSQL). ``statement``: one statement on the
    server (PostgreSQL ``statement_timeout``); on SQLite, how long a transaction waits for its
    turn (the process's connection, then the file's write lock); 0 means no limit. ``pool``:
    waiting for a free connection of the pool (PostgreSQL).
    """

    connect: float = 5.0
    statement: float = 30.0
    pool: float = 10.0


def make_engine(url: str, timeouts: Timeouts | None = None) -> Engine:
    """Build an engine for ``url``; for an SQLite file its directory and the file itself are
    created on demand, private to the owner."""
    limits = timeouts or Timeouts()
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUrlError(f"cannot parse database URL {url!r}") from exc
    kwargs: dict[str, Any] = {"hide_parameters": True}
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        _prepare_sqlite_file(parsed)
        # Requests run in FastAPI's thread pool; a connection may be used by another thread.
        # ``timeout`` is pysqlite's busy timeout: how long to wait for the write lock.
        busy = limits.statement if limits.statement > 0 else 24 * 3600.0
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": busy}
        if _sqlite_file(parsed):
            # One connection per process: requests queue for it (woken as soon as it is free)
            # instead of many connections polling for the file's one write lock (SQLite's busy
            # handler sleeps up to 100 ms between tries, so 50 waiting writers managed about
            # ten commits a second). Other processes still wait through the busy timeout.
            kwargs.update(pool_size=1, max_overflow=0, pool_timeout=busy)
    else:
        kwargs["pool_pre_ping"] = True
        kwargs["pool_timeout"] = limits.pool
        if backend == "postgresql":
            kwargs["connect_args"] = _postgresql_args(parsed, limits)
    try:
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, ImportError, TypeError) as exc:
        raise DatabaseUrlError(f"cannot use database URL {parsed!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine, "checkin", _sqlite_checkin)
    return engine


def checkpoint_after_commit(connection: Connection) -> None:
    """On SQLite, copy the WAL into the database file and empty it when ``connection`` goes
    back to the pool (after the transaction ends): the WAL keeps every earlier version of a
    changed page, so an erased row would otherwise stay readable there until the WAL is
    reused. Nothing on other databases."""
    if connection.dialect.name == "sqlite":
        connection.info[_CHECKPOINT] = True


def _postgresql_args(url: URL, limits: Timeouts) -> dict[str, Any]:
    args: dict[str, Any] = {}
    if limits.connect > 0:
        # libpq counts whole seconds (and treats 1 as 2).
        args["connect_timeout"] = max(2, math.ceil(limits.connect))
    if limits.statement > 0:
        given = url.query.get("options")
        options = " ".join(given) if isinstance(given, tuple) else (given or "")
        milliseconds = max(1, round(limits.statement * 1000))
        args["options"] = f"{options} -c statement_timeout={milliseconds}".strip()
    return args


def _sqlite_file(url: URL) -> bool:
    database = url.database or ""
    return bool(database) and database != ":memory:" and "mode=memory" not in database


def _prepare_sqlite_file(url: URL) -> None:
    """Create the database's directory (0700) and an empty file (0600) before SQLite opens
    it; an existing file is narrowed to 0600 when this process owns it. SQLite gives the
    ``-wal`` and ``-shm`` files the mode of the database file."""
    database = url.database or ""
    if not _sqlite_file(url) or database.startswith("file:"):
        return
    path = Path(database).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True, mode=DIRECTORY_MODE)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))
    except OSError:
        return  # SQLite reports what is wrong with the path when it opens it
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            if name.stat().st_mode & 0o777 != FILE_MODE:
                name.chmod(FILE_MODE)
        except OSError:  # absent, or another user's file: leave it as it is
            continue


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINTs; SQLAlchemy emits BEGIN instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # Deleted content is overwritten with zeros, in the file and in the WAL's new frames.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # IMMEDIATE: take the write lock at the start (waiting up to the busy timeout). A deferred
    # transaction that read first fails at once with "database is locked" when it tries to
    # write after another writer committed, whatever the busy timeout.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_checkin(dbapi_connection: Any, record: Any) -> None:
    if record is None or not record.info.pop(_CHECKPOINT, False):
        return
    try:
        busy, _, _ = dbapi_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.Error as exc:
        log.warning("WAL checkpoint after an erasure failed: %s", type(exc).__name__)
        return
    if busy:
        log.warning("WAL checkpoint after an erasure was blocked by another connection")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (responses are built after it)."""
    return sessionmaker(bind=engine, expire_on_commit=False)
