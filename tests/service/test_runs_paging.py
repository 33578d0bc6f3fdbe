"""``GET /v1/profiles/{id}/runs`` paged newest first with an opaque cursor, and the newest run
(the one officers act on) picked in SQL."""

from __future__ import annotations

import base64
import datetime as dt
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from service.db import RecommendationRun
from service.profiles import repository as profiles_repo
from service.web import dashboard
from tests.service.conftest import Keys, make_profile

PROBLEM = "application/problem+json"
T0 = dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC)


def _profile(client: TestClient, keys: Keys) -> str:
    created = client.post("/v1/profiles", json=make_profile(), headers=keys.headers("partner"))
    assert created.status_code == 201
    return str(created.json()["id"])


def _run(session: Session, profile_id: str, at: dt.datetime, run_id: str | None = None) -> str:
    run = RecommendationRun(
        id=run_id or str(uuid.uuid4()),
        profile_id=profile_id,
        catalog_version="c",
        model_version="m",
        ranking={"recommendations": [], "at": at.isoformat()},
        created_at=at,
    )
    session.add(run)
    session.commit()
    return run.id


def _newest_first(runs: dict[str, dt.datetime]) -> list[str]:
    return sorted(runs, key=lambda run_id: (runs[run_id], run_id), reverse=True)


def _all_pages(client: TestClient, keys: Keys, profile_id: str, limit: int) -> list[list[str]]:
    pages: list[list[str]] = []
    params: dict[str, str | int] = {"limit": limit}
    while True:
        answer = client.get(
            f"/v1/profiles/{profile_id}/runs", params=params, headers=keys.headers("partner")
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["limit"] == limit
        pages.append([item["id"] for item in body["items"]])
        if body["next"] is None:
            return pages
        params = {"limit": limit, "cursor": body["next"]}


def _history(session: Session, profile_id: str) -> dict[str, dt.datetime]:
    """Eight runs inserted out of order, four of them at one and the same instant."""
    same = T0 + dt.timedelta(minutes=5)
    stamps = [T0 + dt.timedelta(minutes=9), same, T0, same, T0 + dt.timedelta(minutes=1)]
    stamps += [same, T0 + dt.timedelta(minutes=7), same]
    return {_run(session, profile_id, at): at for at in stamps}


def test_pages_cover_every_run_once_newest_first(
    client: TestClient, keys: Keys, session: Session
) -> None:
    profile_id = _profile(client, keys)
    runs = _history(session, profile_id)
    for limit in (1, 3, 8, 20):
        pages = _all_pages(client, keys, profile_id, limit)
        assert [len(p) for p in pages[:-1]] == [limit] * (len(pages) - 1)
        assert [run_id for page in pages for run_id in page] == _newest_first(runs)


def test_a_run_added_between_pages_moves_nothing(
    client: TestClient, keys: Keys, session: Session
) -> None:
    profile_id = _profile(client, keys)
    runs = _history(session, profile_id)
    path, headers = f"/v1/profiles/{profile_id}/runs", keys.headers("partner")
    first = client.get(path, params={"limit": 3}, headers=headers).json()
    _run(session, profile_id, T0 + dt.timedelta(hours=1))  # newer than all
    _run(session, profile_id, T0 + dt.timedelta(minutes=5), run_id="0" * 36)  # ties, sorts last
    seen = [item["id"] for item in first["items"]]
    cursor = first["next"]
    while cursor is not None:
        page = client.get(path, params={"limit": 3, "cursor": cursor}, headers=headers).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next"]
    # The tie inserted later sorts after the page boundary, so it is seen once; nothing twice.
    assert seen == _newest_first({**runs, "0" * 36: T0 + dt.timedelta(minutes=5)})


def test_default_page_and_empty_history(client: TestClient, keys: Keys, session: Session) -> None:
    profile_id = _profile(client, keys)
    path, headers = f"/v1/profiles/{profile_id}/runs", keys.headers("partner")
    assert client.get(path, headers=headers).json() == {"items": [], "limit": 20, "next": None}
    for minute in range(21):
        _run(session, profile_id, T0 + dt.timedelta(minutes=minute))
    page = client.get(path, headers=headers).json()
    assert len(page["items"]) == 20
    assert page["items"][0]["created_at"].startswith("2026-11-01T09:50")
    assert page["next"] is not None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 51}, "limit"),
        ({"cursor": "not a cursor"}, "cursor"),
        ({"cursor": base64.urlsafe_b64encode(b"yesterday|abc").decode()}, "cursor"),
        ({"cursor": base64.urlsafe_b64encode(b"2026-11-01T09:30:00|abc").decode()}, "cursor"),
        ({"cursor": base64.urlsafe_b64encode(b"2026-11-01T09:30:00+00:00").decode()}, "cursor"),
        ({"cursor": base64.urlsafe_b64encode(b"\xff\xfe|x").decode()}, "cursor"),
        ({"cursor": "x" * 201}, "cursor"),
    ],
)
def test_bad_limit_or_cursor_is_422(
    client: TestClient, keys: Keys, params: dict[str, str | int], field: str
) -> None:
    profile_id = _profile(client, keys)
    answer = client.get(
        f"/v1/profiles/{profile_id}/runs", params=params, headers=keys.headers("partner")
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"] == PROBLEM
    assert any(field in error["field"] for error in answer.json()["errors"])


def test_newest_run_is_picked_in_sql_with_the_pages_order(
    client: TestClient, keys: Keys, session: Session
) -> None:
    profile_id = _profile(client, keys)
    runs = _history(session, profile_id)
    newest = _newest_first(runs)[0]
    stored = profiles_repo.newest_run(session, profile_id)
    assert stored is not None
    assert stored.id == newest
    row = dashboard.profile_row(session, profile_id)
    assert row is not None
    assert row.run is not None
    assert row.run.id == newest
    queue = dashboard.queue(session, dashboard.Filters())
    assert [r.run.id for r in queue if r.profile.id == profile_id and r.run] == [newest]
    # Between runs at the same instant the page's order decides as well.
    tied = {run_id: at for run_id, at in runs.items() if at == T0 + dt.timedelta(minutes=5)}
    _run(session, profile_id, T0 + dt.timedelta(hours=2), run_id="f" * 36)
    _run(session, profile_id, T0 + dt.timedelta(hours=2), run_id="e" * 36)
    row = dashboard.profile_row(session, profile_id)
    assert row is not None
    assert row.run is not None
    assert row.run.id == "f" * 36
    first = _all_pages(client, keys, profile_id, 1)[0]
    assert first == ["f" * 36]
    assert len(tied) == 4


def test_a_profile_without_runs_has_no_newest_run(
    client: TestClient, keys: Keys, session: Session
) -> None:
    profile_id = _profile(client, keys)
    assert profiles_repo.newest_run(session, profile_id) is None
    row = dashboard.profile_row(session, profile_id)
    assert row is not None
    assert row.run is None
    assert row.outcomes == {}
