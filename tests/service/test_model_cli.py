"""``dakmatch model train|list|activate|rollback`` on a real database (SQLite, and PostgreSQL
when TEST_DATABASE_URL is set), and servers that pick a change up without a restart."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from catalog.geo import Geography
from matching import simulation as sim
from matching.learning import GateReport, GateRow, LearnedModel
from service.app import create_app
from service.cli import main
from service.db import ModelStatus, ModelVersion, make_engine, make_session_factory
from service.learning import repository as learning_repo
from service.runtime import Runtime, ServedCatalog
from service.settings import Settings, get_settings
from tests.service.conftest import make_profile, migrated_database
from tests.service.learning_seed import seed_runs, store_outcomes

KINDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(params=KINDS)
def url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    geography: Geography,
) -> Iterator[str]:
    """A migrated database holding the packaged catalogue, named by DATABASE_URL; the CLI
    reads the session's directory instead of loading it again (10 s a time)."""
    database = migrated_database(request.param, tmp_path, "dakmatch_service_learning", "tests")
    monkeypatch.delenv("DAKMATCH_DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", database)
    monkeypatch.setattr("service.runtime.load_geography", lambda: (geography, None))
    get_settings.cache_clear()
    yield database
    get_settings.cache_clear()


@pytest.fixture
def factory(url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(url)
    yield make_session_factory(engine)
    engine.dispose()


def _model(served: ServedCatalog, **bias: float) -> LearnedModel:
    """A learned model: the hand-set weights with some offerings moved (test data)."""
    assert served.ranker is not None
    return LearnedModel.build(served.ranker.weights_, bias, {"outcomes": 1234})


def _store(session: Session, model: LearnedModel, status: ModelStatus) -> ModelVersion:
    passed = status is not ModelStatus.REFUSED
    row = GateRow("judged tuning NDCG@5", 0.87, 0.86, "hand-set weights",
                  "at least baseline - 0.01", passed)
    report = GateReport(passed, [row], 0.01)
    return learning_repo.add_version(
        session, version=model.version, status=status, model=model.to_json(),
        gate=report.to_json(), trained_on=model.trained_on,
    )


def _status(factory: sessionmaker[Session]) -> dict[str, str]:
    with factory() as session:
        rows = session.scalars(select(ModelVersion))
        return {r.version: r.status.value for r in rows}


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("error: ")
    return err[0]


# --- train: bad input ---------------------------------------------------------------------


def test_train_with_no_outcomes_is_a_clear_error(
    url: str, factory: sessionmaker[Session], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["model", "train", "--data", str(DATA)]) == 1
    assert "no outcomes recorded" in _one_line_error(capsys)
    assert _status(factory) == {}


def test_train_on_too_few_outcomes_keeps_the_active_model(
    url: str,
    factory: sessionmaker[Session],
    served: ServedCatalog,
    capsys: pytest.CaptureFixture[str],
) -> None:
    serving = _model(served, dnk=0.05)
    with factory.begin() as session:
        learning_repo.activate(session, _store(session, serving, ModelStatus.CANDIDATE))
        seed_runs(session, served, tenant="acme", body=make_profile(), runs=3,
                  outcome=lambda position, _: "accepted" if position == 1 else None)
    assert main(["model", "train", "--activate", "--data", str(DATA)]) == 1
    assert "too few outcomes" in _one_line_error(capsys)
    assert _status(factory) == {serving.version: "active"}


def test_train_on_one_class_only(
    url: str,
    factory: sessionmaker[Session],
    served: ServedCatalog,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with factory.begin() as session:
        seed_runs(session, served, tenant="acme", body=make_profile(), runs=40,
                  outcome=lambda position, _: "rejected" if position <= 3 else None)
    assert main(["model", "train", "--data", str(DATA)]) == 1
    assert "one class only" in _one_line_error(capsys)
    assert _status(factory) == {}


def test_train_refuses_a_model_of_noise_and_stores_it_refused(
    url: str,
    factory: sessionmaker[Session],
    served: ServedCatalog,
    capsys: pytest.CaptureFixture[str],
) -> None:
    draw = random.Random(19)
    with factory.begin() as session:
        for tenant in ("t1", "t2", "t3", "t4", "t5", "t6"):
            seed_runs(session, served, tenant=tenant, body=make_profile(), runs=25,
                      outcome=lambda *_: draw.choice(["accepted", "rejected", None, None]))
    capsys.readouterr()
    assert main(["model", "train", "--activate", "--data", str(DATA)]) == 3
    out = capsys.readouterr().out
    version = next(line.split()[1] for line in out.splitlines() if line.startswith("candidate"))
    assert "gate: refused" in out
    assert "judged tuning NDCG@5" in out
    assert "held-out outcomes" in out
    assert _status(factory) == {version: "refused"}  # stored, and not active
    with factory() as session:
        row = learning_repo.get_version(session, version)
        assert row is not None
        assert row.gate["passed"] is False
        assert row.trained_on["outcomes"] > 0
    assert main(["model", "activate", version]) == 1
    assert "refused by the offline gate" in _one_line_error(capsys)
    assert _status(factory) == {version: "refused"}


# --- list, activate, rollback --------------------------------------------------------------


def test_list_activate_and_roll_back(
    url: str,
    factory: sessionmaker[Session],
    served: ServedCatalog,
    capsys: pytest.CaptureFixture[str],
) -> None:
    first, second = _model(served, dnk=0.05), _model(served, ems=0.04)
    refused = _model(served, itps=0.1)
    with factory.begin() as session:
        for model, status in ((first, ModelStatus.CANDIDATE), (second, ModelStatus.CANDIDATE),
                              (refused, ModelStatus.REFUSED)):
            _store(session, model, status)
    capsys.readouterr()
    assert main(["model", "list"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "serving: the hand-set weights (no model is active)"
    assert all(m.version in out for m in (first, second, refused))
    assert "judged tuning NDCG@5: 0.8700 vs 0.8600" in out

    assert main(["model", "activate", first.version]) == 0
    out = capsys.readouterr().out
    assert f"now serving: {first.version} (instead of the hand-set weights)" in out
    assert main(["model", "activate", second.version]) == 0
    assert f"instead of {first.version}" in capsys.readouterr().out
    assert _status(factory) == {first.version: "retired", second.version: "active",
                                refused.version: "refused"}
    assert main(["model", "list"]) == 0
    assert capsys.readouterr().out.startswith(f"serving: {second.version} (activated ")

    assert main(["model", "rollback"]) == 0
    assert f"rolled back {second.version}; now serving: {first.version}" in capsys.readouterr().out
    assert main(["model", "rollback"]) == 0
    assert "now serving: the hand-set weights" in capsys.readouterr().out
    assert _status(factory) == {first.version: "rolled_back", second.version: "rolled_back",
                                refused.version: "refused"}
    assert main(["model", "rollback"]) == 1
    assert "nothing to roll back" in _one_line_error(capsys)

    # A version taken out can be activated again by name.
    assert main(["model", "activate", second.version]) == 0
    assert main(["model", "activate", second.version]) == 0
    assert "serves already" in capsys.readouterr().out
    assert main(["model", "activate", "learned-000000000000"]) == 1
    assert "no model version 'learned-000000000000'" in _one_line_error(capsys)


def test_at_most_one_version_is_active(
    url: str, factory: sessionmaker[Session], served: ServedCatalog
) -> None:
    from sqlalchemy.exc import IntegrityError

    with factory.begin() as session:
        a = _store(session, _model(served, dnk=0.01), ModelStatus.ACTIVE)
        assert a.status is ModelStatus.ACTIVE
    with pytest.raises(IntegrityError), factory.begin() as session:
        _store(session, _model(served, dnk=0.02), ModelStatus.ACTIVE)


def test_help_texts(capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["model"], ["model", "train"], ["model", "activate"]):
        with pytest.raises(SystemExit) as exited:
            main([*command, "--help"])
        assert exited.value.code == 0
    text = capsys.readouterr().out
    assert "exit 0 when the gate passes, 3 when it refuses" in text.replace("\n", " ")


# --- servers pick a change up ----------------------------------------------------------------


def _wait_for(client: TestClient, version: str, seconds: float = 15.0) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        ready = client.get("/readyz")
        if ready.status_code == 200 and ready.json()["model_version"] == version:
            return dict(ready.json())
        assert time.monotonic() < deadline, ready.text
        time.sleep(0.1)


def test_a_running_server_serves_an_activated_model_and_a_rollback(
    url: str,
    factory: sessionmaker[Session],
    served: ServedCatalog,
    geography: Geography,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert served.ranker is not None
    hand_set = served.ranker.model_version
    model = _model(served, **{"speed-post": 0.2})
    with factory.begin() as session:
        _store(session, model, ModelStatus.CANDIDATE)
    settings = Settings(database_url=url, catalog_refresh_seconds=0.2)
    runtime = Runtime(geography=geography, served=served)
    with TestClient(create_app(settings, runtime=runtime)) as client:
        assert client.get("/readyz").json()["model_version"] == hand_set
        assert main(["model", "activate", model.version]) == 0
        _wait_for(client, model.version)
        ranker = runtime.served.ranker if runtime.served else None
        answer = client.post("/v1/recommendations", json=make_profile())
        assert answer.json()["model_version"] == model.version
        time.sleep(0.6)  # passes of the watcher with nothing changed: nothing refitted
        assert runtime.served is not None
        assert runtime.served.ranker is ranker

        assert main(["model", "rollback"]) == 0
        _wait_for(client, hand_set)
        assert client.post("/v1/recommendations", json=make_profile()).json()[
            "model_version"] == hand_set


def test_a_server_starts_with_the_active_model_and_stores_its_version(
    url: str,
    factory: sessionmaker[Session],
    served: ServedCatalog,
    geography: Geography,
) -> None:
    from service.auth import repository as auth_repo
    from service.db import RecommendationRun, Role

    model = _model(served, **{"speed-post": 0.2})
    with factory.begin() as session:
        learning_repo.activate(session, _store(session, model, ModelStatus.CANDIDATE))
        _, key = auth_repo.create_key(session, Role.PARTNER, "acme")
    settings = Settings(database_url=url, catalog_refresh_seconds=0)
    runtime = Runtime(geography=geography, served=served)
    with TestClient(create_app(settings, runtime=runtime)) as client:
        assert client.get("/readyz").json()["model_version"] == model.version
        headers = {"X-API-Key": key}
        stored = client.post("/v1/profiles", json=make_profile(), headers=headers).json()
        run = client.get(f"/v1/profiles/{stored['id']}/recommendations", headers=headers)
        assert run.json()["model_version"] == model.version
    with factory() as session:
        row = session.get(RecommendationRun, run.json()["run_id"])
        assert row is not None
        assert row.model_version == model.version


def test_an_unreadable_stored_model_leaves_the_serving_one(served: ServedCatalog) -> None:
    runtime = Runtime(geography=served.geography, served=served)
    model = _model(served, dnk=0.1)
    runtime.use_model(model.version, model.to_json())
    assert runtime.served is not None
    assert runtime.served.ranker is not None
    assert runtime.served.ranker.model_version == model.version
    runtime.use_model("learned-broken00000", {"version": "learned-broken00000"})
    assert runtime.served.ranker.model_version == model.version
    runtime.use_model(None, None)
    assert served.ranker is not None
    assert runtime.served.ranker.model_version == served.ranker.model_version


def simulated_outcomes(served: ServedCatalog, runs: int, *, seed: int = 2) -> pd.DataFrame:
    """Outcomes of the simulated officers of ``matching.simulation`` (their own weighting of
    the signals and preferences the signals do not see) on 1,000 random enterprises."""
    assert served.ranker is not None
    assert served.geography is not None
    geo = served.geography
    pins = [str(p) for state in ("Maharashtra", "Rajasthan", "Karnataka")
            for p in list(geo.pincodes_in_state(state))[:150]]
    pool = sim.rank_pool(served.ranker, sim.profiles(1000, pins, seed=1))
    return sim.outcomes(sim.Officers.known(), pool, runs, seed=seed)


def test_train_activates_a_model_that_passes_the_gate(
    url: str,
    factory: sessionmaker[Session],
    served: ServedCatalog,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The simulated officers weigh the signals unlike the hand-set weights (and unlike the
    judged sets' authors): the learnt model beats the hand-set one on their later outcomes,
    and with the judged sets' tolerance opened to 1 the gate passes and --activate makes it
    serve."""
    with factory.begin() as session:
        store_outcomes(session, simulated_outcomes(served, 3000))
    capsys.readouterr()
    assert main(["model", "train", "--data", str(DATA)]) == 3  # the judged sets refuse it
    refused = capsys.readouterr().out
    assert "held-out outcomes" in refused
    held_out = next(line for line in refused.splitlines() if line.startswith("held-out"))
    assert " yes " in held_out, refused
    version = next(line.split()[1] for line in refused.splitlines()
                   if line.startswith("candidate"))
    assert _status(factory) == {version: "refused"}

    assert main(["model", "train", "--activate", "--tolerance", "1", "--data", str(DATA)]) == 0
    out = capsys.readouterr().out
    assert "gate: passed" in out
    # the same outcomes train the same model: its stored record (refused) is left as it was
    assert f"the same model was stored before as {version} (refused)" in out
    assert _status(factory) == {version: "refused"}

    with factory.begin() as session:  # more outcomes: a new model, stored and activated
        store_outcomes(session, simulated_outcomes(served, 600, seed=3), prefix="more-")
    assert main(["model", "train", "--activate", "--tolerance", "1", "--data", str(DATA)]) == 0
    out = capsys.readouterr().out
    assert "stored and activated: now serving learned-" in out
    statuses = _status(factory)
    assert sorted(statuses.values()) == ["active", "refused"]
    with factory() as session:
        active = learning_repo.active(session)
        assert active is not None
        assert active.gate["passed"] is True
        assert active.gate["tolerance"] == 1.0
        assert active.activated_at is not None
