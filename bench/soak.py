"""Soak test: mixed API load on loopback for N minutes; errors, p99 latency, memory growth.

Starts ``dakmatch serve`` (one uvicorn process) on a fresh SQLite database in a temp directory
(or on ``--database-url``), creates a partner key, and runs ``--clients`` threads of mixed
traffic until ``--minutes`` have passed or ``--max-requests`` were sent (the load is bounded
either way):

    45 %  POST /v1/recommendations        anonymous ranking
    20 %  POST /v1/profiles               store a profile
    15 %  GET  /v1/profiles/{id}          read one back
     8 %  PATCH /v1/profiles/{id}         merge-patch a field
     7 %  GET  /v1/profiles/{id}/recommendations   rank a stored profile and store the run
     5 %  GET  /v1/offerings?q=...        catalogue search

Production runs PostgreSQL: pass ``--database-url postgresql+psycopg://...`` (an empty
database; it is migrated) for production-like figures. On the SQLite default, concurrent
writers contend for SQLite's single write lock.

The server's resident memory is sampled every 5 s; growth is measured from the end of the first
minute (warm-up: caches, pools, first allocations) to the end. Not part of CI.

    python bench/soak.py [--minutes 10] [--clients 4] [--max-requests 500000]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np
import psutil

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from service.examples import PROFILE_EXAMPLE  # noqa: E402 - after the path set-up

DAKMATCH = [
    sys.executable,
    "-c",
    "import sys; from service.cli import main; sys.exit(main(sys.argv[1:]))",
]
MIX = (
    ("recommend", 45),
    ("create", 20),
    ("read", 15),
    ("patch", 8),
    ("rank_stored", 7),
    ("offerings", 5),
)
PINCODES = ("302001", "400001", "221001", "781001", "682001", "110001", "600001", "700001")
SECTORS = ("handicrafts", "food_spices", "apparel", "tea_coffee", "engineering_goods")


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: list[str] = field(default_factory=list)
    sent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _profile(rng: random.Random) -> dict[str, object]:
    return {
        **PROFILE_EXAMPLE,
        "pincode": rng.choice(PINCODES),
        "sector": rng.choice(SECTORS),
        "typical_weight_kg": round(rng.lognormvariate(0, 1) + 0.05, 2),
        "monthly_international_parcels": rng.randint(0, 500),
    }


def _client_loop(
    base: str, key: str, tally: Tally, stop: threading.Event, limit: int, seed: int
) -> None:
    rng = random.Random(seed)
    kinds = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
    stored: list[str] = []
    headers = {"X-API-Key": key}
    with httpx.Client(base_url=base, timeout=30) as client:
        while not stop.is_set():
            with tally.lock:
                if tally.sent >= limit:
                    return
                tally.sent += 1
            kind = rng.choices(kinds, weights)[0]
            if kind in ("read", "patch", "rank_stored") and not stored:
                kind = "create"
            started = time.perf_counter()
            try:
                if kind == "recommend":
                    r = client.post("/v1/recommendations?limit=5", json=_profile(rng))
                elif kind == "create":
                    r = client.post("/v1/profiles", json=_profile(rng), headers=headers)
                    if r.status_code == 201:
                        stored.append(r.json()["id"])
                elif kind == "read":
                    r = client.get(f"/v1/profiles/{rng.choice(stored)}", headers=headers)
                elif kind == "patch":
                    r = client.patch(
                        f"/v1/profiles/{rng.choice(stored)}",
                        json={"monthly_domestic_parcels": rng.randint(0, 900)},
                        headers={**headers, "Content-Type": "application/merge-patch+json"},
                    )
                elif kind == "rank_stored":
                    path = f"/v1/profiles/{rng.choice(stored)}/recommendations?limit=5"
                    r = client.get(path, headers=headers)
                else:
                    r = client.get("/v1/offerings", params={"q": rng.choice(["parcel", "export"])})
                status: int | str = r.status_code
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            elapsed = time.perf_counter() - started
            with tally.lock:
                tally.latencies[kind].append(elapsed)
                # A PATCH racing another on the same profile may rightly get 409.
                ok = isinstance(status, int) and (
                    status < 400 or (kind == "patch" and status == 409)
                )
                if not ok:
                    tally.errors[kind] += 1
                    if len(tally.examples) < 5:
                        tally.examples.append(f"{kind}: {status}")


def _wait_ready(base: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server exited during start-up")
        try:
            if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not become ready")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--max-requests", type=int, default=500_000)
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp directory")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="dakmatch-soak-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'soak.db'}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("DAKMATCH_")}
        env.update(DATABASE_URL=url, DAKMATCH_RATE_LIMIT_PER_KEY="0",
                   DAKMATCH_RATE_LIMIT_PER_IP="0", DAKMATCH_LOG_LEVEL="WARNING")  # fmt: skip
        subprocess.run([*DAKMATCH, "db", "upgrade"], env=env, check=True)
        made = subprocess.run(
            [*DAKMATCH, "keys", "create", "--role", "partner", "--tenant", "soak"],
            env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        key = made.stdout.strip().splitlines()[-1]
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        log_path = Path(tmp) / "server.log"
        log = log_path.open("wb")
        server = subprocess.Popen([*DAKMATCH, "serve", "--port", str(port)], env=env,
                                  stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
        try:
            _wait_ready(base, server)
            watched = psutil.Process(server.pid)
            tally = Tally()
            stop = threading.Event()
            threads = [
                threading.Thread(
                    target=_client_loop, args=(base, key, tally, stop, args.max_requests, n)
                )
                for n in range(args.clients)
            ]
            rss: list[tuple[float, int]] = []
            started = time.monotonic()
            for thread in threads:
                thread.start()
            duration = args.minutes * 60
            while time.monotonic() - started < duration and any(t.is_alive() for t in threads):
                rss.append((time.monotonic() - started, watched.memory_info().rss))
                time.sleep(min(5.0, max(duration - (time.monotonic() - started), 0.1)))
            stop.set()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
            rss.append((elapsed, watched.memory_info().rss))
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
        server_errors = [
            line for line in log_path.read_text(errors="replace").splitlines() if "error" in line
        ]

    all_latencies = np.array([x for xs in tally.latencies.values() for x in xs]) * 1000
    total = len(all_latencies)
    errors = sum(tally.errors.values())
    warm = [r for t, r in rss if t >= min(60.0, elapsed / 6)] or [rss[-1][1]]
    print(f"soak: {elapsed / 60:.1f} min, {args.clients} clients, {total:,} requests "
          f"({total / elapsed:,.0f}/s), {errors} errors")  # fmt: skip
    print(f"{'request':<12} {'count':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for kind, _ in MIX:
        values = np.array(tally.latencies.get(kind, [])) * 1000
        if len(values):
            print(f"{kind:<12} {len(values):>8,} {np.percentile(values, 50):>8.1f} "
                  f"{np.percentile(values, 99):>8.1f} {tally.errors.get(kind, 0):>7}")  # fmt: skip
    print(f"{'all':<12} {total:>8,} {np.percentile(all_latencies, 50):>8.1f} "
          f"{np.percentile(all_latencies, 99):>8.1f} {errors:>7}")  # fmt: skip
    first, last = rss[0][1] / 2**20, rss[-1][1] / 2**20
    growth = (warm[-1] - warm[0]) / 2**20
    print(
        f"server RSS: {first:.0f} MB at start, {last:.0f} MB at end; "
        f"growth after warm-up {growth:+.1f} MB ({warm[0] / 2**20:.0f} -> {warm[-1] / 2**20:.0f})"
    )
    for example in tally.examples:
        print(f"  error example: {example}")
    for line in server_errors[-3:]:
        print(f"  server log: {line[:300]}")
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
