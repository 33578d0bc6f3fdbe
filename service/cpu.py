"""Keep a serving process on one CPU of its own.

A serving process runs two busy threads that take turns holding the interpreter: the event
loop (HTTP) and the ranking thread. Left to the operating system they sit on different CPUs,
and every hand-over wakes the other CPU; measured on the 2-CPU development machine, one
process answered ``POST /v1/recommendations`` with 1,060-1,170 requests/s at 0.87-0.96 ms of
CPU each, and with 1,650-1,660 at 0.60 ms when confined to one CPU (``GET /healthz``, a single
thread, was the same either way).

Each serving process claims the first CPU that no other DakMatch process on the machine holds,
through a lock file per CPU (``flock``: released when the process ends, even when it is
killed), and confines all its threads to it. With more processes than CPUs, or where
affinity cannot be set, the process stays where the operating system puts it.
"""

from __future__ import annotations

import fcntl
import logging
import os
import tempfile
from pathlib import Path

log = logging.getLogger("dakmatch.cpu")

_held: list[int] = []  # the open lock file of the claimed CPU: the claim lasts while it is open


def claim_cpu(lock_dir: Path | None = None) -> int | None:
    """Confine this process to a CPU no other DakMatch process holds; the CPU, or None."""
    if not hasattr(os, "sched_setaffinity") or _held:
        return None
    allowed = sorted(os.sched_getaffinity(0))
    if len(allowed) < 2:
        return None  # nothing to choose between
    folder = lock_dir or Path(tempfile.gettempdir())
    for cpu in allowed:
        path = folder / f"dakmatch-{os.getuid()}-cpu-{cpu}.lock"
        try:
            fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # another process holds this CPU
            os.close(fd)
            continue
        _held.append(fd)
        _confine_to({cpu})
        log.info("serving on CPU %d", cpu)
        return cpu
    log.info("every CPU is held by another DakMatch process; not confining this one")
    return None


def release_cpu(allowed: set[int]) -> None:
    """Give up the claim and let every thread run on ``allowed`` again (for tests)."""
    while _held:
        os.close(_held.pop())
    _confine_to(allowed)


def _confine_to(cpus: set[int]) -> None:
    # Affinity is per thread on Linux: set it for every thread that exists; threads started
    # later inherit it from the thread that starts them.
    try:
        threads = os.listdir("/proc/self/task")
    except OSError:  # no /proc: this thread (and the threads it starts) only
        os.sched_setaffinity(0, cpus)
        return
    for tid in threads:
        try:
            os.sched_setaffinity(int(tid), cpus)
        except OSError:  # the thread ended meanwhile
            continue
