"""A serving process claims a CPU no other DakMatch process holds and keeps to it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from service import cpu

pytestmark = pytest.mark.skipif(
    not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="needs CPU affinity and at least two CPUs",
)

# The CPUs the test process may use (as the suite starts, before any test confines it).
_ALL = set(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else set()
CLAIM = "import sys; from pathlib import Path; from service.cpu import claim_cpu; " \
    "print(claim_cpu(Path(sys.argv[1])))"


def _claim_elsewhere(lock_dir: Path) -> str:
    """What another process, free to run anywhere, claims."""
    def unconfined() -> None:
        os.sched_setaffinity(0, _ALL)

    done = subprocess.run([sys.executable, "-c", CLAIM, str(lock_dir)], capture_output=True,
                          text=True, check=True, cwd=Path(__file__).resolve().parents[2],
                          preexec_fn=unconfined)
    return done.stdout.strip()


def test_claims_a_free_cpu_and_confines_every_thread(tmp_path: Path) -> None:
    allowed = set(os.sched_getaffinity(0))
    first = min(allowed)
    seen: list[set[int]] = []
    try:
        assert cpu.claim_cpu(tmp_path) == first
        assert os.sched_getaffinity(0) == {first}
        # A thread started afterwards inherits the CPU.
        thread = threading.Thread(target=lambda: seen.append(os.sched_getaffinity(0)))
        thread.start()
        thread.join()
        assert seen == [{first}]
        assert cpu.claim_cpu(tmp_path) is None  # once per process
        # Another process takes the next CPU, not this one's.
        assert _claim_elsewhere(tmp_path) == str(sorted(allowed)[1])
    finally:
        cpu.release_cpu(allowed)
    assert os.sched_getaffinity(0) == allowed
    # Released (as at exit, or when killed): the CPU is free again.
    assert _claim_elsewhere(tmp_path) == str(first)


def test_every_cpu_held_leaves_the_process_alone(tmp_path: Path) -> None:
    allowed = set(os.sched_getaffinity(0))
    held = []
    try:
        import fcntl

        for number in allowed:
            fd = os.open(tmp_path / f"dakmatch-{os.getuid()}-cpu-{number}.lock",
                         os.O_CREAT | os.O_RDWR, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX)
            held.append(fd)
        assert _claim_elsewhere(tmp_path) == "None"
    finally:
        for fd in held:
            os.close(fd)
