"""One partner cannot steer the global model: its feedback on other tenants' runs is 404, a
repeated post counts once, and 10,000 rejections of one offering move that offering's learnt
score by at most the tenant cap (``matching.learning.TENANT_CAP``), where without the cap
they would move it by more than half. Through the API, the database and ``dakmatch model
train``."""

from __future__ import annotations

import uuid

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from catalog.geo import Geography
from matching.learning import TENANT_CAP, LearnedModel, row_scores, time_split, train
from service.app import create_app
from service.auth import repository as auth_repo
from service.cli import main
from service.db import Feedback, Role, make_engine, make_session_factory
from service.learning import repository as learning_repo
from service.runtime import Runtime, ServedCatalog
from service.settings import Settings
from tests.service.conftest import make_profile
from tests.service.learning_seed import store_outcomes
from tests.service.test_model_cli import DATA, simulated_outcomes, url

__all__ = ["url"]  # the fixture: a fresh database of each kind, named by DATABASE_URL

ATTACKS = 10_000


def _trained(factory: sessionmaker[Session], capsys: pytest.CaptureFixture[str]) -> LearnedModel:
    """``dakmatch model train`` (either verdict), and the model it stored."""
    capsys.readouterr()
    assert main(["model", "train", "--data", str(DATA)]) in (0, 3)
    out = capsys.readouterr().out
    version = next(line.split()[1] for line in out.splitlines() if line.startswith("candidate"))
    with factory() as session:
        row = learning_repo.get_version(session, version)
        assert row is not None
        return LearnedModel.from_json(row.model)


def _copies(frame: pd.DataFrame, offering: str, count: int, span: pd.Series) -> pd.DataFrame:
    """``count`` runs like the attacker's ``frame`` (one run), at times spread over ``span``,
    each rejecting ``offering`` and nothing else recorded."""
    n = len(frame)
    copies = frame.loc[np.tile(frame.index, count)].reset_index(drop=True)
    copies["run_id"] = np.repeat([str(uuid.uuid4()) for _ in range(count)], n)
    copies["profile_id"] = str(uuid.uuid4())
    times = pd.date_range(span.min(), span.max(), periods=count).floor("us")
    copies["created_at"] = times.repeat(n)
    copies["outcome"] = np.where(copies["offering_id"] == offering, "rejected", "shown")
    return copies


def test_one_partner_cannot_poison_an_offering(
    url: str,
    served: ServedCatalog,
    geography: Geography,
    capsys: pytest.CaptureFixture[str],
) -> None:
    engine = make_engine(url)
    factory = make_session_factory(engine)
    honest = simulated_outcomes(served, 3000)  # eight honest tenants' officers
    with factory.begin() as session:
        store_outcomes(session, honest)
        _, mallory = auth_repo.create_key(session, Role.PARTNER, "mallory")
    clean = _trained(factory, capsys)

    # The partner's own run, through the API; its feedback on others' runs is 404.
    headers = {"X-API-Key": mallory}
    settings = Settings(database_url=url, catalog_refresh_seconds=0)
    with TestClient(create_app(settings, runtime=Runtime(geography=geography,
                                                          served=served))) as client:
        body = make_profile(sector="gems_jewellery", products="silver jewellery for export")
        profile = client.post("/v1/profiles", json=body, headers=headers).json()
        run = client.get(f"/v1/profiles/{profile['id']}/recommendations", headers=headers).json()
        shown = [r["offering_id"] for r in run["recommendations"]]
        target = "dnk"
        assert target in shown
        post = {"run_id": run["run_id"], "offering_id": target, "outcome": "rejected"}
        assert client.post("/v1/feedback", json=post, headers=headers).status_code == 201
        for _ in range(5):  # repeats: the same one record
            assert client.post("/v1/feedback", json=post, headers=headers).status_code == 200
        someone_elses = str(honest.loc[honest["offering_id"] == target, "run_id"].iloc[0])
        theirs = {**post, "run_id": someone_elses}
        assert client.post("/v1/feedback", json=theirs, headers=headers).status_code == 404
    with factory() as session:
        count = session.scalar(select(func.count()).select_from(Feedback).where(
            Feedback.run_id == run["run_id"]))
        assert count == 1
        own = learning_repo.outcomes_frame(session)
    own = own[own["run_id"] == run["run_id"]]
    assert own.loc[own["offering_id"] == target, "outcome"].tolist() == ["rejected"]

    # The same run 10,000 times over (the rows as many API runs and posts would leave).
    with factory.begin() as session:
        store_outcomes(session, _copies(own, target, ATTACKS, honest["created_at"]))
    with factory() as session:
        outcomes = learning_repo.outcomes_frame(session)
    attacks = outcomes[(outcomes["tenant"] == "mallory") & (outcomes["offering_id"] == target)
                       & (outcomes["outcome"] == "rejected")]
    assert len(attacks) == ATTACKS + 1
    poisoned = _trained(factory, capsys)
    engine.dispose()

    rows = honest[honest["offering_id"] == target]

    def score(model: LearnedModel) -> float:
        return float(row_scores(rows, model.weights, model.offering_bias).mean())

    base = score(clean)
    moved = abs(score(poisoned) - base) / base
    assert moved <= TENANT_CAP, (moved, clean.offering_bias.get(target),
                                 poisoned.offering_bias.get(target))
    # The cap is what holds it: the same outcomes trained without it move the score far more.
    assert served.ranker is not None
    open_door = train(time_split(outcomes)[0], served.ranker, tenant_cap=1.0)
    assert abs(score(open_door) - base) / base > 0.5
