"""Officer pages and the runs API with 10,000 runs on one profile.

    python bench/officer_pages.py [--runs 10000] [--repeat 30] [--database-url ONE BUSY]

Every ``GET /v1/profiles/{id}/recommendations`` stores a run, so a busy profile's history grows
without bound. This builds two fresh databases (SQLite files in a temporary folder unless
``--database-url`` names two empty PostgreSQL databases), each with an officer, an officer key
and two profiles of the public form with one real run each, and adds ``--runs`` runs (copies
of its real ranking, one second apart) to one profile of the second. The app runs on each in
this process (TestClient: handler and database time, no network). Median and 95th percentile
of ``--repeat`` requests, the two sides of each row alternated:

- the officer queue (``/officer``), charts and CSV export: one-run database against busy one;
- the officer's page of the busy profile and the first page of its runs through the API, each
  against the same request for the profile that kept one run;
- the runs API's page after the 5,000th run (cursor from walking the pages) against the first
  page of the one-run profile.

The ratio column is the busy figure over the one-run figure: near 1 means the pages load only
what they show.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from service.app import create_app  # noqa: E402
from service.auth import repository as auth_repo  # noqa: E402
from service.bootstrap import load_catalog_file, upgrade_database  # noqa: E402
from service.db import RecommendationRun, Role, make_engine, make_session_factory  # noqa: E402
from service.settings import Settings  # noqa: E402
from service.web.users import create_user  # noqa: E402

PASSWORD = "benchmark officer password"
FORM = {
    "pincode": "302001",
    "sector": "handicrafts",
    "name": "Sanganer Prints",
    "needs": ["international_shipping", "export_documentation"],
    "destinations": ["US", "Germany"],
    "typical_weight_kg": "1.2",
    "monthly_international_parcels": "40",
    "consent": "yes",
}


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    if found is None:
        raise SystemExit("no CSRF token on the sign-in page")
    return found.group(1)


def timed_pair(
    first: Callable[[], Any], second: Callable[[], Any], repeat: int
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Median and 95th percentile in milliseconds of each call, the two alternated (after one
    warm-up call each) so that the machine's other load falls on both alike."""
    first()
    second()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for call, into in ((first, times[0]), (second, times[1])):
            started = time.perf_counter()
            call()
            into.append((time.perf_counter() - started) * 1000)
    return _summary(times[0]), _summary(times[1])


