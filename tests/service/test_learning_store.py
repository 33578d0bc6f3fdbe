"""What learning reads: every stored run keeps its offerings' ranks and signal values, the
latest outcome of each counts once, and erased profiles leave the training data."""

from __future__ import annotations

from typing import Any

import pandas as pd
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matching.learning import OUTCOME_COLUMNS
from matching.signals import SIGNALS
from service.db import Feedback
from service.learning import repository as learning_repo
from service.profiles import repository as profiles_repo
from tests.service.conftest import Keys, make_profile


def _run(client: TestClient, key: str, **profile: Any) -> dict[str, Any]:
    headers = {"X-API-Key": key}
    stored = client.post("/v1/profiles", json=make_profile(**profile), headers=headers)
    assert stored.status_code == 201, stored.text
    ranking = client.get(f"/v1/profiles/{stored.json()['id']}/recommendations", headers=headers)
    assert ranking.status_code == 200, ranking.text
    return {**ranking.json(), "profile_id": stored.json()["id"]}


def _post(client: TestClient, keys: Keys, run: dict[str, Any], offering: str, outcome: str,
          note: str | None = None, role: str = "partner") -> Any:
    body = {"run_id": run["run_id"], "offering_id": offering, "outcome": outcome, "note": note}
    return client.post("/v1/feedback", json=body, headers=keys.headers(role))


def test_a_stored_run_keeps_each_offerings_rank_and_signal_values(
    client: TestClient, keys: Keys, session: Session
) -> None:
    run = _run(client, keys.partner)
    items = profiles_repo.run_items(session, run["run_id"])
    shown = [r["offering_id"] for r in run["recommendations"]]
    assert [i.offering_id for i in items] == shown
    assert [i.position for i in items] == list(range(1, len(shown) + 1))
    for item in items:
        assert set(item.signals) == set(SIGNALS)
        # Each in [0, 1]; the prerequisites signal is a penalty in [-1, 0].
        assert all(-1.0 <= v <= 1.0 for v in item.signals.values()), item.signals
    # The run records the version of the ranker that served it, the one /readyz names.
    assert run["model_version"] == client.get("/readyz").json()["model_version"]
    assert "signals" not in run["recommendations"][0]


def test_the_same_outcome_posted_again_is_one_record(
    client: TestClient, keys: Keys, session: Session
) -> None:
    run = _run(client, keys.partner)
    offering = run["recommendations"][0]["offering_id"]
    first = _post(client, keys, run, offering, "rejected", note="too dear")
    assert first.status_code == 201, first.text
    for _ in range(3):
        again = _post(client, keys, run, offering, "rejected")
        assert again.status_code == 200, again.text
        assert again.json()["id"] == first.json()["id"]
        assert again.json()["note"] == "too dear"  # kept when a repeat gives none
    noted = _post(client, keys, run, offering, "rejected", note="chose a courier")
    assert noted.json()["note"] == "chose a courier"
    count = session.scalar(
        select(func.count()).select_from(Feedback).where(Feedback.run_id == run["run_id"])
    )
    assert count == 1


def test_outcomes_frame_has_the_latest_outcome_per_offering_and_the_tenant(
    client: TestClient, keys: Keys, session: Session
) -> None:
    ours = _run(client, keys.partner)
    theirs = _run(client, keys.other_partner)
    first, second = (r["offering_id"] for r in ours["recommendations"][:2])
    assert _post(client, keys, ours, first, "accepted").status_code == 201
    assert _post(client, keys, ours, first, "rejected").status_code == 201
    assert _post(client, keys, ours, second, "rejected").status_code == 201
    # Accepted again after the rejection: the repeat is the latest outcome once more.
    assert _post(client, keys, ours, second, "enrolled").status_code == 201
    assert _post(client, keys, ours, second, "rejected").status_code == 200
    # Feedback on an offering the run did not recommend (a not-eligible one) trains nothing.
    assert ours["not_eligible"]
    excluded = ours["not_eligible"][0]["offering_id"]
    assert _post(client, keys, ours, excluded, "rejected").status_code == 201
    frame = learning_repo.outcomes_frame(session)

    assert tuple(frame.columns) == OUTCOME_COLUMNS
    assert str(frame["created_at"].dtype) == "datetime64[ns, UTC]"
    assert frame["position"].dtype == "int64"
    assert all(frame[f"s_{name}"].dtype == "float64" for name in SIGNALS)
    rows = frame.set_index(["run_id", "offering_id"])
    assert rows.loc[(ours["run_id"], first), "outcome"] == "rejected"
    assert rows.loc[(ours["run_id"], second), "outcome"] == "rejected"
    assert rows.loc[(ours["run_id"], first), "position"] == 1
    assert rows.loc[(ours["run_id"], second), "tenant"] == "acme"
    mine = frame[frame["run_id"] == ours["run_id"]]
    assert len(mine) == len(ours["recommendations"])
    assert set(mine["outcome"].iloc[2:]) <= {"shown"}
    assert excluded not in set(mine["offering_id"])
    assert set(frame.loc[frame["run_id"] == theirs["run_id"], "tenant"]) == {"globex"}
    stored = profiles_repo.run_items(session, ours["run_id"])[0].signals
    assert rows.loc[(ours["run_id"], first), "s_needs"] == stored["needs"]


def test_erased_profiles_leave_the_training_data(
    client: TestClient, keys: Keys, session: Session
) -> None:
    kept = _run(client, keys.partner)
    erased = _run(client, keys.partner, name="To be erased")
    for run in (kept, erased):
        offering = run["recommendations"][0]["offering_id"]
        assert _post(client, keys, run, offering, "accepted").status_code == 201
    before = learning_repo.outcomes_frame(session)
    assert erased["profile_id"] in set(before["profile_id"])

    gone = client.delete(f"/v1/profiles/{erased['profile_id']}", headers=keys.headers("partner"))
    assert gone.status_code == 204, gone.text
    after = learning_repo.outcomes_frame(session)
    assert erased["profile_id"] not in set(after["profile_id"])
    assert erased["run_id"] not in set(after["run_id"])
    assert kept["run_id"] in set(after["run_id"])
    assert profiles_repo.run_items(session, erased["run_id"]) == []
    count = session.scalar(
        select(func.count()).select_from(Feedback).where(Feedback.run_id == erased["run_id"])
    )
    assert count == 0


def test_no_runs_is_an_empty_frame_of_the_same_columns(session: Session) -> None:
    frame = learning_repo.outcomes_frame(session)
    assert frame.empty
    assert tuple(frame.columns) == OUTCOME_COLUMNS
    assert isinstance(frame, pd.DataFrame)


def test_a_signal_a_run_did_not_store_is_nan(
    client: TestClient, keys: Keys, session: Session
) -> None:
    """A run stored before a signal existed: the frame says NaN (training leaves it out)."""
    run = _run(client, keys.partner)
    item = profiles_repo.run_items(session, run["run_id"])[0]
    item.signals = {k: v for k, v in item.signals.items() if k != "needs"}
    session.commit()
    frame = learning_repo.outcomes_frame(session)
    row = frame[(frame["run_id"] == run["run_id"]) & (frame["position"] == 1)]
    assert row["s_needs"].isna().all()
    assert len(row) == 1
    assert row["s_text"].notna().all()
