"""Load benchmark of the HTTP API: POST /v1/recommendations beside GET /healthz.

For each ``--workers`` count (default: 1, then 2) starts ``dakmatch serve`` with that many
uvicorn processes on loopback with a fresh SQLite database, waits until /readyz answers 200,
then drives each endpoint with wrk (Debian package ``wrk``) at the same concurrency against the
same server, and prints throughput, p50 and p99 latency, the server's CPU time per request
(user + system of its whole process tree, from /proc) and the ratio of the two throughputs.
The POST rotates through six different profiles.

The endpoints take turns: ``--rounds`` rounds, each driving the POST then ``/healthz`` for
``duration / rounds`` seconds, so that both see the same moments of a shared, noisy machine
(one endpoint measured after the other saw its speed drift by a quarter between minutes). Each
round's ratio is printed; the table adds the rounds up (p50: the median of the rounds', p99: the
highest).

    python bench/api_load.py [--duration 15] [--rounds 3] [--connections 16] [--workers 1 2]

Each server process is pinned to a CPU of its own and wrk to the CPUs left over (``taskset``,
as a deployment sets it: deploy/gunicorn.conf.py with ``GUNICORN_PIN_WORKERS=1``); ``--no-pin``
leaves placement to the OS.

Rate limits are switched off for the run (they would answer 429 to a load generator); request
logging stays on at the default level, as in production.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.examples import PROFILE_EXAMPLE  # noqa: E402 - after the path set-up

# Several different enterprises, so the figure is not one profile's (and nothing can be cached).
PROFILES = [
    PROFILE_EXAMPLE,
    {
        "pincode": "400001",
        "sector": "gems_jewellery",
        "business_type": "manufacturer",
        "destinations": ["AE", "US"],
        "monthly_international_parcels": 15,
        "typical_weight_kg": 0.3,
        "typical_value_inr": 60000,
        "needs": ["shipment_insurance", "customs_clearance", "export_finance"],
    },
    {
        "pincode": "221001",
        "sector": "handloom_textiles",
        "business_type": "shg",
        "sales_channels": ["amazon", "exhibitions"],
        "monthly_domestic_parcels": 120,
        "typical_weight_kg": 2.0,
        "needs": ["domestic_shipping", "cash_on_delivery", "pickup"],
    },
    {
        "pincode": "781001",
        "sector": "tea_coffee",
        "business_type": "fpo",
        "destinations": ["GB"],
        "monthly_international_parcels": 30,
        "typical_weight_kg": 5,
        "needs": ["international_shipping", "export_documentation", "bulk_freight"],
    },
    {
        "pincode": "682001",
        "sector": "food_spices",
        "business_type": "trader",
        "products": "whole spices, cardamom and pepper",
        "destinations": ["US", "DE", "SG"],
        "monthly_international_parcels": 200,
        "typical_weight_kg": 1.5,
        "needs": ["international_shipping", "export_incentives", "tracking"],
    },
    {
        "pincode": "110001",
        "sector": "electronics",
        "business_type": "startup",
        "sales_channels": ["own_website", "ondc"],
        "monthly_domestic_parcels": 900,
        "typical_weight_kg": 0.8,
        "needs": ["marketplace_integration", "returns", "pickup"],
    },
]

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


@dataclass(frozen=True)
class Result:
    name: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    server_cpu_s: float = 0.0  # user + system seconds of the server's processes during the run
    wall_s: float = 0.0

    @property
    def cpu_ms_per_request(self) -> float:
        return self.server_cpu_s * 1000 / max(self.requests, 1)

    @property
    def cores_busy(self) -> float:
        return self.server_cpu_s / self.wall_s if self.wall_s else 0.0


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _tree_cpu_seconds(root: int) -> float:
    """User + system CPU seconds of ``root`` and its descendants (Linux /proc; 0 elsewhere)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        times[pid] = (int(fields[11]) + int(fields[12])) / _TICKS
    tree = {root}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return sum(times.get(pid, 0.0) for pid in tree)