def _summary(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def ok(client: TestClient, path: str, **kwargs: Any) -> Any:
    answer = client.get(path, **kwargs)
    if answer.status_code != 200:
        raise SystemExit(f"GET {path}: {answer.status_code} {answer.text[:200]}")
    return answer


def add_runs(settings: Settings, profile_id: str, count: int) -> None:
    """``count`` copies of the profile's run, one second apart before it, in one transaction."""
    engine = make_engine(settings.database_url)
    with make_session_factory(engine).begin() as session:
        run = session.scalars(
            select(RecommendationRun).where(RecommendationRun.profile_id == profile_id)
        ).one()
        rows = [
            {
                "id": str(uuid.uuid4()),
                "profile_id": profile_id,
                "catalog_version": run.catalog_version,
                "model_version": run.model_version,
                "ranking": run.ranking,
                "created_at": run.created_at - dt.timedelta(seconds=n + 1),
            }
            for n in range(count)
        ]
        for start in range(0, count, 1000):
            session.execute(insert(RecommendationRun), rows[start : start + 1000])
        total = session.scalar(
            select(func.count()).where(RecommendationRun.profile_id == profile_id)
        )
    engine.dispose()
    print(f"profile {profile_id[:8]} now has {total} runs")


class Site:
    """A fresh database with an officer and two public-form profiles of one run each, and the
    app on it with a signed-in officer (``client``) and an officer key (``api``)."""

    def __init__(self, url: str) -> None:
        self.settings = Settings(
            database_url=url,
            rate_limit_per_ip=0,
            rate_limit_per_key=0,
            catalog_refresh_seconds=0,
        )
        upgrade_database(self.settings)
        load_catalog_file(self.settings)
        engine = make_engine(url)
        with make_session_factory(engine).begin() as session:
            create_user(session, "bench", PASSWORD, Role.OFFICER)
            _, officer_key = auth_repo.create_key(session, Role.OFFICER, "dakmatch")
        engine.dispose()
        self.api = {"headers": {"X-API-Key": officer_key}}
        self.client = TestClient(create_app(self.settings), base_url="http://localhost")

    def __enter__(self) -> Site:
        client = self.client.__enter__()
        for name in ("Busy Prints", "Quiet Prints"):
            stored = client.post("/results", data={**FORM, "name": name})
            if stored.status_code != 200:
                raise SystemExit(f"POST /results: {stored.status_code}")
        login = ok(client, "/officer")
        client.post(
            "/officer/login",
            data={"username": "bench", "password": PASSWORD, "csrf_token": _csrf(login.text)},
        )
        queue = ok(client, "/officer").text
        ids = list(dict.fromkeys(re.findall(r"/officer/profiles/([0-9a-f-]{36})", queue)))
        self.quiet, self.busy = ids[0], ids[1]  # newest first: "Quiet Prints" came second
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.__exit__(*exc)

    def page(self, path: str) -> Callable[[], Any]:
        return lambda: ok(self.client, path)

    def runs(self, profile_id: str, **params: Any) -> Callable[[], Any]:
        path = f"/v1/profiles/{profile_id}/runs"
        return lambda: ok(self.client, path, params=params, **self.api)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10_000, help="runs added to one profile")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per figure")
    parser.add_argument(
        "--database-url",
        nargs=2,
        metavar=("ONE_RUN_URL", "BUSY_URL"),
        help="two empty databases (default: SQLite files in a temporary folder)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)  # the app's and the client's request lines: off

    with tempfile.TemporaryDirectory() as tmp:
        urls = args.database_url or [f"sqlite:///{tmp}/one.db", f"sqlite:///{tmp}/busy.db"]
        print("starting two apps (each loads the PIN directory and fits the ranker)...")
        with Site(urls[0]) as one, Site(urls[1]) as busy:
            add_runs(busy.settings, busy.busy, args.runs)
            rows = []
            for name, path in (
                ("officer queue /officer", "/officer"),
                ("officer charts", "/officer/charts"),
                ("officer CSV export", "/officer/export.csv"),
            ):
                rows.append((name, *timed_pair(one.page(path), busy.page(path), args.repeat)))
            rows.append(
                (
                    "officer profile page",
                    *timed_pair(
                        busy.page(f"/officer/profiles/{busy.quiet}"),
                        busy.page(f"/officer/profiles/{busy.busy}"),
                        args.repeat,
                    ),
                )
            )
            rows.append(
                (
                    "runs API, newest run (limit=1)",
                    *timed_pair(
                        busy.runs(busy.quiet, limit=1), busy.runs(busy.busy, limit=1), args.repeat
                    ),
                )
            )
            deep = walk_to(busy, 5000)
            if deep is not None:
                rows.append(
                    (
                        "runs API, run 5,001 (limit=1)",
                        *timed_pair(
                            busy.runs(busy.quiet, limit=1),
                            busy.runs(busy.busy, limit=1, cursor=deep),
                            args.repeat,
                        ),
                    )
                )
            rows.append(
                (
                    "runs API, default page (1 vs 20 runs)",
                    *timed_pair(busy.runs(busy.quiet), busy.runs(busy.busy), args.repeat),
                )
            )

    print(f"\n{args.runs:,} runs added to one profile; {args.repeat} requests per figure")
    print(f"{'request':38} {'1 run: median p95 ms':>22} {'busy: median p95 ms':>22} {'ratio':>6}")
    for name, (m1, p1), (m2, p2) in rows:
        print(f"{name:38} {m1:11.2f} {p1:9.2f} {m2:11.2f} {p2:9.2f} {m2 / m1:6.2f}")
    return 0


def walk_to(site: Site, position: int) -> str | None:
    """The cursor after the busy profile's ``position``-th run (pages of 50), or None when the
    API does not page."""
    cursor = None
    for _ in range(position // 50):
        params: dict[str, Any] = {"limit": 50}
        if cursor:
            params["cursor"] = cursor
        body = site.runs(site.busy, **params)().json()
        if not isinstance(body, dict) or body.get("next") is None:
            return None
        cursor = body["next"]
    return cursor


if __name__ == "__main__":
    raise SystemExit(main())
