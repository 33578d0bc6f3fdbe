"""Recorded outcomes in a real database. ``seed_runs``: a partner's profile is stored and
ranked as the API does it (``service.profiles.service``: create the profile, rank it and store
the run, once per run), with outcomes recorded through the feedback repository (one per run and
offering, as the API records them). ``store_outcomes``: an outcomes frame (simulated officers)
written, fast, as the rows those runs and outcomes leave."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
from sqlalchemy import insert
from sqlalchemy.orm import Session

from matching.pairwise import SIGNAL_COLUMNS
from service.auth import repository as auth_repo
from service.db import Feedback, Outcome, Profile, RecommendationRun, Role, RunItem
from service.deps import Caller
from service.feedback import repository as feedback_repo
from service.profiles import service as profile_service
from service.runtime import ServedCatalog

# position (1-based), offering id -> the outcome to record, or None for none ("shown")
OutcomeRule = Callable[[int, str], str | None]


def seed_runs(
    session: Session,
    served: ServedCatalog,
    *,
    tenant: str,
    body: Mapping[str, Any],
    runs: int,
    outcome: OutcomeRule,
    limit: int = 10,
) -> list[str]:
    """Store ``runs`` runs of one profile of ``tenant`` (created if new) with the outcomes
    ``outcome`` gives; returns the offering ids shown, in rank order."""
    assert served.geography is not None
    key, _ = auth_repo.create_key(session, Role.PARTNER, tenant)
    caller = Caller(key_id=key.id, prefix=key.prefix, role=Role.PARTNER,
                    tenant_id=key.tenant_id, tenant_name=tenant)
    profile = profile_service.create_profile(session, caller, served.geography, body, None).profile
    shown: list[str] = []
    for _ in range(runs):
        ranking = profile_service.recommend_stored(session, caller, served, profile.id, limit)
        shown = [str(item["offering_id"]) for item in ranking["recommendations"]]
        for item in ranking["recommendations"]:
            chosen = outcome(int(item["rank"]), str(item["offering_id"]))
            if chosen is not None:
                feedback_repo.record_outcome(
                    session,
                    run_id=str(ranking["run_id"]),
                    offering_id=str(item["offering_id"]),
                    outcome=Outcome(chosen),
                    note=None,
                )
    return shown


def store_outcomes(session: Session, frame: pd.DataFrame, *, prefix: str = "") -> None:
    """Store an outcomes frame (``matching.learning.OUTCOME_COLUMNS``, e.g. simulated officers'
    of ``matching.simulation``) as tenants, profiles, runs at their times, run items and
    feedback: what recorded outcomes leave in the database. Ids get ``prefix``."""
    tenants = {
        name: auth_repo.get_or_create_tenant(session, str(name)).id
        for name in frame["tenant"].unique()
    }
    profiles = frame.drop_duplicates("profile_id")
    session.execute(insert(Profile), [
        {"id": prefix + str(p), "tenant_id": tenants[t], "body": {"pincode": "411001",
         "sector": "other"}, "state": "Maharashtra", "district": "Pune", "sector": "other",
         "pincode": "411001"}
        for p, t in zip(profiles["profile_id"], profiles["tenant"], strict=True)
    ])
    runs = frame.drop_duplicates("run_id")
    session.execute(insert(RecommendationRun), [
        {"id": prefix + str(r), "profile_id": prefix + str(p), "catalog_version": "simulated",
         "model_version": "simulated", "ranking": {}, "created_at": at.to_pydatetime()}
        for r, p, at in zip(runs["run_id"], runs["profile_id"], runs["created_at"], strict=True)
    ])
    signals = frame[list(SIGNAL_COLUMNS)].to_numpy().tolist()
    names = [column.removeprefix("s_") for column in SIGNAL_COLUMNS]
    session.execute(insert(RunItem), [
        {"run_id": prefix + str(r), "offering_id": o, "position": int(k),
         "signals": dict(zip(names, values, strict=True))}
        for r, o, k, values in zip(frame["run_id"], frame["offering_id"], frame["position"],
                                   signals, strict=True)
    ])
    decided = frame[frame["outcome"] != Outcome.SHOWN.value]
    if len(decided):
        session.execute(insert(Feedback), [
            {"run_id": prefix + str(r), "offering_id": o, "outcome": Outcome(x),
             "created_at": at.to_pydatetime()}
            for r, o, x, at in zip(decided["run_id"], decided["offering_id"],
                                   decided["outcome"], decided["created_at"], strict=True)
        ])