def _serving_processes(server: int, workers: int, timeout: float = 60.0) -> list[int]:
    """The processes that serve: the server itself with one worker, else its ``workers``
    worker processes (uvicorn's supervisor starts them; multiprocessing's resource tracker,
    also a child, is left out). Waits until that many exist (Linux /proc)."""
    if workers == 1:
        return [server]
    deadline = time.monotonic() + timeout
    while True:
        found = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                ppid = re.search(r"^PPid:\s+(\d+)", status.read_text(), re.M)
                command = (status.parent / "cmdline").read_bytes()
            except OSError:
                continue
            if ppid is not None and int(ppid.group(1)) == server \
                    and b"resource_tracker" not in command:
                found.append(int(status.parent.name))
        if len(found) >= workers or time.monotonic() > deadline:
            return sorted(found)
        time.sleep(0.2)


def _place(server: int, workers: int) -> tuple[list[str], str]:
    """Pin each serving process (all its threads) to a CPU of its own, as a deployer does
    (deploy/gunicorn.conf.py with ``GUNICORN_PIN_WORKERS=1``, or ``taskset``); wrk goes on the
    CPUs left over, or anywhere when none is. The command prefix for wrk and a description.

    One process's event loop and ranking thread take turns holding the interpreter; left to
    the scheduler they sit on different CPUs and every hand-over wakes the other one. Left to
    the scheduler, wrk's threads also sometimes shared the server's CPU for a whole run, which
    made the ratio jump between runs."""
    usable = sorted(os.sched_getaffinity(0))
    if len(usable) < 2 or shutil.which("taskset") is None:
        return [], "no pinning (a single usable CPU or no taskset)"
    placed = []
    for pid, cpu in zip(_serving_processes(server, workers), usable, strict=False):
        subprocess.run(["taskset", "-a", "-p", "-c", str(cpu), str(pid)], check=True,
                       capture_output=True)
        placed.append(cpu)
    rest = [cpu for cpu in usable if cpu not in placed]
    where = f"server process(es) on CPU {', '.join(map(str, placed))}"
    if not rest:
        return [], where + "; wrk on any CPU"
    cpus = ",".join(map(str, rest))
    return ["taskset", "-c", cpus], where + f"; wrk on CPU {cpus}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(base: str, timeout: float, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise SystemExit(f"server exited with {server.returncode}:\n{tail}")
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as exc:
            last = exc.read().decode(errors="replace")
        except OSError as exc:
            last = str(exc)
        time.sleep(0.5)
    raise SystemExit(f"server not ready after {timeout:.0f} s: {last}")


def _check_post(base: str, body: bytes) -> None:
    request = urllib.request.Request(
        base + "/v1/recommendations?limit=10",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        ranking = json.loads(response.read())
    if not ranking.get("recommendations"):
        raise SystemExit("POST /v1/recommendations returned no recommendations")


def _ms(text: str) -> float:
    match = re.fullmatch(r"([0-9.]+)(us|ms|s)", text.strip())
    if not match:
        raise ValueError(f"cannot read wrk latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def _wrk(
    name: str, url: str, script: Path | None, args: argparse.Namespace, seconds: int,
    server_pid: int, prefix: list[str],
) -> Result:
    command = [
        *prefix,
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "5s",
    ]
    if script is not None:
        command += ["-s", str(script)]
    cpu_before, started = _tree_cpu_seconds(server_pid), time.monotonic()
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    cpu_s, wall_s = _tree_cpu_seconds(server_pid) - cpu_before, time.monotonic() - started
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return Result(name, rps, p50, p99, total, errors, cpu_s, wall_s)


def _serve_and_measure(
    args: argparse.Namespace, workers: int
) -> tuple[list[list[Result]], str]:
    """Start a server with ``workers`` processes, measure both endpoints in turns (one list
    per round), stop it; also where the server and wrk ran."""
    dakmatch = Path(sys.executable).parent / "dakmatch"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="dakmatch-bench-") as tmp:
        script = Path(tmp) / "post.lua"
        bodies = ",\n".join(json.dumps(json.dumps(p)) for p in PROFILES)
        script.write_text(
            f"local bodies = {{\n{bodies}\n}}\n"
            "local i = 0\n"
            'local headers = {["Content-Type"] = "application/json"}\n'
            "request = function()\n"
            "  i = i % #bodies + 1\n"
            '  return wrk.format("POST", nil, headers, bodies[i])\n'
            "end\n",
            encoding="utf-8",
        )
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "DAKMATCH_RATE_LIMIT_PER_KEY": "0",
            "DAKMATCH_RATE_LIMIT_PER_IP": "0",
        }
        env.pop("DAKMATCH_DATABASE_URL", None)
        log_path = Path(tmp) / "server.log"
        log = open(log_path, "w")  # closed in the finally below
        server = subprocess.Popen(
            [str(dakmatch), "serve", "--port", str(port), "--workers", str(workers)],
            env=env,
            stdout=log,
            stderr=log,
        )
        try:
            _wait_ready(base, 180, server, log_path)
            prefix, where = ([], "placement left to the OS (--no-pin)") if args.no_pin \
                else _place(server.pid, workers)
            for profile in PROFILES:
                _check_post(base, json.dumps(profile).encode())
            targets = [
                ("POST /v1/recommendations", base + "/v1/recommendations?limit=10", script),
                ("GET /healthz", base + "/healthz", None),
            ]
            for name, url, lua in targets:
                _wrk(name, url, lua, args, args.warmup, server.pid, prefix)
            seconds = max(1, round(args.duration / args.rounds))
            rounds = [[_wrk(name, url, lua, args, seconds, server.pid, prefix)
                       for name, url, lua in targets] for _ in range(args.rounds)]
            return rounds, where
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()


