"""Batch ranking throughput: ``dakmatch batch`` on synthetic profiles, local engine vs Dask.

Generates N realistic profiles (bench/synthetic_profiles.py) into a Parquet file, then runs
``dakmatch batch INPUT OUTPUT --k 5`` as a subprocess once per engine, timing the whole command
(interpreter start, geography load, ranker fit, ranking, writing) and sampling the resident
memory of the command and all its child processes (worker processes, Dask workers) every 0.1 s.

    python bench/batch_throughput.py [--profiles 1000000] [--input FILE] [--engines local dask]

Targets (issue 6): local <= 60 s and peak RSS <= 2 GB for 1,000,000 profiles; Dask on a 2-worker
LocalCluster within 1.5x of local.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DAKMATCH = [
    sys.executable,
    "-c",
    "import sys; from service.cli import main; sys.exit(main(sys.argv[1:]))",
]


@dataclass(frozen=True)
class Run:
    engine: str
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    summary: str


def _tree_rss(process: psutil.Process) -> int:
    total = 0
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    for member in members:
        try:
            total += member.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total


def run_engine(engine: str, source: Path, workdir: Path, extra: list[str]) -> Run:
    output = workdir / f"ranked-{engine}.parquet"
    command = [*DAKMATCH, "batch", str(source), str(output), "--k", "5", "--engine", engine,
               "--catalog", str(ROOT / "catalog" / "data" / "offerings.yaml"), *extra]  # fmt: skip
    peak = 0
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    watched = psutil.Process(process.pid)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(watched))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, _ = process.communicate()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU of the command and every process it waited for (its worker processes): the time an
    # otherwise idle machine would need, spread over its cores.
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"dakmatch batch --engine {engine} failed ({process.returncode})")
    return Run(engine, seconds, cpu, peak / 2**20, stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=1_000_000)
    parser.add_argument("--input", type=Path, help="use this profiles file instead of generating")
    parser.add_argument("--engines", nargs="+", default=["local", "dask"])
    parser.add_argument("--chunk-size", type=int, default=None)
    args = parser.parse_args(argv)
    extra = [] if args.chunk_size is None else ["--chunk-size", str(args.chunk_size)]

    with tempfile.TemporaryDirectory(prefix="dakmatch-batch-") as tmp:
        workdir = Path(tmp)
        source = args.input
        if source is None:
            from bench.synthetic_profiles import synthetic_profiles, write_profiles
            from catalog.geo import Geography

            started = time.perf_counter()
            geo = Geography.load()
            frame = synthetic_profiles(args.profiles, geo.pincodes, geo.pincode_states)
            source = workdir / "profiles.parquet"
            write_profiles(frame, source)
            del frame
            print(f"generated {args.profiles:,} profiles in {time.perf_counter() - started:.1f} s")
        from service.batch.io import count_rows

        rows = count_rows(source) or 0
        load = os.getloadavg()
        runs = [run_engine(engine, source, workdir, extra) for engine in args.engines]

    print()
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; {rows:,} profiles, top 5")  # fmt: skip
    print(f"load average before the runs: {load[0]:.1f} (1 min)")
    print(f"{'engine':<8} {'seconds':>8} {'profiles/s':>11} {'CPU s':>8} {'peak RSS MB':>12}")
    for run in runs:
        print(f"{run.engine:<8} {run.seconds:>8.1f} {rows / run.seconds:>11,.0f} "
              f"{run.cpu_seconds:>8.1f} {run.peak_rss_mb:>12,.0f}")  # fmt: skip
    by_engine = {run.engine: run for run in runs}
    if rows < 1_000_000:
        print("(the 60 s / 2 GB targets are for 1,000,000 profiles; this run is smaller)")
    elif "local" in by_engine:
        local = by_engine["local"]
        verdict = "meets" if local.seconds <= 60 and local.peak_rss_mb <= 2048 else "MISSES"
        print(f"local: {verdict} the target (<= 60 s and <= 2,048 MB for 1,000,000 profiles)")
    if {"local", "dask"} <= by_engine.keys():
        ratio = by_engine["dask"].seconds / by_engine["local"].seconds
        verdict = "meets" if ratio <= 1.5 else "MISSES"
        print(f"dask / local time: {ratio:.2f}x ({verdict} the <= 1.5x target)")
    for run in runs:
        print(f"[{run.engine}] {run.summary}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
