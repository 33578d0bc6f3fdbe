"""Storing a consenting visitor's profile and its ranking for officers (tenant ``web``)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from service.auth import repository as auth_repo
from service.auth.repository import WEB_TENANT
from service.profiles import repository as profiles_repo
from service.ranking import ValidProfile, rank_profile, validate_profile
from service.recommendations.schemas import RankingOut

RUN_LIMIT = 10


def store_consenting_profile(
    session: Session, body: Mapping[str, Any], valid: ValidProfile, payload: dict[str, Any]
) -> str:
    """Store the profile under tenant ``web`` with the run it was shown; return its id."""
    tenant = auth_repo.get_or_create_tenant(session, WEB_TENANT)
    profile = profiles_repo.add_profile(
        session,
        tenant_id=tenant.id,
        body=body,
        state=valid.state,
        district=valid.district,
        sector=str(valid.profile.sector),
        pincode=valid.profile.pincode,
    )
    ranking = RankingOut.model_validate(payload).model_dump(mode="json")
    profiles_repo.add_run(
        session,
        run_id=str(payload["run_id"]),
        profile_id=profile.id,
        catalog_version=str(ranking["catalog_version"]),
        model_version=str(ranking["model_version"]),
        ranking=ranking,
    )
    return profile.id


def store_new_run(session: Session, profile_id: str, body: Mapping[str, Any], served: Any) -> str:
    """Rank a stored profile (one a partner sent through the API has no run yet) and store it."""
    valid = validate_profile(body, served.geography)
    run_id = str(uuid.uuid4())
    ranking = RankingOut.model_validate(
        rank_profile(served, valid.profile, RUN_LIMIT, run_id=run_id)
    ).model_dump(mode="json")
    profiles_repo.add_run(
        session,
        run_id=run_id,
        profile_id=profile_id,
        catalog_version=str(ranking["catalog_version"]),
        model_version=str(ranking["model_version"]),
        ranking=ranking,
    )
    return run_id