def _combined(results: list[Result]) -> Result:
    """The rounds of one endpoint as one run: requests and CPU added up, the median p50 and
    the highest p99."""
    p50s = sorted(r.p50_ms for r in results)
    wall = sum(r.wall_s for r in results)
    requests = sum(r.requests for r in results)
    return Result(
        results[0].name, requests / wall, p50s[len(p50s) // 2], max(r.p99_ms for r in results),
        requests, sum(r.errors for r in results), sum(r.server_cpu_s for r in results), wall,
    )


def _report(
    args: argparse.Namespace, workers: int, rounds: list[list[Result]], where: str,
) -> list[Result]:
    print(
        f"\n{args.connections} concurrent clients, {len(rounds)} rounds of "
        f"{rounds[0][0].wall_s:.0f} s per endpoint, {workers} uvicorn process(es), wrk with "
        f"{args.threads} threads on the same machine ({os.cpu_count()} logical CPUs; "
        f"{where})"
    )
    for number, (rec, health) in enumerate(rounds, 1):
        print(f"  round {number}: recommendations {rec.requests_per_second:.0f} req/s, "
              f"healthz {health.requests_per_second:.0f} req/s, ratio "
              f"{rec.requests_per_second / health.requests_per_second:.2f}")
    results = [_combined([r[i] for r in rounds]) for i in range(len(rounds[0]))]
    rec, health = results
    print(
        f"{'endpoint':<28} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} "
        f"{'errors':>7} {'CPU ms/req':>10} {'cores':>6}"
    )
    for r in results:
        print(
            f"{r.name:<28} {r.requests_per_second:>9.1f} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f} "
            f"{r.requests:>9} {r.errors:>7} {r.cpu_ms_per_request:>10.3f} {r.cores_busy:>6.2f}"
        )
    ratio = rec.requests_per_second / health.requests_per_second
    print(f"throughput ratio recommendations / healthz: {ratio:.2f} (target >= 0.5)")
    print(f"recommendations p99: {rec.p99_ms:.1f} ms (target <= 50 ms)")
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds per endpoint")
    parser.add_argument("--rounds", type=int, default=3,
                        help="turns per endpoint; each runs duration / rounds seconds")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per endpoint")
    parser.add_argument("--connections", type=int, default=16, help="concurrent clients")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2],
                        help="server processes; one server (and one table) per value")
    parser.add_argument("--no-pin", action="store_true",
                        help="leave the server's and wrk's placement to the OS (by default each "
                        "server process gets a CPU of its own and wrk the CPUs left over)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("error: wrk is not installed (Debian: apt-get install -y wrk)", file=sys.stderr)
        return 1
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    failed = False
    for workers in args.workers:
        results = _report(args, workers, *_serve_and_measure(args, workers))
        failed = failed or any(r.errors for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
