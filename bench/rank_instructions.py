"""Instructions per profile of ``Ranker.rank_batch``, counted by valgrind's callgrind.

    python bench/rank_instructions.py [--calls 10]
    (cd /tmp && PYTHONPATH=/path/to/other/checkout python "$OLDPWD/bench/rank_instructions.py")

Runs itself under ``valgrind --tool=callgrind`` (Debian package ``valgrind``) and prints the
instructions per profile of ``rank_batch(k=10)`` on the six profiles of ``bench/api_load.py``
in batches of 7 (what one API process ranks under load), without and with ``ask``. Counts are
deterministic to about 0.2 % from run to run, so two versions of the code compare on a busy
machine where CPU times do not. The measured calls are ``--calls`` batches after three warm-up
batches, start-up objects frozen out of the garbage collector as in the server; callgrind dumps
its counters before each ``os.getppid()`` call, which marks where each part starts (no other
call of it runs in these parts). A checkout whose ``rank_batch`` has no ``with_ask`` is measured
without ``ask`` only.
"""

from __future__ import annotations

import argparse
import gc
import inspect
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BATCH = 7


def measure(calls: int) -> None:
    """The measured part (run under callgrind): a marker before each part and after the last."""
    from catalog import Geography, load_catalog
    from matching import Ranker, parse_profile

    if str(ROOT) not in sys.path:  # after PYTHONPATH: another checkout's code is measured
        sys.path.append(str(ROOT))
    from bench.api_load import PROFILES

    geography = Geography.load()
    ranker = Ranker().fit(load_catalog(), geography)
    profiles = [parse_profile(p, geography) for p in PROFILES]
    batch = (profiles * BATCH)[:BATCH]
    modes = [{"with_ask": False}, {"with_ask": True}]
    if "with_ask" not in inspect.signature(ranker.rank_batch).parameters:
        modes = [{}]
    gc.collect()
    gc.freeze()
    for kwargs in modes:
        for _ in range(3):
            ranker.rank_batch(batch, 10, **kwargs)
    for kwargs in modes:
        os.getppid()
        for _ in range(calls):
            ranker.rank_batch(batch, 10, **kwargs)
    os.getppid()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=10, help="measured batches (default 10)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.calls < 1:
        parser.error("--calls must be at least 1")
    if args.child:
        measure(args.calls)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        subprocess.run(
            ["valgrind", "--tool=callgrind", "--dump-before=os_getppid",
             f"--callgrind-out-file={out}", sys.executable, __file__, "--child",
             "--calls", str(args.calls)],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
        # Part 1 is the start-up; parts 2 and 3 the calls without and with ask.
        totals = []
        for part in sorted(Path(tmp).glob("callgrind.out.*"),
                           key=lambda p: int(p.suffix[1:]))[1:3]:
            for line in part.read_text().splitlines():
                if line.startswith("summary:"):
                    totals.append(int(line.split()[1]))
    from matching import Ranker

    code = Path(sys.modules[Ranker.__module__].__file__ or "").parents[1]
    print(f"rank_batch(k=10) of {code}: the profiles of bench/api_load.py in batches of "
          f"{BATCH}, {args.calls} batches, instructions per profile")
    for label, total in zip(("without ask", "with ask"), totals, strict=False):
        print(f"  {label}: {total / (args.calls * BATCH):,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
