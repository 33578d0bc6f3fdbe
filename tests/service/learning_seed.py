"""Recorded outcomes in a real database, fast. ``seed_runs``: a profile is ranked once by the
served ranker and stored, then its run is stored again as many times as needed (new run ids,
the same offerings, ranks and signal values), with outcomes recorded through the feedback
repository (one per run and offering, as the API records them). ``store_outcomes``: an
outcomes frame (simulated officers) written as the rows those runs and outcomes leave."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
from sqlalchemy import insert
from sqlalchemy.orm import Session

from matching.pairwise import SIGNAL_COLUMNS
from service.auth import repository as auth_repo
from service.db import Feedback, Outcome, Profile, RecommendationRun, RunItem
from service.feedback import repository as feedback_repo
from service.profiles import repository as profiles_repo
from service.recommendations.service import rank_profile, validate_profile
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
    tenant_id = auth_repo.get_or_create_tenant(session, tenant).id
    valid = validate_profile(body, served.geography)
    profile = profiles_repo.add_profile(
        session,
        tenant_id=tenant_id,
        body=body,
        state=valid.state,
        district=valid.district,
        sector=str(valid.profile.sector),
        pincode=valid.profile.pincode,
    )
    ranked = rank_profile(served, valid.profile, limit)
    for _ in range(runs):
        run_id = str(uuid.uuid4())
        profiles_repo.add_run(
            session,
            run_id=run_id,
            profile_id=profile.id,
            catalog_version=str(ranked.payload["catalog_version"]),
            model_version=str(ranked.payload["model_version"]),
            ranking={**ranked.payload, "run_id": run_id},
            items=ranked.items,
        )
        for item in ranked.items:
            chosen = outcome(item.position, item.offering_id)
            if chosen is not None:
                feedback_repo.record_outcome(
                    session,
                    run_id=run_id,
                    offering_id=item.offering_id,
                    outcome=Outcome(chosen),
                    note=None,
                )
    return [item.offering_id for item in ranked.items]


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
