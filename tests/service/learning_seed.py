"""Recorded outcomes in a real database, fast: a profile is ranked once by the served ranker
and stored, then its run is stored again as many times as needed (new run ids, the same
offerings, ranks and signal values), with outcomes recorded through the feedback repository
(one per run and offering, as the API records them)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from service.auth import repository as auth_repo
from service.db import Outcome
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
